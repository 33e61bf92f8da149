"""Scenes for the order, order-status and send screens, shared by the snapshot tests and
`make screenshots`.

Each scene is an App plus a `run_before(pilot)` that brings it to the state worth a picture,
waiting on what the screen shows (never on a fixed sleep). The early steps are driven through
the engine inside the app's own loop, with the app's callback receiver as the application's
callback URL, so the callbacks in the pictures are real ones from the sandbox.

Determinism: the sandbox is reset to its seed before each scene (ids and numbers repeat), URLs
are shown with Bandwidth's hosts (never the sandbox's port), and the order-status scenes give
the engine and the sandbox one virtual clock that moves only when the engine waits between
polls, by exactly the interval it asked for. What each poll sees and the elapsed times on
screen are then the same on every run, however busy the machine is.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.tui.scenes import SCENE_CAMPAIGN, Scene, sandbox_conn, sandbox_control, wait_until
from wizard.engine.inputs import SetupInputs
from wizard.engine.polling import PollSchedule
from wizard.engine.runner import Engine
from wizard.engine.step import StepId
from wizard.session.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.messages import ProgressChanged

TOLL_FREE_PATTERN = "8**"
"""The toll-free order of the toll-free scenes."""
WEBMAIL = "jane@gmail.com"
"""A contact email the sandbox declines (1101: not the business's own domain), resubmittable."""

DELIVERED_TO = "+19195550199"
"""A sandbox destination that ends in message-delivered."""
FAILED_TO = "+19195554720"
"""A sandbox destination that ends in message-failed 4720 (invalid destination)."""

SCENE_ORDER_DELAY = 1.5
"""Sandbox order delay in the status scenes: RECEIVED for 0.5 s, PROCESSING until 1.5 s."""
SCENE_POLLS = PollSchedule(first=0.8, factor=1.5, cap=5.0)
"""Polls at 0, 0.8 and 2.0 s (virtual time): one in each of the sandbox's phases above."""


# -- building blocks ----------------------------------------------------------------------------


class VirtualClock:
    """Time that moves only when the engine sleeps, by exactly the interval it asked for.

    Shared by the engine (elapsed times, poll waits) and the sandbox (order progress), so the
    order is RECEIVED, PROCESSING or final at each poll by arithmetic, not by scheduling luck.
    It starts at the real monotonic time, so it never runs backwards for the sandbox.
    """

    def __init__(self) -> None:
        self.now = time.monotonic()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)  # let the screen draw; no real waiting


def make_app(server: Any, *, sandbox: bool = True, **inputs: Any) -> WizardApp:
    """The real app on a context pointed at `server`, with the receiver started by the app."""
    conn, secrets = sandbox_conn(server)
    ctx = Session(
        sandbox=sandbox,
        conn=conn,
        secrets=secrets,
        inputs=SetupInputs(**{"campaign_id": SCENE_CAMPAIGN, **inputs}),
        start_receiver=True,
    )
    return WizardApp(ctx)


async def drive_engine(pilot: Pilot[Any], until: StepId) -> None:
    """Run the steps up to `until` through the app's own engine, as the earlier screens would."""
    app: WizardApp = pilot.app  # type: ignore[assignment]
    await wait_until(pilot, lambda: app.ready, "the app to start")
    ctx = app.ctx
    await wait_until(pilot, lambda: ctx.receiver_url, "the app's callback receiver")
    if not ctx.inputs.callback_url:
        ctx.inputs.callback_url = ctx.receiver_url or ""
    assert ctx.engine is not None, "the sandbox context should connect at start-up"
    await ctx.engine.run_all(ctx.inputs, until=until)
    app.post_message(ProgressChanged())


@contextlib.contextmanager
def virtual_time(ctx: Session, server: Any) -> Any:
    """The engine and the sandbox on one VirtualClock for the duration of the block."""
    clock = use_virtual_clock(ctx)
    state = server.state
    real = state.clock
    state.clock = clock.clock
    try:
        yield clock
    finally:
        state.clock = real


def use_virtual_clock(ctx: Session, clock: VirtualClock | None = None) -> VirtualClock:
    """Swap in an engine on the same clients whose clock only moves with its polls."""
    assert ctx.engine is not None and ctx.clients is not None
    clock = clock or VirtualClock()
    ctx.engine = Engine(
        ctx.clients.dashboard,
        ctx.clients.messaging,
        ctx.progress,
        platform=ctx.clients.platform,
        claims=ctx.engine.claims,
        on_event=ctx.dispatch,
        poll=SCENE_POLLS,
        sleep=clock.sleep,
        clock=clock.clock,
    )
    return clock


async def goto(pilot: Pilot[Any], page: str) -> Any:
    app: WizardApp = pilot.app  # type: ignore[assignment]
    app.goto(page)
    screen = await wait_until(
        pilot,
        lambda: app.screen if app.screen.id == f"page-{page}" and _ui_ready(app.screen) else None,
        f"the {page} screen",
    )
    await pilot.pause()
    return screen


def _ui_ready(screen: Any) -> bool:
    return bool(getattr(screen, "ui_ready", False))


async def steady(pilot: Pilot[Any]) -> None:
    """Stop cursors blinking, so the picture does not depend on when it was taken."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()


async def cursor_placed(pilot: Pilot[Any]) -> None:
    """Wait for the page to put the cursor where a person acts next: it does so after a
    refresh, so a picture taken sooner would show whichever frame came first."""
    screen = pilot.app.screen
    await wait_until(
        pilot,
        lambda: screen.focused is not None and screen.focused.id not in ("back", "sidebar"),
        "the cursor to land on what comes next",
    )


async def workers_idle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# -- the scenes ---------------------------------------------------------------------------------


def order_scene(server: Any) -> Scene:
    """Order numbers: area code 919, two numbers, the numbers on offer listed."""
    app = make_app(server, area_code="919", quantity=2)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.ASSIGN)
        screen = await goto(pilot, "order")
        await wait_until(pilot, lambda: screen.available, "the numbers on offer")
        await workers_idle(pilot)
        await steady(pilot)

    return Scene("order", app, run_before)


def _status_scene(name: str, server: Any, area_code: str, final: str) -> Scene:
    app = make_app(server, area_code=area_code, quantity=2)

    async def run_before(pilot: Pilot[Any]) -> None:
        await asyncio.to_thread(
            sandbox_control, server, "/_sandbox/config", {"order_delay": SCENE_ORDER_DELAY}
        )
        await drive_engine(pilot, StepId.ASSIGN)
        with virtual_time(pilot.app.ctx, server):  # type: ignore[attr-defined]
            order = await goto(pilot, "order")
            await wait_until(pilot, lambda: order.is_valid(), "the order form to be ready")
            order.action_next()
            screen = await wait_until(
                pilot,
                lambda: (
                    pilot.app.screen
                    if pilot.app.screen.id == "page-order-status" and _ui_ready(pilot.app.screen)
                    else None
                ),
                "the order status screen",
            )
            await wait_until(
                pilot,
                lambda: screen.timeline.status == final and not screen.timeline.watching,
                f"the order to end {final}",
            )
            await workers_idle(pilot)
        await steady(pilot)

    return Scene(name, app, run_before)


def order_complete_scene(server: Any) -> Scene:
    """Order status: RECEIVED, PROCESSING, COMPLETE with the two numbers."""
    return _status_scene("order-complete", server, "919", "COMPLETE")


def order_failed_scene(server: Any) -> Scene:
    """Order status: the sandbox's area code 333 ends FAILED, explained with what to do."""
    return _status_scene("order-failed", server, "333", "FAILED")


def _send_scene(name: str, server: Any, to: str, outcome: str) -> Scene:
    app = make_app(server, area_code="919", quantity=1)

    async def run_before(pilot: Pilot[Any]) -> None:
        # Bandwidth's own 10 s answer limit: on a busy machine the test fixture's short one
        # would make the sandbox redeliver, and the picture would gain a "redelivered" note.
        await asyncio.to_thread(
            sandbox_control, server, "/_sandbox/config", {"callback_timeout": 10.0}
        )
        await drive_engine(pilot, StepId.READY)
        screen = await goto(pilot, "send")
        to_input = screen.query_one("#to", Input)
        to_input.value = to
        await wait_until(pilot, lambda: screen.is_valid(), "the message form to be valid")
        screen.action_next()
        await wait_until(
            pilot,
            lambda: _outcome(screen) == outcome,
            f"the message's {outcome} callback in the log",
        )
        await workers_idle(pilot)
        screen.query_one("#text", TextArea).focus()
        await steady(pilot)

    return Scene(name, app, run_before)


def _outcome(screen: Any) -> str | None:
    timelines = screen.callback_log.tracker.messages
    if not timelines:
        return None
    timeline = timelines[-1]
    return timeline.status if timeline.sent_here and timeline.done else None


def send_delivered_scene(server: Any) -> Scene:
    """Send: a message accepted, sending, delivered, shown in the live callback log."""
    return _send_scene("send-delivered", server, DELIVERED_TO, "delivered")


def send_failed_scene(server: Any) -> Scene:
    """Send: the sandbox's +19195554720 ends in message-failed 4720, meaning and next step."""
    return _send_scene("send-failed", server, FAILED_TO, "failed")


def done_scene(server: Any) -> Scene:
    """The last screen after a delivered message: the setup summed up, Export and Status."""
    sent = _send_scene("done", server, DELIVERED_TO, "delivered")

    async def run_before(pilot: Pilot[Any]) -> None:
        from wizard.tui.screens.done import DoneScreen

        await sent.run_before(pilot)
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.query_one("#finish").display, "the Finish button")
        screen.query_one("#finish").press()
        done = await wait_until(
            pilot,
            lambda: (
                pilot.app.screen
                if isinstance(pilot.app.screen, DoneScreen) and pilot.app.screen.ui_ready
                else None
            ),
            "the last screen",
        )
        await wait_until(pilot, lambda: "delivered" in done.last_message(), "the outcome")
        await steady(pilot)

    return Scene("done", sent.app, run_before)


def carrier_advice_scene(server: Any) -> Scene:
    """The dialog shown before a real send: what the from-number needs for US carriers."""
    app = make_app(server, area_code="919", quantity=1)

    async def run_before(pilot: Pilot[Any]) -> None:
        from wizard.tui.screens.send import CarrierAdviceScreen

        await drive_engine(pilot, StepId.READY)
        screen = await goto(pilot, "send")
        screen.query_one("#to", Input).value = DELIVERED_TO
        await wait_until(pilot, lambda: screen.is_valid(), "the message form to be valid")
        sender = screen.composer.draft().from_number or ""
        pilot.app.push_screen(CarrierAdviceScreen(sender))
        await wait_until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, CarrierAdviceScreen)
                and pilot.app.screen.query("#advice-text")
            ),
            "the dialog",
        )
        await steady(pilot)

    return Scene("send-carrier-advice", app, run_before)


# -- ready to send ------------------------------------------------------------------------------


async def ready_page(pilot: Pilot[Any]) -> Any:
    """The Ready page once the order is done and its first look-up has answered."""
    await drive_engine(pilot, StepId.WAIT_ORDER)
    screen = await goto(pilot, "ready")
    await wait_until(pilot, lambda: screen.loaded, "the Ready page's first look-up")
    await workers_idle(pilot)
    return screen


def ready_campaigns_scene(server: Any) -> Scene:
    """Ready to send, local number: the account's campaigns, only the REGISTERED one usable."""
    app = make_app(server, area_code="919", quantity=1)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready_page(pilot)
        await steady(pilot)

    return Scene("ready-campaigns", app, run_before)


def ready_assignment_scene(server: Any) -> Scene:
    """Ready to send: the TN option order putting the number on CA1B2C3, watched to COMPLETE,
    then SUCCESS on the campaign (engine and sandbox on one virtual clock)."""
    app = make_app(server, area_code="919", quantity=1)

    async def run_before(pilot: Pilot[Any]) -> None:
        await asyncio.to_thread(
            sandbox_control, server, "/_sandbox/config", {"order_delay": SCENE_ORDER_DELAY}
        )
        await drive_engine(pilot, StepId.WAIT_ORDER)
        with virtual_time(pilot.app.ctx, server):  # type: ignore[attr-defined]
            screen = await goto(pilot, "ready")
            await wait_until(pilot, lambda: screen.is_valid() and screen.loaded, "the campaigns")
            await workers_idle(pilot)
            screen.action_next()
            await wait_until(
                pilot,
                lambda: screen.steps_done() and not screen._step_running,
                "the number on the campaign",
            )
            await workers_idle(pilot)
        await cursor_placed(pilot)
        await steady(pilot)

    return Scene("ready-assignment", app, run_before)


def _toll_free_app(server: Any) -> WizardApp:
    return make_app(server, toll_free_pattern=TOLL_FREE_PATTERN, quantity=1, readiness_wait=0.0)


async def freeze_sandbox(server: Any) -> None:
    """Stop the sandbox's clock (the reset before the next test starts it again): a submitted
    verification stays PENDING until `advance_sandbox` moves it past its review."""
    await asyncio.to_thread(sandbox_control, server, "/_sandbox/clock", {"mode": "manual"})


async def advance_sandbox(server: Any, seconds: float) -> None:
    await asyncio.to_thread(sandbox_control, server, "/_sandbox/clock", {"advance": seconds})


async def submit_verification(pilot: Pilot[Any], screen: Any) -> None:
    """Press Next on the verification form and wait until the page shows the answer."""
    await wait_until(pilot, lambda: screen.is_valid(), "a complete verification request")
    screen.action_next()
    await wait_until(pilot, lambda: screen._step_running, "the submission to start")
    await wait_until(
        pilot,
        lambda: not screen._step_running and screen.tfv_state not in ("loading", "new"),
        "the verification's answer",
    )
    await workers_idle(pilot)


def ready_tfv_form_scene(server: Any) -> Scene:
    """Ready to send, toll-free: the verification form after Next, each wrong field saying
    what Bandwidth would refuse."""
    app = _toll_free_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        from wizard.tui.screens.ready import widget_id

        screen = await ready_page(pilot)
        await wait_until(pilot, lambda: screen.use_cases, "Bandwidth's use cases")
        for key, value in (
            ("businessAddress.zip", "2760"),
            ("businessAddress.url", "acme"),
            ("businessContact.email", "jane@"),
            ("businessContact.phoneNumber", "919 555 0100"),
        ):
            screen.query_one(f"#{widget_id(key)}", Input).value = value
        screen.action_request_next()
        await workers_idle(pilot)
        await steady(pilot)

    return Scene("ready-tfv-form", app, run_before)


def ready_tfv_pending_scene(server: Any) -> Scene:
    """Ready to send, toll-free: submitted, PENDING, with what that means and that quitting
    now is fine."""
    app = _toll_free_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await ready_page(pilot)
        await wait_until(pilot, lambda: screen.use_cases, "Bandwidth's use cases")
        await freeze_sandbox(server)
        await submit_verification(pilot, screen)
        await wait_until(pilot, lambda: screen.tfv_state == "pending", "PENDING")
        await cursor_placed(pilot)
        await steady(pilot)

    return Scene("ready-tfv-pending", app, run_before)


def ready_tfv_verified_scene(server: Any) -> Scene:
    """Ready to send, toll-free: the review moved on (the sandbox's clock), Check again reads
    VERIFIED and the page records it."""
    app = _toll_free_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = await ready_page(pilot)
        await wait_until(pilot, lambda: screen.use_cases, "Bandwidth's use cases")
        await freeze_sandbox(server)
        await submit_verification(pilot, screen)
        await advance_sandbox(server, 5.0)
        screen.action_next()
        await wait_until(
            pilot, lambda: screen.steps_done() and not screen._step_running, "VERIFIED"
        )
        await workers_idle(pilot)
        await steady(pilot)

    return Scene("ready-tfv-verified", app, run_before)


def ready_tfv_declined_scene(server: Any) -> Scene:
    """Ready to send, toll-free: declined (a webmail contact address, code 1101) with the
    reason, and the form back, filled in with what was sent, to fix and resubmit."""
    app = _toll_free_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        from wizard.tui.screens.ready import widget_id

        screen = await ready_page(pilot)
        await wait_until(pilot, lambda: screen.use_cases, "Bandwidth's use cases")
        screen.query_one(f"#{widget_id('businessContact.email')}", Input).value = WEBMAIL
        await freeze_sandbox(server)
        await submit_verification(pilot, screen)
        await advance_sandbox(server, 5.0)
        screen.action_next()  # Check again: the review has decided
        await wait_until(pilot, lambda: screen.tfv_state == "resubmit", "the decline")
        await workers_idle(pilot)
        await cursor_placed(pilot)
        screen.query_one("#step-body").scroll_home(animate=False)
        await steady(pilot)

    return Scene("ready-tfv-declined", app, run_before)


def send_blocked_scene(server: Any) -> Scene:
    """Send: the number went on unchecked (the credential lacks Campaign Management), so the
    send is refused before the POST with what to do, and "Send anyway" is offered."""
    from dataclasses import replace

    from tests.tui.scenes import LIMITED_CLIENT

    app = make_app(server, area_code="919", quantity=1, skip_readiness=True)
    conn, secrets = sandbox_conn(server)
    app.ctx.conn = replace(conn, client_id=LIMITED_CLIENT[0])
    app.ctx.secrets = replace(secrets, oauth_client_secret=LIMITED_CLIENT[1])

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.READY)
        screen = await goto(pilot, "send")
        screen.query_one("#to", Input).value = DELIVERED_TO
        await wait_until(pilot, lambda: screen.is_valid(), "the message form to be valid")
        screen.action_next()
        await wait_until(pilot, lambda: screen.blocked, "the send to be refused")
        await workers_idle(pilot)
        screen.query_one("#text", TextArea).focus()
        await steady(pilot)

    return Scene("send-blocked", app, run_before)


def order_toll_free_scene(server: Any) -> Scene:
    """Order numbers, toll-free chosen: the pattern, the trade-off, the numbers on offer."""
    app = make_app(server, toll_free_pattern=TOLL_FREE_PATTERN, quantity=1)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.ASSIGN)
        screen = await goto(pilot, "order")
        await wait_until(pilot, lambda: screen.available, "the numbers on offer")
        await workers_idle(pilot)
        await steady(pilot)

    return Scene("order-toll-free", app, run_before)


SCENES: dict[str, Callable[[Any], Scene]] = {
    "order": order_scene,
    "order-complete": order_complete_scene,
    "order-failed": order_failed_scene,
    "send-delivered": send_delivered_scene,
    "send-failed": send_failed_scene,
    "send-carrier-advice": carrier_advice_scene,
    "ready-campaigns": ready_campaigns_scene,
    "ready-assignment": ready_assignment_scene,
    "ready-tfv-form": ready_tfv_form_scene,
    "ready-tfv-pending": ready_tfv_pending_scene,
    "ready-tfv-verified": ready_tfv_verified_scene,
    "ready-tfv-declined": ready_tfv_declined_scene,
    "send-blocked": send_blocked_scene,
    "order-toll-free": order_toll_free_scene,
    "done": done_scene,
}
"""Scene name -> builder taking a running sandbox (reset it before building)."""
