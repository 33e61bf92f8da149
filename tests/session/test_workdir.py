"""A sandbox session's temporary directory never outlives its process: removed on SIGTERM and
SIGHUP (real signals to real child processes), and swept at the next start when the process
died in a way nothing can catch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wizard.session.workdir import OWNER_FILE, PREFIX

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

SIGNALS = [signal.SIGTERM, signal.SIGHUP]


def _child_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BW_")}
    env.update(
        TMPDIR=str(tmp_path),
        BW_WIZARD_CONFIG_DIR=str(tmp_path / "config"),
        BW_WIZARD_STATE_DIR=str(tmp_path / "state"),
        BW_WIZARD_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    return env


def _workdirs(base: Path) -> list[Path]:
    return sorted(base.glob(f"{PREFIX}*"))


def _read_line(process: subprocess.Popen[str], wanted: str) -> str:
    """Lines of the child's stdout until one contains `wanted` (the child's own progress is the
    condition waited on; the pytest timeout bounds it)."""
    assert process.stdout is not None
    for line in process.stdout:
        if wanted in line:
            return line
    raise AssertionError(f"the child ended before printing {wanted!r}")


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_removes_the_sandbox_session_directory(tmp_path: Path, signum: int) -> None:
    """A process holding a sandbox session (its progress file and callback log on disk) gets the
    signal: the directory goes, and the process still ends the way the signal says."""
    script = textwrap.dedent(
        """
        import sys
        from wizard.session.session import Session

        session = Session.for_sandbox()
        (session.workdir.path / "callbacks.jsonl").write_text("{}\\n")
        print("ready", session.workdir.path, flush=True)
        sys.stdin.readline()  # hold the session until the signal comes
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_child_env(tmp_path),
    )
    try:
        line = _read_line(process, "ready")
        path = Path(line.split(" ", 1)[1].strip())
        assert path.is_dir() and path.parent == tmp_path
        process.send_signal(signum)
        assert process.wait(timeout=30) == -signum
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not path.exists()
    assert _workdirs(tmp_path) == []


def test_apply_sandbox_killed_mid_order_leaves_nothing(tmp_path: Path) -> None:
    """`bw-wizard apply --sandbox`, terminated while it watches an order, removes its directory."""
    config = tmp_path / "bw.toml"
    config.write_text(
        'client_id = "sandbox-client"\n[application]\n[location]\n[features]\n'
        '[order]\narea_code = "919"\nquantity = 1\n',
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wizard",
            "apply",
            "--sandbox",
            "--order-delay",
            "600",
            "--config",
            str(config),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_child_env(tmp_path),
    )
    try:
        _read_line(process, "RECEIVED")  # the order is placed and being watched
        assert len(_workdirs(tmp_path)) == 1
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == -signal.SIGTERM
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert _workdirs(tmp_path) == []


def test_the_next_start_sweeps_what_a_killed_run_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory whose owner died beyond catching (SIGKILL) is removed by the next start of
    the wizard, an account session as well as a sandbox one; a live owner's stays."""
    from wizard.session.session import Session

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{PREFIX}stale"
    stale.mkdir()
    (stale / OWNER_FILE).write_text(f"{dead.pid}\n", encoding="ascii")
    (stale / "callbacks.jsonl").write_text("{}\n", encoding="utf-8")
    alive = tmp_path / f"{PREFIX}alive"
    alive.mkdir()
    (alive / OWNER_FILE).write_text(f"{os.getppid()}\n", encoding="ascii")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    Session.for_account(env={})
    assert not stale.exists()
    assert alive.is_dir()

    # The same at the start of a sandbox session (`bw-wizard --sandbox`, `make demo`).
    stale.mkdir()
    (stale / OWNER_FILE).write_text(f"{dead.pid}\n", encoding="ascii")
    session = Session.for_sandbox(receiver=False)
    try:
        assert not stale.exists()
        assert alive.is_dir()
    finally:
        assert session.workdir is not None
        session.workdir.remove()
