"""OAuth2 client-credentials token endpoint, standing in for api.bandwidth.com/api/v1/oauth2/token.

Basic `clientId:clientSecret` of one of the sandbox's API Credentials (`credentials`), form body
`grant_type=client_credentials`, JSON answer with `access_token`, `token_type` and `expires_in`
(bandwidth-2026.md section 1; Bandwidth/cli `internal/auth/oauth.go` reads exactly these). The
token is a JWT whose payload carries the credential's `accounts`, `roles` and `express` beside
the registered claims (`iss`, `sub`, `aud`, `client_id`, `jti`, `iat`, `nbf`, `exp`; RFC 9068's
JWT access-token profile). Tokens expire after `token_lifetime` seconds of sandbox clock
(changeable at run time, so tests can watch a client refresh one).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox.auth import basic_matches, presented
from wizard.sandbox.responses import base_url, json_response
from wizard.sandbox.state import SandboxState

TOKEN_PATH = "/api/v1/oauth2/token"


def _oauth_error(status: int, error: str, description: str) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="oauth2"'} if status == 401 else None
    return json_response({"error": error, "error_description": description}, status, headers)


async def issue_token(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox
    creds = presented(request)
    # Compare with every credential (constant time each), so timing does not tell which exist.
    matches = [c for c in state.credentials if basic_matches(creds, c.client_id, c.client_secret)]
    if not matches:
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
    token, lifetime = state.issue_token(matches[0], issuer=base_url(request))
    return json_response(
        {"access_token": token, "token_type": "Bearer", "expires_in": lifetime},
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


ROUTES = [Route(TOKEN_PATH, issue_token, methods=["POST"])]
