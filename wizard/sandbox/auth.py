"""Reading credentials off a request, and the guide's retired messaging API's own check.

- Dashboard, today's messaging, 10DLC and toll-free verification: an OAuth2 bearer token (or,
  only with `legacy_api_users`, the 2018 API user over Basic); see `access`.
- The guide's messaging (/v2/users/{userId}/messages, retired catapult API): Basic
  `token:secret`, always, because it is how the sandbox replays the guide.
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


def legacy_messaging_allowed(request: Request, state: SandboxState) -> bool:
    """The guide's catapult messaging API: Basic token:secret."""
    identity = state.identity
    return basic_matches(presented(request), identity.token, identity.secret)
