"""Sign in before anything else: fetch the access token and read who the credential is.

The account id is in the token (its ``accounts`` claim), and every Dashboard path needs it, so
the Verify step must get a token before it can build a client for the account. This sends the
token request on the ordinary request path (:class:`~wizard.bandwidth.transport.HttpCore`:
the same timeouts, connection pool, ``on_request`` events, retries and error sentences as
every other request) and stores the token in the credential's in-memory cache, where the
clients' requests then find it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from .auth import TOKEN_FORM, OAuth2ClientCredentials, TokenClaims
from .transport import ConnectionPool, HttpCore, OnRequest, RetryPolicy, Sleep

if TYPE_CHECKING:
    import httpx

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


async def sign_in(
    auth: OAuth2ClientCredentials,
    *,
    pool: ConnectionPool | None = None,
    timeout: httpx.Timeout | float | None = None,
    retry: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    on_request: OnRequest | None = None,
    sleep: Sleep | None = None,
    clock: Callable[[], float] | None = None,
    rng: random.Random | None = None,
    force: bool = False,
) -> TokenClaims:
    """Fetch a token for ``auth`` (unless it holds a good one) and return its claims.

    Raises BandwidthError: ``auth`` when the client id or secret is refused (with where to make
    API Credentials), ``general`` when a 2xx answer is not JSON ("a proxy or a wrong host") or
    the token is not a readable JWT, and the usual network kinds. The token endpoint is asked
    again on 5xx and 429 (fetching a token twice is harmless). ``force`` fetches a new token
    even if one is cached (to re-read roles after an administrator changed them).
    """
    core = HttpCore(
        auth.token_url,
        auth.token_endpoint_auth(),
        api="oauth",
        accept="application/json",
        timeout=timeout,
        retry=retry,
        transport=transport,
        on_request=on_request,
        sleep=sleep,
        clock=clock,
        rng=rng,
        pool=pool,
    )

    async def send() -> httpx.Response:
        return await core.send(
            "POST", "", content=TOKEN_FORM, content_type=FORM_CONTENT_TYPE, idempotent=True
        )

    try:
        return await auth.sign_in(send, force=force)
    finally:
        await core.aclose()
