"""Turns settings and secrets into ready clients and an engine.

The screens and the commands all need "the clients for these settings"; building them in one
place keeps the two API generations (today's and the guide's catapult form) wired the same way
everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.core.errors import Kind, WizardError
from wizard.engine.book import ProgressBook
from wizard.engine.events import EventSink
from wizard.engine.runner import Engine

if TYPE_CHECKING:
    # The clients pull in httpx and the XML codec: loaded when clients are built, not when the
    # first screen (which only needs these dataclasses) imports this module.
    from wizard.bandwidth.auth import ApiAuth
    from wizard.bandwidth.dashboard import DashboardClient
    from wizard.bandwidth.messaging import MessagingClient
    from wizard.bandwidth.transport import ConnectionPool


@dataclass(frozen=True)
class Secrets:
    """The secret half of the credentials, held in memory only (from keyring, env or a form)."""

    dashboard_password: str | None = field(default=None, repr=False)
    oauth_client_secret: str | None = field(default=None, repr=False)
    messaging_token: str | None = field(default=None, repr=False)
    messaging_secret: str | None = field(default=None, repr=False)
    callback_password: str | None = field(default=None, repr=False)


class MissingCredentials(WizardError):
    """A credential the chosen settings need is not set; the message says which and where."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, hint, kind=Kind.AUTH)


@dataclass(frozen=True)
class ConnectionSettings:
    """The non-secret facts needed to talk to Bandwidth (a subset of the stored Settings)."""

    account_id: str
    generation: str = "current"
    auth: str = "basic"
    username: str | None = None
    client_id: str | None = None
    messaging_user_id: str | None = None
    dashboard_url: str = "https://dashboard.bandwidth.com/api"
    messaging_url: str = "https://messaging.bandwidth.com/api/v2"
    oauth_token_url: str = "https://api.bandwidth.com/api/v1/oauth2/token"

    @classmethod
    def from_settings(cls, settings: Any) -> ConnectionSettings:
        names = cls.__dataclass_fields__
        values: Mapping[str, Any] = {
            name: getattr(settings, name) for name in names if getattr(settings, name, None)
        }
        return cls(**values)


def dashboard_auth(conn: ConnectionSettings, secrets: Secrets) -> ApiAuth:
    from wizard.bandwidth.auth import OAuth2ClientCredentials, basic_auth

    if conn.auth == "oauth2":
        if not conn.client_id or not secrets.oauth_client_secret:
            raise MissingCredentials(
                "OAuth2 needs a client id and client secret: enter them on the Credentials step "
                "or set BW_CLIENT_ID and BW_CLIENT_SECRET."
            )
        return OAuth2ClientCredentials(
            conn.oauth_token_url, conn.client_id, secrets.oauth_client_secret
        )
    if not conn.username or not secrets.dashboard_password:
        raise MissingCredentials(
            "The Dashboard API needs a username and password: enter them on the Credentials step "
            "or set BW_USERNAME and BW_PASSWORD."
        )
    return basic_auth(conn.username, secrets.dashboard_password)


def messaging_auth(
    conn: ConnectionSettings, secrets: Secrets, dashboard: ApiAuth
) -> tuple[str, ApiAuth]:
    """(user id for the URL, auth): the guide's API used userId + token:secret; today's uses the
    account id and the Dashboard credentials (or the same OAuth2 token)."""
    from wizard.bandwidth.auth import basic_auth

    if conn.generation == "guide":
        if (
            not conn.messaging_user_id
            or not secrets.messaging_token
            or not secrets.messaging_secret
        ):
            raise MissingCredentials(
                "The guide's messaging API needs a userId, token and secret: enter them on the "
                "Credentials step or set BW_MESSAGING_USER_ID, BW_MESSAGING_TOKEN and "
                "BW_MESSAGING_SECRET."
            )
        return conn.messaging_user_id, basic_auth(secrets.messaging_token, secrets.messaging_secret)
    return conn.account_id, dashboard


@dataclass
class Clients:
    dashboard: DashboardClient
    messaging: MessagingClient
    pool: ConnectionPool | None = None
    """The connections both clients share (closed last)."""

    async def aclose(self) -> None:
        await self.dashboard.aclose()
        await self.messaging.aclose()
        if self.pool is not None:
            await self.pool.aclose()


def build_clients(conn: ConnectionSettings, secrets: Secrets, *, on_request: Any = None) -> Clients:
    """Both API clients over one connection pool: one TLS context and, where the two APIs
    share a host (the sandbox, a proxy), one connection instead of two."""
    from wizard.bandwidth.dashboard import DashboardClient
    from wizard.bandwidth.messaging import MessagingClient
    from wizard.bandwidth.transport import ConnectionPool

    auth = dashboard_auth(conn, secrets)
    user_id, msg_auth = messaging_auth(conn, secrets, auth)
    pool = ConnectionPool()
    dashboard = DashboardClient(
        conn.dashboard_url, conn.account_id, auth, on_request=on_request, pool=pool
    )
    messaging = MessagingClient(
        conn.messaging_url, user_id, msg_auth, on_request=on_request, pool=pool
    )
    return Clients(dashboard, messaging, pool)


def build_engine(
    conn: ConnectionSettings,
    secrets: Secrets,
    progress: ProgressBook,
    *,
    on_event: EventSink | None = None,
    **engine_options: Any,
) -> tuple[Engine, Clients]:
    """An engine whose clients report every request as a RequestSent event."""
    hook_target: dict[str, Engine] = {}

    def on_request(info: Any) -> None:
        hook_target["engine"].request_hook(info)

    clients = build_clients(conn, secrets, on_request=on_request)
    engine = Engine(
        clients.dashboard, clients.messaging, progress, on_event=on_event, **engine_options
    )
    hook_target["engine"] = engine
    return engine, clients
