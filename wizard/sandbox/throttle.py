"""Answering over-limit requests with Bandwidth's 429, as an ASGI layer in front of the routes.

- Dashboard (XML) groups: `429` with an empty body, `X-RateLimit-Reset: <epoch seconds>` and
  `Connection: close`, exactly the documented sample.
- Messaging: `429` with `{"type": "max-message-queue-size-exceeded", "description": ...}` (the
  documented body). Bandwidth documents no header on it; the sandbox adds the Dashboard's
  `X-RateLimit-Reset` so a client has the same wait signal on every API.

A refused request takes no tokens and never reaches the route, so nothing it asked for happened:
the one case where a client may resend a POST without any risk of doing it twice. It runs inside
the fault/log middleware, so 429s are counted in the request log like any answer.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from wizard.sandbox.messaging import segment_count
from wizard.sandbox.ratelimit import classify

if TYPE_CHECKING:
    from wizard.sandbox.state import SandboxState

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PEEK_LIMIT = 64 * 1024
"""Bytes of a message body read to count its segments: far more than any message needs (2048
characters of text, ten recipients); a bigger body is charged as one segment, and memory stays
bounded whatever a client sends."""

QUEUE_FULL = {
    "type": "max-message-queue-size-exceeded",
    "description": (
        "The SMS queue for your account is full and cannot accept more messages right now. "
        "Your allowed rate is {rate} messages per minute. The capacity of this queue is "
        "{capacity} messages ({minutes} minutes). Reduce your message sending rate, or contact "
        "support to increase your allowed rate."
    ),
}


class ThrottleMiddleware:
    """Charges each request to its group's bucket and answers 429 when the bucket is empty."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = classify(scope["method"], scope["path"])
        if found is None:
            await self.app(scope, receive, send)
            return
        cost = 1.0
        if found.group == "messaging":
            raw, receive = await _peek(receive, PEEK_LIMIT)
            cost = float(_message_cost(raw))
        reset_at = self.state.rate_limiter.take(found.group, found.account, cost)
        if reset_at is None:
            await self.app(scope, receive, send)
            return
        if found.group == "messaging":
            await _refuse_message(send, reset_at, self.state)
        else:
            await _refuse_dashboard(send, reset_at)


def _message_cost(raw: bytes) -> int:
    """Segments times recipients, as Bandwidth counts a message against the queue; an unreadable
    body costs 1 (the route refuses it anyway)."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return 1
    if not isinstance(body, dict):
        return 1
    text = body.get("text") if isinstance(body.get("text"), str) else ""
    to = body.get("to")
    recipients = len(to) if isinstance(to, list) else 1
    return max(1, segment_count(text)) * max(1, recipients)


async def _peek(receive: Receive, limit: int) -> tuple[bytes, Receive]:
    """The request body if it is at most `limit` bytes (else b""), and a `receive` that hands
    the whole body on unchanged; never holds more than `limit` bytes however big the body."""
    held: list[Message] = []
    size = 0
    complete = False
    while True:
        message = await receive()
        held.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            complete = True
            break
        if size > limit:
            break

    async def replay() -> Message:
        if held:
            return held.pop(0)
        return await receive()

    raw = b"".join(m.get("body", b"") for m in held) if complete and size <= limit else b""
    return raw, replay


async def _refuse_dashboard(send: Send, reset_at: float) -> None:
    headers = [
        (b"content-length", b"0"),
        (b"x-ratelimit-reset", str(int(reset_at)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _refuse_message(send: Send, reset_at: float, state: SandboxState) -> None:
    limit = state.rate_limiter.limits().get("messaging")
    rate = round(limit.limit * 60 / limit.period) if limit else 0
    capacity = limit.capacity if limit else 0
    minutes = round(capacity / rate) if rate else 0
    body = json.dumps(
        {
            "type": QUEUE_FULL["type"],
            "description": QUEUE_FULL["description"].format(
                rate=rate, capacity=capacity, minutes=minutes
            ),
        }
    ).encode("utf-8")
    headers = [
        (b"content-length", str(len(body)).encode()),
        (b"content-type", b"application/json; charset=utf-8"),
        (b"x-ratelimit-reset", str(int(reset_at)).encode()),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
