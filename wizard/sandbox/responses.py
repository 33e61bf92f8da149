"""Bandwidth's answer shapes, in one place so every route errs the same way the real API does.

The Dashboard API uses several error shapes; a client must read all of them, so the sandbox uses
each where the real API does:
- `<XResponse><ResponseStatus><ErrorCode/><Description/></ResponseStatus></XResponse>`
  (applications, sites, locations, messaging features, application settings);
- `<XResponse><ErrorList><Error><Code/><Description/></Error></ErrorList>...` (orders);
- `<SearchResult><Error><Code/><Description/></Error></SearchResult>` (number search);
- an empty body (401, 429).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from wizard.sandbox.xml import el, leaf, render

XML = "application/xml"
JSON = "application/json; charset=utf-8"


def xml_response(
    root: ET.Element, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(render(root), status_code=status, media_type=XML, headers=dict(headers or {}))


def response_status(
    wrapper: str, status: int, description: str, code: int | str | None = None
) -> Response:
    """`<Wrapper><ResponseStatus><ErrorCode/><Description/></ResponseStatus></Wrapper>`."""
    root = el(
        wrapper,
        el("ResponseStatus", leaf("ErrorCode", code), el("Description", text=description)),
    )
    return xml_response(root, status)


def error_list(
    wrapper: str,
    status: int,
    errors: Iterable[tuple[int | str, str]],
    *extra: ET.Element | None,
) -> Response:
    """`<Wrapper><ErrorList><Error><Code/><Description/></Error>...</ErrorList>...</Wrapper>`."""
    items = [
        el("Error", el("Code", text=code), el("Description", text=desc)) for code, desc in errors
    ]
    return xml_response(el(wrapper, el("ErrorList", items), *extra), status)


def not_found(wrapper: str = "ErrorResponse") -> Response:
    """The description-only 404 the Dashboard API answers for ids it does not know."""
    return response_status(wrapper, 404, "The resource does not exist")


def bad_xml(wrapper: str) -> Response:
    return response_status(
        wrapper, 400, "Bad request encountered. Please check your request and try again.", 1019
    )


def unauthorized_xml() -> Response:
    """A bare 401 challenging with Basic; the routes answer through `refusals.dashboard`, which
    challenges with Bearer unless legacy_api_users is on."""
    return Response(
        b"",
        status_code=401,
        headers={"WWW-Authenticate": 'Basic realm="Bandwidth Dashboard API (sandbox)"'},
    )


def forbidden_xml() -> Response:
    return response_status("ErrorResponse", 403, "Access Denied", 1001)


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        json.dumps(body).encode("utf-8"),
        status_code=status,
        media_type=JSON,
        headers=dict(headers or {}),
    )


def json_error(status: int, kind: str, description: str, **extra: Any) -> Response:
    """Messaging API errors: `{"type": ..., "description": ...}` plus e.g. fieldErrors."""
    return json_response({"type": kind, "description": description, **extra}, status)


def base_url(request: Request) -> str:
    """The scheme://host:port the client used, for Location headers."""
    return str(request.base_url).rstrip("/")
