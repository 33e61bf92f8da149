"""`bw-wizard export` against the shared sandbox, as if it were a real account: what the .env
holds (and never holds without --include-secrets), and the two generated programs run for real,
each with the venv's python in a process of its own: send_message.py sends through Bandwidth's
SDK to the sandbox, and bw_callbacks.py answers the sandbox's Basic challenge, logs the
delivered callback, and takes a repeated event once.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.engine.helpers import state
from tests.processes import LineProcess
from wizard.cli import main

ACCOUNT = "9900000"
CALLBACK_PASSWORD = "callback-pass-for-tests"  # what the account_env fixture sets
SETUP = """
[subaccount]
site_id = "10001"

[application]
name = "export test"
callback_url = "http://127.0.0.1:{port}/callbacks"
callback_user = "bw-wizard"

[location]
name = "export test"

[features]

[order]
area_code = "919"
timeout = 20

[compliance]
campaign_id = "CA1B2C3"
"""


@pytest.fixture
def account(sandbox: Any, account_env: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("BW_CLIENT_ID", sandbox.config.identity.client_id)
    monkeypatch.setenv("BW_API_URL", sandbox.api_v2_url)
    return sandbox


def set_up(tmp_path: Path, capsys: pytest.CaptureFixture, port: int = 9) -> None:
    config = tmp_path / "bw.toml"
    config.write_text(SETUP.format(port=port))
    assert main(["apply", "--config", str(config)]) == 0, capsys.readouterr().err
    capsys.readouterr()


def export(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_without_secrets_the_files_hold_ids_only(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    set_up(tmp_path, capsys)
    held = state(account)
    out_dir = tmp_path / "out"
    code, out, err = export(capsys, "--out", str(out_dir))
    assert code == 0, err
    env = (out_dir / ".env").read_text()
    number = "+1" + held["numbers"][0]["number"]
    for line in (
        f"BW_ACCOUNT_ID='{ACCOUNT}'",
        f"BW_CLIENT_ID='{account.config.identity.client_id}'",
        f"BW_NUMBER='{number}'",
        f"BW_MESSAGING_APPLICATION_ID='{held['applications'][0]['id']}'",
        "BW_CALLBACK_USER='bw-wizard'",
        f"BW_API_URL='{account.api_v2_url}'",
    ):
        assert line in env.splitlines(), env
    assert "BW_CLIENT_SECRET=" not in env and "BW_CALLBACK_PASSWORD=" not in env
    secrets = [account.config.identity.client_secret, CALLBACK_PASSWORD]
    for path in out_dir.iterdir():
        text = path.read_text()
        assert not any(secret in text for secret in secrets), path
    assert (out_dir / ".env").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in out_dir.iterdir()) == [
        ".env",
        "bw_callbacks.py",
        "send_message.py",
    ]
    assert "(mode 0600)" in out and "python send_message.py" in out and err == ""


def test_format_env_alone_and_no_overwrite_without_force(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    set_up(tmp_path, capsys)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / ".env").write_text("MY_OWN=1\n")
    code, _, err = export(capsys, "--out", str(out_dir), "--format", "env")
    assert code == 4 and "already exists with other content" in err and "--force" in err
    assert (out_dir / ".env").read_text() == "MY_OWN=1\n"
    code, _, err = export(capsys, "--out", str(out_dir), "--format", "env", "--force")
    assert code == 0, err
    assert [p.name for p in out_dir.iterdir()] == [".env"]
    assert f"BW_ACCOUNT_ID='{ACCOUNT}'" in (out_dir / ".env").read_text()
    code, _, err = export(capsys, "--out", str(out_dir), "--format", "env")
    assert code == 0, err  # the same content again is no clash


def test_nothing_recorded_nothing_written(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BW_ACCOUNT_ID", ACCOUNT)
    code, _, err = export(capsys, "--out", str(tmp_path / "out"))
    assert code == 1 and "records no application and no number" in err
    assert not (tmp_path / "out").exists()


def test_include_secrets_reads_the_keyring_at_that_moment(
    account: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    real_keyring: Any,
) -> None:
    from wizard.storage.credentials import SecretName

    set_up(tmp_path, capsys)
    client_id = account.config.identity.client_id
    for name in ("BW_CLIENT_SECRET", "BW_CALLBACK_PASSWORD"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("BW_ACCOUNT_ID", ACCOUNT)  # known without signing in
    real_keyring.set(client_id, SecretName.OAUTH_CLIENT_SECRET, "from-the-keyring-1")
    real_keyring.set(ACCOUNT, SecretName.CALLBACK_PASSWORD, "callback-from-keyring")
    out_dir = tmp_path / "out"
    code, _, err = export(capsys, "--out", str(out_dir), "--format", "env", "--include-secrets")
    assert code == 0, err
    env = (out_dir / ".env").read_text().splitlines()
    assert "BW_CLIENT_SECRET='from-the-keyring-1'" in env
    assert "BW_CALLBACK_PASSWORD='callback-from-keyring'" in env
    assert "warning:" in err and "holds secrets" in err and "from-the-keyring" not in err
    real_keyring.set(client_id, SecretName.OAUTH_CLIENT_SECRET, "from-the-keyring-2")
    code, _, _ = export(
        capsys, "--out", str(out_dir), "--format", "env", "--include-secrets", "--force"
    )
    assert code == 0 and "BW_CLIENT_SECRET='from-the-keyring-2'" in (out_dir / ".env").read_text()


# -- the generated programs, run ------------------------------------------------------------------


def generated_program(script: Path, env: dict[str, str]) -> LineProcess:
    """A generated program in its own process, stderr with its stdout."""
    return LineProcess([sys.executable, str(script)], cwd=script.parent, env=env, merge_stderr=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bare_env(**extra: str) -> dict[str, str]:
    """No BW_ variable and no proxy: the programs must get everything from the .env."""
    return {"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8", **extra}


def test_the_generated_sender_and_handler_work_against_the_sandbox(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    port = _free_port()
    set_up(tmp_path, capsys, port=port)
    out_dir = tmp_path / "out"
    code, _, err = export(capsys, "--out", str(out_dir), "--include-secrets")
    assert code == 0 and "holds secrets" in err
    handler = generated_program(out_dir / "bw_callbacks.py", _bare_env(PORT=str(port)))
    url = f"http://127.0.0.1:{port}/callbacks"
    try:
        challenge = _wait_for_handler(url)
        assert challenge.status_code == 401
        assert challenge.headers["www-authenticate"].startswith("Basic")

        sent = subprocess.run(
            [sys.executable, str(out_dir / "send_message.py"), "+19195550199", "Hello"],
            cwd=out_dir,
            env=_bare_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert sent.returncode == 0, sent.stderr
        message_id = sent.stdout.split("message ", 1)[1].split()[0]
        assert [m["id"] for m in state(account)["messages"]] == [message_id]
        handler.wait_line(re.escape(f"message-delivered message {message_id} to +19195550199"), 15)

        trigger = ["callbacks", "trigger", "message-delivered", "--to", url, "--repeat", "2"]
        code = main([*trigger, "--user", "bw-wizard", "--password", CALLBACK_PASSWORD, "--json"])
        answers = [
            json.loads(d["attempts"][-1]["answer"]) for d in json.loads(capsys.readouterr().out)
        ]
        assert code == 0
        assert answers == [{"accepted": 1, "duplicates": 0}, {"accepted": 0, "duplicates": 1}]
    finally:
        handler.stop()


def _wait_for_handler(url: str, timeout: float = 15.0) -> httpx.Response:
    """The handler's answer to a POST without credentials, once it listens."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.post(url, json=[], timeout=5, trust_env=False)
        except httpx.ConnectError:
            assert time.monotonic() < deadline, "the handler never started listening"
            time.sleep(0.05)  # polling for the port to open, not a fixed wait
