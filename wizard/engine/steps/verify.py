"""Verify credentials: the API Credential signs in, and reads the account it will work on.

Nothing is created before this passes, so a typo never ends up half-provisioning an account. It
records what the credential may do (its roles), so every later step can say which role it
lacks, and it stops a Bandwidth Build trial here: that account is voice-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.core.errors import Kind, WizardError
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId


class Verify(Step):
    id = StepId.VERIFY
    title = "Verify credentials"
    why = (
        "Signs in with the API Credential and reads the account its token names, before "
        "anything is created."
    )
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
        from wizard.bandwidth.capabilities import assess_credential

        claims = engine.claims
        if claims is not None and claims.express:
            report = assess_credential(claims.roles, express=True)
            raise WizardError(
                "This API Credential belongs to a Bandwidth Build trial.",
                report.verdict or "",
                kind=Kind.FORBIDDEN,
            )
        account = await engine.dashboard.get_account()
        return {
            "account_id": account.id,
            "account_name": account.company_name,
            "roles": list(claims.roles) if claims is not None else [],
        }

    def summary(self, data: Mapping[str, Any]) -> str:
        name = data.get("account_name")
        return f"account {data.get('account_id')}" + (f" ({name})" if name else "")

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        return [
            PlannedRequest(
                "GET",
                plan.dashboard(),
                None,
                "Reads the account the token names: proof that the credential reaches it.",
            )
        ]


STEP = Verify()
