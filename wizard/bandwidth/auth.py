"""Credentials as httpx auth flows, so clients never handle secrets themselves.

Two schemes: Basic (the guide's Dashboard username:password and messaging token:secret) and
OAuth2 client credentials (today's accounts). Both keep the secret in a private attribute and
leave it out of ``repr``, so a stray log line or traceback cannot leak it.

They implement httpx's auth-flow protocol (``sync_auth_flow`` / ``async_auth_flow``) without
subclassing ``httpx.Auth``, so building credentials (which the wizard does as soon as it knows
them, before any request) does not import httpx; `as_httpx_auth` hands them to httpx when a
request is actually sent.
"""

from __future__ import annotations

import asyncio
import functools
import time
from base64 import b64encode
from collections.abc import AsyncGenerator, Callable, Generator
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
    "as_httpx_auth",
    "auth_scheme",
    "basic_auth",
]


def _basic_header(user: str, password: str) -> str:
    raw = f"{user}:{password}".encode()
    return "Basic " + b64encode(raw).decode("ascii")


class BasicAuth:
    """HTTP Basic with a repr that shows the user name and hides the password."""

    scheme = "basic"
    requires_request_body = False
    requires_response_body = False

    def __init__(self, username: str, password: str) -> None:
        self.username = username
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


def basic_auth(user: str, password: str) -> BasicAuth:
    """Basic credentials for the Dashboard API (username:password) or the guide's messaging API
    (token:secret)."""
    return BasicAuth(user, password)


class OAuth2ClientCredentials:
    """OAuth2 client-credentials bearer auth with a shared, self-renewing token.

    The token is fetched through the same ``httpx.AsyncClient`` that sends the request (so it
    shares its timeouts, transport and keep-alive), cached, and fetched again ``refresh_margin``
    seconds before it expires. An ``asyncio.Lock`` makes concurrent requests wait for one fetch
    instead of each fetching their own. If the API answers 401 to a cached token (revoked, clock
    skew), the token is fetched once more and the request repeated once.
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

    def _token_request(self) -> httpx.Request:
        import httpx

        return httpx.Request(
            "POST",
            self.token_url,
            data={"grant_type": "client_credentials"},
            headers={
                "Authorization": _basic_header(self.client_id, self.__client_secret),
                "Accept": "application/json",
            },
        )

    def _store(self, response: httpx.Response) -> str:
        if response.status_code != 200:
            raise self._token_error(response)
        try:
            payload: Any = response.json()
            token = str(payload["access_token"])
            expires_in = float(payload.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise BandwidthError(
                "The OAuth2 token endpoint answered without a usable access_token",
                status=response.status_code,
                kind="general",
                method="POST",
                url=self.token_url,
                hint="Check that the token URL is Bandwidth's OAuth2 token endpoint.",
            ) from exc
        # Never refresh more often than half the lifetime, however short the token lives.
        margin = min(self.refresh_margin, expires_in / 2)
        self.__token = token
        self.__expires_at = self._clock() + expires_in - margin
        self.fetch_count += 1
        return token

    def _token_error(self, response: httpx.Response) -> BandwidthError:
        status = response.status_code
        description = "The OAuth2 token endpoint refused the client credentials"
        code = None
        try:
            payload = response.json()
            if isinstance(payload, dict):
                code = payload.get("error") or payload.get("type")
                detail = payload.get("error_description") or payload.get("description")
                if detail:
                    description = f"{description}: {detail}"
        except ValueError:
            pass
        if status >= 500:
            description = f"The OAuth2 token endpoint failed (HTTP {status})"
        kind = "auth" if status in (400, 401, 403) else kind_for(status, None)
        hint = hint_for(
            kind=kind,
            status=401 if kind == "auth" else status,
            code=None,
            api="oauth",
            credentials="the OAuth2 client id and client secret",
            url=self.token_url,
        )
        return BandwidthError(
            description,
            status=status,
            code=str(code) if code else None,
            kind=kind,
            method="POST",
            url=self.token_url,
            hint=hint,
        )

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
                    token = self._store(token_response)
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
                current = self._store(token_response)
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
