"""The request gate: at most N requests of a pool in flight, and everyone paused after a 429.

Over the scripted loopback server with a fake clock that the fake sleep moves, so a reset is
waited out exactly, never in real time.
"""

from __future__ import annotations

import asyncio

import pytest
from bw_helpers import FakeClock
from bw_scripted_server import Reply, ScriptedServer

from wizard.bandwidth import ConnectionPool, DashboardClient, RequestGate, RetryPolicy

ACCOUNT = "9900000"
SITES = "<SitesResponse><Sites><Site><Id>1</Id><Name>a</Name></Site></Sites></SitesResponse>"
PATIENT = RetryPolicy(max_attempts=5, base_delay=0.5, max_delay=8.0, max_total_wait=60.0)


class MovingClock(FakeClock):
    """A fake clock whose sleep moves it, as if the time had passed."""

    def __init__(self) -> None:
        super().__init__()
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)


def client(scripted: ScriptedServer, gate: RequestGate, clock: MovingClock) -> DashboardClient:
    return DashboardClient(
        f"{scripted.url}/api",
        ACCOUNT,
        None,
        pool=ConnectionPool(gate=gate, max_connections=gate.limit),
        retry=PATIENT,
        sleep=clock.sleep,
        clock=clock,
    )


def test_a_gate_needs_room_for_one_request() -> None:
    with pytest.raises(ValueError):
        RequestGate(0)


async def test_no_more_than_the_limit_are_ever_in_flight(scripted: ScriptedServer) -> None:
    gate, clock = RequestGate(3), MovingClock()
    seen_in_flight: list[int] = []

    def answer(_seen: object) -> Reply:
        seen_in_flight.append(gate.in_flight)
        return Reply.xml(SITES)

    scripted.handle("GET", "*/sites", answer)
    async with client(scripted, gate, clock) as dash:
        results = await asyncio.gather(*(dash.list_sites() for _ in range(12)))
    assert all(r[0].id == "1" for r in results)
    assert len(seen_in_flight) == 12
    assert max(seen_in_flight) == 3 == gate.peak
    assert gate.in_flight == 0


async def test_a_429_holds_every_request_until_its_reset(scripted: ScriptedServer) -> None:
    gate, clock = RequestGate(1), MovingClock()
    reset = int(clock.now) + 5
    arrivals: list[float] = []

    def answer(_seen: object) -> Reply:
        arrivals.append(clock.now)
        if len(arrivals) == 1:
            return Reply.empty(429, {"X-RateLimit-Reset": str(reset)})
        return Reply.xml(SITES)

    scripted.handle("GET", "*/sites", answer)
    async with client(scripted, gate, clock) as dash:
        results = await asyncio.gather(*(dash.list_sites() for _ in range(4)))
    assert all(r[0].id == "1" for r in results)
    # The refused request and the three queued behind it all waited for the reset: one 429,
    # one retry, nothing sent early.
    assert len(arrivals) == 5
    assert all(moment >= reset for moment in arrivals[1:])
    assert gate.rate_limited == 1
    assert gate.held_until() == pytest.approx(reset, abs=0.01)


async def test_requests_already_in_flight_are_not_repeated(scripted: ScriptedServer) -> None:
    gate, clock = RequestGate(4), MovingClock()
    reset = int(clock.now) + 3
    answered: list[int] = []

    def answer(_seen: object) -> Reply:
        answered.append(1)
        if len(answered) == 2:
            return Reply.empty(429, {"X-RateLimit-Reset": str(reset)})
        return Reply.xml(SITES)

    scripted.handle("GET", "*/sites", answer)
    async with client(scripted, gate, clock) as dash:
        await asyncio.gather(*(dash.list_sites() for _ in range(4)))
    assert len(answered) == 5  # four requests and the one retry
    assert gate.rate_limited == 1
    assert clock.slept and min(clock.slept) >= 3.0


async def test_after_a_429_one_request_tries_first_then_the_gate_widens(
    scripted: ScriptedServer,
) -> None:
    gate, clock = RequestGate(4), MovingClock()
    reset = int(clock.now) + 2
    arrivals: list[tuple[float, int]] = []

    def answer(_seen: object) -> Reply:
        arrivals.append((clock.now, gate.in_flight))
        if len(arrivals) == 1:
            return Reply.empty(429, {"X-RateLimit-Reset": str(reset)})
        return Reply.xml(SITES)

    scripted.handle("GET", "*/sites", answer)
    async with client(scripted, gate, clock) as dash:
        await asyncio.gather(*(dash.list_sites() for _ in range(10)))
    after_reset = [in_flight for moment, in_flight in arrivals if moment >= reset]
    assert after_reset and after_reset[0] == 1
    assert max(after_reset) <= 4
    assert gate.allowed == 4 and gate.rate_limited == 1
    assert len(arrivals) == 11
