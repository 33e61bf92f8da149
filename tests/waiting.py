"""The one way a test waits: poll a condition until it holds, and fail naming what was awaited.

Tests never sleep a fixed time to let something happen: a fixed sleep is either too short on a
loaded CI machine (a flaky failure) or too long everywhere else (a slow suite). Polling a
condition with a deadline ends as soon as the event has happened, and the deadline only bounds
how long a real failure takes to report. Where time itself is what a test is about, it drives
the sandbox's clock instead.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

POLL = 0.02
"""Seconds between two looks at the condition: short enough to add nothing noticeable."""


def wait_for(condition: Callable[[], T], timeout: float = 5.0, what: str = "the condition") -> T:
    """Poll `condition` from a thread that may block (a sync client, a subprocess) until it
    returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(POLL)


async def until(
    condition: Callable[[], T | Awaitable[T]],
    timeout: float = 5.0,
    what: str = "the condition",
    *,
    pause: Callable[[float], Awaitable[Any]] | None = None,
) -> T:
    """Await until `condition()` (plain or a coroutine, e.g. an HTTP read) is truthy, and
    return it. `pause` lets a Textual test yield through `pilot.pause` so the app keeps
    processing messages while the test waits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    rest = pause or asyncio.sleep
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await rest(POLL)
