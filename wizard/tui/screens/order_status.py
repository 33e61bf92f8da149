"""Order status: the engine's WAIT_ORDER step, polling live, drawn as a timeline.

The screen starts watching as soon as it opens (there is nothing to decide), shows every status
change with its elapsed time, when the next check is due, and the numbers as they complete. A
bad ending (FAILED, BACKORDERED, PARTIAL with nothing usable, or the wizard giving up waiting)
stays on screen with what to do next: check again, or order again in another area code.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button

from wizard.engine.events import OrderPolled, OrderStatusChanged, StepDone, StepFailed
from wizard.engine.step import StepId
from wizard.engine.steps.wait_order import number_reasons
from wizard.tui.messages import EngineEvent, ProgressChanged
from wizard.tui.screens.base import StepScreen
from wizard.tui.screens.order import fit_buttons, forget_order
from wizard.tui.widgets.order_timeline import OrderTimeline

BAD_KINDS = frozenset({"order_failed", "order_backordered"})
"""StepFailed kinds after which checking again will not help: only a new order will. Neither
"Check again" nor Retry is offered after them."""


class OrderStatusScreen(StepScreen):
    PAGE = "order-status"
    NEXT_LABEL = "Check again"
    AUTO_ADVANCE = False
    """Stay: the finished timeline (and its numbers) is worth a look before sending."""

    def __init__(self) -> None:
        super().__init__()
        self.watching_order: str | None = None
        """The order id the timeline shows."""
        self.last_failure: str | None = None
        """The kind of the last StepFailed (order_failed, timeout, ...), None after success."""

    def compose_body(self) -> ComposeResult:
        yield OrderTimeline(id="timeline")

    def compose_buttons(self) -> ComposeResult:
        yield Button("Order again", id="order-again", compact=True)

    @property
    def timeline(self) -> OrderTimeline:
        return self.query_one("#timeline", OrderTimeline)

    # -- starting ----------------------------------------------------------------------------

    def on_load(self) -> None:
        self._show_or_watch()

    def on_screen_resume(self) -> None:
        # Textual also runs StepScreen.on_screen_resume (handlers are called along the MRO).
        self._show_or_watch()

    def _show_or_watch(self) -> None:
        """Show the recorded result, or start watching the order the ORDER step placed."""
        order = self.ctx.data(StepId.ORDER)
        order_id = order.get("order_id")
        if not order_id or self._step_running:
            if not order_id:
                self.timeline.start(None, status=None)
            return
        if self.steps_done():
            if self.watching_order != order_id:
                self._show_recorded()
            return
        if self.watching_order == order_id and self.last_failure in BAD_KINDS:
            return  # the order ended badly: leave the explanation up until the user acts
        self.watch()

    def _show_recorded(self) -> None:
        data = self.ctx.data(StepId.WAIT_ORDER)
        order = self.ctx.data(StepId.ORDER)
        self.watching_order = str(order.get("order_id"))
        self.timeline.show_result(
            self.watching_order,
            str(data.get("status") or "COMPLETE"),
            tuple(data.get("numbers") or ()),
            tuple(data.get("failed_numbers") or ()),
            area_code=order.get("area_code"),
            quantity=order.get("quantity"),
            pattern=order.get("toll_free_pattern"),
            reasons=number_reasons(data.get("number_errors")),
        )

    def watch(self) -> None:
        """Run WAIT_ORDER in the base's step worker (polls until final, or the timeout)."""
        order = self.ctx.data(StepId.ORDER)
        self.watching_order = str(order.get("order_id"))
        self.last_failure = None
        self.timeline.start(
            self.watching_order,
            status=str(order.get("status") or "RECEIVED"),
            area_code=order.get("area_code"),
            quantity=order.get("quantity"),
            pattern=order.get("toll_free_pattern"),
        )
        self.run_steps(StepId.WAIT_ORDER)

    def action_next(self) -> None:
        if self._step_running:
            return
        if self.steps_done():
            self.go_next()
            return
        if not self.ctx.data(StepId.ORDER).get("order_id"):
            self.go_back()
            return
        if self.last_failure in BAD_KINDS:
            self.set_status(
                f"The order is {self.timeline.status}: checking again will not change it. "
                "“Order again” places a new order."
            )
            return
        self.clear_error()
        self.watch()

    # -- state -------------------------------------------------------------------------------

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        # The form holds only the timeline: it must not look disabled while it is live.
        self.query_one("#form").disabled = False
        bad = self.last_failure in BAD_KINDS or (
            self.steps_done() and self.timeline.status == "PARTIAL"
        )
        again = self.query_one("#order-again", Button)
        again.display = bad
        again.disabled = self._step_running
        next_button = self.query_one("#next", Button)
        next_button.display = True
        if not self.ctx.data(StepId.ORDER).get("order_id") and not self.steps_done():
            next_button.label = "Back to ordering"
        elif self.last_failure in BAD_KINDS:
            # FAILED stays FAILED, and a backorder fills on Bandwidth's schedule, not on a
            # press: no "Check again", only "Order again".
            next_button.display = False
        fit_buttons(self)

    def done_lines(self) -> list[str]:
        return []  # the timeline already says it, with the numbers

    # -- engine events -----------------------------------------------------------------------

    def on_engine_event(self, message: EngineEvent) -> None:
        # StepScreen.on_engine_event runs too (after this one: Textual calls handlers along the
        # MRO); StepDone and StepFailed are handled in its step_done/step_failed hooks below.
        event = message.event
        if isinstance(event, OrderStatusChanged):
            self.timeline.status_changed(
                event.status,
                event.elapsed,
                event.completed_numbers,
                event.failed_numbers,
                order_id=event.order_id,
                reasons=event.failure_reasons,
            )
        elif isinstance(event, OrderPolled):
            self.timeline.polled(event.status, event.elapsed, event.next_poll)

    def step_failed(self, event: StepFailed) -> None:
        if event.step is not StepId.WAIT_ORDER:
            return
        self.last_failure = event.kind
        if event.kind in BAD_KINDS:
            # Asking again cannot change a final order: no Retry, only "Order again".
            self.show_error(event.message, event.hint)
        self.timeline.failed(event.message, event.hint, event.kind)
        self.refresh_state()

    def step_done(self, event: StepDone) -> None:
        if event.step is not StepId.WAIT_ORDER:
            return
        self.last_failure = None
        if event.reused:
            self._show_recorded()
        self.set_status("✓ The order is ready: Next opens the message step.")

    @on(Button.Pressed, "#order-again")
    def _order_again(self, event: Button.Pressed) -> None:
        event.stop()
        if self._step_running:
            return
        forget_order(self.ctx)
        self.watching_order = None
        self.last_failure = None
        self.clear_error()
        self.wizard.post_message(ProgressChanged())
        self.wizard.goto("order")
