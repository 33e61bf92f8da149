"""A run without a keyring that resumes an earlier one: the saved progress is shown before
Verify, a verify lands on the first unfinished step, and the callback password the earlier run
kept only in memory is known to be lost, said so, and fixed (new credentials for the
application, or the old password typed in), so the message's outcome does arrive.

Account mode against the sandbox: the progress file, the settings and the receiver are real;
only the keyring is Python keyring's `fail` backend, as on a machine without a Secret Service.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.widgets import Button, Input, Static

from tests.tui.scenes import SCENE_CAMPAIGN, wait_until
from wizard.callbacks.tracker import MessageTracker
from wizard.engine.step import StepId
from wizard.session.session import PasswordOrigin, Session
from wizard.tui.app import WizardApp
from wizard.tui.screens.send import CarrierAdviceScreen

pytestmark = pytest.mark.timeout(90)

SIZE = (110, 34)
DELIVERED_TO = "+19195550199"


def _session(server: Any, *, with_secret: bool) -> Session:
    """What `bw-wizard` builds at start: settings naming the credential and the account (as a
    first verify saves them), BW_API_URL pointing at the sandbox, the secret only in the
    environment of the first run (no keyring keeps it)."""
    identity = server.config.identity
    env = {"BW_API_URL": server.api_v2_url}
    if with_secret:
        env["BW_CLIENT_SECRET"] = identity.client_secret
    session = Session.for_account(
        overrides={"client_id": identity.client_id, "account_id": identity.account_id}, env=env
    )
    session.inputs.campaign_id = SCENE_CAMPAIGN
    return session


async def _first_run(server: Any) -> str:
    """Everything up to the order's numbers, then the wizard is closed: its callback password
    (made up at start-up, sent to Bandwidth with the application) goes with it."""
    app = WizardApp(_session(server, with_secret=True))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.ready and app.ctx.receiver_url, "start-up")
        ctx = app.ctx
        ctx.inputs.callback_url = ctx.receiver_url or ""
        await ctx.engine.run_all(ctx.inputs, until=StepId.WAIT_ORDER)
        assert ctx.callback_password_origin is PasswordOrigin.SENT
        assert not ctx.callback_password_lost
        return str(ctx.inputs.callback_password)


async def _verify_and_land(pilot: Any, server: Any) -> Any:
    """Welcome (saved progress shown before Verify), Credentials, Verify, then Next lands on
    the first unfinished step, not on the Sub-account page."""
    app: WizardApp = pilot.app
    await wait_until(pilot, lambda: app.ready and getattr(app.screen, "ui_ready", False), "up")
    notice = app.screen.query_one("#resume", Static)
    assert notice.region.y < app.screen.query_one("#plan").region.y  # first on the page
    resume = str(notice.content)
    assert "Saved progress for account 9900000: 8 of 10 steps" in resume
    assert "callback password was not kept" in resume
    assert str(app.screen.query_one("#next", Button).label) == "Verify to resume"
    await pilot.press("ctrl+n")
    screen = await wait_until(
        pilot, lambda: app.screen if app.screen.id == "page-credentials" else None, "credentials"
    )
    secret = server.config.identity.client_secret
    screen.query_one("#client-secret", Input).value = secret
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: app.ctx.is_done(StepId.WAIT_ORDER), "progress checked")
    await wait_until(pilot, lambda: not screen._step_running, "verify to finish")
    assert "Next: 9. Ready to send" in str(screen.query_one("#status", Static).content)
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: app.screen.id == "page-ready", "the first unfinished step")
    return app


async def _send_and_wait(pilot: Any, app: WizardApp) -> tuple[Any, str]:
    ctx = app.ctx
    await ctx.engine.run_step(StepId.READY, ctx.inputs)
    app.goto("send")
    send = await wait_until(
        pilot,
        lambda: app.screen if app.screen.id == "page-send" and app.screen.ui_ready else None,
        "the send page",
    )
    send.query_one("#to", Input).value = DELIVERED_TO
    await wait_until(pilot, lambda: send.is_valid(), "a valid form")
    send.action_next()
    await wait_until(pilot, lambda: isinstance(app.screen, CarrierAdviceScreen), "advice")
    await pilot.press("y")
    await wait_until(pilot, lambda: ctx.is_done(StepId.SEND), "the 202")
    return send, str(ctx.data(StepId.SEND)["last_message_id"])


async def test_new_credentials_make_the_outcome_arrive(sandbox: Any, no_keyring: None) -> None:
    await _first_run(sandbox)
    app = WizardApp(_session(sandbox, with_secret=False))
    async with app.run_test(size=SIZE) as pilot:
        await _verify_and_land(pilot, sandbox)
        ctx = app.ctx
        assert ctx.callback_password_lost
        app.goto("application")
        page = await wait_until(
            pilot,
            lambda: (
                app.screen
                if app.screen.id == "page-application" and app.screen.query("#lost-text")
                else None
            ),
            "the application page",
        )
        panel = page.query_one("#lost-password")
        await wait_until(pilot, lambda: panel.display, "the lost-password explanation")
        assert "not on this computer" in str(page.query_one("#lost-text", Static).content)
        assert panel.region.y < page.query_one("#form").region.y  # first, in view
        page.query_one("#renew-credentials", Button).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: not ctx.callback_password_lost, "new credentials")
        await wait_until(pilot, lambda: not panel.display, "the panel to go")
        assert ctx.data(StepId.APPLICATION)["credentials_sent"] is True
        send, message_id = await _send_and_wait(pilot, app)
        assert not send.query_one("#callback-trouble", Static).display
        await wait_until(
            pilot,
            lambda: (t := send.callback_log.timeline(message_id)) is not None and t.done,
            "message-delivered, accepted by the receiver",
        )
        assert send.callback_log.timeline(message_id).status == "delivered"


async def test_the_old_password_typed_in_works_too(sandbox: Any, no_keyring: None) -> None:
    old = await _first_run(sandbox)
    app = WizardApp(_session(sandbox, with_secret=False))
    async with app.run_test(size=SIZE) as pilot:
        await _verify_and_land(pilot, sandbox)
        ctx = app.ctx
        # A resumed Sub-account page names the sub-account; it shows no empty list.
        app.goto("subaccount")
        sites = await wait_until(
            pilot,
            lambda: (
                app.screen.query_one("#sites")
                if app.screen.id == "page-subaccount" and app.screen.ui_ready
                else None
            ),
            "the sub-account page",
        )
        assert not sites.display
        assert "using sub-account 10001" in str(app.screen.query_one("#done-panel", Static).content)
        app.goto("application")
        page = await wait_until(
            pilot,
            lambda: (
                app.screen
                if app.screen.id == "page-application" and app.screen.query("#lost-text")
                else None
            ),
            "the application page",
        )
        await wait_until(pilot, lambda: page.query_one("#lost-password").display, "the panel")
        typed = page.query_one("#old-callback-password", Input)
        typed.value = old
        typed.focus()
        await pilot.press("enter")  # Enter in the field uses it, as the button does
        await wait_until(
            pilot, lambda: ctx.callback_password_origin is PasswordOrigin.TYPED, "the typed one"
        )
        assert ctx.receiver.accepts("bw-wizard", old)
        send, message_id = await _send_and_wait(pilot, app)
        await wait_until(
            pilot,
            lambda: (t := send.callback_log.timeline(message_id)) is not None and t.done,
            "message-delivered",
        )


async def test_unfixed_the_send_page_warns_and_explains_the_wait(
    sandbox: Any, no_keyring: None
) -> None:
    await _first_run(sandbox)
    app = WizardApp(_session(sandbox, with_secret=False))
    now = [1000.0]
    app.ctx.tracker = MessageTracker(clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await _verify_and_land(pilot, sandbox)
        send, message_id = await _send_and_wait(pilot, app)
        trouble = send.query_one("#callback-trouble", Static)
        assert trouble.display and "Callbacks will be refused" in str(trouble.content)
        receiver = app.ctx.receiver
        await wait_until(pilot, lambda: receiver.refused_credentials > 0, "a refused callback")
        send.check_waiting()
        assert send.callback_log.wait_text == ""  # within Bandwidth's usual seconds
        now[0] += 40
        send.check_waiting()
        await asyncio.sleep(0)
        note = send.callback_log.wait_text
        assert f"No callback yet after 40 s for {message_id}" in note
        assert "credentials do not match" in note
