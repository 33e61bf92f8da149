"""Who is calling and what they may do: the sandbox decides it where Bandwidth does.

Since 2026-12-02 Bandwidth accepts only OAuth2 bearer tokens from API Credentials; an API user's
username and password (HTTP Basic) is refused with 401. `legacy_api_users` (config, run time and
`--legacy-api-users`) brings the 2018 behaviour back so the guide's own requests can be replayed:
then the built-in API user is accepted with every role on the main account.

A caller then needs the account in its token's `accounts` (else 403) and the role the route needs
(`roles.required_role`, else 403); a Bandwidth Build trial (`express`) is refused everything but
voice whatever its roles. How each refusal looks depends on the API and lives in `refusals`.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from wizard.sandbox import roles
from wizard.sandbox.auth import basic_matches, presented
from wizard.sandbox.state import SandboxState


@dataclass(frozen=True)
class Principal:
    """The caller, as far as the sandbox's checks are concerned."""

    kind: str
    """"oauth2" (a token) or "api-user" (Basic, only with legacy_api_users)."""
    name: str
    """Client id or API user name: what `CreatedByUser` shows."""
    accounts: tuple[str, ...]
    roles: frozenset[str]
    express: bool = False

    def may(self, role: str | None) -> bool:
        if role is None:
            return True
        if self.express and role in roles.BUILD_REFUSED:
            return False
        return role in self.roles


class Refusal(Exception):
    """Why a request is refused: 401 (who are you?) or 403 (not for you)."""

    def __init__(self, status: int, reason: str, role: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        """"credentials", "account", "role" or "express"."""
        self.role = role


def authenticate(request: Request, state: SandboxState) -> Principal | None:
    """The caller behind the Authorization header, or None."""
    creds = presented(request)
    if creds is None:
        return None
    if creds.scheme == "bearer":
        claims = state.token_claims(creds.token)
        if claims is None:
            return None
        return Principal(
            kind="oauth2",
            name=str(claims.get("client_id") or claims.get("sub") or ""),
            accounts=tuple(str(a) for a in claims.get("accounts") or ()),
            roles=frozenset(str(r) for r in claims.get("roles") or ()),
            express=bool(claims.get("express")),
        )
    identity = state.identity
    if state.config.legacy_api_users and basic_matches(creds, identity.username, identity.password):
        return Principal(
            kind="api-user",
            name=identity.username,
            accounts=(identity.account_id,),
            roles=frozenset(roles.EVERY_ROLE),
        )
    return None


def authorize(
    request: Request, state: SandboxState, account: str | None, role: str | None
) -> Principal:
    """The caller, if it may use `role` on `account` (None: the caller's own main account)."""
    principal = authenticate(request, state)
    if principal is None:
        raise Refusal(401, "credentials")
    if account is not None and account not in principal.accounts:
        raise Refusal(403, "account")
    if not principal.may(role):
        reason = "express" if principal.express and role in roles.BUILD_REFUSED else "role"
        raise Refusal(403, reason, role)
    request.state.principal = principal
    return principal


def principal_of(request: Request) -> Principal | None:
    """The caller `authorize` accepted for this request, if any."""
    return getattr(request.state, "principal", None)
