"""Who may call what: the sandbox checks credentials exactly where Bandwidth does.

- Dashboard (/api/accounts/...): Basic `username:password`, or an OAuth2 bearer token.
- Today's messaging (/api/v2/users/{accountId}/messages): the same as the Dashboard.
- The guide's messaging (/v2/users/{userId}/messages): Basic `token:secret`.
Comparisons are constant-time; nothing here logs or returns a credential.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from starlette.requests import Request

from wizard.sandbox.state import SandboxState


@dataclass(frozen=True)
class Presented:
    """What the Authorization header carried, already decoded."""

    scheme: str
    user: str = ""
    password: str = ""
    token: str = ""


def presented(request: Request) -> Presented | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, sep, password = decoded.partition(":")
        if not sep:
            return None
        return Presented("basic", user=user, password=password)
    if scheme == "bearer" and value:
        return Presented("bearer", token=value)
    return None


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def basic_matches(creds: Presented | None, user: str, password: str) -> bool:
    if creds is None or creds.scheme != "basic":
        return False
    # Evaluate both so timing does not reveal which half was wrong.
    user_ok = _same(creds.user, user)
    password_ok = _same(creds.password, password)
    return user_ok and password_ok


def dashboard_allowed(request: Request, state: SandboxState) -> bool:
    """Dashboard API user or a live OAuth2 token."""
    creds = presented(request)
    if creds is None:
        return False
    if creds.scheme == "bearer":
        return state.token_valid(creds.token)
    identity = state.identity
    return basic_matches(creds, identity.username, identity.password)


def legacy_messaging_allowed(request: Request, state: SandboxState) -> bool:
    """The guide's catapult messaging API: Basic token:secret."""
    identity = state.identity
    return basic_matches(presented(request), identity.token, identity.secret)
