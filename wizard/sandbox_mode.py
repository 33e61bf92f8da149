"""`--sandbox`: the local emulator started inside the wizard's own event loop.

Both the screens and `apply --sandbox` use this, so "no account, no network" works the same way
everywhere. The sandbox's identity is public demo data, not a secret, so it is handed over in
memory and never written to the keyring.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wizard.connect import ConnectionSettings, Secrets

if TYPE_CHECKING:
    from wizard.sandbox.server import SandboxServer


def sandbox_connection(server: Any) -> tuple[ConnectionSettings, Secrets]:
    """Connection and secrets for a running sandbox (a `SandboxServer` or a `SandboxThread`)."""
    identity = server.config.identity
    conn = ConnectionSettings(
        account_id=identity.account_id,
        generation="current",
        auth="basic",
        username=identity.username,
        client_id=identity.client_id,
        messaging_user_id=identity.user_id,
        dashboard_url=server.dashboard_url,
        messaging_url=server.messaging_url,
        oauth_token_url=server.oauth_token_url,
    )
    secrets = Secrets(
        dashboard_password=identity.password,
        oauth_client_secret=identity.client_secret,
        messaging_token=identity.token,
        messaging_secret=identity.secret,
    )
    return conn, secrets


@functools.cache
def _in_loop_sandbox() -> type[SandboxServer]:
    """SandboxServer served by wizard.callbacks.EmbeddedServer (built on first use, so
    importing this module does not import the sandbox, uvicorn and starlette).

    Same app, socket and uvicorn settings as `SandboxServer.start`; the difference is the
    stop: uvicorn's own server waits out a 0.1 s tick and a fixed 0.1 s pause even with
    nothing in flight, which every exit of `bw-wizard --sandbox` paid for.
    """
    import uvicorn

    from wizard.callbacks import EmbeddedServer
    from wizard.sandbox.server import (
        START_TIMEOUT,
        SandboxServer,
        SandboxStartError,
        _bind,
    )

    class InLoopSandbox(SandboxServer):
        async def start(self) -> None:
            if self._task is not None:
                return
            sock = _bind(self.config.host, self.config.port)
            self._port = sock.getsockname()[1]
            server = EmbeddedServer(
                uvicorn.Config(
                    self.app,
                    log_config=None,
                    log_level="warning",
                    access_log=False,
                    lifespan="off",
                    proxy_headers=False,
                    server_header=False,
                    timeout_graceful_shutdown=2,
                )
            )
            self._server = server  # type: ignore[assignment]
            loop = asyncio.get_running_loop()
            self._task = loop.create_task(server.serve(sockets=[sock]))
            deadline = loop.time() + START_TIMEOUT
            while not server.started:
                if self._task.done():
                    error = self._task.exception()
                    self._task = None
                    sock.close()
                    raise SandboxStartError(f"The sandbox stopped while starting ({error}).")
                if loop.time() > deadline:
                    raise SandboxStartError("The sandbox did not start in time.")
                await asyncio.sleep(0.001)

        async def stop(self) -> None:
            await self.dispatcher.close()
            server, task = self._server, self._task
            if server is None or task is None:
                return
            server.request_stop()  # type: ignore[attr-defined]
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=10)
            self._task = None

    return InLoopSandbox


@dataclass
class SandboxSession:
    server: SandboxServer
    conn: ConnectionSettings
    secrets: Secrets

    @classmethod
    async def start(
        cls, *, order_delay: float = 3.0, seed: int = 0, port: int = 0
    ) -> SandboxSession:
        from wizard.sandbox.config import SandboxConfig

        config = SandboxConfig(port=port, order_delay=order_delay, seed=seed)
        server = _in_loop_sandbox()(config)
        await server.start()
        conn, secrets = sandbox_connection(server)
        return cls(server, conn, secrets)

    @property
    def site_id(self) -> str:
        return self.server.config.identity.site_id

    async def stop(self) -> None:
        await self.server.stop()
