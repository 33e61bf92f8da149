"""Teardown routes with Bandwidth's shapes: each delete, each refusal while something still
depends on it, "already gone", and a disconnect order that progresses with the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from sbx_helpers import parse
from sbx_scale import ScaleApi, listed, response_status

DISCONNECT = "DisconnectTelephoneNumberOrderResponse"
REMOVE = "<ApplicationsSettings>REMOVE</ApplicationsSettings>"


@pytest.fixture
def api(sandbox):
    client = ScaleApi(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def features(api: ScaleApi, location: str) -> str:
    return api.peer(location) + "/products/messaging"


def disconnect_id(answer) -> str:
    return parse(answer.text)[DISCONNECT]["orderRequest"]["id"]


def errors_of(body: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    found = body.get("ErrorList") or {}
    return [
        (e["Code"], e["Description"], e.get("TelephoneNumber"))
        for e in listed(found.get("Error") if found else None)
    ]


def test_a_disconnect_order_progresses_with_the_clock_and_numbers_leave_service(api):
    ready = api.ready_account()
    number = ready["number"]
    delay = api.state()["config"]["order_delay"]
    api.freeze()
    created = api.disconnect([number], customer_order_id="bw-wizard teardown")
    assert created.status_code == 201
    order_id = disconnect_id(created)
    assert created.headers["Location"].endswith(f"{api.account}/disconnects/{order_id}")
    body = parse(created.text)[DISCONNECT]
    assert body["OrderStatus"] == "RECEIVED"
    request = body["orderRequest"]
    assert list(request) == [
        "CustomerOrderId",
        "id",
        "OrderCreateDate",
        "DisconnectTelephoneNumberOrderType",
    ]
    kind = request["DisconnectTelephoneNumberOrderType"]
    assert kind == {
        "DisconnectMode": "normal",
        "Protected": "UNCHANGED",
        "TelephoneNumberList": {"TelephoneNumber": number},
    }
    assert api.disconnect_status(order_id)["OrderStatus"] == "RECEIVED"
    api.advance(delay / 2)
    status = api.disconnect_status(order_id)
    assert status["OrderStatus"] == "PROCESSING" and "DisconnectedTelephoneNumberList" not in status
    assert api.xml("GET", f"{api.account}/inserviceNumbers/{number}").status_code == 200
    api.advance(delay / 2)
    done = api.disconnect_status(order_id)
    assert done["OrderStatus"] == "COMPLETE"
    assert done["DisconnectedTelephoneNumberList"] == {"TelephoneNumber": number}
    assert done["ErrorList"] is None  # present and empty, as the guide's example shows
    assert list(done) == [
        "DisconnectedTelephoneNumberList",
        "ErrorList",
        "orderRequest",
        "OrderStatus",
    ]
    assert api.xml("GET", f"{api.account}/inserviceNumbers/{number}").status_code == 404
    assert api.xml("GET", f"{api.account}/inserviceNumbers").status_code == 204
    tns = parse(api.xml("GET", api.peer(ready["location"]) + "/tns").text)
    assert tns["SipPeerTelephoneNumbersResponse"]["SipPeerTelephoneNumbers"] is None
    assert api.state()["numbers"] == []


def test_teardown_in_the_order_that_always_works(api):
    ready = api.ready_account()
    location, app_id = ready["location"], ready["app_id"]
    created = api.disconnect([ready["number"]])
    api.freeze()
    api.advance(api.state()["config"]["order_delay"])
    assert api.disconnect_status(disconnect_id(created))["OrderStatus"] == "COMPLETE"
    unlinked = api.xml("PUT", features(api, location) + "/applicationSettings", REMOVE)
    assert unlinked.status_code == 200
    gone_link = parse(unlinked.text)["ApplicationsSettingsResponse"]["ApplicationsSettings"]
    assert gone_link is None
    associated = api.xml("GET", f"{api.account}/applications/{app_id}/associatedsippeers")
    assert parse(associated.text)["AssociatedSipPeersResponse"]["AssociatedSipPeers"] is None
    for path in ("/features/mms", "/features/sms"):
        answer = api.xml("DELETE", features(api, location) + path)
        assert (answer.status_code, answer.content) == (200, b""), path
    assert api.xml("DELETE", api.peer(location)).status_code == 200
    assert api.xml("DELETE", f"{api.account}/applications/{app_id}").status_code == 200
    state = api.state()
    assert (state["locations"], state["applications"], state["numbers"]) == ([], [], [])
    assert api.xml("GET", api.peer(location)).status_code == 404
    assert api.xml("GET", f"{api.account}/applications/{app_id}").status_code == 404


def test_refusals_while_something_still_depends_on_it(api):
    ready = api.ready_account()
    location, app_id = ready["location"], ready["app_id"]
    in_use = api.xml("DELETE", f"{api.account}/applications/{app_id}")
    assert in_use.status_code == 400
    assert response_status(in_use, "ApplicationProvisioningResponse") == (
        "12107",
        "The Application cannot be removed until references in the following Locations are "
        f"removed: {location}",
    )
    sms_first = api.xml("DELETE", features(api, location) + "/features/sms")
    assert sms_first.status_code == 400
    assert response_status(sms_first, "SipPeerSmsFeatureResponse")[0] == "13622"
    assert api.xml("DELETE", features(api, location) + "/features/mms").status_code == 200
    numbers_first = api.xml("DELETE", features(api, location) + "/features/sms")
    assert numbers_first.status_code == 400
    assert response_status(numbers_first, "SipPeerSmsFeatureResponse") == (
        "13673",
        "Can not disable SMS feature on Sip Peer because it has telephone numbers with messaging "
        "enabled.",
    )
    with_sms = api.xml("DELETE", api.peer(location))
    assert with_sms.status_code == 400
    assert response_status(with_sms, "SipPeerResponse") == (
        "13613",
        "Delete not allowed while a SIP Peer has SMS feature",
    )
    site = api.xml("DELETE", api.site(api.identity.site_id))
    assert site.status_code == 400
    assert response_status(site, "SiteResponse")[0] == "12031"
    # A location without SMS but with numbers (or numbers on their way) stays too.
    bare = api.create_location("No messaging", default=False)
    pending = api.order(bare, "919", 1)
    assert pending.status_code == 201
    for _ in range(2):  # while the order is pending, then once its number is in service
        refused = api.xml("DELETE", api.peer(bare))
        assert refused.status_code == 400
        assert response_status(refused, "SipPeerResponse")[0] == "13555"
        api.advance(api.state()["config"]["order_delay"])
    assert len(api.state()["numbers"]) == 2


def test_already_gone_answers_as_bandwidth_does(api):
    location = api.create_location()
    sms = api.xml("DELETE", features(api, location) + "/features/sms")
    assert sms.status_code == 404
    assert response_status(sms, "SipPeerSmsFeatureResponse") == (None, "SMS settings do not exist")
    mms = api.xml("DELETE", features(api, location) + "/features/mms")
    assert mms.status_code == 404
    assert response_status(mms, "MmsFeatureResponse") == (None, "MMS settings were not found")
    assert api.xml("DELETE", api.peer(location)).status_code == 200
    again = api.xml("DELETE", api.peer(location))
    assert again.status_code == 404
    assert response_status(again, "SipPeerResponse")[0] == "13563"
    for path in ("/features/sms", "/features/mms"):
        assert api.xml("DELETE", features(api, location) + path).status_code == 404
    unlink = api.xml("PUT", features(api, location) + "/applicationSettings", REMOVE)
    assert unlink.status_code == 404
    app_id = api.create_app()
    assert api.xml("DELETE", f"{api.account}/applications/{app_id}").status_code == 200
    app_again = api.xml("DELETE", f"{api.account}/applications/{app_id}")
    assert app_again.status_code == 404
    assert response_status(app_again, "ApplicationProvisioningResponse")[0] == "13629"
    unknown = api.xml("GET", f"{api.account}/applications/{app_id}/associatedsippeers")
    assert unknown.status_code == 404
    assert response_status(unknown, "AssociatedSipPeersResponse")[0] == "13629"
    site = api.site("10099")
    assert api.xml("DELETE", site).status_code == 404


def test_disconnecting_numbers_already_gone_fails_in_the_order_not_at_the_door(api):
    ready = api.ready_account()
    number = ready["number"]
    api.freeze()
    delay = api.state()["config"]["order_delay"]
    first = disconnect_id(api.disconnect([number]))
    api.advance(delay)
    assert api.disconnect_status(first)["OrderStatus"] == "COMPLETE"
    rerun = api.disconnect([number, "9195550123"])
    assert rerun.status_code == 201
    order_id = disconnect_id(rerun)
    api.advance(delay)
    done = api.disconnect_status(order_id)
    assert done["OrderStatus"] == "FAILED"
    assert "DisconnectedTelephoneNumberList" not in done
    assert errors_of(done) == [
        ("5074", "Telephone number is not in service.", number),
        ("5076", "Number does not belong to this account.", "9195550123"),
    ]


def test_a_partial_disconnect(api):
    ready = api.ready_account()
    api.freeze()
    order_id = disconnect_id(api.disconnect([ready["number"], "9195550123"]))
    api.advance(api.state()["config"]["order_delay"])
    done = api.disconnect_status(order_id)
    assert done["OrderStatus"] == "PARTIAL"
    assert done["DisconnectedTelephoneNumberList"] == {"TelephoneNumber": ready["number"]}
    assert [code for code, _, _ in errors_of(done)] == ["5076"]


@pytest.mark.parametrize(
    ("numbers", "extra", "code"),
    [
        ([], "", "5001"),
        (["12345"], "", "5070"),
        (["9192221234", "9192221234"], "", "5072"),
        (["9192221234", "8332221234"], "", "5175"),
        (["9192221234"], "<DisconnectMode>erase</DisconnectMode>", "5084"),
        (["9192221234"], "<Protected>MAYBE</Protected>", "5002"),
    ],
)
def test_bad_disconnect_orders_are_refused_with_the_order_echoed(api, numbers, extra, code):
    listed_numbers = "".join(f"<TelephoneNumber>{n}</TelephoneNumber>" for n in numbers)
    body = (
        "<DisconnectTelephoneNumberOrder><DisconnectTelephoneNumberOrderType>"
        f"<TelephoneNumberList>{listed_numbers}</TelephoneNumberList>{extra}"
        "</DisconnectTelephoneNumberOrderType></DisconnectTelephoneNumberOrder>"
    )
    answer = api.xml("POST", api.account + "/disconnects", body)
    assert answer.status_code == 400, answer.text
    refused = parse(answer.text)[DISCONNECT]
    assert errors_of(refused)[0][0] == code
    assert "OrderCreateDate" in refused["orderRequest"]
    assert api.state()["disconnects"] == []


def test_an_unknown_disconnect_order_is_404(api):
    answer = api.xml("GET", f"{api.account}/disconnects/no-such-order")
    assert answer.status_code == 404
    assert response_status(answer, DISCONNECT)[1].startswith("Order id is invalid.")


# -- a teardown that crashes halfway, then runs again ---------------------------------------------


@dataclass
class Created:
    """What a wizard run created, as its saved progress would hold it."""

    app_id: str
    location: str
    numbers: list[str]
    done: list[str] = field(default_factory=list)


def teardown(api: ScaleApi, created: Created, *, crash_after: str | None = None) -> None:
    """Take everything down, treating "already gone" as done; `crash_after` stops early."""

    def step(name: str) -> bool:
        created.done.append(name)
        return name == crash_after

    live = [
        n
        for n in created.numbers
        if api.xml("GET", f"{api.account}/inserviceNumbers/{n}").status_code == 200
    ]
    if live:
        order_id = disconnect_id(api.disconnect(live))
        api.advance(api.state()["config"]["order_delay"])
        status = api.disconnect_status(order_id)
        assert status["OrderStatus"] == "COMPLETE" or all(
            code == "5074" for code, _, _ in errors_of(status)
        )
    if step("numbers"):
        return
    unlink = api.xml("PUT", features(api, created.location) + "/applicationSettings", REMOVE)
    assert unlink.status_code in (200, 404)
    if step("link"):
        return
    for path in ("/features/mms", "/features/sms"):
        answer = api.xml("DELETE", features(api, created.location) + path)
        assert answer.status_code in (200, 404), answer.text
    if step("features"):
        return
    assert api.xml("DELETE", api.peer(created.location)).status_code in (200, 404)
    if step("location"):
        return
    answer = api.xml("DELETE", f"{api.account}/applications/{created.app_id}")
    assert answer.status_code in (200, 404), answer.text
    step("application")


@pytest.mark.parametrize("crash_after", ["numbers", "link", "features", "location"])
def test_a_rerun_after_a_crash_finishes_and_never_fails_on_what_is_gone(api, crash_after):
    ready = api.ready_account()
    created = Created(ready["app_id"], ready["location"], [ready["number"]])
    api.freeze()
    teardown(api, created, crash_after=crash_after)
    assert created.done[-1] == crash_after
    teardown(api, created)  # the rerun
    teardown(api, created)  # and once more, with nothing left at all
    state = api.state()
    assert (state["locations"], state["applications"], state["numbers"]) == ([], [], [])
    assert [d["status"] for d in state["disconnects"]] == ["COMPLETE"]
