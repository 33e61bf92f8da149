"""Bandwidth's timestamp format, in a module of its own so data modules can use it without
importing the whole state."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(timestamp: float) -> str:
    """Bandwidth's timestamps: UTC, milliseconds, a trailing Z."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
