"""Credentials: the API Credential (client id and secret), verified before anything is saved.

Bandwidth signs in with API Credentials only since 2026-12-02. Verify gets an access token,
whose claims say which accounts the credential may use (one is taken as it is, several are
offered as a choice) and which roles it has; the screen then shows what the credential can do,
and what each missing role will block. A Bandwidth Build trial stops here. Secrets are masked
unless revealed and go only to the OS keyring (the screen says where), after Verify succeeds.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static, Switch

from wizard.engine.events import StepDone, StepFailed
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.registry import PAGE_OF_STEP, STEP_PAGES, Page
from wizard.engine.step import StepId
from wizard.engine.steps.verify import STEP as VERIFY
from wizard.session.connection import API_CREDENTIALS_HELP, ConnectionSettings, Secrets
from wizard.session.session import ChooseAccount
from wizard.tui.messages import ProgressChanged
from wizard.tui.screens.base import StepScreen, field
from wizard.tui.widgets.validators import AccountId, Required

GUIDE_API = "guide"
CURRENT_API = "current"


class CredentialsScreen(StepScreen):
    PAGE = "credentials"
    NEXT_LABEL = "Verify and save"
    AUTO_ADVANCE = False

    def __init__(self) -> None:
        super().__init__()
        self.saved_lines: list[str] = []
        """Where each secret went after the last successful verify (shown on the screen)."""
        self.accounts: tuple[str, ...] = ()
        """The accounts the token named, when it named several (or none: then one is typed)."""

    # -- layout --------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        ctx = self.ctx
        conn = ctx.conn
        if ctx.sandbox:
            yield Static(
                "Sandbox API Credentials: public demo data, filled in for you and never saved.",
                classes="note",
            )
            yield field(
                "Credential",
                Select(self._sandbox_choices(), allow_blank=False, id="identity", compact=True),
            )
            yield field(
                "Messaging API",
                Select(
                    (
                        ("Today's (messaging.bandwidth.com)", CURRENT_API),
                        ("The guide's 2018 catapult API (retired)", GUIDE_API),
                    ),
                    allow_blank=False,
                    value=conn.generation if conn else CURRENT_API,
                    id="generation",
                    compact=True,
                ),
            )
        yield field(
            "Client id",
            Input(
                (conn.client_id or "") if conn else "",
                placeholder="from the Bandwidth App: Account > API Credentials",
                validators=[Required("client id")],
                id="client-id",
                compact=True,
            ),
        )
        yield field(
            "Client secret",
            Input(
                ctx.secrets.oauth_client_secret or "",
                password=True,
                validators=[Required("client secret")],
                id="client-secret",
                compact=True,
            ),
        )
        with Horizontal(classes="field-row", id="reveal-row"):
            yield Label("Show secret", classes="field-label")
            yield Switch(False, id="reveal", animate=False)
            yield Static("masked", id="reveal-state", classes="note")
        with Vertical(id="account-choice"):
            yield field(
                "Account",
                Select((), prompt="Choose the account", id="account", compact=True),
                help="This credential can use several accounts: pick the one to set up.",
            )
        with Vertical(id="account-typed"):
            yield field(
                "Account id",
                Input(
                    placeholder="digits, from the Bandwidth App",
                    validators=[AccountId()],
                    id="account-id",
                    compact=True,
                ),
                help="The token names no account: type the one to set up.",
            )
        yield Static("", id="capabilities", markup=False)
        yield Static(self._keyring_note(), id="keyring-note", classes="notice", markup=False)
        with Vertical(id="legacy"):
            yield Static("", id="legacy-note", classes="notice", markup=False)
            yield Button("Delete the old keyring entry", id="delete-legacy", compact=True)

    def compose_buttons(self) -> ComposeResult:
        yield Button("Change credentials", id="change", compact=True)

    def _sandbox_choices(self) -> list[tuple[str, str]]:
        server = self.ctx.sandbox_server
        if server is None:
            return [("sandbox-client (full account)", "sandbox-client")]
        return [(f"{c.client_id} ({c.label})", c.client_id) for c in server.credentials()]

    def _keyring_note(self) -> str:
        ctx = self.ctx
        if ctx.sandbox:
            return "Sandbox credentials stay in memory and are never saved to your keyring."
        where = ""
        if ctx.conn is not None and ctx.conn.environment == "test":
            where = "Bandwidth's test environment (messages still go to production). "
        if ctx.store is None:
            return where + "Secrets stay in memory for this session."
        from wizard.storage.credentials import SecretName

        env_var = ctx.store.env_var(SecretName.OAUTH_CLIENT_SECRET)
        if ctx.store.env.get(env_var):
            # Nothing to save: whether a keyring exists does not matter to this person.
            return where + f"The client secret comes from {env_var}; nothing is saved for it."
        status = ctx.store.status()
        if status.usable:
            return where + status.explanation + " They are saved only after Verify succeeds."
        return (
            where + "No usable keyring: " + status.explanation + " Until then secrets stay in "
            "memory for this session only."
        )

    # -- state ---------------------------------------------------------------------------------

    def on_load(self) -> None:
        self._show_legacy()
        self._show_account_fields()

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _choice(self, selector: str) -> str:
        found = self.query(selector)
        if not found:
            return ""
        value = found.first(Select).value
        return str(value) if value is not Select.NULL else ""

    def _show_account_fields(self) -> None:
        several = len(self.accounts) > 1
        self.query_one("#account-choice").display = several and not self.steps_done()
        typed = self._needs_typed_account() and not self.steps_done()
        self.query_one("#account-typed").display = typed
        self.refresh_state()

    def _needs_typed_account(self) -> bool:
        claims = self.ctx.claims
        return claims is not None and not claims.accounts

    def _show_legacy(self) -> None:
        legacy = self.ctx.legacy_api_user
        box = self.query_one("#legacy")
        box.display = legacy is not None and not self.steps_done()
        if legacy is None:
            return
        self.query_one("#legacy-note", Static).update(f"{legacy.message} {legacy.hint}")
        self.query_one("#delete-legacy", Button).display = bool(legacy.keyring_account)

    def is_valid(self) -> bool:
        choosing = self.query_one("#account-choice").display
        return super().is_valid() and not (choosing and not self._choice("#account"))

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        change = self.query_one("#change", Button)
        change.display = self.steps_done()
        # Once verified without a keyring, the done panel says the secret stays in memory:
        # one warning, not two.
        store = self.ctx.store
        unusable = store is not None and not self.ctx.sandbox and not store.status().usable
        self.query_one("#keyring-note").display = not (self.steps_done() and unusable)
        change.disabled = self._step_running
        if self.ctx.sandbox and not self.steps_done():
            # The sandbox identity is never saved: promise only what happens.
            self.query_one("#next", Button).label = "Verify"
        self._show_capabilities()

    def _show_capabilities(self) -> None:
        """What the verified credential can do: each capability, and what a missing one blocks."""
        widget = self.query_one("#capabilities", Static)
        report = self.ctx.credential_report()
        if report is None or not self.steps_done():
            widget.display = False
            return
        text = Text()
        text.append("What this credential can do\n", style="bold")
        for check in report.checks:
            if check.granted:
                text.append(f"✓ {check.label}\n", style="green")
            else:
                text.append(f"✗ {check.label}: missing. ", style="bold yellow")
                text.append(f"{check.blocks} {check.ask}\n")
        widget.update(text)
        widget.display = True

    def done_lines(self) -> list[str]:
        return [*super().done_lines(), *self.saved_lines]

    def planned_requests(self) -> list[PlannedRequest]:
        """The token request, then the Verify step's read of the account the token names."""
        conn, _ = self.form_connection()
        plan = Plan(
            dashboard_url=conn.dashboard_url,
            messaging_url=conn.messaging_url,
            oauth_token_url=conn.oauth_token_url,
            account_id=conn.account_id,
            inputs=self.ctx.inputs,
        )
        token = PlannedRequest(
            "POST",
            conn.oauth_token_url,
            None,
            "grant_type=client_credentials with the client id and secret (Basic). The access "
            "token names the accounts and roles; it stays in memory and is never shown.",
        )
        requests = [token, *VERIFY.planned_requests(plan)]
        return [replace(r, url=self.ctx.public_url(r.url)) for r in requests]

    def auth_line(self) -> str:
        return f"Authorization: Bearer •••• (client {self._value('#client-id') or '?'})"

    # -- events --------------------------------------------------------------------------------

    @on(Select.Changed, "#identity")
    def _identity_changed(self, event: Select.Changed) -> None:
        event.stop()
        server = self.ctx.sandbox_server
        chosen = str(event.value) if event.value is not Select.NULL else ""
        if server is None or not chosen:
            return
        for option in server.credentials():
            if option.client_id == chosen:
                self.query_one("#client-id", Input).value = option.client_id
                self.query_one("#client-secret", Input).value = option.client_secret
        self.accounts = ()
        self._show_account_fields()

    @on(Select.Changed, "#generation, #account")
    def _choice_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.refresh_state()

    @on(Switch.Changed, "#reveal")
    def _reveal(self, event: Switch.Changed) -> None:
        event.stop()
        self.query_one("#client-secret", Input).password = not event.value
        self.query_one("#reveal-state", Static).update("shown" if event.value else "masked")

    @on(Button.Pressed, "#change")
    def _change(self, event: Button.Pressed) -> None:
        event.stop()
        self.ctx.done.pop(StepId.VERIFY, None)
        self.saved_lines = []
        self.wizard.post_message(ProgressChanged())
        self.refresh_state()

    @on(Button.Pressed, "#delete-legacy")
    def _delete_legacy(self, event: Button.Pressed) -> None:
        event.stop()
        legacy = self.ctx.legacy_api_user
        if legacy is None or not legacy.keyring_account or self.ctx.store is None:
            return
        from wizard.storage.credentials import SecretName

        try:
            self.ctx.store.delete(legacy.keyring_account, SecretName.DASHBOARD_PASSWORD)
        except Exception as error:  # KeyringUnavailable: a sentence
            self.show_error(str(error), "Remove it with your keyring's own tool.")
            return
        self.ctx.legacy_api_user = replace(legacy, keyring_account=None)
        self.set_status("The old API-user password was deleted from the keyring.")
        self._show_legacy()

    # -- running -------------------------------------------------------------------------------

    def form_connection(self) -> tuple[ConnectionSettings, Secrets]:
        """The connection and secrets the form describes (hosts kept from the current ones)."""
        ctx = self.ctx
        base = ctx.conn or ctx.default_connection()
        generation = self._choice("#generation") or CURRENT_API
        if ctx.sandbox and ctx.sandbox_server is not None:
            conn, sandbox_secrets = ctx.sandbox_server.connection(guide=generation == GUIDE_API)
        else:
            conn, sandbox_secrets = base, Secrets()
        account = self._choice("#account") or self._value("#account-id")
        if not account and not ctx.sandbox:
            account = base.account_id
        conn = replace(conn, client_id=self._value("#client-id") or None, account_id=account)
        secrets = Secrets(
            oauth_client_secret=self.query_one("#client-secret", Input).value or None,
            messaging_token=sandbox_secrets.messaging_token,
            messaging_secret=sandbox_secrets.messaging_secret,
            callback_password=ctx.secrets.callback_password,
        )
        return conn, secrets

    def action_next(self) -> None:
        if self._step_running:
            return
        if self.steps_done():
            self.go_next()
            return
        if not self.is_valid():
            self.set_status("Some inputs still need attention (see the messages under them).")
            return
        self._form_conn = self.form_connection()
        # A new verification: the old one no longer vouches for these credentials.
        self.ctx.done.pop(StepId.VERIFY, None)
        self.run_steps(StepId.VERIFY)

    async def before_steps(self) -> None:
        conn, secrets = self._form_conn
        try:
            await self.ctx.connect(conn, secrets)
        except ChooseAccount as choose:
            self.accounts = choose.accounts
            self.call_later(self._offer_accounts)
            raise

    def _offer_accounts(self) -> None:
        select = self.query_one("#account", Select)
        select.set_options([(account, account) for account in self.accounts])
        self._show_account_fields()
        self.clear_error()
        self.set_status("Choose the account to set up, then press Verify again.")

    async def after_steps(self) -> None:
        if self.ctx.sandbox:
            self.saved_lines = ["Sandbox credentials: kept in memory only (nothing saved)."]
        else:
            self.saved_lines = await asyncio.to_thread(self._save)
        # Steps an earlier run recorded for this account count as done once confirmed.
        await self.ctx.refresh_progress()

    def _save(self) -> list[str]:
        """Settings to the settings file, the client secret to the keyring; a line each."""
        ctx = self.ctx
        conn = ctx.conn
        assert conn is not None
        lines: list[str] = []
        try:
            lines.append(ctx.save_settings(account_id=conn.account_id, client_id=conn.client_id))
        except Exception as error:
            lines.append(f"Settings not saved: {error}")
        store = ctx.store
        secret = ctx.secrets.oauth_client_secret
        if store is None or not secret or not conn.client_id:
            return [*lines, "The client secret stays in memory for this session."]
        from wizard.storage.credentials import LABELS, KeyringUnavailable, SecretName

        name = SecretName.OAUTH_CLIENT_SECRET
        label = LABELS[name]
        if store.source(conn.client_id, name) == "env":
            return [*lines, f"{label}: {store.location_description(conn.client_id, name)}"]
        try:
            store.set(conn.client_id, name, secret)
        except KeyringUnavailable as error:
            return [
                *lines,
                f"{label}: not saved ({error.message}) It stays in memory for this session; "
                f"set {store.env_var(name)} to skip typing it next time.",
            ]
        return [*lines, f"{label}: {store.location_description(conn.client_id, name)}"]

    def step_done(self, event: StepDone) -> None:
        if event.step is StepId.VERIFY:
            self.accounts = ()
            self.wizard.sub_title = (
                "sandbox" if self.ctx.sandbox else f"account {event.data.get('account_id')}"
            )
            self._show_account_fields()
            self._show_legacy()

    def step_failed(self, event: StepFailed) -> None:
        if event.kind == "auth":
            self.show_error(event.message, event.hint or API_CREDENTIALS_HELP, retry=None)
            self.call_after_refresh(self.query_one("#client-secret", Input).focus)

    def steps_finished(self) -> None:
        self.refresh_state()
        resume = self._resume_page()
        if resume is not None:
            done = sum(1 for p in STEP_PAGES if all(self.ctx.is_done(s) for s in p.steps))
            self.set_status(
                f"✓ Verified. Saved progress checked: {done} of {len(STEP_PAGES)} steps are "
                f"done. Next: {resume.label}."
            )
        else:
            self.set_status("✓ Verified. Next: the sub-account.")

    def _resume_page(self) -> Page | None:
        """The first unfinished page when saved progress goes past the next one, else None."""
        pending = self.ctx.first_pending()
        if pending is None or pending in STEP_PAGES[1].steps:
            return None
        return PAGE_OF_STEP[pending]

    def go_next(self) -> None:
        """After a verify that restored saved progress, straight to the first unfinished step:
        walking every finished screen one at a time taught nothing."""
        resume = self._resume_page() if self.steps_done() else None
        if resume is not None:
            self.wizard.goto(resume.key)
        else:
            super().go_next()
