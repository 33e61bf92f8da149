"""Send a message: the composer above, the live callback log below.

The 202 only means "queued", so this screen is built around what happens after it: every
callback the receiver accepts is drawn under the message it belongs to as it arrives, while the
user goes on sending more. Before the first real (non-sandbox) send from a number, a dialog says
what that number needs to get through US carriers (a 10DLC campaign or toll-free verification)
and that the callback, not the 202, is the outcome: the commonest reason a correct setup still
ends in message-failed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static, TextArea

from wizard.callbacks.error_codes import carrier_advice
from wizard.callbacks.tracker import MessageTracker
from wizard.core.errors import WizardError, sentence
from wizard.core.phone import display, e164
from wizard.engine.events import StepDone, StepFailed
from wizard.engine.inputs import SetupInputs
from wizard.engine.step import StepId
from wizard.tui.messages import CallbackArrived, EngineEvent, ProgressChanged
from wizard.tui.screens.base import StepScreen
from wizard.tui.screens.order import fit_buttons
from wizard.tui.widgets.callback_log import CallbackLog, outcome_line
from wizard.tui.widgets.callback_wait import callback_trouble, wait_note
from wizard.tui.widgets.composer import Composer

DEFAULT_TEXT = "Hello from bw-wizard: my first Bandwidth message."


class CarrierAdviceScreen(ModalScreen[bool]):
    """Asked once per from-number before a real send: what carriers need, what the 202 means."""

    DEFAULT_CSS = """
    CarrierAdviceScreen { align: center middle; }
    CarrierAdviceScreen #advice-box {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    CarrierAdviceScreen #advice-title { text-style: bold; height: auto; margin-bottom: 1; }
    CarrierAdviceScreen #advice-text { height: auto; }
    CarrierAdviceScreen #advice-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    CarrierAdviceScreen Button { margin-left: 2; }
    """

    BINDINGS: ClassVar = [
        Binding("escape,n", "cancel", "Cancel"),
        Binding("y", "confirm", "Send"),
    ]

    def __init__(self, from_number: str) -> None:
        super().__init__()
        self.from_number = from_number

    def compose(self) -> ComposeResult:
        with Vertical(id="advice-box"):
            yield Static(
                f"Before sending from {display(self.from_number)}",
                id="advice-title",
                markup=False,
            )
            yield Static(carrier_advice(self.from_number), id="advice-text", markup=False)
            with Horizontal(id="advice-buttons"):
                yield Button("Cancel \\[n]", id="advice-cancel", compact=True)
                yield Button("Send it \\[y]", id="advice-send", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#advice-send", Button).focus()

    @on(Button.Pressed, "#advice-send")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#advice-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class ConfirmSendAnother(ModalScreen[bool]):
    """Another message is a new, billed message to real phones: it is sent only when a person
    says so here, never by Next."""

    DEFAULT_CSS = """
    ConfirmSendAnother { align: center middle; }
    ConfirmSendAnother #another-box {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmSendAnother #another-text { height: auto; }
    ConfirmSendAnother #another-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmSendAnother Button { margin-left: 2; }
    """

    BINDINGS: ClassVar = [
        Binding("escape,n", "cancel", "Cancel"),
        Binding("y", "confirm", "Send"),
    ]

    def __init__(self, destinations: tuple[str, ...], text: str) -> None:
        super().__init__()
        self.destinations = destinations
        self.text = text

    def compose(self) -> ComposeResult:
        shown = ", ".join(display(number) for number in self.destinations)
        noun = "number" if len(self.destinations) == 1 else f"{len(self.destinations)} numbers"
        words = " ".join(self.text.split())
        preview = words if len(words) <= 60 else words[:59] + "…"
        with Vertical(id="another-box"):
            yield Static(
                f"Send another message to {shown}?\n\n“{preview}”\n\nIt is a new message to "
                f"the {noun} above, billed like the first.",
                id="another-text",
                markup=False,
            )
            with Horizontal(id="another-buttons"):
                yield Button("Cancel \\[n]", id="another-cancel", compact=True)
                yield Button("Send it \\[y]", id="another-send", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#another-cancel", Button).focus()

    @on(Button.Pressed, "#another-send")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#another-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class SendScreen(StepScreen):
    PAGE = "send"
    NEXT_LABEL = "Send"
    AUTO_ADVANCE = False

    # The form's share of the page is in wizard.tcss (the app's CSS wins over DEFAULT_CSS).
    DEFAULT_CSS = """
    SendScreen #callbacks {
        height: 1fr;
        min-height: 4;
        max-height: 100%;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.advised: set[str] = set()
        """From-numbers whose carrier advice the user has confirmed in this session."""
        self._listener: Any = None
        self._sending = False
        self.blocked = False
        """The last send was refused by the checks before it (Kind.NOT_READY): "Send anyway"
        is offered, for that one message, until the next send."""

    # -- layout ------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        inputs = self.ctx.inputs
        numbers = list(self.ctx.data(StepId.WAIT_ORDER).get("numbers") or [])
        yield Static("", id="callback-trouble", classes="notice", markup=False)
        yield Composer(
            numbers,
            from_number=inputs.message_from,
            to=", ".join(inputs.message_to),
            text=inputs.message_text or DEFAULT_TEXT,
            media=" ".join(inputs.media),
            tag=inputs.tag or "",
            priority=inputs.priority or "default",
            id="composer",
        )

    @on(Button.Pressed, "#finish")
    def _finish(self, event: Button.Pressed) -> None:
        event.stop()
        from wizard.tui.screens.done import DoneScreen

        self.app.push_screen(DoneScreen())

    @property
    def composer(self) -> Composer:
        return self.query_one("#composer", Composer)

    @property
    def callback_log(self) -> CallbackLog:
        return self.query_one("#callbacks", CallbackLog)

    def on_mount(self) -> None:
        tracker = self.ctx.tracker
        if not isinstance(tracker, MessageTracker):
            tracker = MessageTracker()
            self.ctx.tracker = tracker
        log = CallbackLog(tracker, id="callbacks")
        # Below the scrolling form, above the error panel: it stays in view while typing.
        self.query_one("#content").mount(log, after="#step-body")
        self._replay_earlier(log)
        self._listener = self._callback_arrived
        self.ctx.add_callback_listener(self._listener)
        # Looks at the tracker's clock once a second: a wait is explained, never slept on.
        self.set_interval(1.0, self.check_waiting)
        # StepScreen.on_mount runs after this (Textual calls handlers along the MRO).

    def on_unmount(self) -> None:
        if self._listener is not None:
            self.ctx.remove_callback_listener(self._listener)
            self._listener = None

    def _replay_earlier(self, log: CallbackLog) -> None:
        """Messages sent in an earlier run, and what the receiver heard about them since.

        Not in sandbox mode: the sandbox starts from the same seed every run, so its message
        ids repeat and an old run's events would land on this run's messages.
        """
        if self.ctx.sandbox:
            return
        sent = list(self.ctx.data(StepId.SEND).get("messages") or [])
        ids = set()
        for message in sent:
            if message.get("id"):
                ids.add(message["id"])
                log.tracker.record_sent(
                    message["id"], tuple(message.get("to") or ()), message.get("from") or "", ""
                )
        ours = {e164(str(n)) for n in self.ctx.data(StepId.WAIT_ORDER).get("numbers") or []}
        receiver = self.ctx.receiver
        for event in receiver.history if receiver is not None else ():
            if event.message_id in ids or (event.type == "message-received" and event.to in ours):
                log.add_event(event)
        log.sync()

    def _callback_arrived(self, event: Any) -> None:
        """Called by the receiver (through the context) in the app's loop, for each new event."""
        self.post_message(CallbackArrived(event))

    def on_callback_arrived(self, message: CallbackArrived) -> None:
        log = self.callback_log
        log.add_event(message.event)
        receiver = self.ctx.receiver
        if receiver is not None:
            log.note_redeliveries(receiver.duplicates_ignored)
        self._show_outcome()

    def check_waiting(self) -> None:
        """Explain a message still without an outcome after longer than Bandwidth takes."""
        tracker = self.callback_log.tracker
        receiver = self.ctx.receiver
        refused = receiver.refused_credentials if receiver is not None else 0
        note = wait_note(tracker.overdue(), callback_trouble(self.ctx), refused)
        self.callback_log.show_wait(note)

    def _show_outcome(self) -> None:
        """The status line follows the last message's callbacks, destination by destination."""
        data = self.ctx.data(StepId.SEND)
        last = str(data.get("last_message_id") or "")
        timeline = self.callback_log.timeline(last) if last else None
        if timeline is None or not timeline.sent_here:
            return
        line = outcome_line(timeline)
        message = next((m for m in data.get("messages") or [] if m.get("id") == last), {})
        if message.get("sent_anyway"):
            line = f"⚠ Sent anyway, as you chose. {line}"
        self.set_status(line)

    def on_load(self) -> None:
        """Start where the typing starts: the destination, or the text once one is known."""
        target = "#text" if self.query_one("#to", Input).value else "#to"
        self.query_one(target).focus()

    # -- state -------------------------------------------------------------------------------

    def steps_done(self) -> bool:
        return False  # sending is never "done": the form stays open for the next message

    def sent(self) -> bool:
        """True once a message was sent (in this run or recorded by an earlier one): from then
        on Next never sends; "Send another…" does, after a confirmation."""
        return bool(self.ctx.data(StepId.SEND).get("messages"))

    def is_valid(self) -> bool:
        return self.ui_ready and super().is_valid() and self.composer.is_valid()

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        self.query_one("#form").disabled = False  # keep typing the next one while this sends
        trouble = self.query_one("#callback-trouble", Static)
        text = callback_trouble(self.ctx)
        trouble.update(text)
        trouble.display = bool(text)
        next_button = self.query_one("#next", Button)
        another = self.query_one("#send-another", Button)
        sent = self.sent()
        another.display = sent
        another.disabled = self._step_running or not self.is_valid()
        has_next = self.wizard.page_number(self.PAGE) < self.wizard.page_count()
        # Once sent, Next only moves on: on the last page there is nowhere to go.
        next_button.display = not sent or has_next
        if sent:
            next_button.label = "Next"
            next_button.disabled = self._step_running or not has_next
        else:
            next_button.label = "Sending…" if self._step_running else self.NEXT_LABEL
        anyway = self.query_one("#send-anyway", Button)
        anyway.display = self.blocked
        anyway.disabled = self._step_running
        self.query_one("#finish", Button).display = self.ctx.is_done(StepId.SEND)
        fit_buttons(self)

    def fill_inputs(self, inputs: SetupInputs) -> None:
        if not self.ui_ready:
            return
        draft = self.composer.draft()
        inputs.message_from = draft.from_number
        inputs.message_to = tuple(draft.to)
        inputs.message_text = draft.text
        inputs.media = tuple(draft.media)
        inputs.tag = draft.tag
        inputs.priority = draft.priority

    def done_lines(self) -> list[str]:
        return []

    def compose_buttons(self) -> ComposeResult:
        # "Send another…" asks first, naming the destinations: Next never sends twice.
        yield Button("Send another…", id="send-another", variant="primary", compact=True)
        # Never the default and never on Enter or Ctrl+N: those reach `action_next`.
        yield Button("Send anyway", id="send-anyway", variant="error", compact=True)
        # Finish: once a message went, the wizard's last screen (export, status).
        finish = Button("Finish", id="finish", compact=True)
        finish.display = False
        yield finish

    def found(self) -> dict[str, Any]:
        conn = self.ctx.conn
        if conn is not None and conn.generation == "guide":
            return {"messaging_user": conn.messaging_user_id or "{userId}"}
        return {}

    def auth_line(self) -> str:
        conn = self.ctx.conn
        if conn is not None and conn.generation == "guide":
            return "Authorization: Basic ••••:•••• (the messaging API token and secret)"
        return super().auth_line()

    # -- sending -----------------------------------------------------------------------------

    def action_next(self) -> None:
        """Next (Ctrl+N, Enter in a field): sends the first message; after that it only moves
        on, so a key pressed twice can never send twice."""
        if self._step_running:
            return
        if self.sent():
            self.set_status(
                "Already sent: Next never sends again. To send another message, press "
                "“Send another…” and confirm."
            )
            self.go_next()
            return
        self._compose_and_send()

    @on(Button.Pressed, "#send-another")
    def _send_another_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send_another()

    def action_send_another(self) -> None:
        """Another message, on purpose: the confirmation names every destination."""
        if self._step_running:
            return
        if not self.is_valid():
            self._compose_and_send()  # says what to fix; sends nothing while invalid
            return
        draft = self.composer.draft()
        self.app.push_screen(ConfirmSendAnother(draft.to, draft.text), self._another_answered)

    def _another_answered(self, confirmed: bool | None) -> None:
        if confirmed:
            self._compose_and_send()
        else:
            self.set_status("Not sent.")

    def _compose_and_send(self) -> None:
        if not self.is_valid():
            problems = self.composer.problems()
            first = next(iter(problems.values()), "Some inputs still need attention.")
            self.set_status(first)
            return
        self.apply_inputs()
        sender = self.ctx.inputs.message_from or ""
        if not self.ctx.sandbox and sender not in self.advised:
            self.app.push_screen(CarrierAdviceScreen(sender), self._advice_answered)
            return
        self.send()

    def _advice_answered(self, confirmed: bool | None) -> None:
        if confirmed:
            self.advised.add(self.ctx.inputs.message_from or "")
            self.send()
        else:
            self.set_status("Not sent.")

    def send(self, *, anyway: bool = False) -> None:
        """Send what `ctx.inputs` holds now, in a worker; the form stays editable. `anyway`
        overrides the checks before the send for this one message (recorded with it)."""
        self.clear_error()
        self.composer.clear_field_errors()
        self._retry = self.send
        self.blocked = False
        self._set_running(True)
        self._send_worker(replace(self.ctx.inputs, send_anyway=anyway))

    @on(Button.Pressed, "#send-anyway")
    def _send_anyway(self, event: Button.Pressed) -> None:
        event.stop()
        if self._step_running or not self.blocked or not self.is_valid():
            return
        self.apply_inputs()
        self.send(anyway=True)

    @work(exclusive=True, group="step")
    async def _send_worker(self, inputs: Any) -> None:
        def sink(event: Any) -> None:
            self.post_message(EngineEvent(event))

        try:
            engine = self.ctx.engine
            if engine is None:
                self.show_error(
                    "The wizard is not connected to Bandwidth yet.",
                    "Go back to the Credentials step and verify your credentials.",
                )
                return
            with self.ctx.listening(sink):
                await engine.run_step(StepId.SEND, inputs, reuse=False)
        except WizardError:
            pass  # reported through StepFailed (step_failed puts field errors under fields)
        except Exception as error:  # never a traceback in front of a user
            self.show_error(sentence(error), "Check the inputs and try again.", retry=self.send)
        finally:
            self._set_running(False)

    def step_failed(self, event: StepFailed) -> None:
        if event.field_errors:
            self.composer.show_field_errors(event.field_errors)
        if event.step is StepId.SEND and event.kind == "not_ready":
            self.blocked = True
            self.set_status("Not sent: fix what the panel names, or choose “Send anyway”.")
            self.refresh_state()

    def step_done(self, event: StepDone) -> None:
        if event.step is not StepId.SEND:
            return
        data = event.data
        message_id = str(data.get("last_message_id") or "")
        sent = next(
            (m for m in reversed(list(data.get("messages") or [])) if m.get("id") == message_id),
            {},
        )
        self.callback_log.record_sent(
            message_id,
            tuple(sent.get("to") or self.ctx.inputs.message_to),
            str(sent.get("from") or self.ctx.inputs.message_from or ""),
            self.ctx.inputs.message_text,
        )
        if sent.get("sent_anyway"):
            self.set_status(
                "⚠ Sent anyway, as you chose (recorded with the message): "
                + " ".join(sent["sent_anyway"])
            )
        else:
            self._show_outcome()
        self.wizard.post_message(ProgressChanged())

    # -- form events -------------------------------------------------------------------------

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        self.refresh_state()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        self.refresh_state()

    def on_screen_resume(self) -> None:
        # StepScreen.on_screen_resume runs too: Textual calls handlers along the MRO.
        numbers = list(self.ctx.data(StepId.WAIT_ORDER).get("numbers") or [])
        if numbers != self.composer.numbers:
            self.composer.set_numbers(numbers, self.ctx.inputs.message_from)
        self.callback_log.sync()
