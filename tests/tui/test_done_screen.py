"""Pilot tests of the wizard's last screen against the real sandbox: reached from the Send page
once a message went, it writes the export files where it says, and points to the status report.

Every wait is on a condition the screen shows (bounded by a deadline), never a fixed sleep.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Button, Input, Static

from tests.tui.scenes import secret_values
from tests.tui.scenes_flow import DELIVERED_TO, drive_engine, goto, make_app, wait_until
from tests.tui.test_order_send_screens import SIZE, _send
from wizard.engine.step import StepId
from wizard.storage.export import FILE_NAMES
from wizard.tui.screens.done import DoneScreen
from wizard.tui.screens.status import StatusScreen

pytestmark = pytest.mark.timeout(60)


def _status_line(screen: DoneScreen) -> str:
    return str(screen.query_one("#done-status", Static).content)


async def _done_screen(pilot: Any, app: Any) -> DoneScreen:
    await drive_engine(pilot, StepId.READY)
    send = await goto(pilot, "send")
    finish = send.query_one("#finish", Button)
    assert not finish.display, "Finish before any message went"
    await _send(pilot, send, DELIVERED_TO)
    # Clickable once laid out where it is drawn, not merely shown.
    await wait_until(pilot, lambda: finish.display and finish.region.width, "the Finish button")
    await pilot.pause()
    await pilot.click("#finish")
    return await wait_until(
        pilot,
        lambda: app.screen if isinstance(app.screen, DoneScreen) and app.screen.ui_ready else None,
        "the last screen",
    )


async def test_finish_leads_to_export_and_status_then_back(sandbox: Any, tmp_path: Path) -> None:
    app = make_app(sandbox, area_code="919", quantity=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _done_screen(pilot, app)
        ctx = app.ctx
        application_id = ctx.data(StepId.APPLICATION)["application_id"]
        console = Console(width=200)
        with console.capture() as captured:
            console.print(screen.query_one("#summary", Static).content)
        shown = captured.get()
        assert application_id in shown
        assert "delivered" in shown.splitlines()[-1], "the last message's outcome"

        # Export: the files land in the directory typed, and the screen says where.
        out = tmp_path / "exported"
        screen.query_one("#export-dir", Input).value = str(out)
        await pilot.click("#done-export")
        await wait_until(pilot, lambda: _status_line(screen).startswith("✓"), "the export")
        assert str(out) in _status_line(screen)
        written = sorted(p.name for p in out.iterdir())
        assert written == sorted(FILE_NAMES.values())
        assert sorted(p.name for p in screen.exported) == written
        env = (out / FILE_NAMES["env"]).read_text()
        assert f"BW_MESSAGING_APPLICATION_ID='{application_id}'" in env.splitlines()
        assert stat.S_IMODE((out / FILE_NAMES["env"]).stat().st_mode) == 0o600
        for path in out.iterdir():
            text = path.read_text()
            leaked = [s for s in secret_values(sandbox) if s and s in text]
            assert not leaked, f"a secret in {path.name}"

        # Again into the same directory (by its key; a second click this soon is the button's
        # own debounce): the same content, so no clash.
        screen.set_status("")
        await pilot.press("ctrl+x")
        await wait_until(pilot, lambda: _status_line(screen).startswith(("✓", "✗")), "re-export")
        assert _status_line(screen).startswith("✓"), _status_line(screen)

        # A file of another content there: nothing overwritten, and the way out named.
        (out / FILE_NAMES["env"]).write_text("MINE=1\n")
        await pilot.press("ctrl+x")
        await wait_until(pilot, lambda: _status_line(screen).startswith("✗"), "the clash")
        assert "Choose another directory above" in _status_line(screen)
        assert (out / FILE_NAMES["env"]).read_text() == "MINE=1\n"

        # Status: the account's health report over this page; Escape comes back.
        await pilot.click("#done-status-button")
        await wait_until(pilot, lambda: isinstance(app.screen, StatusScreen), "the Status screen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back from Status")

        # Back: the Send page again, ready for the next message.
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen.id == "page-send", "the Send page")
