"""Shared pieces for the callback tests: the verbatim samples, waiting on a condition with a
deadline (never sleeping as a way to synchronise), and servers on free loopback ports."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import uvicorn

from tests.waiting import until
from wizard.callbacks.receiver import CallbackReceiver
from wizard.session.serve import AppServer

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "callback-samples"
SAMPLE_NAMES = (
    "message-delivered",
    "message-failed",
    "message-received",
    "message-sending",
    "message-sent",
)


def sample(name: str) -> bytes:
    """One of Bandwidth's documented callback bodies, byte for byte."""
    return (SAMPLES_DIR / f"{name}.json").read_bytes()


def log_lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines() if path.exists() else []


class ReceiverServer(AppServer):
    """The receiver served on a free loopback port, with its callback URL at hand."""

    @property
    def url(self) -> str:
        return self.url_for(self.app.path)

    async def stop(self, timeout: float = 5.0) -> None:
        await super().stop(timeout)
        self.app.close()


class ThreadedReceiver:
    """A receiver + server on its own loop in a thread, for synchronous tests (hypothesis)."""

    def __init__(self, **receiver_kwargs: Any) -> None:
        self.kwargs = receiver_kwargs
        self.loop = asyncio.new_event_loop()
        self.receiver: CallbackReceiver | None = None
        self.server: ReceiverServer | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            self.receiver = CallbackReceiver(**self.kwargs)
            self.server = ReceiverServer(self.receiver)
            await self.server.start()

        try:
            self.loop.run_until_complete(start())
        except BaseException as error:
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.server.stop())
        self.loop.close()

    def __enter__(self) -> ThreadedReceiver:
        self._thread.start()
        assert self._ready.wait(10), "receiver did not start"
        if self._error:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url


@contextlib.asynccontextmanager
async def serve_app(app: Any) -> AsyncIterator[str]:
    """Serve any ASGI app on a free loopback port in this loop; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, lifespan="off", log_level="warning", log_config=None, timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
    await until(lambda: server.started or task.done(), what="the receiver to start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


def free_port_with_nothing_listening() -> int:
    """A loopback port that refuses connections (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
