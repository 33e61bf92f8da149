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
    """At most ``limit`` requests in flight; none started before a 429's reset has passed.

    After a 429 the gate also narrows to one request in flight and widens by one with each
    success, back up to ``limit``: when the reset comes, one request finds out whether the
    limit has room again, instead of every waiting request rushing in and most of them earning
    another 429.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a request gate needs a limit of at least 1")
        self.limit = limit
        self._allowed = limit
        """How many may be in flight right now (narrowed after a 429)."""
        self._waiters: list[asyncio.Future[None]] = []
        self._epoch = 0
        """Counts holds: a success only widens the gate if it was sent after the last one."""
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
    def allowed(self) -> int:
        return self._allowed

    def held_until(self) -> float:
        """The clock time the gate is held until (0 when it was never held)."""
        return self._until

    def hold(self, until: float, *, asked: float = 0.0) -> None:
        """A 429 asked everyone to wait until ``until`` (clock time); a later reset wins."""
        self.rate_limited += 1
        self.held_for += max(0.0, asked)
        self._until = max(self._until, until)
        self._allowed = 1
        self._epoch += 1

    def widen(self, ticket: int) -> None:
        """The request that entered with ``ticket`` succeeded: allow one more in flight, up to
        the limit. A request sent before the last 429 says nothing about the limit now."""
        if ticket == self._epoch and self._allowed < self.limit:
            self._allowed += 1
            self._wake()

    async def enter(self, clock: Clock, sleep: Sleep) -> int:
        """Wait for the hold to pass and a slot to free, then take the slot; returns the
        ticket to hand to :meth:`widen` if the request succeeds."""
        while True:
            wait = self._until - clock()
            if wait > 0:
                await sleep(wait)
                continue
            if self.in_flight < self._allowed:
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
                return self._epoch
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)

    def leave(self) -> None:
        """The request's answer has arrived (or it failed): free its slot."""
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        # Everyone waiting looks again; those who find no room wait again. The few waiters a
        # gate has make this cheaper than keeping count of whom to wake.
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
