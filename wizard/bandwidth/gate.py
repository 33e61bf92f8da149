"""A shared gate for many requests at once: at most N in flight, and a pause for everyone after
a 429.

A walk over a large account (hundreds of locations, thousands of numbers) sends its reads
concurrently, and Bandwidth's rate limits count per account, not per request: when one request
is answered 429 with ``X-RateLimit-Reset``, the others sent in the meantime would only earn
429s of their own (and use up their retries). So every request of one connection passes this
gate: it waits while the gate is held after a 429 (until the reset the server named) and while
``limit`` requests are already in flight. A request holds its slot only while it is on the
wire, never while it sleeps before a retry.

The gate belongs to a :class:`~wizard.bandwidth.transport.ConnectionPool` (one per connection),
so every client sharing the pool shares the limit. It reads the time and sleeps with what each
request's client uses, so a test that drives the clock drives the gate too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RequestGate:
    """At most ``limit`` requests in flight; none started before a 429's reset has passed."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a request gate needs a limit of at least 1")
        self.limit = limit
        self._slots: asyncio.Semaphore | None = None
        self._until = 0.0
        """Clock time before which no request may start (0: not held)."""
        self.in_flight = 0
        self.peak = 0
        """The most requests that were ever in flight together (never above ``limit``)."""
        self.rate_limited = 0
        """How many 429 answers held the gate."""
        self.held_for = 0.0
        """Seconds of pause the 429s asked for, summed (diagnostics)."""

    @property
    def slots(self) -> asyncio.Semaphore:
        # Made on first use, inside the event loop that runs the requests.
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        return self._slots

    def held_until(self) -> float:
        """The clock time the gate is held until (0 when it was never held)."""
        return self._until

    def hold(self, until: float, *, asked: float = 0.0) -> None:
        """A 429 asked everyone to wait until ``until`` (clock time); a later reset wins."""
        self.rate_limited += 1
        self.held_for += max(0.0, asked)
        self._until = max(self._until, until)

    async def enter(self, clock: Clock, sleep: Sleep) -> None:
        """Wait for the hold to pass and a slot to free, then take the slot."""
        while True:
            wait = self._until - clock()
            if wait > 0:
                await sleep(wait)
                continue
            await self.slots.acquire()
            # A 429 may have held the gate while this request queued for its slot.
            if self._until - clock() > 0:
                self.slots.release()
                continue
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            return

    def leave(self) -> None:
        """The request's answer has arrived (or it failed): free its slot."""
        self.in_flight -= 1
        self.slots.release()
