"""Application: the name, the callback URL every message event goes to, and its credentials.

The guide's first request. The callback URL defaults to the wizard's own receiver (in the
sandbox) or to a tunnel found on this computer, because a loopback address is unreachable for
Bandwidth. Callback credentials are generated, so nobody invents a weak one, and the receiver
checks them on every callback. An application with the same name is found first and reused:
a POST whose answer was lost must not leave a second application behind.

Bandwidth never returns a callback password. A run that finds the application recorded but its
password gone (no keyring, no BW_CALLBACK_PASSWORD) says so here and offers the two ways out:
new credentials for the application (a PUT), or the old password typed in.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static, Switch

from wizard.engine.inputs import SetupInputs
from wizard.engine.step import StepId
from wizard.engine.steps.application import renew_callback_credentials
from wizard.engine.validation import is_loopback_host
from wizard.session.session import PasswordOrigin
from wizard.storage.credentials import generate_callback_password
from wizard.tui.messages import ProgressChanged
from wizard.tui.screens.base import StepScreen, field
from wizard.tui.widgets.validators import (
    BasicUser,
    CallbackUrl,
    Name,
    Required,
    SandboxCallbackUrl,
)


class LostPasswordPanel(Vertical):
    """The application's callback password is gone: why that matters, and the two fixes."""

    DEFAULT_CSS = """
    LostPasswordPanel {
        height: auto;
        border-left: thick $warning;
        padding: 0 1;
        margin: 0 0 1 0;
    }
    LostPasswordPanel #lost-text { height: auto; }
    LostPasswordPanel .lost-row { height: auto; margin-top: 1; }
    LostPasswordPanel .lost-row Input { width: 1fr; }
    LostPasswordPanel Button { margin-left: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="lost-text", markup=False)
        with Horizontal(classes="lost-row"):
            yield Button(
                "Give the application new credentials",
                id="renew-credentials",
                variant="warning",
                compact=True,
            )
        with Horizontal(classes="lost-row"):
            yield Input(
                placeholder="or type the application's old callback password",
                password=True,
                id="old-callback-password",
                compact=True,
            )
            yield Button("Use it", id="use-old-password", compact=True)


class ApplicationScreen(StepScreen):
    PAGE = "application"
    NEXT_LABEL = "Create application"

    def __init__(self) -> None:
        super().__init__()
        self.existing: Any = None
        """The application with the typed name, if the account has one (looked up as typed)."""
        self.looked_up: str | None = None
        """The name `existing` belongs to."""
        self.tunnel_note: str = ""
        self.save_problems: list[str] = []
        """What could not be saved after the step (settings file, keyring), as sentences."""

    # -- layout --------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        ctx = self.ctx
        inputs = ctx.inputs
        url = inputs.callback_url or ctx.tunnel_url or ctx.receiver_url or ""
        yield field(
            "Application name",
            Input(
                inputs.application_name,
                validators=[Name("application name")],
                id="app-name",
                compact=True,
            ),
        )
        yield field(
            "Callback URL",
            Input(
                url,
                placeholder="https://your-server.example.com/callbacks",
                validators=[CallbackUrl(), *([SandboxCallbackUrl()] if ctx.sandbox else [])],
                id="callback-url",
                compact=True,
            ),
        )
        yield Static("", id="callback-note", classes="note", markup=False)
        yield field(
            "Callback user",
            Input(
                inputs.callback_user or "bw-wizard",
                validators=[BasicUser("callback user")],
                id="callback-user",
                compact=True,
            ),
        )
        yield field(
            "Callback password",
            Input(
                inputs.callback_password or generate_callback_password(),
                password=True,
                validators=[Required("callback password")],
                id="callback-password",
                compact=True,
            ),
            help="Generated; Bandwidth sends it with every callback (Basic auth).",
        )
        with Horizontal(classes="field-row"):
            yield Label("Show password", classes="field-label")
            yield Switch(False, id="reveal", animate=False)
            yield Button("Generate new", id="regenerate", compact=True)
        yield Static("", id="existing-note", classes="notice", markup=False)

    # -- state ---------------------------------------------------------------------------------

    def on_mount(self) -> None:
        # Outside the form, which is disabled once the step is done: the fixes must stay usable.
        # Above it, so a 24-row terminal shows the problem and its buttons without scrolling.
        panel = LostPasswordPanel(id="lost-password")
        panel.display = False
        self.query_one("#step-body").mount(panel, before="#form")
        self.call_after_refresh(self._show_lost_password)
        # StepScreen.on_mount runs after this (Textual calls handlers along the MRO).

    def on_load(self) -> None:
        self.query_one("#existing-note").display = False
        self.after_typing(self._lookup)
        ctx = self.ctx
        if not ctx.sandbox and ctx.receiver_server is not None and not self.steps_done():
            from wizard.callbacks.tunnel import find_public_url

            port = ctx.receiver_server.port
            self.run_io(
                lambda: find_public_url(local_port=port),
                self._tunnel_found,
                describe="Looking for a tunnel (ngrok) to the receiver…",
            )
        self._update_callback_note()

    def _tunnel_found(self, lookup: Any) -> None:
        self.tunnel_note = lookup.explanation
        url_input = self.query_one("#callback-url", Input)
        if lookup.callback_url:
            self.ctx.tunnel_url = lookup.callback_url
            if not url_input.value or url_input.value == self.ctx.receiver_url:
                url_input.value = lookup.callback_url
        self._update_callback_note()

    def _update_callback_note(self) -> None:
        ctx = self.ctx
        url = self.query_one("#callback-url", Input).value.strip()
        note = ""
        if ctx.sandbox and url and ctx.receiver_url and url != ctx.receiver_url:
            note = (
                f"Callbacks will go to {url}, not to the wizard's receiver ({ctx.receiver_url}): "
                "the send screen shows only what reaches the receiver."
            )
        elif ctx.sandbox:
            note = "The sandbox sends callbacks to the wizard's own receiver on this computer."
        elif url and _is_loopback_url(url):
            note = "Bandwidth cannot reach this computer's loopback address. " + (
                self.tunnel_note or "Use a tunnel (ngrok) or your server's https URL."
            )
        elif self.tunnel_note:
            note = self.tunnel_note
        if ctx.receiver_error:
            note = f"{note} The local receiver is not running: {ctx.receiver_error}".strip()
        widget = self.query_one("#callback-note", Static)
        widget.update(note)
        widget.display = bool(note)

    def _lookup(self) -> None:
        engine = self.ctx.engine
        name = self.query_one("#app-name", Input).value.strip()
        if engine is None or not name or self.steps_done() or name == self.looked_up:
            return

        async def find() -> tuple[str, Any]:
            return name, await engine.dashboard.find_application_by_name(name)

        self.run_io(find, self._looked_up, describe=f"Looking for an application named {name}…")

    def _looked_up(self, result: tuple[str, Any]) -> None:
        name, app = result
        self.looked_up, self.existing = name, app
        self._show_existing()

    def _show_existing(self) -> None:
        note = self.query_one("#existing-note", Static)
        name = self.query_one("#app-name", Input).value.strip()
        app = self.existing if self.looked_up == name else None
        if app is None or self.steps_done():
            note.display = False
            label = "Next" if self.steps_done() else self.NEXT_LABEL
            self.query_one("#next", Button).label = label
            return
        url = self.query_one("#callback-url", Input).value.strip()
        text = (
            f"An application named “{app.name}” already exists (id {app.id}). "
            "Next reuses it instead of creating another"
        )
        if url and app.callback_url != url:
            old = app.callback_url or "(none)"
            text += f", and changes its callback URL from {old} to this one."
        else:
            text += "; nothing is sent."
        text += " To create a new application instead, choose another name."
        note.update(text)
        note.display = True
        self.query_one("#next", Button).label = "Reuse application"

    def found(self) -> dict[str, Any]:
        name = self.query_one("#app-name", Input).value.strip()
        return {"application": self.existing if self.looked_up == name else None}

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        if not self.steps_done():
            self._show_existing()
        else:
            self.query_one("#existing-note").display = False
        self._show_lost_password()

    def _show_lost_password(self) -> None:
        panels = self.query(LostPasswordPanel)
        if not panels or not panels.first().query("#lost-text"):
            return  # not composed yet: on_mount shows it after the next refresh
        panel = panels.first()
        ctx = self.ctx
        lost = ctx.callback_password_lost and self.steps_done()
        panel.display = lost
        if not lost:
            return
        app_id = ctx.data(StepId.APPLICATION).get("application_id")
        panel.query_one("#lost-text", Static).update(
            lost_password_text(str(app_id), ctx.application_callback_user() or "")
        )
        for button in panel.query(Button):
            button.disabled = self._step_running

    def fill_inputs(self, inputs: SetupInputs) -> None:
        inputs.application_name = self.query_one("#app-name", Input).value.strip()
        inputs.callback_url = self.query_one("#callback-url", Input).value.strip()
        inputs.callback_user = self.query_one("#callback-user", Input).value.strip()
        inputs.callback_password = self.query_one("#callback-password", Input).value

    # -- events --------------------------------------------------------------------------------

    @on(Input.Changed, "#app-name")
    def _name_changed(self, event: Input.Changed) -> None:
        self.after_typing(self._lookup)

    @on(Input.Changed, "#callback-url")
    def _url_changed(self, event: Input.Changed) -> None:
        if self.ui_ready:
            self._update_callback_note()

    @on(Switch.Changed, "#reveal")
    def _reveal(self, event: Switch.Changed) -> None:
        event.stop()
        self.query_one("#callback-password", Input).password = not event.value

    @on(Button.Pressed, "#regenerate")
    def _regenerate(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#callback-password", Input).value = generate_callback_password()

    # -- a lost callback password ------------------------------------------------------------

    @on(Button.Pressed, "#renew-credentials")
    def _renew_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        ctx = self.ctx
        engine = ctx.engine
        user = ctx.application_callback_user() or ctx.inputs.callback_user or "bw-wizard"
        # The receiver's own password: it already checks it, so nothing restarts.
        password = ctx.inputs.callback_password or generate_callback_password()
        if engine is None:
            return

        async def renew() -> dict[str, Any]:
            data = await renew_callback_credentials(engine, user, password)
            ctx.done[StepId.APPLICATION] = data
            await ctx.use_callback_password(user, password, PasswordOrigin.SENT)
            if not ctx.sandbox:
                await asyncio.to_thread(self._save)
            return data

        self.run_io(renew, self._fixed, describe="Giving the application new callback credentials…")

    @on(Button.Pressed, "#use-old-password")
    @on(Input.Submitted, "#old-callback-password")
    def _use_old_pressed(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        ctx = self.ctx
        typed = self.query_one("#old-callback-password", Input).value
        if not typed:
            self.set_status("Type the application's old callback password first.")
            return
        user = ctx.application_callback_user() or ctx.inputs.callback_user or "bw-wizard"

        async def use_old() -> dict[str, Any]:
            await ctx.use_callback_password(user, typed, PasswordOrigin.TYPED)
            if not ctx.sandbox:
                await asyncio.to_thread(self._save)
            return dict(ctx.data(StepId.APPLICATION))

        self.run_io(use_old, self._fixed, describe="Using the old callback password…")

    def _fixed(self, data: dict[str, Any]) -> None:
        origin = self.ctx.callback_password_origin
        if origin is PasswordOrigin.TYPED:
            self.set_status(
                "The receiver now checks the password you typed. Bandwidth cannot confirm it: "
                "if callbacks are still refused after a send, give the application new "
                "credentials instead."
            )
        else:
            self.set_status(
                f"✓ Application {data.get('application_id')} has new callback credentials; "
                "the receiver checks the same ones."
            )
        self.query_one("#old-callback-password", Input).value = ""
        self.wizard.post_message(ProgressChanged())
        self.refresh_state()

    # -- after the step ------------------------------------------------------------------------

    async def after_steps(self) -> None:
        ctx = self.ctx
        inputs = ctx.inputs
        if inputs.callback_user and inputs.callback_password:
            await ctx.use_callback_credentials(inputs.callback_user, inputs.callback_password)
        if ctx.sandbox:
            return
        await asyncio.to_thread(self._save)

    def _save(self) -> None:
        """Callback URL and user to the settings file, the password to the keyring."""
        ctx = self.ctx
        inputs = ctx.inputs
        problems: list[str] = []
        try:
            ctx.save_settings(callback_url=inputs.callback_url, callback_user=inputs.callback_user)
        except Exception as error:
            problems.append(f"Settings not saved: {error}")
        if ctx.store is not None and ctx.conn is not None and inputs.callback_password:
            from wizard.storage.credentials import KeyringUnavailable, SecretName

            try:
                ctx.store.set(
                    ctx.conn.account_id, SecretName.CALLBACK_PASSWORD, inputs.callback_password
                )
            except KeyringUnavailable as error:
                problems.append(
                    f"The callback password is not saved ({error.message}) It stays in "
                    "memory for this session."
                )
        self.save_problems = problems

    def done_lines(self) -> list[str]:
        lines = super().done_lines()
        data = self.ctx.data(StepId.APPLICATION)
        if data.get("callback_url"):
            lines.append(f"Callback URL: {self.ctx.public_url(str(data['callback_url']))}")
        lines += self.save_problems
        return lines


def _is_loopback_url(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return is_loopback_host(host)


def lost_password_text(app_id: str, user: str) -> str:
    """Why a lost callback password matters, said where it can be fixed (and before a send)."""
    return (
        f"The callback password of application {app_id} (user “{user}”) is not on this "
        "computer: the run that set it kept it in memory only (no keyring, no "
        "BW_CALLBACK_PASSWORD). Bandwidth sends the old password with every callback, so the "
        "wizard's receiver would refuse them all (401) and no message outcome would arrive. "
        "Give the application new credentials (a PUT; saved to the keyring when there is "
        "one), or type the old password if you still have it."
    )
