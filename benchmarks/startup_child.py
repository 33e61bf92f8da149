"""One start-up run, in a fresh process: `python benchmarks/startup_child.py bare|wizard|screens`.

Imports only what its side needs, so the process measures exactly one app's start-up. Both
sides run `App.run(headless=True, auto_pilot=...)`; the auto-pilot waits until the first screen
is ready (for the wizard: start-up finished, so Start is enabled), lets it go idle, and exits.
The last stdout line is `BENCH {json}` with wall-clock marks the parent turns into phases.

`screens` is a diagnostic, never the measured figure: the wizard's same App and first screen
over a context with nothing to start (no sandbox, receiver or engine), which separates what the
screens cost from what the start-up work costs.
"""

from __future__ import annotations

import time

STARTED = time.time()

import json  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

READY_DEADLINE = 30.0
marks: dict[str, Any] = {"started": STARTED}


def mark(name: str) -> None:
    marks[name] = time.time()


def run_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Input

    class BareApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Input(placeholder="Account id")
            yield Footer()

    mark("imported")

    async def pilot(driver: Any) -> None:
        mark("first_screen")
        mark("ready")
        await driver.pause()
        mark("idle")
        marks["screen"] = type(driver.app.screen).__name__
        driver.app.exit()

    BareApp().run(headless=True, auto_pilot=pilot)


def run_wizard(*, start_work: bool = True) -> None:
    # What `bw-wizard --sandbox` does (wizard.cli.main, then wizard.tui.launch.run_tui), minus
    # the terminal and the human: the same parser, collector settings, context and App.
    from wizard.cli import build_parser, freeze_for_exit, quiet_collector

    args = build_parser().parse_args(["--sandbox"])
    quiet_collector()
    from wizard.tui.launch import build_session

    ctx = build_session(args)
    if not start_work:
        ctx.start_sandbox = False
        ctx.start_receiver = False
    from wizard.tui.app import WizardApp

    app = WizardApp(ctx)
    mark("imported")

    async def pilot(driver: Any) -> None:
        import asyncio

        mark("first_screen")
        deadline = time.monotonic() + READY_DEADLINE
        # A plain sleep: `driver.pause()` would walk every widget and force a screen update on
        # each poll, work the bare side (one pause, below) never does and a user never causes.
        while not app.ready and app.startup_error is None and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        mark("ready")
        await driver.pause()
        mark("idle")
        marks["screen"] = type(app.screen).__name__
        marks["ready_ok"] = bool(app.ready)
        marks["error"] = app.startup_error
        app.exit()

    app.run(headless=True, auto_pilot=pilot)
    freeze_for_exit()


def main(argv: list[str]) -> int:
    side = argv[1] if len(argv) > 1 else ""
    if side == "bare":
        run_bare()
    elif side == "wizard":
        run_wizard()
    elif side == "screens":
        run_wizard(start_work=False)
    else:
        print("usage: startup_child.py bare|wizard|screens", file=sys.stderr)
        return 2
    mark("exited_app")
    print("BENCH " + json.dumps(marks), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
