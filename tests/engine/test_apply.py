"""`bw-wizard apply`: the README example, exit codes per cause, and kill-and-resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.engine.helpers import control, state
from tests.engine.test_apply_config import readme_example
from wizard.cli import main
from wizard.engine.registry import ORDER_OF_STEPS
from wizard.engine.step import StepId
from wizard.storage.progress import load_progress

ROOT = Path(__file__).resolve().parents[2]


def account_config(sandbox, tmp_path: Path, **order: object) -> Path:
    """A config for the shared sandbox as if it were a real account (no --sandbox)."""
    identity = sandbox.config.identity
    order = {"area_code": "919", "timeout": 20, **order}
    order_lines = "\n".join(f"{k} = {json.dumps(v)}" for k, v in order.items())
    text = f"""
account_id = "{identity.account_id}"
username = "{identity.username}"
dashboard_url = "{sandbox.dashboard_url}"
messaging_url = "{sandbox.messaging_url}"
oauth_token_url = "{sandbox.oauth_token_url}"

[subaccount]
site_id = "{identity.site_id}"

[application]
name = "apply test"
callback_url = "http://127.0.0.1:9/callbacks"
callback_user = "bw-wizard"

[order]
{order_lines}

[message]
to = ["+19195550100"]
text = "hello"
"""
    path = tmp_path / "bw.toml"
    path.write_text(text)
    return path


@pytest.fixture
def account_env(sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BW_PASSWORD", sandbox.config.identity.password)
    monkeypatch.setenv("BW_CALLBACK_PASSWORD", "callback-pass-for-tests")


def test_readme_example_runs_with_sandbox(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = tmp_path / "bw.toml"
    config.write_text(readme_example())
    code = main(["apply", "--sandbox", "--config", str(config), "--order-delay", "0.1"])
    out = capsys.readouterr().out
    assert code == 0, out
    for title in ("Verify credentials", "Application", "Location", "Order status"):
        assert f"✓ {title}" in out
    assert "COMPLETE" in out
    assert "callback: message-delivered" in out


def test_json_lists_everything_created(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    code = main(["apply", "--config", str(account_config(sandbox, tmp_path)), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    document = json.loads(captured.out)
    held = state(sandbox)
    assert document["application_id"] == held["applications"][0]["id"]
    assert document["location_id"] == held["locations"][0]["id"]
    assert document["order_id"] == held["orders"][0]["id"]
    assert document["last_message_id"] == held["messages"][0]["id"]
    assert len(document["numbers"]) == 1
    assert "✓ Application" in captured.err


@pytest.mark.parametrize(
    ("area_code", "expected"),
    [("333", 1), ("444", 4), ("777", 3)],
)
def test_exit_code_per_cause(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture, area_code, expected
) -> None:
    config = account_config(sandbox, tmp_path, area_code=area_code)
    assert main(["apply", "--config", str(config)]) == expected
    err = capsys.readouterr().err
    assert "next:" in err
    assert "created so far:" in err and "application_id" in err


def test_wrong_password_exits_2(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("BW_PASSWORD", "not-the-password")
    monkeypatch.setenv("BW_CALLBACK_PASSWORD", "x" * 20)
    assert main(["apply", "--config", str(account_config(sandbox, tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "not-the-password" not in err
    assert "Dashboard" in err


def test_missing_password_exits_2_with_where_to_put_it(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("BW_CALLBACK_PASSWORD", "x" * 20)
    monkeypatch.setenv("BW_WIZARD_KEYRING_SERVICE", "bw-wizard-test-empty")
    assert main(["apply", "--config", str(account_config(sandbox, tmp_path))]) == 2
    assert "BW_PASSWORD" in capsys.readouterr().err


def test_rerun_sends_nothing_unless_send_again(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    config = str(account_config(sandbox, tmp_path))
    assert main(["apply", "--config", config]) == 0
    assert main(["apply", "--config", config]) == 0
    assert len(state(sandbox)["messages"]) == 1, "a plain rerun must not send again"
    capsys.readouterr()
    assert main(["apply", "--config", config, "--send-again", "--json"]) == 0
    held = state(sandbox)
    assert len(held["messages"]) == 2
    assert len(held["applications"]) == len(held["orders"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["last_message_id"] == held["messages"][-1]["id"]


def test_order_timeout_exits_5_then_rerun_finishes(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    control(sandbox, "config", {"order_delay": 1.0})
    assert main(["apply", "--config", str(account_config(sandbox, tmp_path, timeout=0.2))]) == 5
    assert "still" in capsys.readouterr().err
    assert main(["apply", "--config", str(account_config(sandbox, tmp_path, timeout=20))]) == 0
    assert len(state(sandbox)["orders"]) == 1


def test_rate_limited_exits_7(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    control(
        sandbox,
        "faults",
        {
            "method": "GET",
            "path": "/api/accounts/*",
            "count": 50,
            "kind": "rate_limit",
            "reset_after": 0,
        },
    )
    assert main(["apply", "--config", str(account_config(sandbox, tmp_path))]) == 7
    assert "rate" in capsys.readouterr().err.lower()


def test_bad_config_exits_1_without_traceback(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bw.toml"
    path.write_text('[order]\narea_code = "911"\n')
    assert main(["apply", "--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "area_code" in err


def _progress(state_dir: Path, profile: str) -> dict:
    """The progress file as JSON; {} while it does not exist yet."""
    try:
        return json.loads((state_dir / f"progress-{profile}.json").read_text())
    except FileNotFoundError:
        return {}


def _done_steps(document: dict) -> set[str]:
    steps = document.get("steps", {})
    return {key for key, record in steps.items() if record.get("status") == "done"}


def _check_files_whole(state_dir: Path, account: str, sandbox) -> None:
    """After a kill: the progress file loads as it is (a whole JSON document of this account),
    and anything else in the state dir is a temp file the next atomic write sweeps away."""
    path = state_dir / f"progress-{account}.json"
    load_progress(account, account, sandbox.dashboard_url)  # ProgressCorrupt if torn
    json.loads(path.read_text())
    others = [p.name for p in state_dir.iterdir() if p != path]
    assert all(n.startswith(f".{path.name}.") and n.endswith(".tmp") for n in others), others


def _kill_when(process: subprocess.Popen, condition, what: str) -> None:
    """SIGKILL the process as soon as `condition()` holds (polled, with a deadline)."""
    deadline = time.monotonic() + 30
    try:
        while not condition():
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.005)  # polling the file for the condition, not a fixed wait
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(10)
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"


def _rerun_and_count(sandbox, command, env, state_dir: Path, account: str) -> dict:
    rerun = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert b"Traceback" not in rerun.stderr
    held = state(sandbox)
    assert len(held["applications"]) == 1
    assert len(held["locations"]) == 1
    assert len(held["orders"]) == 1
    assert len(held["messages"]) == 1
    leftovers = list(state_dir.glob(".*.tmp"))
    assert leftovers == [], "the rerun's writes must sweep up a killed write's temp file"
    recorded = _progress(state_dir, account)["steps"]["send-message"]["data"]
    assert [m["id"] for m in recorded["messages"]] == [held["messages"][0]["id"]]
    assert "sending" not in recorded
    return held


MESSAGES_ROUTE = "/api/v2/users/{account}/messages"


@pytest.mark.parametrize("kill_after", [s for s in ORDER_OF_STEPS if s is not StepId.SEND])
def test_killed_after_a_step_then_rerun_creates_nothing_twice(
    sandbox, account_env, tmp_path: Path, isolated_dirs, kill_after: StepId
) -> None:
    """SIGKILL right after each step is recorded, then the same command again.

    After the order (wait-for-order), the next thing the program does is the one create it can
    die in the middle of: the message POST. Killing "soon after" would land before, during or
    after it by chance, so that case is made exact: the sandbox carries the POST out and holds
    its answer (until the client goes away), and the kill lands while the in-flight marker is
    saved and the message exists but its answer never arrived. The rerun must find the
    message with List Messages and adopt it, not send another.
    """
    account = sandbox.config.identity.account_id
    state_dir = isolated_dirs["state"]
    in_flight_send = kill_after is StepId.WAIT_ORDER
    if in_flight_send:
        control(
            sandbox,
            "faults",
            {
                "method": "POST",
                "path": f"/api/v2/users/{account}/messages",
                "kind": "delay",
                "delay": 60,
                "after": True,
            },
        )
    config = account_config(sandbox, tmp_path)
    env = dict(os.environ)
    command = [sys.executable, "-m", "wizard", "apply", "--config", str(config)]
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )

    def recorded() -> bool:
        return str(kill_after) in _done_steps(_progress(state_dir, account))

    def sent_but_unanswered() -> bool:
        steps = _progress(state_dir, account).get("steps", {})
        marker = steps.get("send-message", {}).get("data", {}).get("sending")
        return recorded() and bool(marker) and len(state(sandbox)["messages"]) == 1

    if in_flight_send:
        _kill_when(process, sent_but_unanswered, "the message POST to be carried out and held")
        data = _progress(state_dir, account)["steps"]["send-message"]["data"]
        assert not data.get("messages"), "killed after the answer: not the case under test"
    else:
        _kill_when(process, recorded, f"{kill_after} to be recorded")
    _check_files_whole(state_dir, account, sandbox)

    held = _rerun_and_count(sandbox, command, env, state_dir, account)
    sends = [
        r
        for r in held["requests"]["recent"]
        if r["method"] == "POST" and r["route"] == MESSAGES_ROUTE
    ]
    assert len(sends) == 1, "the message was POSTed twice"
