"""Running the sandbox: the ASGI app, an in-loop server, and a background-thread server.

`SandboxServer` runs uvicorn inside the caller's event loop (the TUI's, for `bw-wizard --sandbox`);
`SandboxThread` gives it a loop of its own in a thread (sync tests, pytest fixtures). Neither
touches signal handlers or logging configuration: the program embedding them owns those.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Generator
from typing import Any

import uvicorn
from starlette.applications import Starlette

from wizard.sandbox import (
    app_seeding,
    applications,
    control,
    control_scale,
    dashboard,
    inventory,
    messaging,
    numbers,
    oauth,
    teardown,
    tendlc,
    tfv,
    tndetails,
    tnoptions,
)
from wizard.sandbox.aliases import with_v2_aliases
from wizard.sandbox.callbacks import CallbackDispatcher
from wizard.sandbox.config import SandboxConfig
from wizard.sandbox.faults import SandboxMiddleware
from wizard.sandbox.identity import Identity
from wizard.sandbox.seed import seed_large
from wizard.sandbox.state import SandboxState
from wizard.sandbox.throttle import ThrottleMiddleware

__all__ = [
    "Identity",
    "SandboxConfig",
    "SandboxServer",
    "SandboxStartError",
    "SandboxThread",
    "create_app",
]

MAX_BODY_BYTES = 1_048_576
START_TIMEOUT = 15.0

# A library must not print: uvicorn's own log lines stay silent unless the embedding program
# configures logging (uvicorn would otherwise fall back to printing warnings on stderr).
logging.getLogger("uvicorn").addHandler(logging.NullHandler())


class SandboxStartError(RuntimeError):
    """The sandbox could not start; the message is a plain sentence for the user."""


def create_app(config: SandboxConfig | None = None, state: SandboxState | None = None) -> Any:
    """The whole sandbox as one ASGI app: fault/log middleware, then rate limits, then a
    Starlette router (so a 429 is logged like any answer, and a fault wins over a limit)."""
    config = config or SandboxConfig()
    state = state or SandboxState(config, seeder=seed_large)
    routes = with_v2_aliases(
        [
            *dashboard.ROUTES,
            *inventory.ROUTES,
            *teardown.ROUTES,
            *applications.ROUTES,
            *numbers.ROUTES,
            *tnoptions.ROUTES,
            *tndetails.ROUTES,
            *tendlc.ROUTES,
            *tfv.ROUTES,
            *messaging.ROUTES,
            *oauth.ROUTES,
            *control.ROUTES,
            *control_scale.ROUTES,
            *app_seeding.ROUTES,
        ]
    )
    router = Starlette(routes=routes, max_body_size=MAX_BODY_BYTES)
    router.state.sandbox = state
    router.state.dispatcher = CallbackDispatcher(state)
    return SandboxMiddleware(ThrottleMiddleware(router, state), state, routes)


def _dispatcher_of(app: Any) -> CallbackDispatcher:
    """The router's dispatcher, under however many middleware layers `create_app` adds."""
    while not isinstance(app, Starlette):
        app = app.app
    return app.state.dispatcher


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its signal handling: whoever embeds the sandbox decides how to stop it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise SandboxStartError(f"The host {host!r} is not an address this machine has.") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise SandboxStartError(
                f"Port {port} on {host} is already in use; choose another with --port."
            ) from None
        raise SandboxStartError(f"Could not listen on {host}:{port} ({exc.strerror}).") from None
    return sock


class SandboxServer:
    """The sandbox served by uvicorn in the current event loop."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.state = SandboxState(self.config, seeder=seed_large)
        self.app = create_app(self.config, self.state)
        self.dispatcher: CallbackDispatcher = _dispatcher_of(self.app)
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._port: int | None = None

    async def start(self) -> None:
        """Listen (port 0 picks a free one) and return once requests are being accepted."""
        if self._task is not None:
            return
        sock = _bind(self.config.host, self.config.port)
        self._port = sock.getsockname()[1]
        uv_config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=2,
        )
        self._server = self._make_server(uv_config)
        loop = asyncio.get_running_loop()
        self._task = loop.create_task(self._server.serve(sockets=[sock]))
        deadline = loop.time() + START_TIMEOUT
        while not self._server.started:
            if self._task.done():
                error = self._task.exception()
                self._task = None
                sock.close()
                raise SandboxStartError(f"The sandbox stopped while starting ({error}).")
            if loop.time() > deadline:
                raise SandboxStartError("The sandbox did not start in time.")
            await asyncio.sleep(0.001)

    def _make_server(self, uv_config: uvicorn.Config) -> uvicorn.Server:
        """The uvicorn server to run; an embedder may supply one that stops faster."""
        return _EmbeddedServer(uv_config)

    def _request_stop(self) -> None:
        assert self._server is not None
        self._server.should_exit = True

    async def stop(self) -> None:
        """Stop callbacks in flight, then the server; safe to call twice."""
        await self.dispatcher.close()
        if self._server is None or self._task is None:
            return
        self._request_stop()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(self._task, timeout=10)
        self._task = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the sandbox has not been started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{_url_host(self.config.host)}:{self.port}"

    @property
    def dashboard_url(self) -> str:
        """Stands in for https://dashboard.bandwidth.com/api (the Dashboard also answers under
        `api_v2_url`)."""
        return self.base_url + "/api"

    @property
    def api_v2_url(self) -> str:
        """Stands in for https://api.bandwidth.com/api/v2: today's Dashboard XML API and the JSON
        platform APIs (10DLC, toll-free verification)."""
        return self.base_url + "/api/v2"

    @property
    def messaging_url(self) -> str:
        """Stands in for https://messaging.bandwidth.com/api/v2 (.../users/{accountId}/messages)."""
        return self.base_url + "/api/v2"

    @property
    def legacy_messaging_url(self) -> str:
        """Stands in for the guide's retired https://api.catapult.inetwork.com/v2."""
        return self.base_url + "/v2"

    @property
    def oauth_token_url(self) -> str:
        """Stands in for https://api.bandwidth.com/api/v1/oauth2/token."""
        return self.base_url + "/api/v1/oauth2/token"

    @property
    def control_url(self) -> str:
        return self.base_url + "/_sandbox"


class SandboxThread:
    """The same server in a background thread with its own loop; a context manager."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.server = SandboxServer(config)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> SandboxThread:
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._run, name="bw-sandbox", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT + 5):
            raise SandboxStartError("The sandbox did not start in time.")
        if self._error is not None:
            raise self._error
        return self

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self.server.start()
        except BaseException as exc:  # handed to the starting thread, which raises it
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stop.wait()
        await self.server.stop()

    def stop(self) -> None:
        if self._thread is None:
            return
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=20)
        self._thread = None

    def __enter__(self) -> SandboxThread:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def config(self) -> SandboxConfig:
        return self.server.config

    @property
    def state(self) -> SandboxState:
        return self.server.state

    @property
    def identity(self) -> Identity:
        return self.server.config.identity

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def dashboard_url(self) -> str:
        return self.server.dashboard_url

    @property
    def messaging_url(self) -> str:
        return self.server.messaging_url

    @property
    def api_v2_url(self) -> str:
        return self.server.api_v2_url

    @property
    def legacy_messaging_url(self) -> str:
        return self.server.legacy_messaging_url

    @property
    def oauth_token_url(self) -> str:
        return self.server.oauth_token_url

    @property
    def control_url(self) -> str:
        return self.server.control_url
