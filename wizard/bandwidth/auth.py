"""Credentials as httpx auth flows, so clients never handle secrets themselves.

Today's Bandwidth accepts one scheme: OAuth2 client credentials ("API Credentials": a client
id and a client secret made in the Bandwidth App). The access token it hands out is a JWT
whose payload says which accounts the credential may use, which roles it has and whether the
account is a Bandwidth Build trial; :class:`TokenClaims` reads that payload (no signature
check: the wizard only uses it to choose an account and to explain what the credential can
do, and Bandwidth checks the token on every request anyway).

Basic auth remains for one use only: the guide's retired catapult messaging API
(token:secret), which the sandbox still answers so the guide's requests can be replayed.
Bandwidth retired API users (username:password) on 2026-12-02, so :class:`BasicAuth` refuses to
go anywhere but a loopback host unless told otherwise.

Every credential keeps its secret in a private attribute and leaves it out of ``repr``; the
access token lives in memory only and is never part of a repr, an error or a log line.

They implement httpx's auth-flow protocol (``sync_auth_flow`` / ``async_auth_flow``) without
subclassing ``httpx.Auth``, so building credentials (which the wizard does as soon as it knows
them, before any request) does not import httpx; `as_httpx_auth` hands them to httpx when a
request is actually sent.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import json
import time
from base64 import b64encode
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from .errors import BandwidthError
from .hints import hint_for, kind_for
from .xml import MASK

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ApiAuth",
    "BasicAuth",
    "OAuth2ClientCredentials",
    "TokenClaims",
    "as_httpx_auth",
    "auth_scheme",
    "basic_auth",
    "decode_claims",
]


@dataclass(frozen=True)
class TokenClaims:
    """What a Bandwidth access token says about its credential (never the token itself)."""

    accounts: tuple[str, ...] = ()
    """Account ids the credential can use; empty for a system-wide credential."""
    roles: tuple[str, ...] = ()
    """Role names as Bandwidth spells them ("Campaign Management", ...)."""
    express: bool = False
    """True for a Bandwidth Build trial account (voice-only, credit-based)."""
    expires_at: datetime | None = None
    """``exp``, in UTC, when the token carries it."""
    issued_at: datetime | None = None
    """``iat``, in UTC, when the token carries it."""
    subject: str | None = None
    """``sub``: who the token was issued to, when it says."""

    @property
    def account_id(self) -> str | None:
        """The one account the credential can use, or None when it has several or none."""
        return self.accounts[0] if len(self.accounts) == 1 else None


def _claim_time(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _string_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if isinstance(v, str | int) and not isinstance(v, bool))


def decode_claims(token: str) -> TokenClaims:
    """Read a JWT's payload (``header.payload.signature``, base64url) without verifying it.

    Raises ValueError when the token is not a JWT with a JSON object payload; the message
    never contains the token.
    """
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        raise ValueError("the access token is not a JWT (header.payload.signature)")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise ValueError("the access token's payload is not base64url JSON") from exc
    if not isinstance(data, dict):
        raise ValueError("the access token's payload is not a JSON object")
    express = data.get("express")
    subject = data.get("sub")
    return TokenClaims(
        accounts=_string_list(data.get("accounts")),
        roles=_string_list(data.get("roles")),
        express=express is True or (isinstance(express, str) and express.lower() == "true"),
        expires_at=_claim_time(data.get("exp")),
        issued_at=_claim_time(data.get("iat")),
        subject=str(subject) if isinstance(subject, str | int) else None,
    )


def _basic_header(user: str, password: str) -> str:
    raw = f"{user}:{password}".encode()
    return "Basic " + b64encode(raw).decode("ascii")


class BasicAuth:
    """HTTP Basic with a repr that shows the user name and hides the password.

    For the guide's retired catapult messaging API (token:secret) against the sandbox. The
    clients refuse to send it to anything but a loopback host (Bandwidth retired username and
    password sign-in on 2026-12-02) unless ``allow_remote`` says the host is a sandbox too.
    """

    scheme = "basic"
    requires_request_body = False
    requires_response_body = False

    def __init__(self, username: str, password: str, *, allow_remote: bool = False) -> None:
        self.username = username
        self.allow_remote = allow_remote
        """True only for a sandbox that is not on loopback (another container, a VM)."""
        self.__header = _basic_header(username, password)
        self.__password = password

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.__header
        yield request

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        yield from self.auth_flow(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = self.__header
        yield request

    def secret_values(self) -> tuple[str, ...]:
        """The strings that must never appear in output (used to scrub error text)."""
        return (self.__password, self.__header.split(" ", 1)[1])

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password={MASK!r})"

    __str__ = __repr__


def basic_auth(user: str, password: str, *, allow_remote: bool = False) -> BasicAuth:
    """Basic credentials: the guide's messaging token:secret, or (with the sandbox's legacy
    switch on) a retired API user's username:password."""
    return BasicAuth(user, password, allow_remote=allow_remote)


class _ClientSecretBasic:
    """The client id and secret as the token endpoint wants them (HTTP Basic), for a token
    request sent through the ordinary request path (`wizard.bandwidth.signin`)."""

    scheme = "oauth"
    requires_request_body = False
    requires_response_body = False

    def __init__(self, header: str, secrets: tuple[str, ...]) -> None:
        self.__header = header
        self.__secrets = secrets

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.__header
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = self.__header
        yield request

    def secret_values(self) -> tuple[str, ...]:
        return (*self.__secrets, self.__header.split(" ", 1)[1])

    def __repr__(self) -> str:
        return f"ClientSecretBasic(client_secret={MASK!r})"

    __str__ = __repr__


TOKEN_FORM = "grant_type=client_credentials"
"""The token request's body (application/x-www-form-urlencoded)."""


class OAuth2ClientCredentials:
    """OAuth2 client-credentials bearer auth with a shared, self-renewing token.

    The token is fetched through the same ``httpx.AsyncClient`` that sends the request (so it
    shares its timeouts, transport and keep-alive), cached in memory, and fetched again when
    less than ``refresh_margin`` seconds of its life are left (a minute, as Bandwidth's CLI
    does). An ``asyncio.Lock`` makes concurrent requests wait for one fetch instead of each
    fetching their own. If the API answers 401 to a cached token (revoked, clock skew), the
    token is fetched once more and the request repeated once.

    :meth:`sign_in` fetches the token on purpose, before any other request, and hands back its
    :class:`TokenClaims`: the account id comes from there.
    """

    scheme = "oauth"
    requires_request_body = False
    requires_response_body = False

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.refresh_margin = refresh_margin
        self.__client_secret = client_secret
        self.__token: str | None = None
        self.__expires_at = 0.0
        self._claims: TokenClaims | None = None
        self._clock = clock
        self._lock = asyncio.Lock()
        self.fetch_count = 0
        """How many tokens were fetched; lets tests and diagnostics see the cache working."""

    # -- token cache -------------------------------------------------------------------

    def _valid_token(self) -> str | None:
        if self.__token is None:
            return None
        if self._clock() >= self.__expires_at:
            return None
        return self.__token

    def invalidate(self) -> None:
        """Forget the cached token so the next request fetches a new one."""
        self.__token = None
        self.__expires_at = 0.0

    @property
    def has_token(self) -> bool:
        """True when a cached token is still good to use."""
        return self._valid_token() is not None

    @property
    def claims(self) -> TokenClaims | None:
        """What the newest token said (accounts, roles, express), or None before the first
        token, or when the token was not a readable JWT."""
        return self._claims

    def _token_request(self) -> httpx.Request:
        import httpx

        return httpx.Request(
            "POST",
            self.token_url,
            content=TOKEN_FORM.encode("ascii"),
            headers={
                "Authorization": _basic_header(self.client_id, self.__client_secret),
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )

    def token_endpoint_auth(self) -> _ClientSecretBasic:
        """The client id and secret as a Basic auth flow for the token endpoint itself."""
        return _ClientSecretBasic(
            _basic_header(self.client_id, self.__client_secret), (self.__client_secret,)
        )

    def store_token_answer(self, response: httpx.Response) -> TokenClaims | None:
        """Take the token out of a token-endpoint answer; raise BandwidthError when there is none.

        A 2xx answer that is not JSON is what a proxy, a captive portal or a wrong host gives
        (Bandwidth's own endpoint always answers JSON), so it is reported as that, with the URL
        that was asked, rather than as a parse error.
        """
        if not 200 <= response.status_code < 300:
            raise self._token_error(response)
        try:
            payload: Any = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise BandwidthError(
                f"The token endpoint at {self.token_url} answered HTTP {response.status_code} "
                "but not with JSON: that is a proxy or a wrong host, not Bandwidth",
                status=response.status_code,
                kind="general",
                method="POST",
                url=self.token_url,
                hint=(
                    "Check the token URL (Bandwidth's is "
                    "https://api.bandwidth.com/api/v1/oauth2/token) and any proxy settings "
                    "(HTTPS_PROXY) between you and Bandwidth."
                ),
            )
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            raise BandwidthError(
                f"The token endpoint at {self.token_url} answered without an access_token",
                status=response.status_code,
                kind="general",
                method="POST",
                url=self.token_url,
                hint="Check that the token URL is Bandwidth's OAuth2 token endpoint.",
            )
        try:
            expires_in = float(payload.get("expires_in") or 3600)
        except (TypeError, ValueError):
            expires_in = 3600.0  # Bandwidth's CLI assumes an hour when none is given
        if expires_in <= 0:
            expires_in = 3600.0
        # Never refresh more often than half the lifetime, however short the token lives.
        margin = min(self.refresh_margin, expires_in / 2)
        self.__token = token
        self.__expires_at = self._clock() + expires_in - margin
        try:
            self._claims = decode_claims(token)
        except ValueError:
            self._claims = None
        self.fetch_count += 1
        return self._claims

    def _token_error(self, response: httpx.Response) -> BandwidthError:
        status = response.status_code
        code = None
        detail = ""
        try:
            payload = response.json()
            if isinstance(payload, dict):
                code = payload.get("error") or payload.get("type")
                detail = str(payload.get("error_description") or payload.get("description") or "")
        except ValueError:
            pass
        return token_refusal(
            status=status, code=str(code) if code else None, detail=detail, url=self.token_url
        )

    async def sign_in(
        self, send: Callable[[], Awaitable[httpx.Response]], *, force: bool = False
    ) -> TokenClaims:
        """Fetch a token with ``send`` (unless a good one is cached) and return its claims.

        ``send`` posts :attr:`token_endpoint_auth` + :data:`TOKEN_FORM` to :attr:`token_url`
        and returns the 2xx answer (`wizard.bandwidth.signin.sign_in` builds it on the
        ordinary request path). Raises BandwidthError when the token is not a readable JWT:
        the account id has to come from somewhere.
        """
        async with self._lock:
            if force or self._valid_token() is None:
                self.store_token_answer(await send())
        if self._claims is None:
            raise BandwidthError(
                f"The token from {self.token_url} is not a JWT the wizard can read, so it names "
                "no account",
                kind="general",
                method="POST",
                url=self.token_url,
                hint=(
                    "Check that the token URL is Bandwidth's "
                    "(https://api.bandwidth.com/api/v1/oauth2/token); if it is, enter the "
                    "account id by hand."
                ),
            )
        return self._claims

    # -- httpx.Auth ----------------------------------------------------------------------

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("OAuth2ClientCredentials works with httpx.AsyncClient only")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._valid_token()
        fetched = False
        if token is None:
            async with self._lock:
                token = self._valid_token()
                if token is None:
                    token_response = yield self._token_request()
                    await token_response.aread()
                    self.store_token_answer(token_response)
                    token = self._valid_token()
                    fetched = True
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401 or fetched:
            return
        # A cached token was refused: fetch a new one (unless another request already did).
        async with self._lock:
            current = self._valid_token()
            if current is None or current == token:
                self.invalidate()
                token_response = yield self._token_request()
                await token_response.aread()
                self.store_token_answer(token_response)
                current = self._valid_token()
        request.headers["Authorization"] = f"Bearer {current}"
        yield request

    def secret_values(self) -> tuple[str, ...]:
        """The strings that must never appear in output (used to scrub error text)."""
        values = [self.__client_secret]
        if self.__token:
            values.append(self.__token)
        return tuple(values)

    def __repr__(self) -> str:
        return (
            f"OAuth2ClientCredentials(token_url={self.token_url!r}, "
            f"client_id={self.client_id!r}, client_secret={MASK!r})"
        )

    __str__ = __repr__


def token_refusal(*, status: int, code: str | None, detail: str, url: str) -> BandwidthError:
    """The error for a token endpoint that did not hand out a token.

    400/401/403 there all mean the client id or secret is wrong (OAuth2 answers
    ``invalid_client`` with any of them), so they share one kind and one next step.
    """
    refused = status in (400, 401, 403)
    if refused:
        description = "Bandwidth refused the client id and client secret"
        kind = "auth"
    elif status >= 500:
        description = f"The OAuth2 token endpoint failed (HTTP {status})"
        kind = kind_for(status, None)
    else:
        description = f"The OAuth2 token endpoint answered HTTP {status} without a token"
        kind = kind_for(status, None)
    if detail:
        description = f"{description}: {detail}"
    hint = hint_for(
        kind=kind,
        status=401 if refused else status,
        code=None,
        api="oauth",
        url=url,
    )
    return BandwidthError(
        description, status=status, code=code, kind=kind, method="POST", url=url, hint=hint
    )


ApiAuth: TypeAlias = "BasicAuth | OAuth2ClientCredentials | httpx.Auth"
"""What the clients accept as credentials: ours, or any ``httpx.Auth``."""


def auth_scheme(auth: ApiAuth | None) -> str:
    """``"oauth"`` or ``"basic"``: which credential set a 401 is about."""
    return getattr(auth, "scheme", "basic")


def as_httpx_auth(auth: ApiAuth | None) -> httpx.Auth | None:
    """The credentials as httpx wants them: an ``httpx.Auth`` is passed through, ours are
    wrapped in one that runs their own flow (same requests, same token cache)."""
    import httpx

    if auth is None or isinstance(auth, httpx.Auth):
        return auth
    return _adapter_type()(auth)


@functools.cache
def _adapter_type() -> type[httpx.Auth]:
    import httpx

    class AuthFlow(httpx.Auth):
        """Runs one of this module's credentials as an ``httpx.Auth``."""

        def __init__(self, auth: Any) -> None:
            self.auth = auth

        def sync_auth_flow(
            self, request: httpx.Request
        ) -> Generator[httpx.Request, httpx.Response, None]:
            return self.auth.sync_auth_flow(request)  # type: ignore[no-any-return]

        def async_auth_flow(
            self, request: httpx.Request
        ) -> AsyncGenerator[httpx.Request, httpx.Response]:
            return self.auth.async_auth_flow(request)  # type: ignore[no-any-return]

        def __repr__(self) -> str:
            return repr(self.auth)

    return AuthFlow
