"""Toll-free verification routes (JSON), as bandwidth-sdk's TollFreeVerificationApi calls them:

- `POST /api/v2/accounts/{a}/tollFreeVerification` with a VerificationRequest: 202, no body;
- `GET /api/v2/accounts/{a}/phoneNumbers/{e164}/tollFreeVerification`: a TfvStatus;
- `PUT` the same path with `{"submission": ...}` (TfvSubmissionWrapper): resubmit, 202;
- `DELETE` the same path: withdraw, 204;
- `GET /api/v2/tollFreeVerification/useCases`: the valid use cases, a JSON list of strings.

A number in service on the account with no submission reads UNVERIFIED; a number the account does
not have is 404. A resubmission is accepted while a review is pending (today's behaviour; a 409
arrives in January 2027) or after a decline that allows it, within 7 days; otherwise 400. A
missing TFV role is 403 (`refusals.toll_free`). Review outcomes: see `verifications`.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox import refusals
from wizard.sandbox.config import tfv_delay
from wizard.sandbox.json_gate import json_gate
from wizard.sandbox.responses import json_response
from wizard.sandbox.state import SandboxState
from wizard.sandbox.tfv_validation import bad_request, validate
from wizard.sandbox.tollfree import is_toll_free
from wizard.sandbox.verifications import Verification, decide

ACCOUNT = "/api/v2/accounts/{account}"
NUMBER = ACCOUNT + "/phoneNumbers/{number}/tollFreeVerification"

USE_CASES = [
    "2FA",
    "App Notifications",
    "Appointments",
    "Auctions",
    "Auto Repair Services",
    "Bank Transfers",
    "Billing",
    "Booking Confirmations",
    "Business Updates",
    "COVID-19 Alerts",
]
"""The use cases of the example in api-docs `messaging-tfverify-athena.yml` (useCases schema)."""


def _error(status: int, kind: str, description: str) -> Response:
    return json_response({"type": kind, "description": description}, status)


async def _body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return None


def _provisioned(state: SandboxState, e164: str) -> bool:
    return e164.startswith("+1") and e164[2:] in state.in_service


def _new_verification(
    state: SandboxState, e164: str, submission: dict[str, Any], created: float | None = None
) -> Verification:
    now_wall = state.wall()
    return Verification(
        phone_number=e164,
        submission=submission,
        decision=decide(submission, _provisioned(state, e164)),
        submitted_at=state.clock(),
        delay=tfv_delay(state.config),
        created_wall=now_wall if created is None else created,
        submitted_wall=now_wall,
        ticket=state.compliance.new_id(),
    )


async def request_verification(request: Request) -> Response:
    state, denied = json_gate(request, refusals.toll_free)
    if denied:
        return denied
    body = await _body(request)
    if body is None:
        return json_response(bad_request({"body": ["is not valid JSON"]}), 400)
    errors = validate(body)
    if errors:
        return json_response(bad_request(errors), 400)
    submission = {key: value for key, value in body.items() if key != "phoneNumbers"}
    with state.lock:
        for e164 in dict.fromkeys(body["phoneNumbers"]):
            state.compliance.put_verification(_new_verification(state, e164, submission))
    return Response(b"", status_code=202)


def _number(request: Request) -> tuple[str, Response | None]:
    e164 = request.path_params["number"]
    if not is_toll_free(e164) or not e164.startswith("+1"):
        errors = {"phoneNumber": ["is not a valid toll-free number in E.164 format"]}
        return e164, json_response(bad_request(errors), 400)
    return e164, None


async def get_status(request: Request) -> Response:
    state, denied = json_gate(request, refusals.toll_free)
    if denied:
        return denied
    e164, invalid = _number(request)
    if invalid:
        return invalid
    with state.lock:
        verification = state.compliance.verification(e164)
        if verification is not None:
            return json_response(verification.as_json(state.clock()))
        if _provisioned(state, e164):
            return json_response({"phoneNumber": e164, "status": "UNVERIFIED"})
    return _error(404, "not found", f"Phone number {e164} was not found on this account")


async def resubmit(request: Request) -> Response:
    state, denied = json_gate(request, refusals.toll_free)
    if denied:
        return denied
    e164, invalid = _number(request)
    if invalid:
        return invalid
    body = await _body(request)
    submission = body.get("submission") if isinstance(body, dict) else None
    if not isinstance(submission, dict):
        return json_response(bad_request({"submission": ["is required"]}), 400)
    errors = validate(submission, with_numbers=False)
    if errors:
        return json_response(
            bad_request({f"submission.{key}": value for key, value in errors.items()}), 400
        )
    with state.lock:
        now = state.clock()
        existing = state.compliance.verification(e164)
        if existing is None:
            return _error(404, "not found", f"No verification request exists for {e164}")
        pending = existing.status(now) == "PENDING"
        if not pending and not existing.may_resubmit(now):
            return _error(
                400,
                "bad request",
                f"The verification request for {e164} is not eligible for resubmission",
            )
        state.compliance.put_verification(
            _new_verification(state, e164, submission, created=existing.created_wall)
        )
    return Response(b"", status_code=202)


async def withdraw(request: Request) -> Response:
    state, denied = json_gate(request, refusals.toll_free)
    if denied:
        return denied
    e164, invalid = _number(request)
    if invalid:
        return invalid
    with state.lock:
        if state.compliance.verifications.pop(e164, None) is None:
            return _error(404, "not found", f"No verification request exists for {e164}")
    return Response(b"", status_code=204)


async def not_allowed(request: Request) -> Response:
    """The spec's notAllowedResponse: a submission is POSTed to the account, not the number."""
    _, denied = json_gate(request, refusals.toll_free)
    if denied:
        return denied
    return _error(405, "method not allowed", f"{request.method} is not allowed on this resource")


async def use_cases(request: Request) -> Response:
    _, denied = json_gate(request, refusals.toll_free)
    if denied:
        return denied
    return json_response(USE_CASES)


ROUTES = [
    Route(ACCOUNT + "/tollFreeVerification", request_verification, methods=["POST"]),
    Route(NUMBER, get_status, methods=["GET"]),
    Route(NUMBER, resubmit, methods=["PUT"]),
    Route(NUMBER, withdraw, methods=["DELETE"]),
    Route(NUMBER, not_allowed, methods=["POST", "PATCH"]),
    Route("/api/v2/tollFreeVerification/useCases", use_cases, methods=["GET"]),
]
