"""Is a callback URL there for Bandwidth? One POST that carries no event and sends no message.

Bandwidth POSTs each message event to the application's callback URL without credentials first,
and sends the callback credentials only when the answer is 401 with ``WWW-Authenticate: Basic``
(api-docs ``site/docs/numbers/webhooks.md``); it gives a receiver 10 s to answer
(``site/docs/messaging/webhooks.mdx``). The probe asks the same question the same way: an
unauthenticated POST of an empty JSON array (``[]``: no event, so a handler that does accept it
has nothing to act on), and notes the status, the challenge and how long the answer took. It
never follows a redirect (Bandwidth's POST would not arrive where it points either) and never
sends credentials, so no password can leave this machine through it.

What the answer means for a given application is judged elsewhere (``wizard.status.checks``):
the probe only reports.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

__all__ = ["PROBE_TIMEOUT", "ProbeResult", "probe_callback_url", "probe_client"]

PROBE_TIMEOUT = 10.0
"""Bandwidth's own limit: an answer slower than this counts as a failed delivery."""

PROBE_BODY = b"[]"
PROBE_USER_AGENT = "bw-wizard-status (callback probe; carries no event)"


@dataclass(frozen=True)
class ProbeResult:
    """What one unauthenticated POST to a callback URL got back."""

    url: str
    status: int | None = None
    """The HTTP status, or None when no answer came (see ``error``)."""
    challenge: str | None = None
    """The auth scheme a 401 asked for (``Basic``, ``Bearer``...), None without one."""
    seconds: float | None = None
    """How long the answer took (None without one)."""
    error: str | None = None
    """Why no answer came, as a short phrase: "timed out after 10 s", "connection refused"..."""
    timed_out: bool = False
    location: str | None = None
    """Where a redirect pointed."""

    @property
    def answered(self) -> bool:
        return self.status is not None

    def as_json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "status": self.status,
            "challenge": self.challenge,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
            "error": self.error,
        }


def _scheme(header: str | None) -> str | None:
    """The first auth scheme named in ``WWW-Authenticate`` (``Basic realm="x"`` -> Basic)."""
    if not header:
        return None
    first = header.strip().split(None, 1)[0] if header.strip() else ""
    first = first.split(",", 1)[0]
    return first.capitalize() if first else None


def _failure(error: httpx.HTTPError, url: str, timeout: float) -> tuple[str, bool]:
    """A phrase for a POST that got no answer, and whether it was the clock that ran out."""
    if isinstance(error, httpx.TimeoutException):
        return f"no answer within {timeout:g} s", True
    causes: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(causes) < 10:
        causes.append(current)
        current = current.__cause__ or current.__context__
    host = urlsplit(url).hostname or url
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return f"the connection to {host} was refused (nothing listens there)", False
    if any(isinstance(c, socket.gaierror) for c in causes):
        return f"the host name {host} could not be found", False
    if any(isinstance(c, ssl.SSLError) for c in causes):
        return f"{host} has no certificate Bandwidth would accept", False
    if isinstance(error, httpx.RemoteProtocolError):
        return f"{host} closed the connection without an answer", False
    return f"could not connect to {host}", False


def _is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def probe_client() -> httpx.AsyncClient:
    """A client for probing many URLs: no redirects, and the environment's proxy settings
    (a machine that reaches the internet through a proxy probes through it too)."""
    return httpx.AsyncClient(follow_redirects=False)


async def probe_callback_url(
    url: str,
    *,
    timeout: float = PROBE_TIMEOUT,
    client: httpx.AsyncClient | None = None,
    clock: Callable[[], float] | None = None,
) -> ProbeResult:
    """POST ``[]`` to ``url`` without credentials and report the answer. Never raises for
    anything the network does; ``client`` lets a caller reuse connections for many URLs.

    ``timeout`` bounds the whole exchange, not each phase: a server that trickles its answer
    past Bandwidth's 10 s has failed the delivery just the same. A loopback URL is never sent
    through a proxy.
    """
    tick = clock or time.perf_counter
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": PROBE_USER_AGENT,
    }
    own = client is None or _is_loopback(url)
    if own:
        client = httpx.AsyncClient(follow_redirects=False, trust_env=not _is_loopback(url))
    assert client is not None
    started = tick()
    try:
        async with asyncio.timeout(timeout):
            response = await client.post(
                url, content=PROBE_BODY, headers=headers, timeout=timeout, follow_redirects=False
            )
    except TimeoutError:
        return ProbeResult(url, error=f"no answer within {timeout:g} s", timed_out=True)
    except httpx.HTTPError as error:
        phrase, timed_out = _failure(error, url, timeout)
        return ProbeResult(url, error=phrase, timed_out=timed_out)
    finally:
        if own:
            await client.aclose()
    seconds = tick() - started
    challenge = _scheme(response.headers.get("www-authenticate"))
    location = response.headers.get("location") if response.is_redirect else None
    return ProbeResult(
        url,
        status=response.status_code,
        challenge=challenge,
        seconds=seconds,
        location=location,
    )
