"""A sandbox session's own directory: its progress file and callback log, gone when it ends.

The sandbox forgets everything when it stops, so nothing a sandbox run writes is worth keeping,
and the callback log holds message texts and numbers that should not linger in /tmp. The
directory is removed when the session closes, and on SIGTERM or SIGHUP (a closed terminal, a
`kill`) before the signal takes its usual course: Python's default for both ends the process
without running a single `finally`. A process killed in a way nothing can catch (SIGKILL, a
crash) leaves its directory behind; the next start of the wizard, of any kind, removes every
directory whose owner process is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from types import FrameType
from typing import Any

PREFIX = "bw-wizard-sandbox-"
OWNER_FILE = "owner.pid"
HANGUP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))
"""The signals that end a process politely; SIGHUP does not exist on Windows."""

_LIVE: dict[Path, None] = {}
"""This process's directories not yet removed, oldest first."""
_PREVIOUS: dict[int, Any] = {}
"""The handler each hang-up signal had before ours, restored once no directory is left."""


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
        _LIVE[path] = None
        _watch_hangups()
        return cls(path)

    def remove(self) -> None:
        """Remove the directory and everything in it; safe to call twice."""
        shutil.rmtree(self.path, ignore_errors=True)
        _LIVE.pop(self.path, None)
        if not _LIVE:
            _unwatch_hangups()


def sweep_stale_workdirs() -> list[Path]:
    """At any start of the wizard: remove what sessions killed by SIGKILL or a crash left."""
    return sweep_stale(Path(tempfile.gettempdir()))


def _watch_hangups() -> None:
    """Remove this process's directories on SIGTERM/SIGHUP, then let the signal go on.

    Only the main thread may set handlers; a handler installed later (the screens' own, which
    closes the App and with it the session) takes over until it puts this one back.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in HANGUP_SIGNALS:
        if signum in _PREVIOUS:
            continue
        with contextlib.suppress(ValueError, OSError):
            _PREVIOUS[signum] = signal.signal(signum, _on_hangup)


def _unwatch_hangups() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for signum, previous in list(_PREVIOUS.items()):
        with contextlib.suppress(ValueError, OSError, TypeError):
            if signal.getsignal(signum) is _on_hangup:
                signal.signal(signum, previous)
        del _PREVIOUS[signum]


def _on_hangup(signum: int, frame: FrameType | None) -> None:
    for path in list(_LIVE):
        shutil.rmtree(path, ignore_errors=True)
    _LIVE.clear()
    previous = _PREVIOUS.pop(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    if previous == signal.SIG_IGN:
        return
    # The default action: put it back and deliver the signal again, so the process ends the
    # way the signal says (exit status and all), as if this handler had never been there.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


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
