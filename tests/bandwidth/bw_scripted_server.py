"""A tiny HTTP/1.1 server on loopback that answers exactly what a test scripts.

The clients are tested over real sockets (keep-alive, Content-Length, closed connections,
slow answers) rather than with a mock transport; this server makes any answer shape Bandwidth
is documented to give (and a few it should never give) reproducible in one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes | str = b""
    content_type: str | None = "application/xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (to provoke read timeouts)."""
    drop: bool = False
    """Close the connection without answering."""

    @classmethod
    def xml(
        cls, body: str, status: int = 200, headers: dict[str, str] | None = None, **kw: Any
    ) -> Reply:
        return cls(status=status, body=body, headers=dict(headers or {}), **kw)

    @classmethod
    def json(
        cls, payload: object, status: int = 200, headers: dict[str, str] | None = None, **kw: Any
    ) -> Reply:
        return cls(
            status=status,
            body=json.dumps(payload),
            content_type="application/json",
            headers=dict(headers or {}),
            **kw,
        )

    @classmethod
    def empty(cls, status: int, headers: dict[str, str] | None = None, **kw: Any) -> Reply:
        return cls(status=status, body=b"", content_type=None, headers=dict(headers or {}), **kw)


@dataclass
class Seen:
    """One request as it arrived on the wire."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


Handler = Callable[[Seen], Reply]


class ScriptedServer:
    """Answers requests from per-route queues of :class:`Reply`, then from a fallback."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, str, list[Reply] | Handler]] = []
        self.requests: list[Seen] = []
        self.connections = 0
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def script(self, method: str, path: str, *replies: Reply) -> None:
        """Queue answers for requests matching ``method`` and the fnmatch glob ``path``."""
        self._routes.append((method.upper(), path, list(replies)))

    def handle(self, method: str, path: str, handler: Handler) -> None:
        """Answer every matching request with ``handler(seen)``."""
        self._routes.append((method.upper(), path, handler))

    def seen(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (path is None or fnmatch.fnmatchcase(r.path, path))
        ]

    def _reply_for(self, seen: Seen) -> Reply:
        for method, pattern, answer in self._routes:
            if method != seen.method or not fnmatch.fnmatchcase(seen.path, pattern):
                continue
            if callable(answer):
                return answer(seen)
            if answer:
                return answer.pop(0)
        return Reply(
            status=500, body=f"unscripted {seen.method} {seen.path}", content_type="text/plain"
        )

    async def start(self, port: int = 0) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    if ":" in line:
                        key, value = line.split(":", 1)
                        headers[key.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(length) if length else b""
                seen = Seen(method.upper(), target, headers, body)
                self.requests.append(seen)
                reply = self._reply_for(seen)
                if reply.delay:
                    await asyncio.sleep(reply.delay)
                if reply.drop:
                    writer.close()
                    return
                payload = reply.body.encode() if isinstance(reply.body, str) else reply.body
                out = [f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, 'Status')}"]
                if reply.content_type and payload:
                    out.append(f"Content-Type: {reply.content_type}")
                for key, value in reply.headers.items():
                    out.append(f"{key}: {value}")
                out.append(f"Content-Length: {len(payload)}")
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + payload)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            self._writers.discard(writer)
            writer.close()
