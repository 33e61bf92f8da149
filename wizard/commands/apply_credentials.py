"""What `apply` needs from the environment before its first request, one missing piece at a time.

Headless, there is no screen to fill in: each problem names the first thing that is missing,
alone, with the one variable (or config key) that provides it, in the order the requests will
need them: the API Credential (client id, then secret), then what the Application step sends
(the callback URL and its password). An old API user (username and password) found instead of
an API Credential is explained: API users stopped working on 2026-12-02.
"""

from __future__ import annotations

from typing import Any

from wizard.commands.apply_plan import ApplyPlan
from wizard.core.errors import Kind, WizardError
from wizard.engine.step import StepId
from wizard.session.connection import MissingCredentials
from wizard.session.session import Session


def _setting(what: str, variable: str, key: str) -> MissingCredentials:
    return MissingCredentials(
        f"No {what}.", f'Set {variable}, or put {key} = "..." at the top of the config file.'
    )


def _secret(session: Session, name: Any, owner: str, whose: str) -> MissingCredentials:
    from wizard.storage.credentials import ENV_VARS, LABELS

    service = session.store.service if session.store is not None else "bw-wizard"
    return MissingCredentials(
        f"No {LABELS[name]} {whose}.",
        f"Set {ENV_VARS[name]}, or save it in the OS keyring (service “{service}”, entry "
        f"“{owner}/{name.value}”).",
    )


def check_credentials(session: Session) -> None:
    """Raise for the first setting or secret the sign-in needs and does not have."""
    from wizard.storage.credentials import SecretName

    conn, secrets = session.conn, session.secrets
    legacy = session.legacy_api_user
    if (conn is None or not secrets.oauth_client_secret) and legacy is not None:
        raise WizardError(legacy.message, legacy.hint, kind=Kind.AUTH)
    if conn is None or not conn.client_id:
        raise _setting("API Credential client id", "BW_CLIENT_ID", "client_id")
    if not secrets.oauth_client_secret:
        raise _secret(
            session,
            SecretName.OAUTH_CLIENT_SECRET,
            conn.client_id,
            f"for client id {conn.client_id}",
        )


def check_callback(session: Session, plan: ApplyPlan) -> None:
    """What the Application step sends, when it runs: a callback URL, and for a callback user
    its password (the stored one, or a new one saved to the keyring before it is sent, so the
    application and the receiver can never disagree)."""
    if StepId.APPLICATION not in plan.steps or StepId.APPLICATION in plan.confirm_only:
        return
    inputs = session.inputs
    if not inputs.callback_url:
        raise WizardError(
            "No callback URL for the application.",
            'Put callback_url = "https://..." in [application]: the public https URL that '
            "receives message events (a tunnel to `bw-wizard callbacks` works).",
            kind=Kind.VALIDATION,
        )
    if inputs.callback_user:
        inputs.callback_password = _callback_password(session)


def _callback_password(session: Session) -> str:
    from wizard.storage.credentials import (
        ENV_VARS,
        KeyringUnavailable,
        SecretName,
        generate_callback_password,
    )

    if session.secrets.callback_password:
        return session.secrets.callback_password
    password = generate_callback_password()
    try:
        session.store.set(session.account_id, SecretName.CALLBACK_PASSWORD, password)
    except KeyringUnavailable:
        variable = ENV_VARS[SecretName.CALLBACK_PASSWORD]
        raise MissingCredentials(
            f"No callback password for callback user {session.inputs.callback_user}, and no "
            "usable OS keyring to keep a new one.",
            f"Set {variable} (Bandwidth sends it with every callback; your receiver checks it).",
        ) from None
    return password
