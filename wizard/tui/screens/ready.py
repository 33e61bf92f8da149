"""Ready to send: the number the first message will come from, made deliverable.

It says which path applies and why (a local number needs a registered 10DLC campaign, a
toll-free number a verification). For a local number it lists the account's campaigns with their
status (only a REGISTERED one can be picked) and watches the assignment the way the number order
was watched. For a toll-free number it reads the verification status first: an unverified number
gets the whole verification request as a form, checked field by field as it is typed with the
rules `apply` uses; a submitted one shows PENDING, VERIFIED or the decline with its reason, and
a decline Bandwidth lets through again comes back as the same form, filled in with what was
sent. When the answer is "not yet" (a campaign still in review, a verification pending) it says
so plainly: quitting here is a normal, saved outcome, and the next run comes back to this page.
A 403 means the credential cannot check, never "not registered": the person may go on knowingly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from wizard.core.errors import Kind, WizardError
from wizard.core.phone import NumberKind, display, e164, number_kind
from wizard.engine import verification_rules as tfv
from wizard.engine.events import OrderPolled, OrderStatusChanged, StepDone, StepFailed
from wizard.engine.inputs import SetupInputs
from wizard.engine.step import StepId
from wizard.engine.steps.ready import (
    REGISTRATION_TAKES_DAYS,
    VERIFICATION_TAKES_DAYS,
    cannot_check_error,
    declined_error,
)
from wizard.tui.messages import EngineEvent, ProgressChanged
from wizard.tui.screens.base import StepScreen, field, is_shown
from wizard.tui.screens.order import fit_buttons
from wizard.tui.widgets.assignment_timeline import AssignmentTimeline
from wizard.tui.widgets.validators import VerificationField

PATHS: dict[str, str] = {
    NumberKind.LOCAL: (
        "a local (10DLC) number: US carriers deliver its texts only once it is assigned to a "
        "REGISTERED 10DLC campaign. The wizard assigns it with a TN option order and confirms "
        "the number reads SUCCESS on the campaign."
    ),
    NumberKind.TOLL_FREE: (
        "a toll-free number: US carriers deliver its texts only once toll-free verification "
        "says VERIFIED. The wizard reads its status and, when it is not verified, submits the "
        "verification request."
    ),
    NumberKind.SHORT_CODE: (
        "a short code: it is provisioned with the carriers through Bandwidth support, and no "
        "API shows whether that is done."
    ),
}

WAITING = frozenset({"ASSIGNING", "PROCESSING", "PENDING"})
"""Recorded statuses of a readiness the last run left waiting: this run picks it up."""

# The toll-free states the page can be in.
LOADING = "loading"
NEW = "new"
"""Nothing submitted: the empty request (the demo's example in the sandbox)."""
PENDING = "pending"
VERIFIED = "verified"
RESUBMIT = "resubmit"
"""Declined, and Bandwidth allows sending it again: the form, filled in with what was sent."""
DECLINED = "declined"
"""Declined for good: no resubmission."""
CANNOT_CHECK = "cannot-check"

NEXT_LABELS: dict[str, str] = {
    NEW: "Submit for verification",
    PENDING: "Check again",
    VERIFIED: "Confirm",
    RESUBMIT: "Resubmit",
    DECLINED: "Next",
    CANNOT_CHECK: "Try again",
    LOADING: "Next",
}

STATE_TEXT: dict[str, str] = {
    NEW: (
        "Not verified yet: nothing has been submitted for this number. Fill in the request "
        "below. Reviewers compare it with the business's website, so use its real details; "
        "review usually takes a few business days."
    ),
    PENDING: (
        "PENDING: Bandwidth has the request and people are reviewing it. "
        + VERIFICATION_TAKES_DAYS
        + " “Check again” reads the status now."
    ),
    VERIFIED: (
        "VERIFIED: carriers deliver texts from this number. “Confirm” records it and goes on "
        "to the first message."
    ),
}


def widget_id(key: str) -> str:
    """``businessContact.email`` -> ``tfv-businessContact-email``."""
    return "tfv-" + key.replace(".", "-")


class ReadyScreen(StepScreen):
    PAGE = "ready"
    NEXT_LABEL = "Make it ready"
    AUTO_ADVANCE = False
    """Stay: how the assignment ended (a PARTIAL's failed numbers) is worth a look first."""

    DEFAULT_CSS = """
    ReadyScreen #tfv-state {
        height: auto;
        border-left: thick $accent;
        padding: 0 1;
        margin: 1 0 0 0;
    }
    ReadyScreen #tfv-state.-ok { border-left: thick $success; }
    ReadyScreen #tfv-state.-bad { border-left: thick $error; }
    ReadyScreen #tfv-form .field-row Select { width: 1fr; }
    ReadyScreen #timeline { margin: 1 0 0 0; }
    """

    CHOICE_KEYS: ClassVar[tuple[str, ...]] = (
        "businessEntityType",
        "businessRegistrationType",
        "useCase",
        "ageGatedContent",
    )
    """Fields picked from a list rather than typed."""

    def __init__(self) -> None:
        super().__init__()
        self.campaigns: list[Any] = []
        self.loaded = False
        self.forbidden = False
        """The last attempt met a 403: the credential cannot check; the person may go on."""
        self.tfv_state = LOADING
        """Where the toll-free verification stands (one of the states above)."""
        self.tfv_status: Any = None
        """The last verification status read (``TollFreeStatus``), None before or when none."""
        self.use_cases: list[str] = []
        """Bandwidth's toll-free use cases (``GET /tollFreeVerification/useCases``)."""

    # -- layout --------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("", id="number-path", markup=False)
        yield Static("The account's 10DLC campaigns", classes="section-title", id="campaigns-title")
        yield OptionList(id="campaigns")
        yield Static("", id="campaigns-note", classes="note", markup=False)
        yield AssignmentTimeline(id="timeline")
        yield Static("", id="tfv-state", markup=False)
        with Vertical(id="tfv-form"):
            section = ""
            for item in tfv.FIELDS:
                if item.section != section:
                    section = item.section
                    yield Static(section, classes="section-title")
                yield field(item.label, self._field_widget(item), help=item.help)

    def _field_widget(self, item: tfv.VerificationField) -> Widget:
        wid = widget_id(item.key)
        if item.key == "useCase":
            return Select([], prompt="Loading Bandwidth's list…", id=wid, compact=True)
        if item.key == "ageGatedContent":
            options = [("Not stated", ""), ("No", "false"), ("Yes", "true")]
            return Select(options, allow_blank=False, value="", id=wid, compact=True)
        if item.choices:
            labels = tfv.ENTITY_LABELS if item.key == "businessEntityType" else {}
            options = [(labels.get(choice, choice), choice) for choice in item.choices]
            return Select(options, prompt="Pick one", id=wid, compact=True)
        return Input(
            "",
            placeholder="optional" if not item.required else "",
            validators=[VerificationField(item.key)],
            valid_empty=not item.required,
            id=wid,
            compact=True,
        )

    def compose_buttons(self) -> ComposeResult:
        yield Button("Go on without checking", id="skip", compact=True, variant="warning")
        yield Button("Check now", id="recheck", compact=True)

    @property
    def number(self) -> str:
        numbers = list(self.ctx.data(StepId.WAIT_ORDER).get("numbers") or [])
        return e164(self.ctx.inputs.message_from or (numbers[0] if numbers else ""))

    @property
    def kind(self) -> NumberKind:
        return number_kind(self.number)

    @property
    def timeline(self) -> AssignmentTimeline:
        return self.query_one("#timeline", AssignmentTimeline)

    # -- loading -------------------------------------------------------------------------------

    def on_load(self) -> None:
        self.timeline.display = False
        self._describe()
        self._load()
        if self.ctx.sandbox:
            self.set_form(tfv.SANDBOX_EXAMPLE)
        self._resume_waiting()

    def on_screen_resume(self) -> None:
        self._describe()
        if not self.loaded:
            self._load()

    def _describe(self) -> None:
        number = self.number
        path = PATHS.get(
            self.kind,
            "a number outside North America: check with Bandwidth support what its country "
            "requires.",
        )
        self.query_one("#number-path", Static).update(
            f"Messages will come from {display(number) or '?'}, {path}"
        )
        done = self.steps_done()
        local = self.kind is NumberKind.LOCAL
        for selector in ("#campaigns-title", "#campaigns", "#campaigns-note"):
            self.query_one(selector).display = local and not done and not self.forbidden
        toll_free = self.kind is NumberKind.TOLL_FREE
        self.query_one("#tfv-state").display = toll_free and not done
        self.query_one("#tfv-form").display = (
            toll_free and not done and self.tfv_state in (NEW, RESUBMIT)
        )

    def _load(self) -> None:
        engine = self.ctx.engine
        if engine is None or engine.platform is None or self.steps_done():
            return
        platform = engine.platform
        if self.kind is NumberKind.LOCAL:
            self.run_io(
                _or_forbidden(platform.list_campaigns),
                self._campaigns_loaded,
                describe="Loading the account's 10DLC campaigns…",
            )
        elif self.kind is NumberKind.TOLL_FREE:
            number = self.number
            self.run_io(
                _or_forbidden(lambda: platform.get_toll_free_verification(number)),
                self._status_loaded,
                describe="Reading the number's toll-free verification…",
            )

    def _resume_waiting(self) -> None:
        """A run that stopped while the carriers or reviewers were at work: look again now,
        so the page shows where it stands instead of asking for what was already given."""
        recorded = self.ctx.progress.get(StepId.READY) or {}
        if (
            not self.steps_done()
            and recorded.get("status") in WAITING
            and self.kind is NumberKind.LOCAL
            and e164(str(recorded.get("number") or "")) == self.number
        ):
            self.set_status("Picking up where the last run stopped…")
            self.run_steps(StepId.READY)

    def _campaigns_loaded(self, campaigns: Any) -> None:
        if isinstance(campaigns, WizardError):
            self._cannot_check("Campaign Management")
            return
        self.campaigns = list(campaigns)
        self.loaded = True
        options = []
        for campaign in self.campaigns:
            label = Text.assemble(
                (campaign.campaign_id, "bold"),
                f"  {campaign.status}",
                (f"  {campaign.name}" if campaign.name else "", "dim"),
            )
            usable = campaign.is_registered
            options.append(Option(label, id=campaign.campaign_id, disabled=not usable))
        listing = self.query_one("#campaigns", OptionList)
        listing.set_options(options)
        registered = [c.campaign_id for c in self.campaigns if c.is_registered]
        recorded = self.ctx.progress.get(StepId.READY) or {}
        wanted = self.ctx.inputs.campaign_id or recorded.get("campaign_id")
        pick = wanted if wanted in registered else (registered[0] if registered else None)
        if pick is not None:
            listing.highlighted = [c.campaign_id for c in self.campaigns].index(pick)
        only = "Only a REGISTERED campaign can take numbers."
        self.query_one("#campaigns-note", Static).update(
            only if registered else REGISTRATION_TAKES_DAYS
        )
        self.refresh_state()

    def _status_loaded(self, status: Any) -> None:
        if isinstance(status, WizardError):
            self._cannot_check("TFV")
            return
        self.tfv_status = status
        self.loaded = True
        if status is None or not (status.is_verified or status.is_pending or status.is_declined):
            self._show_tfv(NEW)
        elif status.is_verified:
            self._show_tfv(VERIFIED)
        elif status.is_pending:
            self._show_tfv(PENDING)
        elif status.can_resubmit:
            self.set_form(tfv.form_from_echo(status.submission), keep_missing=True)
            self._show_tfv(RESUBMIT)
        else:
            self._show_tfv(DECLINED)
        if self.tfv_state in (NEW, RESUBMIT) and not self.use_cases:
            engine = self.ctx.engine
            assert engine is not None and engine.platform is not None
            self.run_io(
                engine.platform.list_toll_free_use_cases,
                self._use_cases_loaded,
                describe="Loading Bandwidth's toll-free use cases…",
            )

    def _use_cases_loaded(self, use_cases: list[str]) -> None:
        self.use_cases = list(use_cases)
        select = self.query_one(f"#{widget_id('useCase')}", Select)
        wanted = select.value if select.value != Select.NULL else self._wanted_use_case
        select.set_options([(use_case, use_case) for use_case in self.use_cases])
        select.prompt = "Pick one"
        if wanted in self.use_cases:
            select.value = wanted
        self.refresh_state()

    _wanted_use_case: Any = None
    """A use case the form was filled with before Bandwidth's list arrived."""

    def _cannot_check(self, role: str) -> None:
        """A 403: the credential may not look. Say so (never "not registered")."""
        self.forbidden = True
        self.loaded = True
        error = cannot_check_error(role)
        if self.kind is NumberKind.TOLL_FREE:
            self._show_tfv(CANNOT_CHECK)
        self.show_error(error.message, error.hint)
        self._describe()
        self.refresh_state()

    def _show_tfv(self, state: str) -> None:
        self.tfv_state = state
        panel = self.query_one("#tfv-state", Static)
        status = self.tfv_status
        if state in (RESUBMIT, DECLINED) and status is not None:
            error = declined_error(self.number, status)
            panel.update(f"{error.message}\n{error.hint}")
        elif state == CANNOT_CHECK:
            panel.update("The verification could not be read: see below.")
        else:
            panel.update(STATE_TEXT.get(state, ""))
        panel.set_class(state == VERIFIED, "-ok")
        panel.set_class(state in (RESUBMIT, DECLINED, CANNOT_CHECK), "-bad")
        self._describe()
        self.refresh_state()

    # -- the verification form -----------------------------------------------------------------

    def set_form(self, values: dict[str, str], *, keep_missing: bool = False) -> None:
        """Fill the form (`keep_missing`: leave fields the values do not name as they are)."""
        for item in tfv.FIELDS:
            value = values.get(item.key)
            if value is None and keep_missing:
                continue
            widget = self.query_one(f"#{widget_id(item.key)}")
            if isinstance(widget, Input):
                widget.value = value or ""
            elif isinstance(widget, Select):
                if item.key == "useCase" and value and value not in self.use_cases:
                    self._wanted_use_case = value
                    continue
                if value:
                    widget.value = value
                elif item.key == "ageGatedContent":
                    widget.value = ""
                else:
                    widget.clear()

    def form_values(self) -> dict[str, str]:
        """The request as typed, by Bandwidth's field names."""
        values: dict[str, str] = {}
        for item in tfv.FIELDS:
            widget = self.query_one(f"#{widget_id(item.key)}")
            if isinstance(widget, Input):
                values[item.key] = widget.value
            elif isinstance(widget, Select):
                chosen = widget.value
                if item.key == "useCase" and chosen == Select.NULL and self._wanted_use_case:
                    chosen = self._wanted_use_case
                values[item.key] = "" if chosen == Select.NULL else str(chosen)
        return values

    def form_problems(self) -> dict[str, str]:
        return tfv.form_problems(self.form_values(), self.use_cases or None)

    @property
    def form_shown(self) -> bool:
        return is_shown(self.query_one("#tfv-form"))

    def show_problem(self, widget: Input) -> None:
        if not (widget.id or "").startswith("tfv-"):
            super().show_problem(widget)
            return
        self._show_form_problems(only=widget.id)

    def show_problems(self) -> None:
        super().show_problems()
        if self.form_shown:
            self._show_form_problems()

    def _show_form_problems(
        self, only: str | None = None, extra: dict[str, str] | None = None
    ) -> None:
        """The sentence under each field: its own rule, the rules across fields, and what
        Bandwidth itself refused (`extra`); an empty field only once Next was asked for."""
        problems = {**self.form_problems(), **(extra or {})}
        values = self.form_values()
        for item in tfv.FIELDS:
            wid = widget_id(item.key)
            if only is not None and wid != only and item.key not in tfv.REGISTRATION_FIELDS:
                continue
            problem = problems.get(item.key)
            if not values.get(item.key) and not self._next_tried and not extra:
                problem = None
            target = self.query_one(f"#{wid}-problem", Static)
            target.update(problem or "")
            target.display = bool(problem)

    def focus_first_problem(self) -> bool:
        if self.form_shown:
            problems = self.form_problems()
            for item in tfv.FIELDS:
                if item.key in problems:
                    self.query_one(f"#{widget_id(item.key)}").focus()
                    return True
        return super().focus_first_problem()

    def chosen_campaign(self) -> str | None:
        option = self.query_one("#campaigns", OptionList).highlighted_option
        if option is None or option.disabled:
            return None
        return option.id

    # -- state ---------------------------------------------------------------------------------

    def is_valid(self) -> bool:
        if self.kind is NumberKind.LOCAL and self.loaded and self.campaigns:
            return self.chosen_campaign() is not None
        if self.kind is NumberKind.TOLL_FREE and not self.steps_done():
            if self.tfv_state in (LOADING, DECLINED):
                return False
            if self.tfv_state in (NEW, RESUBMIT):
                return not self.form_problems()
        return True

    def not_ready(self) -> str:
        if self.tfv_state == DECLINED:
            return "Bandwidth does not let this request be sent again: see what it says above."
        if self.tfv_state == LOADING:
            return "Wait for the verification status to load."
        return super().not_ready()

    def fill_inputs(self, inputs: SetupInputs) -> None:
        if self.kind is NumberKind.LOCAL and self.loaded and not self.forbidden:
            inputs.campaign_id = self.chosen_campaign()
        if self.kind is NumberKind.TOLL_FREE and self.tfv_state in (NEW, RESUBMIT):
            inputs.toll_free_verification = self.form_values()
            inputs.resubmit_verification = self.tfv_state == RESUBMIT

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        self.query_one("#form").disabled = self._step_running
        skip = self.query_one("#skip", Button)
        skip.display = self.forbidden and not self.steps_done()
        skip.disabled = self._step_running
        recheck = self.query_one("#recheck", Button)
        recheck.display = self.skipped
        recheck.disabled = self._step_running
        if self.kind is NumberKind.TOLL_FREE and not self.steps_done():
            self.query_one("#next", Button).label = NEXT_LABELS.get(self.tfv_state, "Next")
        fit_buttons(self)

    def done_lines(self) -> list[str]:
        lines = super().done_lines()
        data = self.ctx.data(StepId.READY)
        if data.get("status") in ("SUCCESS", "VERIFIED"):
            lines.append("  Carriers deliver texts from it now: Next opens the first message.")
        elif data.get("status") == "SKIPPED":
            lines.append(
                "  Not checked: every send checks again and asks before sending. Once the "
                "credential has the role, “Check now” looks."
            )
        for number, reason in data.get("not_assigned") or []:
            lines.append(f"  ✗ {display(number)} is not on the campaign: {reason}")
        return lines

    @on(OptionList.OptionHighlighted, "#campaigns")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.refresh_state()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if (event.select.id or "").startswith("tfv-"):
            self._show_form_problems(only=event.select.id)
            self.refresh_state()

    @property
    def skipped(self) -> bool:
        """The person went on without a readiness answer (recorded SKIPPED)."""
        return self.steps_done() and self.ctx.data(StepId.READY).get("status") == "SKIPPED"

    @on(Button.Pressed, "#recheck")
    def _recheck(self, event: Button.Pressed) -> None:
        """Check after all (the credential has the role now): set the skip aside, look again."""
        event.stop()
        if self._step_running:
            return
        self.ctx.progress.forget(StepId.READY)
        self.ctx.done.pop(StepId.READY, None)
        self.ctx.inputs.skip_readiness = False
        self.forbidden = False
        self.loaded = False
        self.tfv_state = LOADING
        self.clear_error()
        self.wizard.post_message(ProgressChanged())
        self._describe()
        self._load()
        self.refresh_state()

    @on(Button.Pressed, "#skip")
    def _skip(self, event: Button.Pressed) -> None:
        event.stop()
        self.ctx.inputs.skip_readiness = True
        self.clear_error()
        self.run_steps(StepId.READY)

    def action_next(self) -> None:
        if (
            self.kind is NumberKind.TOLL_FREE
            and self.tfv_state == CANNOT_CHECK
            and not self._step_running
        ):
            self.forbidden = False
            self.tfv_state = LOADING
            self.clear_error()
            self._load()
            return
        super().action_next()

    # -- engine events -------------------------------------------------------------------------

    def on_engine_event(self, message: EngineEvent) -> None:
        event = message.event
        timeline = self.timeline
        if isinstance(event, OrderStatusChanged) and event.step is StepId.READY:
            if not timeline.display:
                timeline.display = True
                timeline.campaign_id = self.ctx.inputs.campaign_id
                timeline.start(event.order_id, status=None)
            timeline.status_changed(
                event.status,
                event.elapsed,
                event.completed_numbers,
                event.failed_numbers,
                order_id=event.order_id,
            )
        elif isinstance(event, OrderPolled) and event.step is StepId.READY:
            timeline.polled(event.status, event.elapsed, event.next_poll)

    def step_failed(self, event: StepFailed) -> None:
        if event.step is not StepId.READY:
            return
        self.forbidden = event.kind == "forbidden"
        if self.kind is NumberKind.TOLL_FREE:
            if event.field_errors and self.tfv_state in (NEW, RESUBMIT):
                refused = {}
                for error in event.field_errors:
                    key = tfv.field_for(getattr(error, "field", ""))
                    if key:
                        refused[key] = str(getattr(error, "description", "")).rstrip(".") + "."
                self._show_form_problems(extra=refused)
            if event.kind == "not_ready":
                # PENDING or a decline is a state to show, not an error: read it again.
                self.clear_error()
                self.set_status("Not verified yet. Your progress is saved: come back later.")
                self._load()
            elif event.kind == "forbidden":
                self._show_tfv(CANNOT_CHECK)
        elif event.kind == "not_ready":
            self.set_status("Not ready yet. Your progress is saved: come back to this step later.")
        if event.kind == "forbidden":
            self._describe()
        self.refresh_state()

    def step_done(self, event: StepDone) -> None:
        if event.step is StepId.READY:
            self.forbidden = False
            self._describe()


def _or_forbidden(factory: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
    """The call, with a 403 handed back as its error instead of raised: a missing role is a
    state of the page ("cannot check"), not a failure to retry."""

    async def call() -> Any:
        try:
            return await factory()
        except WizardError as error:
            if error.kind is Kind.FORBIDDEN:
                return error
            raise

    return call
