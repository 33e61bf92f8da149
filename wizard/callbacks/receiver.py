"""The callback receiver: where Bandwidth tells us what became of each message.

A 202 from the Messaging API only means "queued"; the outcome arrives later as callbacks POSTed
to the application's callback URL. This ASGI app is that URL. It

- answers Bandwidth's Basic-auth challenge the way Bandwidth expects (401 + WWW-Authenticate
  first, or the credentials are never sent),
- refuses what it cannot trust (oversize, malformed, slow) without harm to other requests,
- appends every accepted event to the log, fsynced before answering 2xx, and reads that log back
  on restart (requests that arrive together share one write and one fsync: a group commit),
- recognises Bandwidth's at-least-once redeliveries so each event is shown once,
- and hands events to whoever listens (the screens tie them to sent messages with
  `wizard.callbacks.tracker.MessageTracker`).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import collections
import contextlib
import hmac
import json
import logging
import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from wizard.callbacks.event import CallbackEvent, now_stamp
from wizard.callbacks.log import EventLog

logger = logging.getLogger(__name__)

#: Largest callback body accepted. Bandwidth's batches are a few KiB; more is not Bandwidth.
MAX_BODY = 1024 * 1024
#: Deepest JSON nesting accepted (Bandwidth's events are 3 levels deep).
MAX_DEPTH = 64
#: Events kept in memory for the UI (`history`); the log and the de-dup keys keep them all.
MAX_HISTORY = 1000


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


_END = object()


class CallbackReceiver:
    """ASGI app receiving Bandwidth message callbacks at `path`.

    Serve it with `wizard.session.serve.AppServer` (or any ASGI server). Events reach the UI through
    `on_event` / `subscribe()` (plain callables run in the event loop) or `events()`.
    """

    def __init__(
        self,
        *,
        path: str = "/callbacks",
        username: str | None = None,
        password: str | None = None,
        log_path: Path,
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
        self._log = EventLog(log_path)
        restored = self._log.load()
        self._keys: set[str] = {event.key for event in restored}
        self._history: collections.deque[CallbackEvent] = collections.deque(
            restored, maxlen=max(1, max_history)
        )
        self.restored_count = len(restored)
        """Events read back from the log at start-up."""
        self.duplicates_ignored = 0
        """Redeliveries recognised (answered 2xx, not logged or emitted again)."""
        self.refused_credentials = 0
        """Callbacks that came with credentials other than this receiver's (401): the
        application on Bandwidth has another password, so no event of it can arrive."""
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
        self._app = self._build_app()

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

    def accepts(self, user: str, password: str) -> bool:
        """True when these are the credentials this receiver checks (constant time)."""
        user_ok = hmac.compare_digest(self._user, user.encode("utf-8"))
        password_ok = hmac.compare_digest(self._password, password.encode("utf-8"))
        return user_ok and password_ok

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

    # -- HTTP --------------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self._app(scope, receive, send)

    def _build_app(self) -> Any:
        """Starlette does the routing (404, 405 with Allow), Basic auth (the challenge is
        answered here: Bandwidth sends credentials only after a 401) and the body size limit
        (413 on Content-Length or as soon as the body passes it, never holding more)."""
        from starlette.applications import Starlette
        from starlette.exceptions import HTTPException
        from starlette.middleware import Middleware
        from starlette.middleware.authentication import AuthenticationMiddleware
        from starlette.routing import Route

        paths = [self.path] if self.path == "/" else [self.path, self.path + "/"]
        routes = [
            Route(
                path,
                self._endpoint,
                methods=["GET", "HEAD", "POST"],
                max_body_size=self.max_body,
            )
            for path in paths
        ]

        async def not_found(request: Any, error: Exception) -> Any:
            return _answer(404, f"Nothing here: callbacks go to {self.path}.")

        async def not_allowed(request: Any, error: Exception) -> Any:
            return _answer(405, "Use POST.", {"allow": "POST, GET, HEAD"})

        async def failed(request: Any, error: Exception) -> Any:
            if isinstance(error, HTTPException):
                return _answer(error.status_code, str(error.detail))
            # A bug, not the client's fault; keep the traceback out of the user's terminal.
            logger.debug("callback receiver failed", exc_info=error)
            self.last_error = f"The callback receiver failed on a request ({type(error).__name__})."
            return _answer(500, "The receiver failed; Bandwidth will retry.")

        return Starlette(
            routes=routes,
            middleware=[Middleware(AuthenticationMiddleware, backend=_BasicAuth(self))],
            exception_handlers={404: not_found, 405: not_allowed, Exception: failed},
        )

    async def _endpoint(self, request: Any) -> Any:
        from starlette.requests import ClientDisconnect

        if request.method in ("GET", "HEAD"):
            return _answer(200, "bw-wizard is listening: Bandwidth POSTs callbacks here.")
        if self.requires_auth and not request.user.is_authenticated:
            if request.headers.get("authorization"):
                self.refused_credentials += 1  # not the challenge: wrong credentials
            return _answer(
                401, "Authentication required.", {"www-authenticate": f'Basic realm="{self.realm}"'}
            )
        length = request.headers.get("content-length")
        if length is not None and not length.strip().isdigit():
            return _answer(400, "Content-Length is not a number.")
        try:
            async with asyncio.timeout(self.body_timeout):
                body = await request.body()
        except TimeoutError:
            return _answer(408, "The body took too long to arrive.", {"connection": "close"})
        except ClientDisconnect:
            return _answer(400, "The client went away before the body arrived.")
        events, problem = self._parse(body)
        if problem:
            return _answer(400, problem)
        status, answer = await self._accept(events)
        return _answer(status, answer, json_body=status == 200)

    def authorised(self, header: str | None) -> bool:
        """Basic credentials match, compared in constant time (both parts, always)."""
        if not header:
            return False
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        user, sep, password = decoded.partition(b":")
        user_ok = hmac.compare_digest(user, self._user)
        password_ok = hmac.compare_digest(password, self._password)
        return bool(sep) and user_ok and password_ok

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
        received_at = now_stamp()
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


class _BasicAuth:
    """Starlette's authentication backend for the receiver's Basic credentials: a request with
    the right ones is authenticated, any other is not (the endpoint answers the challenge)."""

    def __init__(self, receiver: CallbackReceiver) -> None:
        self.receiver = receiver

    async def authenticate(self, conn: Any) -> Any:
        from starlette.authentication import AuthCredentials, SimpleUser

        if not self.receiver.authorised(conn.headers.get("authorization")):
            return None
        return AuthCredentials(["authenticated"]), SimpleUser("bandwidth")


def _answer(
    status: int, text: str, headers: Mapping[str, str] | None = None, *, json_body: bool = False
) -> Any:
    """A JSON answer: the counts for a 200, else {"message"|"error": sentence}."""
    from starlette.responses import Response

    if json_body:
        body = text.encode()
    else:
        field_name = "error" if status >= 400 else "message"
        body = (json.dumps({field_name: text}) + "\n").encode()
    return Response(
        body, status_code=status, headers=dict(headers or {}), media_type="application/json"
    )
