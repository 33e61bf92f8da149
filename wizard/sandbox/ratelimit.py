"""Token buckets per account and request group, on the sandbox's clock, without any HTTP.

Which group a request belongs to follows Bandwidth's published list (see `limits.py`); the ASGI
side that answers 429 lives in `throttle.py`. Buckets refill on `SandboxClock.monotonic`, so a
test with a manual clock sees a 429 until it advances time past the reset, never by waiting.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from typing import Any

from wizard.sandbox.clock import SandboxClock
from wizard.sandbox.limits import GROUPS, RateLimit

_DASHBOARD = r"^/api(?:/v2)?/accounts/(?P<account>[^/]+)"
_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("order", "POST", re.compile(_DASHBOARD + r"/orders/?$")),
    ("order", "PUT", re.compile(_DASHBOARD + r"/orders/[^/]+/?$")),
    ("search", "GET", re.compile(_DASHBOARD + r"/availableNumbers/?$")),
    ("disconnect", "POST", re.compile(_DASHBOARD + r"/disconnects/?$")),
    ("messaging", "POST", re.compile(r"^/api/v2/users/(?P<account>[^/]+)/messages/?$")),
    ("messaging", "POST", re.compile(r"^/v2/users/(?P<account>[^/]+)/messages/?$")),
)
_OTHER = re.compile(_DASHBOARD + r"(?:/|$)")

_EPSILON = 1e-9
"""Refills are sums of float steps: a bucket that is full to the nano-token counts as full."""

MAX_BUCKETS = 64
"""Bounded memory: random account ids in URLs must not grow the table without end."""


@dataclass(frozen=True)
class Classified:
    group: str
    account: str


def classify(method: str, path: str) -> Classified | None:
    """The rate-limit group of a request, or None for requests no limit applies to (control
    routes, OAuth2, List Messages)."""
    for group, wanted, pattern in _PATTERNS:
        if method == wanted:
            match = pattern.match(path)
            if match:
                return Classified(group, match.group("account"))
    match = _OTHER.match(path)
    if match:
        return Classified("other", match.group("account"))
    return None


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """The limits in force and the buckets they fill; safe to use from any thread."""

    def __init__(self, limits: dict[str, RateLimit | None], clock: SandboxClock) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._limits: dict[str, RateLimit | None] = {group: None for group in GROUPS}
        self._limits.update(limits)
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def limits(self) -> dict[str, RateLimit | None]:
        with self._lock:
            return dict(self._limits)

    def set_limits(self, changes: dict[str, RateLimit | None]) -> None:
        """Change some groups' limits; their buckets start full again."""
        with self._lock:
            for group, limit in changes.items():
                if group not in GROUPS:
                    raise ValueError(f"{group} is not a rate-limit group ({', '.join(GROUPS)}).")
                self._limits[group] = limit
                for key in [key for key in self._buckets if key[0] == group]:
                    del self._buckets[key]

    def take(self, group: str, account: str, cost: float = 1.0) -> float | None:
        """Charge `cost` tokens; None if allowed, else the epoch second the bucket allows it.

        A request costing more than the whole bucket is charged as a full bucket, so it waits
        for an empty queue rather than being refused for ever.
        """
        with self._lock:
            limit = self._limits.get(group)
            if limit is None:
                return None
            now = self._clock.monotonic()
            key = (group, account)
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._buckets.pop(next(iter(self._buckets)))
                bucket = self._buckets[key] = _Bucket(float(limit.capacity), now)
            bucket.tokens = min(
                float(limit.capacity), bucket.tokens + (now - bucket.stamp) * limit.rate
            )
            bucket.stamp = now
            cost = min(max(cost, 0.0), float(limit.capacity))
            if bucket.tokens + _EPSILON >= cost:
                bucket.tokens = max(0.0, bucket.tokens - cost)
                return None
            wait = (cost - bucket.tokens) / limit.rate
        return float(math.ceil(self._clock.wall() + wait))

    def describe(self) -> dict[str, Any]:
        """The limits and how full each bucket in use is, for GET /_sandbox/ratelimits."""
        with self._lock:
            now = self._clock.monotonic()
            buckets = []
            for (group, account), bucket in self._buckets.items():
                limit = self._limits.get(group)
                if limit is None:
                    continue
                level = min(limit.capacity, bucket.tokens + (now - bucket.stamp) * limit.rate)
                buckets.append({"group": group, "account": account, "tokens": round(level, 3)})
            return {
                "limits": {
                    group: (limit.as_json() if limit else None)
                    for group, limit in self._limits.items()
                },
                "buckets": buckets,
            }
