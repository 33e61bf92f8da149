"""How often to ask about something Bandwidth does asynchronously (an order, a TN option order)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class PollSchedule:
    """Fast at first (most orders finish in seconds), then backing off so a slow order does not
    burn the account's ~100 order calls a minute."""

    first: float = 0.5
    factor: float = 1.5
    cap: float = 5.0

    def intervals(self) -> Iterator[float]:
        interval = self.first
        while True:
            yield interval
            interval = min(self.cap, interval * self.factor)
