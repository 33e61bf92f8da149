"""Enable SMS: Messaging 2.0 needs SMS switched on for the location, over HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.bandwidth import xml as bwxml
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId
from wizard.engine.steps.location import planned_location, recorded_location


class Sms(Step):
    id = StepId.SMS
    title = "Enable SMS"
    why = "Messaging 2.0 needs SMS switched on for the location, over HTTP."
    page = "features"
    page_title = "Messaging features"
    screen = "wizard.tui.screens.features:FeaturesScreen"

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        sms = await engine.dashboard.get_sms(*recorded_location(engine))
        return sms is not None and sms.is_http and sms.zones[0]

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        site_id, location_id = recorded_location(engine)
        sms = await engine.dashboard.enable_sms(
            site_id, location_id, toll_free=inputs.toll_free, short_code=inputs.short_code
        )
        return {
            "site_id": site_id,
            "location_id": location_id,
            "toll_free": sms.toll_free,
            "short_code": sms.short_code,
            "proxy_peer_id": sms.proxy_peer_id,
        }

    def summary(self, data: Mapping[str, Any]) -> str:
        proxy = data.get("proxy_peer_id")
        picked = f" (proxy peer {proxy}, picked by Bandwidth)" if proxy else ""
        return "SMS enabled over HTTP" + picked

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        url = plan.location(*planned_location(plan), "products", "messaging", "features", "sms")
        body = bwxml.sms_feature_xml(
            toll_free=plan.inputs.toll_free, short_code=plan.inputs.short_code
        )
        return [PlannedRequest("POST", url, body, "Enables SMS over HTTP.")]


STEP = Sms()
