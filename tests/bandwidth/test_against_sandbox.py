"""Every client method against the real sandbox over loopback: both messaging generations,
OAuth2 bearer, every documented error and the sandbox's fault injection.

The sandbox runs in its own thread (``sandbox`` fixture, reset per test); the clients run in
the test's loop. Order completion is waited for by polling with a deadline, never by sleeping
a fixed time.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from bw_helpers import SleepRecorder

from tests.waiting import until
from wizard.bandwidth import (
    NO_RETRY,
    BandwidthConnectionError,
    BandwidthError,
    DashboardClient,
    MessagingClient,
    OAuth2ClientCredentials,
    Order,
    RequestInfo,
    RetryPolicy,
    basic_auth,
)

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, max_total_wait=5.0)
CALLBACK_PASSWORD = "cb-Secret-pw"
ADDRESS = {
    "HouseNumber": "900",
    "StreetName": "Main Campus Dr",
    "City": "RALEIGH",
    "StateCode": "NC",
    "Zip": "27606",
    "AddressType": "Billing",
}


# -- helpers ----------------------------------------------------------------------------------


class Control:
    """The sandbox's /_sandbox control API, from the test's loop."""

    def __init__(self, base_url: str) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=10, trust_env=False)

    async def fault(self, **fault: Any) -> None:
        response = await self._client.post("/_sandbox/faults", json=fault)
        assert response.status_code == 201, response.text

    async def config(self, **values: Any) -> None:
        response = await self._client.post("/_sandbox/config", json=values)
        assert response.status_code == 200, response.text

    async def state(self) -> dict[str, Any]:
        response = await self._client.get("/_sandbox/state")
        response.raise_for_status()
        return response.json()

    async def requests(self, method: str, path_end: str) -> list[dict[str, Any]]:
        recent = (await self.state())["requests"]["recent"]
        return [r for r in recent if r["method"] == method and r["path"].endswith(path_end)]

    async def aclose(self) -> None:
        await self._client.aclose()


@pytest.fixture
async def control(sandbox: Any) -> AsyncIterator[Control]:
    ctl = Control(sandbox.base_url)
    try:
        yield ctl
    finally:
        await ctl.aclose()


def oauth(sandbox: Any) -> OAuth2ClientCredentials:
    """The sandbox's full-account API Credentials (public demo data)."""
    ident = sandbox.identity
    return OAuth2ClientCredentials(sandbox.oauth_token_url, ident.client_id, ident.client_secret)


def dashboard(sandbox: Any, **kw: Any) -> DashboardClient:
    ident = sandbox.identity
    kw.setdefault("retry", FAST)
    auth = kw.pop("auth", None) or oauth(sandbox)
    return DashboardClient(sandbox.dashboard_url, ident.account_id, auth, **kw)


def messaging(sandbox: Any, **kw: Any) -> MessagingClient:
    ident = sandbox.identity
    auth = kw.pop("auth", None) or oauth(sandbox)
    return MessagingClient(sandbox.messaging_url, ident.account_id, auth, **kw)


async def wait_for_order(client: DashboardClient, order_id: str, timeout: float = 10.0) -> Order:
    """Poll until the order stops changing (or is BACKORDERED); fail at the deadline."""

    async def settled() -> Order | None:
        order = await client.get_order(order_id)
        return order if order.is_final or order.status == "BACKORDERED" else None

    return await until(settled, timeout, f"order {order_id} to settle")


async def _location_with_messaging(client: DashboardClient, site_id: str) -> tuple[str, str]:
    """A fresh location with SMS, MMS and an application: what an order and a send need."""
    suffix = uuid.uuid4().hex[:6]
    app = await client.create_application(f"app-{suffix}", "https://example.com/cb")
    loc = await client.create_location(site_id, f"loc-{suffix}", True)
    await client.enable_sms(site_id, loc.id)
    await client.enable_mms(site_id, loc.id)
    await client.assign_application(site_id, loc.id, app.id)
    return app.id, loc.id


async def _ordered_number(client: DashboardClient, site_id: str, location_id: str) -> str:
    order = await client.create_order(site_id, location_id, "919", 1, f"c-{uuid.uuid4().hex}")
    done = await wait_for_order(client, order.id)
    assert done.status == "COMPLETE", done
    return done.completed_numbers[0]


def _e164(number: str) -> str:
    digits = "".join(c for c in number if c.isdigit())
    return "+" + digits if digits.startswith("1") and len(digits) == 11 else "+1" + digits[-10:]


# -- the guide, step by step -------------------------------------------------------------------


async def test_every_dashboard_method(sandbox: Any, control: Control) -> None:
    ident = sandbox.identity
    events: list[RequestInfo] = []
    async with dashboard(sandbox, on_request=events.append) as client:
        account = await client.get_account()
        assert account.id == ident.account_id

        sites = await client.list_sites()
        assert ident.site_id in [s.id for s in sites]
        site = await client.create_site("Lab", "e2e", address=ADDRESS)
        assert site.id and site.name == "Lab"
        assert site.id in [s.id for s in await client.list_sites()]

        # Application: look up, create, find again, get, update.
        assert await client.find_application_by_name("wizard-e2e") is None
        app = await client.create_application(
            "wizard-e2e", "https://example.com/cb", "cbuser", CALLBACK_PASSWORD
        )
        assert app.id and app.name == "wizard-e2e" and app.callback_user == "cbuser"
        found = await client.find_application_by_name("wizard-e2e")
        assert found is not None and found.id == app.id
        assert (await client.get_application(app.id)).callback_url == "https://example.com/cb"
        assert app.id in [a.id for a in await client.list_applications()]
        updated = await client.update_application(
            app.id, "wizard-e2e", "https://example.com/cb2", "cbuser", CALLBACK_PASSWORD
        )
        assert updated.id == app.id
        assert (await client.get_application(app.id)).callback_url == "https://example.com/cb2"

        # Location: create (id from the Location header), find, get.
        site_id = ident.site_id
        assert await client.find_location_by_name(site_id, "loc-e2e") is None
        loc = await client.create_location(site_id, "loc-e2e", True)
        assert loc.id and loc.is_default
        again = await client.find_location_by_name(site_id, "loc-e2e")
        assert again is not None and again.id == loc.id
        got = await client.get_location(site_id, loc.id)
        assert (got.id, got.name, got.is_default) == (loc.id, "loc-e2e", True)
        assert loc.id in [x.id for x in await client.list_locations(site_id)]

        # Messaging features and the application assignment.
        assert await client.get_sms(site_id, loc.id) is None
        assert await client.get_mms(site_id, loc.id) is None
        assert await client.get_application_settings(site_id, loc.id) is None
        sms = await client.enable_sms(site_id, loc.id)
        assert sms.is_http and sms.zones == (True, False, False, False, False)
        stored = await client.get_sms(site_id, loc.id)
        # The proxy peer is the one the sandbox chose, as Bandwidth's answer names it.
        assert stored is not None and stored.is_http and stored.proxy_peer_id == sms.proxy_peer_id
        assert sms.proxy_peer_id and sms.proxy_peer_id != "539692"
        mms = await client.enable_mms(site_id, loc.id)
        assert mms.is_http
        stored_mms = await client.get_mms(site_id, loc.id)
        assert stored_mms is not None and stored_mms.is_http
        assert await client.assign_application(site_id, loc.id, app.id) == app.id
        assert await client.get_application_settings(site_id, loc.id) == app.id

        # Numbers: search, order, wait, find the order again, in service.
        numbers = await client.search_available_numbers("919", 2)
        assert len(numbers) == 2 and all(n.startswith("919") for n in numbers)
        cid = f"bw-wizard-{uuid.uuid4().hex[:8]}"
        order = await client.create_order(site_id, loc.id, "919", 2, cid, name="e2e order")
        assert order.id and order.status in ("RECEIVED", "PROCESSING")
        assert order.customer_order_id == cid
        done = await wait_for_order(client, order.id)
        assert done.status == "COMPLETE" and len(done.completed_numbers) == 2
        assert done.id == order.id and done.failed_numbers == () and done.errors == ()
        refound = await client.find_order_by_customer_order_id(cid)
        assert refound is not None and refound.id == order.id
        assert await client.find_order_by_customer_order_id("never-used") is None
        in_service = await client.list_in_service_numbers()
        assert set(done.completed_numbers) <= set(in_service)

    state = await control.state()
    stored_loc = next(x for x in state["locations"] if x["id"] == loc.id)
    assert stored_loc["sms"]["zones"] == [True, False, False, False, False]
    assert stored_loc["application_id"] == app.id
    # The request events never show the callback password.
    assert all(CALLBACK_PASSWORD not in e.body for e in events)
    assert any("<Password>••••</Password>" in e.body for e in events)


async def test_send_message_today_and_in_the_guides_generation(sandbox: Any) -> None:
    ident = sandbox.identity
    async with dashboard(sandbox) as client:
        app_id, loc_id = await _location_with_messaging(client, ident.site_id)
        number = _e164(await _ordered_number(client, ident.site_id, loc_id))
    current = messaging(sandbox)
    legacy = MessagingClient(
        sandbox.legacy_messaging_url, ident.user_id, basic_auth(ident.token, ident.secret)
    )
    async with current, legacy:
        for client in (current, legacy):
            sent = await client.send_message(
                app_id, number, ["+19195550123"], "Good morning", tag="e2e"
            )
            assert sent.id
            assert sent.to == ("+19195550123",)
            assert sent.from_number == number and sent.application_id == app_id
            assert sent.text == "Good morning"
    assert current.generation == "current" and legacy.generation == "guide"


async def test_oauth_bearer_on_both_apis(sandbox: Any) -> None:
    ident = sandbox.identity
    auth = OAuth2ClientCredentials(sandbox.oauth_token_url, ident.client_id, ident.client_secret)
    async with dashboard(sandbox, auth=auth) as client:
        assert (await client.get_account()).id == ident.account_id
        app_id, loc_id = await _location_with_messaging(client, ident.site_id)
        number = _e164(await _ordered_number(client, ident.site_id, loc_id))
    async with MessagingClient(sandbox.messaging_url, ident.account_id, auth) as messaging:
        sent = await messaging.send_message(app_id, number, ["+19195550124"], "hi")
    assert sent.id
    assert auth.fetch_count == 1


async def test_bad_oauth_client_secret(sandbox: Any) -> None:
    ident = sandbox.identity
    auth = OAuth2ClientCredentials(sandbox.oauth_token_url, ident.client_id, "wrong-secret")
    async with dashboard(sandbox, auth=auth) as client:
        with pytest.raises(BandwidthError) as info:
            await client.get_account()
    assert info.value.kind == "auth"
    assert "client id and client secret" in info.value.hint
    assert "Bandwidth App > Account > API Credentials" in info.value.hint
    assert "wrong-secret" not in str(info.value)


# -- errors the sandbox gives as Bandwidth does ------------------------------------------------


async def test_wrong_credentials_name_the_right_set(sandbox: Any) -> None:
    ident = sandbox.identity
    async with dashboard(sandbox, auth=basic_auth(ident.username, "nope")) as client:
        with pytest.raises(BandwidthError) as info:
            await client.get_account()
    assert (info.value.status, info.value.kind) == (401, "auth")
    assert "retired API users" in info.value.hint
    legacy = MessagingClient(
        sandbox.legacy_messaging_url, ident.user_id, basic_auth(ident.token, "nope")
    )
    async with legacy:
        with pytest.raises(BandwidthError) as info:
            await legacy.send_message("a", "+19195550000", ["+19195550001"], "hi")
    assert (info.value.status, info.value.kind) == (401, "auth")
    assert "catapult messaging API refused the token and secret" in info.value.hint


async def test_wrong_account_id(sandbox: Any) -> None:
    auth = oauth(sandbox)
    async with DashboardClient(sandbox.dashboard_url, "1234567", auth, retry=NO_RETRY) as client:
        with pytest.raises(BandwidthError) as info:
            await client.list_sites()
    assert info.value.kind in ("auth", "forbidden", "not_found")


async def test_13609_when_http_messaging_is_off(sandbox: Any, control: Control) -> None:
    await control.config(http_messaging_enabled=False)
    async with dashboard(sandbox) as client:
        loc = await client.create_location(sandbox.identity.site_id, "loc-13609", True)
        with pytest.raises(BandwidthError) as info:
            await client.enable_sms(sandbox.identity.site_id, loc.id)
    assert info.value.code == "13609"
    assert "Bandwidth support" in info.value.hint


async def test_mms_before_sms_and_assign_before_sms(sandbox: Any) -> None:
    site_id = sandbox.identity.site_id
    async with dashboard(sandbox) as client:
        app = await client.create_application("early", "https://example.com/cb")
        loc = await client.create_location(site_id, "loc-early", True)
        with pytest.raises(BandwidthError) as info:
            await client.enable_mms(site_id, loc.id)
        assert info.value.status == 400
        with pytest.raises(BandwidthError) as info:
            await client.assign_application(site_id, loc.id, app.id)
        assert info.value.code == "13645"
        assert "Enable SMS" in info.value.hint


async def test_application_without_name_12806(sandbox: Any) -> None:
    async with dashboard(sandbox) as client:
        with pytest.raises(BandwidthError) as info:
            await client.create_application("", "https://example.com/cb")
    assert info.value.code == "12806"


async def test_duplicate_location_name_409(sandbox: Any) -> None:
    site_id = sandbox.identity.site_id
    async with dashboard(sandbox) as client:
        await client.create_location(site_id, "twice", True)
        with pytest.raises(BandwidthError) as info:
            await client.create_location(site_id, "twice", False)
    assert (info.value.status, info.value.kind) == (409, "conflict")


async def test_order_errors_5016_and_5020(sandbox: Any) -> None:
    async with dashboard(sandbox) as client:
        with pytest.raises(BandwidthError) as info:
            await client.create_order("999999", "1", "919", 1, "c-5016")
        assert info.value.code == "5016" and "SiteId" in info.value.hint
        empty_site = await client.create_site("Empty", "no locations", address=ADDRESS)
        with pytest.raises(BandwidthError) as info:
            await client.create_order(empty_site.id, None, "919", 1, "c-5020")
        assert info.value.code == "5020" and "default location" in info.value.hint


async def test_bad_search_4010_and_no_numbers(sandbox: Any) -> None:
    async with dashboard(sandbox) as client:
        with pytest.raises(BandwidthError) as info:
            await client.search_available_numbers("9x", 1)
        assert (info.value.status, info.value.code) == (400, "4010")
        assert await client.search_available_numbers("777", 2) == []


@pytest.mark.parametrize(
    ("area_code", "quantity", "status"),
    [("222", 2, "PARTIAL"), ("333", 1, "FAILED"), ("444", 1, "BACKORDERED")],
)
async def test_order_outcomes_are_orders(
    sandbox: Any, area_code: str, quantity: int, status: str
) -> None:
    site_id = sandbox.identity.site_id
    async with dashboard(sandbox) as client:
        loc = await client.create_location(site_id, f"loc-{area_code}", True)
        order = await client.create_order(site_id, loc.id, area_code, quantity, f"c-{area_code}")
        done = await wait_for_order(client, order.id)
    assert done.status == status
    if status == "PARTIAL":
        assert len(done.completed_numbers) == 1 and len(done.failed_numbers) == 1
        assert done.errors and done.errors[0].code
    if status == "FAILED":
        assert done.completed_numbers == () and done.errors


async def test_unknown_order_and_application_are_not_found(sandbox: Any) -> None:
    async with dashboard(sandbox) as client:
        with pytest.raises(BandwidthError) as info:
            await client.get_order("no-such-order")
        assert info.value.kind == "not_found"
        with pytest.raises(BandwidthError) as info:
            await client.get_application("no-such-app")
        assert info.value.kind == "not_found"


async def test_messaging_validation_error(sandbox: Any) -> None:
    async with messaging(sandbox) as client:
        with pytest.raises(BandwidthError) as info:
            await client.send_message("app", "+19195550000", [], "")
    assert (info.value.status, info.value.kind) == (400, "validation")
    assert info.value.code == "request-validation"


# -- fault injection ---------------------------------------------------------------------------


async def test_get_503_then_success_is_retried(sandbox: Any, control: Control) -> None:
    await control.fault(method="GET", path="/api/accounts/*/sites", kind="status", status=503)
    sleeper = SleepRecorder()
    async with dashboard(sandbox, sleep=sleeper) as client:
        sites = await client.list_sites()
    assert sites
    assert len(sleeper.calls) == 1
    tries = await control.requests("GET", "/sites")
    assert [t["status"] for t in tries] == [503, 200]


async def test_429_with_x_ratelimit_reset_is_honoured(sandbox: Any, control: Control) -> None:
    await control.fault(
        method="GET", path="/api/accounts/*/availableNumbers", kind="rate_limit", reset_after=2
    )
    sleeper = SleepRecorder()
    async with dashboard(sandbox, sleep=sleeper) as client:
        numbers = await client.search_available_numbers("919", 1)
    assert len(numbers) == 1
    (delay,) = sleeper.calls
    # The sandbox sends ceil(now + 2) as epoch seconds: the wait is 1..3 s plus a little jitter.
    assert 1.0 <= delay <= 3.0 + FAST.jitter * FAST.base_delay


async def test_429_with_retry_after_is_honoured(sandbox: Any, control: Control) -> None:
    await control.fault(
        method="GET", path="/api/accounts/*", kind="rate_limit", reset_after=3, retry_after=True
    )
    sleeper = SleepRecorder()
    async with dashboard(sandbox, sleep=sleeper) as client:
        await client.get_account()
    (delay,) = sleeper.calls
    assert 3.0 <= delay <= 3.0 + FAST.jitter * FAST.base_delay


async def test_rate_limit_beyond_budget_reports_retry_after(sandbox: Any, control: Control) -> None:
    await control.fault(method="GET", path="/api/accounts/*", kind="rate_limit", reset_after=60)
    sleeper = SleepRecorder()
    async with dashboard(sandbox, sleep=sleeper) as client:
        with pytest.raises(BandwidthError) as info:
            await client.get_account()
    assert info.value.kind == "rate_limited" and info.value.retry_after is not None
    assert info.value.retry_after > 50
    assert sleeper.calls == []


@pytest.mark.parametrize("kind", ["status", "rate_limit", "drop"])
async def test_post_is_not_retried(sandbox: Any, control: Control, kind: str) -> None:
    await control.fault(method="POST", path="/api/accounts/*/applications", kind=kind, status=503)
    sleeper = SleepRecorder()
    async with dashboard(sandbox, sleep=sleeper) as client:
        with pytest.raises(BandwidthError):
            await client.create_application("once", "https://example.com/cb")
        # Nothing was created, and the steps' look-up finds nothing to duplicate.
        assert await client.find_application_by_name("once") is None
    assert sleeper.calls == []
    # A dropped request is logged once the sandbox sees the disconnect: wait for the log.
    posts = await until(
        lambda: control.requests("POST", "/applications"), what="the sandbox to log the POST"
    )
    assert len(posts) == 1


async def test_message_429_is_sent_again_after_the_wait(sandbox: Any, control: Control) -> None:
    """A 429 on message create means the queue took nothing: the same message is sent again
    after the X-RateLimit-Reset wait, and is accepted once."""
    ident = sandbox.identity
    async with dashboard(sandbox) as client:
        app_id, loc_id = await _location_with_messaging(client, ident.site_id)
        number = _e164(await _ordered_number(client, ident.site_id, loc_id))
    await control.fault(
        method="POST", path="/api/v2/users/*/messages", kind="rate_limit", reset_after=2
    )
    sleeper = SleepRecorder()
    async with messaging(sandbox, retry=FAST, sleep=sleeper) as client:
        sent = await client.send_message(app_id, number, ["+19195550001"], "hi")
    assert sent.id
    (delay,) = sleeper.calls
    assert 1.0 <= delay <= 3.0 + FAST.jitter * FAST.base_delay
    tries = await control.requests("POST", "/messages")
    assert [t["status"] for t in tries] == [429, 202]
    state = await control.state()
    assert [m["id"] for m in state["messages"]] == [sent.id]


async def test_post_read_timeout_is_not_retried(sandbox: Any, control: Control) -> None:
    await control.fault(method="POST", path="/api/accounts/*/orders", kind="delay", delay=1.0)
    site_id = sandbox.identity.site_id
    async with dashboard(sandbox) as setup:
        loc = await setup.create_location(site_id, "loc-timeout", True)
    async with dashboard(sandbox, timeout=httpx.Timeout(0.3, connect=2.0)) as client:
        with pytest.raises(BandwidthConnectionError) as info:
            await client.create_order(site_id, loc.id, "919", 1, "c-timeout")
    assert info.value.kind == "timeout"
    # The order may well exist (the server carried on): the look-up finds it, once.
    async with dashboard(sandbox) as client:
        found = await until(
            lambda: client.find_order_by_customer_order_id("c-timeout"), what="the order"
        )
    assert found.customer_order_id == "c-timeout"
    assert len(await control.requests("POST", "/orders")) == 1


async def test_get_drop_is_retried(sandbox: Any, control: Control) -> None:
    await control.fault(method="GET", path="/api/accounts/*", kind="drop")
    sleeper = SleepRecorder()
    async with dashboard(sandbox, sleep=sleeper) as client:
        assert (await client.get_account()).id == sandbox.identity.account_id
    assert len(sleeper.calls) == 1


async def test_application_settings_put_is_retried(sandbox: Any, control: Control) -> None:
    site_id = sandbox.identity.site_id
    sleeper = SleepRecorder()
    async with dashboard(sandbox, sleep=sleeper) as client:
        app = await client.create_application("retry-put", "https://example.com/cb")
        loc = await client.create_location(site_id, "loc-put", True)
        await client.enable_sms(site_id, loc.id)
        await control.fault(method="PUT", path="*/applicationSettings", kind="status", status=502)
        assert await client.assign_application(site_id, loc.id, app.id) == app.id
        assert await client.get_application_settings(site_id, loc.id) == app.id
    assert len(sleeper.calls) == 1
    assert [r["status"] for r in await control.requests("PUT", "/applicationSettings")] == [
        502,
        200,
    ]


async def test_malformed_answers(sandbox: Any, control: Control) -> None:
    await control.fault(method="GET", path="/api/accounts/*/applications", kind="malformed")
    await control.fault(method="POST", path="/api/v2/users/*/messages", kind="malformed")
    async with dashboard(sandbox) as client:
        with pytest.raises(BandwidthError) as info:
            await client.list_applications()
    assert info.value.kind == "general" and "malformed XML" in info.value.message
    async with messaging(sandbox) as client2:
        with pytest.raises(BandwidthError) as info:
            await client2.send_message("a", "+19195550000", ["+19195550001"], "hi")
    assert "malformed JSON" in info.value.message


async def test_gives_up_after_repeated_5xx(sandbox: Any, control: Control) -> None:
    await control.fault(method="GET", path="/api/accounts/*", kind="status", status=500, count=10)
    sleeper = SleepRecorder()
    async with dashboard(sandbox, sleep=sleeper) as client:
        with pytest.raises(BandwidthError) as info:
            await client.get_account()
    assert info.value.kind == "server"
    assert len(sleeper.calls) == FAST.max_attempts - 1
