"""What a finished order or a group send says: final orders offer only what can help, a
PARTIAL order says why each number failed, and a group send's status line follows every
destination's callback, not just the 202."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.widgets import Button, Input, Static

from tests.tui.scenes import wait_until
from tests.tui.scenes_flow import DELIVERED_TO, FAILED_TO, drive_engine, goto, make_app
from wizard.engine.step import StepId

pytestmark = pytest.mark.timeout(60)

SIZE = (110, 34)


async def _order(pilot: Any, area_code: str, quantity: int) -> Any:
    app = pilot.app
    await drive_engine(pilot, StepId.ASSIGN)
    order = await goto(pilot, "order")
    area = order.query_one("#area-code", Input)
    area.value = area_code
    order.query_one("#quantity", Input).value = str(quantity)
    await wait_until(pilot, lambda: order.is_valid(), "the search")
    order.action_next()
    return await wait_until(
        pilot,
        lambda: app.screen if app.screen.id == "page-order-status" else None,
        "the order status page",
    )


async def test_backordered_order_offers_neither_check_again_nor_retry(sandbox: Any) -> None:
    app = make_app(sandbox, area_code="444", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        status = await _order(pilot, "444", 1)
        await wait_until(pilot, lambda: status.last_failure == "order_backordered", "BACKORDERED")
        await app.workers.wait_for_complete()
        await pilot.pause()
        poll = str(status.query_one("#timeline-poll", Static).content)
        assert "final" not in poll and "stopped checking" in poll
        assert not status.query_one("#next", Button).display  # no "Check again"
        assert not status.query_one("#retry", Button).display
        assert status.query_one("#order-again", Button).display
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not status._step_running, "Ctrl+N must not watch a final order again"
        assert "Order again" in str(status.query_one("#status", Static).content)


async def test_partial_order_says_why_each_number_failed(sandbox: Any) -> None:
    app = make_app(sandbox, area_code="222", quantity=2)
    async with app.run_test(size=SIZE) as pilot:
        status = await _order(pilot, "222", 2)
        await wait_until(pilot, lambda: app.ctx.is_done(StepId.WAIT_ORDER), "PARTIAL")
        await wait_until(pilot, lambda: status.timeline.status == "PARTIAL", "drawn")
        await pilot.pause()
        numbers = str(status.query_one("#timeline-numbers", Static).content)
        failed = app.ctx.data(StepId.WAIT_ORDER)["failed_numbers"]
        assert failed
        failed_line = next(line for line in numbers.splitlines() if "✗" in line)
        assert "5005" in failed_line and "unavailable" in failed_line
        # The recorded result (a later visit) says the same.
        status.timeline.show_result("o", "PARTIAL", (), failed)
        status._show_recorded()
        await pilot.pause()
        assert "5005" in str(status.query_one("#timeline-numbers", Static).content)


async def test_group_send_status_follows_every_destination(sandbox: Any) -> None:
    app = make_app(sandbox, area_code="919", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.READY)
        send = await goto(pilot, "send")
        send.query_one("#to", Input).value = f"{FAILED_TO}, +19195554432, {DELIVERED_TO}"
        await wait_until(pilot, lambda: send.is_valid(), "a valid form")
        send.action_next()
        await wait_until(pilot, lambda: app.ctx.is_done(StepId.SEND), "the 202")
        message_id = app.ctx.data(StepId.SEND)["last_message_id"]
        await wait_until(
            pilot,
            lambda: (t := send.callback_log.timeline(message_id)) is not None and t.done,
            "every destination's outcome",
        )
        await pilot.pause()
        status = str(send.query_one("#status", Static).content)
        assert status.startswith("✗ 2 of 3 failed, 1 delivered")
        assert "4720" in status and "4432" in status
        assert "Accepted (202)" not in status


async def test_next_on_a_finished_send_page_never_sends_again(sandbox: Any) -> None:
    """Ctrl+N (and Enter) after a send do not send; "Send another…" does, after a confirmation
    that names the destinations, in the sandbox too."""
    from wizard.tui.screens.send import ConfirmSendAnother

    app = make_app(sandbox, area_code="919", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.READY)
        send = await goto(pilot, "send")
        send.query_one("#to", Input).value = f"{DELIVERED_TO}, +19195550198"
        await wait_until(pilot, lambda: send.is_valid(), "a valid form")
        assert not send.query_one("#send-another", Button).display
        await pilot.press("ctrl+n")
        await wait_until(
            pilot, lambda: app.ctx.is_done(StepId.SEND) and not send._step_running, "the 202"
        )

        def sent() -> int:
            return len(app.ctx.data(StepId.SEND)["messages"])

        assert sent() == 1
        for key in ("ctrl+n", "ctrl+n", "ctrl+n"):
            await pilot.press(key)
        send.query_one("#to", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not send._step_running and sent() == 1
        assert "Already sent" in str(send.query_one("#status", Static).content)
        assert str(send.query_one("#next", Button).label) != "Send"
        another = send.query_one("#send-another", Button)
        assert another.display and not another.disabled

        await pilot.click("#send-another")
        dialog = await wait_until(
            pilot,
            lambda: app.screen if isinstance(app.screen, ConfirmSendAnother) else None,
            "the confirmation",
        )
        words = str(dialog.query_one("#another-text", Static).content)
        assert "+1 919-555-0199" in words and "+1 919-555-0198" in words
        await pilot.press("enter")  # the focused button is Cancel: Enter never sends
        await wait_until(pilot, lambda: app.screen is send, "the dialog to close")
        assert sent() == 1
        send.action_send_another()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmSendAnother), "again")
        await pilot.press("y")
        await wait_until(pilot, lambda: sent() == 2, "the second message")
        assert await asyncio.to_thread(_messages_sent, sandbox) == 2


def _messages_sent(server: Any) -> int:
    import httpx

    state = httpx.get(f"{server.base_url}/_sandbox/state", timeout=10, trust_env=False).json()
    messages = state.get("messages")
    return len(messages) if messages is not None else -1
