"""Enable MMS: lets the numbers send and receive pictures; Bandwidth wants SMS on first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.bandwidth import xml as bwxml
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId
from wizard.engine.steps.location import planned_location, recorded_location


class Mms(Step):
    id = StepId.MMS
    title = "Enable MMS"
    why = "MMS lets the numbers send and receive pictures and other media."
    page = "features"
    page_title = "Messaging features"
    screen = "wizard.tui.screens.features:FeaturesScreen"

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        mms = await engine.dashboard.get_mms(*recorded_location(engine))
        return mms is not None and mms.is_http

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        site_id, location_id = recorded_location(engine)
        mms = await engine.dashboard.enable_mms(site_id, location_id)
        return {
            "site_id": site_id,
            "location_id": location_id,
            "proxy_peer_id": mms.proxy_peer_id,
        }

    def summary(self, data: Mapping[str, Any]) -> str:
        return "MMS enabled over HTTP"

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        url = plan.location(*planned_location(plan), "products", "messaging", "features", "mms")
        return [PlannedRequest("POST", url, bwxml.mms_feature_xml(), "Enables MMS (after SMS).")]


STEP = Mms()
