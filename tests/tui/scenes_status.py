"""Scenes for the Status screen, shared by the snapshot tests and `make screenshots`.

The account is built on the sandbox the way the status tests build it: the wizard's own setup
through its engine, then what breaks a setup made by hand (a location with numbers and no SMS,
an application whose callback URL is a placeholder, a failed message). The screen is opened
with F2 over the Welcome page, as a user would.

Determinism: the sandbox is reset to its seed before each scene (ids repeat). The one thing
that would differ between runs is the callback probe's answer from the wizard's receiver, whose
port is random; these scenes give the screen a probe that answers as that receiver does (401
with a Basic challenge), and the status tests probe a real receiver instead. Placeholder URLs
are never probed at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tests.status.helpers import (
    app_made_elsewhere,
    failed_listed,
    location_with_sms,
    location_without_sms,
    ready_account,
    wait_for,
)
from tests.tui.scenes import SCENE_RECEIVER_URL, Scene, make_app, started, wait_until
from wizard.callbacks.probe import ProbeResult
from wizard.engine.step import StepId
from wizard.tui.screens.status import StatusScreen

PLACEHOLDER_URL = "https://example.com/bandwidth/callbacks"


async def answers_the_challenge(url: str) -> ProbeResult:
    """What the wizard's receiver answers an unauthenticated POST."""
    return ProbeResult(url, status=401, challenge="Basic", seconds=0.004)


async def open_status(pilot: Pilot[Any]) -> StatusScreen:
    """F2 from the first page, then wait for the finished report."""
    app = await started(pilot)
    await pilot.press("f2")
    screen: StatusScreen = await wait_until(
        pilot,
        lambda: app.screen if isinstance(app.screen, StatusScreen) else None,
        "the Status screen",
    )
    await wait_until(pilot, lambda: not screen.running, "the status report")
    await pilot.pause()
    return screen


def _with_probe(app: Any) -> Any:
    """Give the Status screen F2 opens the scene's probe."""
    app.status_probe = answers_the_challenge
    return app


def status_healthy_scene(server: Any) -> Scene:
    """Status of the wizard's finished setup: every area found as it should be."""
    ready_account(server, SCENE_RECEIVER_URL)
    app = _with_probe(make_app(server))

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_status(pilot)

    return Scene("status-healthy", app, run_before)


def status_problems_scene(server: Any) -> Scene:
    """Status of an account with problems: each on one line with its fix under it."""
    ready_account(server, SCENE_RECEIVER_URL, until=StepId.SEND)
    wait_for(lambda: failed_listed(server), 10, "the failed message in List Messages")
    location_without_sms(server)
    app_made_elsewhere(server, PLACEHOLDER_URL, location_with_sms(server, "made elsewhere"))
    app = _with_probe(make_app(server))

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_status(pilot)

    return Scene("status-problems", app, run_before)


SCENES: dict[str, Callable[[Any], Scene]] = {
    "status-healthy": status_healthy_scene,
    "status-problems": status_problems_scene,
}
"""Scene name -> builder taking a running sandbox (reset it before building)."""
