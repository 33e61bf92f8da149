"""Where bw-wizard keeps its files, and how it writes them without ever leaving half a file.

Each directory comes from platformdirs and can be moved by an environment variable, so tests and
people with unusual setups can keep everything in one place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import platformdirs

APP_NAME = "bw-wizard"

#: Environment variables that override each directory.
CONFIG_DIR_ENV = "BW_WIZARD_CONFIG_DIR"
STATE_DIR_ENV = "BW_WIZARD_STATE_DIR"
DATA_DIR_ENV = "BW_WIZARD_DATA_DIR"


def config_dir() -> Path:
    """Non-secret settings (settings.toml)."""
    return _dir(CONFIG_DIR_ENV, platformdirs.user_config_dir(APP_NAME))


def state_dir() -> Path:
    """Progress through the steps (what was created)."""
    return _dir(STATE_DIR_ENV, platformdirs.user_state_dir(APP_NAME))


def data_dir() -> Path:
    """The callback event log."""
    return _dir(DATA_DIR_ENV, platformdirs.user_data_dir(APP_NAME))


def _dir(env_name: str, default: str) -> Path:
    return Path(os.environ.get(env_name) or default)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never a mix.

    The temp file lives in the same directory (same filesystem) and is fsynced before the
    rename, and the directory after it, so a crash, SIGKILL or power cut at any moment leaves a
    whole file behind: the old one or the new one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # A process killed mid-write leaves its temp file behind; the next write sweeps it up.
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable: without it a power cut can bring back the old file, and
    a lost order reference means the next run orders (and bills) numbers again. ~0.3 ms."""
    if os.name != "posix":
        return  # Windows cannot open a directory; its rename is as durable as it gets
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
