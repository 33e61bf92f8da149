"""A tiny callback receiver for tests: a threaded HTTP server on a free port that records what
the sandbox POSTs and answers as told (challenge with Basic auth, fail, answer slowly)."""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """Records every POST; `behaviour` decides the answers.

    mode "ok": 200 to everything.
    mode "challenge": 401 + WWW-Authenticate: Basic until the right credentials come.
    mode "bare-401": 401 without WWW-Authenticate (so credentials must never be sent).
    `fail_first` / `slow_first` make the first N requests answer 500 / answer after `slow_delay`.
    """

    def __init__(
        self,
        mode: str = "ok",
        user: str = "cb-user",
        password: str = "cb-pass",
        fail_first: int = 0,
        slow_first: int = 0,
        slow_delay: float = 1.0,
        always_fail: bool = False,
    ) -> None:
        self.mode = mode
        self.user = user
        self.password = password
        self.fail_first = fail_first
        self.slow_first = slow_first
        self.slow_delay = slow_delay
        self.always_fail = always_fail
        self.requests: list[dict[str, Any]] = []
        self._seen = 0
        self._condition = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status, headers = receiver._decide(dict(self.headers))
                record = {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": json.loads(body) if body else None,
                    "status": status,
                }
                with receiver._condition:
                    index = receiver._seen
                    receiver._seen += 1
                if index < receiver.slow_first:
                    time.sleep(receiver.slow_delay)
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sandbox gave up waiting (timeout): that is the point
                with receiver._condition:
                    receiver.requests.append(record)
                    receiver._condition.notify_all()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def _decide(self, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        with self._condition:
            index = self._seen
        if self.always_fail or index < self.fail_first:
            return 500, {}
        if self.mode == "bare-401":
            return 401, {}
        if self.mode == "challenge":
            expected = "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            if headers.get("Authorization") != expected:
                return 401, {"WWW-Authenticate": 'Basic realm="callbacks"'}
        return 200, {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/callbacks"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def events(self) -> list[dict[str, Any]]:
        """Events from accepted (2xx) deliveries, in arrival order."""
        with self._condition:
            return [
                event
                for record in self.requests
                if 200 <= record["status"] < 300
                for event in (record["body"] or [])
            ]

    def wait_events(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                accepted = [
                    event
                    for record in self.requests
                    if 200 <= record["status"] < 300
                    for event in (record["body"] or [])
                ]
                if len(accepted) >= count:
                    return accepted
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} accepted events, got {len(accepted)}: {self.requests}"
                    )
                self._condition.wait(remaining)

    def wait_requests(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._condition:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} requests, got {len(self.requests)}")
                self._condition.wait(remaining)
            return list(self.requests)
