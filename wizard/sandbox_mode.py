"""`--sandbox`: the local emulator started inside the wizard's own event loop.

Both the screens and `apply --sandbox` use this, so "no account, no network" works the same way
everywhere. The sandbox's identity is public demo data, not a secret, so it is handed over in
memory and never written to the keyring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.connect import ConnectionSettings, Secrets
from wizard.sandbox.server import SandboxConfig, SandboxServer


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


@dataclass
class SandboxSession:
    server: SandboxServer
    conn: ConnectionSettings
    secrets: Secrets

    @classmethod
    async def start(
        cls, *, order_delay: float = 3.0, seed: int = 0, port: int = 0
    ) -> SandboxSession:
        server = SandboxServer(SandboxConfig(port=port, order_delay=order_delay, seed=seed))
        await server.start()
        conn, secrets = sandbox_connection(server)
        return cls(server, conn, secrets)

    @property
    def site_id(self) -> str:
        return self.server.config.identity.site_id

    async def stop(self) -> None:
        await self.server.stop()
