"""Pilot tests of "Ready to send" through the screens, against the real sandbox and the app's
own callback receiver: the local path (campaign, TN option order, SUCCESS, delivered), the
toll-free path (order by pattern, a form with a mistake, PENDING, VERIFIED by moving the
sandbox's clock, delivered), a decline and its resubmission, a 403, a PARTIAL assignment,
picking up an assignment after quitting, and a send the checks block until it is overridden.

Waits are on what the screen shows or records, bounded by a deadline; review delays pass by
moving the sandbox's clock, never by sleeping.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import httpx
import pytest
from textual.widgets import Button, Input, OptionList, RadioButton, Static

from tests.tui.scenes import LIMITED_CLIENT
from tests.tui.scenes_flow import (
    DELIVERED_TO,
    WEBMAIL,
    advance_sandbox,
    drive_engine,
    freeze_sandbox,
    goto,
    make_app,
    sandbox_conn,
    sandbox_control,
    submit_verification,
    wait_until,
)
from tests.waiting import until
from wizard.engine.inputs import SetupInputs
from wizard.engine.step import StepId
from wizard.session.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.screens.ready import widget_id
from wizard.tui.screens.send import ConfirmSendAnother

pytestmark = pytest.mark.timeout(90)

SIZE = (110, 34)
TFV_POST = "POST /api/v2/accounts/{account}/tollFreeVerification"
TFV_PUT = "PUT /api/v2/accounts/{account}/phoneNumbers/{number}/tollFreeVerification"
TN_OPTIONS_POST = "POST /api/v2/accounts/{account}/tnoptions"


def _shown(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def _app(server: Any, *, client: tuple[str, str] | None = None, **inputs: Any) -> WizardApp:
    """The real app on the sandbox; `client` signs in with another of its API Credentials."""
    conn, secrets = sandbox_conn(server)
    if client is not None:
        conn = dataclasses.replace(conn, client_id=client[0])
        secrets = dataclasses.replace(secrets, oauth_client_secret=client[1])
    progress = inputs.pop("progress", None)
    values = {"area_code": "919", "quantity": 1, "readiness_wait": 0.0, **inputs}
    ctx = Session(
        sandbox=True,
        conn=conn,
        secrets=secrets,
        inputs=SetupInputs(**values),
        start_receiver=True,
    )
    if progress is not None:
        ctx.progress = progress
    return WizardApp(ctx)


def _counts(server: Any) -> dict[str, int]:
    answer = httpx.get(f"{server.base_url}/_sandbox/state", timeout=10, trust_env=False)
    return answer.json()["requests"]["counts"]


def _messages_posted(server: Any) -> int:
    return sum(
        n
        for route, n in _counts(server).items()
        if route.startswith("POST ") and route.endswith("/messages")
    )


async def _ready_page(pilot: Any) -> Any:
    screen = await goto(pilot, "ready")
    await wait_until(pilot, lambda: screen.loaded, "the Ready page's first look-up")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def _run_ready(pilot: Any, screen: Any) -> None:
    await wait_until(pilot, lambda: screen.is_valid() and not screen._step_running, "Next")
    screen.action_next()
    await wait_until(pilot, lambda: screen._step_running, "the step to start")
    await wait_until(pilot, lambda: not screen._step_running, "the step to end")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _send(pilot: Any, to: str = DELIVERED_TO) -> Any:
    app = pilot.app
    screen = await goto(pilot, "send")
    screen.query_one("#to", Input).value = to
    await wait_until(pilot, lambda: screen.is_valid(), "the message form")
    screen.action_next()
    await wait_until(pilot, lambda: screen._step_running, "the send to start")
    await wait_until(pilot, lambda: not screen._step_running, "the send to end")
    assert app.screen is screen
    return screen


def _outcome(screen: Any) -> str | None:
    timelines = [t for t in screen.callback_log.tracker.messages if t.sent_here]
    return timelines[-1].status if timelines and timelines[-1].done else None


# -- local numbers -------------------------------------------------------------------------------


async def test_local_path_campaign_timeline_success_then_delivered(sandbox: Any) -> None:
    app = make_app(sandbox, area_code="919", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.WAIT_ORDER)
        screen = await _ready_page(pilot)
        listing = screen.query_one("#campaigns", OptionList)
        assert [listing.get_option_at_index(i).disabled for i in range(3)] == [False, True, True]
        assert screen.chosen_campaign() == "CA1B2C3"
        await _run_ready(pilot, screen)
        timeline = screen.timeline
        assert timeline.display and timeline.status == "COMPLETE"
        assert [stage.status for stage in timeline.stages][-1] == "COMPLETE"
        assert "campaign CA1B2C3" in _shown(screen, "#timeline-heading")
        ready = app.ctx.data(StepId.READY)
        assert ready["status"] == "SUCCESS" and ready["assigned"] is True
        assert "Carriers deliver texts from it now" in _shown(screen, "#done-panel")
        send = await _send(pilot)
        await wait_until(pilot, lambda: _outcome(send) == "delivered", "message-delivered")


async def test_partial_assignment_names_the_number_that_failed(sandbox: Any) -> None:
    """Two local numbers, one in the sandbox's area code 223, whose campaign registry call
    fails (12184): the TN option order ends PARTIAL; the sending number is on the campaign and
    the other is listed with Bandwidth's reason."""
    app = make_app(sandbox, area_code="919", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.WAIT_ORDER)
        ctx = app.ctx
        assert ctx.engine is not None
        location = ctx.data(StepId.LOCATION)
        more = await ctx.engine.dashboard.create_order(
            location["site_id"], location["location_id"], "223", 1, "bw-wizard-second-order"
        )

        async def numbers_of(order_id: str) -> list[str]:
            order = await ctx.engine.dashboard.get_order(order_id)
            return list(order.completed_numbers) if order.status == "COMPLETE" else []

        extra = await until(lambda: numbers_of(more.id), 10, "the second order to complete")
        recorded = dict(ctx.progress.get(StepId.WAIT_ORDER) or {})
        recorded["numbers"] = [*recorded["numbers"], *extra]
        ctx.progress.record(StepId.WAIT_ORDER, recorded)
        ctx.done[StepId.WAIT_ORDER] = recorded
        screen = await _ready_page(pilot)
        await _run_ready(pilot, screen)
        assert screen.timeline.status == "PARTIAL"
        assert "PARTIAL: 1 on the campaign, 1 failed" in _shown(screen, "#timeline-outcome")
        ready = ctx.data(StepId.READY)
        assert ready["status"] == "SUCCESS" and ready["tn_option_status"] == "PARTIAL"
        assert [n for n, _ in ready["not_assigned"]] == ["+1" + extra[0]]
        done = _shown(screen, "#done-panel")
        assert "1 could not be assigned" in done and "code 12184" in done


async def test_quitting_mid_assignment_then_opening_again_picks_it_up(sandbox: Any) -> None:
    """The first run stops watching the TN option order before it is final (its timeout);
    the next run's Ready page finds the same order by its customer order id, without a second
    POST, and finishes."""
    await asyncio.to_thread(sandbox_control, sandbox, "/_sandbox/config", {"order_delay": 0.05})
    first = make_app(sandbox, area_code="919", quantity=1)
    async with first.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.WAIT_ORDER)
        await freeze_sandbox(sandbox)  # the assignment stays RECEIVED until the clock moves
        first.ctx.inputs.order_timeout = 0.2
        screen = await _ready_page(pilot)
        await _run_ready(pilot, screen)
        assert not first.ctx.is_done(StepId.READY)
        saved = first.ctx.progress.get(StepId.READY)
        assert saved and saved["status"] == "ASSIGNING"
        progress = first.ctx.progress
    assert _counts(sandbox).get(TN_OPTIONS_POST) == 1
    again = _app(sandbox, progress=progress, readiness_wait=5.0)
    async with again.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: again.ready, "start-up")
        await again.ctx.refresh_progress()
        screen = await goto(pilot, "ready")
        await wait_until(pilot, lambda: screen._step_running, "the page to pick it up")
        await advance_sandbox(sandbox, 5.0)  # the order completes while it is watched again
        await wait_until(pilot, lambda: again.ctx.is_done(StepId.READY), "the assignment")
        ready = again.ctx.data(StepId.READY)
        assert ready["status"] == "SUCCESS" and ready["assigned"] is True
        await wait_until(pilot, lambda: screen.timeline.status == "COMPLETE", "the timeline")
    assert _counts(sandbox).get(TN_OPTIONS_POST) == 1


# -- toll-free numbers ---------------------------------------------------------------------------


async def test_toll_free_path_form_pending_verified_then_delivered(sandbox: Any) -> None:
    app = _app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.ASSIGN)
        order = await goto(pilot, "order")
        assert "toll-free number is usually the shorter way" in _shown(order, "#trade-off")
        order.query_one("#kind-toll-free", RadioButton).value = True
        await wait_until(pilot, lambda: order.query_one("#pattern-field").display, "the pattern")
        await wait_until(pilot, lambda: order.is_valid(), "toll-free numbers on offer")
        assert all(
            n[:3] in ("800", "833", "844", "855", "866", "877", "888") for n in order.available
        )
        order.action_next()
        await wait_until(pilot, lambda: app.ctx.is_done(StepId.WAIT_ORDER), "the toll-free order")
        assert app.ctx.data(StepId.ORDER)["toll_free_pattern"] == "8**"

        screen = await _ready_page(pilot)
        assert screen.tfv_state == "new"
        await wait_until(pilot, lambda: screen.use_cases, "Bandwidth's use cases")
        email = screen.query_one(f"#{widget_id('businessContact.email')}", Input)
        email.value = "jane@"
        screen.action_request_next()
        await pilot.pause()
        problem = _shown(screen, f"#{widget_id('businessContact.email')}-problem")
        assert problem == "Enter an email address, for example jane@example.com."
        assert not screen.is_valid() and not screen._step_running
        assert screen.focused is email
        assert _counts(sandbox).get(TFV_POST) is None
        email.value = "jane@acme-example.com"

        await freeze_sandbox(sandbox)
        await submit_verification(pilot, screen)
        assert screen.tfv_state == "pending"
        assert "PENDING" in _shown(screen, "#tfv-state")
        assert str(screen.query_one("#next", Button).label) == "Check again"
        assert not screen.query("#error-panel.-visible")
        assert _counts(sandbox)[TFV_POST] == 1

        await advance_sandbox(sandbox, 5.0)
        await _run_ready(pilot, screen)
        assert app.ctx.data(StepId.READY)["status"] == "VERIFIED"
        await asyncio.to_thread(sandbox_control, sandbox, "/_sandbox/clock", {"mode": "real"})
        send = await _send(pilot)
        await wait_until(pilot, lambda: _outcome(send) == "delivered", "message-delivered")
        assert _counts(sandbox)[TFV_POST] == 1


async def test_decline_comes_back_prefilled_and_is_resubmitted(sandbox: Any) -> None:
    app = _app(sandbox, toll_free_pattern="8**")
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.WAIT_ORDER)
        screen = await _ready_page(pilot)
        await wait_until(pilot, lambda: screen.use_cases, "Bandwidth's use cases")
        email = screen.query_one(f"#{widget_id('businessContact.email')}", Input)
        email.value = WEBMAIL
        await freeze_sandbox(sandbox)
        await submit_verification(pilot, screen)
        await advance_sandbox(sandbox, 5.0)
        await _run_ready(pilot, screen)
        await wait_until(pilot, lambda: screen.tfv_state == "resubmit", "the decline")
        state = _shown(screen, "#tfv-state")
        assert "Business Email Address Must Use an Official Domain (code 1101)" in state
        assert "resubmit" in state.lower()
        assert email.value == WEBMAIL  # the form holds what was sent
        assert screen.query_one(f"#{widget_id('businessAddress.name')}", Input).value
        assert str(screen.query_one("#next", Button).label) == "Resubmit"
        email.value = "jane@acme-example.com"
        await submit_verification(pilot, screen)
        assert screen.tfv_state == "pending"
        assert _counts(sandbox)[TFV_PUT] == 1
        await advance_sandbox(sandbox, 5.0)
        await _run_ready(pilot, screen)
        assert app.ctx.data(StepId.READY)["status"] == "VERIFIED"


async def test_a_decline_that_may_not_be_resubmitted_says_so_plainly(sandbox: Any) -> None:
    app = _app(sandbox, toll_free_pattern="8**")
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.WAIT_ORDER)
        screen = await _ready_page(pilot)
        await wait_until(pilot, lambda: screen.use_cases, "Bandwidth's use cases")
        screen.query_one(f"#{widget_id('businessAddress.name')}", Input).value = "Lucky Casino"
        await freeze_sandbox(sandbox)
        await submit_verification(pilot, screen)
        await advance_sandbox(sandbox, 5.0)
        await _run_ready(pilot, screen)
        await wait_until(pilot, lambda: screen.tfv_state == "declined", "the decline")
        state = _shown(screen, "#tfv-state")
        assert "Disallowed Content - Gambling (code 511)" in state
        assert "may not be resubmitted" in state
        assert not screen.query_one("#tfv-form").display
        assert not screen.is_valid()


# -- a credential without the roles, and the check before every send ---------------------------


async def test_unassigned_number_is_blocked_before_the_post_sent_anyway_fails_then_delivered(
    sandbox: Any,
) -> None:
    """The credential cannot check campaigns (403): "cannot check", never "not registered";
    the person goes on knowingly. The send is then refused before any POST; "Send anyway"
    sends it and it fails 4476 (not on a campaign). With the role (the full credential) the
    number is assigned, and the same send is delivered."""
    app = _app(sandbox, client=LIMITED_CLIENT)
    async with app.run_test(size=SIZE) as pilot:
        await drive_engine(pilot, StepId.WAIT_ORDER)
        ctx = app.ctx
        screen = await _ready_page(pilot)
        message = _shown(screen, "#error-message")
        assert "Cannot check whether the number can send" in message
        assert "Campaign Management role" in message
        assert "not registered" not in message + _shown(screen, "#error-hint")
        skip = screen.query_one("#skip", Button)
        assert skip.display
        await pilot.click("#skip")
        await wait_until(pilot, lambda: ctx.is_done(StepId.READY), "going on knowingly")
        assert ctx.data(StepId.READY)["status"] == "SKIPPED"
        assert screen.query_one("#recheck", Button).display

        before = _messages_posted(sandbox)
        send = await _send(pilot)
        await wait_until(pilot, lambda: send.blocked, "the refusal on the page")
        assert _messages_posted(sandbox) == before  # refused before the POST
        assert "was not checked" in _shown(send, "#error-message")
        anyway = send.query_one("#send-anyway", Button)
        assert anyway.display and anyway.variant == "error"
        assert send.query_one("#next", Button).variant == "primary"
        await pilot.click("#send-anyway")
        await wait_until(pilot, lambda: _outcome(send) == "failed", "message-failed")
        assert _messages_posted(sandbox) == before + 1
        assert "4476" in send.callback_log.plain_text()
        last = ctx.data(StepId.SEND)["messages"][-1]
        assert last["sent_anyway"] and "⚠ Sent anyway" in _shown(send, "#status")
        assert not anyway.display  # for that one message only

        full = sandbox_conn(sandbox)
        await ctx.connect(*full)
        screen = await _ready_page(pilot)
        await pilot.click("#recheck")
        await wait_until(pilot, lambda: screen.loaded and screen.campaigns, "the campaigns")
        await _run_ready(pilot, screen)
        assert ctx.data(StepId.READY)["status"] == "SUCCESS"
        # A message went already, so Next no longer sends: "Send another…" does, confirmed.
        send = await goto(pilot, "send")
        await wait_until(pilot, lambda: send.is_valid(), "the message form")
        send.action_send_another()
        await wait_until(
            pilot, lambda: isinstance(app.screen, ConfirmSendAnother), "the confirmation"
        )
        await pilot.press("y")
        await wait_until(pilot, lambda: _outcome(send) == "delivered", "message-delivered")
        assert "sent_anyway" not in ctx.data(StepId.SEND)["messages"][-1]
