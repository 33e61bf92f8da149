"""The request/retry core shared by every API client.

One ``httpx.AsyncClient`` per connection (:class:`ConnectionPool`: keep-alive, explicit
timeouts), shared by the clients of one connection, built on the first request and using the
process's one TLS context (:func:`shared_ssl_context`); every request goes through
:meth:`HttpCore.send`, which announces it (``on_request``), retries what is safe to retry, and
turns every failure (error XML or JSON, HTML pages, empty bodies, refused connections,
timeouts) into one :class:`~wizard.bandwidth.errors.BandwidthError`.

What is safe to retry: a GET, or an idempotent PUT/DELETE, on connection errors, 5xx and 429.
A POST is sent at most once after an unknown outcome (a read timeout, a dropped connection, a
5xx): the create may have happened, and the steps look it up. Two exceptions, both because
nothing was accepted: a connection that could not even be opened
(``httpx.ConnectError``/``ConnectTimeout``), and a 429 on a request that declares 429 safe
(message create: Bandwidth's 429 means the queue refused the message), which waits for the
``X-RateLimit-Reset``/``Retry-After`` the server gave.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import random
import re
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from .auth import ApiAuth, BasicAuth, as_httpx_auth, auth_scheme, token_refusal
from .errors import BandwidthConnectionError, BandwidthError, FieldError
from .gate import RequestGate
from .hints import credential_phrase, hint_for, kind_for
from .hosts import is_local_url
from .models import RequestInfo
from .xml import MASK, PASSWORD_RE, XmlDecodeError, find_errors, mask_passwords, parse

if TYPE_CHECKING:
    # httpx (and httpcore, anyio and its CLI's click and pygments under it) loads on the
    # first request, not when clients are built: the wizard builds them as soon as it knows
    # the credentials, long before (or without ever) sending anything.
    import httpx

    #: Connect quickly (a wrong host should fail fast), but give slow API answers time.
    DEFAULT_TIMEOUT: httpx.Timeout


@functools.cache
def _default_timeout() -> httpx.Timeout:
    import httpx

    return httpx.Timeout(connect=5.0, read=20.0, write=20.0, pool=5.0)


def __getattr__(name: str) -> Any:
    # DEFAULT_TIMEOUT is an httpx.Timeout, made when first asked for (see TYPE_CHECKING above).
    if name == "DEFAULT_TIMEOUT":
        return _default_timeout()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _timeout(value: httpx.Timeout | float | None) -> httpx.Timeout:
    """None -> DEFAULT_TIMEOUT; a number -> that many seconds (connecting: 5 s at most)."""
    import httpx

    if value is None:
        return _default_timeout()
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(value, connect=min(5.0, float(value)))


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """The verifying TLS context every client in this process uses (httpx's own default:
    certifi's bundle, or SSL_CERT_FILE / SSL_CERT_DIR).

    Building one loads the whole CA bundle (about 20 ms), and httpx builds a new one for every
    client it makes unless given one. Contexts are safe to share between clients, loops and
    threads.
    """
    import httpx

    return httpx.create_ssl_context()


@functools.cache
def _no_tls_context() -> ssl.SSLContext:
    """For a pool whose hosts are all plain http (the local sandbox): httpx builds a TLS
    context with every client even when no request will use one, and loading the CA bundle is
    about 20 ms of start-up. This one verifies like any other but trusts no CA, so an https
    request that reached it anyway would fail closed, never go unverified."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


USER_AGENT = "bw-wizard/0.1 (+httpx)"

OnRequest = Callable[[RequestInfo], Awaitable[None] | None]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try an idempotent request again.

    Delays grow ``base_delay * 2**n`` up to ``max_delay`` with jitter; a server's
    ``X-RateLimit-Reset``/``Retry-After`` wins over the computed delay. Retrying stops after
    ``max_attempts`` tries or when the next wait would take the total past ``max_total_wait``.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_total_wait: float = 30.0
    jitter: float = 0.25
    """Fraction of each computed delay that is randomised (0 = none)."""
    count_rate_limits: bool = True
    """False: a 429 that names its reset (``X-RateLimit-Reset``/``Retry-After``) does not use
    up an attempt; only ``max_total_wait`` bounds how long a request waits out resets. For a
    long read-only walk, where a storm of 429s is the server pacing it, not failing."""


NO_RETRY = RetryPolicy(max_attempts=1)


def header_delay(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asked us to wait: ``X-RateLimit-Reset`` (epoch seconds) or
    ``Retry-After`` (seconds or an HTTP date); None when it said nothing usable."""
    reset = headers.get("x-ratelimit-reset")
    if reset:
        try:
            value = float(reset)
        except ValueError:
            value = None
        if value is not None:
            if value > 100_000_000_000:  # epoch milliseconds
                value /= 1000.0
            # Some servers send a delta instead of an epoch; anything under a year is a delta.
            return max(0.0, value - now) if value > 31_536_000 else max(0.0, value)
    after = headers.get("retry-after")
    if after:
        try:
            return max(0.0, float(after))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(after).timestamp() - now)
            except (TypeError, ValueError):
                return None
    return None


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (anyio hides the OSError two deep)."""
    out: list[BaseException] = []
    stack: list[BaseException | None] = [exc]
    while stack and len(out) < 20:
        current = stack.pop()
        if current is None or any(current is seen for seen in out):
            continue
        out.append(current)
        stack.extend([current.__cause__, current.__context__])
        stack.extend(getattr(current, "exceptions", ()) or ())
    return out


def _is_html(content_type: str, body: bytes) -> bool:
    if "html" in content_type:
        return True
    head = body.lstrip()[:64].lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _html_title(body: bytes) -> str:
    match = re.search(rb"<title[^>]*>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
    if not match:
        return ""
    return " ".join(match.group(1).decode("utf-8", "replace").split())[:120]


def _is_json(content_type: str, body: bytes) -> bool:
    return "json" in content_type or body.lstrip()[:1] in (b"{", b"[")


def _is_xml(content_type: str, body: bytes) -> bool:
    return "xml" in content_type or body.lstrip()[:1] == b"<"


class ConnectionPool:
    """The ``httpx.AsyncClient`` (keep-alive connections) one or more API clients send through.

    `connect.build_clients` gives the Dashboard and messaging clients one pool, so a
    connection to a host serves both (the sandbox is one host; so is a proxy) and the wizard
    opens one connection where it used to open two. Credentials, ``Accept`` and timeouts are
    sent with each request, so sharing a pool never mixes them up. Made on first use: a
    client that is built but never used (the first screen) pays nothing for it.

    ``gate`` (a :class:`~wizard.bandwidth.gate.RequestGate`) bounds how many requests of every
    client on the pool are in flight together and pauses them all after a 429; without one,
    requests go as their callers send them (the wizard's steps send one at a time).
    ``max_connections`` sizes httpx's pool to match, so requests the gate lets through never
    queue for a connection inside httpx. ``tls=False`` is for hosts that are all plain http:
    the pool then skips loading the CA bundle (see `_no_tls_context`).
    """

    def __init__(
        self,
        *,
        timeout: httpx.Timeout | float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        auth: ApiAuth | None = None,
        accept: str | None = None,
        gate: RequestGate | None = None,
        max_connections: int | None = None,
        tls: bool = True,
    ) -> None:
        self._timeout = timeout
        self._tls = tls
        self._transport = transport
        self._auth = auth
        self._accept = accept
        self.gate = gate
        """Shared by every client on this pool; None: no limit of its own."""
        self._max_connections = max_connections
        self._client: httpx.AsyncClient | None = None
        self._closed = False

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            if self._closed:
                raise RuntimeError("Cannot send a request, as the client has been closed.")
            import httpx

            headers = {"User-Agent": USER_AGENT}
            if self._accept:
                headers["Accept"] = self._accept
            extra: dict[str, Any] = {}
            if self._max_connections is not None:
                extra["limits"] = httpx.Limits(
                    max_connections=self._max_connections,
                    max_keepalive_connections=self._max_connections,
                )
            self._client = httpx.AsyncClient(
                auth=as_httpx_auth(self._auth),
                timeout=_timeout(self._timeout),
                transport=self._transport,
                verify=shared_ssl_context() if self._tls else _no_tls_context(),
                headers=headers,
                follow_redirects=False,
                **extra,
            )
        return self._client

    @property
    def is_closed(self) -> bool:
        return self._closed or (self._client is not None and self._client.is_closed)

    async def aclose(self) -> None:
        self._closed = True
        if self._client is not None:
            await self._client.aclose()


class HttpCore:
    """The request, retry and error policy of one API client, over a `ConnectionPool` (its
    own, or one shared with the other API client of the same connection)."""

    def __init__(
        self,
        base_url: str,
        auth: ApiAuth | None,
        *,
        api: str,
        accept: str,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_request: OnRequest | None = None,
        sleep: Sleep | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
        generation: str = "current",
        pool: ConnectionPool | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api = api
        self.retry = retry or RetryPolicy()
        self._auth = auth
        self._on_request = on_request
        self._sleep = sleep or asyncio.sleep
        self._clock = clock or time.time
        self._rng = rng or random.Random()
        self._credentials = credential_phrase(api, auth_scheme(auth), generation)
        self._timeout_setting = timeout
        self._accept = accept
        self._owns_pool = pool is None
        self._pool = pool or ConnectionPool(
            timeout=timeout,
            transport=transport,
            auth=auth,
            accept=accept,
            tls=not self.base_url.startswith("http://"),
        )
        self._closed = False
        self._retired_basic = (
            isinstance(auth, BasicAuth) and not auth.allow_remote and not is_local_url(base_url)
        )

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def _client(self) -> httpx.AsyncClient:
        if self._closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        return self._pool.client

    @functools.cached_property
    def _timeout(self) -> httpx.Timeout:
        return _timeout(self._timeout_setting)

    @functools.cached_property
    def _httpx_auth(self) -> httpx.Auth | None:
        return as_httpx_auth(self._auth)

    @property
    def is_closed(self) -> bool:
        return self._closed or self._pool.is_closed

    async def aclose(self) -> None:
        """Close the pool if it is this client's own; a shared one is closed by its owner."""
        self._closed = True
        if self._owns_pool:
            await self._pool.aclose()

    def url(self, path: str) -> str:
        if not path:
            return self.base_url
        return f"{self.base_url}/{path.lstrip('/')}"

    def _refuse_retired_basic(self, method: str, url: str) -> BandwidthError:
        """Username/password (or token:secret) to a real host: Bandwidth stopped accepting API
        users on 2026-12-02 and the catapult API is gone, so the request is not sent at all
        (sending it would only put a password on the wire to earn a 401)."""
        if "retired Voice & Messaging" in self._credentials:
            description = (
                f"Not sent: {url} is not a local sandbox, and the guide's catapult messaging "
                "API (token and secret) no longer exists"
            )
            hint = (
                "Bandwidth retired the catapult API in 2019; only the sandbox still answers it. "
                "Send with today's messaging API and API Credentials (client id and secret)."
            )
        else:
            description = (
                f"Not sent: {url} is not a local sandbox, and Bandwidth no longer accepts a "
                "username and password"
            )
            hint = hint_for(kind="auth", status=401, code=None, api=self.api, credentials="")
        return BandwidthError(description, kind="auth", method=method.upper(), url=url, hint=hint)

    # -- sending ---------------------------------------------------------------------------

    async def send(
        self,
        method: str,
        path: str,
        *,
        content: str | None = None,
        content_type: str | None = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        retry_429: bool = False,
        role: str | None = None,
    ) -> httpx.Response:
        """Send with retries; return a 2xx response (body read) or raise BandwidthError.

        ``retry_429``: a 429 means the server accepted nothing, so even a POST is sent again
        after the wait it asked for (message create). ``role``: the role a 403 means is
        missing, named in the error (``missing_role``) and its hint.
        """
        import httpx

        url = self.url(path)
        if self._retired_basic:
            raise self._refuse_retired_basic(method, url)
        if idempotent is None:
            idempotent = method.upper() in ("GET", "HEAD")
        policy = self.retry
        headers = {"Accept": self._accept}
        if content_type:
            headers["Content-Type"] = content_type
        body_bytes = content.encode("utf-8") if content is not None else None
        shown_url = str(httpx.URL(url, params=params)) if params else url
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            await self._announce(
                RequestInfo(method.upper(), shown_url, mask_passwords(content or ""), attempt)
            )
            failure: BandwidthError
            retryable: bool
            server_wait: float | None = None
            gate = self._pool.gate
            ticket = await gate.enter(self._clock, self._sleep) if gate is not None else 0
            try:
                try:
                    response = await self._client.request(
                        method,
                        url,
                        content=body_bytes,
                        params=params,
                        headers=headers,
                        auth=self._httpx_auth,
                        timeout=self._timeout,
                    )
                finally:
                    if gate is not None:
                        gate.leave()
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                failure = self._connection_error(exc, method, shown_url)
                retryable = True  # nothing reached the server
            except httpx.TimeoutException as exc:
                failure = self._connection_error(exc, method, shown_url)
                retryable = False  # may have been received; a read timeout is already long
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                failure = self._connection_error(exc, method, shown_url)
                retryable = idempotent
            except httpx.HTTPError as exc:
                failure = self._connection_error(exc, method, shown_url)
                retryable = False
            else:
                if response.is_success:
                    if gate is not None:
                        gate.widen(ticket)
                    return response
                failure = self.error_from_response(response, role=role)
                server_wait = header_delay(response.headers, self._clock())
                if server_wait is not None:
                    failure.retry_after = server_wait
                    failure.hint = self._hint(failure)
                    failure.args = (str(failure),)
                if gate is not None and response.status_code == 429:
                    # Everyone on this connection waits for the reset, not just this request.
                    pause = server_wait if server_wait is not None else policy.base_delay
                    gate.hold(self._clock() + pause, asked=pause)
                retryable = (
                    idempotent and (response.status_code == 429 or response.status_code >= 500)
                ) or (retry_429 and response.status_code == 429)
                if (
                    retryable
                    and response.status_code == 429
                    and server_wait is not None
                    and not policy.count_rate_limits
                ):
                    attempt -= 1  # waiting out a named reset is not a failed try
            if not retryable or attempt >= policy.max_attempts:
                raise self._scrub_error(failure, content)
            delay = self._delay(attempt, server_wait)
            if waited + delay > policy.max_total_wait:
                raise self._scrub_error(failure, content)
            waited += delay
            await self._sleep(delay)

    def _delay(self, attempt: int, server_wait: float | None) -> float:
        policy = self.retry
        if server_wait is not None:
            # Honour the server; add a little jitter so many clients do not return together.
            return server_wait + self._rng.uniform(0, policy.jitter * policy.base_delay)
        delay = min(policy.max_delay, policy.base_delay * (2 ** (attempt - 1)))
        return delay * (1 - policy.jitter * self._rng.random())

    async def _announce(self, info: RequestInfo) -> None:
        if self._on_request is None:
            return
        result = self._on_request(info)
        if inspect.isawaitable(result):
            await result

    # -- errors ----------------------------------------------------------------------------

    def _scrub(self, value: str, extra: tuple[str, ...] = ()) -> str:
        secrets = (*getattr(self._auth, "secret_values", lambda: ())(), *extra)
        for secret in secrets:
            if secret and len(secret) >= 3:
                value = value.replace(secret, MASK)
        return value

    def _scrub_error(self, error: BandwidthError, content: str | None) -> BandwidthError:
        """Mask credentials (and any password the request carried) a server echoed back."""
        extra = tuple(m.group(3) for m in PASSWORD_RE.finditer(content or ""))
        error.message = self._scrub(error.message, extra)
        error.field_errors = [
            FieldError(f.field, self._scrub(f.description, extra)) for f in error.field_errors
        ]
        error.args = (str(error),)
        return error

    def _hint(self, error: BandwidthError, *, html: bool = False, refused: bool = False) -> str:
        claims = getattr(self._auth, "claims", None)
        return hint_for(
            role=error.missing_role,
            description=error.message,
            build_trial=bool(getattr(claims, "express", False)),
            kind=error.kind,
            status=error.status,
            code=error.code,
            api=self.api,
            credentials=self._credentials,
            url=error.url or self.base_url,
            retry_after=error.retry_after,
            html=html,
            refused=refused,
        )

    def _connection_error(
        self, exc: httpx.HTTPError, method: str, url: str
    ) -> BandwidthConnectionError:
        import httpx

        host = httpx.URL(url).host
        refused = False
        if isinstance(exc, httpx.TimeoutException):
            kind = "timeout"
            phase = {
                httpx.ConnectTimeout: "opening a connection",
                httpx.ReadTimeout: "waiting for the answer",
                httpx.WriteTimeout: "sending the request",
                httpx.PoolTimeout: "waiting for a free connection",
            }.get(type(exc), "waiting")
            description = f"{host} timed out while {phase}"
        elif isinstance(exc, httpx.ConnectError):
            kind = "network"
            causes = _causes(exc)
            refused = any(isinstance(c, ConnectionRefusedError) for c in causes)
            if refused:
                description = f"The connection to {host} was refused"
            elif any(isinstance(c, socket.gaierror) for c in causes):
                description = f"The host name {host} could not be found"
            else:
                description = f"Could not connect to {host}"
        elif isinstance(exc, httpx.RemoteProtocolError):
            kind = "network"
            description = f"{host} closed the connection without a complete answer"
        else:
            kind = "network"
            description = f"The connection to {host} failed ({type(exc).__name__})"
        error = BandwidthConnectionError(
            self._scrub(description), kind=kind, method=method.upper(), url=url
        )
        error.hint = self._hint(error, refused=refused)
        error.args = (str(error),)
        return error

    def error_from_response(
        self,
        response: httpx.Response,
        *,
        errors: list[tuple[str | None, str]] | None = None,
        role: str | None = None,
    ) -> BandwidthError:
        """Read whatever error body came back (XML, JSON, HTML, nothing) into one error."""
        status = response.status_code
        body = response.content
        content_type = response.headers.get("content-type", "").lower()
        method = response.request.method
        url = str(response.request.url)
        code: str | None = None
        description = ""
        field_errors: list[FieldError] = []
        html = False
        if errors is None:
            errors = []
            if not body.strip():
                pass
            elif _is_html(content_type, body):
                html = True
                title = _html_title(body)
                description = f"The server answered with a web page (HTTP {status})" + (
                    f" titled {title!r}" if title else ""
                )
            elif _is_json(content_type, body):
                code, description, field_errors = _json_error(body)
            elif _is_xml(content_type, body):
                try:
                    errors = find_errors(parse(body))
                except XmlDecodeError:
                    description = f"The server answered HTTP {status} with malformed XML"
            else:
                snippet = " ".join(body[:200].decode("utf-8", "replace").split())
                description = f"The server answered HTTP {status}: {snippet}"
        if errors:
            code = errors[0][0]
            description = "; ".join(
                f"{d}" if i == 0 or not c else f"{d} (error {c})"
                for i, (c, d) in enumerate(errors)
                if d
            ) or (f"Bandwidth error {code}" if code else "")
        if not description:
            reason = response.reason_phrase or "error"
            description = f"The server answered HTTP {status} {reason} with no details"
        if self.api == "oauth" and not html and status in (400, 401, 403):
            refusal = token_refusal(
                status=status, code=code, detail=self._scrub(description), url=url
            )
            refusal.field_errors = field_errors
            return refusal
        kind = "general" if html and status < 400 else kind_for(status, code)
        error = BandwidthError(
            self._scrub(description),
            status=status,
            code=code,
            kind=kind,
            method=method,
            url=url,
            field_errors=field_errors,
            missing_role=role if kind == "forbidden" else None,
        )
        error.hint = self._hint(error, html=html)
        if response.is_redirect:
            target = response.headers.get("location", "")
            error.message = f"The server redirected the request to {target or 'elsewhere'}"
            error.hint = (
                "The base URL is probably not the API's (or needs https): check it; the wizard "
                "does not follow redirects so credentials are never sent to another host."
            )
        error.args = (str(error),)
        return error

    def unexpected(self, response: httpx.Response, what: str) -> BandwidthError:
        """An answer that is neither an error nor what the request should produce."""
        body = response.content
        content_type = response.headers.get("content-type", "").lower()
        if body.strip() and _is_html(content_type, body):
            return self.error_from_response(response)
        error = BandwidthError(
            f"The server answered HTTP {response.status_code} but {what}",
            status=response.status_code,
            kind="general",
            method=response.request.method,
            url=str(response.request.url),
        )
        error.hint = (
            "Check that the base URL points at the Bandwidth API (or the sandbox) and not at "
            "another service."
        )
        error.args = (str(error),)
        return error

    # -- bodies ----------------------------------------------------------------------------

    def xml_body(self, response: httpx.Response, *, allow_empty: bool = False) -> dict[str, Any]:
        """Parse an XML answer; an error list inside a 2xx answer raises BandwidthError."""
        body = response.content
        content_type = response.headers.get("content-type", "").lower()
        if not body.strip():
            if allow_empty:
                return {}
            raise self.unexpected(response, "with an empty body")
        if _is_html(content_type, body) or not _is_xml(content_type, body):
            raise self.unexpected(response, f"not with XML ({content_type or 'no content type'})")
        try:
            doc = parse(body)
        except XmlDecodeError as exc:
            raise self.unexpected(response, "with malformed XML") from exc
        errors = find_errors(doc)
        if errors:
            raise self.error_from_response(response, errors=errors)
        return doc

    def xml_bytes(self, response: httpx.Response) -> bytes:
        """An XML answer's body, unparsed, for a caller that reads it its own way (a large
        list); b"" for an empty one. Anything that is not XML raises BandwidthError."""
        body = response.content
        if not body.strip():
            return b""
        content_type = response.headers.get("content-type", "").lower()
        if _is_html(content_type, body) or not _is_xml(content_type, body):
            raise self.unexpected(response, f"not with XML ({content_type or 'no content type'})")
        return body

    def json_body(self, response: httpx.Response) -> Any:
        """Parse a JSON answer, or raise BandwidthError for anything else."""
        body = response.content
        content_type = response.headers.get("content-type", "").lower()
        if not body.strip():
            raise self.unexpected(response, "with an empty body")
        if _is_html(content_type, body) or not _is_json(content_type, body):
            raise self.unexpected(response, f"not with JSON ({content_type or 'no content type'})")
        try:
            return json.loads(body)
        except ValueError as exc:
            raise self.unexpected(response, "with malformed JSON") from exc


def _json_error(body: bytes) -> tuple[str | None, str, list[FieldError]]:
    """Every JSON error shape Bandwidth's APIs use, as (code, description, field errors).

    - messaging: ``{type, description, fieldErrors: [{fieldName, description}]}``;
    - toll-free verification: ``{type, description, errors: {field: [message, ...]}}``
      (dot notation for nested fields: ``businessContact.email``);
    - 10DLC: ``{errors: [{type, description}]}`` (Bandwidth/cli ``cmd/tendlc``);
    - OAuth2: ``{error, error_description}``.
    """
    try:
        payload = json.loads(body)
    except ValueError:
        return None, "The server answered with malformed JSON", []
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        payload = payload[0]
    if not isinstance(payload, dict):
        return None, "", []
    nested = payload.get("errors")
    if (
        isinstance(nested, list)
        and nested
        and isinstance(nested[0], dict)
        and not payload.get("description")
    ):
        first = nested[0]
        descriptions = [
            str(e.get("description") or e.get("message") or "")
            for e in nested
            if isinstance(e, dict)
        ]
        code = first.get("type") or first.get("code")
        return (
            (str(code) if code else None),
            "; ".join(d for d in descriptions if d),
            [],
        )
    code = payload.get("type") or payload.get("code") or payload.get("error")
    description = str(
        payload.get("description")
        or payload.get("message")
        or payload.get("error_description")
        or ""
    )
    fields = []
    entries = payload.get("fieldErrors")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            fields.append(
                FieldError(
                    str(entry.get("fieldName") or entry.get("field") or ""),
                    str(entry.get("description") or entry.get("message") or ""),
                )
            )
    if isinstance(nested, dict):
        for name, messages in nested.items():
            if isinstance(messages, list):
                text = "; ".join(str(m) for m in messages if isinstance(m, str | int | float))
            else:
                text = str(messages) if isinstance(messages, str | int | float) else ""
            fields.append(FieldError(str(name), text))
    return (str(code) if code else None), description, fields
