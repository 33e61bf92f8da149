"""The check in front of every JSON route of today's APIs (messaging, 10DLC, toll-free
verification).

Same rules as the Dashboard's `gate` (credentials, account, role from the path), answered in the
calling API's JSON shape; due TN option orders are applied first so every answer is current.
Only the main account has messages, 10DLC and toll-free data, so another account is refused with
403.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from wizard.sandbox import refusals
from wizard.sandbox.access import Refusal, authorize
from wizard.sandbox.roles import required_role
from wizard.sandbox.state import SandboxState

Render = Callable[[Refusal, bool], Response]


def json_gate(request: Request, render: Render) -> tuple[SandboxState, Response | None]:
    state: SandboxState = request.app.state.sandbox
    account = request.path_params.get("account")
    legacy = state.config.legacy_api_users
    try:
        authorize(request, state, account, required_role(request.url.path))
    except Refusal as refusal:
        return state, render(refusal, legacy)
    if account is not None and account != state.identity.account_id:
        return state, render(Refusal(403, "account"), legacy)
    with state.lock:
        state.advance()
        state.compliance.advance(state.clock())
    return state, None


def messaging_gate(request: Request, state: SandboxState) -> Response | None:
    """Today's messaging API: `json_gate` with the messaging API's error shape."""
    _, denied = json_gate(request, refusals.messaging)
    return denied
