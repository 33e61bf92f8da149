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
client_id = "{identity.client_id}"
dashboard_url = "{sandbox.api_v2_url}"
messaging_url = "{sandbox.messaging_url}"
oauth_token_url = "{sandbox.oauth_token_url}"

[subaccount]
site_id = "{identity.site_id}"

[application]
name = "apply test"
callback_url = "http://127.0.0.1:9/callbacks"
callback_user = "bw-wizard"

[location]
name = "apply test"

[features]

[order]
{order_lines}

[compliance]
campaign_id = "CA1B2C3"

[message]
to = ["+19195550100"]
text = "hello"
"""
    path = tmp_path / "bw.toml"
    path.write_text(text)
    return path


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


def test_wrong_client_secret_exits_2(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("BW_CLIENT_SECRET", "not-the-secret")
    monkeypatch.setenv("BW_CALLBACK_PASSWORD", "x" * 20)
    assert main(["apply", "--config", str(account_config(sandbox, tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "not-the-secret" not in err
    assert "API Credentials" in err


def test_missing_client_secret_exits_2_with_where_to_put_it(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("BW_CALLBACK_PASSWORD", "x" * 20)
    monkeypatch.setenv("BW_WIZARD_KEYRING_SERVICE", "bw-wizard-test-empty")
    assert main(["apply", "--config", str(account_config(sandbox, tmp_path))]) == 2
    assert "BW_CLIENT_SECRET" in capsys.readouterr().err


def test_only_an_api_user_exits_2_saying_api_users_are_gone(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    identity = sandbox.config.identity
    config = tmp_path / "bw.toml"
    config.write_text(
        account_config(sandbox, tmp_path)
        .read_text()
        .replace(f'client_id = "{identity.client_id}"\n', "")
    )
    monkeypatch.setenv("BW_USERNAME", identity.username)
    monkeypatch.setenv("BW_PASSWORD", identity.password)
    assert main(["apply", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "stopped working on 2026-12-02" in err and "API Credentials" in err
    assert identity.password not in err
    assert state(sandbox)["applications"] == []


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
            "path": "/api/v2/accounts/*",
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
    load_progress(account, account, sandbox.api_v2_url)  # ProgressCorrupt if torn
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

    After Ready to send, the next thing the program does is the one create it can die in the
    middle of: the message POST. Killing "soon after" would land before, during or
    after it by chance, so that case is made exact: the sandbox carries the POST out and holds
    its answer (until the client goes away), and the kill lands while the in-flight marker is
    saved and the message exists but its answer never arrived. The rerun must find the
    message with List Messages and adopt it, not send another.
    """
    account = sandbox.config.identity.account_id
    state_dir = isolated_dirs["state"]
    in_flight_send = kill_after is StepId.READY
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


# -- the message's outcome decides the exit code ------------------------------------------------


def _sandbox_config(tmp_path: Path, *to: str) -> Path:
    config = tmp_path / "bw.toml"
    numbers = ", ".join(f'"{n}"' for n in to)
    config.write_text(readme_example().replace('to = ["+19195550100"]', f"to = [{numbers}]"))
    return config


def test_failed_message_exits_8(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Bandwidth accepted it (202), then the callback said message-failed 4720."""
    from wizard.core.errors import EXIT_MESSAGE_FAILED

    config = _sandbox_config(tmp_path, "+19195554720")
    code = main(["apply", "--sandbox", "--config", str(config), "--order-delay", "0.1"])
    captured = capsys.readouterr()
    assert code == EXIT_MESSAGE_FAILED == 8, captured.err
    assert "accepted (202)" in captured.out
    assert "message-failed" in captured.out and "4720" in captured.out
    assert "+19195554720" in captured.err and "4720" in captured.err


def test_one_failed_destination_of_a_group_exits_8(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    config = _sandbox_config(tmp_path, "+19195550100", "+19195554720")
    code = main(["apply", "--sandbox", "--config", str(config), "--order-delay", "0.1", "--json"])
    captured = capsys.readouterr()
    assert code == 8, captured.err
    outcomes = json.loads(captured.out)["outcomes"]
    [per_destination] = outcomes.values()
    assert per_destination == {"+19195550100": "delivered", "+19195554720": "failed 4720"}


async def test_no_outcome_within_the_wait_exits_5_and_says_so(
    capsys: pytest.CaptureFixture,
) -> None:
    """The wait runs out (no callback can come here): accepted, outcome unknown, exit 5."""
    import argparse
    import io

    from wizard.commands.apply_run import ApplyRun
    from wizard.core.errors import EXIT_TIMEOUT
    from wizard.engine.events import StepDone

    args = argparse.Namespace(config=None, sandbox=True, json=False, callback_wait=0.01)
    out = io.StringIO()
    runner = ApplyRun(args, out=out)
    data = {
        "last_message_id": "m-1",
        "messages": [{"id": "m-1", "from": "+19195550199", "to": ["+19195550100"]}],
    }
    runner.on_event(StepDone(StepId.SEND, "message m-1 accepted (202)", data))
    assert await runner.wait_for_outcome(0.01) == EXIT_TIMEOUT
    err = capsys.readouterr().err
    assert "✗ Send a message: No delivered or failed callback within 0.01 s" in err
    assert "m-1" in err and "+19195550100" in err and "next:" in err


def test_callback_wait_is_documented() -> None:
    from wizard.cli import build_parser

    parser = build_parser()
    apply_parser = parser._subparsers._group_actions[0].choices["apply"]  # type: ignore[union-attr]
    text = " ".join(apply_parser.format_help().split())
    assert "default: 10 with --sandbox" in text
    assert "exits 5" in text and "exits 8" in text and "8 message failed" in text
    readme = (ROOT / "README.md").read_text()
    assert "`8`" in readme and "--callback-wait" in readme


def test_callback_wait_without_sandbox_is_refused(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """apply hears callbacks only from its own sandbox; on an account they go to your URL."""
    config = str(account_config(sandbox, tmp_path))
    assert main(["apply", "--config", config, "--callback-wait", "5"]) == 1
    assert "--callback-wait" in capsys.readouterr().err
    assert state(sandbox)["applications"] == []


# -- headless error messages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "env", "variable"),
    [
        ("", {}, "BW_CLIENT_SECRET"),
        ("no client id", {}, "BW_CLIENT_ID"),
        ("account", {"BW_CLIENT_SECRET": "from-env"}, "BW_CALLBACK_PASSWORD"),
    ],
)
def test_first_missing_secret_is_named_alone(
    sandbox,
    no_keyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    top: str,
    env: dict[str, str],
    variable: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = account_config(sandbox, tmp_path)
    text = config.read_text()
    if top == "no client id":
        text = "\n".join(line for line in text.splitlines() if not line.startswith("client_id"))
    elif top == "account":
        # The account is known before signing in, so the whole check needs no request.
        text = f'account_id = "{sandbox.config.identity.account_id}"\n' + text
    config.write_text(text)
    assert main(["apply", "--config", str(config)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    named = {v for v in ALL_VARIABLES if v in err}
    assert named == {variable}, err
    assert "Credentials step" not in err and "screen" not in err.lower()
    assert len(err.strip().splitlines()) == 2, err  # the problem, then what to do
    assert state(sandbox)["requests"]["counts"] == {}


ALL_VARIABLES = (
    "BW_ACCOUNT_ID",
    "BW_USERNAME",
    "BW_PASSWORD",
    "BW_CLIENT_ID",
    "BW_CLIENT_SECRET",
    "BW_MESSAGING_USER_ID",
    "BW_MESSAGING_TOKEN",
    "BW_MESSAGING_SECRET",
    "BW_CALLBACK_PASSWORD",
)


def test_no_client_id_names_it_alone(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = tmp_path / "bw.toml"
    config.write_text('[application]\ncallback_url = "https://example.com/cb"\n')
    assert main(["apply", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert {v for v in ALL_VARIABLES if v in err} == {"BW_CLIENT_ID"}, err


def test_a_failure_is_printed_once(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    config = account_config(sandbox, tmp_path, area_code="333")
    assert main(["apply", "--config", str(config)]) == 1
    captured = capsys.readouterr()
    both = captured.out + captured.err
    [order_id] = [o["id"] for o in state(sandbox)["orders"]]
    failure = f"Order {order_id} FAILED"
    assert both.count(failure) == 1, both
    assert failure in captured.err and failure not in captured.out
    assert "✗ Order status:" in captured.err


def test_a_new_sub_account_is_created_with_its_address(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    config = account_config(sandbox, tmp_path)
    text = config.read_text().replace(
        f'site_id = "{sandbox.config.identity.site_id}"',
        'name = "Second site"\nhouse_number = "900"\nstreet_name = "Main Campus Dr"\n'
        'city = "Raleigh"\nstate = "NC"\nzip = "27606"',
    )
    config.write_text(text.split("[application]")[0])
    assert main(["apply", "--config", str(config)]) == 0, capsys.readouterr().err
    sites = state(sandbox)["sites"]
    sites = list(sites.values()) if isinstance(sites, dict) else sites
    assert any(site.get("name") == "Second site" for site in sites)
    assert "created sub-account" in capsys.readouterr().out


def test_every_exit_code_is_in_the_help_and_the_readme() -> None:
    import re

    from wizard.commands.apply import EXIT_CODES_HELP
    from wizard.core.errors import EXIT_CODES, EXIT_GENERAL, EXIT_OK

    codes = {EXIT_OK, EXIT_GENERAL, *EXIT_CODES.values()}
    in_help = {int(code) for code in re.findall(r"^  (\d)  ", EXIT_CODES_HELP, re.M)}
    readme = (ROOT / "README.md").read_text()
    in_readme = {int(code) for code in re.findall(r"^\| `(\d)` \|", readme, re.M)}
    assert in_help == codes == in_readme
