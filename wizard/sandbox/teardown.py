"""Dashboard API routes that take a setup apart, answering as Bandwidth does, "already gone"
included, so a teardown rerun after a crash can tell finished work from a real refusal.

Sources: numbers.yml (DeleteSipPeerSmsSettings, DeleteSipPeerMmsSettings, DeleteSipPeer,
DeleteSite, ListAssociatedSippeers, CreateDisconnectOrder, ReadDisconnectOrder,
ReadDisconnectOrders) and `site/docs/numbers/errors.mdx`:
- `DELETE .../features/sms`: 200; 404 "SMS settings do not exist"; 400 while the MMS feature is
  on ("SMS feature can't be removed because MMS feature is present, remove it first": 13622
  "Delete not allowed while a SIP Peer has MMS feature") or while the location has numbers,
  whose messaging follows the location (13673);
- `DELETE .../features/mms`: 200; 404 "MMS settings were not found";
- `DELETE .../sippeers/{p}`: 200; 404 as a GET of an unknown location (13563); 400 13613 while it
  has the SMS feature; 400 13555 while numbers (or an order for numbers) remain on it;
- `DELETE .../sites/{s}`: 200; 404 12016; 400 12031 while it has locations;
- the application link is removed with `PUT .../applicationSettings` `REMOVE` (dashboard.py);
  an application is deleted in applications.py (400 12107 while a location uses it);
- `GET /applications/{id}/associatedsippeers`: the locations using an application;
- disconnect orders: see `disconnects.py`.

So the order that always works is: disconnect the numbers and wait for the order, remove the
application link, delete MMS, then SMS, then the location, then the application.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox import disconnects
from wizard.sandbox.dashboard import (
    ACCOUNT,
    MESSAGING,
    MMS_WRAPPER,
    PEER,
    SITE,
    SMS_WRAPPER,
    gate,
    location_route,
    read_xml,
    site_not_found,
)
from wizard.sandbox.disconnects import MAX_DISCONNECT_NUMBERS, Disconnect
from wizard.sandbox.numbers import _CUSTOMER_ORDER_ID
from wizard.sandbox.orders import is_valid_number
from wizard.sandbox.paging import PageError, keyed_links, keyed_page, size_of
from wizard.sandbox.responses import base_url, error_list, response_status, xml_response
from wizard.sandbox.state import Location, SandboxState, iso
from wizard.sandbox.xml import el, leaf, text_of

TOLL_FREE_PREFIXES = frozenset({"800", "833", "844", "855", "866", "877", "888"})
DISCONNECT_WRAPPER = "DisconnectTelephoneNumberOrderResponse"
DISCONNECT_MODES = ("normal", "soft-remove", "purge")
PROTECTED_VALUES = ("TRUE", "FALSE", "UNCHANGED")
DISCONNECT_PAGE = 300


def _ok() -> Response:
    return Response(b"", status_code=200)


# -- messaging features ---------------------------------------------------------------------


@location_route
def delete_sms(request: Request, state: SandboxState, found: Location) -> Response:
    if found.sms is None:
        return response_status(SMS_WRAPPER, 404, "SMS settings do not exist")
    if found.mms is not None:
        return response_status(
            SMS_WRAPPER, 400, "Delete not allowed while a SIP Peer has MMS feature", 13622
        )
    if found.numbers:
        return response_status(
            SMS_WRAPPER,
            400,
            "Can not disable SMS feature on Sip Peer because it has telephone numbers with "
            "messaging enabled.",
            13673,
        )
    found.sms = None
    return _ok()


@location_route
def delete_mms(request: Request, state: SandboxState, found: Location) -> Response:
    if found.mms is None:
        return response_status(MMS_WRAPPER, 404, "MMS settings were not found")
    found.mms = None
    return _ok()


# -- locations and sub-accounts ---------------------------------------------------------------


def _numbers_pending(state: SandboxState, location_id: str) -> bool:
    return any(
        order.peer_id == location_id and not order.finalized for order in state.orders.values()
    )


@location_route
def delete_location(request: Request, state: SandboxState, found: Location) -> Response:
    if found.sms is not None:
        return response_status(
            "SipPeerResponse", 400, "Delete not allowed while a SIP Peer has SMS feature", 13613
        )
    if found.numbers or _numbers_pending(state, found.id):
        return response_status(
            "SipPeerResponse",
            400,
            "All Telephone Number porting activity affecting this Location must be completed, "
            "and all Telephone Numbers must be removed from this Location, before the "
            "Location can be deleted.",
            13555,
        )
    del state.locations[found.id]
    return _ok()


async def delete_site(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    site_id = request.path_params["site"]
    with state.lock:
        if site_id not in state.sites:
            return site_not_found(site_id)
        if any(loc.site_id == site_id for loc in state.locations.values()):
            return response_status(
                "SiteResponse",
                400,
                "Please remove all locations before proceeding with this remove.",
                12031,
            )
        del state.sites[site_id]
    return _ok()


# -- which locations use an application -------------------------------------------------------


async def associated_locations(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    app_id = request.path_params["application"]
    with state.lock:
        if app_id not in state.applications:
            return response_status(
                "AssociatedSipPeersResponse",
                404,
                f"Application with id '{app_id}' not found",
                13629,
            )
        peers = [
            el(
                "AssociatedSipPeer",
                el("SiteId", text=loc.site_id),
                el("SiteName", text=state.sites[loc.site_id].name)
                if loc.site_id in state.sites
                else None,
                el("PeerId", text=loc.id),
                el("PeerName", text=loc.name),
            )
            for loc in state.locations.values()
            if loc.application_id == app_id
        ]
    return xml_response(el("AssociatedSipPeersResponse", el("AssociatedSipPeers", peers)))


# -- disconnect orders ------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__(errors[0][1])
        self.errors = errors


def _disconnect_from(root: ET.Element, state: SandboxState) -> Disconnect:
    customer_order_id = text_of(root, "CustomerOrderId") or None
    if customer_order_id is not None and not _CUSTOMER_ORDER_ID.fullmatch(customer_order_id):
        raise _Refused(
            [
                (
                    5052,
                    "Customer order ID is invalid. Only alphanumeric values, dashes and spaces "
                    "are allowed. Max length is 40 characters.",
                )
            ]
        )
    kind = root.find("DisconnectTelephoneNumberOrderType")
    numbers = (
        [(item.text or "").strip() for item in kind.findall("TelephoneNumberList/TelephoneNumber")]
        if kind is not None
        else []
    )
    if not numbers:
        raise _Refused([(5001, "Invalid input telephone number list")])
    if len(numbers) > MAX_DISCONNECT_NUMBERS:
        raise _Refused(
            [
                (
                    5095,
                    "The count of telephone numbers in order exceeds the maximum size of "
                    f"{MAX_DISCONNECT_NUMBERS}",
                )
            ]
        )
    invalid = [n for n in numbers if not is_valid_number(n)]
    if invalid:
        raise _Refused([(5070, "Telephone number is invalid.")])
    if len(set(numbers)) != len(numbers):
        raise _Refused([(5072, "Duplicate telephone number.")])
    if len({n[:3] in TOLL_FREE_PREFIXES for n in numbers}) > 1:
        raise _Refused([(5175, "Only a single type of TN is allowed for a Disconnect action.")])
    assert kind is not None
    mode = (text_of(kind, "DisconnectMode") or "normal").lower()
    if mode not in DISCONNECT_MODES:
        raise _Refused(
            [
                (
                    5084,
                    f"DisconnectMode '{mode}' is invalid. Valid values are: normal, soft-remove, "
                    "purge",
                )
            ]
        )
    protected = (text_of(kind, "Protected") or "UNCHANGED").upper()
    if protected not in PROTECTED_VALUES:
        raise _Refused(
            [(5002, "Protected attribute is invalid. Valid values: TRUE, FALSE, UNCHANGED.")]
        )
    return Disconnect(
        id=state.ids.uuid(),
        numbers=numbers,
        created_by=state.identity.username,
        created_wall=state.wall(),
        created_mono=state.clock(),
        delay=float(state.config.order_delay),
        customer_order_id=customer_order_id,
        mode=mode,
        protected=protected,
    )


def _order_request(disconnect: Disconnect) -> ET.Element:
    """`<orderRequest>` as numbers.yml's 2022 example orders it."""
    return el(
        "orderRequest",
        leaf("CustomerOrderId", disconnect.customer_order_id),
        el("id", text=disconnect.id),
        el("OrderCreateDate", text=iso(disconnect.created_wall)),
        el(
            "DisconnectTelephoneNumberOrderType",
            el("DisconnectMode", text=disconnect.mode),
            el("Protected", text=disconnect.protected),
            el(
                "TelephoneNumberList",
                [el("TelephoneNumber", text=number) for number in disconnect.numbers],
            ),
        ),
    )


def _echo(root: ET.Element, state: SandboxState) -> ET.Element:
    """The request, echoed under a 400 as numbers.yml's error example shows."""
    kind = root.find("DisconnectTelephoneNumberOrderType")
    numbers = kind.findall("TelephoneNumberList/TelephoneNumber") if kind is not None else []
    return el(
        "orderRequest",
        el("OrderCreateDate", text=iso(state.wall())),
        el(
            "DisconnectTelephoneNumberOrderType",
            el("TelephoneNumberList", [el("TelephoneNumber", text=n.text) for n in numbers]),
        ),
    )


async def create_disconnect(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    root = await read_xml(request, DISCONNECT_WRAPPER, "DisconnectTelephoneNumberOrder")
    if isinstance(root, Response):
        return root
    with state.lock:
        try:
            disconnect = _disconnect_from(root, state)
            if not disconnects.make_room(state):
                raise _Refused([(5007, "Exceeded Maximum Ordering Capacity")])
        except _Refused as refused:
            return error_list(DISCONNECT_WRAPPER, 400, refused.errors, _echo(root, state))
        state.disconnects[disconnect.id] = disconnect
        body = el(
            DISCONNECT_WRAPPER, _order_request(disconnect), el("OrderStatus", text="RECEIVED")
        )
    location = f"{base_url(request)}{request.url.path.rstrip('/')}/{disconnect.id}"
    return xml_response(body, 201, {"Location": location})


def disconnect_xml(disconnect: Disconnect, now_mono: float) -> ET.Element:
    settled = disconnect.settled
    return el(
        DISCONNECT_WRAPPER,
        el(
            "DisconnectedTelephoneNumberList",
            [el("TelephoneNumber", text=n) for n in disconnect.disconnected],
        )
        if settled and disconnect.disconnected
        else None,
        el(
            "ErrorList",
            [
                el(
                    "Error",
                    el("Code", text=code),
                    el("Description", text=description),
                    el("TelephoneNumber", text=number),
                )
                for code, description, number in disconnect.errors
            ],
        )
        if settled
        else None,
        _order_request(disconnect),
        el("OrderStatus", text=disconnect.status(now_mono)),
    )


async def get_disconnect(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    with state.lock:
        disconnect = state.disconnects.get(request.path_params["disconnect"])
        if disconnect is None:
            return response_status(
                DISCONNECT_WRAPPER,
                404,
                "Order id is invalid. Please check the order id that you have submitted in your "
                "request is correct.",
            )
        return xml_response(disconnect_xml(disconnect, state.clock()))


async def list_disconnects(request: Request) -> Response:
    """Keyed pages: `page` is the id of the page's first order ("1" for the first page)."""
    state, denied = gate(request)
    if denied:
        return denied
    query = request.query_params
    try:
        size = size_of(query, DISCONNECT_PAGE)
    except PageError as error:
        return response_status("ResponseSelectWrapper", 400, error.description, error.code)
    wanted_status = (query.get("status") or "").upper() or None
    wanted_user = query.get("userid")
    url = base_url(request) + request.url.path
    now = state.clock()
    with state.lock:
        chosen = [
            d
            for d in state.disconnects.values()
            if (wanted_status is None or d.status(now) == wanted_status)
            and (wanted_user is None or d.created_by == wanted_user)
        ]
        start, next_key = keyed_page([d.id for d in chosen], query.get("page", "1"), size)
        rows = [_disconnect_row(d, now) for d in chosen[start : start + size]]
    links = keyed_links(url, dict(query), size, next_key)
    if not rows:
        return xml_response(links, 404)
    listing = el("ListOrderIdUserIdDate", el("TotalCount", text=len(chosen)), links, rows)
    return xml_response(el("ResponseSelectWrapper", listing))


def _disconnect_row(disconnect: Disconnect, now: float) -> ET.Element:
    modified = disconnect.complete_wall if disconnect.settled else disconnect.created_wall
    return el(
        "OrderIdUserIdDate",
        el("CountOfTNs", text=len(disconnect.numbers)),
        leaf("CustomerOrderId", disconnect.customer_order_id),
        el("userId", text=disconnect.created_by),
        el("lastModifiedDate", text=iso(modified)),
        el("OrderId", text=disconnect.id),
        el("OrderType", text="disconnect"),
        el("OrderDate", text=iso(disconnect.created_wall)),
        el("OrderStatus", text=disconnect.status(now)),
    )


ROUTES = [
    Route(MESSAGING + "/features/sms", delete_sms, methods=["DELETE"]),
    Route(MESSAGING + "/features/mms", delete_mms, methods=["DELETE"]),
    Route(PEER, delete_location, methods=["DELETE"]),
    Route(SITE, delete_site, methods=["DELETE"]),
    Route(
        ACCOUNT + "/applications/{application}/associatedsippeers",
        associated_locations,
        methods=["GET"],
    ),
    Route(ACCOUNT + "/disconnects", list_disconnects, methods=["GET"]),
    Route(ACCOUNT + "/disconnects", create_disconnect, methods=["POST"]),
    Route(ACCOUNT + "/disconnects/{disconnect}", get_disconnect, methods=["GET"]),
]
