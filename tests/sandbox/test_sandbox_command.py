"""`bw-wizard sandbox` as a user runs it: a subprocess on a free port that answers the guide's
eight requests as the guide shows (with --legacy-api-users), then stops cleanly on SIGTERM."""

from __future__ import annotations

import importlib.util
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from sbx_helpers import check_guide_answers, claims, run_guide

from wizard.sandbox.identity import Identity

ROOT = Path(__file__).resolve().parents[2]


def command() -> list[str]:
    """`python -m wizard sandbox` once every CLI subcommand exists; until then the sandbox's own
    entry point, which runs the same add_arguments/run."""
    from wizard import cli

    modules = [module for module, _ in cli.SUBCOMMANDS.values()]
    if all(importlib.util.find_spec(module) for module in modules):
        return [sys.executable, "-m", "wizard", "sandbox"]
    return [sys.executable, "-m", "wizard.sandbox"]


def start(*extra: str) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*command(), "--port", "0", "--order-delay", "0.2", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return process, lines


def first_line(process: subprocess.Popen[str], lines: queue.Queue[str]) -> str:
    try:
        return lines.get(timeout=20)
    except queue.Empty:
        process.kill()
        raise AssertionError("the sandbox printed nothing within 20 s") from None


def stop(process: subprocess.Popen[str], lines: queue.Queue[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.stderr is not None
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    return "".join(rest), process.stderr.read()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM semantics")
def test_command_serves_the_guide_and_stops_cleanly_on_sigterm():
    process, lines = start("--legacy-api-users")
    try:
        banner = first_line(process, lines)
        match = re.match(r"Bandwidth sandbox running at (http://127\.0\.0\.1:\d+)", banner)
        assert match, banner
        base_url = match.group(1)
        with httpx.Client(timeout=10, trust_env=False) as client:
            answers = run_guide(base_url, Identity(), client)
        check_guide_answers(answers, base_url, Identity())
    finally:
        output, errors = stop(process, lines)
    assert process.returncode == 0
    assert "Traceback" not in errors and "Traceback" not in output
    # The identities are printed for the user: public demo data.
    assert "sandbox-client / sandbox-secret" in output
    assert "sandbox-build / sandbox-build-secret" in output
    assert "accepted (--legacy-api-users): sandbox / sandbox-password" in output
    assert output.rstrip().endswith("Sandbox stopped.")


def test_identity_flags_and_a_busy_port():
    process, lines = start(
        "--account-id", "5550001", "--client-id", "my-client", "--client-secret", "my-secret"
    )
    try:
        base_url = first_line(process, lines).split()[-1]
        token = httpx.post(
            base_url + "/api/v1/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=("my-client", "my-secret"),
            trust_env=False,
        ).json()["access_token"]
        assert claims(token)["accounts"] == ["5550001"]
        bearer = {"Authorization": "Bearer " + token}
        answer = httpx.get(base_url + "/api/v2/accounts/5550001", headers=bearer, trust_env=False)
        assert answer.status_code == 200
        basic = httpx.get(
            base_url + "/api/accounts/5550001",
            auth=("sandbox", "sandbox-password"),
            trust_env=False,
        )
        assert basic.status_code == 401  # no --legacy-api-users: API users are refused
        port = base_url.rsplit(":", 1)[1]
        busy = subprocess.run(
            [*command(), "--port", port], cwd=ROOT, capture_output=True, text=True, timeout=30
        )
        assert busy.returncode == 1
        assert f"Port {port} on 127.0.0.1 is already in use" in busy.stderr
        assert "Traceback" not in busy.stderr
    finally:
        stop(process, lines)


def _parsed(*flags: str):
    import argparse

    from wizard.sandbox.command import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(flags))


def test_scale_flags_shape_the_config():
    from wizard.sandbox.command import config_from
    from wizard.sandbox.config import LargeAccount

    plain = config_from(_parsed())
    assert plain.large_account is None and plain.clock == "real"
    assert plain.rate_limits["search"] is not None and plain.rate_limits["other"] is None
    config = config_from(_parsed("--large-account", "--clock", "manual", "--no-rate-limits"))
    assert config.large_account == LargeAccount()
    assert config.clock == "manual"
    assert not any(config.rate_limits.values())
    sized = config_from(_parsed("--large-account", "numbers=500,locations=20,applications=4"))
    assert sized.large_account == LargeAccount(
        numbers=500, locations=20, applications=4, toll_free=10
    )


@pytest.mark.parametrize("value", ["numbers", "numbers=x", "phones=3", "numbers=99999999"])
def test_a_bad_large_account_shape_is_a_usage_error(value, capsys):
    with pytest.raises(SystemExit) as stopped:
        _parsed("--large-account", value)
    assert stopped.value.code == 2
    assert "--large-account" in capsys.readouterr().err


def test_command_seeds_the_large_account_with_a_manual_clock():
    process, lines = start("--large-account", "numbers=300,locations=10", "--clock", "manual")
    try:
        base_url = first_line(process, lines).split()[-1]
        with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as http:
            state = http.get("/_sandbox/state").json()
            clock = http.get("/_sandbox/clock").json()
    finally:
        output, _ = stop(process, lines)
    assert len(state["numbers"]) == 300 and len(state["locations"]) == 10
    assert clock["mode"] == "manual"
    assert "Large account: 300 numbers on 10 locations" in output
    assert "The clock is manual" in output
