"""Ready to send: the number the first message will come from, made deliverable.

It says which path applies and why (a local number needs a registered 10DLC campaign, a
toll-free number a verification), lists the account's campaigns with their status (only a
REGISTERED one can be picked), and watches the assignment the way the number order was watched.
When the answer is "not yet" (a campaign still in review, a verification pending) it says so
plainly: quitting here is a normal, saved outcome, and the next run comes back to this page.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from wizard.core.phone import NumberKind, display, e164, number_kind
from wizard.engine.events import OrderPolled, OrderStatusChanged, StepDone, StepFailed
from wizard.engine.inputs import SetupInputs
from wizard.engine.step import StepId
from wizard.tui.messages import EngineEvent
from wizard.tui.screens.base import StepScreen
from wizard.tui.screens.order import fit_buttons
from wizard.tui.widgets.order_timeline import OrderTimeline

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


class ReadyScreen(StepScreen):
    PAGE = "ready"
    NEXT_LABEL = "Make it ready"

    def __init__(self) -> None:
        super().__init__()
        self.campaigns: list[Any] = []
        self.loaded = False
        self.forbidden = False
        """The last attempt met a 403: the credential cannot check; the person may go on."""

    def compose_body(self) -> ComposeResult:
        yield Static("", id="number-path", markup=False)
        yield Static("The account's 10DLC campaigns", classes="section-title", id="campaigns-title")
        yield OptionList(id="campaigns")
        yield Static("", id="campaigns-note", classes="note", markup=False)
        yield OrderTimeline(id="timeline")

    def compose_buttons(self) -> ComposeResult:
        yield Button("Go on without checking", id="skip", compact=True, variant="warning")

    @property
    def number(self) -> str:
        numbers = list(self.ctx.data(StepId.WAIT_ORDER).get("numbers") or [])
        return e164(self.ctx.inputs.message_from or (numbers[0] if numbers else ""))

    @property
    def kind(self) -> NumberKind:
        return number_kind(self.number)

    # -- loading -------------------------------------------------------------------------------

    def on_load(self) -> None:
        self.query_one("#timeline").display = False
        self._describe()
        self._load_campaigns()

    def on_screen_resume(self) -> None:
        self._describe()
        if not self.loaded:
            self._load_campaigns()

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
        local = self.kind is NumberKind.LOCAL
        for selector in ("#campaigns-title", "#campaigns", "#campaigns-note"):
            self.query_one(selector).display = local and not self.steps_done()

    def _load_campaigns(self) -> None:
        engine = self.ctx.engine
        if engine is None or engine.platform is None or self.kind is not NumberKind.LOCAL:
            return
        if self.steps_done():
            return
        self.run_io(
            engine.platform.list_campaigns,
            self._campaigns_loaded,
            describe="Loading the account's 10DLC campaigns…",
        )

    def _campaigns_loaded(self, campaigns: list[Any]) -> None:
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
        wanted = self.ctx.inputs.campaign_id
        pick = wanted if wanted in registered else (registered[0] if registered else None)
        if pick is not None:
            listing.highlighted = [c.campaign_id for c in self.campaigns].index(pick)
        from wizard.engine.steps.ready import REGISTRATION_TAKES_DAYS

        only = "Only a REGISTERED campaign can take numbers."
        self.query_one("#campaigns-note", Static).update(
            only if registered else REGISTRATION_TAKES_DAYS
        )
        self.refresh_state()

    def chosen_campaign(self) -> str | None:
        option = self.query_one("#campaigns", OptionList).highlighted_option
        if option is None or option.disabled:
            return None
        return option.id

    # -- state ---------------------------------------------------------------------------------

    def is_valid(self) -> bool:
        if self.kind is NumberKind.LOCAL and self.loaded and self.campaigns:
            return self.chosen_campaign() is not None
        return True

    def fill_inputs(self, inputs: SetupInputs) -> None:
        if self.kind is NumberKind.LOCAL and self.loaded:
            inputs.campaign_id = self.chosen_campaign()

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        self.query_one("#form").disabled = self._step_running
        skip = self.query_one("#skip", Button)
        skip.display = self.forbidden and not self.steps_done()
        skip.disabled = self._step_running
        fit_buttons(self)

    @on(OptionList.OptionHighlighted, "#campaigns")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.refresh_state()

    @on(Button.Pressed, "#skip")
    def _skip(self, event: Button.Pressed) -> None:
        event.stop()
        self.ctx.inputs.skip_readiness = True
        self.forbidden = False
        self.run_steps(StepId.READY)

    # -- engine events -------------------------------------------------------------------------

    def on_engine_event(self, message: EngineEvent) -> None:
        event = message.event
        timeline = self.query_one("#timeline", OrderTimeline)
        if isinstance(event, OrderStatusChanged) and event.step is StepId.READY:
            if not timeline.display:
                timeline.display = True
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
        self.forbidden = event.kind == "forbidden"
        if event.kind == "not_ready":
            self.set_status("Not ready yet. Your progress is saved: come back to this step later.")
        self.refresh_state()

    def step_done(self, event: StepDone) -> None:
        if event.step is StepId.READY:
            self.forbidden = False
            self._describe()
