"""Client for the Bandwidth messaging API, both generations.

Today's is ``https://messaging.bandwidth.com/api/v2`` keyed by ``accountId`` with an OAuth2
bearer token; the guide's (2018, retired) is ``https://api.catapult.inetwork.com/v2`` keyed by
``userId`` with ``token:secret``, still answered by the sandbox. The request is the same JSON
for both: ``POST {base_url}/users/{user_id}/messages``. A 202 means "accepted", not
"delivered": the outcome arrives later as a callback.

A message create answered 429 is sent again after the wait Bandwidth asks for: the 429 says
the account's queue refused the message (messaging/rateLimits.mdx), so nothing was accepted and
the second try cannot send it twice. Any other unknown outcome (timeout, dropped connection,
5xx) is never resent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .client import ApiClient, path_segment
from .errors import BandwidthError
from .hosts import messaging_generation
from .models import SentMessage

if TYPE_CHECKING:  # httpx loads with the first request (wizard.bandwidth.transport)
    import httpx

JSON_CONTENT_TYPE = "application/json; charset=utf-8"

#: The role a 403 from the messaging API means is missing.
MESSAGING_ROLE = "Messaging"

#: Bandwidth's own cap on ``limit`` for List Messages (limit plus offset at most 10 000).
MAX_LIST_LIMIT = 10_000


@dataclass(frozen=True)
class ListedMessage:
    """One row of List Messages: metadata only, since Bandwidth never keeps the text."""

    message_id: str
    source_tn: str
    destination_tn: str
    direction: str
    """``OUTBOUND`` or ``INBOUND``."""
    status: str
    """``RECEIVED``, ``QUEUED``, ``SENDING``, ``SENT``, ``DELIVERED``, ``FAILED``..."""
    receive_time: str
    """ISO 8601 UTC, when Bandwidth accepted (outbound) or received (inbound) it."""
    segment_count: int | None = None
    error_code: int | None = None
    message_type: str | None = None
    """``sms`` or ``mms``."""


@dataclass(frozen=True)
class MessagePage:
    """One page of List Messages; ``next_page_token`` is None on the last page."""

    messages: tuple[ListedMessage, ...]
    total_count: int | None
    next_page_token: str | None


class MessagingClient(ApiClient):
    """Async client for ``{base_url}/users/{user_id}/messages`` on one reused connection pool.

    Sending is a POST, so it is never repeated once it may have reached the server; only a
    connection that could not be opened at all is tried again.
    """

    API = "messaging"
    ACCEPT = "application/json"

    def __init__(
        self, base_url: str, user_id: str, auth: httpx.Auth | None, **options: Any
    ) -> None:
        generation = messaging_generation(base_url)
        super().__init__(base_url, user_id, auth, generation=generation, **options)
        self.generation = generation
        """``"guide"`` (catapult-style, token:secret) or ``"current"``; words 401 hints."""

    @property
    def user_id(self) -> str:
        """The ``{id}`` of ``/users/{id}/messages``: the account id today, the guide's userId."""
        return self.account_id

    @property
    def messages_url(self) -> str:
        """Where messages are POSTed."""
        return self._core.url(self._path())

    def __repr__(self) -> str:
        return f"MessagingClient(base_url={self.base_url!r}, user_id={self.user_id!r})"

    def _path(self, *parts: str) -> str:
        return "/".join(["users", path_segment(self.user_id), "messages", *parts])

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
            retry_429=True,
            role=MESSAGING_ROLE,
        )
        answer = self._core.json_body(response)
        if not isinstance(answer, dict) or not answer.get("id"):
            raise self._core.unexpected(response, "without a message id")
        return _sent_message(answer, payload)

    @property
    def can_list_messages(self) -> bool:
        """Only today's API can look messages up; the guide's catapult host had no such
        search for a ``userId``, so a send whose answer was lost there cannot be checked."""
        return self.generation == "current"

    async def list_messages(
        self,
        *,
        message_id: str | None = None,
        source_tn: str | None = None,
        destination_tn: str | Sequence[str] | None = None,
        message_direction: str | None = None,
        message_status: str | None = None,
        from_date_time: datetime | str | None = None,
        to_date_time: datetime | str | None = None,
        sort: str | None = None,
        limit: int | None = None,
        page_token: str | None = None,
    ) -> MessagePage:
        """List Messages (``GET .../users/{accountId}/messages``): one page of metadata.

        How a send whose answer was lost is found again, since a POST is never repeated
        blindly. Bandwidth wants at least one filter; numbers are E.164, up to ten
        destinations comma-separated; the date range (receive time) spans at most 14 days.
        """
        if not self.can_list_messages:
            raise BandwidthError(
                "The guide's messaging API (userId, token and secret) cannot list messages",
                kind="validation",
                method="GET",
                url=self.messages_url,
                hint="Only today's messaging API (messaging.bandwidth.com, keyed by account id) "
                "can look a message up.",
            )
        params: dict[str, str] = {}
        if message_id:
            params["messageId"] = message_id
        if source_tn:
            params["sourceTn"] = source_tn
        if destination_tn:
            params["destinationTn"] = (
                destination_tn if isinstance(destination_tn, str) else ",".join(destination_tn)
            )
        if message_direction:
            params["messageDirection"] = message_direction
        if message_status:
            params["messageStatus"] = message_status
        if from_date_time is not None:
            params["fromDateTime"] = bandwidth_time(from_date_time)
        if to_date_time is not None:
            params["toDateTime"] = bandwidth_time(to_date_time)
        if sort:
            params["sort"] = sort
        if limit is not None:
            params["limit"] = str(max(1, min(int(limit), MAX_LIST_LIMIT)))
        if page_token:
            params["pageToken"] = page_token
        if not params:
            raise ValueError("List Messages needs at least one filter")
        response = await self._core.send("GET", self._path(), params=params, role=MESSAGING_ROLE)
        answer = self._core.json_body(response)
        page = _message_page(answer)
        if page is None:
            raise self._core.unexpected(response, "not with a list of messages")
        return page


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


def bandwidth_time(moment: datetime | str) -> str:
    """Bandwidth's query timestamps: UTC with milliseconds and a trailing Z."""
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _message_page(answer: Any) -> MessagePage | None:
    """The List Messages body, or None when it is not that shape at all.

    Rows lacking an id or numbers are shapes this reader does not understand, so the whole
    answer is refused rather than half-read: a lookup that misses a message would send twice.
    """
    if not isinstance(answer, dict):
        return None
    rows = answer.get("messages", [])
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        return None
    messages: list[ListedMessage] = []
    for row in rows:
        if not isinstance(row, dict):
            return None
        message_id = row.get("messageId")
        source = row.get("sourceTn")
        destination = row.get("destinationTn")
        if not all(isinstance(v, str) and v for v in (message_id, source, destination)):
            return None
        messages.append(
            ListedMessage(
                message_id=message_id,
                source_tn=source,
                destination_tn=destination,
                direction=_text(row.get("messageDirection")),
                status=_text(row.get("messageStatus")),
                receive_time=_text(row.get("receiveTime")),
                segment_count=_integer(row.get("segmentCount")),
                error_code=_integer(row.get("errorCode")),
                message_type=_text(row.get("messageType")) or None,
            )
        )
    page_info = answer.get("pageInfo")
    token = page_info.get("nextPageToken") if isinstance(page_info, dict) else None
    return MessagePage(
        messages=tuple(messages),
        total_count=_integer(answer.get("totalCount")),
        next_page_token=token if isinstance(token, str) and token else None,
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        digits = value.strip()
        if digits.isascii() and digits.isdigit() and len(digits) <= 18:
            return int(digits)
    return None
