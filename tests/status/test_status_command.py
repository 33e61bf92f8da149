"""`bw-wizard status` against the sandbox as if it were a real account: a healthy setup, a
broken one, the large seeded account, the JSON shape and the ways it cannot run.

The sandbox is the session's (tests/conftest.py), reached through BW_API_URL and the API
Credential in the environment; no settings file and no saved progress exist, as on an account
the wizard did not set up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.status import api_counts, minimum_requests
from tests.callbacks.helpers import ThreadedReceiver
from tests.status.helpers import (
    CALLBACK_PASSWORD,
    CALLBACK_USER,
    app_made_elsewhere,
    closed_port,
    failed_listed,
    location_with_sms,
    location_without_sms,
    ready_account,
    run_cli,
    run_json,
    seed,
    state,
)
from tests.waiting import wait_for
from wizard.engine.step import StepId
from wizard.status.report import EXAMPLES_KEPT

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def receiver(tmp_path: Path) -> Any:
    """The wizard's own callback receiver, in a thread: it challenges with Basic auth."""
    with ThreadedReceiver(
        username=CALLBACK_USER, password=CALLBACK_PASSWORD, log_path=tmp_path / "log.jsonl"
    ) as running:
        yield running


def kinds(report: dict[str, Any], severity: str = "problems") -> set[str]:
    return {v["kind"] for v in report[severity]}


# -- healthy ---------------------------------------------------------------------------------------


def test_a_working_setup_is_healthy_in_text_and_json(
    status_env: Any, receiver: Any, capsys: Any
) -> None:
    recorded = ready_account(status_env, receiver.url)
    assert recorded[StepId.READY.value]["status"] == "SUCCESS"
    code, out, err = run_cli(capsys)
    assert code == 0, out + err
    assert "✓ Healthy: nothing to fix." in out
    assert "0 problems, 0 warnings (exit 0)" in out
    assert "1 (1 local, 0 toll-free): 1 ready to send" in out
    assert "1: 1 as Bandwidth needs them; 1 probed" in out
    # The probe asked without credentials and got the challenge; nothing was logged.
    assert receiver.receiver is not None and not list(receiver.receiver.history)
    assert CALLBACK_PASSWORD not in out + err
    assert "status: done" in err

    before = sum(api_counts(state(status_env)).values())
    code, report, _ = run_json(capsys)
    assert code == 0
    assert report["healthy"] is True and report["exit_code"] == 0
    assert report["problems"] == [] and report["warnings"] == []
    assert set(report) >= {
        "account_id",
        "credential",
        "sites",
        "locations",
        "applications",
        "numbers",
        "campaigns",
        "failed_messages",
        "requests",
        "rate_limited",
        "not_checked",
    }
    identity = status_env.config.identity
    assert report["account_id"] == identity.account_id
    assert report["credential"]["client_id"] == identity.client_id
    assert report["credential"]["accounts"] == [identity.account_id]
    assert all(report["credential"]["capabilities"].values())
    (location,) = report["locations"]
    assert location["sms"] is True and location["mms"] is True
    assert location["numbers"]["total"] == 1 and location["numbers"]["ready"] == 1
    (app,) = report["applications"]
    assert app["linked_locations"] == 1 and app["callback_user"] == CALLBACK_USER
    (callback,) = app["callbacks"]
    assert callback["ok"] is True
    assert callback["probe"]["status"] == 401 and callback["probe"]["challenge"] == "Basic"
    assert report["campaigns"]["CA1B2C3"] == "REGISTERED"
    assert report["failed_messages"]["total"] == 0
    assert report["requests"] == sum(api_counts(state(status_env)).values()) - before
    assert CALLBACK_PASSWORD not in json.dumps(report)


# -- problems --------------------------------------------------------------------------------------


def test_problems_are_found_each_with_its_fix(status_env: Any, receiver: Any, capsys: Any) -> None:
    sandbox = status_env
    ready_account(sandbox, receiver.url, until=StepId.SEND)
    wait_for(lambda: failed_listed(sandbox), 10, "the failed message in List Messages")
    voice = location_without_sms(sandbox)
    with closed_port() as port:
        loopback = location_with_sms(sandbox, "loopback app")
        app_id = app_made_elsewhere(sandbox, f"http://127.0.0.1:{port}/bw", loopback)
        code, report, err = run_json(capsys)
    assert code == 4, err
    assert report["healthy"] is False
    found = {v["kind"]: v for v in report["problems"]}
    assert {"callback-unreachable", "numbers-sms-off", "messages-failed"} <= set(found)
    unreachable = found["callback-unreachable"]
    assert unreachable["subjects"] == [app_id]
    assert f"127.0.0.1:{port}" in unreachable["message"] and "refused" in unreachable["message"]
    assert unreachable["fix"]
    assert found["numbers-sms-off"]["subjects"] == [voice["id"]]
    assert found["messages-failed"]["subjects"] == ["4720"]
    assert "invalid destination" in found["messages-failed"]["message"].lower() or (
        "not a valid" in found["messages-failed"]["message"]
    )
    # The wizard's own application still answers as Bandwidth needs.
    own = [a for a in report["applications"] if a["id"] != app_id]
    assert all(c["ok"] for a in own for c in a["callbacks"])
    assert all(v["fix"] for v in report["problems"] + report["warnings"])


def test_problems_in_text(status_env: Any, capsys: Any) -> None:
    sandbox = status_env
    seed(sandbox, numbers=30, locations=6, applications=3, sites=2, failed_messages=1)
    code, out, _ = run_cli(capsys)
    assert code == 4
    problem_lines = [line for line in out.splitlines() if line.startswith("✗ ")]
    fixes = [line for line in out.splitlines() if line.startswith("  fix: ")]
    assert problem_lines and len(fixes) >= len(problem_lines)
    assert any("on no 10DLC campaign" in line for line in problem_lines)
    assert any("reserved name" in line for line in problem_lines)
    assert f"{len(problem_lines)} problem" in out.splitlines()[-1]


def test_a_credential_without_the_10dlc_and_toll_free_roles_cannot_check_them(
    status_env: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    seed(status_env, numbers=40, locations=4, applications=2, sites=1, toll_free=4)
    monkeypatch.setenv("BW_CLIENT_ID", "sandbox-limited")
    monkeypatch.setenv("BW_CLIENT_SECRET", "sandbox-limited-secret")
    code, report, _ = run_json(capsys)
    assert code == 4
    assert {"cannot-check-campaigns", "cannot-check-toll-free"} <= kinds(report)
    assert report["credential"]["capabilities"]["campaign_management"] is False
    numbers = report["numbers"]
    assert numbers["by_readiness"].get("unchecked", 0) > 0
    assert "numbers-no-campaign" not in kinds(report)
    counts = api_counts(state(status_env))
    # One refusal each, not one per number.
    assert counts.get("GET /api/v2/accounts/{account}/tendlc/campaigns") == 1
    assert (
        counts.get("GET /api/v2/accounts/{account}/phoneNumbers/{number}/tollFreeVerification", 0)
        <= 8
    )


# -- scale -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def large_account() -> Any:
    """A sandbox of its own, in its own process, seeded with the large account (10,000
    numbers, 200 locations, 50 applications, 4 sub-accounts): a whole-account walk is client
    and server work in equal parts, and in one process they would take turns."""
    from benchmarks.status import LARGE, sandbox_process

    with sandbox_process(LARGE) as base:
        yield base


def test_the_large_account_is_read_whole_with_the_fewest_requests(
    large_account: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("BW_API_URL", f"{large_account}/api/v2")
    monkeypatch.setenv("BW_CLIENT_ID", "sandbox-client")
    monkeypatch.setenv("BW_CLIENT_SECRET", "sandbox-secret")

    def held_now() -> dict[str, Any]:
        return httpx.get(f"{large_account}/_sandbox/state", timeout=30, trust_env=False).json()

    before = sum(api_counts(held_now()).values())
    code, report, err = run_json(capsys)
    held = held_now()
    sent = sum(api_counts(held).values()) - before
    assert code == 4
    assert report["numbers"]["total"] == len(held["numbers"]) == 10_000
    toll_free = [
        n
        for n in held["numbers"]
        if n["number"][:3] in {"800", "833", "844", "855", "866", "877", "888"}
    ]
    assert report["numbers"]["toll_free"] == len(toll_free) == 200
    assert len(report["locations"]) == 200 and len(report["sites"]) == 4
    assert len(report["applications"]) == 50
    failed = [
        m for m in held["messages"] for r in m["results"].values() if r["planned"] == "failed"
    ]
    assert report["failed_messages"]["total"] == len(failed) == 6
    # Every list paginated, nothing read twice, no lookup per local number.
    assert sent == report["requests"] == minimum_requests(held)
    assert report["rate_limited"] == 0
    per_number = held["requests"]["counts"].get("GET /api/v2/tns/{tn}/tndetails", 0)
    assert per_number == 0
    # Counts, not every number: a few examples per reason and location.
    for location in report["locations"]:
        assert location["numbers"]["total"] == 50
        for examples in location["numbers"]["examples"].values():
            assert len(examples) <= EXAMPLES_KEPT
    found = kinds(report)
    assert {
        "numbers-no-campaign",
        "numbers-tfv-unverified",
        "numbers-sms-off",
        "callback-placeholder",
        "callback-reserved",
        "messages-failed",
    } <= found
    assert "application-unlinked" in kinds(report, "warnings")
    no_campaign = next(v for v in report["problems"] if v["kind"] == "numbers-no-campaign")
    assert no_campaign["message"].startswith(
        f"{report['numbers']['by_readiness']['no-campaign']:,} local numbers"
    )
    progress = [line for line in err.splitlines() if line.startswith("status: ")]
    assert progress[-1].startswith("status: done")
    assert "locations 200/200" in progress[-1] and "numbers 10,000" in progress[-1]


# -- what it needs, and when it cannot run ---------------------------------------------------------


def test_no_saved_progress_is_needed_even_a_broken_file(
    status_env: Any, isolated_dirs: dict[str, Path], capsys: Any
) -> None:
    account = status_env.config.identity.account_id
    isolated_dirs["state"].mkdir(parents=True, exist_ok=True)
    for name in (f"{account}.json", f"progress-{account}.json", "progress.json"):
        (isolated_dirs["state"] / name).write_text("{not json")
    code, out, _ = run_cli(capsys)
    assert code == 0, out
    assert "Nothing is set up for messaging yet" in out


def test_a_refused_secret_exits_2(
    status_env: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("BW_CLIENT_SECRET", "not-the-secret")
    code, out, err = run_cli(capsys)
    assert code == 2 and out == ""
    assert "\nerror: " in err and "next:" in err
    assert "not-the-secret" not in err


def test_several_accounts_need_a_choice(
    status_env: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("BW_CLIENT_ID", "sandbox-multi")
    monkeypatch.setenv("BW_CLIENT_SECRET", "sandbox-multi-secret")
    code, _, err = run_cli(capsys)
    assert code == 1 and "9900000, 9900001" in err
    code, report, _ = run_json(capsys, "--account", "9900000")
    assert code == 0 and report["account_id"] == "9900000"
    assert report["credential"]["accounts"] == ["9900000", "9900001"]


@pytest.mark.parametrize("args", [["--concurrency", "0"], ["--hours", "400"], ["--hours", "0"]])
def test_bad_arguments_exit_1_before_any_request(
    status_env: Any, capsys: Any, args: list[str]
) -> None:
    before = sum(api_counts(state(status_env)).values())
    code, out, err = run_cli(capsys, *args)
    assert code == 1 and out == "" and err.startswith("error: ")
    assert sum(api_counts(state(status_env)).values()) == before


def test_sandbox_flag_looks_at_a_fresh_sandbox(capsys: Any) -> None:
    code, out, err = run_cli(capsys, "--sandbox")
    assert code == 0, err
    assert "(sandbox)" in out.splitlines()[0]
    assert "Nothing is set up for messaging yet" in out
    json.dumps(out)
