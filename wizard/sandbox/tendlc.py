"""10DLC Registration Center routes (JSON, under `/api/v2/accounts/{a}/tendlc`), read-only.

Shapes follow Bandwidth/cli: every answer is the `{data, page, errors, links}` envelope
(`internal/tendlc/envelope.go`), `data` a list for lists and an object for one resource; the
preflight check reads `campaignId`/`status` of campaigns and `phoneNumber`/`status` of a
campaign's numbers (`cmd/message/preflight.go`). Lists page with `limit` (at most 250) and
`offset`. Filters are deepObject (`campaignId[contains]=...`, `phoneNumber[eq]=...`): the bare
`field=value` form is accepted and ignored, as measured against production
(`internal/tendlc/filter.go`), so a client must still look for its number in `data`. A missing
Campaign Management role is a 403 (see `refusals.tendlc`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox import refusals
from wizard.sandbox.json_gate import json_gate
from wizard.sandbox.responses import base_url, json_response

BASE = "/api/v2/accounts/{account}/tendlc"
DEFAULT_LIMIT = 50
MAX_LIMIT = 250


def _not_found(description: str) -> Response:
    return json_response({"errors": [{"type": "not-found", "description": description}]}, 404)


def _bad_request(description: str) -> Response:
    return json_response({"errors": [{"type": "bad-request", "description": description}]}, 400)


def _filters(request: Request) -> dict[tuple[str, str], str]:
    """deepObject filters `field[op]=value`; bare `field=value` is not one (and is ignored)."""
    found: dict[tuple[str, str], str] = {}
    for key, value in request.query_params.items():
        if key.endswith("]") and "[" in key:
            field, _, op = key[:-1].partition("[")
            found[(field, op)] = value
    return found


def _keep(item: dict[str, Any], filters: dict[tuple[str, str], str], fields: Sequence[str]) -> bool:
    for (field, op), wanted in filters.items():
        if field not in fields:
            continue
        have = str(item.get(field) or "")
        if op == "eq" and have != wanted:
            return False
        if op == "contains" and wanted.lower() not in have.lower():
            return False
    return True


def _page(request: Request, items: list[dict[str, Any]]) -> Response:
    """The envelope with one page of `items`, following limit and offset."""
    query = request.query_params
    try:
        limit = int(query.get("limit", DEFAULT_LIMIT))
        offset = int(query.get("offset", 0))
    except ValueError:
        return _bad_request("limit and offset must be whole numbers")
    if limit < 1 or offset < 0:
        return _bad_request("limit must be at least 1 and offset at least 0")
    limit = min(limit, MAX_LIMIT)
    total = len(items)
    url = f"{base_url(request)}{request.url.path}"

    def link(at: int) -> str:
        return f"{url}?{urlencode({'limit': limit, 'offset': at})}"

    links: dict[str, str] = {"first": link(0)}
    if offset > 0:
        links["previous"] = link(max(offset - limit, 0))
    if offset + limit < total:
        links["next"] = link(offset + limit)
    if total:
        links["last"] = link(((total - 1) // limit) * limit)
    return json_response(
        {
            "links": links,
            "data": items[offset : offset + limit],
            "page": {
                "pageNumber": offset // limit,
                "pageSize": limit,
                "totalElements": total,
                "totalPages": math.ceil(total / limit),
            },
            "errors": [],
        }
    )


def _guarded(
    handler: Callable[[Request], Response],
) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        _, denied = json_gate(request, refusals.tendlc)
        if denied:
            return denied
        return handler(request)

    endpoint.__name__ = handler.__name__
    return endpoint


def list_campaigns(request: Request) -> Response:
    state = request.app.state.sandbox
    account = state.identity.account_id
    with state.lock:
        items = [c.as_json(account) for c in state.compliance.campaigns.values()]
    filters = _filters(request)
    fields = ("campaignId", "campaignName", "brandId", "status")
    return _page(request, [item for item in items if _keep(item, filters, fields)])


def get_campaign(request: Request) -> Response:
    state = request.app.state.sandbox
    campaign_id = request.path_params["campaign"]
    with state.lock:
        campaign = state.compliance.campaigns.get(campaign_id)
        if campaign is None:
            return _not_found(f"Campaign with id '{campaign_id}' not found")
        return json_response({"data": campaign.as_json(state.identity.account_id), "errors": []})


def campaign_numbers(request: Request) -> Response:
    state = request.app.state.sandbox
    campaign_id = request.path_params["campaign"]
    with state.lock:
        if campaign_id not in state.compliance.campaigns:
            return _not_found(f"Campaign with id '{campaign_id}' not found")
        items = _numbers(state, lambda record: record.campaign_id == campaign_id)
    return _page(request, [i for i in items if _keep(i, _filters(request), ("phoneNumber",))])


def list_numbers(request: Request) -> Response:
    state = request.app.state.sandbox
    with state.lock:
        items = _numbers(state, lambda record: True)
    fields = ("phoneNumber", "campaignId")
    return _page(request, [i for i in items if _keep(i, _filters(request), fields)])


def get_number(request: Request) -> Response:
    state = request.app.state.sandbox
    e164 = request.path_params["number"]
    ten = e164[2:] if e164.startswith("+1") else e164
    with state.lock:
        now = state.clock()
        record = state.compliance.campaign_number(ten, now)
        if record is None or not e164.startswith("+1"):
            return _not_found(f"Phone number '{e164}' not found")
        return json_response({"data": record.as_json(now), "errors": []})


def _numbers(state: Any, keep: Callable[[Any], bool]) -> list[dict[str, Any]]:
    now = state.clock()
    return [record.as_json(now) for record in state.compliance.numbers.values() if keep(record)]


ROUTES = [
    Route(BASE + "/campaigns", _guarded(list_campaigns), methods=["GET"]),
    Route(BASE + "/campaigns/{campaign}", _guarded(get_campaign), methods=["GET"]),
    Route(BASE + "/campaigns/{campaign}/phoneNumbers", _guarded(campaign_numbers), methods=["GET"]),
    Route(BASE + "/phoneNumbers", _guarded(list_numbers), methods=["GET"]),
    Route(BASE + "/phoneNumbers/{number}", _guarded(get_number), methods=["GET"]),
]
