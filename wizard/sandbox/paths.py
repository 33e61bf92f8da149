"""Where each API lives in the sandbox, and the two Dashboard bases.

Today's Dashboard XML API answers at `https://api.bandwidth.com/api/v2/accounts/{a}/...` (what
Bandwidth/cli's `DashboardClient` uses) as well as at the older `.../api/accounts/{a}/...`; the
JSON platform APIs (10DLC, toll-free verification) share the `/api/v2` base and messaging keeps
`/api/v2/users/{a}/messages`. A Location header points back at the base the client used.
"""

from __future__ import annotations

import re

from starlette.requests import Request

from wizard.sandbox.responses import base_url

V2 = "/api/v2"

_JSON_PATHS = re.compile(
    r"^/(v2/"
    r"|api/v1/"
    r"|api/v2/users/"
    r"|api/v2/tollFreeVerification"
    r"|api/v2/accounts/[^/]+/(tendlc|tollFreeVerification|phoneNumbers/[^/]+/tollFreeVerification)"
    r")"
)


def api_root(request: Request) -> str:
    """`http://host:port/api/v2` or `.../api`, whichever the request came through."""
    prefix = V2 if request.url.path.startswith(V2 + "/") else "/api"
    return base_url(request) + prefix


def is_json_path(path: str) -> bool:
    """True for the JSON APIs (messaging, OAuth2, 10DLC, toll-free verification)."""
    return bool(_JSON_PATHS.match(path))
