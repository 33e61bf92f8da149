"""`POST /_sandbox/applications`: an application "made in the Bandwidth App", for tests.

Applications created in the Bandwidth App often carry a split configuration: an inbound and an
outbound callback URL, each with its own credentials, and no single `CallbackUrl`. A client that
reuses such an application must not silently replace it with one URL, and a test needs one to
exist without going through the API (which would record how it was made). Body (JSON):

    {"name": "Made in the App", "inbound_url": "https://a.example/in",
     "outbound_url": "https://a.example/out", "inbound_user": "in", "inbound_password": "...",
     "outbound_user": "out", "outbound_password": "...",
     "callback_types": ["message-delivered", "message-failed"], "location_id": "500101"}

Only `name` and one of the URLs are required; `location_id` also links it to that location
(which must have SMS on HTTP, as the Dashboard requires). Answers 201 with the application's id.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox.applications import CALLBACK_TYPES
from wizard.sandbox.responses import json_response
from wizard.sandbox.state import MAX_APPLICATIONS, Application, Creds, SandboxState

PATH = "/_sandbox/applications"


def _problem(description: str, status: int = 400) -> Response:
    return json_response({"error": description}, status)


def _creds(body: dict[str, Any], side: str) -> Creds | None:
    user, password = body.get(f"{side}_user"), body.get(f"{side}_password")
    if user is None and password is None:
        return None
    if not isinstance(user, str) or not isinstance(password, str) or not user or not password:
        raise ValueError(f"{side}_user and {side}_password go together, as non-empty strings.")
    return Creds(user_id=user, password=password)


def _url(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{key} must be an http(s) URL.")
    return value


async def seed_application(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return _problem("The body must be JSON.")
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"]:
        return _problem("name is required.")
    try:
        inbound, outbound = _url(body, "inbound_url"), _url(body, "outbound_url")
        inbound_creds, outbound_creds = _creds(body, "inbound"), _creds(body, "outbound")
    except ValueError as exc:
        return _problem(str(exc))
    if inbound is None and outbound is None:
        return _problem("inbound_url or outbound_url is required.")
    types = body.get("callback_types", list(CALLBACK_TYPES[:3]))
    if not isinstance(types, list) or any(t not in CALLBACK_TYPES for t in types):
        return _problem(f"callback_types must be a list of {', '.join(CALLBACK_TYPES)}.")
    location_id = body.get("location_id")
    with state.lock:
        if len(state.applications) >= MAX_APPLICATIONS:
            return _problem("Sandbox limit reached: too many applications.")
        location = state.locations.get(str(location_id)) if location_id is not None else None
        if location_id is not None and location is None:
            return _problem(f"There is no location {location_id}.", 404)
        if location is not None and (location.sms is None or location.sms.protocol != "HTTP"):
            return _problem(f"Location {location_id} has no SMS feature on HTTP.", 409)
        app = Application(
            id=state.ids.uuid(),
            service_type="Messaging-V2",
            name=body["name"],
            inbound_url=inbound,
            outbound_url=outbound,
            url_style="split",
            inbound_creds=inbound_creds,
            outbound_creds=outbound_creds,
            creds_style="split",
            requested_callback_types=list(types),
        )
        state.applications[app.id] = app
        if location is not None:
            location.application_id = app.id
    return json_response({"id": app.id, "application": app.public()}, 201)


ROUTES = [Route(PATH, seed_application, methods=["POST"])]
