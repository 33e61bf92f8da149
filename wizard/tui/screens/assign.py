"""Assign: link the application to the location, so its numbers report to the callback URL.

Without this PUT the numbers send nothing to the application, and the first message fails with
an application error; the guide makes it its own step, and so does the wizard.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from wizard.engine.step import StepId
from wizard.tui.screens.base import StepScreen


class AssignScreen(StepScreen):
    PAGE = "assign"
    NEXT_LABEL = "Assign application"

    def compose_body(self) -> ComposeResult:
        yield Static("", id="link", markup=False)

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        app = self.ctx.data(StepId.APPLICATION)
        location = self.ctx.data(StepId.LOCATION)
        self.query_one("#link", Static).update(
            f"Application  {app.get('application_name', '?')}\n"
            f"             id {app.get('application_id', '?')}\n"
            "   ↓ assigned to\n"
            f"Location     {location.get('location_name', '?')}\n"
            f"             id {location.get('location_id', '?')}, "
            f"sub-account {location.get('site_id', '?')}"
        )

    def is_valid(self) -> bool:
        return bool(
            self.ctx.data(StepId.APPLICATION).get("application_id")
            and self.ctx.data(StepId.LOCATION).get("location_id")
        )
