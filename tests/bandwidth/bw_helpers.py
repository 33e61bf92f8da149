"""Helpers shared by the Bandwidth client tests (not fixtures: plain functions and classes)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import xmltodict

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bandwidth"


def guide_sample(name: str) -> tuple[str, dict[str, str], str]:
    """A guide sample from tests/fixtures/bandwidth: (start line, headers, body).

    The guide writes headers and body without a blank line between them: the body starts at
    the first line that opens with ``<`` or ``{``.
    """
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    start, rest = lines[0], lines[1:]
    headers: dict[str, str] = {}
    body_at = len(rest)
    for i, line in enumerate(rest):
        if line.startswith(("<", "{")):
            body_at = i
            break
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    return start, headers, "\n".join(rest[body_at:])


def plain_xml(text: str | bytes) -> dict[str, Any]:
    """Parse XML without force_list, for comparing structures element by element."""
    return xmltodict.parse(text)


class SleepRecorder:
    """A fake ``asyncio.sleep`` that returns at once and remembers what it was asked."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class FakeClock:
    """A clock a test moves by hand (for token expiry and X-RateLimit-Reset)."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_jwt(claims: dict[str, Any], signature: bytes = b"sig") -> str:
    """A JWT as Bandwidth's token endpoint shapes one (any signature: clients do not check it)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

    header = b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims).encode())
    return f"{header}.{payload}.{b64(signature)}"
