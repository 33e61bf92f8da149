"""The Status screen against the sandbox: opened by F2 and by the command palette, never a step;
the real callback probe against the wizard's own receiver; problems with their fixes; a report
that cannot run; Escape back to where it was opened.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Static

from tests.callbacks.helpers import ThreadedReceiver
from tests.status.helpers import (
    CALLBACK_PASSWORD,
    CALLBACK_USER,
    app_made_elsewhere,
    location_with_sms,
    ready_account,
)
from tests.tui.scenes import make_app, started, wait_until
from tests.tui.scenes_status import PLACEHOLDER_URL, open_status
from wizard.engine.registry import PAGES
from wizard.session.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.screens.status import StatusScreen
from wizard.tui.screens.welcome import WelcomeScreen

pytestmark = pytest.mark.timeout(60)

SIZE = (110, 34)


def shown(screen: StatusScreen, widget_id: str) -> str:
    """The text a widget shows, tables included (as a terminal 100 columns wide draws them)."""
    content = screen.query_one(f"#{widget_id}", Static).content
    console = Console(width=100, record=True, color_system=None)
    with console.capture() as capture:
        console.print(content)
    return capture.get()


def test_the_status_screen_is_not_a_step() -> None:
    assert all(page.key != "status" for page in PAGES)
    assert all(page.screen != "wizard.tui.screens.status:StatusScreen" for page in PAGES)


async def test_f2_shows_a_healthy_account_probed_for_real_and_escape_goes_back(
    sandbox: Any, tmp_path: Path
) -> None:
    with ThreadedReceiver(
        username=CALLBACK_USER, password=CALLBACK_PASSWORD, log_path=tmp_path / "log.jsonl"
    ) as receiver:
        await asyncio.to_thread(ready_account, sandbox, receiver.url)
        app = make_app(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_status(pilot)
            report = screen.report
            assert report is not None and screen.error is None
            assert report.healthy, [v.message for v in report.verdicts]
            (application,) = report.applications
            (callback,) = application.callbacks
            assert callback.ok and callback.probe is not None
            assert callback.probe["status"] == 401 and callback.probe["challenge"] == "Basic"
            assert "Healthy: nothing to fix." in shown(screen, "status-verdicts")
            assert "1 ready to send" in shown(screen, "status-summary")
            assert not screen.query_one("#status-progress").display
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "Welcome")
        assert receiver.receiver is not None and not list(receiver.receiver.history)


async def test_the_palette_opens_it_and_shows_each_problem_with_its_fix(sandbox: Any) -> None:
    app_made_elsewhere(sandbox, PLACEHOLDER_URL, location_with_sms(sandbox, "by hand"))
    app = make_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Account status")
        await pilot.press("enter")
        screen: StatusScreen = await wait_until(
            pilot,
            lambda: app.screen if isinstance(app.screen, StatusScreen) else None,
            "the Status screen",
        )
        await wait_until(pilot, lambda: not screen.running, "the status report")
        await pilot.pause()
        report = screen.report
        assert report is not None and not report.healthy
        text = shown(screen, "status-verdicts")
        assert PLACEHOLDER_URL in text and "is a placeholder" in text
        assert text.count("fix: ") == len(report.verdicts)
        assert "✗" in text
        # A second F2 does not stack a second Status screen.
        await pilot.press("f2")
        await pilot.pause()
        assert sum(isinstance(s, StatusScreen) for s in app.screen_stack) == 1


async def test_a_report_that_cannot_run_says_why_and_can_be_retried(sandbox: Any) -> None:
    app = WizardApp(Session(sandbox=False))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.ready, "the app to start")
        app.open_status()
        screen: StatusScreen = await wait_until(
            pilot,
            lambda: app.screen if isinstance(app.screen, StatusScreen) else None,
            "the Status screen",
        )
        await wait_until(pilot, lambda: screen.error is not None, "the error")
        await pilot.pause()
        assert screen.report is None
        assert "Status could not run" in shown(screen, "status-error")
        assert "API Credential" in (screen.error or "")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.error is not None and not screen.running, "again")
