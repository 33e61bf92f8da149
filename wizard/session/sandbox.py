"""`--sandbox`: the local emulator served in the wizard's own event loop.

The screens and `apply --sandbox` both start it here, so "no account, no network" works the same
way everywhere. The sandbox's identity is public demo data, not a secret, so it is handed over in
memory and never written to the keyring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wizard.session.connection import ConnectionSettings, Secrets
from wizard.session.serve import AppServer

if TYPE_CHECKING:
    from wizard.sandbox.config import SandboxConfig


def sandbox_connection(
    base_url: str, identity: Any, *, guide: bool = False
) -> tuple[ConnectionSettings, Secrets]:
    """Connection and secrets for a sandbox at `base_url` with this identity: its main API
    Credential, and (for `guide`) the retired catapult messaging user the guide used."""
    from wizard.bandwidth.hosts import local_hosts

    hosts = local_hosts(base_url, guide=guide)
    current = local_hosts(base_url)
    conn = ConnectionSettings(
        account_id=identity.account_id,
        client_id=identity.client_id,
        generation="guide" if guide else "current",
        messaging_user_id=identity.user_id,
        environment="local",
        dashboard_url=current.dashboard_url,
        messaging_url=hosts.messaging_url,
        oauth_token_url=current.oauth_token_url,
        platform_url=current.platform_url,
    )
    secrets = Secrets(
        oauth_client_secret=identity.client_secret,
        messaging_token=identity.token,
        messaging_secret=identity.secret,
    )
    return conn, secrets


def default_sandbox_url() -> str:
    """Where `bw-wizard sandbox` listens unless told otherwise."""
    from wizard.sandbox.config import DEFAULT_PORT

    return f"http://127.0.0.1:{DEFAULT_PORT}"


def running_sandbox_connection(base_url: str) -> tuple[ConnectionSettings, Secrets]:
    """Connection and demo secrets for a sandbox already running on this machine (`bw-wizard
    sandbox`), as its built-in identity: what a command's `--sandbox` means when the command
    works on saved progress, which only a sandbox that outlives one run can have."""
    from wizard.sandbox.identity import Identity

    return sandbox_connection(base_url, Identity())


class InProcessSandbox:
    """The sandbox's ASGI app on an `AppServer`, started and stopped with the session."""

    def __init__(self, config: SandboxConfig) -> None:
        from wizard.sandbox.server import create_app

        self.config = config
        self.app = create_app(config)
        self.server = AppServer(self.app, config.host, config.port, what="The sandbox")

    @classmethod
    async def start(
        cls, *, order_delay: float = 3.0, seed: int = 0, port: int = 0
    ) -> InProcessSandbox:
        from wizard.sandbox.config import SandboxConfig

        sandbox = cls(SandboxConfig(port=port, order_delay=order_delay, seed=seed))
        await sandbox.server.start()
        return sandbox

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def identity(self) -> Any:
        return self.config.identity

    def connection(self, *, guide: bool = False) -> tuple[ConnectionSettings, Secrets]:
        return sandbox_connection(self.base_url, self.identity, guide=guide)

    def credentials(self) -> tuple[Any, ...]:
        """The sandbox's API Credentials (public demo data), its full account's first."""
        from wizard.sandbox.credentials import sandbox_credentials

        return sandbox_credentials(self.identity)

    async def stop(self) -> None:
        """Stop callbacks in flight, then the server; safe to call twice."""
        await self.app.app.state.dispatcher.close()
        await self.server.stop()
