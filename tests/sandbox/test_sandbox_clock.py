"""The sandbox's clock: frozen and moved by a test, it completes orders, expires tokens and
releases callbacks, and the test then waits on the event itself, never on a window of real time."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from sbx_helpers import parse
from sbx_receiver import Receiver
from sbx_scale import ScaleApi

from tests.waiting import wait_for
from wizard.sandbox.clock import SandboxClock


@pytest.fixture
def api(sandbox):
    client = ScaleApi(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


class FakeSource:
    """The machine's clocks, moved by hand, to show what the sandbox clock adds to them."""

    def __init__(self) -> None:
        self.mono = 1000.0
        self.wall = 1_800_000_000.0

    def step(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += seconds


# -- the clock itself ---------------------------------------------------------------------------


def test_manual_time_moves_only_when_advanced_and_never_back():
    source = FakeSource()
    clock = SandboxClock(monotonic=lambda: source.mono, wall=lambda: source.wall)
    assert (clock.mode, clock(), clock.wall()) == ("real", 1000.0, 1_800_000_000.0)
    clock.freeze()
    source.step(50)
    assert (clock.mode, clock(), clock.wall()) == ("manual", 1000.0, 1_800_000_000.0)
    clock.advance(5)
    assert (clock(), clock.wall()) == (1005.0, 1_800_000_005.0)
    clock.resume()  # the machine moved 50 s meanwhile; the sandbox goes on from 1005
    assert (clock.mode, clock(), clock.wall()) == ("real", 1005.0, 1_800_000_005.0)
    source.step(1)
    assert clock() == 1006.0
    clock.advance(10)  # real mode: the clock runs ahead of the machine from now on
    # 50 s frozen, 5 + 10 advanced: 35 s behind the machine, never having gone back.
    assert clock() == 1016.0 and clock.describe()["ahead_of_real"] == -35.0
    clock.restart(manual=False)  # a reset: back to the machine's time
    assert (clock(), clock.wall()) == (source.mono, source.wall)
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_a_sleeper_wakes_when_time_reaches_its_deadline_from_any_thread():
    clock = SandboxClock(manual=True)

    async def scenario() -> None:
        sleeper = asyncio.create_task(clock.sleep(5))
        await asyncio.sleep(0)
        assert clock.describe()["sleepers"] == 1 and clock.describe()["next_wake_in"] == 5
        assert clock.advance(4.5) == 0
        for _ in range(5):
            await asyncio.sleep(0)
        assert not sleeper.done()
        other = threading.Thread(target=clock.advance, args=(0.5,))
        other.start()
        other.join()
        await asyncio.wait_for(sleeper, timeout=5)  # a deadline for failure, not a wait
        assert clock.describe()["sleepers"] == 0

    asyncio.run(scenario())


def test_advance_to_next_moves_exactly_to_the_earliest_sleeper():
    clock = SandboxClock(manual=True)

    async def scenario() -> None:
        start = clock()
        near = asyncio.create_task(clock.sleep(3))
        far = asyncio.create_task(clock.sleep(8))
        await asyncio.sleep(0)
        assert clock.advance_to_next() == pytest.approx(3)
        await asyncio.wait_for(near, timeout=5)
        assert not far.done() and clock() == pytest.approx(start + 3)
        assert clock.advance_to_next() == pytest.approx(5)
        await asyncio.wait_for(far, timeout=5)
        assert clock.advance_to_next() == 0.0

    asyncio.run(scenario())


def test_resuming_real_time_lets_a_frozen_sleeper_finish():
    source = FakeSource()
    clock = SandboxClock(manual=True, monotonic=lambda: source.mono, wall=lambda: source.wall)

    async def scenario() -> None:
        sleeper = asyncio.create_task(clock.sleep(0.01))
        await asyncio.sleep(0)
        clock.resume()
        source.step(1)  # the machine's time passes the deadline
        await asyncio.wait_for(sleeper, timeout=5)

    asyncio.run(scenario())


# -- the control route --------------------------------------------------------------------------


def test_clock_route_freezes_advances_and_reset_restores_real_time(api):
    assert api.clock()["mode"] == "real"
    frozen = api.freeze()
    assert frozen["mode"] == "manual"
    assert api.clock()["monotonic"] == frozen["monotonic"]
    moved = api.advance(90)
    assert moved["advanced"] == 90 and moved["wall"] == pytest.approx(frozen["wall"] + 90)
    assert api.state()["clock"]["mode"] == "manual"
    api.control("POST", "/reset")
    after = api.clock()
    assert after["mode"] == "real" and abs(after["ahead_of_real"]) < 1


@pytest.mark.parametrize(
    "body",
    [{"mode": "paused"}, {"advance": -1}, {"advance": "5"}, {"next": 1}, {"speed": 2}, [1]],
)
def test_clock_route_refuses_what_it_cannot_do(api, body):
    answer = api.control("POST", "/clock", body)
    assert answer.status_code == 400 and answer.json()["error"]


# -- what runs on it ----------------------------------------------------------------------------


def test_a_thirty_second_order_completes_when_the_clock_says_so(api):
    api.config(order_delay=30)
    location = api.create_location()
    api.freeze()
    created = api.order(location, "919", 2)
    order_id = parse(created.text)["OrderResponse"]["Order"]["id"]

    def status() -> str:
        answer = api.xml("GET", f"{api.account}/orders/{order_id}")
        return parse(answer.text)["OrderResponse"]["OrderStatus"]

    assert status() == "RECEIVED"
    api.advance(10)
    assert status() == "PROCESSING"
    assert api.state()["numbers"] == []
    api.advance(20)
    assert status() == "COMPLETE"
    assert len(api.state()["numbers"]) == 2


def test_a_token_expires_when_the_clock_passes_its_lifetime(api):
    api.freeze()
    issued = api.http.post(
        "/api/v1/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=("sandbox-client", "sandbox-secret"),
    ).json()
    bearer = {"Authorization": "Bearer " + issued["access_token"]}
    assert api.http.get(api.account, headers=bearer).status_code == 200
    api.advance(issued["expires_in"] - 1)
    assert api.http.get(api.account, headers=bearer).status_code == 200
    api.advance(1)
    assert api.http.get(api.account, headers=bearer).status_code == 401


def test_the_delivery_callback_waits_for_the_clock(api):
    api.config(delivery_delay=60)
    with Receiver() as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        api.freeze()
        sent = api.send(
            ready["app_id"],
            "+1" + ready["number"],
            ["+19195550123"],
            media=["https://example.com/cat.png"],
        )
        assert sent.status_code == 202
        first = receiver.wait_events(1)
        assert first[0]["type"] == "message-sending"
        # The final callback now waits on a 60 s pause of the sandbox's clock, and only on it.
        pause = wait_for(lambda: api.clock()["next_wake_in"])
        assert pause == 60
        assert [e["type"] for e in receiver.events()] == ["message-sending"]
        moved = api.clock(next=True)
        assert moved["advanced"] == 60
        final = receiver.wait_events(2)[1]
    assert final["type"] in ("message-delivered", "message-failed")
    assert final["message"]["id"] == sent.json()["id"]


def test_a_failed_callback_is_retried_when_the_clock_reaches_the_pause(api):
    api.config(callback_retry_initial=30, callback_retry_max_interval=30, callback_retry_window=600)
    with Receiver(always_fail=True) as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        api.freeze()
        api.send(
            ready["app_id"],
            "+1" + ready["number"],
            ["+19195550123"],
            media=["https://example.com/cat.png"],
        )
        receiver.wait_requests(1)
        assert wait_for(lambda: api.clock()["next_wake_in"]) == 30
        assert len(receiver.requests) == 1
        api.clock(next=True)
        receiver.wait_requests(2)


def test_an_injected_delay_is_served_on_the_clock(api):
    api.freeze()
    api.fault(path="/api/accounts/*", method="GET", kind="delay", delay=120)
    answers: list[httpx.Response] = []
    caller = threading.Thread(
        target=lambda: answers.append(api.http.get(api.account, auth=api.auth))
    )
    caller.start()
    assert wait_for(lambda: api.clock()["next_wake_in"]) == 120
    assert not answers
    api.clock(next=True)
    caller.join(timeout=10)
    assert [answer.status_code for answer in answers] == [200]


def test_the_request_log_keeps_arrival_order_while_time_stands_still(api):
    api.freeze()
    paths = [api.account, api.account + "/sites", api.account + "/applications"]
    for path in paths:
        assert api.xml("GET", path).status_code == 200
    recent = [r for r in api.state()["requests"]["recent"] if r["method"] == "GET"]
    assert [r["path"] for r in recent] == paths
    assert len({r["time"] for r in recent}) == 1  # one frozen instant, still in order
