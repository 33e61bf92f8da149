"""WizardContext: the one object every screen shares.

Screens come and go (and are rebuilt when the user walks back), but what the wizard knows must
not: the connection, the secrets, the engine, what the user typed and what each step recorded.
Holding all of it in one object passed to the App keeps screens stateless about the account and
lets tests build a context by hand (sandbox thread, seeded progress) without going through the
command line.

Public API (stable; part B's screens use it). Reach it from a screen as ``self.ctx``:

- ``ctx.sandbox`` (bool): running against the sandbox; nothing is saved to the keyring or to
  the settings file, and progress lives in memory.
- ``ctx.conn`` (ConnectionSettings | None), ``ctx.secrets`` (Secrets; never render it).
- ``ctx.store`` (CredentialStore | None), ``ctx.settings`` (wizard.settings object or None).
- ``ctx.progress`` (steps.ProgressBook), ``ctx.inputs`` (steps.SetupInputs, edited by screens).
- ``ctx.engine`` (Engine | None): set by ``await ctx.connect(conn, secrets)``, i.e. once the
  Credentials step verified the credentials (or saved ones were found at start-up).
- ``ctx.done`` (dict StepId -> recorded data): the steps known to be done; ``ctx.is_done(step)``,
  ``ctx.data(step)`` (the recorded mapping or {}), ``ctx.resume_at`` (first unfinished step).
- Engine events: ``ctx.add_listener(sink)`` / ``ctx.remove_listener(sink)`` or
  ``with ctx.listening(sink): ...``; every engine event goes to every listener, after the
  context recorded StepDone data in ``ctx.done``.
- Callbacks (part B): ``ctx.receiver`` (the running wizard.callbacks.CallbackServer, whose
  ``.receiver`` is the CallbackReceiver; None when none runs), ``ctx.receiver_url``
  (its local callback URL), ``ctx.tracker`` (a message tracker part B may set),
  ``ctx.add_callback_listener(fn)`` / ``ctx.remove_callback_listener(fn)``;
  ``ctx.on_callback(event)`` is what the receiver calls for each event.
- ``ctx.receiver_error`` (why no receiver runs), ``await ctx.use_callback_credentials(user,
  password)`` (restart the receiver with the credentials the application got).
- ``ctx.save_settings(**changes)`` (non-secret settings; no-op in sandbox mode),
  ``ctx.open_progress_for(conn)`` (the account's saved progress), ``ctx.start_over()``.
- ``ctx.public_url(url)``: the URL as the guide writes it (the sandbox's random loopback base is
  replaced by Bandwidth's host), for previews that must look the same on every run.
- ``await ctx.start()`` / ``await ctx.aclose()``: run by the App in its own event loop.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wizard.bandwidth.hosts import CURRENT_HOSTS, GUIDE_HOSTS
from wizard.connect import Clients, ConnectionSettings, MissingCredentials, Secrets, build_engine
from wizard.steps import (
    ORDER_OF_STEPS,
    Engine,
    Event,
    EventSink,
    MemoryProgress,
    ProgressBook,
    SetupInputs,
    StepDone,
    StepId,
)

CallbackListener = Callable[[Any], None]


@dataclass(eq=False)
class WizardContext:
    """Everything the screens share for one run of the wizard."""

    sandbox: bool = False
    """True with --sandbox (or in tests against the sandbox): the identity is public demo data,
    so nothing is written to the keyring or the settings file."""
    conn: ConnectionSettings | None = None
    """Non-secret connection facts; None until known (first run without settings)."""
    secrets: Secrets = field(default_factory=Secrets, repr=False)
    """Secrets held in memory; never rendered, logged or written anywhere but the keyring."""
    progress: ProgressBook = field(default_factory=MemoryProgress)
    """What each step recorded; persistent (wizard.progress) outside the sandbox."""
    inputs: SetupInputs = field(default_factory=SetupInputs)
    """What the user chose on the screens; the engine reads it when a step runs."""
    settings: Any = None
    """The wizard.settings object the connection came from, if any (saved after Verify)."""
    store: Any = None
    """The wizard.credentials.CredentialStore, or None in sandbox mode."""
    start_sandbox: bool = False
    """`start()` starts an in-process SandboxSession (what `bw-wizard --sandbox` does)."""
    sandbox_options: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments for SandboxSession.start (order_delay, seed)."""
    start_receiver: bool = False
    """`start()` starts the callback receiver (wizard.callbacks) in the app's loop."""

    engine: Engine | None = None
    """Built by `connect()` once the credentials are known to work."""
    clients: Clients | None = None
    sandbox_session: Any = None
    receiver: Any = None
    """The running callback receiver (wizard.callbacks), or None."""
    receiver_url: str | None = None
    """The receiver's local callback URL (http://127.0.0.1:PORT/callbacks), if one runs."""
    tracker: Any = None
    """A message tracker part B may attach (per-message timelines); the context only holds it."""
    tunnel_url: str | None = None
    """A public https callback URL found through a local ngrok agent (wizard.tunnel)."""

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
    """Which progress file (wizard.progress profile: the account id) `progress` is, if any."""

    _sandbox_log_dir: Any = field(default=None, repr=False)
    _listeners: list[EventSink] = field(default_factory=list, repr=False)
    _callback_listeners: list[CallbackListener] = field(default_factory=list, repr=False)

    def __repr__(self) -> str:
        account = self.conn.account_id if self.conn else None
        return f"WizardContext(sandbox={self.sandbox}, account_id={account!r})"

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Start what runs inside the app's loop, then find where to resume.

        Raises only for start-up failures a person must fix (the sandbox port is taken...);
        an unreachable API or stale credentials just leave the Credentials step to do.
        """
        if self.start_sandbox and self.sandbox_session is None:
            from wizard.sandbox_mode import SandboxSession

            self.sandbox_session = await SandboxSession.start(**self.sandbox_options)
            self.conn = self.sandbox_session.conn
            self.secrets = self.sandbox_session.secrets
            self.sandbox = True
        if self.start_receiver and self.receiver is None:
            await self._start_receiver()
        if self.engine is None and self.can_connect():
            await self.connect(self.conn, self.secrets)  # type: ignore[arg-type]
        if self.engine is not None:
            await self.refresh_progress()

    async def _start_receiver(self) -> None:
        """Start the callback receiver (wizard.callbacks) on loopback in the app's loop.

        Its credentials are the ones the Application step sends to Bandwidth, so the receiver
        accepts exactly the callbacks meant for it. A receiver that cannot start (port taken)
        is not fatal: the screens say so and everything but the callback log still works.
        """
        from wizard.credentials import generate_callback_password

        user = self.inputs.callback_user or _setting(self.settings, "callback_user") or "bw-wizard"
        password = (
            self.inputs.callback_password
            or self.secrets.callback_password
            or generate_callback_password()
        )
        self.inputs.callback_user = user
        self.inputs.callback_password = password
        try:
            await self._serve_receiver(user, password, self._receiver_port())
        except Exception as error:  # the port is taken, uvicorn failed: explained, not fatal
            self.receiver_error = error_sentence(error)
            return
        if not self.inputs.callback_url and self.sandbox:
            self.inputs.callback_url = self.receiver_url or ""

    def _receiver_port(self) -> int:
        if self.sandbox:
            return 0
        return int(_setting(self.settings, "callback_port") or 0)

    async def _serve_receiver(self, user: str, password: str, port: int) -> None:
        from wizard.callbacks import CallbackReceiver, CallbackServer
        from wizard.paths import data_dir

        if self.sandbox:
            # A new sandbox knows none of an earlier run's messages: a log of this session
            # only, removed at exit, so the callback log never shows another run's events.
            if self._sandbox_log_dir is None:
                self._sandbox_log_dir = tempfile.TemporaryDirectory(prefix="bw-wizard-sandbox-")
            log_path = Path(self._sandbox_log_dir.name) / "callbacks.jsonl"
        else:
            log_path = data_dir() / "callbacks.jsonl"
        receiver = CallbackReceiver(
            username=user,
            password=password,
            log_path=log_path,
            on_event=self.on_callback,
        )
        host = "127.0.0.1" if self.sandbox else _setting(self.settings, "callback_host")
        server = CallbackServer(receiver, host=host or "127.0.0.1", port=port)
        await server.start()
        self.receiver = server
        self.receiver_url = server.url
        self.receiver_error = None

    async def use_callback_credentials(self, user: str, password: str) -> None:
        """Restart the receiver (same port) when the application got other credentials."""
        server = self.receiver
        if server is None:
            return
        core = getattr(server, "receiver", None)
        if core is not None and _receiver_accepts(core, user, password):
            return
        port = server.port
        with contextlib.suppress(Exception):
            await server.stop()
        self.receiver = None
        try:
            await self._serve_receiver(user, password, port)
        except Exception as error:
            self.receiver_error = error_sentence(error)

    async def aclose(self) -> None:
        """Stop everything `start()` started; safe to call twice."""
        if self.clients is not None:
            clients, self.clients = self.clients, None
            with contextlib.suppress(Exception):
                await clients.aclose()
        if self.receiver is not None:
            receiver, self.receiver = self.receiver, None
            stop = getattr(receiver, "stop", None)
            if stop is not None:
                with contextlib.suppress(Exception):
                    await stop()
        if self.sandbox_session is not None:
            session, self.sandbox_session = self.sandbox_session, None
            with contextlib.suppress(Exception):
                await session.stop()
        if self._sandbox_log_dir is not None:
            log_dir, self._sandbox_log_dir = self._sandbox_log_dir, None
            with contextlib.suppress(OSError):
                log_dir.cleanup()

    # -- connection ------------------------------------------------------------------------

    def can_connect(self) -> bool:
        """True when the connection settings and secrets are complete enough to build clients."""
        if self.conn is None or not self.conn.account_id:
            return False
        from wizard.connect import dashboard_auth, messaging_auth

        try:
            auth = dashboard_auth(self.conn, self.secrets)
            messaging_auth(self.conn, self.secrets, auth)
        except MissingCredentials:
            return False
        return True

    async def connect(self, conn: ConnectionSettings, secrets: Secrets) -> Engine:
        """Build the engine (and its clients) for these credentials, closing earlier clients.

        Raises MissingCredentials with a sentence when a needed credential is missing.
        """
        engine, clients = build_engine(conn, secrets, self.progress, on_event=self.dispatch)
        old, self.clients = self.clients, clients
        self.conn, self.secrets, self.engine = conn, secrets, engine
        if old is not None:
            with contextlib.suppress(Exception):
                await old.aclose()
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
            self.resume_error = _sentence(error)
            pending = None
            for step in ORDER_OF_STEPS:
                if self.progress.get(step) is None:
                    pending = step
                    break
            self._note_recorded_until(pending)
            self.resume_at = pending
            return pending
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
        for step in ORDER_OF_STEPS:
            if step not in self.done:
                return step
        return None

    def open_progress_for(self, conn: ConnectionSettings) -> None:
        """Switch to the saved progress of this account (sandbox progress stays in memory).

        Raises wizard.progress.ProgressError (a sentence) when the file cannot be used.
        """
        if self.sandbox:
            return
        if self.progress_profile == conn.account_id:
            return
        from wizard.progress import SavedProgressBook, load_progress

        book = SavedProgressBook(
            load_progress(conn.account_id, conn.account_id, conn.dashboard_url)
        )
        self.progress = book
        self.progress_profile = conn.account_id
        if self.engine is not None:
            self.engine.progress = book

    def start_over(self) -> Any:
        """Set saved progress aside (wizard.progress keeps a .bak) and forget every step.

        Returns the backup's path, or None when nothing was saved.
        """
        backup = None
        if not self.sandbox and self.progress_profile and self.conn is not None:
            from wizard.progress import SavedProgressBook, new_progress, start_over

            backup = start_over(self.progress_profile)
            book = SavedProgressBook(
                new_progress(self.progress_profile, self.conn.account_id, self.conn.dashboard_url)
            )
            self.progress = book
            if self.engine is not None:
                self.engine.progress = book
        elif isinstance(self.progress, MemoryProgress):
            self.progress.steps.clear()
        self.resume_error = None
        self.progress_error = None
        self.forget_all()
        return backup

    def save_settings(self, **changes: Any) -> str:
        """Store non-secret settings (wizard.settings) merged into the file; a line saying
        where, or "" in sandbox mode (the sandbox's URLs must never become the settings)."""
        if self.sandbox:
            return ""
        import dataclasses

        from wizard.settings import read_settings_file, save_settings, settings_path

        path = settings_path()
        current = read_settings_file(path)
        if "generation" in changes and changes["generation"] != current.generation:
            current = current.with_generation(changes["generation"])
        updated = dataclasses.replace(current, **changes)
        written = save_settings(updated, path)
        self.settings = updated
        return f"Settings (no secrets) saved to {written}."

    def forget_all(self) -> None:
        """After "start over": nothing is done any more (the saved file was set aside)."""
        self.done.clear()
        self.resume_at = ORDER_OF_STEPS[0]
        if isinstance(self.progress, MemoryProgress):
            self.progress.steps.clear()

    # -- events ----------------------------------------------------------------------------

    def dispatch(self, event: Event) -> None:
        """The engine's sink: note what is done, then tell every listener."""
        if isinstance(event, StepDone):
            self.done[event.step] = dict(event.data)
            self.resume_at = self.first_pending()
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
        if not self.sandbox or self.conn is None:
            return url
        hosts = GUIDE_HOSTS if self.conn.generation == "guide" else CURRENT_HOSTS
        pairs = (
            (self.conn.oauth_token_url, hosts.oauth_token_url),
            (self.conn.messaging_url, hosts.messaging_url),
            (self.conn.dashboard_url, hosts.dashboard_url),
        )
        for local, public in pairs:
            if local and url.startswith(local):
                return public + url[len(local) :]
        return url

    def with_generation(self, generation: str) -> ConnectionSettings | None:
        """The connection with the messaging URL of the other API generation (sandbox aware)."""
        if self.conn is None:
            return None
        if self.sandbox:
            base = self.conn.dashboard_url.rsplit("/api", 1)[0]
            url = f"{base}/v2" if generation == "guide" else f"{base}/api/v2"
        else:
            url = (GUIDE_HOSTS if generation == "guide" else CURRENT_HOSTS).messaging_url
        return replace(self.conn, generation=generation, messaging_url=url)


def _setting(settings: Any, name: str) -> Any:
    return getattr(settings, name, None) if settings is not None else None


def _receiver_accepts(receiver: Any, user: str, password: str) -> bool:
    """True when the running receiver already checks these credentials."""
    import hmac

    expected_user = getattr(receiver, "_user", b"")
    expected_password = getattr(receiver, "_password", b"")
    return hmac.compare_digest(expected_user, user.encode("utf-8")) and hmac.compare_digest(
        expected_password, password.encode("utf-8")
    )


def _sentence(error: BaseException) -> str:
    """A plain sentence for any error: the message and hint when it has them, never a repr."""
    message = getattr(error, "message", None) or getattr(error, "description", None)
    hint = getattr(error, "hint", "") or ""
    if message:
        return f"{str(message).rstrip('.')}. {hint}".strip()
    text = str(error).strip()
    return text or f"Something went wrong ({type(error).__name__})."


def error_sentence(error: BaseException) -> str:
    """Public alias of the context's error wording, for screens that show caught errors."""
    return _sentence(error)
