"""`--sandbox`: the local emulator started inside the wizard's own event loop.

Both the screens and `apply --sandbox` use this, so "no account, no network" works the same way
everywhere. The sandbox's identity is public demo data, not a secret, so it is handed over in
memory and never written to the keyring.
"""

from __future__ import annotations

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

    uvicorn's own server waits out a 0.1 s tick and a fixed 0.1 s pause on stop even with
    nothing in flight, which every exit of `bw-wizard --sandbox` paid for. The sandbox cannot
    import wizard.callbacks (it depends on nothing above it), so the swap happens here.
    """
    from wizard.callbacks import EmbeddedServer
    from wizard.sandbox.server import SandboxServer

    class InLoopSandbox(SandboxServer):
        def _make_server(self, uv_config: Any) -> Any:
            return EmbeddedServer(uv_config)

        def _request_stop(self) -> None:
            self._server.request_stop()  # type: ignore[union-attr]

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
