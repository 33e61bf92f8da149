"""A sandbox session's own directory: its progress file and callback log, gone when it ends.

The sandbox forgets everything when it stops, so nothing a sandbox run writes is worth keeping,
and the callback log holds message texts and numbers that should not linger in /tmp. The
directory is removed when the session closes; a process killed before that (SIGKILL, a crash)
leaves its directory behind, and the next sandbox session removes every directory whose owner
process is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "bw-wizard-sandbox-"
OWNER_FILE = "owner.pid"


class SandboxWorkDir:
    """A temporary directory owned by this process."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, parent: Path | None = None) -> SandboxWorkDir:
        """Sweep directories left by dead sessions, then make this session's own."""
        base = parent or Path(tempfile.gettempdir())
        sweep_stale(base)
        path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=base))
        (path / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        return cls(path)

    def remove(self) -> None:
        """Remove the directory and everything in it; safe to call twice."""
        shutil.rmtree(self.path, ignore_errors=True)


def stale_dirs(base: Path) -> list[Path]:
    """Sandbox directories under `base` whose owner process no longer runs."""
    try:
        candidates = sorted(base.glob(f"{PREFIX}*"))
    except OSError:
        return []
    return [path for path in candidates if path.is_dir() and not _owner_alive(path)]


def sweep_stale(base: Path) -> list[Path]:
    """Remove sandbox directories whose owner process no longer runs; returns those removed."""
    removed = stale_dirs(base)
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def _owner_alive(path: Path) -> bool:
    try:
        pid = int((path / OWNER_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        # No owner file: a directory made a moment ago by another process that has not
        # written it yet, or one from an older version. Only old ones are swept.
        with contextlib.suppress(OSError):
            import time

            return time.time() - path.stat().st_mtime < 60
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    except OSError:
        return False
    return True
