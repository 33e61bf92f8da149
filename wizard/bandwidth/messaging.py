"""Client for the Bandwidth messaging API, both generations.

The guide's (2018) host is ``https://api.catapult.inetwork.com/v2`` keyed by ``userId`` with
``token:secret``; today's is ``https://messaging.bandwidth.com/api/v2`` keyed by ``accountId``
with the Dashboard credentials or an OAuth2 bearer. The request is the same JSON for both:
``POST {base_url}/users/{user_id}/messages``. A 202 means "accepted", not "delivered": the
outcome arrives later as a callback.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from .hosts import messaging_generation
from .models import SentMessage
from .transport import HttpCore, OnRequest, RetryPolicy, Sleep

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class MessagingClient:
    """Async client for ``{base_url}/users/{user_id}/messages`` on one reused connection pool.

    Sending is a POST, so it is never repeated once it may have reached the server; only a
    connection that could not be opened at all is tried again.
    """

    def __init__(
        self,
        base_url: str,
        user_id: str,
        auth: httpx.Auth | None,
        *,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_request: OnRequest | None = None,
        sleep: Sleep | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.user_id = str(user_id)
        self.generation = messaging_generation(base_url)
        """``"guide"`` (catapult-style, token:secret) or ``"current"``; words 401 hints."""
        self._core = HttpCore(
            base_url,
            auth,
            api="messaging",
            accept="application/json",
            timeout=timeout,
            retry=retry,
            transport=transport,
            on_request=on_request,
            sleep=sleep,
            clock=clock,
            rng=rng,
            generation=self.generation,
        )

    @property
    def base_url(self) -> str:
        return self._core.base_url

    @property
    def messages_url(self) -> str:
        """Where messages are POSTed."""
        return self._core.url(self._path())

    async def __aenter__(self) -> MessagingClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._core.aclose()

    def __repr__(self) -> str:
        return f"MessagingClient(base_url={self.base_url!r}, user_id={self.user_id!r})"

    def _path(self) -> str:
        return f"users/{quote(self.user_id, safe='')}/messages"

    async def send_message(
        self,
        application_id: str,
        from_number: str,
        to: Sequence[str] | str,
        text: str,
        *,
        media: Sequence[str] | None = None,
        tag: str | None = None,
        priority: str | None = None,
    ) -> SentMessage:
        """Send one message to up to ten numbers; numbers must already be E.164."""
        recipients = [to] if isinstance(to, str) else list(to)
        payload: dict[str, Any] = {
            "from": from_number,
            "to": recipients,
            "text": text,
            "applicationId": application_id,
        }
        if media:
            payload["media"] = list(media)
        if tag is not None:
            payload["tag"] = tag
        if priority is not None:
            payload["priority"] = priority
        response = await self._core.send(
            "POST",
            self._path(),
            content=json.dumps(payload, ensure_ascii=False),
            content_type=JSON_CONTENT_TYPE,
            idempotent=False,
        )
        answer = self._core.json_body(response)
        if not isinstance(answer, dict) or not answer.get("id"):
            raise self._core.unexpected(response, "without a message id")
        return _sent_message(answer, payload)


def _sent_message(answer: dict[str, Any], sent: dict[str, Any]) -> SentMessage:
    to = answer.get("to", sent["to"])
    if isinstance(to, str):
        to = [to]
    segments = answer.get("segmentCount")
    try:
        segment_count = int(segments) if segments is not None else None
    except (TypeError, ValueError):
        segment_count = None
    return SentMessage(
        id=str(answer["id"]),
        owner=str(answer.get("owner") or sent["from"]),
        application_id=str(answer.get("applicationId") or sent["applicationId"]),
        time=str(answer.get("time") or ""),
        to=tuple(str(n) for n in to),
        from_number=str(answer.get("from") or sent["from"]),
        text=str(answer.get("text", sent["text"])),
        segment_count=segment_count,
        tag=answer.get("tag", sent.get("tag")),
        priority=answer.get("priority", sent.get("priority")),
        media=tuple(str(m) for m in answer.get("media") or sent.get("media") or ()),
        direction=str(answer.get("direction") or "out"),
    )
