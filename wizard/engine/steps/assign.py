"""Assign the application: link it to the location, so its numbers report to the callback URL.

Without this PUT the numbers send nothing to the application, and the first message fails with
an application error; the guide makes it its own step, and so does the wizard.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.bandwidth import xml as bwxml
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId
from wizard.engine.steps.location import planned_location, recorded_location


class Assign(Step):
    id = StepId.ASSIGN
    title = "Assign application"
    why = "Links the application to the location, so its numbers report to your callback URL."
    page = "assign"
    screen = "wizard.tui.screens.assign:AssignScreen"
    shown_id = ("application_id", "app")

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        assigned = await engine.dashboard.get_application_settings(*recorded_location(engine))
        return assigned == recorded.get("application_id")

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        site_id, location_id = recorded_location(engine)
        application_id = engine.data(StepId.APPLICATION)["application_id"]
        await engine.dashboard.assign_application(site_id, location_id, application_id)
        return {"site_id": site_id, "location_id": location_id, "application_id": application_id}

    def summary(self, data: Mapping[str, Any]) -> str:
        return f"application {data.get('application_id')} assigned to the location"

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        app_id = str(plan.recorded(StepId.APPLICATION).get("application_id") or "{applicationId}")
        url = plan.location(*planned_location(plan), "products", "messaging", "applicationSettings")
        return [
            PlannedRequest(
                "PUT",
                url,
                bwxml.application_settings_xml(app_id),
                "Safe to repeat: assigning the same application again changes nothing.",
            )
        ]


STEP = Assign()
