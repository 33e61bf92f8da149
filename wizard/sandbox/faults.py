"""Fault injection and the request log, as one ASGI middleware around the whole sandbox.

A test registers a fault for the next N requests matching a method and a path glob; the
middleware then answers those requests badly on purpose: a status code, a delay past the client's
timeout, a dropped connection, a malformed body, or a 429 with X-RateLimit-Reset. Every request
outside /_sandbox/ is counted per route, faulted or not.
"""

from __future__ import annotations

import asyncio
import fnmatch
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute, Match

from wizard.sandbox.paths import is_json_path

if TYPE_CHECKING:
    from wizard.sandbox.state import SandboxState

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KINDS = ("status", "delay", "drop", "malformed", "rate_limit")
MAX_FAULTS = 100
CONTROL_PREFIX = "/_sandbox"


@dataclass
class Fault:
    """One registered fault; `remaining` counts down as matching requests arrive."""

    path: str
    kind: str
    method: str = "*"
    remaining: int = 1
    status: int | None = None
    delay: float = 30.0
    reset_after: float = 1.0
    retry_after: bool = False
    """rate_limit only: send Retry-After instead of X-RateLimit-Reset, as some endpoints do."""
    body: str | None = None
    """status only: an exact body to send (e.g. one of Bandwidth's other error shapes)."""
    content_type: str | None = None
    after: bool = False
    """delay and drop only: carry the request out first, then hold or drop its answer (a POST
    that took effect although the client never heard back), instead of before the work."""
    triggered: int = 0

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        """Validate a POST /_sandbox/faults body; raises ValueError with a plain sentence."""
        if not isinstance(data, dict):
            raise ValueError("The fault must be a JSON object.")
        kind = data.get("kind")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}.")
        path = data.get("path")
        if not isinstance(path, str) or not path.startswith(("/", "*")):
            raise ValueError("path must be a glob of the request path, such as /api/accounts/*.")
        count = data.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1000:
            raise ValueError("count must be a whole number from 1 to 1000.")
        method = data.get("method", "*")
        if not isinstance(method, str):
            raise ValueError("method must be an HTTP method or *.")
        status = data.get("status")
        if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
            raise ValueError("status must be an HTTP status code.")
        if kind == "status" and status is None:
            status = 503
        delay = _number(data, "delay", 30.0, 0.0, 3600.0)
        reset_after = _number(data, "reset_after", 1.0, 0.0, 3600.0)
        body = data.get("body")
        if body is not None and not isinstance(body, str):
            raise ValueError("body must be a string.")
        content_type = data.get("content_type")
        if content_type is not None and not isinstance(content_type, str):
            raise ValueError("content_type must be a string.")
        after = data.get("after", False)
        if not isinstance(after, bool) or (after and kind not in ("delay", "drop")):
            raise ValueError("after must be true or false, and only for delay or drop.")
        return cls(
            path=path,
            kind=kind,
            method=method.upper(),
            remaining=count,
            status=status,
            delay=delay,
            reset_after=reset_after,
            retry_after=bool(data.get("retry_after", False)),
            body=body,
            content_type=content_type,
            after=after,
        )

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method.upper())) and fnmatch.fnmatchcase(path, self.path)

    def describe(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "kind": self.kind,
            "remaining": self.remaining,
            "triggered": self.triggered,
            "status": self.status,
            "delay": self.delay,
            "reset_after": self.reset_after,
            "after": self.after,
        }


def _number(data: dict[str, Any], name: str, default: float, low: float, high: float) -> float:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"{name} must be a number of seconds from {low:g} to {high:g}.")
    return float(value)


class FaultRegistry:
    """Registered faults, first registered first served; safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            if len(self._faults) >= MAX_FAULTS:
                raise ValueError(f"At most {MAX_FAULTS} faults can wait at once; clear some first.")
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any, counting it as used."""
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.matches(method, path):
                    fault.remaining -= 1
                    fault.triggered += 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.describe() for fault in self._faults]


class SandboxMiddleware:
    """Applies faults and logs requests; must be the outermost ASGI layer (see `_drop`)."""

    def __init__(self, app: ASGIApp, state: SandboxState, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.state = state
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        fault = self.state.faults.take(method, path)
        seen: dict[str, int] = {}

        async def send_and_watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            await send(message)

        started = time.monotonic()
        arrived = self.state.wall()
        try:
            if fault is not None and fault.after:
                await self._after(fault, scope, receive, send_and_watch, send)
                fault_handled = True
            elif fault is not None and fault.kind == "delay":
                # Read the body first: a client that times out must not stop the work, just as
                # on the real API a POST the client gave up on may still have been carried out.
                receive = await _buffered(receive)
                await self.state.time.sleep(fault.delay)
                fault_handled = False
            else:
                fault_handled = fault is not None and await self._apply(
                    fault, scope, send_and_watch, send
                )
            if not fault_handled:
                await self.app(scope, receive, send_and_watch)
        finally:
            self.state.record_request(
                {
                    # Arrival time: a dropped request finishes after the retry it provoked,
                    # and the log must still read in the order the client asked.
                    "time": round(arrived, 6),
                    # Real time orders the log even while the sandbox's clock stands still.
                    "arrival": started,
                    "method": method,
                    "path": path,
                    "route": self._route_of(scope),
                    "status": seen.get("status"),
                    "fault": fault.kind if fault else None,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                }
            )

    async def _after(
        self, fault: Fault, scope: Scope, receive: Receive, send: Send, raw_send: Send
    ) -> None:
        """Carry the request out now, then drop its answer or hold it for `fault.delay`.

        A held answer is let go early when the client leaves (a killed program, a client that
        timed out), so nothing lingers into the next test's request log.
        """
        answer: list[Message] = []

        async def keep(message: Message) -> None:
            answer.append(message)

        await self.app(scope, receive, keep)
        if fault.kind == "drop":
            await _drop(raw_send)
            return

        async def client_leaves() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        leaving = asyncio.ensure_future(client_leaves())
        held = asyncio.ensure_future(self.state.time.sleep(fault.delay))
        try:
            await asyncio.wait({leaving, held}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (leaving, held):
                task.cancel()
            await asyncio.gather(leaving, held, return_exceptions=True)
        if leaving.done() and not leaving.cancelled() and leaving.exception() is None:
            return  # the client went away: there is no one to answer
        for message in answer:
            await send(message)

    async def _apply(self, fault: Fault, scope: Scope, send: Send, raw_send: Send) -> bool:
        """Answer the request as the fault says (every kind but delay).

        `raw_send` is the server's own callable, needed to drop the connection.
        """
        json_route = is_json_path(scope["path"])
        if fault.kind == "drop":
            await _drop(raw_send)
            return True
        if fault.kind == "status":
            body = (fault.body or "").encode("utf-8")
            content_type = fault.content_type or (
                "application/json; charset=utf-8" if json_route else "application/xml"
            )
            await _respond(send, fault.status or 503, body, content_type if body else None)
            return True
        if fault.kind == "malformed":
            if json_route:
                body, content_type = (
                    b'{"id": "15047516192013g5tuga77zsa6jrp", "owner": ',
                    ("application/json; charset=utf-8"),
                )
            else:
                body, content_type = (
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b"<ApplicationProvisioningResponse><Application><ApplicationId>",
                    "application/xml",
                )
            await _respond(send, fault.status or 200, body, content_type)
            return True
        # rate_limit
        reset_at = math.ceil(self.state.wall() + fault.reset_after)
        headers: list[tuple[bytes, bytes]] = []
        if fault.retry_after:
            headers.append((b"retry-after", str(math.ceil(fault.reset_after)).encode()))
        else:
            headers.append((b"x-ratelimit-reset", str(reset_at).encode()))
        body = b""
        content_type = None
        if json_route:
            body = (
                b'{"type": "max-message-queue-size-exceeded", "description": "The SMS queue for '
                b'your account is full and cannot accept more messages right now."}'
            )
            content_type = "application/json; charset=utf-8"
        await _respond(send, 429, body, content_type, headers)
        return True

    def _route_of(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is not None and hasattr(route, "path"):
            return str(route.path)
        probe = {"type": "http", "path": scope["path"], "method": scope["method"], "root_path": ""}
        for candidate in self.routes:
            match, _ = candidate.matches(probe)
            if match is not Match.NONE and hasattr(candidate, "path"):
                return str(candidate.path)
        # Never key the counts by a raw unknown path: random URLs must not grow the log.
        return "(no such route)"


async def _buffered(receive: Receive) -> Receive:
    """Read the whole request body now and hand it out again later, whatever the client does."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        return await receive()

    return replay


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: str | None,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    if content_type:
        headers.append((b"content-type", content_type.encode()))
    headers.extend(extra_headers or [])
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _drop(send: Send) -> None:
    """Close the connection without a byte of answer, as a crashed or cut-off server would.

    ASGI has no 'drop' message, so this reaches uvicorn's connection through the bound `send`
    it hands to the outermost app. Any other server gets the next best thing: a response that
    stops halfway, which clients also see as a broken connection.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None:
        transport.close()
        for _ in range(50):
            if getattr(cycle, "disconnected", True):
                break
            await asyncio.sleep(0.01)
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-length", b"4096")],
        }
    )
    await send({"type": "http.response.body", "body": b"<", "more_body": True})
