"""StepScreen: what every step screen shares, so each step module only says what is different.

Every step looks the same: its title and the one line on why the guide needs it, the step
sidebar, the form, the request preview, an error panel (the engine's hint and Retry) and
Back/Next. Next stays disabled until every input is valid. Pressing it copies the form into
``ctx.inputs`` and runs the screen's engine steps in a worker, so the screen never freezes;
the engine's events come back as ``EngineEvent`` messages. When every step of the screen is done
the screen shows what was recorded and Next simply moves on.

What a subclass sets, overrides and calls:

Class variables
    ``PAGE``: the page key (``wizard.engine.registry.PAGES``) the screen shows; the engine steps
        it runs (``STEPS``) come from the registry.
    ``STEP_TITLE`` / ``STEP_WHY``: default to the page's first step's title and "why".
    ``NEXT_LABEL``: label of the Next button while the steps are not done ("Next" by default).
    ``AUTO_ADVANCE``: go to the next page as soon as the steps are done (default True).

Hooks to override
    ``compose_body()``: the form (yield widgets). Wrap inputs with ``field(...)`` to get a label
        and a line that shows the validator's message as the user types.
    ``is_valid() -> bool``: default: every Input in the form passes its validators.
    ``action_next()``: what Next does (default: run the steps when the form is valid). Ctrl+N,
        the Next button and Enter in a single-line field all reach it through
        ``action_request_next``, which first shows what every empty field needs.
    ``not_ready() -> str``: why Next waits when no field shows a problem.
    ``fill_inputs(inputs)``: copy the form into ``inputs`` (the session's right before running,
        a draft for the request preview).
    ``found() -> dict``: what the screen has looked up that changes the requests (an
        application with the typed name); the steps' ``planned_requests`` read it.
    ``on_load()``: called once on mount after the first refresh: start I/O with ``run_io``.
    ``on_engine_event(message)``: Textual runs the base handler too (after the subclass's).
    ``step_done(event)`` / ``step_failed(event)``: per-event hooks (default: nothing).
    ``steps_finished()``: all STEPS done in this run; default advances when AUTO_ADVANCE.
    ``done_lines() -> list[str]``: what the "done" panel says (default: each step's summary).

Helpers to call
    ``self.ctx`` (the Session), ``self.refresh_state()`` (re-check validity, preview, panels),
    ``self.run_steps(*steps)`` (worker, group "step"), ``self.run_io(factory, on_result,
    describe=...)`` (worker, group "io"; errors go to the error panel with Retry),
    ``self.show_error(message, hint, retry=callable)``, ``self.clear_error()``,
    ``self.set_status(text)``, ``self.steps_done()``, ``self.go_next()``, ``self.go_back()``,
    ``self.fit_buttons()`` (re-measure buttons after a label change; refresh_state schedules it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Input, Label, Static

from wizard.core.errors import WizardError, sentence
from wizard.engine.events import RequestSent, StepDone, StepFailed, StepStarted
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.registry import PAGE_BY_KEY, STEP_BY_ID
from wizard.engine.step import StepId
from wizard.session.session import Session
from wizard.tui import fit
from wizard.tui.messages import EngineEvent, ProgressChanged
from wizard.tui.widgets.request_preview import RequestPreview
from wizard.tui.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from wizard.tui.app import WizardApp


def field(
    label: str,
    widget: Widget,
    *,
    help: str = "",
    id: str | None = None,
) -> Vertical:
    """A labelled form row with a line under it for the validator's message.

    The problem line's id is ``{widget.id}-problem``, filled in as the user types.
    """
    parts: list[Widget] = [
        Horizontal(Label(label, classes="field-label"), widget, classes="field-row"),
    ]
    if help:
        parts.append(Static(help, classes="field-help", markup=False))
    problem_id = f"{widget.id}-problem" if widget.id else None
    parts.append(Static("", classes="field-problem", id=problem_id, markup=False))
    return Vertical(*parts, classes="field", id=id)


def input_problem(widget: Input) -> str | None:
    """The first validator message for the input's value, without touching its CSS classes."""
    if widget.valid_empty and not widget.value:
        return None
    for validator in widget.validators:
        result = validator.validate(widget.value)
        if not result.is_valid:
            descriptions = result.failure_descriptions
            return descriptions[0] if descriptions else "This value is not valid."
    return None


def is_shown(widget: Widget) -> bool:
    """True when the widget and every ancestor are displayed (hidden groups do not count)."""
    node: Any = widget
    while node is not None and hasattr(node, "display"):
        if not node.display:
            return False
        node = node.parent
    return True


class StepFooter(Footer):
    """Textual's Footer, rebuilt only when what it shows changed.

    Footer rebuilds all its keys (about a dozen widgets, 10-15 ms) on every "bindings
    changed" signal, and one focus change sends two (the focused watcher, then again after
    the refresh), usually without changing a single key. The keys are compared with the ones
    the last compose showed, read the same way Footer.compose reads them.
    """

    _rebuild_pending = False
    _shown: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        self._shown = self._keys_shown() if self._bindings_ready else None
        yield from super().compose()

    def _keys_shown(self) -> tuple[Any, ...]:
        app = self.app
        active = self.screen.active_bindings
        palette = active.get(app.COMMAND_PALETTE_BINDING)
        return (
            self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
            palette[1:] if palette else None,
            tuple(
                (binding, enabled, tooltip, app.get_key_display(binding))
                for (_, binding, enabled, tooltip) in active.values()
                if binding.show
            ),
        )

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if self._shown is not None and self._keys_shown() == self._shown:
            return
        await self.recompose()


class ErrorPanel(Vertical):
    """What went wrong, what to do next (the engine's hint) and a Retry button."""

    DEFAULT_CSS = """
    ErrorPanel {
        height: auto;
        max-height: 10;
        overflow-y: auto;
        display: none;
        border: round $error;
        padding: 0 1;
        margin: 0 0 0 0;
    }
    ErrorPanel.-visible { display: block; }
    ErrorPanel #error-message { text-style: bold; }
    ErrorPanel #error-hint { color: $text-muted; }
    ErrorPanel #error-actions { height: auto; align-horizontal: right; }
    ErrorPanel Button { min-width: 10; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="error-message", markup=False)
        yield Static("", id="error-hint", markup=False)
        with Horizontal(id="error-actions"):
            yield Button("Retry", id="retry", variant="warning", compact=True)

    def show(self, message: str, hint: str = "", *, can_retry: bool = True) -> None:
        self.query_one("#error-message", Static).update(message)
        hint_widget = self.query_one("#error-hint", Static)
        hint_widget.update(hint)
        hint_widget.display = bool(hint)
        self.query_one("#retry", Button).display = can_retry
        self.add_class("-visible")

    def clear(self) -> None:
        self.remove_class("-visible")

    @property
    def visible(self) -> bool:
        return self.has_class("-visible")


TYPING_PAUSE = 0.4
"""Seconds without a key press before a name typed into a form is looked up."""


class StepScreen(Screen[None]):
    """Base class of every step screen; see the module docstring for the subclass API."""

    AUTO_FOCUS = ""
    """Off: `focus_first_field` picks the field, once the form knows whether it is done."""

    PAGE: ClassVar[str] = ""
    STEPS: ClassVar[tuple[StepId, ...]] = ()
    """Set from the registry for the screen's PAGE; never declared by a screen."""
    STEP_TITLE: ClassVar[str | None] = None
    STEP_WHY: ClassVar[str | None] = None
    NEXT_LABEL: ClassVar[str] = "Next"
    AUTO_ADVANCE: ClassVar[bool] = True

    BINDINGS: ClassVar = [
        Binding("ctrl+n", "request_next", "Next", priority=True),
        Binding("ctrl+b", "back", "Back", priority=True),
        Binding("ctrl+r", "retry", "Retry", show=False),
        Binding("ctrl+e", "toggle_preview", "Request", priority=True),
    ]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.PAGE:
            cls.STEPS = PAGE_BY_KEY[cls.PAGE].steps

    def __init__(self) -> None:
        super().__init__(id=f"page-{self.PAGE}" if self.PAGE else None)
        self._retry: Callable[[], Any] | None = None
        self._typing_timers: dict[str, Any] = {}
        """Pending `after_typing` calls by callback name (a new key press restarts its wait)."""
        self._step_running = False
        self._ran_steps = False
        self._next_tried = False
        """True once the person asked for Next: from then on empty fields say what they need."""
        self.ui_ready = False
        self._button_labels: dict[str, str] = {}
        """True from the start of on_mount: widgets can be queried (is_mounted is not yet)."""

    # -- access ------------------------------------------------------------------------------

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    @property
    def ctx(self) -> Session:
        return self.wizard.ctx

    @property
    def step_title(self) -> str:
        if self.STEP_TITLE:
            return self.STEP_TITLE
        return STEP_BY_ID[self.STEPS[0]].title if self.STEPS else self.PAGE.title()

    @property
    def step_why(self) -> str:
        if self.STEP_WHY:
            return self.STEP_WHY
        return STEP_BY_ID[self.STEPS[0]].why if self.STEPS else ""

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="☰")
        with Horizontal(id="main"):
            yield Sidebar(current_page=self.PAGE, id="sidebar")
            with Vertical(id="content"):
                yield Static(self._heading(), id="step-title", markup=False)
                yield Static(self.step_why, id="step-why", markup=False)
                with VerticalScroll(id="step-body"):
                    with Vertical(id="form"):
                        yield from self.compose_body()
                    yield Static("", id="done-panel", markup=False)
                    yield RequestPreview(collapsed=self.wizard.preview_collapsed)
                yield ErrorPanel(id="error-panel")
                yield Static("", id="status", markup=False)
                with Horizontal(id="buttons"):
                    yield Button("Back", id="back", compact=True)
                    yield from self.compose_buttons()
                    yield Button(self.NEXT_LABEL, id="next", variant="primary", compact=True)
        size = self.app.size
        yield Static(fit.too_small_text(size.width, size.height), id="too-small", markup=False)
        yield StepFooter()

    def _heading(self) -> str:
        number = self.wizard.page_number(self.PAGE)
        total = self.wizard.page_count()
        return f"{self.step_title}  ·  step {number} of {total}" if number else self.step_title

    def compose_body(self) -> ComposeResult:
        """The step's form; override."""
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        """Extra buttons between Back and Next; override."""
        yield from ()

    # -- hooks -------------------------------------------------------------------------------

    def is_valid(self) -> bool:
        for widget in self.query_one("#form").query(Input):
            if is_shown(widget) and input_problem(widget) is not None:
                return False
        return True

    def fill_inputs(self, inputs: SetupInputs) -> None:
        """Copy the form into `inputs`; override."""

    def apply_inputs(self) -> None:
        """Copy the form into the session's inputs, right before the steps run."""
        self.fill_inputs(self.ctx.inputs)

    def found(self) -> dict[str, Any]:
        """What the screen has looked up that changes the requests; override."""
        return {}

    def plan(self) -> Plan | None:
        """The session's connection, the form as typed and what earlier steps recorded."""
        conn = self.ctx.conn
        if conn is None:
            return None
        draft = dataclasses.replace(self.ctx.inputs)
        self.fill_inputs(draft)
        return Plan(
            dashboard_url=conn.dashboard_url,
            messaging_url=conn.messaging_url,
            oauth_token_url=conn.oauth_token_url,
            account_id=conn.account_id,
            inputs=draft,
            recorded=self.ctx.data,
            found=self.found(),
        )

    def planned_requests(self) -> list[PlannedRequest]:
        """What the preview shows: the requests of the screen's steps not done yet."""
        plan = self.plan()
        if plan is None:
            return []
        return [
            dataclasses.replace(request, url=self.ctx.public_url(request.url))
            for step in self.STEPS
            if not self.ctx.is_done(step)
            for request in STEP_BY_ID[step].planned_requests(plan)
        ]

    def auth_line(self) -> str:
        """How the preview says the request is authenticated (user named, secret masked)."""
        conn = self.ctx.conn
        if conn is None:
            return ""
        return f"Authorization: Bearer •••• (client {conn.client_id or '?'})"

    def on_load(self) -> None:
        """Start the screen's I/O (lists, lookups) with run_io; override."""

    def step_done(self, event: StepDone) -> None:
        """One of the screen's steps finished; override."""

    def step_failed(self, event: StepFailed) -> None:
        """One of the screen's steps failed (the error panel already shows it); override."""

    def steps_finished(self) -> None:
        """Every step of the screen is done in this run; default: move on."""
        if self.AUTO_ADVANCE:
            self.go_next()

    def done_lines(self) -> list[str]:
        lines = []
        for step in self.STEPS:
            data = self.ctx.data(step)
            if data:
                lines.append(f"✓ {STEP_BY_ID[step].title}: {self.wizard.summary(step, data)}")
        return lines

    # -- state -------------------------------------------------------------------------------

    def steps_done(self) -> bool:
        return bool(self.STEPS) and all(self.ctx.is_done(step) for step in self.STEPS)

    def on_mount(self) -> None:
        self.ui_ready = True
        self.refresh_state()
        self.on_load()
        self.call_after_refresh(self.focus_first_field)

    def on_screen_resume(self) -> None:
        self.refresh_state()
        if self.focused is None or self.focused.id == "sidebar":
            self.call_after_refresh(self.focus_first_field)

    def after_typing(self, callback: Callable[[], Any], delay: float = TYPING_PAUSE) -> None:
        """Call `callback` once typing pauses: one lookup request per pause, not per key."""
        key = getattr(callback, "__name__", repr(callback))
        if key in self._typing_timers:
            self._typing_timers[key].stop()
        self._typing_timers[key] = self.set_timer(delay, callback)

    def _cursor_placed(self) -> bool:
        """The cursor is somewhere a person can see and type: not on the sidebar, and not on a
        field that a step's answer has just hidden (Textual keeps focus there until the next
        refresh, then drops it, leaving no cursor at all)."""
        focused = self.focused
        return focused is not None and focused.id != "sidebar" and is_shown(focused)

    def focus_first_field(self) -> None:
        """Put the cursor where a person would type first: the first empty field, else Next.

        Textual's default focuses the first focusable widget, the sidebar, so typing went
        nowhere until Tab had been pressed twice.
        """
        if self._cursor_placed():
            return  # the person (or a test) got somewhere first: leave the cursor there
        kinds = "#form Input, #form TextArea, #form Select, #form OptionList, #form Switch"
        fields = [widget for widget in self.query(kinds) if widget.focusable and is_shown(widget)]
        empty = [w for w in fields if isinstance(w, Input) and not w.value]
        buttons = [*self.query("#next"), *self.query("#back")]
        for target in [*empty, *fields, *buttons]:
            if target.focusable and is_shown(target):
                target.focus(scroll_visible=False)
                return

    def on_progress_changed(self, message: ProgressChanged) -> None:
        self.refresh_state()

    def refresh_state(self) -> None:
        """Re-check validity, the preview, the done panel, the sidebar and the buttons."""
        if not self.ui_ready:
            return
        done = self.steps_done()
        form = self.query_one("#form")
        form.disabled = done or self._step_running
        panel = self.query_one("#done-panel", Static)
        lines = self.done_lines() if done else []
        panel.update("\n".join(lines))
        panel.display = bool(lines)
        try:
            requests = [] if done else self.planned_requests()
        except Exception:  # a half-typed form must never break the screen
            requests = []
        preview = self.query_one(RequestPreview)
        preview.show(requests, self.auth_line(), sandbox=self.ctx.sandbox)
        preview.display = bool(requests) or (bool(self.STEPS) and not done)
        next_button = self.query_one("#next", Button)
        next_button.label = "Next" if done or not self.STEPS else self.NEXT_LABEL
        next_button.disabled = self._step_running or not (done or self.is_valid())
        back = self.query_one("#back", Button)
        back.disabled = self._step_running or not self.wizard.has_previous(self.PAGE)
        self._refresh_sidebar()
        # Subclasses change labels after this returns: measure once they are done.
        self.call_after_refresh(self.fit_buttons)

    def fit_buttons(self) -> None:
        """Re-measure buttons whose label changed (Button.label does not re-layout in 8.x)."""
        for button in self.query("#buttons Button, #error-actions Button").results(Button):
            label = str(button.label)
            if button.id and self._button_labels.get(button.id) != label:
                self._button_labels[button.id] = label
                button.refresh(layout=True)

    def _refresh_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.show(self.ctx.done, self.wizard.reachable_pages())

    def set_status(self, text: str) -> None:
        for status in self.query("#status").results(Static):
            status.update(text)  # none when a late answer arrives while the page is torn down

    def _still_shown(self) -> bool:
        """False once the app is closing the page: a worker's answer that arrives then has
        nobody to tell (the screen is still attached while its widgets are being removed)."""
        return self.is_attached and bool(self.query("#status"))

    # -- form events -------------------------------------------------------------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        self.show_problem(event.input)
        self.refresh_state()

    def show_problem(self, widget: Input) -> None:
        """Show (or clear) the validator's message under the input.

        An empty field says nothing until the person has asked for Next: on a fresh form it is
        "to do", not "wrong". After that it says what it needs, like any other problem.
        """
        if not widget.id:
            return
        problem = input_problem(widget)
        if not widget.value and not self._next_tried:
            problem = None
        for target in self.query(f"#{widget.id}-problem"):
            if isinstance(target, Static):
                target.update(problem or "")
                target.display = bool(problem)

    def show_problems(self) -> None:
        """Show the message under every field on show (the ones Next is waiting for)."""
        for widget in self.query_one("#form").query(Input):
            if is_shown(widget):
                self.show_problem(widget)

    def focus_first_problem(self) -> bool:
        """Put the cursor in the first field on show that needs attention; False if none."""
        for widget in self.query_one("#form").query(Input):
            if is_shown(widget) and widget.focusable and input_problem(widget) is not None:
                widget.focus()
                return True
        return False

    def not_ready(self) -> str:
        """Why Next waits when no field has a problem (a lookup still running...); override."""
        return "Not ready yet: wait for the step to finish loading."

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a single-line field does what Next does, as in any form."""
        event.stop()
        self.action_request_next()

    # -- buttons and bindings ----------------------------------------------------------------

    @on(Button.Pressed, "#next")
    def _next_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_request_next()

    @on(Button.Pressed, "#back")
    def _back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_back()

    @on(Button.Pressed, "#retry")
    def _retry_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_retry()

    @on(Sidebar.Navigate)
    def _navigate(self, event: Sidebar.Navigate) -> None:
        event.stop()
        if not self._step_running:
            self.wizard.goto(event.page)

    def action_request_next(self) -> None:
        """Next as a person asks for it (Ctrl+N, the button, Enter in a field).

        From the first time on, empty fields show what they need; then the screen's own
        `action_next` decides what Next means there. Below the supported size the step is
        hidden behind the too-small notice: nothing runs that the person cannot see.
        """
        if self.app.has_class(fit.TOO_SMALL):
            return
        if not self._step_running and not self.steps_done():
            self._next_tried = True
            self.show_problems()
        self.action_next()

    def action_next(self) -> None:
        if self._step_running:
            return
        if self.steps_done() or not self.STEPS:
            self.go_next()
            return
        if not self.is_valid():
            if self.focus_first_problem():
                self.set_status("Some inputs still need attention (see the messages under them).")
            else:
                self.set_status(self.not_ready())
            return
        self.apply_inputs()
        pending = [step for step in self.STEPS if not self.ctx.is_done(step)]
        self.run_steps(*pending)

    def action_back(self) -> None:
        if not self._step_running and not self.app.has_class(fit.TOO_SMALL):
            self.go_back()

    def action_retry(self) -> None:
        if self._retry is not None and not self._step_running:
            retry, self._retry = self._retry, None
            self.clear_error()
            retry()

    def action_toggle_preview(self) -> None:
        preview = self.query_one(RequestPreview)
        preview.collapsed = not preview.collapsed
        self.wizard.preview_collapsed = preview.collapsed

    def go_next(self) -> None:
        self.wizard.goto_next(self.PAGE)

    def go_back(self) -> None:
        self.wizard.goto_previous(self.PAGE)

    # -- errors ------------------------------------------------------------------------------

    def show_error(
        self, message: str, hint: str = "", *, retry: Callable[[], Any] | None = None
    ) -> None:
        self._retry = retry
        self.query_one(ErrorPanel).show(message, hint, can_retry=retry is not None)
        self.add_class("-error")  # pages that share their height make room for the panel

    def clear_error(self) -> None:
        self.query_one(ErrorPanel).clear()
        self.remove_class("-error")

    # -- running steps -----------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        if running:
            # The form is disabled while the step runs, which takes focus away from it.
            self._focus_before = self.focused
        self._step_running = running
        self.refresh_state()
        if not running:
            self.call_after_refresh(self._restore_focus)

    def _restore_focus(self) -> None:
        """Back to the field the person was in, so fixing a refused value is just typing."""
        if self._cursor_placed():
            return
        before = getattr(self, "_focus_before", None)
        if before is not None and before.is_attached and before.focusable and is_shown(before):
            before.focus()
        else:
            self.focus_first_field()

    def run_steps(self, *steps: StepId) -> None:
        """Run the steps in order in a worker; stops at the first failure (shown with Retry)."""
        self.clear_error()
        self._set_running(True)
        self._run_steps_worker(tuple(steps))

    async def before_steps(self) -> None:
        """Runs in the worker before the steps (e.g. connect with new credentials); raise to
        stop, with an exception whose text is a plain sentence."""

    async def after_steps(self) -> None:
        """Runs in the worker after every step succeeded (e.g. save what was verified)."""

    @work(exclusive=True, group="step")
    async def _run_steps_worker(self, steps: tuple[StepId, ...]) -> None:
        def sink(event: Any) -> None:
            self.post_message(EngineEvent(event))

        finished = False
        try:
            try:
                await self.before_steps()
            except Exception as error:
                # Not an engine step: no StepFailed was posted, so say it here.
                if isinstance(error, WizardError):
                    message, hint = error.message, error.hint
                else:
                    message, hint = sentence(error), ""
                self.show_error(
                    message, hint or "Check the inputs and try again.", retry=self.action_next
                )
                self.set_status("")
                return
            engine = self.ctx.engine
            if engine is None:
                raise NotConnected(
                    "The wizard is not connected to Bandwidth yet: go back to the Credentials "
                    "step and verify your credentials."
                )
            with self.ctx.listening(sink):
                for step in steps:
                    await engine.run_step(step, self.ctx.inputs)
            await self.after_steps()
            finished = True
        except Exception as error:
            # The engine already posted StepFailed for API and step errors; anything else
            # (a missing credential, a bug) still becomes a sentence, never a traceback.
            if not _is_reported(error):
                self.show_error(
                    sentence(error), "Check the inputs and try again.", retry=self.action_next
                )
            else:
                # Retry goes through Next: the form is read again, so a fix is used.
                self._retry = self.action_next
        finally:
            self._set_running(False)
        if finished:
            self.wizard.post_message(ProgressChanged())
            self._ran_steps = True
            self.steps_finished()

    def run_io(
        self,
        factory: Callable[[], Awaitable[Any]],
        on_result: Callable[[Any], None],
        *,
        describe: str = "Loading…",
        group: str = "io",
    ) -> None:
        """Await `factory()` in a worker and hand the result to `on_result` on the screen.

        Errors go to the error panel (the client's hint, Retry runs the same call again).
        """
        self.set_status(describe)
        self.run_worker(self._io(factory, on_result, group), group=group, exclusive=False)

    async def _io(
        self, factory: Callable[[], Awaitable[Any]], on_result: Callable[[Any], None], group: str
    ) -> None:
        try:
            result = await factory()
        except Exception as error:
            if not self._still_shown():
                return  # the app closed while the answer was on its way: nobody to tell
            if isinstance(error, WizardError):
                message, hint = error.message, error.hint
            else:
                message, hint = sentence(error), ""
            hint = hint or "Check the connection and try again."
            self.set_status("")
            self.show_error(
                message, hint, retry=lambda: self.run_io(factory, on_result, group=group)
            )
            return
        if not self._still_shown():
            return
        self.set_status("")
        on_result(result)
        self.refresh_state()

    # -- engine events -----------------------------------------------------------------------

    def on_engine_event(self, message: EngineEvent) -> None:
        event = message.event
        if isinstance(event, StepStarted):
            self.set_status(f"{STEP_BY_ID[event.step].title}: working…")
        elif isinstance(event, RequestSent):
            self.set_status(f"Sent {event.method} {self._sent_to(event.url)}")
        elif isinstance(event, StepDone):
            note = " (already done: nothing sent)" if event.reused else ""
            self.set_status(f"✓ {STEP_BY_ID[event.step].title}: {event.summary}{note}")
            self.step_done(event)
            self.refresh_state()
        elif isinstance(event, StepFailed):
            self.set_status(f"✗ {STEP_BY_ID[event.step].title} failed.")
            self.show_error(event.message, event.hint, retry=self.action_next)
            self.step_failed(event)

    def _sent_to(self, url: str) -> str:
        """The endpoint and where it went: never a Bandwidth host for what the sandbox got."""
        path = url.split("?", 1)[0].rstrip("/").split("/")
        tail = "/".join(path[-2:])
        return f"…/{tail} to the sandbox" if self.ctx.sandbox else f"…/{tail}"


class NotConnected(Exception):
    """No engine yet: the Credentials step has not verified anything."""


def _is_reported(error: BaseException) -> bool:
    """True when the engine has already turned the error into a StepFailed event."""
    return isinstance(error, WizardError)


def enabled(widgets: Iterable[Widget], value: bool) -> None:
    """Enable or disable several widgets at once."""
    for widget in widgets:
        widget.disabled = not value
