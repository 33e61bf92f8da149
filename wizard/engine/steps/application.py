"""Application: the name, the callback URL every message event goes to, and its credentials.

The guide's first request. An application with the same name is found first and reused: a POST
whose answer was lost must not leave a second application behind.

What is recorded says whether Bandwidth got callback credentials from this step and for which
user: Bandwidth never returns the password, so a later run that has lost it (no keyring, no
BW_CALLBACK_PASSWORD) can tell that its receiver would refuse every callback, and
`renew_callback_credentials` gives the application new ones.
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
                return _record(existing, created=False, sent=_sent(inputs))
            return _record(existing, created=False, sent=None)
        app = await engine.dashboard.create_application(
            name,
            inputs.callback_url,
            callback_user=inputs.callback_user,
            callback_password=inputs.callback_password,
        )
        return _record(app, created=True, sent=_sent(inputs))

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


def _sent(inputs: SetupInputs) -> str | None:
    """The callback user whose password this step sent, or None when it sent none."""
    return inputs.callback_user if inputs.callback_user and inputs.callback_password else None


def _record(app: Any, *, created: bool, sent: str | None) -> dict[str, Any]:
    """What later steps, `export` and `teardown` need: the id, the callback URL and user (the
    name only: the password stays in the keyring), whether this run sent that user's password,
    and whether the wizard created the application."""
    return {
        "application_id": app.id,
        "application_name": app.name,
        "callback_url": app.status_callback_url,
        "created": created,
        "callback_user": sent or app.callback_user or None,
        "credentials_sent": sent is not None,
    }


async def renew_callback_credentials(
    engine: StepContext, user: str, password: str
) -> dict[str, Any]:
    """Give the recorded application new callback credentials (a PUT keeping its name and
    callback URL) and record them; what to do when the old password is lost.

    Refused for an application with separate inbound and outbound URLs: one PUT would replace
    both, which the Application step only does when a person said so.
    """
    recorded = dict(engine.data(StepId.APPLICATION))
    app = await engine.dashboard.get_application(str(recorded["application_id"]))
    if app.is_split:
        raise WizardError(
            f"The application “{app.name}” (id {app.id}) has separate inbound and outbound "
            "callback URLs; new credentials through one PUT would replace both URLs.",
            "Set the callback credentials in the Bandwidth App instead, or choose another "
            "application on the Application step.",
            kind=Kind.CONFLICT,
        )
    url = app.status_callback_url or str(recorded.get("callback_url") or "")
    updated = await engine.dashboard.update_application(
        app.id, name=app.name, callback_url=url, callback_user=user, callback_password=password
    )
    data = {
        **recorded,
        "application_name": updated.name or app.name,
        "callback_url": updated.status_callback_url or url,
        "callback_user": user,
        "credentials_sent": True,
    }
    engine.save(StepId.APPLICATION, data)
    return data


STEP = Application()
