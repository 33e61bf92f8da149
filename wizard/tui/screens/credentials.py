"""Credentials: which API generation, which account, which sign-in; verified before saving.

The guide's 2018 form used two credential sets (Dashboard username/password and a messaging
userId/token/secret); today's API uses the Dashboard credentials (or an OAuth2 client) for both.
"Verify" asks the API for the account before anything is saved, so a typo never ends up in the
keyring. Secrets are masked unless the user reveals them, and go only to the OS keyring (the
screen says where) or stay in memory when there is no usable keyring.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static, Switch

from wizard.engine.events import StepDone
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import StepId
from wizard.engine.steps.verify import STEP as VERIFY
from wizard.session.connection import ConnectionSettings, Secrets
from wizard.storage.settings import DEFAULT_URLS
from wizard.tui.messages import ProgressChanged
from wizard.tui.screens.base import StepScreen, field
from wizard.tui.widgets.validators import AccountId, Required

GENERATIONS = (
    ("Today's API (messaging.bandwidth.com)", "current"),
    ("The guide's 2018 API (api.catapult.inetwork.com)", "guide"),
)
AUTH_KINDS = (
    ("Dashboard API user: username and password", "basic"),
    ("OAuth2 client: client id and secret", "oauth2"),
)

#: Secret inputs -> (Secrets attribute, wizard.storage.credentials.SecretName value).
SECRET_INPUTS: dict[str, tuple[str, str]] = {
    "password": ("dashboard_password", "dashboard-password"),
    "client-secret": ("oauth_client_secret", "oauth-client-secret"),
    "messaging-token": ("messaging_token", "messaging-token"),
    "messaging-secret": ("messaging_secret", "messaging-secret"),
}


class CredentialsScreen(StepScreen):
    PAGE = "credentials"
    NEXT_LABEL = "Verify and save"
    AUTO_ADVANCE = False

    def __init__(self) -> None:
        super().__init__()
        self.saved_lines: list[str] = []
        """Where each secret went after the last successful verify (shown on the screen)."""

    # -- layout --------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        ctx = self.ctx
        conn = ctx.conn
        secrets = ctx.secrets
        generation = conn.generation if conn else "current"
        auth = conn.auth if conn else "basic"
        yield field(
            "API generation",
            Select(GENERATIONS, allow_blank=False, value=generation, id="generation", compact=True),
        )
        yield field(
            "Account id",
            Input(
                conn.account_id if conn else "",
                placeholder="digits, from the Dashboard",
                validators=[AccountId()],
                id="account-id",
                compact=True,
            ),
        )
        yield field(
            "Sign in with",
            Select(AUTH_KINDS, allow_blank=False, value=auth, id="auth", compact=True),
        )
        with Vertical(id="basic-fields"):
            yield field(
                "Username",
                Input(
                    (conn.username or "") if conn else "",
                    placeholder="Dashboard API user",
                    validators=[Required("username")],
                    id="username",
                    compact=True,
                ),
            )
            yield field("Password", self._secret_input("password", secrets.dashboard_password))
        with Vertical(id="oauth-fields"):
            yield field(
                "Client id",
                Input(
                    (conn.client_id or "") if conn else "",
                    validators=[Required("client id")],
                    id="client-id",
                    compact=True,
                ),
            )
            yield field(
                "Client secret", self._secret_input("client-secret", secrets.oauth_client_secret)
            )
        with Vertical(id="guide-fields"):
            yield Static(
                "The guide's messaging API has its own credentials (Voice and Messaging API):",
                classes="note",
            )
            yield field(
                "Messaging userId",
                Input(
                    (conn.messaging_user_id or "") if conn else "",
                    placeholder="u-...",
                    validators=[Required("messaging userId")],
                    id="messaging-user-id",
                    compact=True,
                ),
            )
            yield field("Token", self._secret_input("messaging-token", secrets.messaging_token))
            yield field("Secret", self._secret_input("messaging-secret", secrets.messaging_secret))
        with Horizontal(classes="field-row", id="reveal-row"):
            yield Label("Show secrets", classes="field-label")
            yield Switch(False, id="reveal", animate=False)
            yield Static("masked", id="reveal-state", classes="note")
        yield Static(self._keyring_note(), id="keyring-note", classes="notice", markup=False)

    def _secret_input(self, input_id: str, value: str | None) -> Input:
        what = {
            "password": "password",
            "client-secret": "client secret",
            "messaging-token": "token",
            "messaging-secret": "secret",
        }[input_id]
        return Input(
            value or "",
            password=True,
            validators=[Required(what)],
            id=input_id,
            compact=True,
        )

    def compose_buttons(self) -> ComposeResult:
        yield Button("Change credentials", id="change", compact=True)

    def _keyring_note(self) -> str:
        ctx = self.ctx
        if ctx.sandbox:
            return (
                "Sandbox identity: public demo credentials, kept in memory only and never saved "
                "to your keyring."
            )
        if ctx.store is None:
            return "Secrets stay in memory for this session."
        status = ctx.store.status()
        if status.usable:
            return status.explanation + " They are saved only after Verify succeeds."
        return (
            "No usable keyring: " + status.explanation + " Until then secrets stay in memory "
            "for this session only."
        )

    # -- state ---------------------------------------------------------------------------------

    def on_load(self) -> None:
        self._show_groups()

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _choice(self, selector: str) -> str:
        value = self.query_one(selector, Select).value
        return str(value) if value is not Select.NULL else ""

    def _show_groups(self) -> None:
        auth = self._choice("#auth")
        generation = self._choice("#generation")
        self.query_one("#basic-fields").display = auth == "basic"
        self.query_one("#oauth-fields").display = auth == "oauth2"
        self.query_one("#guide-fields").display = generation == "guide"
        self.refresh_state()

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        change = self.query_one("#change", Button)
        change.display = self.steps_done()
        change.disabled = self._step_running
        if self.ctx.sandbox and not self.steps_done():
            # The sandbox identity is never saved: promise only what happens.
            self.query_one("#next", Button).label = "Verify"

    def done_lines(self) -> list[str]:
        lines = super().done_lines()
        return lines + self.saved_lines

    def planned_requests(self) -> list[PlannedRequest]:
        """The Verify step's request for the account typed here (and the token request)."""
        conn, _ = self.form_connection()
        plan = Plan(
            dashboard_url=conn.dashboard_url,
            messaging_url=conn.messaging_url,
            oauth_token_url=conn.oauth_token_url,
            account_id=conn.account_id,
            inputs=self.ctx.inputs,
        )
        requests = VERIFY.planned_requests(plan)
        if conn.auth == "oauth2":
            requests.insert(
                0,
                PlannedRequest(
                    "POST",
                    conn.oauth_token_url,
                    None,
                    "grant_type=client_credentials, Basic client id:••••"
                    " (the token is cached and never shown)",
                ),
            )
        return [replace(r, url=self.ctx.public_url(r.url)) for r in requests]

    def auth_line(self) -> str:
        if self._choice("#auth") == "oauth2":
            return f"Authorization: Bearer •••• (OAuth2 client {self._value('#client-id') or '?'})"
        return f"Authorization: Basic {self._value('#username') or '?'}:••••"

    # -- events --------------------------------------------------------------------------------

    @on(Select.Changed)
    def _choice_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.ui_ready:
            self._show_groups()

    @on(Switch.Changed, "#reveal")
    def _reveal(self, event: Switch.Changed) -> None:
        event.stop()
        for input_id in SECRET_INPUTS:
            self.query_one(f"#{input_id}", Input).password = not event.value
        self.query_one("#reveal-state", Static).update("shown" if event.value else "masked")

    @on(Button.Pressed, "#change")
    def _change(self, event: Button.Pressed) -> None:
        event.stop()
        self.ctx.done.pop(StepId.VERIFY, None)
        self.saved_lines = []
        self.wizard.post_message(ProgressChanged())
        self.refresh_state()

    # -- running -------------------------------------------------------------------------------

    def form_connection(self) -> tuple[ConnectionSettings, Secrets]:
        """The connection and secrets the form describes (URLs kept from the current ones)."""
        ctx = self.ctx
        generation = self._choice("#generation") or "current"
        auth = self._choice("#auth") or "basic"
        if ctx.conn is not None and ctx.sandbox:
            current = ctx.with_generation(generation)
            assert current is not None
            dashboard, messaging, token = (
                current.dashboard_url,
                current.messaging_url,
                current.oauth_token_url,
            )
        elif ctx.conn is None and ctx.settings is not None:
            # First run: the settings file and BW_API_URL & co. say where the API is.
            chosen = ctx.settings.with_generation(generation)
            dashboard, messaging, token = (
                chosen.dashboard_url,
                chosen.messaging_url,
                chosen.oauth_token_url,
            )
        else:
            hosts = DEFAULT_URLS[generation]
            dashboard = ctx.conn.dashboard_url if ctx.conn else hosts["dashboard_url"]
            token = ctx.conn.oauth_token_url if ctx.conn else hosts["oauth_token_url"]
            messaging = hosts["messaging_url"]
            if ctx.conn is not None and ctx.conn.generation == generation:
                messaging = ctx.conn.messaging_url
        conn = ConnectionSettings(
            account_id=self._value("#account-id"),
            generation=generation,
            auth=auth,
            username=self._value("#username") or None,
            client_id=self._value("#client-id") or None,
            messaging_user_id=self._value("#messaging-user-id") or None,
            dashboard_url=dashboard,
            messaging_url=messaging,
            oauth_token_url=token,
        )

        def secret(input_id: str, wanted: bool) -> str | None:
            value = self.query_one(f"#{input_id}", Input).value
            return value if wanted and value else None

        secrets = Secrets(
            dashboard_password=secret("password", auth == "basic"),
            oauth_client_secret=secret("client-secret", auth == "oauth2"),
            messaging_token=secret("messaging-token", generation == "guide"),
            messaging_secret=secret("messaging-secret", generation == "guide"),
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
        self.ctx.open_progress_for(conn)
        await self.ctx.connect(conn, secrets)

    async def after_steps(self) -> None:
        if self.ctx.sandbox:
            self.saved_lines = ["Sandbox identity: kept in memory only (nothing saved)."]
        else:
            self.saved_lines = await asyncio.to_thread(self._save)
        # Steps an earlier run recorded for this account count as done once confirmed.
        await self.ctx.refresh_progress()

    def _save(self) -> list[str]:
        """Settings to the settings file, secrets to the keyring; one line per outcome."""
        ctx = self.ctx
        conn = ctx.conn
        assert conn is not None
        lines: list[str] = []
        try:
            lines.append(
                ctx.save_settings(
                    account_id=conn.account_id,
                    generation=conn.generation,
                    auth=conn.auth,
                    username=conn.username,
                    client_id=conn.client_id,
                    messaging_user_id=conn.messaging_user_id,
                )
            )
        except Exception as error:
            lines.append(f"Settings not saved: {error}")
        store = ctx.store
        if store is None:
            return [*lines, "Secrets stay in memory for this session."]
        from wizard.storage.credentials import LABELS, KeyringUnavailable, SecretName

        for attr, name in SECRET_INPUTS.values():
            value = getattr(ctx.secrets, attr)
            if not value:
                continue
            secret_name = SecretName(name)
            label = LABELS[secret_name]
            if store.source(conn.account_id, secret_name) == "env":
                lines.append(f"{label}: {store.location_description(conn.account_id, name)}")
                continue
            try:
                store.set(conn.account_id, secret_name, value)
            except KeyringUnavailable as error:
                lines.append(
                    f"{label}: not saved ({error.message}) It stays in memory for this "
                    f"session; set {store.env_var(secret_name)} to skip typing it next time."
                )
                continue
            lines.append(f"{label}: {store.location_description(conn.account_id, name)}")
        return lines

    def step_done(self, event: StepDone) -> None:
        if event.step is StepId.VERIFY:
            self.wizard.sub_title = (
                "sandbox" if self.ctx.sandbox else f"account {event.data.get('account_id')}"
            )

    def steps_finished(self) -> None:
        self.refresh_state()
        self.set_status("✓ Verified. Next: the sub-account.")
