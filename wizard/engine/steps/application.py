"""Application: the name, the callback URL every message event goes to, and its credentials.

The guide's first request. An application with the same name is found first and reused: a POST
whose answer was lost must not leave a second application behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.bandwidth import xml as bwxml
from wizard.core.errors import Kind, WizardError
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId


class Application(Step):
    id = StepId.APPLICATION
    title = "Application"
    why = "The application holds the URL Bandwidth sends every message event to."
    page = "application"
    screen = "wizard.tui.screens.application:ApplicationScreen"
    shown_id = ("application_id", "app")
    created = ("application_id",)

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        app = await engine.dashboard.get_application(recorded["application_id"])
        return app.id == recorded["application_id"]

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        name = inputs.application_name.strip()
        existing = await engine.dashboard.find_application_by_name(name)
        if existing is not None:
            if existing.is_split and not inputs.replace_split_callbacks:
                raise WizardError(
                    f"The application “{name}” (id {existing.id}) sends received messages to "
                    f"{existing.inbound_callback_url or '(none)'} and delivery reports to "
                    f"{existing.outbound_callback_url or '(none)'}; reusing it would replace "
                    "both with one URL.",
                    "Confirm the replacement on the Application step (apply: set [application] "
                    "replace_split = true), or choose another name to create a new application.",
                    kind=Kind.CONFLICT,
                )
            if inputs.callback_url and existing.status_callback_url != inputs.callback_url:
                existing = await engine.dashboard.update_application(
                    existing.id,
                    name=name,
                    callback_url=inputs.callback_url,
                    callback_user=inputs.callback_user,
                    callback_password=inputs.callback_password,
                )
            return _record(existing, created=False, user=inputs.callback_user)
        app = await engine.dashboard.create_application(
            name,
            inputs.callback_url,
            callback_user=inputs.callback_user,
            callback_password=inputs.callback_password,
        )
        return _record(app, created=True, user=inputs.callback_user)

    def summary(self, data: Mapping[str, Any]) -> str:
        verb = "created" if data.get("created") else "reusing"
        return f"{verb} application {data.get('application_id')}"

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        inputs = plan.inputs
        name = inputs.application_name.strip()
        url = inputs.callback_url.strip()
        body = bwxml.mask_passwords(
            bwxml.application_xml(
                name, url, inputs.callback_user or None, inputs.callback_password or None
            )
        )
        apps_url = plan.dashboard("applications")
        app = plan.found.get("application")
        if app is not None:
            if url and app.status_callback_url != url:
                return [
                    PlannedRequest(
                        "PUT",
                        f"{apps_url}/{app.id}",
                        body,
                        "Updates the existing application's callback URL and credentials.",
                    )
                ]
            return [
                PlannedRequest(
                    "GET", apps_url, None, f"Finds “{name}” and reuses it: nothing is created."
                )
            ]
        return [
            PlannedRequest(
                "POST",
                apps_url,
                body,
                "Save the ApplicationId from the answer: the wizard records it for you.",
            )
        ]


def _record(app: Any, *, created: bool, user: str | None) -> dict[str, Any]:
    """What later steps, `export` and `teardown` need: the id, the callback URL and user (the
    name only: the password stays in the keyring), and whether the wizard created it."""
    return {
        "application_id": app.id,
        "application_name": app.name,
        "callback_url": app.status_callback_url,
        "callback_user": getattr(app, "callback_user", None) or user,
        "created": created,
    }


STEP = Application()
