"""Sending callback events to someone's handler exactly as Bandwidth sends them.

Each POST carries one JSON array with `Content-Type: application/json; charset=utf-8` and
`User-Agent: BandwidthAPI/v2` (api-docs `site/docs/messaging/webhooks.mdx`). Basic auth is a
challenge: the first POST goes without `Authorization`, and only a 401 whose `WWW-Authenticate`
names Basic makes the sender repeat it with the credentials (api-docs
`site/docs/numbers/webhooks.md`). A handler that wants credentials without challenging never gets
them from Bandwidth, so it never gets them here either. An answer slower than Bandwidth's 10 s
counts as a failure, as it would there.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from wizard.core.safe import clip
from wizard.core.urls import is_local_url

USER_AGENT = "BandwidthAPI/v2"
CONTENT_TYPE = "application/json; charset=utf-8"
ANSWER_LIMIT = 10.0
"""Seconds Bandwidth waits for a callback's answer before it tries again (webhooks.mdx)."""


@dataclass(frozen=True)
class Attempt:
    """One POST and how the handler answered it."""

    with_credentials: bool
    status: int | None
    """HTTP status, or None when no answer came (refused, timed out)."""
    challenge: str = ""
    """The answer's WWW-Authenticate header."""
    answer: str = ""
    """The start of the answer's body, made printable."""
    error: str = ""
    """Why no answer came."""
    ms: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def challenged(self) -> bool:
        return self.status == 401 and self.challenge.lower().startswith("basic")


@dataclass(frozen=True)
class Delivery:
    """Everything that happened delivering one event body."""

    attempts: tuple[Attempt, ...]
    note: str = ""
    """Why the dance stopped short of success, when it did."""

    @property
    def accepted(self) -> bool:
        return bool(self.attempts) and self.attempts[-1].accepted

    def describe(self) -> str:
        """`401 (Basic challenge), then 200 with credentials in 3 ms: {...}`"""
        parts = []
        for attempt in self.attempts:
            if attempt.status is None:
                text = f"no answer ({attempt.error})"
            elif attempt.challenged:
                text = "401 (Basic challenge)"
            else:
                text = str(attempt.status)
                if attempt.with_credentials:
                    text += " with credentials"
            parts.append(text)
        last = self.attempts[-1] if self.attempts else None
        line = ", then ".join(parts)
        if last is not None:
            line += f" in {last.ms:.0f} ms"
            if last.answer:
                line += f": {last.answer}"
        if self.note:
            line += f" ({self.note})"
        return line

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "note": self.note,
            "attempts": [
                {
                    "with_credentials": a.with_credentials,
                    "status": a.status,
                    "challenge": a.challenge,
                    "answer": a.answer,
                    "error": a.error,
                    "ms": round(a.ms, 1),
                }
                for a in self.attempts
            ],
        }


class CallbackSender:
    """POSTs event bodies to one URL, answering its Basic challenge with the given credentials.

    Use as ``async with CallbackSender(url, user=..., password=...) as sender:``.
    """

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = ANSWER_LIMIT,
    ) -> None:
        self.url = url
        self.user = user or None
        self._password = password or None
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        auth = f"user={self.user!r} password=••••" if self._password else "no credentials"
        return f"<CallbackSender {self.url} {auth}>"

    async def __aenter__(self) -> CallbackSender:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # A proxy from the environment must not swallow a handler on this machine; a
            # redirect is never followed, so credentials cannot be sent somewhere else.
            self._client = httpx.AsyncClient(
                trust_env=not is_local_url(self.url), follow_redirects=False
            )
        return self._client

    async def send(self, events: Sequence[Mapping[str, Any]]) -> Delivery:
        """One delivery of `events` (one JSON array), with the challenge answered if asked."""
        body = json.dumps(list(events), ensure_ascii=False).encode("utf-8")
        first = await self._post(body, with_credentials=False)
        if not first.challenged:
            note = ""
            if first.status == 401:
                note = "a 401 without a Basic challenge: Bandwidth would not send credentials"
            return Delivery((first,), note)
        if not (self.user and self._password):
            return Delivery(
                (first,),
                "the handler asks for credentials: pass --user and set BW_CALLBACK_PASSWORD",
            )
        second = await self._post(body, with_credentials=True)
        note = "the credentials were refused" if second.status == 401 else ""
        return Delivery((first, second), note)

    async def _post(self, body: bytes, *, with_credentials: bool) -> Attempt:
        headers = {"Content-Type": CONTENT_TYPE, "User-Agent": USER_AGENT}
        if with_credentials:
            token = f"{self.user}:{self._password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
        started = time.monotonic()
        try:
            response = await self._http().post(
                self.url, content=body, headers=headers, timeout=httpx.Timeout(self.timeout)
            )
        except httpx.TimeoutException:
            return Attempt(
                with_credentials,
                None,
                error=f"no answer within {self.timeout:g} s: Bandwidth would try again later",
                ms=(time.monotonic() - started) * 1000,
            )
        except httpx.HTTPError as error:
            return Attempt(
                with_credentials,
                None,
                error=f"{type(error).__name__}: could not reach {self.url}",
                ms=(time.monotonic() - started) * 1000,
            )
        return Attempt(
            with_credentials,
            response.status_code,
            challenge=clip(response.headers.get("www-authenticate", ""), 80),
            answer=clip(response.text, 120),
            ms=(time.monotonic() - started) * 1000,
        )
