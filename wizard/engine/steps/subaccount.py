"""Sub-account: numbers and locations live in a sub-account (site); pick one or create one.

A new sub-account is looked up by name first, so a create whose answer was lost is found again
instead of made twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.bandwidth import xml as bwxml
from wizard.core.errors import Kind, WizardError
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId


class Subaccount(Step):
    id = StepId.SUBACCOUNT
    title = "Sub-account"
    why = "Numbers and locations live in a sub-account (site): pick one or create one."
    page = "subaccount"
    screen = "wizard.tui.screens.subaccount:SubaccountScreen"
    shown_id = ("site_id", "site")
    created = ("site_id",)

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        sites = await engine.dashboard.list_sites()
        return any(site.id == recorded.get("site_id") for site in sites)

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        sites = await engine.dashboard.list_sites()
        if inputs.site_id:
            for site in sites:
                if site.id == inputs.site_id:
                    return {"site_id": site.id, "site_name": site.name, "created": False}
            raise WizardError(
                f"Sub-account {inputs.site_id} is not on this account.",
                "Pick one of the account's sub-accounts, or create a new one.",
                kind=Kind.NOT_FOUND,
            )
        name = (inputs.new_site_name or "").strip()
        if not name:
            if len(sites) == 1:
                only = sites[0]
                return {"site_id": only.id, "site_name": only.name, "created": False}
            raise WizardError(
                "No sub-account was chosen.",
                "Pick one of the account's sub-accounts, or give a name to create one.",
                kind=Kind.VALIDATION,
            )
        for site in sites:
            if site.name == name:
                return {"site_id": site.id, "site_name": site.name, "created": False}
        site = await engine.dashboard.create_site(name, address=inputs.new_site_address or None)
        return {"site_id": site.id, "site_name": site.name, "created": True}

    def summary(self, data: Mapping[str, Any]) -> str:
        verb = "created" if data.get("created") else "using"
        return f"{verb} sub-account {data.get('site_id')} ({data.get('site_name')})"

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        inputs = plan.inputs
        if inputs.site_id or not inputs.new_site_name:
            return [
                PlannedRequest(
                    "GET",
                    plan.dashboard("sites"),
                    None,
                    "Lists the sub-accounts to confirm the choice; nothing is created.",
                )
            ]
        return [
            PlannedRequest(
                "POST",
                plan.dashboard("sites"),
                bwxml.site_xml(inputs.new_site_name, address=dict(inputs.new_site_address)),
                "Creates the sub-account (the wizard first checks no sub-account has this name).",
            )
        ]


STEP = Subaccount()
