"""The terminal's size: below the supported minimum one notice instead of a half-drawn step, a
sidebar that steps aside on narrow terminals (and F9 to show or hide it), and a send page whose
segment counter and event log both fit at 80x24."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import Static

from tests.tui.scenes import goto, make_app, started, wait_until
from tests.tui.scenes_flow import send_blocked_scene, send_delivered_scene
from wizard.engine.step import StepId

pytestmark = pytest.mark.timeout(60)


def _inside(inner: Widget, outer: Widget) -> bool:
    a, b = inner.region, outer.region
    return bool(a.height) and a.y >= b.y and a.bottom <= b.bottom


async def test_too_small_says_so_and_the_sidebar_steps_aside(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(60, 20)) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        notice = screen.query_one("#too-small", Static)
        main = screen.query_one("#main")
        await wait_until(pilot, lambda: notice.region.height > 0, "the notice")
        assert "Terminal too small: 60x20" in str(notice.content)
        assert "at least 80 columns and 24 rows" in str(notice.content)
        assert not main.region.height  # no half-drawn form with Next off-screen
        await pilot.press("ctrl+n")  # nothing runs unseen
        await pilot.pause()
        assert not screen._step_running and not app.ctx.is_done(StepId.VERIFY)

        sidebar = screen.query_one("#sidebar")
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: main.region.height > 0, "the step back")
        assert not notice.region.height
        assert not sidebar.region.width  # narrow: the form gets the columns
        assert screen.query_one("#next").region.bottom <= 24

        await pilot.press("f9")
        await wait_until(pilot, lambda: sidebar.region.width > 0, "F9 shows the sidebar")
        await pilot.resize_terminal(160, 48)
        await pilot.press("f9")
        await wait_until(pilot, lambda: not sidebar.region.width, "F9 hides it, any width")


async def test_wide_terminal_shows_the_sidebar(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        assert screen.query_one("#sidebar").region.width > 0
        assert not screen.query_one("#too-small").region.height


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_send_page_counter_and_log_fit(sandbox: Any, size: tuple[int, int]) -> None:
    scene = send_delivered_scene(sandbox)
    async with scene.app.run_test(size=size) as pilot:
        await scene.run_before(pilot)
        screen = scene.app.screen
        body = screen.query_one("#step-body")
        counter = screen.query_one("#text-count")
        log = screen.query_one("#callbacks")
        assert _inside(counter, body), f"the segment counter is cut off: {counter.region}"
        assert screen.query_one("#buttons").region.bottom <= size[1] - 1
        card = log.query(".callback-card").last()
        assert _inside(card, log), "the latest message's outcome is in view"
        if size[1] >= 48:
            assert log.region.height >= 20  # room for every destination of a group send


@pytest.mark.parametrize("size", [(80, 24), (110, 34)])
async def test_a_refused_send_keeps_send_anyway_on_screen(
    sandbox: Any, size: tuple[int, int]
) -> None:
    """With the refusal's panel shown, the form, the log and the panel share the page: the
    status line and the buttons, "Send anyway" among them, stay where a person can reach them."""
    scene = send_blocked_scene(sandbox)
    async with scene.app.run_test(size=size) as pilot:
        await scene.run_before(pilot)
        screen = scene.app.screen
        anyway = screen.query_one("#send-anyway")
        assert anyway.display
        assert anyway.region.height and anyway.region.bottom <= size[1] - 1, anyway.region
        assert screen.query_one("#error-panel").region.height
        assert screen.query_one("#status").region.bottom <= size[1] - 1
