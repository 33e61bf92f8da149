"""How each API says 401 and 403, in its own shape.

- Dashboard (XML): a bare 401; a 403 is `ResponseStatus` with ErrorCode 1001 "Access Denied"
  (numbers errors.mdx, the 403 examples of numbers.yml).
- Messaging (JSON): `{"type", "description"}` (messagingRequestError in messaging.yml); a 403
  is "Access Denied" whatever the reason (dev.bandwidth.com messaging codes page).
- 10DLC Registration Center (JSON): `{"errors": [{"type", "description"}]}`; a missing role reads
  "client does not have access rights to the content", the body Bandwidth/cli's
  `cmd/tendlc/helpers.go` recognises as "credential lacks the Campaign Management role".
- Toll-free verification (JSON): `{"type", "description"}` (verificationRequestError in
  messaging-tfverify-athena.yml).

The 401 challenges with `Bearer` (OAuth2 is the only way in), or with `Basic` while
`legacy_api_users` is on.
"""

from __future__ import annotations

from starlette.responses import Response

from wizard.sandbox.access import Refusal
from wizard.sandbox.responses import forbidden_xml, json_response

NO_RIGHTS = "client does not have access rights to the content"
AUTH_FAILED = "Authentication Failed"


def challenge(legacy: bool) -> dict[str, str]:
    scheme = "Basic" if legacy else "Bearer"
    return {"WWW-Authenticate": f'{scheme} realm="Bandwidth API (sandbox)"'}


def dashboard(refusal: Refusal, legacy: bool) -> Response:
    if refusal.status == 401:
        return Response(b"", status_code=401, headers=challenge(legacy))
    return forbidden_xml()


def _json(refusal: Refusal, legacy: bool, *, wrap: bool, denied: str = NO_RIGHTS) -> Response:
    if refusal.status == 401:
        error = {"type": "unauthorized", "description": AUTH_FAILED}
        headers = challenge(legacy)
    else:
        description = "Access Denied" if refusal.reason == "account" else denied
        error = {"type": "forbidden", "description": description}
        headers = None
    body = {"errors": [error]} if wrap else error
    return json_response(body, refusal.status, headers)


def messaging(refusal: Refusal, legacy: bool) -> Response:
    return _json(refusal, legacy, wrap=False, denied="Access Denied")


def tendlc(refusal: Refusal, legacy: bool) -> Response:
    return _json(refusal, legacy, wrap=True)


def toll_free(refusal: Refusal, legacy: bool) -> Response:
    return _json(refusal, legacy, wrap=False)
