"""Session: everything one run of the wizard or of a command needs, started one way.

The screens and `apply` used to start up separately and drifted apart. Here both get the same
object: the connection and its secrets, saved progress, the engine, the in-process sandbox and the
callback receiver, built by `Session.for_sandbox()` or `Session.for_account()` and started by
`await session.start()` in the caller's event loop.

Sandbox sessions keep nothing between runs (a new sandbox starts from its seed, so old ids would
mean nothing): their progress file and callback log live in a temporary directory of their own,
removed when the session closes, on SIGTERM/SIGHUP, or, after a crash, at the next start.
Account sessions read `settings.toml`, the keyring (or BW_... variables) and the account's
progress file.

Screens keep the session while they come and go (a screen is rebuilt when the user walks back),
so what the user typed (`inputs`) and what each step recorded (`done`) live here too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from wizard.core.errors import Kind, WizardError, sentence
from wizard.engine.book import MemoryProgress, ProgressBook
from wizard.engine.events import Event, EventSink, StepDone
from wizard.engine.inputs import SetupInputs
from wizard.engine.registry import ORDER_OF_STEPS
from wizard.engine.runner import Engine
from wizard.engine.step import StepId
from wizard.session.connection import (
    Clients,
    ConnectionSettings,
    Secrets,
    build_engine,
    choose_account,
    credential,
    messaging_auth,
    sign_in,
)
from wizard.session.legacy import LegacyApiUser, find_legacy_api_user
from wizard.session.workdir import SandboxWorkDir, sweep_stale_workdirs

CallbackListener = Callable[[Any], None]


class ChooseAccount(WizardError):
    """The API Credential can use several accounts (or its token names none) and nobody said
    which: the screens offer a choice, `apply` asks for BW_ACCOUNT_ID."""

    def __init__(self, accounts: tuple[str, ...]) -> None:
        self.accounts = accounts
        if accounts:
            super().__init__(
                f"This API Credential can use {len(accounts)} accounts: {', '.join(accounts)}.",
                "Choose one (BW_ACCOUNT_ID or account_id in the config says which).",
                kind=Kind.VALIDATION,
            )
        else:
            super().__init__(
                "The access token names no account.",
                "Enter the account id (BW_ACCOUNT_ID or account_id in the config).",
                kind=Kind.VALIDATION,
            )


class PasswordOrigin(StrEnum):
    """Where the callback password the receiver checks came from: whether Bandwidth has it."""

    STORED = "stored"
    """The keyring or BW_CALLBACK_PASSWORD: what an earlier run gave the application."""
    SENT = "sent"
    """Sent to Bandwidth by this run (the Application step, or new credentials for it)."""
    TYPED = "typed"
    """Typed by the person as the application's old password (Bandwidth cannot confirm it)."""
    MADE_UP = "made-up"
    """Generated at start-up because none was stored: Bandwidth has never seen it."""


SANDBOX_PROFILE = "sandbox"
"""The progress profile (and fingerprint) of sandbox sessions: their port changes every run."""
DEFAULT_CALLBACK_USER = "bw-wizard"


@dataclass(eq=False)
class Session:
    """Everything a run shares. Build it with `for_sandbox()` or `for_account()`."""

    sandbox: bool = False
    """True against the sandbox: the identity is public demo data, nothing goes to the keyring
    or the settings file, and progress lives in the session's own directory."""
    conn: ConnectionSettings | None = None
    """Non-secret connection facts; None until known (first run without settings)."""
    secrets: Secrets = field(default_factory=Secrets, repr=False)
    """Secrets held in memory; never rendered, logged or written anywhere but the keyring."""
    progress: ProgressBook = field(default_factory=MemoryProgress)
    """What each step recorded; a file-backed book outside tests."""
    inputs: SetupInputs = field(default_factory=SetupInputs)
    """What the user chose (screens) or the config said (`apply`); the engine reads it."""
    settings: Any = None
    """The wizard.storage.settings.Settings the connection came from, if any."""
    store: Any = None
    """The wizard.storage.credentials.CredentialStore, or None in sandbox mode."""
    start_sandbox: bool = False
    """`start()` starts an in-process sandbox (what `--sandbox` does)."""
    sandbox_options: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments for InProcessSandbox.start (order_delay, seed)."""
    start_receiver: bool = False
    """`start()` starts the callback receiver in the caller's loop."""
    workdir: SandboxWorkDir | None = None
    """A sandbox session's own directory (progress and callback log), removed at close."""

    engine: Engine | None = None
    """Built by `connect()` once the credentials are known to work."""
    clients: Clients | None = None
    sandbox_server: Any = None
    """The running wizard.session.sandbox.InProcessSandbox, or None."""
    receiver: Any = None
    """The running wizard.callbacks.receiver.CallbackReceiver, or None."""
    receiver_server: Any = None
    """The AppServer serving `receiver`, or None."""
    receiver_url: str | None = None
    """The receiver's local callback URL (http://127.0.0.1:PORT/callbacks), if one runs."""
    tracker: Any = None
    """A wizard.callbacks.tracker.MessageTracker the send screen attaches (kept across visits)."""
    tunnel_url: str | None = None
    """A public https callback URL found through a local ngrok agent."""
    claims: Any = None
    """The signed-in API Credential's TokenClaims (accounts, roles, Build trial), once known."""
    legacy_api_user: LegacyApiUser | None = None
    """An API user an earlier version (or the environment) left behind, which no longer works."""

    done: dict[StepId, Mapping[str, Any]] = field(default_factory=dict)
    """Steps known to be done, with what they recorded."""
    resume_at: StepId | None = StepId.VERIFY
    """The first unfinished step (None when every step is done)."""
    resume_error: str | None = None
    """Why saved progress could not be checked at start-up, as a sentence, if it could not."""
    progress_error: str | None = None
    """Why the saved progress file could not be used (corrupt, another account's), if so."""
    receiver_error: str | None = None
    """Why the callback receiver is not running, as a sentence, if it is not."""
    progress_profile: str | None = None
    """Which progress file (the account id, or "sandbox") `progress` is, if any."""
    callback_password_origin: PasswordOrigin | None = None
    """Where `inputs.callback_password` came from; None when the caller set it (tests, apply)."""

    _listeners: list[EventSink] = field(default_factory=list, repr=False)
    _callback_listeners: list[CallbackListener] = field(default_factory=list, repr=False)

    def __repr__(self) -> str:
        account = self.conn.account_id if self.conn else None
        return f"Session(sandbox={self.sandbox}, account_id={account!r})"

    # -- building --------------------------------------------------------------------------

    @classmethod
    def for_sandbox(
        cls, *, order_delay: float = 3.0, seed: int = 0, receiver: bool = True
    ) -> Session:
        """A session whose `start()` runs the sandbox (and the receiver) in the caller's loop."""
        workdir = SandboxWorkDir.create()
        return cls(
            sandbox=True,
            start_sandbox=True,
            sandbox_options={"order_delay": order_delay, "seed": seed},
            start_receiver=receiver,
            workdir=workdir,
            progress_profile=SANDBOX_PROFILE,
        )

    @classmethod
    def for_account(
        cls,
        *,
        overrides: Mapping[str, Any] | None = None,
        source: str = "settings",
        receiver: bool = True,
        env: Mapping[str, str] = os.environ,
    ) -> Session:
        """A session for a real account: settings (file < `overrides` < environment), secrets
        from the environment or the keyring, and the account's saved progress.

        A settings problem raises SettingsError (a sentence naming the file and the key); a
        progress file that cannot be used is kept as `progress_error` for Welcome to offer a
        fresh start, and the session starts with nothing recorded.
        """
        from wizard.storage.credentials import CredentialStore
        from wizard.storage.settings import (
            apply_env,
            read_settings_file,
            settings_from_mapping,
            settings_path,
        )

        # What a sandbox run killed beyond catching (SIGKILL, a crash) left in the temp dir.
        sweep_stale_workdirs()
        stored = read_settings_file(settings_path())
        if overrides:
            stored = settings_from_mapping({**stored.to_mapping(), **overrides}, source=source)
        settings = apply_env(stored, env)
        store = CredentialStore(env=env)
        session = cls(sandbox=False, settings=settings, store=store, start_receiver=receiver)
        session.inputs.site_id = settings.site_id
        session.inputs.callback_url = settings.callback_url or ""
        session.inputs.callback_user = settings.callback_user
        session.legacy_api_user = find_legacy_api_user(settings, store, env)
        if not settings.client_id:
            return session  # first run (or an API user's settings): Credentials asks
        conn = ConnectionSettings.from_settings(settings)
        session.conn = conn
        session.secrets = session.stored_secrets(conn)
        session.inputs.callback_password = session.secrets.callback_password
        if session.secrets.callback_password:
            session.callback_password_origin = PasswordOrigin.STORED
        if conn.account_id:
            try:
                session.open_progress_for(conn)
            except WizardError as error:
                session.progress = MemoryProgress()
                session.progress_error = error.message
        return session

    def stored_secrets(self, conn: ConnectionSettings) -> Secrets:
        """The secrets these settings use, from the environment or the keyring (None when
        neither has one). The client secret is kept under the client id (it is needed before
        the token says which account), the callback password under the account."""
        from wizard.storage.credentials import SecretName

        def read(owner: str | None, name: SecretName) -> str | None:
            if not owner or self.store is None:
                return None
            try:
                return self.store.get(owner, name)
            except ValueError:  # an id that cannot name a keyring entry
                return None

        return Secrets(
            oauth_client_secret=read(conn.client_id, SecretName.OAUTH_CLIENT_SECRET),
            callback_password=read(conn.account_id, SecretName.CALLBACK_PASSWORD),
        )

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, *, refresh: bool = True) -> None:
        """Start what runs inside the caller's loop, then find where to resume.

        Raises only for start-up failures a person must fix (the sandbox's port is taken...);
        an unreachable API or stale credentials just leave the Credentials step to do.
        `refresh=False` leaves saved progress unchecked: `apply` confirms each step as it
        reaches it, and says which recorded step Bandwidth no longer has.
        """
        if self.start_sandbox and self.sandbox_server is None:
            from wizard.session.sandbox import InProcessSandbox

            self.sandbox_server = await InProcessSandbox.start(**self.sandbox_options)
            self.conn, self.secrets = self.sandbox_server.connection()
            self.sandbox = True
            if not self.inputs.site_id and not self.inputs.new_site_name:
                self.inputs.site_id = self.sandbox_server.identity.site_id
            self._open_sandbox_progress()
        if self.start_receiver and self.receiver is None:
            await self._start_receiver()
        if self.engine is None and self.can_connect():
            try:
                await self.connect(self.conn, self.secrets)  # type: ignore[arg-type]
            except WizardError as error:
                # Refused, offline, several accounts: the Credentials step takes it from here.
                self.resume_error = str(error)
        if self.engine is not None and refresh:
            await self.refresh_progress()

    def _open_sandbox_progress(self) -> None:
        from wizard.storage.progress import SavedProgressBook, new_progress

        assert self.conn is not None
        directory = self.workdir.path if self.workdir else None
        book = SavedProgressBook(
            new_progress(SANDBOX_PROFILE, self.conn.account_id, SANDBOX_PROFILE, directory)
        )
        self._use_progress(book, SANDBOX_PROFILE)

    async def _start_receiver(self) -> None:
        """Start the callback receiver on loopback in the caller's loop.

        Its credentials are the ones the Application step sends to Bandwidth, so the receiver
        accepts exactly the callbacks meant for it. A receiver that cannot start (port taken)
        is not fatal: the screens say so and everything but the callback log still works.
        """
        from wizard.storage.credentials import generate_callback_password

        user = (
            self.inputs.callback_user
            or _setting(self.settings, "callback_user")
            or DEFAULT_CALLBACK_USER
        )
        password = self.inputs.callback_password or self.secrets.callback_password
        if not password:
            password = generate_callback_password()
            self.callback_password_origin = PasswordOrigin.MADE_UP
        self.inputs.callback_user = user
        self.inputs.callback_password = password
        try:
            await self._serve_receiver(user, password, self._receiver_port())
        except Exception as error:  # the port is taken, uvicorn failed: explained, not fatal
            self.receiver_error = sentence(error)
            return
        if self.sandbox:
            self.inputs.callback_url = self.receiver_url or ""

    def _receiver_port(self) -> int:
        if self.sandbox:
            return 0
        return int(_setting(self.settings, "callback_port") or 0)

    def callback_log_path(self) -> Path:
        """Where the receiver keeps accepted events: the data dir, or the sandbox's own dir."""
        if self.workdir is not None:
            return self.workdir.path / "callbacks.jsonl"
        from wizard.storage.paths import data_dir

        return data_dir() / "callbacks.jsonl"

    async def _serve_receiver(self, user: str, password: str, port: int) -> None:
        from wizard.callbacks.receiver import CallbackReceiver
        from wizard.session.serve import AppServer

        receiver = CallbackReceiver(
            username=user,
            password=password,
            log_path=self.callback_log_path(),
            on_event=self.on_callback,
        )
        host = "127.0.0.1" if self.sandbox else _setting(self.settings, "callback_host")
        server = AppServer(receiver, host or "127.0.0.1", port, what="The callback receiver")
        await server.start()
        self.receiver, self.receiver_server = receiver, server
        self.receiver_url = server.url_for(receiver.path)
        self.receiver_error = None

    async def use_callback_password(self, user: str, password: str, origin: PasswordOrigin) -> None:
        """From now on the receiver checks `password` (sent to Bandwidth, or typed as the
        application's old one); the inputs follow, so a later step sends the same."""
        self.inputs.callback_user = user
        self.inputs.callback_password = password
        self.callback_password_origin = origin
        await self.use_callback_credentials(user, password)

    def application_callback_user(self) -> str | None:
        """The user Bandwidth sends callbacks as, for the recorded application (None when the
        application has no callback credentials, or is not recorded)."""
        recorded = self.done.get(StepId.APPLICATION) or self.progress.get(StepId.APPLICATION)
        if not recorded:
            return None
        if "callback_user" in recorded:
            return recorded.get("callback_user") or None
        # Recorded by an older version: the Application screen saved its user in the settings.
        return _setting(self.settings, "callback_user")

    @property
    def callback_password_lost(self) -> bool:
        """True when the recorded application checks callbacks against a password this run
        does not have: the receiver made one up because neither the keyring nor
        BW_CALLBACK_PASSWORD kept the old one, so it would refuse every callback (401)."""
        return (
            self.callback_password_origin is PasswordOrigin.MADE_UP
            and self.application_callback_user() is not None
        )

    def recorded_steps(self) -> list[StepId]:
        """Steps the progress file records, in order, before any is checked against the API."""
        return [step for step in ORDER_OF_STEPS if self.progress.get(step) is not None]

    async def use_callback_credentials(self, user: str, password: str) -> None:
        """Restart the receiver (same port) when the application got other credentials."""
        if self.receiver is None or self.receiver_server is None:
            return
        if self.receiver.accepts(user, password):
            return
        port = self.receiver_server.port
        await self._stop_receiver()
        try:
            await self._serve_receiver(user, password, port)
        except Exception as error:
            self.receiver_error = sentence(error)

    async def _stop_receiver(self) -> None:
        server, receiver = self.receiver_server, self.receiver
        self.receiver_server = self.receiver = None
        if server is not None:
            with contextlib.suppress(Exception):
                await server.stop()
        if receiver is not None:
            receiver.close()

    async def aclose(self) -> None:
        """Stop everything `start()` started and remove the sandbox's directory; safe twice."""
        if self.clients is not None:
            clients, self.clients = self.clients, None
            with contextlib.suppress(Exception):
                await clients.aclose()
        await self._stop_receiver()
        if self.sandbox_server is not None:
            server, self.sandbox_server = self.sandbox_server, None
            with contextlib.suppress(Exception):
                await server.stop()
        if self.workdir is not None:
            self.workdir.remove()

    # -- connection ------------------------------------------------------------------------

    def can_connect(self) -> bool:
        """True when the API Credential (and, for the guide's API, its messaging secrets) is
        complete enough to sign in."""
        if self.conn is None:
            return False
        try:
            auth = credential(self.conn, self.secrets)
            if self.conn.account_id:
                messaging_auth(self.conn, self.secrets, auth)
        except WizardError:
            return False
        return True

    async def connect(self, conn: ConnectionSettings, secrets: Secrets) -> Engine:
        """Sign in, pick the account, and build the engine (closing earlier clients).

        The account comes from the token: `conn.account_id` when the credential may use it,
        else the only account the token names. Raises ChooseAccount when it names several (or
        none) and nobody said which, MissingCredentials when a secret is missing, and
        BandwidthError when Bandwidth refuses the credential.
        """
        signed_in = await sign_in(conn, secrets)
        claims = signed_in.claims
        self.claims = claims
        account = choose_account(claims, conn.account_id or None) if claims else conn.account_id
        if not account:
            raise ChooseAccount(tuple(claims.accounts) if claims else ())
        conn = conn.with_account(account)
        self.open_progress_for(conn)
        saved = None
        if not secrets.callback_password and not self.sandbox:
            # Kept under the account, which only the token named: read it now, so the
            # application and the receiver use the password already saved for this account.
            saved = self.stored_secrets(conn).callback_password
            if saved:
                secrets = replace(secrets, callback_password=saved)
        engine, clients = build_engine(
            conn, secrets, self.progress, on_event=self.dispatch, signed_in=signed_in
        )
        old, self.clients = self.clients, clients
        self.conn, self.secrets, self.engine = conn, secrets, engine
        if old is not None:
            with contextlib.suppress(Exception):
                await old.aclose()
        made_up = self.callback_password_origin is PasswordOrigin.MADE_UP
        if saved and (made_up or not self.inputs.callback_password):
            # The receiver started before the account was known, with a made-up password.
            user = self.inputs.callback_user or DEFAULT_CALLBACK_USER
            await self.use_callback_password(user, saved, PasswordOrigin.STORED)
        return engine

    # -- progress --------------------------------------------------------------------------

    def is_done(self, step: StepId) -> bool:
        return step in self.done

    def data(self, step: StepId) -> Mapping[str, Any]:
        """What the step recorded, or an empty mapping."""
        return self.done.get(step) or {}

    async def refresh_progress(self) -> StepId | None:
        """Check recorded progress against the API (Engine.first_pending) and note what is done.

        A failure (network, expired credentials) is kept as `resume_error`, not raised: the
        Welcome screen says it and the user can still walk the steps.
        """
        if self.engine is None:
            self.resume_at = ORDER_OF_STEPS[0]
            return self.resume_at
        try:
            pending = await self.engine.first_pending()
        except Exception as error:  # shown as a sentence on Welcome, never a traceback
            self.resume_error = sentence(error)
            pending = next(
                (step for step in ORDER_OF_STEPS if self.progress.get(step) is None), None
            )
        else:
            self.resume_error = None
        self._note_recorded_until(pending)
        self.resume_at = pending
        return pending

    def _note_recorded_until(self, pending: StepId | None) -> None:
        self.done.clear()
        for step in ORDER_OF_STEPS:
            if step is pending:
                break
            recorded = self.progress.get(step)
            if recorded is not None:
                self.done[step] = dict(recorded)

    def first_pending(self) -> StepId | None:
        """The first step not in `done` (no API call; `refresh_progress` checks the API)."""
        return next((step for step in ORDER_OF_STEPS if step not in self.done), None)

    def open_progress_for(self, conn: ConnectionSettings) -> None:
        """Switch to the saved progress of this account (a sandbox session keeps its own).

        Raises ProgressError (a sentence) when the file cannot be used.
        """
        if self.sandbox or self.progress_profile == conn.account_id:
            return
        from wizard.storage.progress import SavedProgressBook, load_progress

        book = SavedProgressBook(
            load_progress(conn.account_id, conn.account_id, conn.dashboard_url)
        )
        self._use_progress(book, conn.account_id)

    def _use_progress(self, book: ProgressBook, profile: str) -> None:
        self.progress = book
        self.progress_profile = profile
        if self.engine is not None:
            self.engine.progress = book

    def start_over(self) -> Path | None:
        """Set saved progress aside (kept as a .bak) and forget every step.

        Returns the backup's path, or None when nothing was saved.
        """
        from wizard.storage.progress import SavedProgressBook, new_progress, start_over

        backup = None
        if self.sandbox:
            if self.conn is not None:
                self._open_sandbox_progress()
        elif self.progress_profile and self.conn is not None:
            backup = start_over(self.progress_profile)
            book = SavedProgressBook(
                new_progress(self.progress_profile, self.conn.account_id, self.conn.dashboard_url)
            )
            self._use_progress(book, self.progress_profile)
        elif isinstance(self.progress, MemoryProgress):
            self.progress.steps.clear()
        self.resume_error = None
        self.progress_error = None
        self.done.clear()
        self.resume_at = ORDER_OF_STEPS[0]
        return backup

    def save_settings(self, **changes: Any) -> str:
        """Store non-secret settings merged into the file; a line saying where, or "" in
        sandbox mode (the sandbox's URLs must never become the settings)."""
        if self.sandbox:
            return ""
        from wizard.storage.settings import read_settings_file, save_settings, settings_path

        path = settings_path()
        current = read_settings_file(path)
        updated = replace(current, **changes)
        written = save_settings(updated, path)
        self.settings = updated
        return f"Settings (no secrets) saved to {written}."

    # -- events ----------------------------------------------------------------------------

    def dispatch(self, event: Event) -> None:
        """The engine's sink: note what is done, then tell every listener."""
        if isinstance(event, StepDone):
            self.done[event.step] = dict(event.data)
            self.resume_at = self.first_pending()
            sent = event.data.get("credentials_sent") and not event.reused
            if event.step is StepId.APPLICATION and sent:
                self.callback_password_origin = PasswordOrigin.SENT
        for sink in list(self._listeners):
            sink(event)

    def add_listener(self, sink: EventSink) -> None:
        self._listeners.append(sink)

    def remove_listener(self, sink: EventSink) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(sink)

    @contextlib.contextmanager
    def listening(self, sink: EventSink) -> Iterator[None]:
        """Send engine events to `sink` for the duration of the block (a worker's step run)."""
        self.add_listener(sink)
        try:
            yield
        finally:
            self.remove_listener(sink)

    def on_callback(self, event: Any) -> None:
        """Given to the receiver: every accepted callback event goes to every listener."""
        for listener in list(self._callback_listeners):
            listener(event)

    def add_callback_listener(self, listener: CallbackListener) -> None:
        self._callback_listeners.append(listener)

    def remove_callback_listener(self, listener: CallbackListener) -> None:
        with contextlib.suppress(ValueError):
            self._callback_listeners.remove(listener)

    # -- display helpers -------------------------------------------------------------------

    @property
    def account_id(self) -> str:
        return self.conn.account_id if self.conn else ""

    @property
    def generation(self) -> str:
        return self.conn.generation if self.conn else "current"

    def public_url(self, url: str) -> str:
        """`url` with a sandbox base replaced by the Bandwidth host it stands in for.

        Previews then teach the real API, and snapshots do not depend on the sandbox's port.
        """
        from wizard.bandwidth.hosts import CURRENT_HOSTS, GUIDE_HOSTS

        if not self.sandbox or self.conn is None:
            return url
        hosts = GUIDE_HOSTS if self.conn.generation == "guide" else CURRENT_HOSTS
        # The sandbox serves messaging and the Dashboard under one base; only messaging's
        # paths start with /users/.
        pairs = (
            (self.conn.oauth_token_url, hosts.oauth_token_url, ""),
            (self.conn.messaging_url, hosts.messaging_url, "/users/"),
            (self.conn.dashboard_url, hosts.dashboard_url, ""),
        )
        for local, public, path in pairs:
            if local and url.startswith(local) and url[len(local) :].startswith(path):
                return public + url[len(local) :]
        return url

    def credential_report(self) -> Any:
        """What the signed-in API Credential can do (a CredentialReport), or None before a
        sign-in: each capability, the role it needs and the step a missing one blocks."""
        if self.claims is None:
            return None
        from wizard.bandwidth.capabilities import assess_credential

        return assess_credential(self.claims.roles, express=self.claims.express)

    def default_connection(self) -> ConnectionSettings:
        """Where a first sign-in goes: the settings' environment and hosts (BW_API_URL & co.),
        with no credential and no account yet."""
        from wizard.storage.settings import Settings

        return ConnectionSettings.from_settings(self.settings or Settings())


def _setting(settings: Any, name: str) -> Any:
    return getattr(settings, name, None) if settings is not None else None
