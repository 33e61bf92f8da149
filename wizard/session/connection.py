"""Turns settings and secrets into a signed-in credential, ready clients and an engine.

Bandwidth signs in with API Credentials only (OAuth2 client credentials): the client id and
secret get an access token, the token names the accounts the credential may use, and the same
token then serves the Dashboard, the platform APIs (10DLC, toll-free verification) and
messaging. Building all of it in one place keeps the screens and the commands wired the same
way. The guide's retired catapult messaging API (token:secret) is kept for the sandbox only, as
the way to replay the guide's own requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from wizard.core.errors import Kind, WizardError
from wizard.engine.book import ProgressBook
from wizard.engine.events import EventSink
from wizard.engine.runner import Engine

if TYPE_CHECKING:
    # The clients pull in httpx and the XML codec: loaded when clients are built, not when the
    # first screen (which only needs these dataclasses) imports this module.
    from wizard.bandwidth.auth import ApiAuth, OAuth2ClientCredentials, TokenClaims
    from wizard.bandwidth.dashboard import DashboardClient
    from wizard.bandwidth.messaging import MessagingClient
    from wizard.bandwidth.platform import PlatformClient
    from wizard.bandwidth.transport import ConnectionPool, RetryPolicy

API_CREDENTIALS_HELP = (
    "Create API Credentials in the Bandwidth App under Account > API Credentials (your user "
    "needs the Credential access role): each has a client id and a client secret."
)

LEGACY_API_USERS = (
    "API users (a username and password) stopped working on 2026-12-02: Bandwidth now signs in "
    "with API Credentials only."
)
"""Said wherever an old API user is found: settings, keyring or BW_USERNAME/BW_PASSWORD."""


@dataclass(frozen=True)
class Secrets:
    """The secret half of the credentials, held in memory only (from keyring, env or a form)."""

    oauth_client_secret: str | None = field(default=None, repr=False)
    messaging_token: str | None = field(default=None, repr=False)
    """The guide's retired catapult messaging API (sandbox only)."""
    messaging_secret: str | None = field(default=None, repr=False)
    callback_password: str | None = field(default=None, repr=False)


class MissingCredentials(WizardError):
    """A credential the chosen settings need is not set; the message says which and where."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, hint, kind=Kind.AUTH)


@dataclass(frozen=True)
class ConnectionSettings:
    """The non-secret facts needed to talk to Bandwidth."""

    account_id: str
    """The account; "" until a sign-in picked one."""
    client_id: str | None = None
    generation: str = "current"
    """"current" (today's API), or "guide": the 2018 catapult messaging API, sandbox only."""
    messaging_user_id: str | None = None
    """The guide generation's userId; today's API uses the account id instead."""
    environment: str = "prod"
    dashboard_url: str = "https://api.bandwidth.com/api/v2"
    messaging_url: str = "https://messaging.bandwidth.com/api/v2"
    oauth_token_url: str = "https://api.bandwidth.com/api/v1/oauth2/token"
    messaging_token_url: str = ""
    """Where messaging's token comes from, when not `oauth_token_url` (the test environment)."""
    platform_url: str = ""
    """The JSON platform APIs (10DLC, toll-free verification); "" means the Dashboard's base."""

    @classmethod
    def from_settings(cls, settings: Any) -> ConnectionSettings:
        """The environment's hosts, with any URL the settings (or BW_API_URL & co.) name."""
        from wizard.bandwidth.hosts import hosts_for_settings

        hosts = hosts_for_settings(settings.environment, settings.dashboard_url)
        return cls(
            account_id=settings.account_id or "",
            client_id=settings.client_id,
            environment=settings.environment,
            dashboard_url=settings.dashboard_url or hosts.dashboard_url,
            messaging_url=settings.messaging_url or hosts.messaging_url,
            oauth_token_url=settings.oauth_token_url or hosts.oauth_token_url,
            messaging_token_url=hosts.messaging_token_url
            if hosts.messaging_token_url != hosts.oauth_token_url
            else "",
            platform_url=settings.dashboard_url or hosts.platform_url,
        )

    def with_account(self, account_id: str) -> ConnectionSettings:
        return replace(self, account_id=account_id)


def credential(conn: ConnectionSettings, secrets: Secrets) -> OAuth2ClientCredentials:
    """The API Credential these settings name; the first missing piece is said alone."""
    from wizard.bandwidth.auth import OAuth2ClientCredentials

    if not conn.client_id:
        raise MissingCredentials(
            "No client id: the wizard signs in with an API Credential's client id and secret.",
            "Set BW_CLIENT_ID (and BW_CLIENT_SECRET), or put client_id in the config. "
            + API_CREDENTIALS_HELP,
        )
    if not secrets.oauth_client_secret:
        raise MissingCredentials(
            f"No client secret for client id {conn.client_id}.",
            "Set BW_CLIENT_SECRET, or save it once with the wizard (it goes to the OS keyring).",
        )
    return OAuth2ClientCredentials(
        conn.oauth_token_url, conn.client_id, secrets.oauth_client_secret
    )


def messaging_auth(
    conn: ConnectionSettings, secrets: Secrets, dashboard: OAuth2ClientCredentials
) -> tuple[str, ApiAuth]:
    """(user id for the URL, auth). Today's API: the account id and the same token (or, in the
    test environment, a production token for the same credential). The guide's retired API:
    userId + token:secret, and only against the sandbox."""
    from wizard.bandwidth.auth import OAuth2ClientCredentials, basic_auth
    from wizard.bandwidth.hosts import is_local_url

    if conn.generation == "guide":
        if not is_local_url(conn.messaging_url):
            raise WizardError(
                "The guide's 2018 messaging API (catapult) was retired: it works only against "
                "the sandbox.",
                "Use today's API with your API Credential.",
                kind=Kind.VALIDATION,
            )
        if not conn.messaging_user_id:
            raise MissingCredentials("No messaging userId for the guide's retired API.")
        if not secrets.messaging_token or not secrets.messaging_secret:
            raise MissingCredentials("No messaging token and secret for the guide's retired API.")
        return conn.messaging_user_id, basic_auth(secrets.messaging_token, secrets.messaging_secret)
    if conn.messaging_token_url and conn.messaging_token_url != conn.oauth_token_url:
        assert secrets.oauth_client_secret and conn.client_id
        return conn.account_id, OAuth2ClientCredentials(
            conn.messaging_token_url, conn.client_id, secrets.oauth_client_secret
        )
    return conn.account_id, dashboard


def choose_account(claims: TokenClaims, wanted: str | None) -> str | None:
    """The account to use: `wanted` (BW_ACCOUNT_ID, the config, the saved settings) when the
    credential may use it, the only one the token names, or None when a person must choose
    (several accounts) or type it (a token that names none)."""
    accounts = list(claims.accounts)
    if wanted:
        if accounts and wanted not in accounts:
            raise WizardError(
                f"This API Credential cannot use account {wanted}; it can use "
                f"{', '.join(accounts)}.",
                "Pick one of those (BW_ACCOUNT_ID or account_id), or use the credential made "
                "for that account.",
                kind=Kind.FORBIDDEN,
            )
        return wanted
    return accounts[0] if len(accounts) == 1 else None


@dataclass
class Clients:
    dashboard: DashboardClient
    messaging: MessagingClient
    platform: PlatformClient
    credential: OAuth2ClientCredentials
    """The signed-in API Credential: its claims say which accounts and roles it has."""
    pool: ConnectionPool | None = None
    """The connections every client shares (closed last)."""

    async def aclose(self) -> None:
        await self.dashboard.aclose()
        await self.messaging.aclose()
        await self.platform.aclose()
        if self.pool is not None:
            await self.pool.aclose()


def build_clients(
    conn: ConnectionSettings,
    secrets: Secrets,
    *,
    on_request: Any = None,
    signed_in: OAuth2ClientCredentials | None = None,
    pool: ConnectionPool | None = None,
    retry: RetryPolicy | None = None,
    sleep: Any = None,
    clock: Any = None,
) -> Clients:
    """Every API client over one connection pool: one TLS context and, where the APIs share a
    host (the sandbox, a proxy), one connection. `signed_in` reuses a credential that already
    holds its token, so signing in is not paid twice. `retry` replaces the clients' default
    retry policy (a long read-only walk may wait longer for rate limits than a step); `sleep`
    and `clock` replace how they wait and read the time (a test that drives a sandbox's clock)."""
    from wizard.bandwidth.dashboard import DashboardClient
    from wizard.bandwidth.messaging import MessagingClient
    from wizard.bandwidth.platform import PlatformClient
    from wizard.bandwidth.transport import ConnectionPool

    auth = signed_in or credential(conn, secrets)
    user_id, msg_auth = messaging_auth(conn, secrets, auth)
    urls = (conn.dashboard_url, conn.messaging_url, conn.platform_url or conn.dashboard_url)
    pool = pool or ConnectionPool(tls=not all(url.startswith("http://") for url in urls))
    options: dict[str, Any] = {
        "on_request": on_request,
        "pool": pool,
        "retry": retry,
        "sleep": sleep,
        "clock": clock,
    }
    dashboard = DashboardClient(conn.dashboard_url, conn.account_id, auth, **options)
    messaging = MessagingClient(conn.messaging_url, user_id, msg_auth, **options)
    platform = PlatformClient(
        conn.platform_url or conn.dashboard_url, conn.account_id, auth, **options
    )
    return Clients(dashboard, messaging, platform, auth, pool)


def build_engine(
    conn: ConnectionSettings,
    secrets: Secrets,
    progress: ProgressBook,
    *,
    on_event: EventSink | None = None,
    signed_in: OAuth2ClientCredentials | None = None,
    **engine_options: Any,
) -> tuple[Engine, Clients]:
    """An engine whose clients report every request as a RequestSent event."""
    hook_target: dict[str, Engine] = {}

    def on_request(info: Any) -> None:
        hook_target["engine"].request_hook(info)

    clients = build_clients(conn, secrets, on_request=on_request, signed_in=signed_in)
    engine = Engine(
        clients.dashboard,
        clients.messaging,
        progress,
        platform=clients.platform,
        claims=clients.credential.claims,
        on_event=on_event,
        **engine_options,
    )
    hook_target["engine"] = engine
    return engine, clients


async def sign_in(
    conn: ConnectionSettings, secrets: Secrets, *, on_request: Any = None
) -> OAuth2ClientCredentials:
    """Fetch an access token for the settings' API Credential; its claims name the accounts,
    roles and whether it is a Build trial. Raises BandwidthError (kind auth) when Bandwidth
    refuses the client id or secret."""
    from wizard.bandwidth.signin import sign_in as fetch_token

    auth = credential(conn, secrets)
    await fetch_token(auth, on_request=on_request)
    return auth
