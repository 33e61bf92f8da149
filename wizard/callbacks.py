"""The callback receiver: where Bandwidth tells us what became of each message.

A 202 from the Messaging API only means "queued"; the outcome arrives later as callbacks POSTed
to the application's callback URL. This module is that URL: a small ASGI app served by uvicorn in
the wizard's own event loop, which

- answers Bandwidth's Basic-auth challenge the way Bandwidth expects (401 + WWW-Authenticate
  first, or the credentials are never sent),
- refuses what it cannot trust (oversize, malformed, slow) without harm to other requests,
- appends every accepted event to a JSONL log, fsynced before answering 2xx, so an event the
  wizard acknowledged is never lost, and reads that log back on restart (requests that arrive
  together share one write and one fsync: a group commit),
- recognises Bandwidth's at-least-once redeliveries so each event is shown once,
- and hands events to the UI, which ties them to sent messages with `MessageTracker`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import bisect
import collections
import contextlib
import hashlib
import hmac
import itertools
import json
import logging
import math
import os
import re
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn

from wizard.message_errors import ErrorExplanation, explain_error_code
from wizard.paths import data_dir

__all__ = [
    "KNOWN_TYPES",
    "MAX_BODY",
    "CallbackEvent",
    "CallbackReceiver",
    "CallbackServer",
    "CallbackServerError",
    "EventStream",
    "MessageTimeline",
    "MessageTracker",
    "TimelineEntry",
    "dedup_key",
    "default_log_path",
]

logger = logging.getLogger(__name__)

#: Largest callback body accepted. Bandwidth's batches are a few KiB; more is not Bandwidth.
MAX_BODY = 1024 * 1024
#: Event types Bandwidth documents for messaging applications.
KNOWN_TYPES = frozenset(
    {"message-received", "message-sending", "message-sent", "message-delivered", "message-failed"}
)
#: Deepest JSON nesting accepted (Bandwidth's events are 3 levels deep).
MAX_DEPTH = 64
#: Log line format version, so a later wizard can read logs written by this one.
LOG_VERSION = 1
#: Events kept in memory for the UI (`history`); the log and the de-dup keys keep them all.
MAX_HISTORY = 1000


def default_log_path() -> Path:
    """Where accepted events are kept between runs (data_dir()/callbacks.jsonl)."""
    return data_dir() / "callbacks.jsonl"


# -- the event model --------------------------------------------------------------------------


def _text(value: object) -> str:
    """Fields that should be strings, read leniently: a sender is not always Bandwidth."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _optional_text(value: object) -> str | None:
    return _text(value) or None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 9:
        return int(value.strip())
    return None


def dedup_key(raw: Mapping[str, Any]) -> str:
    """The identity of one callback event: message id + type + to + time (+ errorCode).

    A redelivery carries the same five values; two different events never do (each outbound
    message gets one event of each type per destination, stamped with its time). An event
    without a message id is identified by its whole body instead, so unknown events are never
    merged by accident.
    """
    message = raw.get("message")
    message_id = _text(message.get("id")) if isinstance(message, Mapping) else ""
    parts: list[str] = [
        _text(raw.get("type")),
        message_id,
        _text(raw.get("to")),
        _text(raw.get("time")),
        _text(raw.get("errorCode")),
    ]
    if not message_id:
        parts.append(json.dumps(raw, sort_keys=True, ensure_ascii=True, default=str))
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class CallbackEvent:
    """One callback event as the UI shows it, read leniently from Bandwidth's JSON.

    Missing or oddly typed fields become "" / None rather than errors: a receiver that refused
    an event over a field would make Bandwidth retry it for 24 hours.
    """

    type: str
    """Bandwidth's type ("message-delivered", ...), verbatim; "" when absent."""
    time: str
    """When Bandwidth says the event happened (ISO 8601 text, as sent)."""
    description: str
    to: str
    """The destination this event is about (outbound), or our number (message-received)."""
    message_id: str | None
    from_number: str | None
    """`message.from`: our number for outbound events, the other person's for inbound."""
    recipients: tuple[str, ...]
    """`message.to`: every destination of the message."""
    text: str | None
    direction: str | None
    """"out" or "in"."""
    error_code: int | None
    """`errorCode` for message-failed, as a number (None when absent or not a number)."""
    application_id: str | None
    owner: str | None
    segment_count: int | None
    media: tuple[str, ...]
    tag: str | None
    authenticated: bool
    """True when the request passed Basic auth; False when the receiver runs without it."""
    received_at: str
    """When this receiver accepted it (UTC ISO 8601)."""
    key: str
    """De-duplication key (see `dedup_key`)."""
    raw: Mapping[str, Any] = field(compare=False, hash=False, repr=False)
    """The event exactly as received, kept so nothing Bandwidth sent is lost."""

    @classmethod
    def from_payload(
        cls,
        raw: Mapping[str, Any],
        *,
        authenticated: bool,
        received_at: str | None = None,
        key: str | None = None,
    ) -> CallbackEvent:
        """Build an event from one JSON object; never raises for any mapping."""
        message = raw.get("message")
        message = message if isinstance(message, Mapping) else {}
        recipients = message.get("to")
        media = message.get("media")
        return cls(
            type=_text(raw.get("type")),
            time=_text(raw.get("time")),
            description=_text(raw.get("description")),
            to=_text(raw.get("to")),
            message_id=_optional_text(message.get("id")),
            from_number=_optional_text(message.get("from")),
            recipients=tuple(
                _text(item) for item in (recipients if isinstance(recipients, list) else [])
            ),
            text=message.get("text") if isinstance(message.get("text"), str) else None,
            direction=_optional_text(message.get("direction")),
            error_code=_int(raw.get("errorCode")),
            application_id=_optional_text(message.get("applicationId")),
            owner=_optional_text(message.get("owner")),
            segment_count=_int(message.get("segmentCount")),
            media=tuple(_text(item) for item in (media if isinstance(media, list) else [])),
            tag=_optional_text(message.get("tag")),
            authenticated=authenticated,
            received_at=received_at or _now(),
            key=key or dedup_key(raw),
            raw=raw,
        )

    @property
    def known(self) -> bool:
        """False for event types Bandwidth does not document (kept, shown as unknown)."""
        return self.type in KNOWN_TYPES

    @property
    def kind(self) -> str:
        """Short name for display: "delivered", "failed", ..., or "unknown"."""
        return self.type.removeprefix("message-") if self.known else "unknown"

    @property
    def error(self) -> ErrorExplanation | None:
        """Meaning and next step of the errorCode (message-failed, or any event carrying one)."""
        code = self.raw.get("errorCode")
        if code is None and self.type != "message-failed":
            return None
        return explain_error_code(self.error_code if self.error_code is not None else code)

    def summary(self) -> str:
        """One line for a log view or the `callbacks` command."""
        shown_type = self.type if self.known else f"unknown event type “{self.type or '?'}”"
        parts = [self.time or self.received_at, shown_type]
        if self.message_id:
            parts.append(f"message {self.message_id}")
        if self.type == "message-received":
            parts.append(f"from {self.from_number or '?'} to {self.to or '?'}")
            if self.text:
                parts.append(f"“{_clip(self.text, 60)}”")
        elif self.to:
            parts.append(f"to {self.to}")
        line = " ".join(parts)
        error = self.error
        if error is not None:
            line += f": error {error.code}: {error.meaning} {error.next_step}"
        elif self.description and self.type != "message-received":
            line += f": {self.description}"
        if not self.authenticated:
            line += " [unauthenticated]"
        # Every field came from the network: no escape sequence may reach a terminal.
        return _CONTROL_CHARS.sub(" ", line)

    def to_log_line(self) -> bytes:
        """One JSONL line (ASCII, so any string Bandwidth or a fuzzer sends can be written)."""
        record = {
            "v": LOG_VERSION,
            "received_at": self.received_at,
            "authenticated": self.authenticated,
            "key": self.key,
            "event": self.raw,
        }
        return (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode()

    @classmethod
    def from_log_record(cls, record: object) -> CallbackEvent | None:
        """The event stored in one parsed log line, or None when the line is not ours."""
        if not isinstance(record, dict) or not isinstance(record.get("event"), dict):
            return None
        key = record.get("key")
        return cls.from_payload(
            record["event"],
            authenticated=record.get("authenticated") is True,
            received_at=_text(record.get("received_at")) or None,
            key=key if isinstance(key, str) and key else None,
        )


_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _clip(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# -- the log ------------------------------------------------------------------------------------


class _EventLog:
    """Append-only JSONL file of accepted events; the receiver's memory across restarts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped_lines = 0
        self.load_error: str | None = None
        self._torn_tail = False

    def load(self) -> list[CallbackEvent]:
        """Every event in the file; lines that cannot be read (a torn last line) are skipped."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            # Unreadable (a directory, no permission): start empty; writes will fail the same
            # way and answer 503, so Bandwidth keeps the events and the UI shows last_error.
            self.load_error = f"Cannot read the callback log {self.path}: {error.strerror}."
            return []
        self._torn_tail = bool(data) and not data.endswith(b"\n")
        events: list[CallbackEvent] = []
        for line in data.splitlines():
            if not line.strip():
                continue
            try:
                event = CallbackEvent.from_log_record(json.loads(line))
            except (ValueError, RecursionError):
                event = None
            if event is None:
                self.skipped_lines += 1
            else:
                events.append(event)
        return events

    def append(self, events: Sequence[CallbackEvent]) -> None:
        """Write and fsync (blocking: run it in a thread); the 2xx is sent only after this."""
        payload = b"".join(event.to_log_line() for event in events)
        if self._torn_tail:
            payload = b"\n" + payload
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        self._torn_tail = False


# -- the receiver -------------------------------------------------------------------------------


class EventStream:
    """An async iterator over a receiver's events, subscribed from the moment it is made."""

    def __init__(self, queues: set[asyncio.Queue[object]], backlog: Iterable[CallbackEvent]):
        self._queues = queues
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        for event in backlog:
            self._queue.put_nowait(event)
        queues.add(self._queue)
        self._closed = False

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> CallbackEvent:
        if self._closed:
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is _END:
            await self.aclose()
            raise StopAsyncIteration
        assert isinstance(item, CallbackEvent)
        return item

    async def aclose(self) -> None:
        self._closed = True
        self._queues.discard(self._queue)


class _BodyTooLarge(Exception):
    pass


class _ClientGone(Exception):
    pass


_END = object()


class CallbackReceiver:
    """ASGI app receiving Bandwidth message callbacks at `path`.

    Serve it with `CallbackServer` (or any ASGI server). Events reach the UI through
    `on_event` / `subscribe()` (plain callables run in the event loop) or `events()`.
    """

    def __init__(
        self,
        *,
        path: str = "/callbacks",
        username: str | None = None,
        password: str | None = None,
        log_path: Path | None = None,
        on_event: Callable[[CallbackEvent], object] | None = None,
        max_body: int = MAX_BODY,
        body_timeout: float = 10.0,
        realm: str = "bw-wizard",
        max_history: int = MAX_HISTORY,
    ) -> None:
        if bool(username) != bool(password):
            raise ValueError("Callback credentials need both a user name and a password.")
        self.path = "/" + path.strip("/") if path.strip("/") else "/"
        self.max_body = max_body
        """Bodies larger than this get 413 (checked on Content-Length and while reading)."""
        self.body_timeout = body_timeout
        """Seconds a client may take to send its body before it gets 408."""
        self.realm = realm
        self._user = (username or "").encode("utf-8")
        self._password = (password or "").encode("utf-8")
        self._log = _EventLog(log_path or default_log_path())
        restored = self._log.load()
        self._keys: set[str] = {event.key for event in restored}
        self._history: collections.deque[CallbackEvent] = collections.deque(
            restored, maxlen=max(1, max_history)
        )
        self.restored_count = len(restored)
        """Events read back from the log at start-up."""
        self.duplicates_ignored = 0
        """Redeliveries recognised (answered 2xx, not logged or emitted again)."""
        self.last_error: str | None = self._log.load_error
        """The last reason the log could not be read or written (Bandwidth is told to retry)."""
        self._pending: dict[str, asyncio.Future[None]] = {}
        """De-dup key -> the commit that is writing it (queued or being fsynced)."""
        self._queue: list[tuple[list[CallbackEvent], asyncio.Future[None]]] = []
        """Accepted events waiting for the next write, with the future each request awaits."""
        self._writer: asyncio.Task[None] | None = None
        self._subscribers: list[Callable[[CallbackEvent], object]] = []
        self._queues: set[asyncio.Queue[object]] = set()
        if on_event is not None:
            self._subscribers.append(on_event)

    def __repr__(self) -> str:
        auth = (
            f"user={self._user.decode('utf-8', 'replace')!r} password=••••"
            if self._user
            else "no auth"
        )
        return f"<CallbackReceiver {self.path} {auth} log={str(self.log_path)!r}>"

    # -- what the UI uses ------------------------------------------------------------------

    @property
    def log_path(self) -> Path:
        return self._log.path

    @property
    def requires_auth(self) -> bool:
        return bool(self._user)

    @property
    def history(self) -> tuple[CallbackEvent, ...]:
        """The latest accepted events (at most `max_history`), those read back from the log
        first, in arrival order. The log keeps every one, and de-duplication knows them all:
        only what is held in memory for the UI is capped."""
        return tuple(self._history)

    @property
    def skipped_log_lines(self) -> int:
        """Log lines that could not be read back (for example one torn by a crash)."""
        return self._log.skipped_lines

    def knows(self, key: str) -> bool:
        """True when an event with this de-dup key was already accepted (now or before)."""
        return key in self._keys

    def subscribe(self, callback: Callable[[CallbackEvent], object]) -> Callable[[], None]:
        """Call `callback(event)` in the loop for each new event; returns an unsubscribe."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def events(self, *, replay: bool = False) -> EventStream:
        """New events as they arrive (after the history when `replay`); ends at `close()`.

        The subscription starts when this is called, not at the first `anext`, so nothing
        accepted in between is missed. Use `async for` or `anext`; `aclose()` unsubscribes.
        """
        return EventStream(self._queues, self._history if replay else ())

    def close(self) -> None:
        """End every `events()` iterator (the log needs no closing: each write opens it)."""
        for queue in tuple(self._queues):
            queue.put_nowait(_END)

    def _emit(self, event: CallbackEvent) -> None:
        for callback in tuple(self._subscribers):
            try:
                callback(event)
            except Exception:
                # A broken screen must not turn into a 500 and 24 hours of redeliveries.
                logger.debug("callback subscriber failed", exc_info=True)
        for queue in tuple(self._queues):
            queue.put_nowait(event)

    # -- ASGI --------------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        try:
            await self._handle(scope, receive, send)
        except _ClientGone:
            return
        except Exception as error:
            # A bug, not the client's fault; keep the traceback out of the user's terminal.
            logger.debug("callback receiver failed", exc_info=True)
            self.last_error = f"The callback receiver failed on a request ({type(error).__name__})."
            with contextlib.suppress(Exception):  # the answer may already have started
                await _respond(send, 500, "The receiver failed; Bandwidth will retry.")

    async def _handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path") or "/"
        if path.rstrip("/") != self.path.rstrip("/"):
            await _respond(send, 404, f"Nothing here: callbacks go to {self.path}.")
            return
        method = scope.get("method", "")
        if method in ("GET", "HEAD"):
            await _respond(send, 200, "bw-wizard is listening: Bandwidth POSTs callbacks here.")
            return
        if method != "POST":
            await _respond(send, 405, "Use POST.", [(b"allow", b"POST, GET, HEAD")])
            return
        headers = _headers(scope)
        if self.requires_auth and not self._authorised(headers.get(b"authorization")):
            challenge = f'Basic realm="{self.realm}"'.encode()
            await _respond(
                send, 401, "Authentication required.", [(b"www-authenticate", challenge)]
            )
            return
        length = headers.get(b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                await _respond(send, 400, "Content-Length is not a number.")
                return
            # Bounded before int(): a 5000-digit length would raise, not be "too large".
            if len(length.strip()) > 18 or int(length) > self.max_body:
                await _respond(send, 413, self._too_large())
                return
        try:
            async with asyncio.timeout(self.body_timeout):
                body = await self._read_body(receive)
        except _BodyTooLarge:
            await _respond(send, 413, self._too_large())
            return
        except TimeoutError:
            await _respond(
                send,
                408,
                "The body took too long to arrive.",
                [(b"connection", b"close")],
            )
            return
        events, problem = self._parse(body)
        if problem:
            await _respond(send, 400, problem)
            return
        status, answer = await self._accept(events)
        await _respond(send, status, answer, json_body=status == 200)

    def _too_large(self) -> str:
        return f"The body is larger than {self.max_body} bytes."

    def _authorised(self, header: bytes | None) -> bool:
        """Basic credentials match, compared in constant time (both parts, always)."""
        if not header:
            return False
        scheme, _, value = header.strip().partition(b" ")
        if scheme.lower() != b"basic":
            return False
        try:
            decoded = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        user, sep, password = decoded.partition(b":")
        user_ok = hmac.compare_digest(user, self._user)
        password_ok = hmac.compare_digest(password, self._password)
        return bool(sep) and user_ok and password_ok

    async def _read_body(self, receive: Any) -> bytes:
        """The body, refusing as soon as it passes `max_body` (never holding more)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _parse(self, body: bytes) -> tuple[list[Mapping[str, Any]], str | None]:
        try:
            data = json.loads(body, parse_constant=_reject_constant, parse_float=_finite_float)
        except (ValueError, RecursionError):
            return [], "The body is not valid JSON: Bandwidth sends a JSON array of events."
        if not _shallow(data, MAX_DEPTH):
            return [], f"The JSON is nested more than {MAX_DEPTH} levels deep."
        items = data if isinstance(data, list) else [data]
        if not all(isinstance(item, dict) for item in items):
            return [], "Expected a JSON array of event objects (or a single event object)."
        return items, None

    async def _accept(self, items: list[Mapping[str, Any]]) -> tuple[int, str]:
        """De-duplicate, log durably, then answer.

        The 2xx is sent only once every event of the request is on disk: its own events
        through the commit they join, a redelivery of an event still being written through
        that event's commit (if that write fails, both requests get 503 and Bandwidth retries
        both). Check-and-claim runs without an await, so two requests can never both take
        the same event as new.
        """
        received_at = _now()
        events = [
            CallbackEvent.from_payload(
                item, authenticated=self.requires_auth, received_at=received_at
            )
            for item in items
        ]
        fresh: list[CallbackEvent] = []
        batch_keys: set[str] = set()
        waits: list[asyncio.Future[None]] = []
        for event in events:
            key = event.key
            if key in self._keys or key in batch_keys:
                continue
            pending = self._pending.get(key)
            if pending is not None:
                if pending not in waits:
                    waits.append(pending)
                continue
            batch_keys.add(key)
            fresh.append(event)
        duplicates = len(events) - len(fresh)
        if fresh:
            waits.append(self._commit(fresh))
        for waited in waits:
            try:
                # Shielded: one request giving up must not cancel a write others wait on.
                await asyncio.shield(waited)
            except OSError as error:
                self.last_error = (
                    f"Could not save callback events to {self.log_path}: {error.strerror or error}."
                )
                return 503, "Could not save the events; please retry."
        self.duplicates_ignored += duplicates
        return 200, json.dumps({"accepted": len(fresh), "duplicates": duplicates})

    def _commit(self, events: list[CallbackEvent]) -> asyncio.Future[None]:
        """Queue events for the log writer; the future resolves once they are durable."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        for event in events:
            self._pending[event.key] = done
        self._queue.append((events, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_queued())
        return done

    async def _write_queued(self) -> None:
        """Group commit: everything queued while the last fsync ran is written and fsynced
        together, so 50 requests in flight cost a handful of fsyncs, not 50 one after the
        other. Events are kept, emitted and acknowledged in arrival order."""
        while self._queue:
            batch, self._queue = self._queue, []
            events = [event for group, _ in batch for event in group]
            try:
                await asyncio.to_thread(self._log.append, events)
            except Exception as error:
                self._fail(batch, error)
                continue
            except BaseException:  # cancelled with the loop: nothing queued was saved
                self._fail([*batch, *self._queue], OSError("the receiver stopped"))
                self._queue = []
                raise
            for group, done in batch:
                for event in group:
                    self._keys.add(event.key)
                    self._pending.pop(event.key, None)
                self._history.extend(group)
                for event in group:
                    self._emit(event)
                if not done.done():
                    done.set_result(None)

    def _fail(
        self, batch: list[tuple[list[CallbackEvent], asyncio.Future[None]]], error: Exception
    ) -> None:
        """These events were not saved: forget them (a retry is new) and fail their requests."""
        for group, done in batch:
            for event in group:
                self._pending.pop(event.key, None)
            if not done.done():
                done.set_exception(error)
                done.exception()  # retrieved: a client that went away leaves no one to ask


def _shallow(data: object, limit: int) -> bool:
    """True when `data` nests at most `limit` levels (checked without recursion, so a hostile
    body cannot make the later dumps to the log hit Python's recursion limit)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return False
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _headers(scope: Mapping[str, Any]) -> dict[bytes, bytes]:
    return {bytes(name).lower(): bytes(value) for name, value in scope.get("headers", [])}


async def _respond(
    send: Any,
    status: int,
    text: str,
    headers: Iterable[tuple[bytes, bytes]] = (),
    *,
    json_body: bool = False,
) -> None:
    if json_body:
        body, content_type = text.encode(), b"application/json"
    else:
        field_name = "error" if status >= 400 else "message"
        body, content_type = (json.dumps({field_name: text}) + "\n").encode(), b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


# -- tying events to messages ------------------------------------------------------------------

#: Callback type -> timeline stage.
STAGES = {
    "message-sending": "sending",
    "message-sent": "sent",
    "message-delivered": "delivered",
    "message-failed": "failed",
    "message-received": "received",
}
_RANK = {"accepted": 0, "sending": 1, "sent": 2, "delivered": 3, "failed": 3, "received": 4}


@dataclass(frozen=True)
class TimelineEntry:
    """One step in a message's life, as a row of its timeline."""

    stage: str
    """"accepted" (the 202), "sending", "sent", "delivered", "failed", "received" or "unknown"."""
    time: str
    """When it happened, as Bandwidth stamped it."""
    to: str | None
    """The destination it is about (outbound); our number for "received"."""
    description: str = ""
    error_code: int | None = None
    explanation: ErrorExplanation | None = None
    """Meaning and next step of `error_code` (failed entries)."""
    from_number: str | None = None
    """For "received": the number the reply came from."""
    text: str | None = None
    """For "received": the reply's text."""
    event: CallbackEvent | None = field(default=None, compare=False, repr=False)
    """The callback behind this entry (None for "accepted")."""
    type: str = ""
    """The raw callback type (useful for "unknown" entries)."""

    @property
    def label(self) -> str:
        """ "failed 4432", "delivered", ... for a compact timeline."""
        if self.stage == "failed" and self.error_code is not None:
            return f"failed {self.error_code}"
        return self.stage


@dataclass
class MessageTimeline:
    """A sent message and everything heard about it since, ordered by stage."""

    message_id: str
    from_number: str
    to: tuple[str, ...]
    text: str
    sent_here: bool = False
    """True when this wizard sent it (record_sent); False when known only from callbacks."""
    entries: list[TimelineEntry] = field(default_factory=list)
    _order: list[tuple[int, int]] = field(default_factory=list, repr=False)

    def _add(self, entry: TimelineEntry, sequence: int) -> None:
        sort_key = (_RANK.get(entry.stage, 5), sequence)
        index = bisect.bisect(self._order, sort_key)
        self._order.insert(index, sort_key)
        self.entries.insert(index, entry)

    @property
    def outcomes(self) -> dict[str, str]:
        """Destination -> "delivered" or "failed" (each gets exactly one in the end)."""
        result: dict[str, str] = {}
        for entry in self.entries:
            if entry.stage in ("delivered", "failed") and entry.to:
                result.setdefault(entry.to, entry.stage)
        return result

    @property
    def done(self) -> bool:
        """True when every destination has its delivered or failed callback."""
        outcomes = self.outcomes
        return bool(self.to) and all(number in outcomes for number in self.to)

    @property
    def status(self) -> str:
        """Overall state: "failed" if any destination failed, "delivered" once all were, else
        the furthest stage reached so far ("accepted", "sending", "sent"; "unknown" before)."""
        outcomes = set(self.outcomes.values())
        if "failed" in outcomes:
            return "failed"
        if self.done or (outcomes and not self.to):
            return "delivered"
        if outcomes:
            return "sent"  # some destinations delivered, others still on their way
        stages = [e.stage for e in self.entries if e.stage in ("accepted", "sending", "sent")]
        return max(stages, key=_RANK.__getitem__) if stages else "unknown"

    @property
    def replies(self) -> list[TimelineEntry]:
        return [entry for entry in self.entries if entry.stage == "received"]


class MessageTracker:
    """Matches callbacks to sent messages by message id, and replies to them by number."""

    def __init__(self) -> None:
        self._messages: dict[str, MessageTimeline] = {}
        self._conversations: dict[str, list[TimelineEntry]] = {}
        self._applied: set[str] = set()
        self._sequence = itertools.count()

    def record_sent(
        self,
        message_id: str,
        to: str | Sequence[str],
        from_number: str,
        text: str,
        *,
        time: str = "",
    ) -> MessageTimeline:
        """Note the 202 ("accepted"); callbacks that raced ahead of it are kept."""
        recipients = (to,) if isinstance(to, str) else tuple(to)
        timeline = self._messages.get(message_id)
        if timeline is None:
            timeline = MessageTimeline(message_id, from_number, recipients, text)
            self._messages[message_id] = timeline
        else:
            timeline.from_number, timeline.to, timeline.text = from_number, recipients, text
        if not timeline.sent_here:
            timeline.sent_here = True
            entry = TimelineEntry(
                "accepted", time, ", ".join(recipients), "Bandwidth queued it (202)"
            )
            timeline._add(entry, next(self._sequence))
        return timeline

    def apply(self, event: CallbackEvent) -> MessageTimeline | None:
        """Add a callback to its message's timeline; returns that timeline (None if none).

        Applying the same event twice (log replay plus live delivery) changes nothing.
        """
        if event.key in self._applied:
            return self._find(event)
        if event.type == "message-received":
            return self._apply_reply(event)
        if not event.message_id:
            return None
        timeline = self._messages.get(event.message_id)
        if timeline is None:
            if not event.known:
                return None
            timeline = MessageTimeline(
                event.message_id,
                event.from_number or "",
                event.recipients or ((event.to,) if event.to else ()),
                event.text or "",
            )
            self._messages[event.message_id] = timeline
        self._applied.add(event.key)
        failed = event.type == "message-failed"
        timeline._add(
            TimelineEntry(
                stage=STAGES.get(event.type, "unknown"),
                time=event.time,
                to=event.to or None,
                description=event.description,
                error_code=event.error_code,
                explanation=event.error if failed else None,
                event=event,
                type=event.type,
            ),
            next(self._sequence),
        )
        return timeline

    def apply_all(self, events: Iterable[CallbackEvent]) -> None:
        for event in events:
            self.apply(event)

    def _apply_reply(self, event: CallbackEvent) -> MessageTimeline | None:
        self._applied.add(event.key)
        their = event.from_number or ""
        entry = TimelineEntry(
            stage="received",
            time=event.time,
            to=event.to or None,
            description=event.description,
            from_number=their or None,
            text=event.text,
            event=event,
            type=event.type,
        )
        self._conversations.setdefault(their, []).append(entry)
        timeline = self._conversation_message(their, event.to)
        if timeline is not None:
            timeline._add(entry, next(self._sequence))
        return timeline

    def _conversation_message(self, their: str, ours: str) -> MessageTimeline | None:
        """The latest message we sent to `their` (from `ours` when that matches one)."""
        candidates = [t for t in self._messages.values() if their and their in t.to]
        exact = [t for t in candidates if ours and t.from_number == ours]
        chosen = exact or candidates
        return chosen[-1] if chosen else None

    def _find(self, event: CallbackEvent) -> MessageTimeline | None:
        if event.type == "message-received":
            return self._conversation_message(event.from_number or "", event.to)
        return self._messages.get(event.message_id or "")

    def get(self, message_id: str) -> MessageTimeline | None:
        return self._messages.get(message_id)

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._messages

    @property
    def messages(self) -> list[MessageTimeline]:
        """Every message known, oldest first."""
        return list(self._messages.values())

    def conversation(self, number: str) -> tuple[TimelineEntry, ...]:
        """Replies received from `number` (E.164), oldest first."""
        return tuple(self._conversations.get(number, ()))


# -- serving it ----------------------------------------------------------------------------------


class CallbackServerError(Exception):
    """The receiver could not start (for example the port is taken); a plain sentence."""


class _QuietTracebacks(logging.Filter):
    """Drop exception details from uvicorn's own log lines: no traceback in front of a user."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


_QUIET = _QuietTracebacks()


class CallbackServer:
    """Serves a `CallbackReceiver` with uvicorn inside the caller's running event loop.

    The socket is bound here rather than by uvicorn so that a taken port is a plain exception
    (not uvicorn's `sys.exit`) and port 0's real port is known at once. uvicorn's signal
    capture is turned off: the wizard owns Ctrl+C and SIGTERM.
    """

    def __init__(self, receiver: CallbackReceiver, host: str = "127.0.0.1", port: int = 0) -> None:
        self.receiver = receiver
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self._server: Any = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0); only after `start()`."""
        if self._port is None:
            raise RuntimeError("The callback server has not started yet.")
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The full callback URL, e.g. http://127.0.0.1:PORT/callbacks."""
        return self.base_url + self.receiver.path

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self, *, startup_timeout: float = 10.0) -> None:
        if self._task is not None:
            raise RuntimeError("The callback server is already running.")
        sock = _bind(self.host, self._requested_port)
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.receiver,
            lifespan="off",
            log_level="warning",
            log_config=None,
            access_log=False,
            server_header=False,
            http="h11",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        uvicorn_error = logging.getLogger("uvicorn.error")
        if _QUIET not in uvicorn_error.filters:
            uvicorn_error.addFilter(_QUIET)
        server = EmbeddedServer(config)
        self._server = server
        self._task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + startup_timeout
        while not server.started:
            if self._task.done() or loop.time() > deadline:
                await self._abandon(sock)
                raise CallbackServerError(
                    f"The callback receiver could not start on {self.host}:{self._port}."
                )
            await asyncio.sleep(0.001)

    async def _abandon(self, sock: socket.socket) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
        if task is not None:
            with contextlib.suppress(BaseException):
                await task
        sock.close()

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop listening, let requests in flight finish (briefly), end `events()` iterators."""
        task, server = self._task, self._server
        self._task = None
        if task is not None and server is not None:
            server.request_stop()
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout)
            except TimeoutError:
                server.force_exit = True
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
            except BaseException:
                if not task.done():
                    raise
        self.receiver.close()

    async def __aenter__(self) -> CallbackServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


def _bind(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise CallbackServerError(f"“{host}” is not an address this computer has.") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name == "posix":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.setblocking(False)
    except OSError as error:
        sock.close()
        if port and error.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise CallbackServerError(
                f"Port {port} on {host} is already in use: choose another port, or 0 for any "
                "free one."
            ) from None
        raise CallbackServerError(
            f"Cannot listen on {host}:{port}: {error.strerror or error}."
        ) from None
    return sock


class EmbeddedServer(uvicorn.Server):
    """uvicorn for a server embedded in the wizard's own event loop (the receiver here, and the
    in-process sandbox in wizard.sandbox_mode).

    - No signal handling: the host program decides what Ctrl+C means.
    - A stop request (`request_stop`) is noticed at once, not at uvicorn's next 0.1 s tick.
    - Shutdown waits for what is really in flight instead of uvicorn's fixed 0.1 s pauses:
      closing the wizard used to wait out 0.2-0.3 s per server with nothing left to do.
    """

    SHUTDOWN_POLL = 0.005
    """Seconds between looks at the connections and tasks still draining during shutdown."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.wake = asyncio.Event()

    def request_stop(self) -> None:
        self.should_exit = True
        self.wake.set()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def main_loop(self) -> None:
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), 0.1)
            should_exit = await self.on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's shutdown, polling briefly instead of sleeping 0.1 s at a time.

        Same order and guarantees: stop accepting, ask every connection to finish (idle
        keep-alive ones close at once), let responses in flight complete within
        `timeout_graceful_shutdown`, then cancel what is left.
        """
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        state = self.server_state
        loop = asyncio.get_running_loop()
        grace = self.config.timeout_graceful_shutdown
        deadline = None if grace is None else loop.time() + grace
        while (state.connections or state.tasks) and not self.force_exit:
            if deadline is not None and loop.time() >= deadline:
                for task in list(state.tasks):
                    task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
                break
            await asyncio.sleep(self.SHUTDOWN_POLL)
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()
