"""Assign: link the application to the location, so its numbers report to the callback URL.

Without this PUT the numbers send nothing to the application, and the first message fails with
an application error; the guide makes it its own step, and so does the wizard.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.widgets import Static

from wizard.bandwidth import xml as bwxml
from wizard.steps import StepId
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.request_preview import PlannedRequest, location_url


class AssignScreen(StepScreen):
    PAGE = "assign"
    STEPS: ClassVar = (StepId.ASSIGN,)
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

    def planned_requests(self) -> list[PlannedRequest]:
        conn = self.ctx.conn
        if conn is None:
            return []
        location = self.ctx.data(StepId.LOCATION)
        app_id = str(self.ctx.data(StepId.APPLICATION).get("application_id") or "{applicationId}")
        url = location_url(
            conn.dashboard_url,
            conn.account_id,
            str(location.get("site_id") or "{subaccount}"),
            str(location.get("location_id") or "{location}"),
            "products",
            "messaging",
            "applicationSettings",
        )
        return [
            PlannedRequest(
                "PUT",
                self.ctx.public_url(url),
                bwxml.application_settings_xml(app_id),
                "Safe to repeat: assigning the same application again changes nothing.",
            )
        ]
