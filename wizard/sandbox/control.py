"""The sandbox-only control API under /_sandbox/ (JSON, no credentials): look at everything held,
reset to the seeded start, inject faults, change behaviour at run time, simulate inbound texts.

It is how tests arrange and inspect the other side of the wire; it does not exist on Bandwidth.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox.callbacks import CallbackDispatcher, received_event
from wizard.sandbox.config import RUNTIME_FIELDS, runtime_view
from wizard.sandbox.faults import Fault
from wizard.sandbox.messaging import normalize_number
from wizard.sandbox.responses import json_response
from wizard.sandbox.state import SandboxState

PREFIX = "/_sandbox"


def _parts(request: Request) -> tuple[SandboxState, CallbackDispatcher]:
    return request.app.state.sandbox, request.app.state.dispatcher


def _problem(status: int, description: str) -> Response:
    return json_response({"error": description}, status)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    return json.loads(raw)


async def index(request: Request) -> Response:
    return json_response(
        {
            "endpoints": {
                f"GET {PREFIX}/state": "everything the sandbox holds",
                f"POST {PREFIX}/reset": "back to the seeded start; faults and config reset",
                f"GET|POST|DELETE {PREFIX}/faults": "list, add or clear injected faults",
                f"GET|POST {PREFIX}/config": "read or change run-time behaviour",
                f"POST {PREFIX}/inbound": "simulate a text sent to one of the account's numbers",
                f"GET|POST {PREFIX}/clock": "read, freeze, resume or advance the sandbox's time",
                f"POST {PREFIX}/seed": "reset, then seed a large account",
                f"GET|POST {PREFIX}/ratelimits": "read or change the rate limits per group",
                f"POST {PREFIX}/applications": "seed an application made in the Bandwidth App "
                "(split inbound/outbound callbacks)",
            }
        }
    )


async def get_state(request: Request) -> Response:
    state, dispatcher = _parts(request)
    snapshot = state.snapshot()
    snapshot["pending_callback_tasks"] = dispatcher.busy
    return json_response(snapshot)


async def reset(request: Request) -> Response:
    state, dispatcher = _parts(request)
    await dispatcher.cancel_all()
    state.reset()
    return json_response({"reset": True, "generation": state.generation})


async def list_faults(request: Request) -> Response:
    state, _ = _parts(request)
    return json_response({"faults": state.faults.describe()})


async def add_fault(request: Request) -> Response:
    state, _ = _parts(request)
    try:
        fault = Fault.from_json(await _json_body(request))
        state.faults.add(fault)
    except ValueError as exc:
        return _problem(400, str(exc) if str(exc) else "The body must be JSON.")
    return json_response({"added": fault.describe()}, 201)


async def clear_faults(request: Request) -> Response:
    state, _ = _parts(request)
    state.faults.clear()
    return json_response({"faults": []})


async def get_config(request: Request) -> Response:
    state, _ = _parts(request)
    return json_response(runtime_view(state.config))


async def set_config(request: Request) -> Response:
    state, _ = _parts(request)
    try:
        body = await _json_body(request)
    except ValueError:
        return _problem(400, "The body must be JSON.")
    if not isinstance(body, dict):
        return _problem(400, "The body must be a JSON object.")
    for name, value in body.items():
        expected = RUNTIME_FIELDS.get(name)
        if expected is None:
            return _problem(
                400, f"{name} cannot be changed; use one of {', '.join(RUNTIME_FIELDS)}."
            )
        if isinstance(value, bool) and expected is not bool:
            return _problem(400, f"{name} must be a number.")
        if not isinstance(value, expected) or (
            not isinstance(value, bool) and isinstance(value, (int, float)) and value < 0
        ):
            return _problem(400, f"{name} has the wrong type or a negative value.")
    with state.lock:
        for name, value in body.items():
            setattr(state.config, name, value)
    return json_response(runtime_view(state.config))


async def inbound(request: Request) -> Response:
    """Someone texts one of the account's numbers: message-received goes to its application."""
    state, dispatcher = _parts(request)
    try:
        body = await _json_body(request)
    except ValueError:
        return _problem(400, "The body must be JSON.")
    if not isinstance(body, dict):
        return _problem(400, "The body must be a JSON object.")
    sender = normalize_number(body.get("from"))
    owner = normalize_number(body.get("to"))
    text = body.get("text", "Hello from the sandbox")
    if sender is None or owner is None or not isinstance(text, str):
        return _problem(400, "from and to must be phone numbers and text a string.")
    location = state.location_of_number(owner[2:]) if owner.startswith("+1") else None
    with state.lock:
        app = state.applications.get(location.application_id or "") if location else None
    if app is None:
        return _problem(404, f"{owner} is not in service on a location with an application.")
    event = received_event(state, app, sender=sender, owner=owner, text=text)
    dispatcher.spawn(dispatcher.deliver(app, event, inbound=True))
    return json_response({"id": event["message"]["id"], "event": event}, 202)


ROUTES = [
    Route(PREFIX, index, methods=["GET"]),
    Route(PREFIX + "/", index, methods=["GET"]),
    Route(PREFIX + "/state", get_state, methods=["GET"]),
    Route(PREFIX + "/reset", reset, methods=["POST"]),
    Route(PREFIX + "/faults", list_faults, methods=["GET"]),
    Route(PREFIX + "/faults", add_fault, methods=["POST"]),
    Route(PREFIX + "/faults", clear_faults, methods=["DELETE"]),
    Route(PREFIX + "/config", get_config, methods=["GET"]),
    Route(PREFIX + "/config", set_config, methods=["POST"]),
    Route(PREFIX + "/inbound", inbound, methods=["POST"]),
]
