"""Base URLs of the Bandwidth APIs, as settings with the known layouts as defaults.

Today's layout (Bandwidth/cli ``internal/cmdutil/helpers.go``): the Dashboard XML API and the
JSON platform APIs (10DLC, toll-free verification) both live under
``https://api.bandwidth.com/api/v2``, messaging under ``https://messaging.bandwidth.com/api/v2``
and the OAuth2 token endpoint at ``https://api.bandwidth.com/api/v1/oauth2/token``. The test
environment moves the API host to ``https://test.api.bandwidth.com``; messaging has no test
host, so in the test environment messages still go to production, with a token minted by
production's token endpoint (a test-realm token is refused there).

The guide's (2018) layout is kept, labelled retired: the Dashboard at
``dashboard.bandwidth.com/api`` and messaging on the catapult host with a userId and
token:secret. Only the sandbox still answers the catapult form; it is how the guide's own
requests are replayed.

Neither is hard-coded in a client: callers pick a :class:`Hosts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from wizard.core.urls import is_local_url as is_local_url  # kept here for its callers

PRODUCTION_TOKEN_URL = "https://api.bandwidth.com/api/v1/oauth2/token"


@dataclass(frozen=True)
class Hosts:
    """Where each API lives; every field is a base URL without a trailing slash."""

    dashboard_url: str
    """Dashboard (Phone Number) XML API base; ``/accounts/{id}/...`` is appended to it."""
    messaging_url: str
    """Messaging API base; ``/users/{id}/messages`` is appended to it."""
    oauth_token_url: str
    """Full URL of the OAuth2 token endpoint for the Dashboard and platform APIs."""
    platform_url: str = ""
    """JSON platform APIs base (10DLC, toll-free verification); empty means the Dashboard's."""
    messaging_token_url: str = ""
    """Token endpoint for messaging; empty means :attr:`oauth_token_url`. Differs only in the
    test environment, where messaging is production's and needs a production token."""
    environment: str = "prod"
    """``prod``, ``test`` or ``local`` (a sandbox); ``test`` means sends are still real."""
    retired: bool = False
    """True for the guide's 2018 layout: say "retired" wherever it is offered."""
    label: str = field(default="", compare=False)
    """How to name this layout to a person."""

    def __post_init__(self) -> None:
        if not self.platform_url:
            object.__setattr__(self, "platform_url", self.dashboard_url)
        if not self.messaging_token_url:
            object.__setattr__(self, "messaging_token_url", self.oauth_token_url)

    @property
    def messaging_is_production(self) -> bool:
        """True when messages sent through these hosts are real and billable although the rest
        is not production (the test environment has no messaging host of its own)."""
        return self.environment == "test"


CURRENT_HOSTS = Hosts(
    dashboard_url="https://api.bandwidth.com/api/v2",
    messaging_url="https://messaging.bandwidth.com/api/v2",
    oauth_token_url=PRODUCTION_TOKEN_URL,
    label="Bandwidth (production)",
)
"""Today's hosts: OAuth2 client credentials, account id from the token."""

TEST_HOSTS = Hosts(
    dashboard_url="https://test.api.bandwidth.com/api/v2",
    messaging_url="https://messaging.bandwidth.com/api/v2",
    oauth_token_url="https://test.api.bandwidth.com/api/v1/oauth2/token",
    messaging_token_url=PRODUCTION_TOKEN_URL,
    environment="test",
    label="Bandwidth test environment (messages still go to production)",
)
"""``BW_ENVIRONMENT=test``: the API on the test host; messaging stays production's."""

GUIDE_HOSTS = Hosts(
    dashboard_url="https://dashboard.bandwidth.com/api",
    messaging_url="https://api.catapult.inetwork.com/v2",
    oauth_token_url=PRODUCTION_TOKEN_URL,
    retired=True,
    label="the guide's 2018 hosts (retired)",
)
"""The guide's hosts: messaging keyed by user id with token:secret (catapult, retired in 2019;
API users retired 2026-12-02). Offered only against the sandbox, to replay the guide."""

#: Environment names Bandwidth's CLI accepts (``uat`` is an alias of ``test``).
ENVIRONMENTS = ("prod", "test", "uat")


def hosts_for_environment(name: str | None) -> Hosts:
    """The hosts for ``BW_ENVIRONMENT``: empty or ``prod`` -> production, ``test``/``uat`` ->
    the test environment. Anything else is refused rather than silently meaning production."""
    env = (name or "").strip().lower()
    if env in ("", "prod", "production"):
        return CURRENT_HOSTS
    if env in ("test", "uat"):
        return TEST_HOSTS
    raise ValueError(f"unknown Bandwidth environment {name!r} (expected prod or test)")


def hosts_for_settings(environment: str | None, dashboard_url: str = "") -> Hosts:
    """The hosts a person's settings mean: the environment's, except that a Dashboard URL on
    this machine (BW_API_URL pointing at a sandbox) brings the sandbox's token and messaging
    URLs with it, so a run aimed at the sandbox never asks Bandwidth's host for a token."""
    if dashboard_url and is_local_url(dashboard_url):
        parts = urlsplit(dashboard_url)
        return local_hosts(f"{parts.scheme}://{parts.netloc}")
    return hosts_for_environment(environment)


def local_hosts(base_url: str, *, guide: bool = False) -> Hosts:
    """Hosts for a sandbox at ``base_url``, laid out like Bandwidth's.

    Today's layout: Dashboard, platform APIs and messaging under ``/api/v2``. With ``guide``,
    the guide's: Dashboard at ``/api`` and catapult messaging at ``/v2``.
    """
    base = base_url.rstrip("/")
    if guide:
        return Hosts(
            dashboard_url=f"{base}/api",
            messaging_url=f"{base}/v2",
            oauth_token_url=f"{base}/api/v1/oauth2/token",
            environment="local",
            retired=True,
            label="the sandbox, in the guide's 2018 layout (retired)",
        )
    return Hosts(
        dashboard_url=f"{base}/api/v2",
        messaging_url=f"{base}/api/v2",
        oauth_token_url=f"{base}/api/v1/oauth2/token",
        environment="local",
        label="the sandbox",
    )


def messaging_generation(messaging_url: str) -> str:
    """``"guide"`` for the catapult-style ``.../v2`` base, ``"current"`` for ``.../api/v2``.

    Only used to word hints: the two generations take different credentials.
    """
    parts = urlsplit(messaging_url)
    if "catapult" in parts.netloc:
        return "guide"
    path = parts.path.rstrip("/")
    if path.endswith("/v2") and not path.endswith("/api/v2"):
        return "guide"
    return "current"
