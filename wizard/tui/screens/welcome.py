"""Welcome: what will happen, the guide's prerequisites as a checklist, resume or start over.

The guide lists what must be true before its first request; most failures later (13609, 401)
trace back to one of them, so they are stated up front. When progress was saved by an earlier
run, the wizard offers to continue at the first unfinished step, checked against the API.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Click
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from wizard.engine.registry import PAGE_OF_STEP, STEP_PAGES
from wizard.tui.messages import ProgressChanged
from wizard.tui.screens.base import StepScreen

PREREQUISITES: tuple[tuple[str, str], ...] = (
    (
        "linked",
        "HTTP messaging enabled on your account by Bandwidth support (without it Enable SMS "
        "fails with error 13609)",
    ),
    (
        "credential",
        "An API Credential (client id and secret) from the Bandwidth App, Account > API "
        "Credentials; API users (username and password) stopped working on 2026-12-02",
    ),
    (
        "ready",
        "To text from a local number, a registered 10DLC campaign (a brand and a campaign, "
        "reviewed over days); or a toll-free number, verified here",
    ),
    ("site", "A sub-account (site) to use, or the wizard creates one"),
    (
        "callback",
        "A public https URL for message events (an ngrok tunnel works; the sandbox needs none)",
    ),
)


def plan_table() -> Table:
    """The steps in two columns, numbered as the headings and the sidebar number them."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(ratio=1)
    table.add_column(ratio=1)
    half = (len(STEP_PAGES) + 1) // 2
    numbered = [page.label for page in STEP_PAGES]
    for left, right in zip(numbered[:half], [*numbered[half:], ""], strict=False):
        table.add_row(left, right)
    return table


class PrerequisiteRow(Horizontal):
    """A checkbox and its sentence; the sentence wraps (a Checkbox label cannot) and a click on
    it ticks the box too."""

    DEFAULT_CSS = """
    PrerequisiteRow { height: auto; }
    PrerequisiteRow Checkbox, PrerequisiteRow Checkbox:focus {
        width: 5; border: none; padding: 0; background: transparent;
    }
    PrerequisiteRow Checkbox:focus { text-style: reverse; }
    PrerequisiteRow .prereq-text { width: 1fr; height: auto; }
    """

    def __init__(self, key: str, text: str, *, ticked: bool) -> None:
        super().__init__(id=f"prereq-{key}")
        self.key = key
        self.text = text
        self.ticked = ticked

    def compose(self) -> ComposeResult:
        yield Checkbox("", self.ticked, compact=True, classes="prereq-box")
        yield Static(self.text, classes="prereq-text", markup=False)

    def on_click(self, event: Click) -> None:
        box = self.query_one(Checkbox)
        if event.widget is not box:
            box.toggle()


class ConfirmStartOver(ModalScreen[bool]):
    """Asks before setting saved progress aside."""

    DEFAULT_CSS = """
    ConfirmStartOver { align: center middle; }
    ConfirmStartOver > Vertical {
        width: 64; max-width: 90%; height: auto;
        border: round $warning; background: $surface; padding: 1 2;
    }
    ConfirmStartOver #confirm-buttons { height: 1; align-horizontal: right; margin-top: 1; }
    ConfirmStartOver Button { margin-left: 2; }
    """

    BINDINGS: ClassVar = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Start over? Saved progress is set aside (kept as a backup file) and the "
                "wizard begins at the first step. Nothing on your Bandwidth account is "
                "deleted; steps find what already exists and reuse it.",
                markup=False,
            )
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Start over", id="confirm", variant="warning", compact=True)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)


class WelcomeScreen(StepScreen):
    PAGE = "welcome"
    STEP_TITLE = "Welcome to bw-wizard"
    STEP_WHY = (
        "Sets up Bandwidth Messaging 2.0 the way the setup guide does, one request at a time, "
        "and sends your first message."
    )
    NEXT_LABEL = "Start"

    def compose_body(self) -> ComposeResult:
        # First: saved progress (and sandbox mode) is what a returning person needs to see,
        # even on a 24-row terminal where the plan and the prerequisites scroll.
        yield Static("", id="resume", classes="notice", markup=False)
        yield Static("What will happen", classes="section-title")
        yield Static(plan_table(), id="plan", classes="note")
        yield Static("Before you start (from the guide)", classes="section-title")
        with Vertical(id="prerequisites"):
            for key, text in PREREQUISITES:
                yield PrerequisiteRow(key, text, ticked=self.ctx.sandbox)
        yield Static("", id="prereq-note", classes="note", markup=False)

    def compose_buttons(self) -> ComposeResult:
        yield Button("Start over", id="start-over", compact=True, variant="warning")

    # -- state ---------------------------------------------------------------------------------

    def is_valid(self) -> bool:
        return self.wizard.ready

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        ctx = self.ctx
        self.query_one("#preview").display = False
        self.query_one("#back").display = False
        resume = self.query_one("#resume", Static)
        start_over = self.query_one("#start-over", Button)
        next_button = self.query_one("#next", Button)
        next_button.disabled = not self.wizard.ready
        if not self.wizard.ready:
            waiting = "Starting the sandbox…" if ctx.start_sandbox else "Checking saved progress…"
            resume.update(waiting)
            start_over.display = False
            return
        done = [page for page in STEP_PAGES if all(ctx.is_done(step) for step in page.steps)]
        lines: list[str] = []
        if ctx.sandbox:
            lines.append(
                "Sandbox mode: a local Bandwidth emulator with a demo account; nothing leaves "
                "this computer and nothing is saved to your keyring."
            )
        if ctx.progress_error:
            lines.append(ctx.progress_error)
        if ctx.resume_error:
            lines.append(f"Saved progress could not be checked: {ctx.resume_error}")
        recorded = ctx.recorded_steps()
        if not done and recorded and ctx.engine is None:
            # Saved progress, not checked yet: the credentials are needed to ask Bandwidth.
            pages = [p for p in STEP_PAGES if all(s in recorded for s in p.steps)]
            account = f" for account {ctx.account_id}" if ctx.account_id else ""
            lines.append(
                f"Saved progress{account}: {len(pages)} of {len(STEP_PAGES)} steps were done by "
                "an earlier run. Verify your credentials and the wizard checks them with "
                "Bandwidth, then goes on at the first unfinished step."
            )
            next_button.label = "Verify to resume"
        if ctx.callback_password_lost:
            lines.append(
                "The application's callback password was not kept (no keyring, no "
                "BW_CALLBACK_PASSWORD): the Application step says how to fix it, or message "
                "outcomes will never arrive."
            )
        if done and ctx.resume_at is not None:
            title = PAGE_OF_STEP[ctx.resume_at].title
            lines.append(
                f"{len(done)} of {len(STEP_PAGES)} steps are done (see the sidebar). "
                f"Next up: {title}."
            )
            next_button.label = f"Resume: {title}"
        elif done:
            lines.append("Every step is done. Open any step from the sidebar to review it.")
            next_button.label = "Review"
        elif not recorded or ctx.engine is not None:
            next_button.label = "Start"
        resume.update("\n".join(lines))
        resume.display = bool(lines)
        start_over.display = (
            bool(done) or bool(recorded) or bool(ctx.progress_error)
        ) and not ctx.sandbox
        self._update_prereq_note()
        if self.focused is None:
            # Start was disabled until now; Enter should start.
            self.call_after_refresh(self.focus_first_field)

    def _update_prereq_note(self) -> None:
        missing = sum(1 for box in self.query(".prereq-box").results(Checkbox) if not box.value)
        note = self.query_one("#prereq-note", Static)
        if self.ctx.sandbox:
            note.update("The sandbox provides all of these.")
        elif missing:
            note.update(
                f"{missing} not ticked: you can still start; the step that needs it will say "
                "what is missing."
            )
        else:
            note.update("All set.")

    @on(Checkbox.Changed, ".prereq-box")
    def _ticked(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._update_prereq_note()

    # -- actions -------------------------------------------------------------------------------

    def action_next(self) -> None:
        if not self.wizard.ready:
            return
        ctx = self.ctx
        if ctx.engine is None or (ctx.resume_at is None and not ctx.done):
            self.wizard.goto("credentials")
            return
        page = PAGE_OF_STEP[ctx.resume_at] if ctx.resume_at else STEP_PAGES[-1]
        self.wizard.goto(page.key)

    @on(Button.Pressed, "#start-over")
    def _start_over_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.push_screen(ConfirmStartOver(), self._start_over_answer)

    def _start_over_answer(self, confirmed: bool | None) -> None:
        if not confirmed:
            return
        try:
            backup = self.ctx.start_over()
        except Exception as error:
            self.show_error(
                f"Could not set saved progress aside: {error}",
                "Check that the state directory is writable.",
            )
            return
        note = f" (backup: {backup})" if backup else ""
        self.set_status(f"Saved progress set aside{note}. Starting from the first step.")
        self.wizard.post_message(ProgressChanged())
        self.refresh_state()
