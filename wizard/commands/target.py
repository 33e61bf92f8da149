"""Which account a command that works on saved progress is about, and signing in to it.

`teardown` and `export` read what the wizard recorded for one account. That is a real account
(settings, BW_... variables, the keyring), or with `--sandbox` a sandbox that outlives one run:
`bw-wizard sandbox` on this machine, signed in as its built-in identity. (`apply --sandbox` and
`bw-wizard --sandbox` keep nothing after they exit: their sandbox forgets everything when it
stops.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from wizard.commands.apply_credentials import check_credentials
from wizard.core.errors import Kind, WizardError
from wizard.session.session import Session


def sandbox_base_url(env: Mapping[str, str] = os.environ) -> str:
    """BW_API_URL's host when it is on this machine, else where `bw-wizard sandbox` listens."""
    from wizard.bandwidth.hosts import is_local_url
    from wizard.session.sandbox import default_sandbox_url

    configured = env.get("BW_API_URL", "").strip()
    if not configured:
        return default_sandbox_url()
    if not is_local_url(configured):
        raise WizardError(
            f"--sandbox works with a sandbox on this machine, and BW_API_URL is {configured}.",
            "Unset BW_API_URL (the sandbox's default is used), or point it at the sandbox "
            "(http://127.0.0.1:8960/api/v2).",
            kind=Kind.VALIDATION,
        )
    parts = urlsplit(configured)
    return f"{parts.scheme}://{parts.netloc}"


def session_for(*, sandbox: bool, env: Mapping[str, str] = os.environ) -> Session:
    """The account's session with its saved progress opened when the account is known."""
    if not sandbox:
        return Session.for_account(receiver=False, env=env)
    from wizard.session.sandbox import running_sandbox_connection

    conn, secrets = running_sandbox_connection(sandbox_base_url(env))
    session = Session(sandbox=False, conn=conn, secrets=secrets)
    try:
        session.open_progress_for(conn)
    except WizardError as error:
        session.progress_error = error.message
    return session


def account_known(session: Session) -> bool:
    """True when the settings name the account, so its progress is open without a sign-in."""
    return session.conn is not None and bool(session.conn.account_id)


async def sign_in(session: Session) -> None:
    """Sign in with the API Credential (the token names the account) and open its progress;
    raises for the first missing credential, a refusal, or progress that cannot be used."""
    check_credentials(session)
    assert session.conn is not None
    session.progress_error = None  # opened again by the sign-in, which raises if it cannot
    await session.connect(session.conn, session.secrets)


def check_progress(session: Session) -> None:
    """Raise when the account's progress file could not be used (said with how to fix it)."""
    if session.progress_error:
        raise WizardError(session.progress_error, kind=Kind.GENERAL)
