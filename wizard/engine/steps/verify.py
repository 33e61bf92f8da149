"""Verify credentials: the cheapest call that proves the credentials reach the account.

Nothing is created before this passes, so a typo never ends up half-provisioning an account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId


class Verify(Step):
    id = StepId.VERIFY
    title = "Verify credentials"
    why = "Checks that the account id and API credentials work before anything is created."
    page = "credentials"
    page_title = "Credentials"
    screen = "wizard.tui.screens.credentials:CredentialsScreen"
    shown_id = ("account_id", "account")

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        account = await engine.dashboard.get_account()
        return str(account.id) == str(recorded.get("account_id"))

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        account = await engine.dashboard.get_account()
        return {"account_id": account.id, "account_name": account.company_name}

    def summary(self, data: Mapping[str, Any]) -> str:
        name = data.get("account_name")
        return f"account {data.get('account_id')}" + (f" ({name})" if name else "")

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        return [
            PlannedRequest(
                "GET",
                plan.dashboard(),
                None,
                "Reads the account: the cheapest call that proves the credentials work.",
            )
        ]


STEP = Verify()
