"""Location: a location (SIP peer) groups phone numbers inside the sub-account.

Found by name before it is created, so a rerun never makes a second one (Bandwidth refuses a
duplicate PeerName with 409 anyway).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.bandwidth import xml as bwxml
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId


class Location(Step):
    id = StepId.LOCATION
    title = "Location"
    why = "A location (SIP peer) groups phone numbers inside the sub-account."
    page = "location"
    screen = "wizard.tui.screens.location:LocationScreen"
    shown_id = ("location_id", "location")
    created = ("location_id",)

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        location = await engine.dashboard.get_location(recorded["site_id"], recorded["location_id"])
        return location.id == recorded["location_id"]

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        site_id = engine.data(StepId.SUBACCOUNT)["site_id"]
        name = inputs.location_name.strip()
        existing = await engine.dashboard.find_location_by_name(site_id, name)
        created = existing is None
        location = existing or await engine.dashboard.create_location(
            site_id, name, is_default=inputs.default_location
        )
        return {
            "site_id": site_id,
            "location_id": location.id,
            "location_name": location.name,
            "created": created,
        }

    def summary(self, data: Mapping[str, Any]) -> str:
        verb = "created" if data.get("created") else "reusing"
        return f"{verb} location {data.get('location_id')} ({data.get('location_name')})"

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        site_id = str(plan.recorded(StepId.SUBACCOUNT).get("site_id") or "{subaccount}")
        url = plan.dashboard("sites", site_id, "sippeers")
        name = plan.inputs.location_name.strip()
        if plan.found.get("location") is not None:
            return [PlannedRequest("GET", url, None, f"Finds “{name}” and reuses it.")]
        return [
            PlannedRequest(
                "POST",
                url,
                bwxml.location_xml(name, plan.inputs.default_location),
                "The answer has no body: the new id is the last part of its Location header.",
            )
        ]


def recorded_location(engine: StepContext) -> tuple[str, str]:
    """(site id, location id) of the location step: what every later step works on."""
    recorded = engine.data(StepId.LOCATION)
    return recorded["site_id"], recorded["location_id"]


def planned_location(plan: Plan) -> tuple[str, str]:
    """The same for a preview, with placeholders while the location is not created yet."""
    recorded = plan.recorded(StepId.LOCATION)
    return (
        str(recorded.get("site_id") or "{subaccount}"),
        str(recorded.get("location_id") or "{location}"),
    )


STEP = Location()
