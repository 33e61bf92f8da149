"""The requests whose 2018 guide samples still hold are sent exactly as the guide writes them.

The client talks to a scripted loopback server that answers with the guide's own response
samples; the body that arrived is parsed and compared element by element (names, case, order
and values) with the guide's request sample. Location, application settings, the number order,
its status and the message are unchanged today; the application, the SMS and MMS features and
the sub-account moved, and are checked against today's samples in test_bw_today_requests.py.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

from bw_helpers import guide_sample, plain_xml
from bw_scripted_server import Reply, ScriptedServer

from wizard.bandwidth import DashboardClient, MessagingClient, basic_auth
from wizard.bandwidth import xml as bwxml

ACCOUNT = "9900000"
SITE = "{{subaccount}}"
LOCATION = "{{location}}"


def _reply_from_sample(name: str) -> Reply:
    start, headers, body = guide_sample(name)
    status = int(start.split()[1])
    extra = {k: v for k, v in headers.items() if k == "location"}
    return Reply(
        status=status,
        body=body,
        content_type=headers.get("content-type", "application/xml"),
        headers={"Location": extra["location"]} if extra else {},
    )


def _guide_request(name: str) -> tuple[str, str, dict[str, str], object]:
    start, headers, body = guide_sample(name)
    method, url, _ = start.split(" ", 2)
    path = url.split("/api/", 1)[1] if "/api/" in url else url.split("/v2/", 1)[1]
    parsed = json.loads(body) if body.startswith("{") else plain_xml(body) if body else None
    return method, path, headers, parsed


def _dashboard(scripted: ScriptedServer) -> DashboardClient:
    return DashboardClient(f"{scripted.url}/api", ACCOUNT, basic_auth("user", "pw-secret"))


def _assert_same_structure(sent: str, guide: object) -> None:
    """Equal dicts in equal key order, recursively (xmltodict keeps document order)."""
    got = plain_xml(sent)
    assert json.dumps(got) == json.dumps(guide), f"\n{json.dumps(got)}\n!=\n{json.dumps(guide)}"


async def test_create_location_matches_guide_and_reads_location_header(
    scripted: ScriptedServer,
) -> None:
    reply = _reply_from_sample("2-create-location.response.http")
    reply.headers["Location"] = f"{scripted.url}/api/accounts/{ACCOUNT}/sites/10001/sippeers/555"
    scripted.script("POST", "/api/accounts/*/sites/*/sippeers", reply)
    method, path, _, guide = _guide_request("2-create-location.request.http")
    async with _dashboard(scripted) as dash:
        location = await dash.create_location("10001", "Bandwidth Messaging 2 test2", True)
    seen = scripted.requests[-1]
    assert seen.method == method
    assert seen.path == "/api/" + path.replace("{{account}}", ACCOUNT).replace(
        "{{subaccount}}", "10001"
    )
    _assert_same_structure(seen.text, guide)
    assert location.id == "555"
    assert location.is_default is True
    assert location.site_id == "10001"


async def test_assign_application_matches_guide(scripted: ScriptedServer) -> None:
    scripted.script(
        "PUT", "*/applicationSettings", _reply_from_sample("5-assign-application.response.http")
    )
    method, path, _, guide = _guide_request("5-assign-application.request.http")
    async with _dashboard(scripted) as dash:
        assigned = await dash.assign_application(
            SITE, LOCATION, "299ab22a-d7e6-4cf6-9f4d-2089efc0c031"
        )
    seen = scripted.requests[-1]
    assert seen.method == method == "PUT"
    assert unquote(seen.path) == "/api/" + path.replace("{{account}}", ACCOUNT)
    assert seen.path.endswith("/products/messaging/applicationSettings")
    _assert_same_structure(seen.text, guide)
    assert assigned == "299ab22a-d7e6-4cf6-9f4d-2089efc0c031"


async def test_order_matches_guide_then_customer_order_id(scripted: ScriptedServer) -> None:
    scripted.script(
        "POST", "/api/accounts/*/orders", _reply_from_sample("6-order-numbers.response.http")
    )
    method, path, _, guide = _guide_request("6-order-numbers.request.http")
    async with _dashboard(scripted) as dash:
        order = await dash.create_order(SITE, LOCATION, "910", 1, "bw-wizard-abc")
    seen = scripted.requests[-1]
    assert seen.method == method
    assert seen.path == "/api/" + path.replace("{{account}}", ACCOUNT)
    sent = plain_xml(seen.text)["Order"]
    guide_order = guide["Order"]  # type: ignore[index]
    # The guide's elements first, in the guide's order and spelling ...
    assert list(sent)[: len(guide_order)] == list(guide_order)
    for key, value in guide_order.items():
        assert sent[key] == value
    # ... then only CustomerOrderId (echoed back; finds the order after a crash).
    assert list(sent)[len(guide_order) :] == ["CustomerOrderId"]
    assert sent["CustomerOrderId"] == "bw-wizard-abc"
    assert "PartialAllowed" not in sent
    assert order.id == "a18a8979-ebed-42f0-ae5f-3cfa7941d4c2"
    assert order.status == "RECEIVED"
    assert order.area_code == "910" and order.quantity == 1
    assert order.site_id == SITE and order.location_id == LOCATION
    assert order.customer_order_id == "bw-wizard-abc"


async def test_order_status_get_matches_guide(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET", "/api/accounts/*/orders/*", _reply_from_sample("7-order-status.response.http")
    )
    method, path, _, _ = _guide_request("7-order-status.request.http")
    async with _dashboard(scripted) as dash:
        order = await dash.get_order("a18a8979-ebed-42f0-ae5f-3cfa7941d4c2")
    seen = scripted.requests[-1]
    assert seen.method == method == "GET"
    assert seen.path == "/api/" + path.replace("{{account}}", ACCOUNT).replace(
        "{{order}}", "a18a8979-ebed-42f0-ae5f-3cfa7941d4c2"
    )
    assert seen.body == b""
    # The GET answer has no <id>: the id asked for is kept.
    assert order.id == "a18a8979-ebed-42f0-ae5f-3cfa7941d4c2"
    assert order.status == "COMPLETE"
    assert order.completed_numbers == ("9102398766",)
    assert order.failed_numbers == () and order.errors == ()


async def test_send_message_matches_guide_on_both_generations(scripted: ScriptedServer) -> None:
    _, headers, body = guide_sample("8-send-message.response.http")
    for prefix in ("/v2", "/api/v2"):
        scripted.script(
            "POST",
            f"{prefix}/users/*/messages",
            Reply(status=202, body=body, content_type=headers["content-type"]),
        )
    _, _, req_headers, guide = _guide_request("8-send-message.request.http")
    for base, user in ((f"{scripted.url}/v2", "u-sandbox"), (f"{scripted.url}/api/v2", ACCOUNT)):
        async with MessagingClient(base, user, basic_auth("token", "secret")) as client:
            sent = await client.send_message(
                "{{your-application-id}}",
                "{{your-bandwidth-number}}",
                ["{{yourTN}}"],
                "Good morning, this is a test message",
            )
        seen = scripted.requests[-1]
        assert seen.method == "POST"
        assert seen.path.endswith(f"/users/{user}/messages")
        assert seen.path == base.removeprefix(scripted.url) + f"/users/{user}/messages"
        assert seen.headers["content-type"] == req_headers["content-type"]
        payload = json.loads(seen.body)
        assert list(payload) == list(guide)  # type: ignore[arg-type]
        # Same fields and values; "to" is always a list (the API answers with one too).
        assert payload["to"] == [guide["to"]]  # type: ignore[index]
        for key in ("from", "text", "applicationId"):
            assert payload[key] == guide[key]  # type: ignore[index]
        assert sent.id == "15047516192013g5tuga77zsa6jrp"
        assert sent.to == ("+19191231234",)
        assert sent.from_number == "+19193524444"
        assert sent.application_id == "05851417-c78b-4636-81a2-014a54d8f119"


async def test_optional_message_fields_are_sent_when_given(scripted: ScriptedServer) -> None:
    scripted.script("POST", "*/messages", Reply.json({"id": "m-1"}, status=202))
    async with MessagingClient(f"{scripted.url}/api/v2", ACCOUNT, None) as client:
        sent = await client.send_message(
            "app",
            "+19195550000",
            ["+19195551111", "+19195552222"],
            "hi",
            media=["https://example.com/a.png"],
            tag="t1",
            priority="high",
        )
    payload = json.loads(scripted.requests[-1].body)
    assert payload["media"] == ["https://example.com/a.png"]
    assert payload["tag"] == "t1" and payload["priority"] == "high"
    assert sent.to == ("+19195551111", "+19195552222")
    assert sent.tag == "t1" and sent.priority == "high"


def test_builders_escape_markup_in_values() -> None:
    body = bwxml.application_xml("A & B <x>", "https://h/cb?a=1&b=2")
    assert plain_xml(body)["Application"]["AppName"] == "A & B <x>"
    assert plain_xml(body)["Application"]["MsgCallbackUrl"] == "https://h/cb?a=1&b=2"
    assert "CallbackCreds" not in plain_xml(body)["Application"]


def test_location_builder_sends_false_when_not_default() -> None:
    assert plain_xml(bwxml.location_xml("x", False))["SipPeer"]["IsDefaultPeer"] == "false"


def test_sms_builder_follows_flags() -> None:
    body = plain_xml(bwxml.sms_feature_xml(toll_free=False, short_code=False))
    settings = body["SipPeerSmsFeature"]["SipPeerSmsFeatureSettings"]
    assert settings["TollFree"] == "false" and settings["ShortCode"] == "false"
    assert settings["Zone1"] == "true"
