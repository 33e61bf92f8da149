"""One name for each thing, wherever it is shown: pages as the sidebar numbers them, phone
numbers as +1 919-526-7313, request counts that cannot be read as a country code, and a preview
that says where a sandbox request really goes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.widgets import OptionList

from tests.tui.scenes import TERMINAL_SIZE, drive_engine, goto, make_app
from wizard.engine.plan import PlannedRequest
from wizard.engine.registry import PAGES
from wizard.engine.step import StepId
from wizard.tui.app import WizardCommands
from wizard.tui.widgets.request_preview import RequestPreview
from wizard.tui.widgets.sidebar import recorded_line

pytestmark = pytest.mark.timeout(60)


async def test_palette_names_the_steps_as_the_sidebar_does(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await drive_engine(pilot, StepId.ASSIGN)
        screen = await goto(pilot, "credentials")
        sidebar = screen.query_one("#sidebar", OptionList)
        rows = [str(option.prompt).splitlines()[0][2:] for option in sidebar.options]
        palette = WizardCommands(screen)
        titles = [title for title, _, _ in palette._commands() if title.startswith("Go to")]
        reachable = [page for page in PAGES if page.key in app.reachable_pages()]
        assert titles == [f"Go to step: {page.label}" for page in reachable]
        assert all(page.label in rows for page in reachable)
        assert "Go to step: 3. Application" in titles


def test_numbers_in_the_sidebar_read_as_everywhere_else() -> None:
    one = recorded_line(StepId.WAIT_ORDER, {"numbers": ["9195267313"]})
    assert one == "+1 919-526-7313"
    two = recorded_line(StepId.WAIT_ORDER, {"numbers": ["9195267313", "9195267314"]})
    assert two == "+1 919-526-7313 (of 2)"
    assert " +1" not in two.removeprefix("+1")


async def test_preview_header_never_reads_like_a_phone_number() -> None:
    from textual.app import App, ComposeResult

    class Harness(App[None]):
        def compose(self) -> ComposeResult:
            yield RequestPreview()

    app = Harness()
    async with app.run_test(size=(100, 20)):
        preview = app.query_one(RequestPreview)
        base = "https://api.bandwidth.com/api/v2/accounts/9900000"
        preview.show(
            [
                PlannedRequest("GET", f"{base}/availableNumbers?areaCode=919"),
                PlannedRequest("POST", f"{base}/orders", "<Order/>"),
            ]
        )
        assert preview.title == "Request: GET …/availableNumbers (and 1 more)"
        preview.show([PlannedRequest("POST", f"{base}/orders", "<Order/>")])
        assert preview.title == "Request: POST …/orders"


def _preview_text(screen: Any) -> str:
    import io

    from rich.console import Console

    from wizard.tui.widgets.request_preview import render_requests

    preview = screen.query_one(RequestPreview)
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(render_requests(preview.requests, screen.auth_line(), sandbox=screen.ctx.sandbox))
    return console.export_text()


async def test_sandbox_preview_says_where_the_request_really_goes(sandbox: Any) -> None:
    """Bandwidth's host is shown (what the guide teaches, and no random port in pictures), with a
    line saying the local sandbox stands in for it; an account's preview has no such line."""
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await drive_engine(pilot, StepId.SUBACCOUNT)
        screen = await goto(pilot, "application")
        await pilot.app.workers.wait_for_complete()
        text = _preview_text(screen)
        assert "POST https://api.bandwidth.com/api/v2/accounts/" in text
        assert "Sent to the local sandbox, which stands in for api.bandwidth.com." in text
        port = str(sandbox.port)
        assert port not in text
        screen.ctx.sandbox = False  # an account: the host shown is where it goes
        screen.refresh_state()
        await asyncio.sleep(0)
        assert "local sandbox" not in _preview_text(screen)
