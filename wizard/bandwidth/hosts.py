"""Base URLs of the Bandwidth APIs, as settings with the two known generations as defaults.

The guide (2018) sends messages to the retired catapult host; today's accounts use
messaging.bandwidth.com. Neither is hard-coded in a client: callers pick a :class:`Hosts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Hosts:
    """Where each API lives; every field is a base URL without a trailing slash."""

    dashboard_url: str
    """Phone Number (Dashboard) API base, e.g. ``https://dashboard.bandwidth.com/api``."""
    messaging_url: str
    """Messaging API base; ``/users/{id}/messages`` is appended to it."""
    oauth_token_url: str
    """Full URL of the OAuth2 token endpoint."""


CURRENT_HOSTS = Hosts(
    dashboard_url="https://dashboard.bandwidth.com/api",
    messaging_url="https://messaging.bandwidth.com/api/v2",
    oauth_token_url="https://api.bandwidth.com/api/v1/oauth2/token",
)
"""Today's hosts: messaging keyed by account id, Dashboard credentials or OAuth2."""

GUIDE_HOSTS = Hosts(
    dashboard_url="https://dashboard.bandwidth.com/api",
    messaging_url="https://api.catapult.inetwork.com/v2",
    oauth_token_url="https://api.bandwidth.com/api/v1/oauth2/token",
)
"""The guide's hosts: messaging keyed by user id with token:secret (retired in 2019)."""


def local_hosts(base_url: str, *, guide: bool = False) -> Hosts:
    """Hosts for a sandbox at ``base_url``, laid out like Bandwidth's.

    Dashboard at ``/api``, messaging at ``/api/v2`` (today) or ``/v2`` (the guide's).
    """
    base = base_url.rstrip("/")
    return Hosts(
        dashboard_url=f"{base}/api",
        messaging_url=f"{base}/v2" if guide else f"{base}/api/v2",
        oauth_token_url=f"{base}/api/v1/oauth2/token",
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
