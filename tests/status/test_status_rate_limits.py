"""A 429 storm: status under a read limit far below what it needs, on the sandbox's frozen clock.

The clients' sleep moves the sandbox's clock by exactly what they asked to wait, and their clock
reads it, so a wait for ``X-RateLimit-Reset`` is honoured (or not) by arithmetic, in no real
time. The report must be the one an unlimited run gives, and every 429 must cost exactly one
repeated request: nothing lost, nothing read twice, nothing sent before its reset.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from benchmarks.status import api_counts, minimum_requests
from tests.status.helpers import seed, state
from wizard.session.sandbox import sandbox_connection
from wizard.session.session import Session
from wizard.status.run import run_status

pytestmark = pytest.mark.timeout(60)

SHAPE = {"numbers": 80, "locations": 10, "applications": 3, "sites": 2, "toll_free": 6}
"""Every kind of read (toll-free lookups too) in about fifty requests."""
LIMIT = {"limit": 4, "period": 2, "burst": 4}
"""Four reads, then one every half second: a storm for eight requests in flight."""


def _comparable(report: Any) -> dict[str, Any]:
    document = report.as_json()
    for key in ("requests", "rate_limited", "seconds"):
        document.pop(key)
    failed = document["failed_messages"]
    failed.pop("since"), failed.pop("until")
    return document


def _control(sandbox: Any, path: str, body: dict[str, Any]) -> None:
    response = httpx.post(f"{sandbox.base_url}/_sandbox/{path}", json=body, trust_env=False)
    assert response.status_code == 200, response.text


async def test_a_429_storm_changes_nothing_but_the_time_it_takes(sandbox: Any) -> None:
    seed(sandbox, **SHAPE)
    conn, secrets = sandbox_connection(sandbox.base_url, sandbox.config.identity)
    calm = await run_status(Session(sandbox=True, conn=conn, secrets=secrets))
    assert calm.rate_limited == 0

    clock = sandbox.state.time
    _control(sandbox, "clock", {"mode": "manual"})
    _control(sandbox, "ratelimits", {"other": LIMIT})
    asked: list[float] = []

    async def sleep(seconds: float) -> None:
        asked.append(seconds)
        clock.advance(seconds)
        await asyncio.sleep(0)

    before = api_counts(state(sandbox))
    stormy = await run_status(
        Session(sandbox=True, conn=conn, secrets=secrets),
        sleep=sleep,
        clock=clock.wall,
        now=calm_now(calm),
    )
    after = state(sandbox)
    refused = sum(1 for entry in after["requests"]["recent"] if entry.get("status") == 429)

    assert stormy.rate_limited > 0 and asked
    assert _comparable(stormy) == _comparable(calm)
    sent = sum(api_counts(after).values()) - sum(before.values())
    # Each 429 is one request sent again after the reset; nothing else was repeated.
    assert sent == stormy.requests == minimum_requests(after) + stormy.rate_limited
    assert refused == stormy.rate_limited
    assert all(wait >= 0 for wait in asked)


def calm_now(report: Any) -> Any:
    """The same failed-message window as the calm run (it reads the same messages)."""
    from datetime import datetime

    assert report.failed_messages is not None
    return datetime.fromisoformat(report.failed_messages.until.replace("Z", "+00:00"))
