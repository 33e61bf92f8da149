"""Dashboard API routes that list the account's numbers, paginated as Bandwidth paginates them.

- `GET /accounts/{a}/inserviceNumbers` (ReadInserviceTns): `page` (a page number, default 1) and
  `size` (default 300); `<TNs><TotalCount/><Links/><TelephoneNumbers><Count/>...`, where
  `TotalCount` counts every match and `Count` the numbers on this page (numbers.yml's site
  in-service example: TotalCount 54, Count 3). No matching number answers 204 No Content, and
  unreadable search parameters 404, as numbers.yml documents. Filters: `areacode`, `npanxx`.
- `GET /accounts/{a}/inserviceNumbers/totals` and `/inserviceNumbers/{tn}` (200 with no body when
  the number is in service on the account, else 404).
- `GET /accounts/{a}/sites/{s}/sippeers/{p}/tns` (ReadSipPeerTns): `page` (number, default 1) and
  `size` (default 5000); the answer has no `<Links>` and no count (numbers.yml's example), so a
  client stops at a short page or asks `/totaltns` first. `includeAttributes=false` leaves only
  `FullNumber`, as documented ("This makes processing faster").
- `GET /accounts/{a}/sites/{s}/sippeers/{p}/totaltns`.

Sites, locations and applications are not paginated by Bandwidth (numbers.yml ListSites,
ListSipPeers, ListApplications take no page or size), so their routes answer whole lists.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox.dashboard import ACCOUNT, PEER, find_location, gate, location_route
from wizard.sandbox.paging import PageError, numbered_links, numbered_page
from wizard.sandbox.responses import base_url, response_status, xml_response
from wizard.sandbox.state import Location, SandboxState
from wizard.sandbox.xml import el, parse_bool

IN_SERVICE_PAGE = 300
PEER_TNS_PAGE = 5000
PEER_TNS_WRAPPER = "SipPeerTelephoneNumbersResponse"

_AREA_CODE = re.compile(r"[2-9][0-9]{2}")
_NPA_NXX = re.compile(r"[2-9][0-9]{2}[2-9][0-9]{2}")


def _in_service_error(code: int, description: str) -> Response:
    return response_status("TNs", 404, description, code)


async def in_service_numbers(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    query = request.query_params
    try:
        page = numbered_page(query, IN_SERVICE_PAGE)
    except PageError as error:
        return _in_service_error(error.code, error.description)
    area_code = query.get("areacode")
    npa_nxx = query.get("npanxx")
    if area_code is not None and not _AREA_CODE.fullmatch(area_code):
        return _in_service_error(15510, f"The NPA '{area_code}' is invalid")
    if npa_nxx is not None and not _NPA_NXX.fullmatch(npa_nxx):
        return _in_service_error(15511, f"The NPA_NXX '{npa_nxx}' is invalid")
    prefix = npa_nxx or area_code or ""
    with state.lock:
        numbers = sorted(n for n in state.in_service if n.startswith(prefix))
    shown = page.slice(numbers)
    if not shown:
        return Response(b"", status_code=204)
    url = base_url(request) + request.url.path
    return xml_response(
        el(
            "TNs",
            el("TotalCount", text=len(numbers)),
            numbered_links(url, dict(query), page, len(numbers)),
            el(
                "TelephoneNumbers",
                el("Count", text=len(shown)),
                [el("TelephoneNumber", text=number) for number in shown],
            ),
        )
    )


async def in_service_totals(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    with state.lock:
        count = len(state.in_service)
    return xml_response(el("Quantity", el("Count", text=count)))


async def in_service_number(request: Request) -> Response:
    """200 with no payload when in service on the account, else 404 (ReadInserviceTn)."""
    state, denied = gate(request)
    if denied:
        return denied
    with state.lock:
        known = request.path_params["tn"] in state.in_service
    return Response(b"", status_code=200 if known else 404)


def _peer_number(number: str, location: Location, attributes: bool) -> ET.Element:
    if not attributes:
        return el("SipPeerTelephoneNumber", el("FullNumber", text=number))
    return el(
        "SipPeerTelephoneNumber",
        el("FullNumber", text=number),
        el("CallingNameDisplay", text=False),
        el("MessagingSettings", el("SmsEnabled", text=location.sms is not None)),
    )


async def location_numbers(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    try:
        page = numbered_page(request.query_params, PEER_TNS_PAGE)
    except PageError as error:
        return response_status(PEER_TNS_WRAPPER, 400, error.description, error.code)
    attributes = parse_bool(request.query_params.get("includeAttributes"))
    with state.lock:
        found = find_location(state, request.path_params["site"], request.path_params["peer"])
        if isinstance(found, Response):
            return found
        shown = [
            _peer_number(number, found, attributes is not False)
            for number in page.slice(found.numbers)
        ]
    return xml_response(el(PEER_TNS_WRAPPER, el("SipPeerTelephoneNumbers", shown)))


@location_route
def location_number_count(request: Request, state: SandboxState, found: Location) -> Response:
    count = len(found.numbers)
    counts = el(
        "SipPeerTelephoneNumbersCount",
        el("SipPeerTelephoneNumbersCount", text=count),
        el("CnamCount", text=0),
        el("LidbCount", text=0),
    )
    return xml_response(el("SipPeerTelephoneNumbersCountResponse", counts))


ROUTES = [
    Route(ACCOUNT + "/inserviceNumbers", in_service_numbers, methods=["GET"]),
    Route(ACCOUNT + "/inserviceNumbers/totals", in_service_totals, methods=["GET"]),
    Route(ACCOUNT + "/inserviceNumbers/{tn}", in_service_number, methods=["GET"]),
    Route(PEER + "/tns", location_numbers, methods=["GET"]),
    Route(PEER + "/totaltns", location_number_count, methods=["GET"]),
]
