"""One status run from a Session, the same for `bw-wizard status` and the Status screen.

It signs in (or reuses the token the session already holds), takes the account from the token
as every command does, and reads through clients of its own: one connection pool with a
`RequestGate` (at most `concurrency` requests in flight, everyone paused after a 429 until its
``X-RateLimit-Reset``) and a retry policy patient enough for a rate-limited walk of a large
account. It needs no saved progress: it looks at the account as Bandwidth has it, whoever set it
up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from wizard.bandwidth.gate import RequestGate
from wizard.bandwidth.hosts import is_local_url
from wizard.bandwidth.transport import ConnectionPool, RetryPolicy
from wizard.session.connection import (
    MissingCredentials,
    build_clients,
    choose_account,
    sign_in,
)
from wizard.session.session import ChooseAccount, Session
from wizard.status.collect import Probe, StatusCollector, StatusProgress, StatusSources
from wizard.status.report import StatusReport

if TYPE_CHECKING:
    from wizard.bandwidth.auth import OAuth2ClientCredentials

DEFAULT_CONCURRENCY = 8
"""Requests in flight at once: enough to hide each request's round trip on a large account,
few enough that one run never looks like a burst to Bandwidth."""
DEFAULT_HOURS = 24.0
"""How far back failed messages are looked up."""
MAX_HOURS = 14 * 24.0
"""List Messages searches at most 14 days at a time."""

STATUS_RETRY = RetryPolicy(
    max_attempts=4,
    base_delay=0.5,
    max_delay=8.0,
    max_total_wait=180.0,
    count_rate_limits=False,
)
"""A step's patience for failures, but a rate-limited walk waits out every reset Bandwidth
names (up to three minutes per request): waiting is always safe for a GET, and a large account
may meet many rate-limit windows in a row."""


async def run_status(
    session: Session,
    *,
    hours: float = DEFAULT_HOURS,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: Callable[[StatusProgress], None] | None = None,
    probe: Probe | None = None,
    now: datetime | None = None,
    sleep: Any = None,
    clock: Any = None,
) -> StatusReport:
    """Read the session's account and judge it. Raises WizardError when it cannot start
    (no credential, a refused sign-in, several accounts and none chosen) or when the first lists
    cannot be read; everything found after that is in the report.

    `sleep` and `clock` replace how the clients wait and read the time (tests that drive the
    sandbox's clock); `probe` replaces the callback probe.
    """
    if session.conn is None:
        raise MissingCredentials(
            "No API Credential: status signs in with a client id and secret.",
            "Set BW_CLIENT_ID and BW_CLIENT_SECRET, or sign in once with the wizard.",
        )
    progress = StatusProgress()
    if on_progress is not None:
        on_progress(progress)
    conn, secrets = session.conn, session.secrets
    signed_in = _signed_in(session)
    if signed_in is None:
        signed_in = await sign_in(conn, secrets)
    claims = signed_in.claims
    account = choose_account(claims, conn.account_id or None) if claims else conn.account_id
    if not account:
        raise ChooseAccount(tuple(claims.accounts) if claims else ())
    conn = conn.with_account(account)
    sent = [0]

    def count(_info: Any) -> None:
        sent[0] += 1

    gate = RequestGate(concurrency)
    pool = ConnectionPool(gate=gate, max_connections=concurrency)
    clients = build_clients(
        conn,
        secrets,
        on_request=count,
        signed_in=signed_in,
        pool=pool,
        retry=STATUS_RETRY,
        sleep=sleep,
        clock=clock,
    )
    try:
        sources = StatusSources(
            dashboard=clients.dashboard,
            platform=clients.platform,
            messaging=clients.messaging if conn.generation == "current" else None,
            claims=claims,
            client_id=conn.client_id or "",
            api_is_local=is_local_url(conn.dashboard_url),
            requests=lambda: sent[0],
            gate=gate,
        )
        until = now or datetime.now(UTC)
        window = timedelta(hours=max(0.01, min(float(hours), MAX_HOURS)))
        collector = StatusCollector(
            sources,
            since=until - window,
            until=until,
            concurrency=concurrency,
            on_progress=on_progress,
            probe=probe,
        )
        return await collector.collect()
    finally:
        await clients.aclose()


def _signed_in(session: Session) -> OAuth2ClientCredentials | None:
    """The session's credential when it already holds a token (the screens signed in)."""
    clients = session.clients
    if clients is None:
        return None
    credential = clients.credential
    return credential if credential.has_token else None
