"""Everything `apply` needs before the first step: connection, secrets, progress, receiver.

Two worlds meet here. With `--sandbox`, an in-process sandbox and a loopback callback receiver
stand in for Bandwidth and for the user's server, so callbacks really arrive. Without it, the
stored settings, the config file and the environment are merged (file < config < environment)
and the secrets come from the keyring or BW_... variables.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from wizard.apply_config import ApplyConfig, ConfigError
from wizard.connect import ConnectionSettings, MissingCredentials, Secrets
from wizard.credentials import CredentialStore, KeyringUnavailable, SecretName
from wizard.credentials import generate_callback_password as new_callback_password
from wizard.paths import data_dir
from wizard.progress import (
    ProgressError,
    SavedProgressBook,
    load_progress,
    new_progress,
    start_over,
)
from wizard.settings import (
    SettingsError,
    apply_env,
    read_settings_file,
    settings_from_mapping,
    settings_path,
)
from wizard.steps import ProgressBook, SetupInputs

#: The fingerprint of sandbox progress: its port changes every run, its identity never does.
SANDBOX_FINGERPRINT = "sandbox"
SANDBOX_CALLBACK_USER = "bw-wizard"


@dataclass
class Prepared:
    conn: ConnectionSettings
    secrets: Secrets
    progress: ProgressBook
    inputs: SetupInputs
    callback_wait: float
    """Seconds to wait for the delivered/failed callback after the 202 (0: do not wait)."""


@asynccontextmanager
async def prepare(
    args: argparse.Namespace,
    config: ApplyConfig,
    *,
    on_callback: Callable[[Any], object],
) -> AsyncIterator[Prepared]:
    async with AsyncExitStack() as stack:
        if args.sandbox:
            prepared = await _prepare_sandbox(args, config, stack, on_callback)
        else:
            prepared = _prepare_account(args, config)
        yield prepared


async def _prepare_sandbox(
    args: argparse.Namespace,
    config: ApplyConfig,
    stack: AsyncExitStack,
    on_callback: Callable[[Any], object],
) -> Prepared:
    from wizard.callbacks import CallbackReceiver, CallbackServer
    from wizard.sandbox_mode import SandboxSession

    session = await SandboxSession.start(order_delay=args.order_delay)
    stack.push_async_callback(session.stop)
    inputs = dataclasses.replace(config.inputs)
    if not inputs.site_id and not inputs.new_site_name:
        inputs.site_id = session.site_id
    # The sandbox really POSTs callbacks, so it gets a real receiver on loopback rather than
    # whatever public URL the config names.
    password = new_callback_password()
    receiver = CallbackReceiver(
        username=SANDBOX_CALLBACK_USER,
        password=password,
        log_path=data_dir() / "callbacks-sandbox.jsonl",
        on_event=on_callback,
    )
    server = CallbackServer(receiver)
    await server.start()
    stack.push_async_callback(server.stop)
    inputs.callback_url = server.url
    inputs.callback_user = SANDBOX_CALLBACK_USER
    inputs.callback_password = password
    # A new in-process sandbox knows nothing of earlier runs, so neither does its progress:
    # it is saved as the run goes (and overwritten by the next run), never resumed.
    progress = SavedProgressBook(
        new_progress("sandbox", session.conn.account_id, SANDBOX_FINGERPRINT)
    )
    wait = 10.0 if args.callback_wait is None else args.callback_wait
    return Prepared(session.conn, session.secrets, progress, inputs, wait)


def _prepare_account(args: argparse.Namespace, config: ApplyConfig) -> Prepared:
    try:
        stored = read_settings_file(settings_path())
        merged = settings_from_mapping(
            {**stored.to_mapping(), **config.settings}, source=str(args.config or "settings")
        )
        settings = apply_env(merged)
    except SettingsError as error:
        raise ConfigError(str(error)) from None
    if not settings.account_id:
        raise ConfigError("No account id: put account_id in the config file or set BW_ACCOUNT_ID.")
    conn = ConnectionSettings.from_settings(settings)
    store = CredentialStore()
    account = settings.account_id
    secrets = Secrets(
        **{field: store.get(account, name) for field, name in _secrets_needed(conn).items()}
    )
    inputs = dataclasses.replace(config.inputs)
    inputs.site_id = inputs.site_id or settings.site_id
    inputs.callback_url = inputs.callback_url or settings.callback_url or ""
    if not inputs.callback_url:
        raise ConfigError(
            "No callback URL: set [application] callback_url to the public https URL that "
            "should receive message events (a tunnel to `bw-wizard callbacks` works)."
        )
    inputs.callback_user = inputs.callback_user or settings.callback_user
    if inputs.callback_user:
        inputs.callback_password = _callback_password(store, account)
    progress = _progress(account, account, conn.dashboard_url, args)
    wait = 0.0 if args.callback_wait is None else args.callback_wait
    return Prepared(conn, secrets, progress, inputs, wait)


def _secrets_needed(conn: ConnectionSettings) -> dict[str, SecretName]:
    """Secrets field -> keyring entry, for the credentials these settings actually use.

    Each keyring read is a D-Bus round trip (a few ms, or a prompt on some desktops): a Basic
    auth account on today's API needs its Dashboard password and nothing else.
    """
    needed = (
        {"oauth_client_secret": SecretName.OAUTH_CLIENT_SECRET}
        if conn.auth == "oauth2"
        else {"dashboard_password": SecretName.DASHBOARD_PASSWORD}
    )
    if conn.generation == "guide":
        needed["messaging_token"] = SecretName.MESSAGING_TOKEN
        needed["messaging_secret"] = SecretName.MESSAGING_SECRET
    return needed


def _callback_password(store: CredentialStore, account: str) -> str:
    """The stored callback password, or a new strong one saved to the keyring first (so the
    application and the receiver can never disagree)."""
    existing = store.get(account, SecretName.CALLBACK_PASSWORD)
    if existing:
        return existing
    password = new_callback_password()
    try:
        store.set(account, SecretName.CALLBACK_PASSWORD, password)
    except KeyringUnavailable as error:
        raise MissingCredentials(
            f"A callback password is needed and cannot be saved: {error.explanation}"
        ) from None
    return password


def _progress(
    profile: str, account_id: str, fingerprint: str, args: argparse.Namespace
) -> ProgressBook:
    if args.start_over:
        start_over(profile)
    try:
        return SavedProgressBook(load_progress(profile, account_id, fingerprint))
    except ProgressError as error:
        raise ConfigError(str(error)) from None
