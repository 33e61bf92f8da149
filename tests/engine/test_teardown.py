"""`bw-wizard teardown` against the shared sandbox, as if it were a real account.

A setup is made with `apply` (application, location, SMS, MMS, link, one number), then taken
apart: the dry run changes nothing and shows the exact requests; `--yes` needs the count of
numbers; a failure half-way (a refused delete, a disconnect whose answer was lost) is finished by
a rerun that never disconnects twice; what the wizard only reused stays. Disconnect orders are
made instant (order delay 0) once the setup exists, so no test waits on them.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine.helpers import account_client, control, state
from wizard.callbacks.event import CallbackEvent
from wizard.cli import main
from wizard.commands.teardown_run import TeardownCommand
from wizard.engine.step import StepId
from wizard.storage.progress import load_progress, save_progress

ACCOUNT = "9900000"
SETUP_TABLES = """
[subaccount]
site_id = "{site}"

[application]
name = "teardown test"
callback_url = "http://127.0.0.1:9/callbacks"
callback_user = "bw-wizard"

[location]
name = "teardown test"

[features]

[order]
area_code = "919"
quantity = {quantity}
timeout = 20
"""


@pytest.fixture
def account(sandbox: Any, account_env: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The shared sandbox as an account: BW_CLIENT_ID, BW_CLIENT_SECRET and BW_API_URL set."""
    monkeypatch.setenv("BW_CLIENT_ID", sandbox.config.identity.client_id)
    monkeypatch.setenv("BW_API_URL", sandbox.api_v2_url)
    return sandbox


def set_up(sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture, quantity: int = 1) -> dict:
    """`apply` up to the order (everything a teardown removes); returns the sandbox's state."""
    config = tmp_path / "bw.toml"
    config.write_text(SETUP_TABLES.format(site=sandbox.config.identity.site_id, quantity=quantity))
    assert main(["apply", "--config", str(config)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    control(sandbox, "config", {"order_delay": 0})  # disconnects end at once
    return state(sandbox)


def teardown(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["teardown", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def left(sandbox: Any) -> dict[str, Any]:
    """What of a setup the sandbox still holds."""
    held = state(sandbox)
    return {
        "applications": [a["id"] for a in held["applications"]],
        "locations": [loc["id"] for loc in held["locations"]],
        "in_service": sorted(n["number"] for n in held["numbers"]),
        "disconnects": len(held["disconnects"]),
    }


def recorded(sandbox: Any) -> set[str]:
    return set(load_progress(ACCOUNT, ACCOUNT, sandbox.api_v2_url).steps)


def test_dry_run_prints_each_request_in_order_and_changes_nothing(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    held = set_up(account, tmp_path, capsys)
    before = left(account)
    app_id, location_id = before["applications"][0], before["locations"][0]
    (number,) = before["in_service"]
    code, out, _ = teardown(capsys)
    assert code == 0
    base = f"{account.api_v2_url}/accounts/{ACCOUNT}"
    peer = f"{base}/sites/10001/sippeers/{location_id}"
    expected = [
        f"POST {base}/disconnects",
        f"<TelephoneNumber>{number}</TelephoneNumber>",
        f"PUT {peer}/products/messaging/applicationSettings",
        "<ApplicationsSettings>REMOVE</ApplicationsSettings>",
        f"DELETE {peer}/products/messaging/features/mms",
        f"DELETE {peer}/products/messaging/features/sms",
        f"DELETE {peer}\n",
        f"DELETE {base}/applications/{app_id}",
    ]
    positions = [out.index(line) for line in expected]
    assert positions == sorted(positions), out
    assert "Dry run: nothing is changed" in out and "sub-account 10001" in out
    reference = held["orders"][0]["customer_order_id"] + "-dc"
    assert f"<CustomerOrderId>{reference}</CustomerOrderId>" in out
    assert left(account) == before and recorded(account) >= {"create-location", "order-numbers"}

    code, out, err = teardown(capsys, "--json")
    document = json.loads(out)
    assert code == 0 and document["dry_run"] is True and document["disconnect_count"] == 1
    assert [r["resource"] for r in document["requests"]] == [
        "numbers",
        "application-link",
        "mms",
        "sms",
        "location",
        "application",
    ]
    assert document["requests"][0]["body"].count("<TelephoneNumber>") == 1
    assert document["kept"][0]["resource"] == "subaccount"
    assert "Dry run" in err and left(account) == before


def test_yes_removes_everything_the_wizard_created_and_nothing_else(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    set_up(account, tmp_path, capsys, quantity=2)
    code, out, err = teardown(capsys, "--yes", "--disconnect-count", "2", "--json")
    assert code == 0, err
    document = json.loads(out)
    assert [r["resource"] for r in document["removed"]] == [
        "numbers",
        "application-link",
        "mms",
        "sms",
        "location",
        "application",
    ]
    assert document["already_gone"] == [] and document["disconnect_order_id"]
    assert left(account) == {
        "applications": [],
        "locations": [],
        "in_service": [],
        "disconnects": 1,
    }
    assert [s["id"] for s in state(account)["sites"]] == ["10001"]  # chosen, not created: kept
    assert recorded(account) == set()
    code, out, _ = teardown(capsys, "--yes")
    assert code == 0 and "Nothing to tear down" in out and left(account)["disconnects"] == 1


def test_status_after_teardown_finds_nothing_the_wizard_created(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """`status` reads the account as Bandwidth has it: before the teardown it lists the
    setup's application, location and number; after it, none of them."""
    set_up(account, tmp_path, capsys)
    progress = load_progress(ACCOUNT, ACCOUNT, account.api_v2_url)
    application = progress.get(StepId.APPLICATION) or {}
    location = progress.get(StepId.LOCATION) or {}
    numbers = (progress.get(StepId.WAIT_ORDER) or {}).get("numbers") or []
    created = [application["application_id"], location["location_id"], *numbers]
    assert len(created) == 3

    def status_text() -> str:
        code = main(["status", "--json"])
        captured = capsys.readouterr()
        assert code in (0, 4), captured.err
        return captured.out

    before = status_text()
    assert all(identifier in before for identifier in created)
    code, _, err = teardown(capsys, "--yes", "--disconnect-count", "1")
    assert code == 0, err
    after = status_text()
    assert [identifier for identifier in created if identifier in after] == []


def test_disconnecting_needs_the_count_and_a_refusal_changes_nothing(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    set_up(account, tmp_path, capsys)
    before = left(account)
    code, _, err = teardown(capsys, "--yes")
    assert code == 1 and "--disconnect-count 1" in err and "nothing was changed" in err
    code, _, err = teardown(capsys, "--yes", "--disconnect-count", "3")
    assert code == 1 and "does not match the 1 number" in err
    assert left(account) == before

    typed_wrong = _run_with_terminal(["--yes"], "2\n")
    assert typed_wrong[0] == 1 and "is not 1" in typed_wrong[2] and left(account) == before
    code, _, err = _run_with_terminal(["--yes"], "1\n")
    assert code == 0 and "Type 1 (the count of numbers) to confirm" in err
    assert left(account)["in_service"] == [] and left(account)["locations"] == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run_with_terminal(argv: list[str], typed: str) -> tuple[int, str, str]:
    from wizard.commands.teardown import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    command = TeardownCommand(parser.parse_args(argv), stdin=_Terminal(typed), out=out, err=err)
    return asyncio.run(command.main()), out.getvalue(), err.getvalue()


def test_a_refused_delete_half_way_is_finished_by_a_rerun(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    set_up(account, tmp_path, capsys)
    (location_id,) = left(account)["locations"]
    refusal = (
        "<SipPeerResponse><ResponseStatus><ErrorCode>13555</ErrorCode><Description>Port-in "
        "activity affects this Location.</Description></ResponseStatus></SipPeerResponse>"
    )
    control(
        account,
        "faults",
        {
            "method": "DELETE",
            "path": f"/api/v2/accounts/{ACCOUNT}/sites/10001/sippeers/{location_id}",
            "kind": "status",
            "status": 400,
            "body": refusal,
            "content_type": "application/xml",
            "count": 1,
        },
    )
    code, out, err = teardown(capsys, "--yes", "--disconnect-count", "1")
    assert code != 0 and "✗ location: Port-in activity" in err and "again to finish" in err
    assert "MMS on location" in out and "removed" in out
    half = left(account)
    assert half["in_service"] == [] and half["disconnects"] == 1
    assert half["locations"] and half["applications"]
    # What is gone is forgotten; what is left is still recorded.
    assert recorded(account) == {
        "verify-credentials",
        "choose-subaccount",
        "create-application",
        "create-location",
    }
    code, out, err = teardown(capsys, "--yes")  # no numbers left: no count to type
    assert code == 0, err
    assert left(account) == {
        "applications": [],
        "locations": [],
        "in_service": [],
        "disconnects": 1,
    }


def test_a_disconnect_whose_answer_was_lost_is_found_and_never_placed_twice(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    set_up(account, tmp_path, capsys)
    control(
        account,
        "faults",
        {"method": "POST", "path": "/api/v2/accounts/*/disconnects", "kind": "drop", "after": True},
    )
    code, _, err = teardown(capsys, "--yes", "--disconnect-count", "1")
    assert code != 0 and "✗ numbers:" in err
    assert left(account)["disconnects"] == 1 and left(account)["in_service"] == []
    pending = load_progress(ACCOUNT, ACCOUNT, account.api_v2_url).get("teardown")
    assert pending and pending["disconnect_customer_order_id"].endswith("-dc")
    assert "disconnect_order_id" not in pending
    code, out, err = teardown(capsys, "--yes", "--disconnect-count", "1")
    assert code == 0, err
    held = state(account)
    assert len(held["disconnects"]) == 1, "the rerun must find the order, not place another"
    assert held["disconnects"][0]["id"] in out
    assert left(account)["locations"] == [] and left(account)["applications"] == []


def test_numbers_already_disconnected_elsewhere_are_not_disconnected_again(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    set_up(account, tmp_path, capsys)
    (number,) = left(account)["in_service"]
    body = (
        "<DisconnectTelephoneNumberOrder><DisconnectTelephoneNumberOrderType>"
        f"<TelephoneNumberList><TelephoneNumber>{number}</TelephoneNumber>"
        "</TelephoneNumberList></DisconnectTelephoneNumberOrderType>"
        "</DisconnectTelephoneNumberOrder>"
    )
    with account_client(account) as client:
        placed = client.post(
            f"/accounts/{ACCOUNT}/disconnects",
            content=body,
            headers={"Content-Type": "application/xml"},
        )
        assert placed.status_code == 201
    code, out, err = teardown(capsys, "--yes", "--disconnect-count", "1")
    assert code == 0, err
    assert f"numbers +1{number} (none in service): already gone" in out
    assert left(account)["disconnects"] == 1 and left(account)["locations"] == []


def test_the_order_outcome_never_recorded_is_read_before_disconnecting(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    set_up(account, tmp_path, capsys)
    progress = load_progress(ACCOUNT, ACCOUNT, account.api_v2_url)
    progress.forget(StepId.WAIT_ORDER)  # as if the run died while watching the order
    save_progress(progress)
    code, out, _ = teardown(capsys)
    assert code == 0 and "(read when the teardown runs)" in out and "{numbers}" in out
    code, _, err = teardown(capsys, "--yes", "--disconnect-count", "1")
    assert code == 0, err
    assert left(account)["in_service"] == [] and left(account)["locations"] == []


def test_what_the_wizard_reused_stays(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    with account_client(account) as client:
        made = client.post(
            f"/accounts/{ACCOUNT}/applications",
            content=(
                "<Application><ServiceType>Messaging-V2</ServiceType><AppName>teardown test"
                "</AppName><MsgCallbackUrl>http://127.0.0.1:9/callbacks</MsgCallbackUrl>"
                "</Application>"
            ),
            headers={"Content-Type": "application/xml"},
        )
        assert made.status_code == 201
        made = client.post(
            f"/accounts/{ACCOUNT}/sites/10001/sippeers",
            content="<SipPeer><PeerName>teardown test</PeerName></SipPeer>",
            headers={"Content-Type": "application/xml"},
        )
        assert made.status_code == 201
    before = left(account)
    set_up(account, tmp_path, capsys)
    code, out, _ = teardown(capsys)
    assert code == 0
    assert "Kept (not created by the wizard):" in out
    assert "found by name and reused" in out and "the link from location" in out
    assert "DELETE" not in out  # only the disconnect
    code, _, err = teardown(capsys, "--yes", "--disconnect-count", "1")
    assert code == 0, err
    after = left(account)
    assert after["applications"] == before["applications"]
    assert after["locations"] == before["locations"] and after["in_service"] == []


def test_callback_events_about_the_setup_go_and_the_others_stay(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    set_up(account, tmp_path, capsys)
    (number,) = left(account)["in_service"]
    log = tmp_path / "data" / "callbacks.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    ours = {"type": "message-received", "to": f"+1{number}", "message": {"id": "m-1"}}
    theirs = {"type": "message-delivered", "to": "+19195550123", "message": {"id": "m-2"}}
    log.write_bytes(
        b"".join(
            CallbackEvent.from_payload(e, authenticated=True).to_log_line()
            for e in (ours, theirs, ours | {"time": "2026-12-03T00:00:00Z"})
        )
    )
    code, out, _ = teardown(capsys)
    assert code == 0
    assert f"2 callback events about this setup's numbers and messages, from {log}" in out
    code, out, err = teardown(capsys, "--yes", "--disconnect-count", "1")
    assert code == 0, err
    assert "callback log: 2 events about this setup removed" in out
    lines = log.read_bytes().splitlines()
    assert len(lines) == 1 and b"m-2" in lines[0]
    assert (log.stat().st_mode & 0o777) == 0o600


def test_sandbox_flag_signs_in_as_the_running_sandbox(
    account: Any, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_up(account, tmp_path, capsys)
    for name in ("BW_CLIENT_ID", "BW_CLIENT_SECRET"):
        monkeypatch.delenv(name)
    code, out, _ = teardown(capsys, "--sandbox")
    assert code == 0 and "POST" in out and "disconnects" in out
    code, _, err = teardown(capsys, "--sandbox", "--yes", "--disconnect-count", "1")
    assert code == 0, err
    assert left(account)["locations"] == []
    monkeypatch.setenv("BW_API_URL", "https://api.bandwidth.com/api/v2")
    code, _, err = teardown(capsys, "--sandbox")
    assert code == 1 and "sandbox on this machine" in err
