"""The sandbox's time: one clock for every delay, expiry and timestamp, real or under a test's hand.

Orders, disconnects and tokens measure elapsed time on it, callbacks and injected delays sleep on
it, timestamps and `X-RateLimit-Reset` read its wall time. In "real" mode it follows the
machine's clocks; in "manual" mode it stands still until someone calls `advance`, so a test can
complete an order, expire a token or release a delivery callback by moving time instead of
waiting for it, and then wait on the event itself.

Time never runs backwards while the sandbox holds anything that measured it: freezing keeps the
current reading, resuming continues from the frozen reading, and `advance` only moves forward.
Only `restart` (a sandbox reset, which discards every order, token and pending callback first)
goes back to the machine's time.

Sleepers belong to the sandbox's event loop while `advance` may be called from any thread (a test,
the TUI's loop), so waking goes through `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

REAL = "real"
MANUAL = "manual"
MODES = (REAL, MANUAL)

MAX_ADVANCE = 30 * 24 * 3600.0
"""One advance may move time by at most 30 days: enough for any retry window or token lifetime."""

_GRID = float(2**20)
"""Manual time moves on a grid of 2**-20 s (about a microsecond), rounded up. Sums and
differences of grid values are exact floats, so an order created at t and advanced by its delay
in two halves is exactly due, never 1e-13 s short of it."""


def _up(seconds: float) -> float:
    return math.ceil(seconds * _GRID) / _GRID


@dataclass(eq=False)
class _Sleeper:
    deadline: float
    loop: asyncio.AbstractEventLoop
    waker: asyncio.Future[None] = field(repr=False)


def _wake(waker: asyncio.Future[None]) -> None:
    if not waker.done():
        waker.set_result(None)


class SandboxClock:
    """Monotonic and wall time for the sandbox; callable as a monotonic clock.

    `monotonic` and `wall` are the machine's sources (injectable for unit tests); the clock adds
    its own offset to them in real mode and ignores them in manual mode.
    """

    def __init__(
        self,
        *,
        manual: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._lock = threading.Lock()
        self._source_mono = monotonic
        self._source_wall = wall
        self._offset = 0.0
        """Seconds this clock is ahead of the machine's (advances made in real mode)."""
        self._frozen: tuple[float, float] | None = None
        """(monotonic, wall) while in manual mode."""
        self._sleepers: list[_Sleeper] = []
        if manual:
            self.freeze()

    # -- reading -------------------------------------------------------------------------

    def __call__(self) -> float:
        return self.monotonic()

    def monotonic(self) -> float:
        """Seconds for measuring elapsed time (orders, tokens, retry windows)."""
        with self._lock:
            if self._frozen is not None:
                return self._frozen[0]
            return self._source_mono() + self._offset

    def wall(self) -> float:
        """Epoch seconds for timestamps and X-RateLimit-Reset."""
        with self._lock:
            if self._frozen is not None:
                return self._frozen[1]
            return self._source_wall() + self._offset

    @property
    def mode(self) -> str:
        return MANUAL if self._frozen is not None else REAL

    # -- steering ------------------------------------------------------------------------

    def freeze(self) -> None:
        """Stop time where it is; only `advance` moves it from now on."""
        with self._lock:
            if self._frozen is None:
                self._frozen = (
                    _up(self._source_mono() + self._offset),
                    _up(self._source_wall() + self._offset),
                )

    def resume(self) -> None:
        """Let time run again from the frozen reading (never jumping back to the machine's)."""
        with self._lock:
            if self._frozen is not None:
                self._offset = self._frozen[0] - self._source_mono()
                self._frozen = None
        self._wake_all()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}.")
        if mode == MANUAL:
            self.freeze()
        else:
            self.resume()

    def advance(self, seconds: float) -> int:
        """Move time forward by `seconds` (in either mode); returns how many sleepers were due."""
        if not 0 <= seconds <= MAX_ADVANCE:
            raise ValueError(f"advance must be from 0 to {MAX_ADVANCE:g} seconds.")
        with self._lock:
            if self._frozen is not None:
                mono, wall = self._frozen
                step = _up(seconds)
                self._frozen = (mono + step, wall + step)
                now = mono + step
            else:
                self._offset += seconds
                now = self._source_mono() + self._offset
            due = sum(1 for sleeper in self._sleepers if sleeper.deadline <= now)
        self._wake_all()
        return due

    def advance_to_next(self) -> float:
        """Jump to the earliest pending sleeper's deadline; returns the seconds moved (0: none)."""
        deadline = self.next_deadline()
        if deadline is None:
            return 0.0
        step = max(0.0, deadline - self.monotonic())
        self.advance(step)
        return step

    async def skip(self, seconds: float) -> None:
        """`advance`, then let woken tasks run: a sleep for a program that drives this clock."""
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)

    def restart(self, *, manual: bool) -> None:
        """Back to the machine's time (a reset: nothing that measured the old time is kept)."""
        with self._lock:
            self._offset = 0.0
            self._frozen = None
        if manual:
            self.freeze()
        self._wake_all()

    # -- sleeping ------------------------------------------------------------------------

    async def sleep(self, seconds: float) -> None:
        """Return once this clock has moved `seconds` forward, however it gets there."""
        loop = asyncio.get_running_loop()
        deadline = self.monotonic() + max(0.0, seconds)
        while True:
            remaining = deadline - self.monotonic()
            if remaining <= 0:
                await asyncio.sleep(0)
                return
            sleeper = _Sleeper(deadline, loop, loop.create_future())
            with self._lock:
                self._sleepers.append(sleeper)
            try:
                # Manual mode waits for a wake-up only; real mode also for the real interval.
                # Either way the loop re-reads the clock, so a mode switch is always noticed.
                timeout = None if self.mode == MANUAL else remaining
                await asyncio.wait({sleeper.waker}, timeout=timeout)
            finally:
                with self._lock:
                    if sleeper in self._sleepers:
                        self._sleepers.remove(sleeper)

    def next_deadline(self) -> float | None:
        with self._lock:
            return min((s.deadline for s in self._sleepers), default=None)

    def _wake_all(self) -> None:
        with self._lock:
            sleepers = list(self._sleepers)
        for sleeper in sleepers:
            if sleeper.loop.is_closed():
                continue
            try:
                sleeper.loop.call_soon_threadsafe(_wake, sleeper.waker)
            except RuntimeError:  # the loop closed between the check and the call
                continue

    # -- the JSON view -------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        now = self.monotonic()
        wall = self.wall()
        deadline = self.next_deadline()
        with self._lock:
            waiting = len(self._sleepers)
            ahead = (
                self._frozen[1] - self._source_wall() if self._frozen is not None else self._offset
            )
        moment = datetime.fromtimestamp(wall, tz=UTC)
        return {
            "mode": self.mode,
            "now": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
            "wall": wall,
            "monotonic": now,
            "ahead_of_real": round(ahead, 3),
            "sleepers": waiting,
            "next_wake_in": None if deadline is None else round(max(0.0, deadline - now), 3),
        }
