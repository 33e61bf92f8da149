"""Bandwidth's published request rate limits, as data the sandbox's rate limiter enforces.

Sources:
- dev.bandwidth.com "Rate Limits for Number & Account Management": the Dashboard API limits
  requests per endpoint group (ORDER: POST /orders, PUT /orders/{id}; SEARCH: GET
  /availableNumbers and other look-ups; MOVE_TNS; DISCONNECT: POST /disconnects; IMPORT_ACCOUNT;
  PORT_IN) and answers a 429 with an empty body and `X-RateLimit-Reset: <epoch seconds>`.
- support.bandwidth.com "Rate Limit Updates to Bandwidth's Application Platform Search & Order
  API Requests": 100 requests a minute sustained, or a burst of 800 over 8 minutes.
- api-docs `site/docs/messaging/rateLimits.mdx` and `errors.mdx`: messaging is limited per
  account on segments, not requests (default 60 a minute, a queue of 900 = 15 minutes), and a
  full queue answers 429 `max-message-queue-size-exceeded`.

Bandwidth publishes no number for the other Dashboard requests (reads of sites, locations,
applications, numbers), so the `other` group is unlimited unless a test or a user sets a limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GROUPS = ("order", "search", "disconnect", "messaging", "other")
"""Every group a request can fall in; `other` is every Dashboard request in no named group."""


@dataclass(frozen=True)
class RateLimit:
    """`limit` units per `period` seconds sustained, with bursts up to `burst` units.

    A token bucket: it holds `burst` tokens, refills at `limit / period` a second, and each
    request takes its cost (1 for the Dashboard, the message's segments times its recipients for
    messaging). `burst` defaults to `limit`.
    """

    limit: int
    period: float
    burst: int | None = None

    @property
    def capacity(self) -> int:
        return self.burst if self.burst is not None else self.limit

    @property
    def rate(self) -> float:
        """Tokens per second."""
        return self.limit / self.period

    def as_json(self) -> dict[str, Any]:
        return {"limit": self.limit, "period": self.period, "burst": self.capacity}

    @classmethod
    def from_json(cls, data: Any) -> RateLimit:
        """Validate `{"limit": n, "period": seconds, "burst": n}`; ValueError with a sentence."""
        if not isinstance(data, dict) or set(data) - {"limit", "period", "burst"}:
            raise ValueError('A limit is {"limit": n, "period": seconds, "burst": n} or null.')
        limit = data.get("limit")
        period = data.get("period", 60)
        burst = data.get("burst")
        if not _whole(limit) or not 1 <= limit <= 1_000_000:
            raise ValueError("limit must be a whole number from 1 to 1000000.")
        if isinstance(period, bool) or not isinstance(period, (int, float)):
            raise ValueError("period must be a number of seconds.")
        if not 0.001 <= period <= 86_400:
            raise ValueError("period must be from 0.001 to 86400 seconds.")
        if burst is not None and (not _whole(burst) or not 1 <= burst <= 1_000_000):
            raise ValueError("burst must be a whole number from 1 to 1000000.")
        return cls(limit=limit, period=float(period), burst=burst)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


SEARCH_AND_ORDER = RateLimit(limit=100, period=60.0, burst=800)
"""100 a minute sustained, 800 in a burst (the support article's "800 over 8 minutes")."""

MESSAGE_QUEUE = RateLimit(limit=60, period=60.0, burst=900)
"""60 segments a minute, a queue of 900 segments (the documented 429's own numbers)."""


def bandwidth_limits() -> dict[str, RateLimit | None]:
    """The sandbox's default: Bandwidth's published limits; `other` unlimited (none published)."""
    return {
        "order": SEARCH_AND_ORDER,
        "search": SEARCH_AND_ORDER,
        "disconnect": SEARCH_AND_ORDER,
        "messaging": MESSAGE_QUEUE,
        "other": None,
    }
