"""Every failure becomes one BandwidthError with status, code, description, kind and hint.

Answers come from a scripted server over loopback, so the bytes, headers and connection
behaviour are real; the refused connection is a real closed port.
"""

from __future__ import annotations

import socket

import httpx
import pytest
from bw_helpers import SleepRecorder
from bw_scripted_server import Reply, ScriptedServer

from wizard.bandwidth import (
    NO_RETRY,
    BandwidthConnectionError,
    BandwidthError,
    DashboardClient,
    FieldError,
    MessagingClient,
    OAuth2ClientCredentials,
    RetryPolicy,
    basic_auth,
)

ACCOUNT = "9900000"


def dash(scripted: ScriptedServer, **kwargs: object) -> DashboardClient:
    kwargs.setdefault("retry", NO_RETRY)
    return DashboardClient(
        f"{scripted.url}/api",
        ACCOUNT,
        basic_auth("user", "dash-pass"),
        **kwargs,  # type: ignore[arg-type]
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_response_status_shape_404(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "/api/accounts/*/sites/*/sippeers",
        Reply.xml(
            "<TNSipPeersResponse><ResponseStatus><ErrorCode>12016</ErrorCode>"
            "<Description>Site '5001' does not exist</Description></ResponseStatus>"
            "</TNSipPeersResponse>",
            status=404,
        ),
    )
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.list_locations("5001")
    e = info.value
    assert (e.status, e.code, e.kind) == (404, "12016", "not_found")
    assert e.message == "Site '5001' does not exist"
    assert e.method == "GET" and e.url.endswith("/sites/5001/sippeers")
    assert "sub-account" in e.hint
    assert "Site '5001' does not exist" in str(e) and e.hint in str(e)


async def test_error_list_5016_on_order(scripted: ScriptedServer) -> None:
    scripted.script(
        "POST",
        "/api/accounts/*/orders",
        Reply.xml(
            "<OrderResponse><ErrorList><Error><Code>5016</Code><Description>The SiteId submitted "
            "is invalid.</Description></Error></ErrorList></OrderResponse>",
            status=400,
        ),
    )
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.create_order("1", "2", "919", 1, "c-1")
    e = info.value
    assert (e.status, e.code, e.kind) == (400, "5016", "validation")
    assert "SiteId" in e.hint


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("5020", "default location"),
        ("13609", "Bandwidth support"),
        ("13645", "Enable SMS"),
        ("12806", "name"),
        ("4010", "area code"),
    ],
)
async def test_code_hints(scripted: ScriptedServer, code: str, words: str) -> None:
    scripted.script(
        "POST",
        "*",
        Reply.xml(
            f"<X><ErrorList><Error><Code>{code}</Code><Description>d</Description></Error>"
            "</ErrorList></X>",
            status=400,
        ),
    )
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.enable_sms("1", "2")
    assert info.value.code == code
    assert words in info.value.hint


async def test_repeated_errors_elements(scripted: ScriptedServer) -> None:
    scripted.script(
        "POST",
        "/api/accounts/*/applications",
        Reply.xml(
            "<ApplicationProvisioningResponse><Errors><Code>12806</Code><Description>AppName is "
            "required</Description></Errors><Errors><Code>12999</Code><Description>Another"
            "</Description></Errors></ApplicationProvisioningResponse>",
            status=400,
        ),
    )
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.create_application("", "https://cb")
    e = info.value
    assert e.code == "12806"
    assert "AppName is required" in e.message and "Another (error 12999)" in e.message


async def test_search_result_error_4010(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "/api/accounts/*/availableNumbers",
        Reply.xml(
            "<SearchResult><Error><Code>4010</Code><Description>One of more required search "
            "parameters are invalid</Description></Error></SearchResult>",
            status=400,
        ),
    )
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.search_available_numbers("9x9", 2)
    assert (info.value.code, info.value.kind) == ("4010", "validation")
    seen = scripted.requests[-1]
    assert seen.query == {"areaCode": ["9x9"], "quantity": ["2"]}


async def test_empty_search_result_is_no_numbers(scripted: ScriptedServer) -> None:
    scripted.script("GET", "/api/accounts/*/availableNumbers", Reply.xml("<SearchResult/>"))
    async with dash(scripted) as client:
        assert await client.search_available_numbers("777", 2) == []


async def test_duplicate_location_409(scripted: ScriptedServer) -> None:
    scripted.script(
        "POST",
        "*/sippeers",
        Reply.xml(
            "<SipPeerResponse><ResponseStatus><ErrorCode>409</ErrorCode><Description>A SIP peer "
            "named x already exists</Description></ResponseStatus></SipPeerResponse>",
            status=409,
        ),
    )
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.create_location("1", "x")
    assert info.value.kind == "conflict"
    assert "already exists" in info.value.hint


async def test_empty_body_429_on_post(scripted: ScriptedServer) -> None:
    scripted.script("POST", "*/orders", Reply.empty(429, {"Retry-After": "7"}))
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.create_order("1", "2", "919", 1, "c")
    e = info.value
    assert (e.status, e.kind, e.code) == (429, "rate_limited", None)
    assert e.retry_after == 7.0
    assert "no details" in e.message and "7 s" in e.hint
    assert len(scripted.seen("POST")) == 1


async def test_html_error_page_5xx(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "*",
        Reply(
            status=502,
            content_type="text/html",
            body="<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx",
        ),
    )
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.get_account()
    e = info.value
    assert (e.status, e.kind) == (502, "server")
    assert "web page" in e.message and "502 Bad Gateway" in e.message
    assert "status.bandwidth.com" in e.hint


async def test_html_page_with_200_means_wrong_url(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "*",
        Reply(
            status=200,
            content_type="text/html; charset=utf-8",
            body="<html><head><title>Sign in</title></head><body>portal</body></html>",
        ),
    )
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.list_sites()
    e = info.value
    assert (e.status, e.kind) == (200, "general")
    assert "web page" in e.hint and "base URL" in e.hint


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/plain", "all good"), ("application/json", '{"sites": []}')],
)
async def test_wrong_content_type_on_xml_endpoint(
    scripted: ScriptedServer, content_type: str, body: str
) -> None:
    scripted.script("GET", "*", Reply(status=200, content_type=content_type, body=body))
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.list_sites()
    assert info.value.kind == "general"
    assert "not with XML" in info.value.message


async def test_malformed_xml_on_success(scripted: ScriptedServer) -> None:
    scripted.script("GET", "*", Reply.xml("<SitesResponse><Sites><Site>"))
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError, match="malformed XML"):
            await client.list_sites()


async def test_error_list_inside_http_200_is_an_error(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "*/sites",
        Reply.xml(
            "<SitesResponse><ErrorList><Error><Code>12345</Code><Description>Account locked"
            "</Description></Error></ErrorList></SitesResponse>"
        ),
    )
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.list_sites()
    assert (info.value.status, info.value.code) == (200, "12345")


async def test_partial_and_failed_orders_are_orders_not_errors(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "*/orders/o-1",
        Reply.xml(
            "<OrderResponse><ErrorList><Error><Code>5005</Code><Description>unavailable"
            "</Description></Error></ErrorList><FailedNumbers><FullNumber>2225550001</FullNumber>"
            "<FullNumber>2225550003</FullNumber></FailedNumbers><Order><SiteId>1</SiteId></Order>"
            "<OrderStatus>PARTIAL</OrderStatus><CompletedNumbers><TelephoneNumber><FullNumber>"
            "2225550002</FullNumber></TelephoneNumber></CompletedNumbers></OrderResponse>"
        ),
    )
    scripted.script(
        "GET",
        "*/orders/o-2",
        Reply.xml(
            "<OrderResponse><ErrorList><Error><Code>5006</Code><Description>none left"
            "</Description></Error></ErrorList><OrderStatus>FAILED</OrderStatus></OrderResponse>"
        ),
    )
    async with dash(scripted) as client:
        partial = await client.get_order("o-1")
        failed = await client.get_order("o-2")
    assert partial.status == "PARTIAL"
    assert partial.failed_numbers == ("2225550001", "2225550003")
    assert partial.completed_numbers == ("2225550002",)
    assert partial.errors == (("5005", "unavailable"),)
    assert failed.status == "FAILED" and failed.errors[0].code == "5006"


async def test_unknown_order_404(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "*/orders/*",
        Reply.xml(
            "<OrderResponse><ResponseStatus><ErrorCode>5001</ErrorCode><Description>Order not "
            "found</Description></ResponseStatus></OrderResponse>",
            status=404,
        ),
    )
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.get_order("nope")
    assert info.value.kind == "not_found"


async def test_missing_features_are_none(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "*/features/*",
        Reply.xml(
            "<X><ResponseStatus><ErrorCode>404</ErrorCode><Description>not found</Description>"
            "</ResponseStatus></X>",
            status=404,
        ),
        Reply.empty(404),
    )
    scripted.script(
        "GET",
        "*/applicationSettings",
        Reply.xml(
            "<ApplicationsSettingsResponse><ApplicationsSettings/></ApplicationsSettingsResponse>"
        ),
    )
    async with dash(scripted) as client:
        assert await client.get_sms("1", "2") is None
        assert await client.get_mms("1", "2") is None
        assert await client.get_application_settings("1", "2") is None


async def test_created_location_without_location_header(scripted: ScriptedServer) -> None:
    scripted.script("POST", "*/sippeers", Reply.empty(201))
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError, match="Location header"):
            await client.create_location("1", "x")


async def test_401_to_a_username_and_password_says_api_users_are_retired(
    scripted: ScriptedServer,
) -> None:
    scripted.script("GET", "*", Reply.empty(401))
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.get_account()
    e = info.value
    assert e.kind == "auth"
    assert "retired API users" in e.hint and "2026-12-02" in e.hint
    assert "Bandwidth App > Account > API Credentials" in e.hint
    assert "client id and client secret" in e.hint


async def test_401_on_messaging_names_the_right_credentials(scripted: ScriptedServer) -> None:
    scripted.handle(
        "POST",
        "*/messages",
        lambda _: Reply.json(
            {"type": "unauthorized", "description": "Authentication Failed"}, status=401
        ),
    )
    oauth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", "csecret")
    scripted.handle(
        "POST", "/token", lambda _: Reply.json({"access_token": "t", "expires_in": 3600})
    )
    cases = [
        (f"{scripted.url}/v2", basic_auth("tok", "sec"), "catapult messaging API refused"),
        (f"{scripted.url}/api/v2", basic_auth("user", "pw"), "retired API users"),
        (f"{scripted.url}/api/v2", oauth, "refused the client id and client secret"),
    ]
    for base, auth, words in cases:
        async with MessagingClient(base, "u", auth, retry=NO_RETRY) as client:
            with pytest.raises(BandwidthError) as info:
                await client.send_message("a", "+19195550000", ["+19195551111"], "hi")
        e = info.value
        assert (e.status, e.code, e.kind) == (401, "unauthorized", "auth")
        assert e.message == "Authentication Failed"
        assert words in e.hint


async def test_messaging_validation_error_with_field_errors(scripted: ScriptedServer) -> None:
    scripted.script(
        "POST",
        "*/messages",
        Reply.json(
            {
                "type": "request-validation",
                "description": "Your request could not be accepted",
                "fieldErrors": [{"fieldName": "to", "description": "'+1' is not a valid number"}],
            },
            status=400,
        ),
    )
    async with MessagingClient(f"{scripted.url}/api/v2", "u", None) as client:
        with pytest.raises(BandwidthError) as info:
            await client.send_message("a", "+19195550000", ["+1"], "hi")
    e = info.value
    assert (e.code, e.kind) == ("request-validation", "validation")
    assert e.field_errors == [FieldError("to", "'+1' is not a valid number")]
    assert "to: '+1' is not a valid number" in str(e)


async def test_messaging_403_is_forbidden_with_the_messaging_role(
    scripted: ScriptedServer,
) -> None:
    scripted.script(
        "POST",
        "*/messages",
        Reply.json({"type": "forbidden", "description": "Access is denied"}, status=403),
    )
    async with MessagingClient(f"{scripted.url}/api/v2", "u", None) as client:
        with pytest.raises(BandwidthError) as info:
            await client.send_message("a", "+19195550000", ["+19195551111"], "hi")
    e = info.value
    assert (e.status, e.kind, e.missing_role) == (403, "forbidden", "Messaging")
    assert "lacks the Messaging role" in e.hint
    assert len(scripted.seen("POST")) == 1


async def test_messaging_queue_full_429_that_stays_full(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    """A 429 is tried again (nothing was accepted), but not for ever."""
    scripted.handle(
        "POST",
        "*/messages",
        lambda _: Reply.json(
            {"type": "max-message-queue-size-exceeded", "description": "queue full"},
            status=429,
            headers={"Retry-After": "2"},
        ),
    )
    policy = RetryPolicy(max_attempts=3, base_delay=0.5, max_total_wait=30.0, jitter=0.0)
    client = MessagingClient(f"{scripted.url}/api/v2", "u", None, retry=policy, sleep=sleeper)
    async with client:
        with pytest.raises(BandwidthError) as info:
            await client.send_message("a", "+19195550000", ["+19195551111"], "hi")
    e = info.value
    assert (e.status, e.kind, e.code) == (429, "rate_limited", "max-message-queue-size-exceeded")
    assert "queue is full" in e.hint
    assert len(scripted.seen("POST")) == 3
    assert sleeper.calls == [2.0, 2.0]


async def test_messaging_answer_not_json(scripted: ScriptedServer) -> None:
    scripted.script("POST", "*/messages", Reply.xml("<ok/>", status=202))
    async with MessagingClient(f"{scripted.url}/api/v2", "u", None) as client:
        with pytest.raises(BandwidthError, match="not with JSON"):
            await client.send_message("a", "+19195550000", ["+19195551111"], "hi")


async def test_connection_refused_says_check_url_and_sandbox() -> None:
    port = _free_port()
    client = DashboardClient(f"http://127.0.0.1:{port}/api", ACCOUNT, None, retry=NO_RETRY)
    async with client:
        with pytest.raises(BandwidthConnectionError) as info:
            await client.get_account()
    e = info.value
    assert (e.kind, e.status, e.code) == ("network", None, None)
    assert "refused" in e.message
    assert "URL" in e.hint and "sandbox" in e.hint


async def test_read_timeout(scripted: ScriptedServer) -> None:
    scripted.script("GET", "*", Reply.xml("<AccountResponse/>", delay=1.0))
    timeout = httpx.Timeout(0.2, connect=1.0)
    async with dash(scripted, timeout=timeout) as client:
        with pytest.raises(BandwidthConnectionError) as info:
            await client.get_account()
    assert info.value.kind == "timeout"
    assert "waiting for the answer" in info.value.message


async def test_oauth_token_refused(scripted: ScriptedServer) -> None:
    scripted.script(
        "POST",
        "/api/v1/oauth2/token",
        Reply.json({"error": "invalid_client", "error_description": "Bad client"}, status=401),
    )
    auth = OAuth2ClientCredentials(f"{scripted.url}/api/v1/oauth2/token", "cid", "csecret")
    async with DashboardClient(f"{scripted.url}/api", ACCOUNT, auth, retry=NO_RETRY) as client:
        with pytest.raises(BandwidthError) as info:
            await client.get_account()
    e = info.value
    assert (e.kind, e.status, e.code) == ("auth", 401, "invalid_client")
    assert e.message == "Bandwidth refused the client id and client secret: Bad client"
    assert "Bandwidth App > Account > API Credentials" in e.hint
    assert "csecret" not in str(e)
    assert scripted.seen("GET") == []


async def test_redirect_is_not_followed(scripted: ScriptedServer) -> None:
    scripted.script("GET", "*", Reply.empty(301, {"Location": "https://elsewhere.example/api"}))
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.get_account()
    assert info.value.status == 301 and info.value.kind == "general"
    assert "https://elsewhere.example/api" in info.value.message
    assert "base URL" in info.value.hint
    assert len(scripted.requests) == 1
