"""From a session to the files `bw-wizard export` and the wizard's last screen write.

The ids come from what the steps recorded; the secrets, only when asked for, from where the
session's secrets live at that moment: the environment or the OS keyring (`CredentialStore`),
or, in a sandbox session, its public demo identity held in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wizard.core.errors import Kind, WizardError
from wizard.core.urls import is_local_url
from wizard.engine.step import StepId
from wizard.session.session import Session
from wizard.storage.export import FORMATS, ExportValues, write_export

PRODUCTION = {
    "BW_API_URL": "https://api.bandwidth.com/api/v2",
    "BW_MESSAGING_URL": "https://messaging.bandwidth.com/api/v2",
    "BW_OAUTH_URL": "https://api.bandwidth.com/api/v1/oauth2/token",
}
"""Bandwidth's own hosts: the SDK's defaults, so the .env leaves them out."""


@dataclass(frozen=True)
class Exported:
    """What an export wrote."""

    paths: list[Path]
    values: ExportValues
    missing: list[str]
    """Variables left empty, each with why (the setup has not got that far)."""


def export_values(session: Session, *, include_secrets: bool = False) -> ExportValues:
    """The setup's ids from the session's progress (and its secrets, if asked for)."""
    conn = session.conn
    if conn is None or not conn.account_id:
        raise WizardError(
            "The account is not known yet, so there is nothing to export.",
            "Verify the credentials first (or set BW_ACCOUNT_ID).",
            kind=Kind.NOT_DONE,
        )
    progress = session.progress
    application = progress.get(StepId.APPLICATION) or {}
    waited = progress.get(StepId.WAIT_ORDER) or {}
    ready = progress.get(StepId.READY) or {}
    sent = list((progress.get(StepId.SEND) or {}).get("messages") or [])
    numbers = [str(n) for n in waited.get("numbers") or []]
    number = str(ready.get("number") or (numbers[0] if numbers else ""))
    if not application and not number:
        raise WizardError(
            f"Nothing to export for account {conn.account_id}: its saved progress records no "
            "application and no number.",
            "Run the wizard (or `bw-wizard apply`) first; export writes what it created.",
            kind=Kind.NOT_DONE,
        )
    last_to = list(sent[-1].get("to") or []) if sent else []
    hosts = tuple(
        (name, url)
        for name, url in (
            ("BW_API_URL", conn.dashboard_url),
            ("BW_MESSAGING_URL", conn.messaging_url),
            ("BW_OAUTH_URL", conn.oauth_token_url),
        )
        if url and url.rstrip("/") != PRODUCTION[name]
    )
    local = any(is_local_url(url) for _, url in hosts)
    note = (
        "A bw-wizard sandbox on this machine, not Bandwidth: these ids work only while it runs."
        if local
        else "Not Bandwidth's production hosts (the test environment)."
    )
    client_secret = callback_password = None
    if include_secrets:
        client_secret, callback_password = _secrets_now(session)
    return ExportValues(
        account_id=conn.account_id,
        client_id=conn.client_id or "",
        number=_e164(number),
        application_id=str(application.get("application_id") or ""),
        user_number=str(last_to[0]) if last_to else "",
        callback_url=str(application.get("callback_url") or ""),
        callback_user=str(application.get("callback_user") or "")
        or session.inputs.callback_user
        or _setting(session, "callback_user"),
        hosts=hosts,
        hosts_note=note if hosts else "",
        client_secret=client_secret,
        callback_password=callback_password,
    )


def export_setup(
    session: Session,
    out_dir: Path,
    kinds: tuple[str, ...] = FORMATS,
    *,
    include_secrets: bool = False,
    force: bool = False,
) -> Exported:
    values = export_values(session, include_secrets=include_secrets)
    paths = write_export(values, out_dir, kinds, force=force)
    return Exported(paths, values, values.missing())


def _secrets_now(session: Session) -> tuple[str | None, str | None]:
    """The client secret and the callback password as stored right now (environment first,
    then the keyring); a sandbox session's are its demo values in memory."""
    from wizard.storage.credentials import SecretName

    conn = session.conn
    assert conn is not None
    store = session.store
    if store is None:
        return session.secrets.oauth_client_secret, (
            session.secrets.callback_password or session.inputs.callback_password
        )
    client_secret = (
        store.get(conn.client_id, SecretName.OAUTH_CLIENT_SECRET) if conn.client_id else None
    )
    return client_secret, store.get(conn.account_id, SecretName.CALLBACK_PASSWORD)


def _setting(session: Session, name: str) -> str:
    return str(getattr(session.settings, name, None) or "") if session.settings else ""


def _e164(number: str) -> str:
    from wizard.bandwidth.models import us_e164

    return us_e164(number) if number else ""
