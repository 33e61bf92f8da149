"""Retries: what is retried, how long the client waits, and what is never sent twice.

The sleep is a fake handed to the client, so backoff is asserted, never waited for.
"""

from __future__ import annotations

import random
import socket

import httpx
import pytest
from bw_helpers import FakeClock, SleepRecorder
from bw_scripted_server import Reply, ScriptedServer

from wizard.bandwidth import (
    DEFAULT_TIMEOUT,
    BandwidthConnectionError,
    BandwidthError,
    DashboardClient,
    MessagingClient,
    RequestInfo,
    RetryPolicy,
)
from wizard.bandwidth.transport import header_delay

ACCOUNT = "9900000"
SITES = "<SitesResponse><Sites><Site><Id>1</Id><Name>a</Name></Site></Sites></SitesResponse>"
POLICY = RetryPolicy(
    max_attempts=4, base_delay=0.5, max_delay=8.0, max_total_wait=30.0, jitter=0.25
)


def dash(scripted: ScriptedServer, sleeper: SleepRecorder, **kw: object) -> DashboardClient:
    kw.setdefault("retry", POLICY)
    kw.setdefault("rng", random.Random(1))
    return DashboardClient(f"{scripted.url}/api", ACCOUNT, None, sleep=sleeper, **kw)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_get_retried_on_503_with_exponential_backoff(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.script("GET", "*/sites", Reply.empty(503), Reply.empty(503), Reply.xml(SITES))
    async with dash(scripted, sleeper) as client:
        sites = await client.list_sites()
    assert [s.id for s in sites] == ["1"]
    assert len(scripted.seen("GET")) == 3
    first, second = sleeper.calls
    assert 0.375 <= first <= 0.5  # base 0.5, up to 25 % jitter off
    assert 0.75 <= second <= 1.0  # doubled


async def test_gives_up_after_max_attempts(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.handle("GET", "*", lambda _: Reply.empty(500))
    async with dash(scripted, sleeper) as client:
        with pytest.raises(BandwidthError) as info:
            await client.list_sites()
    assert info.value.kind == "server" and info.value.status == 500
    assert len(scripted.seen("GET")) == POLICY.max_attempts
    assert len(sleeper.calls) == POLICY.max_attempts - 1


async def test_backoff_is_capped(scripted: ScriptedServer, sleeper: SleepRecorder) -> None:
    scripted.handle("GET", "*", lambda _: Reply.empty(503))
    policy = RetryPolicy(
        max_attempts=6, base_delay=1.0, max_delay=2.0, max_total_wait=100, jitter=0.0
    )
    async with dash(scripted, sleeper, retry=policy) as client:
        with pytest.raises(BandwidthError):
            await client.list_sites()
    assert sleeper.calls == [1.0, 2.0, 2.0, 2.0, 2.0]


async def test_429_waits_until_x_ratelimit_reset(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    clock = FakeClock()
    reset = str(int(clock.now) + 3)
    scripted.script(
        "GET",
        "*/availableNumbers",
        Reply.empty(429, {"X-RateLimit-Reset": reset}),
        Reply.xml("<SearchResult/>"),
    )
    async with dash(scripted, sleeper, clock=clock) as client:
        assert await client.search_available_numbers("919", 1) == []
    (delay,) = sleeper.calls
    assert 3.0 <= delay <= 3.0 + POLICY.jitter * POLICY.base_delay


async def test_429_honours_retry_after_seconds(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.script("GET", "*", Reply.empty(429, {"Retry-After": "2"}), Reply.xml(SITES))
    async with dash(scripted, sleeper) as client:
        await client.list_sites()
    (delay,) = sleeper.calls
    assert 2.0 <= delay <= 2.125


async def test_wait_beyond_budget_gives_up_at_once(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.script("GET", "*", Reply.empty(429, {"Retry-After": "120"}), Reply.xml(SITES))
    async with dash(scripted, sleeper) as client:
        with pytest.raises(BandwidthError) as info:
            await client.list_sites()
    e = info.value
    assert e.kind == "rate_limited" and e.retry_after == 120.0
    assert "120 s" in e.hint
    assert sleeper.calls == []
    assert len(scripted.seen("GET")) == 1


async def test_total_wait_is_bounded(scripted: ScriptedServer, sleeper: SleepRecorder) -> None:
    scripted.handle("GET", "*", lambda _: Reply.empty(503))
    policy = RetryPolicy(
        max_attempts=10, base_delay=1.0, max_delay=4.0, max_total_wait=5.0, jitter=0.0
    )
    async with dash(scripted, sleeper, retry=policy) as client:
        with pytest.raises(BandwidthError):
            await client.list_sites()
    assert sleeper.calls == [1.0, 2.0]  # the next 4.0 would pass the 5 s budget
    assert sum(sleeper.calls) <= 5.0


async def test_post_is_never_retried_on_5xx_or_429(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.script("POST", "*/applications", Reply.empty(503))
    scripted.script("POST", "*/orders", Reply.empty(429, {"Retry-After": "1"}))
    async with dash(scripted, sleeper) as client:
        with pytest.raises(BandwidthError) as info:
            await client.create_application("n", "https://cb")
        assert info.value.kind == "server"
        with pytest.raises(BandwidthError) as info:
            await client.create_order("1", "2", "919", 1, "c")
        assert info.value.kind == "rate_limited" and info.value.retry_after == 1.0
    assert len(scripted.seen("POST")) == 2
    assert sleeper.calls == []


async def test_post_read_timeout_is_not_retried(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.script("POST", "*/orders", Reply.xml("<OrderResponse/>", status=201, delay=1.0))
    async with dash(scripted, sleeper, timeout=httpx.Timeout(0.2, connect=1.0)) as client:
        with pytest.raises(BandwidthConnectionError) as info:
            await client.create_order("1", "2", "919", 1, "c")
    assert info.value.kind == "timeout"
    assert len(scripted.seen("POST")) == 1
    assert sleeper.calls == []


async def test_post_dropped_connection_is_not_retried(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.script("POST", "*/messages", Reply(drop=True), Reply.json({"id": "m"}, 202))
    client = MessagingClient(f"{scripted.url}/api/v2", ACCOUNT, None, retry=POLICY, sleep=sleeper)
    async with client:
        with pytest.raises(BandwidthConnectionError) as info:
            await client.send_message("a", "+19195550000", ["+19195551111"], "hi")
    assert info.value.kind == "network"
    assert len(scripted.seen("POST")) == 1
    assert sleeper.calls == []


async def test_get_dropped_connection_is_retried(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.script("GET", "*", Reply(drop=True), Reply.xml(SITES))
    async with dash(scripted, sleeper) as client:
        assert len(await client.list_sites()) == 1
    assert len(scripted.seen("GET")) == 2 and len(sleeper.calls) == 1


async def test_post_retried_when_the_connection_never_opened(sleeper: SleepRecorder) -> None:
    """ConnectError means nothing was sent, so even a POST may be tried again."""
    port = _free_port()
    late = ScriptedServer()
    late.script("POST", "*/messages", Reply.json({"id": "m-1", "to": ["+19195551111"]}, 202))

    async def start_server_while_waiting(seconds: float) -> None:
        await sleeper(seconds)
        if late.port == 0:
            await late.start(port)

    client = MessagingClient(
        f"http://127.0.0.1:{port}/api/v2",
        ACCOUNT,
        None,
        retry=POLICY,
        sleep=start_server_while_waiting,
    )
    try:
        async with client:
            sent = await client.send_message("a", "+19195550000", ["+19195551111"], "hi")
    finally:
        await late.stop()
    assert sent.id == "m-1"
    assert len(late.seen("POST")) == 1
    assert len(sleeper.calls) == 1


async def test_application_settings_put_is_retried(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.script(
        "PUT",
        "*/applicationSettings",
        Reply.empty(503),
        Reply.xml(
            "<ApplicationsSettingsResponse><ApplicationsSettings><HttpMessagingV2AppId>"
            "app-1</HttpMessagingV2AppId></ApplicationsSettings>"
            "</ApplicationsSettingsResponse>"
        ),
    )
    async with dash(scripted, sleeper) as client:
        assert await client.assign_application("1", "2", "app-1") == "app-1"
    puts = scripted.seen("PUT")
    assert len(puts) == 2 and puts[0].body == puts[1].body


async def test_on_request_sees_every_attempt(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    seen: list[RequestInfo] = []
    scripted.script("GET", "*", Reply.empty(503), Reply.xml(SITES))
    async with dash(scripted, sleeper, on_request=seen.append) as client:
        await client.list_sites()
    assert [(i.method, i.attempt) for i in seen] == [("GET", 1), ("GET", 2)]
    assert seen[0].url == f"{scripted.url}/api/accounts/{ACCOUNT}/sites"
    assert seen[0].body == "" and seen[0].body_text_masked == ""


async def test_async_on_request_hook_is_awaited(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    seen: list[str] = []

    async def hook(info: RequestInfo) -> None:
        seen.append(info.url)

    scripted.script("GET", "*", Reply.xml("<SearchResult/>"))
    async with dash(scripted, sleeper, on_request=hook) as client:
        await client.search_available_numbers("919", 3)
    assert seen == [
        f"{scripted.url}/api/accounts/{ACCOUNT}/availableNumbers?areaCode=919&quantity=3"
    ]


async def test_one_connection_is_kept_alive(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.handle("GET", "*", lambda _: Reply.xml(SITES))
    async with dash(scripted, sleeper) as client:
        for _ in range(5):
            await client.list_sites()
    assert len(scripted.requests) == 5
    assert scripted.connections == 1


def test_default_timeouts_are_explicit() -> None:
    assert DEFAULT_TIMEOUT.connect == 5.0 and DEFAULT_TIMEOUT.read == 20.0
    client = DashboardClient("http://127.0.0.1:9/api", ACCOUNT, None)
    assert client._core._client.timeout == DEFAULT_TIMEOUT


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-ratelimit-reset": "1700000010"}, 10.0),
        ({"x-ratelimit-reset": "1699999990"}, 0.0),  # already past
        ({"x-ratelimit-reset": "1700000010000"}, 10.0),  # milliseconds
        ({"x-ratelimit-reset": "5"}, 5.0),  # a delta, not an epoch
        ({"retry-after": "4"}, 4.0),
        ({"retry-after": "Thu, 01 Jan 1970 00:00:30 GMT"}, None),
        ({}, None),
        ({"retry-after": "soon"}, None),
    ],
)
def test_header_delay(headers: dict[str, str], expected: float | None) -> None:
    result = header_delay(httpx.Headers(headers), 1_700_000_000.0)
    if expected is None and headers.get("retry-after", "").startswith("Thu"):
        assert result == 0.0  # an HTTP date in the past
    else:
        assert result == expected


# -- message create: a 429 took nothing, so it is sent again ------------------------------------

QUEUE_FULL = {
    "type": "max-message-queue-size-exceeded",
    "description": "The SMS queue for your account is full and cannot accept more messages "
    "right now.",
}


def _messaging(scripted: ScriptedServer, sleeper: SleepRecorder, **kw: object) -> MessagingClient:
    kw.setdefault("retry", POLICY)
    kw.setdefault("rng", random.Random(1))
    return MessagingClient(f"{scripted.url}/api/v2", ACCOUNT, None, sleep=sleeper, **kw)  # type: ignore[arg-type]


async def test_message_429_is_sent_again_after_x_ratelimit_reset(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    clock = FakeClock()
    scripted.script(
        "POST",
        "*/messages",
        Reply.json(QUEUE_FULL, status=429, headers={"X-RateLimit-Reset": str(int(clock.now) + 4)}),
        Reply.json({"id": "m-1", "to": ["+19195551111"]}, status=202),
    )
    async with _messaging(scripted, sleeper, clock=clock) as client:
        sent = await client.send_message("a", "+19195550000", ["+19195551111"], "hi")
    assert sent.id == "m-1"
    first, second = scripted.seen("POST")
    assert first.body == second.body  # the same message, once accepted
    (delay,) = sleeper.calls
    assert 4.0 <= delay <= 4.0 + POLICY.jitter * POLICY.base_delay


async def test_message_429_with_retry_after_or_no_header(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.script(
        "POST",
        "*/messages",
        Reply.json(QUEUE_FULL, status=429, headers={"Retry-After": "3"}),
        Reply.json(QUEUE_FULL, status=429),  # the documented 429 carries no header
        Reply.json({"id": "m-2"}, status=202),
    )
    async with _messaging(scripted, sleeper) as client:
        sent = await client.send_message("a", "+19195550000", ["+19195551111"], "hi")
    assert sent.id == "m-2" and len(scripted.seen("POST")) == 3
    after, backoff = sleeper.calls
    assert 3.0 <= after <= 3.125
    assert 0.75 <= backoff <= 1.0  # the second attempt's own backoff


async def test_message_429_asking_for_too_long_a_wait_is_reported(
    scripted: ScriptedServer, sleeper: SleepRecorder
) -> None:
    scripted.script(
        "POST", "*/messages", Reply.json(QUEUE_FULL, status=429, headers={"Retry-After": "900"})
    )
    async with _messaging(scripted, sleeper) as client:
        with pytest.raises(BandwidthError) as info:
            await client.send_message("a", "+19195550000", ["+19195551111"], "hi")
    assert info.value.kind == "rate_limited" and info.value.retry_after == 900.0
    assert sleeper.calls == [] and len(scripted.seen("POST")) == 1


@pytest.mark.parametrize(
    "reply",
    [
        Reply.empty(503),
        Reply.json({"type": "internal-error", "description": "x"}, status=500),
        Reply.json({"id": "late"}, status=202, delay=1.0),
    ],
)
async def test_message_create_is_not_resent_after_an_unknown_outcome(
    scripted: ScriptedServer, sleeper: SleepRecorder, reply: Reply
) -> None:
    scripted.script("POST", "*/messages", reply, Reply.json({"id": "twice"}, status=202))
    client = _messaging(scripted, sleeper, timeout=httpx.Timeout(0.2, connect=1.0))
    async with client:
        with pytest.raises(BandwidthError):
            await client.send_message("a", "+19195550000", ["+19195551111"], "hi")
    assert len(scripted.seen("POST")) == 1 and sleeper.calls == []
