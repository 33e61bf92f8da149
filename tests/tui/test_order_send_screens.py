"""Pilot tests of the order, order-status and send screens against the real sandbox, with the
app's real callback receiver: what a person sees, and that it is what really happened.

Every wait is on a condition the screen shows (bounded by a deadline), never a fixed sleep.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from textual.widgets import Button, Input, Static, TextArea

from tests.tui.scenes_flow import (
    DELIVERED_TO,
    FAILED_TO,
    drive_engine,
    goto,
    make_app,
    sandbox_control,
    wait_until,
)
from wizard.callbacks.event import CallbackEvent
from wizard.callbacks.tracker import MessageTracker
from wizard.engine.registry import PAGES
from wizard.engine.step import StepId
from wizard.tui.screens.send import CarrierAdviceScreen, ConfirmSendAnother
from wizard.tui.widgets.callback_log import CallbackLog
from wizard.tui.widgets.composer import Composer, segment_line
from wizard.tui.widgets.order_timeline import OrderTimeline

pytestmark = pytest.mark.timeout(60)

SIZE = (110, 34)


def _shown(widget: Static) -> str:
    return str(widget.content)


def _outcomes(screen: Any) -> dict[str, str]:
    return {t.message_id: t.status for t in screen.callback_log.tracker.messages if t.done}


async def _send(pilot: Any, screen: Any, to: str, text: str | None = None) -> None:
    screen.query_one("#to", Input).value = to
    if text is not None:
        screen.query_one("#text", TextArea).text = text
    await wait_until(pilot, lambda: screen.is_valid(), "the form to be valid")
    sent_before = len(screen.ctx.data(StepId.SEND).get("messages") or [])
    if screen.sent():  # another message is its own action, confirmed
        screen.action_send_another()
        await wait_until(
            pilot, lambda: isinstance(pilot.app.screen, ConfirmSendAnother), "the confirmation"
        )
        await pilot.press("y")
    else:
        screen.action_next()
    await wait_until(
        pilot,
        lambda: (
            len(screen.ctx.data(StepId.SEND).get("messages") or []) > sent_before
            and not screen._step_running
        ),
        "the 202",
    )


# -- the whole flow ------------------------------------------------------------------------------


async def test_walk_every_step_from_welcome_to_delivered(sandbox: Any) -> None:
    """Welcome -> ... -> order -> order status -> send -> message-delivered in the log.

    Each page is walked through its own screen: a page whose screen cannot be opened fails the
    walk.
    """
    app = make_app(sandbox, area_code="919", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.ready, "start-up")
        ctx = app.ctx
        await wait_until(pilot, lambda: ctx.receiver_url, "the app's callback receiver")
        ctx.inputs.callback_url = ctx.inputs.callback_url or ctx.receiver_url or ""
        visited: list[str] = []
        while True:
            screen = await wait_until(
                pilot,
                lambda: (
                    app.screen
                    if (app.screen.id or "").startswith("page-") and _ready(app.screen)
                    else None
                ),
                "a page",
            )
            page = screen.id.removeprefix("page-")
            assert page not in visited[-1:], f"stuck on {page}"
            visited.append(page)
            if page == "send":
                break
            if page == "order":
                await wait_until(pilot, lambda s=screen: s.available, "the numbers on offer")
                await pilot.click("#next")
            elif page == "order-status":
                await wait_until(pilot, lambda: ctx.is_done(StepId.WAIT_ORDER), "the order")
                timeline = screen.query_one(OrderTimeline)
                # The step is recorded before the screen has drawn its last event.
                await wait_until(pilot, lambda t=timeline: t.status == "COMPLETE", "COMPLETE")
                assert len(timeline.completed) == 1
                await pilot.pause()
                assert "COMPLETE" in _shown(screen.query_one("#timeline-outcome", Static))
                await pilot.click("#next")
            else:
                await _pass_page(pilot, screen)
            await wait_until(pilot, lambda s=screen: app.screen is not s, f"leaving {page}")
        assert visited == [page.key for page in PAGES]

        send = app.screen
        composer = send.query_one(Composer)
        assert composer.draft().from_number == "+1" + ctx.data(StepId.WAIT_ORDER)["numbers"][0]
        # The sandbox answers each delivered message with a text back (message-received).
        await asyncio.to_thread(
            sandbox_control, sandbox, "/_sandbox/config", {"inbound_reply": True}
        )
        await _send(pilot, send, "919 555 0199")
        message_id = ctx.data(StepId.SEND)["last_message_id"]
        await wait_until(
            pilot,
            lambda: _outcomes(send).get(message_id) == "delivered",
            "message-delivered in the callback log",
        )
        log = send.query_one(CallbackLog)
        await wait_until(pilot, lambda: "✓ delivered" in log.plain_text(), "delivered shown")
        text = log.plain_text()
        assert message_id in text
        assert "accepted (202)" in text
        assert "+1 919-555-0199" in text
        await wait_until(
            pilot, lambda: "← reply from +1 919-555-0199" in log.plain_text(), "the reply"
        )
        assert "message-received" in log.plain_text()
        svg = app.export_screenshot()
        for secret in (ctx.inputs.callback_password, ctx.secrets.oauth_client_secret):
            assert secret and secret not in svg


def _ready(screen: Any) -> bool:
    return bool(getattr(screen, "ui_ready", False))


async def _pass_page(pilot: Any, screen: Any) -> None:
    """Do what a person does on a setup page: wait until Next can be pressed, press it
    (again, on pages that stay to show what was done)."""
    next_button = screen.query_one("#next", Button)

    def can_press() -> bool:
        if screen.query("#error-panel.-visible"):
            raise AssertionError(
                f"{screen.id} failed: " + _shown(screen.query_one("#error-message", Static))
            )
        return not next_button.disabled and not getattr(screen, "_step_running", False)

    for _ in range(3):
        await wait_until(pilot, can_press, f"Next on {screen.id}")
        screen.action_next()
        await wait_until(
            pilot,
            lambda: (
                pilot.app.screen is not screen or (screen.steps_done() and not screen._step_running)
            ),
            f"{screen.id} to finish",
        )
        if pilot.app.screen is not screen:
            return
    raise AssertionError(f"{screen.id} did not move on")


# -- ordering ------------------------------------------------------------------------------------


async def test_order_form_validates_and_searches(sandbox: Any) -> None:
    app = make_app(sandbox, area_code="919", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.ASSIGN)
        order = await goto(pilot, "order")
        await wait_until(pilot, lambda: order.available, "the first search")
        area = order.query_one("#area-code", Input)
        next_button = order.query_one("#next", Button)

        area.value = "911"
        await pilot.pause()
        problem = order.query_one("#area-code-problem", Static)
        assert "service code" in _shown(problem)
        assert next_button.disabled

        area.value = "777"  # the sandbox has no numbers there
        await wait_until(
            pilot,
            lambda: "No numbers are available" in _shown(order.query_one("#available", Static)),
            "the empty search result",
        )
        assert next_button.disabled

        order.query_one("#quantity", Input).value = "0"
        await pilot.pause()
        assert "at least 1" in _shown(order.query_one("#quantity-problem", Static))


async def test_failed_order_is_explained_and_can_be_ordered_again(sandbox: Any) -> None:
    app = make_app(sandbox, area_code="333", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.ASSIGN)
        order = await goto(pilot, "order")
        await wait_until(pilot, lambda: order.is_valid(), "the order form")
        order.action_next()
        status = await wait_until(
            pilot,
            lambda: app.screen if app.screen.id == "page-order-status" else None,
            "the order status screen",
        )
        await wait_until(pilot, lambda: status.last_failure == "order_failed", "FAILED")
        await pilot.pause()
        outcome = _shown(status.query_one("#timeline-outcome", Static))
        assert "FAILED" in outcome and "another area code" in outcome
        assert not status.query_one("#next", Button).display  # checking again cannot help
        assert not status.query_one("#retry", Button).display
        again = status.query_one("#order-again", Button)
        assert again.display
        await pilot.click("#order-again")
        order = await wait_until(
            pilot, lambda: app.screen if app.screen.id == "page-order" else None, "order screen"
        )
        assert not app.ctx.is_done(StepId.ORDER)
        order.query_one("#area-code", Input).value = "919"
        await wait_until(pilot, lambda: order.is_valid(), "a fresh search in 919")
        order.action_next()
        await wait_until(pilot, lambda: app.ctx.is_done(StepId.WAIT_ORDER), "the new order")
        assert app.ctx.data(StepId.WAIT_ORDER)["status"] == "COMPLETE"


# -- sending -------------------------------------------------------------------------------------


async def test_failed_message_is_explained_and_more_can_be_sent(sandbox: Any) -> None:
    """4720 is shown with its meaning and next step; a second send's events arrive too."""
    app = make_app(sandbox, area_code="919", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.READY)
        send = await goto(pilot, "send")
        await _send(pilot, send, FAILED_TO)
        first = app.ctx.data(StepId.SEND)["last_message_id"]
        # Send the next one at once, while the first one's callbacks may still be arriving.
        await _send(pilot, send, DELIVERED_TO, "and another one")
        second = app.ctx.data(StepId.SEND)["last_message_id"]
        assert first != second
        await wait_until(
            pilot,
            lambda: _outcomes(send) == {first: "failed", second: "delivered"},
            "both outcomes",
        )
        await pilot.pause()
        text = send.query_one(CallbackLog).plain_text()
        assert "✗ failed 4720" in text
        assert "not a valid address" in text and "Next: Check the destination number" in text
        assert "and another one" in text


async def test_api_field_errors_are_shown_under_their_field(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(sandbox, area_code="919", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.READY)
        send = await goto(pilot, "send")
        composer = send.query_one(Composer)
        send.query_one("#to", Input).value = DELIVERED_TO
        await wait_until(pilot, lambda: send.is_valid(), "a valid form")
        real_draft = composer.draft

        def bad_draft() -> Any:  # what an older form (or a hand-edited config) could send
            from dataclasses import replace

            return replace(real_draft(), to=("12",))

        monkeypatch.setattr(composer, "draft", bad_draft)
        send.action_next()
        problem = send.query_one("#to-problem", Static)
        await wait_until(pilot, lambda: problem.display, "the 'to' field error")
        assert "E164" in _shown(problem)
        assert not app.ctx.is_done(StepId.SEND)
        monkeypatch.setattr(composer, "draft", real_draft)
        send.query_one("#to", Input).value = "919 555 0199"  # editing clears the API's message
        await pilot.pause()
        assert not problem.display


async def test_real_send_asks_first_with_carrier_advice(sandbox: Any) -> None:
    """Not in sandbox mode, the first send from a number waits for the dialog's answer."""
    app = make_app(sandbox, sandbox=False, area_code="919", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.READY)
        send = await goto(pilot, "send")
        send.query_one("#to", Input).value = DELIVERED_TO
        await wait_until(pilot, lambda: send.is_valid(), "a valid form")
        send.action_next()
        dialog = await wait_until(
            pilot,
            lambda: (
                app.screen
                if isinstance(app.screen, CarrierAdviceScreen) and app.screen.query("#advice-text")
                else None
            ),
            "the carrier advice",
        )
        advice = _shown(dialog.query_one("#advice-text", Static))
        assert "10DLC" in advice and "callback" in advice
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is send, "the dialog to close")
        assert not app.ctx.is_done(StepId.SEND)
        send.action_next()
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, CarrierAdviceScreen) and app.screen.query(Button),
            "the dialog again",
        )
        await pilot.press("y")
        await wait_until(pilot, lambda: app.ctx.is_done(StepId.SEND), "the send")
        # Asked once per number: the next send goes straight out.
        before = len(app.ctx.data(StepId.SEND)["messages"])
        await wait_until(pilot, lambda: not send._step_running, "the first send to finish")
        send.action_send_another()
        await wait_until(
            pilot, lambda: isinstance(app.screen, ConfirmSendAnother), "the confirmation"
        )
        await pilot.press("y")
        await wait_until(
            pilot, lambda: len(app.ctx.data(StepId.SEND)["messages"]) > before, "second send"
        )
        assert not isinstance(app.screen, CarrierAdviceScreen)


# -- widgets on their own --------------------------------------------------------------------------


async def test_composer_counts_and_normalises_as_typed() -> None:
    from textual.app import App, ComposeResult

    class Harness(App[None]):
        def compose(self) -> ComposeResult:
            yield Composer(["9195550100"], text="")

    app = Harness()
    async with app.run_test(size=(100, 30)) as pilot:
        composer = app.query_one(Composer)
        assert composer.draft().from_number == "+19195550100"
        to = app.query_one("#to", Input)
        to.value = "919 555 0199, (919) 555-0198"
        await pilot.pause()
        assert "+19195550199, +19195550198" in _shown(app.query_one("#to-note", Static))
        assert composer.draft().to == ("+19195550199", "+19195550198")
        to.value = ", ".join(f"919555{n:04d}" for n in range(200, 211))
        await pilot.pause()
        assert "at most 10" in composer.problems()["to"]

        area = app.query_one("#text", TextArea)
        area.text = "x" * 161
        await pilot.pause()
        assert "2 segments" in _shown(app.query_one("#text-count", Static))
        area.text = "héllo 👋"
        await pilot.pause()
        assert "UCS-2" in _shown(app.query_one("#text-count", Static))
        area.text = "y" * 2049
        await pilot.pause()
        assert "1 too many" in _shown(app.query_one("#text-count", Static))
        assert "text" in composer.problems()

    assert segment_line("")[0].startswith("0 / 2048")


def _event(raw_type: str, message_id: str, *, authenticated: bool = True, **extra: Any) -> Any:
    payload = {
        "type": raw_type,
        "time": "2024-01-01T00:00:00Z",
        "description": "ok",
        "to": "+19195550199",
        "message": {
            "id": message_id,
            "from": "+19195550100",
            "to": ["+19195550199"],
            "text": "hi",
            "direction": "out",
        },
        **extra,
    }
    return CallbackEvent.from_payload(payload, authenticated=authenticated)


async def test_callback_log_dedups_marks_unauthenticated_and_shows_replies() -> None:
    from textual.app import App, ComposeResult

    tracker = MessageTracker()

    class Harness(App[None]):
        def compose(self) -> ComposeResult:
            yield CallbackLog(tracker, id="log")

    app = Harness()
    async with app.run_test(size=(100, 30)) as pilot:
        log = app.query_one(CallbackLog)
        # A callback racing ahead of the 202 is kept and joined to the message after.
        log.add_event(_event("message-sending", "m-1"))
        log.record_sent("m-1", ["+19195550199"], "+19195550100", "hi")
        delivered = _event("message-delivered", "m-1", authenticated=False)
        log.add_event(delivered)
        log.add_event(delivered)  # a redelivery
        reply = CallbackEvent.from_payload(
            {
                "type": "message-received",
                "time": "2024-01-01T00:00:05Z",
                "to": "+19195550100",
                "message": {
                    "id": "in-1",
                    "from": "+19195550199",
                    "to": ["+19195550100"],
                    "text": "STOP",
                    "direction": "in",
                },
            },
            authenticated=True,
        )
        log.add_event(reply)
        log.add_event(CallbackEvent.from_payload({"type": "surprise"}, authenticated=True))
        await pilot.pause()
        text = log.plain_text()
        assert text.count("m-1") == 1
        assert "✓ accepted (202) → ✓ sending → ✓ delivered (unauthenticated)" in text
        assert "← reply from +1 919-555-0199" in text and "STOP" in text
        assert "? surprise" in text
        notes = _shown(log.query_one("#callback-notes", Static))
        assert "redelivered events once" in notes and "unauthenticated" in notes
        assert tracker.get("m-1").status == "delivered"


async def test_order_timeline_partial_backordered_and_timeout() -> None:
    from textual.app import App, ComposeResult

    class Harness(App[None]):
        def compose(self) -> ComposeResult:
            yield OrderTimeline(id="t")

    app = Harness()
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = app.query_one(OrderTimeline)
        timeline.start("o-1", area_code="222", quantity=2)
        timeline.polled("RECEIVED", 0.0, 0.5)
        await pilot.pause()
        assert "next check in 0.5 s" in _shown(app.query_one("#timeline-poll", Static))
        timeline.status_changed("PARTIAL", 1.25, ["2225550100"], ["2225550101"])
        timeline.polled("PARTIAL", 1.25, None)
        await pilot.pause()
        outcome = _shown(app.query_one("#timeline-outcome", Static))
        assert "PARTIAL: 1 added, 1 failed" in outcome and "go on" in outcome
        assert "PROCESSING" in _shown(app.query_one("#timeline-stages", Static))

        timeline.start("o-2", area_code="444", quantity=1)
        timeline.status_changed("BACKORDERED", 0.5)
        timeline.failed("Order o-2 is BACKORDERED.", "Order again elsewhere.", "order_backordered")
        await pilot.pause()
        assert "another area code" in _shown(app.query_one("#timeline-outcome", Static))

        timeline.start("o-3", area_code="919", quantity=1)
        timeline.status_changed("PROCESSING", 600.0)
        timeline.failed("Still PROCESSING after 600 s.", "Run again later.", "timeout")
        await pilot.pause()
        assert "Retry" in _shown(app.query_one("#timeline-outcome", Static))
        assert "10 m 00 s" in _shown(app.query_one("#timeline-stages", Static))


def test_scene_clock_is_virtual() -> None:
    from tests.tui.scenes_flow import VirtualClock

    clock = VirtualClock()
    start = clock.clock()
    real_start = time.monotonic()
    asyncio.run(clock.sleep(30.0))
    assert clock.clock() - start == pytest.approx(30.0)
    assert time.monotonic() - real_start < 5  # moved without waiting
