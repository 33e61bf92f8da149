"""OAuth2 client-credentials token endpoint, standing in for api.bandwidth.com/api/v1/oauth2/token.

Basic `clientId:clientSecret`, form body `grant_type=client_credentials`, JSON answer with
`access_token`, `token_type` and `expires_in`. Tokens expire after `token_lifetime` seconds
(changeable at run time, so tests can watch a client refresh one).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox.auth import basic_matches, presented
from wizard.sandbox.responses import json_response
from wizard.sandbox.state import SandboxState

TOKEN_PATH = "/api/v1/oauth2/token"


def _oauth_error(status: int, error: str, description: str) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="oauth2"'} if status == 401 else None
    return json_response({"error": error, "error_description": description}, status, headers)


async def issue_token(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox
    identity = state.identity
    if not basic_matches(presented(request), identity.client_id, identity.client_secret):
        return _oauth_error(401, "invalid_client", "Client authentication failed")
    try:
        form = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        form = {}
    grant = (form.get("grant_type") or [""])[0]
    if grant != "client_credentials":
        return _oauth_error(
            400, "unsupported_grant_type", "Only grant_type=client_credentials is supported"
        )
    token, lifetime = state.issue_token()
    return json_response(
        {"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "scope": "sandbox"},
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


ROUTES = [Route(TOKEN_PATH, issue_token, methods=["POST"])]
