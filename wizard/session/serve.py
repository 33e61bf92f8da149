"""One way to serve an ASGI app inside the wizard's own event loop: the callback receiver and the
in-process sandbox both run on it.

The socket is bound here rather than by uvicorn, so a taken port is a plain `ServeError` (not
uvicorn's `sys.exit`) and port 0's real port is known at once. uvicorn's signal capture is off:
the program embedding the server owns Ctrl+C and SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Iterator
from typing import Any

import uvicorn

from wizard.core.errors import Kind, WizardError


class ServeError(WizardError):
    """A server could not start (the port is taken, the host is not this machine's)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, hint, kind=Kind.GENERAL)


class _QuietTracebacks(logging.Filter):
    """Drop exception details from uvicorn's own log lines: no traceback in front of a user."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


_QUIET = _QuietTracebacks()


class EmbeddedServer(uvicorn.Server):
    """uvicorn for a server that shares the wizard's event loop.

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


class AppServer:
    """An ASGI app served by uvicorn inside the caller's running event loop."""

    def __init__(
        self, app: Any, host: str = "127.0.0.1", port: int = 0, *, what: str = "The server"
    ) -> None:
        self.app = app
        self.host = host
        self.what = what
        """How messages name it ("The callback receiver", "The sandbox")."""
        self._requested_port = port
        self._port: int | None = None
        self._server: EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0); only after `start()`."""
        if self._port is None:
            raise RuntimeError(f"{self.what} has not started yet.")
        return self._port

    @property
    def base_url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def url_for(self, path: str) -> str:
        """The full URL of `path` on this server, e.g. http://127.0.0.1:PORT/callbacks."""
        return self.base_url + "/" + path.lstrip("/")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self, *, startup_timeout: float = 10.0) -> None:
        if self._task is not None:
            raise RuntimeError(f"{self.what} is already running.")
        sock = bind(self.host, self._requested_port, what=self.what)
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            log_level="warning",
            log_config=None,
            access_log=False,
            server_header=False,
            proxy_headers=False,
            http="h11",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        uvicorn_error = logging.getLogger("uvicorn.error")
        if _QUIET not in uvicorn_error.filters:
            uvicorn_error.addFilter(_QUIET)
        server = EmbeddedServer(config)
        self._server = server
        loop = asyncio.get_running_loop()
        self._task = loop.create_task(server.serve(sockets=[sock]))
        deadline = loop.time() + startup_timeout
        while not server.started:
            if self._task.done() or loop.time() > deadline:
                await self._abandon(sock)
                raise ServeError(f"{self.what} could not start on {self.host}:{self._port}.")
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
        """Stop listening and let requests in flight finish (briefly); safe to call twice."""
        task, server = self._task, self._server
        self._task = None
        if task is None or server is None:
            return
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

    async def __aenter__(self) -> AppServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


def bind(host: str, port: int, *, what: str = "The server") -> socket.socket:
    """A listening, non-blocking socket; a plain ServeError when that is not possible."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise ServeError(f"“{host}” is not an address this computer has.") from None
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
            raise ServeError(
                f"{what} cannot listen on {host}:{port}: the port is already in use.",
                "Choose another port, or 0 for any free one.",
            ) from None
        raise ServeError(
            f"{what} cannot listen on {host}:{port}: {error.strerror or error}."
        ) from None
    return sock
