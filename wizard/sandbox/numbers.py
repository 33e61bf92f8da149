"""Dashboard API routes for phone numbers: search, order (the guide's steps 6 and 7) and the order
list that finds an order again by CustomerOrderId (`order_list`); the lists of numbers are in
`inventory.py`. Local numbers are searched and ordered by area code or as specific numbers;
toll-free numbers by wildcard pattern (`tollFreeWildCardPattern`,
`TollFreeWildCharSearchAndOrderType`).

Order errors use the ErrorList shape and echo the order, as the real API does. PARTIAL and FAILED
orders are still HTTP 200: the outcome is in the body, never in the status code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox import tollfree
from wizard.sandbox.dashboard import ACCOUNT, caller_name, gate, read_xml
from wizard.sandbox.order_list import list_orders
from wizard.sandbox.orders import (
    BACKORDERED_AREA_CODE,
    MAX_ORDER_QUANTITY,
    MAX_SEARCH_QUANTITY,
    is_valid_area_code,
    plan_area_code_order,
    plan_existing_order,
    summary,
)
from wizard.sandbox.paths import api_root
from wizard.sandbox.responses import base_url, error_list, not_found, xml_response
from wizard.sandbox.state import MAX_IN_SERVICE, MAX_ORDERS, Order, SandboxState, iso
from wizard.sandbox.xml import el, leaf, parse_bool, text_of

ORDER_WRAPPER = "OrderResponse"
_CUSTOMER_ORDER_ID = re.compile(r"[A-Za-z0-9 \-]{1,40}")
_SEARCH_KEYS = (
    "npaNxx",
    "npaNxxx",
    "rateCenter",
    "state",
    "city",
    "zip",
    "lata",
    "localVanity",
    "tollFreeVanity",
    "tollFreeWildCardPattern",
)


# -- search ---------------------------------------------------------------------------------


def _search_error(description: str, code: int = 4010) -> Response:
    root = el(
        "SearchResult",
        el("Error", el("Code", text=code), el("Description", text=description)),
    )
    return xml_response(root, 400)


def _quantity(raw: str | None) -> int | None:
    try:
        quantity = int(raw if raw is not None else str(MAX_SEARCH_QUANTITY))
    except ValueError:
        return None
    return quantity if 1 <= quantity <= MAX_SEARCH_QUANTITY else None


async def available_numbers(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    query = request.query_params
    area_code = query.get("areaCode")
    pattern = query.get("tollFreeWildCardPattern")
    if area_code is None and pattern is not None:
        return _toll_free_search(state, pattern, query.get("quantity"), query.get("enableTNDetail"))
    if area_code is None:
        if any(key in query for key in _SEARCH_KEYS):
            return _search_error("Provided search criteria are unsupported or are not valid")
        return _search_error(
            "One of more required search parameters are null or empty, please refer to the "
            "api documentation"
        )
    if not is_valid_area_code(area_code) or area_code in tollfree.PREFIXES:
        return _search_error(f"The area code specified {area_code} is not valid")
    quantity = _quantity(query.get("quantity"))
    if quantity is None:
        return _search_error(f"The quantity {query.get('quantity')} is not valid (1 to 5000)")
    with state.lock:
        numbers = state.pool.available(area_code, quantity, state.allocated)
    return _search_result(numbers, query.get("enableTNDetail"))


def _toll_free_search(
    state: SandboxState, pattern: str, raw_quantity: str | None, detail: str | None
) -> Response:
    if not tollfree.valid_pattern(pattern):
        code, description = tollfree.BAD_PATTERN
        return _search_error(description, code)
    quantity = _quantity(raw_quantity)
    if quantity is None:
        return _search_error(f"The quantity {raw_quantity} is not valid (1 to 5000)")
    with state.lock:
        numbers = tollfree.available(state.pool, pattern, quantity, state.allocated)
    return _search_result(numbers, detail)


def _search_result(numbers: list[str], detail: str | None) -> Response:
    if not numbers:
        return xml_response(el("SearchResult"))
    if parse_bool(detail):
        listing = el(
            "TelephoneNumberDetailList",
            [
                el(
                    "TelephoneNumberDetail",
                    el("City", text="SANDBOX"),
                    el("LATA", text="426"),
                    el("RateCenter", text="SANDBOX"),
                    el("State", text="NC"),
                    el("TelephoneNumber", text=number),
                )
                for number in numbers
            ],
        )
    else:
        listing = el("TelephoneNumberList", [el("TelephoneNumber", text=n) for n in numbers])
    return xml_response(el("SearchResult", el("ResultCount", text=len(numbers)), listing))


# -- orders ---------------------------------------------------------------------------------


class OrderRejected(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _requested_order_xml(root: ET.Element) -> ET.Element:
    """The request's order, echoed in a 400 as the real API does."""
    echo = ET.Element("Order")
    for child in root:
        echo.append(child)
    return echo


async def create_order(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    root = await read_xml(request, ORDER_WRAPPER, "Order")
    if isinstance(root, Response):
        return root
    with state.lock:
        try:
            order = _new_order(root, state, caller_name(request, state))
        except OrderRejected as rejected:
            return error_list(
                ORDER_WRAPPER,
                400,
                [(rejected.code, rejected.description)],
                _requested_order_xml(root),
            )
        state.add_order(order)
        body = el(
            ORDER_WRAPPER, _order_xml(order, with_id=True), el("OrderStatus", text="RECEIVED")
        )
    location = f"{api_root(request)}/accounts/{state.identity.account_id}/orders/{order.id}"
    return xml_response(body, 201, {"Location": location})


def _new_order(root: ET.Element, state: SandboxState, created_by: str) -> Order:
    """Validate the order request and decide its outcome (revealed later by status_at)."""
    customer_order_id = text_of(root, "CustomerOrderId") or None
    if customer_order_id is not None and not _CUSTOMER_ORDER_ID.fullmatch(customer_order_id):
        raise OrderRejected(
            5052,
            "Customer order ID is invalid. Only alphanumeric values, dashes and spaces are "
            "allowed. Max length is 40 characters.",
        )
    site_id = text_of(root, "SiteId")
    if not site_id:
        raise OrderRejected(5022, "SiteId is a required field.")
    if site_id not in state.sites:
        raise OrderRejected(5016, "The SiteId submitted is invalid.")
    peer_id = text_of(root, "PeerId") or None
    if peer_id is not None:
        location = state.locations.get(peer_id)
        if location is None or location.site_id != site_id:
            raise OrderRejected(5023, "SIP peer submitted is invalid.")
    else:
        default = next(
            (loc for loc in state.locations.values() if loc.site_id == site_id and loc.is_default),
            None,
        )
        if default is None:
            raise OrderRejected(
                5020,
                "No default SIP peer is set on the account and site. Please create one then "
                "resubmit your request.",
            )
        location = default
    if len(state.orders) >= MAX_ORDERS or len(state.in_service) >= MAX_IN_SERVICE:
        raise OrderRejected(5007, "Exceeded Maximum Ordering Capacity")

    partial_allowed = parse_bool(text_of(root, "PartialAllowed"))
    partial_allowed = True if partial_allowed is None else partial_allowed
    common = {
        "id": state.ids.uuid(),
        "site_id": site_id,
        "peer_id": location.id,
        "peer_id_given": peer_id is not None,
        "created_by": created_by,
        "created_wall": state.wall(),
        "created_mono": state.clock(),
        "delay": float(state.config.order_delay),
        "customer_order_id": customer_order_id,
        "name": text_of(root, "Name") or None,
        "back_order_requested": parse_bool(text_of(root, "BackOrderRequested")) or False,
        "partial_allowed": partial_allowed,
    }
    search = root.find("AreaCodeSearchAndOrderType")
    if search is not None:
        area_code = text_of(search, "AreaCode") or ""
        if not is_valid_area_code(area_code):
            raise OrderRejected(
                4000, "Please verify that your Area Code search input parameters are correct."
            )
        quantity_text = text_of(search, "Quantity") or "1"
        try:
            quantity = int(quantity_text)
        except ValueError:
            quantity = 0
        if not 1 <= quantity <= MAX_ORDER_QUANTITY:
            raise OrderRejected(5009, f"The quantity specified {quantity_text} is invalid.")
        numbers = (
            []
            if area_code == BACKORDERED_AREA_CODE
            else state.pool.available(area_code, quantity, state.allocated)
        )
        outcome = plan_area_code_order(area_code, numbers, partial_allowed)
        return Order(**common, outcome=outcome, area_code=area_code, quantity=quantity)
    toll_free = root.find("TollFreeWildCharSearchAndOrderType")
    if toll_free is not None:
        pattern = text_of(toll_free, "TollFreeWildCardPattern") or ""
        if not tollfree.valid_pattern(pattern):
            raise OrderRejected(*tollfree.BAD_PATTERN)
        quantity_text = text_of(toll_free, "Quantity") or "1"
        try:
            quantity = int(quantity_text)
        except ValueError:
            quantity = 0
        if not 1 <= quantity <= MAX_ORDER_QUANTITY:
            raise OrderRejected(5009, f"The quantity specified {quantity_text} is invalid.")
        numbers = tollfree.available(state.pool, pattern, quantity, state.allocated)
        outcome = plan_area_code_order(pattern, numbers, partial_allowed)
        return Order(
            **common,
            outcome=outcome,
            order_type="toll_free",
            quantity=quantity,
            toll_free_pattern=pattern,
        )
    existing = root.find("ExistingTelephoneNumberOrderType")
    if existing is not None:
        numbers = [
            (item.text or "").strip()
            for item in existing.findall("TelephoneNumberList/TelephoneNumber")
        ]
        if not numbers or len(numbers) > MAX_ORDER_QUANTITY:
            raise OrderRejected(5001, "Invalid input telephone number list")
        outcome = plan_existing_order(numbers, state.allocated)
        return Order(
            **common,
            outcome=outcome,
            order_type="existing",
            quantity=len(numbers),
            requested_numbers=numbers,
        )
    raise OrderRejected(5087, "The input order type is not a valid entry.")


def _order_xml(order: Order, *, with_id: bool) -> ET.Element:
    if order.order_type == "area_code":
        kind = el(
            "AreaCodeSearchAndOrderType",
            el("AreaCode", text=order.area_code),
            el("Quantity", text=order.quantity),
        )
    elif order.order_type == "toll_free":
        kind = el(
            "TollFreeWildCharSearchAndOrderType",
            el("Quantity", text=order.quantity),
            el("TollFreeWildCardPattern", text=order.toll_free_pattern),
        )
    else:
        kind = el(
            "ExistingTelephoneNumberOrderType",
            el(
                "TelephoneNumberList",
                [el("TelephoneNumber", text=number) for number in order.requested_numbers],
            ),
        )
    return el(
        "Order",
        leaf("CustomerOrderId", order.customer_order_id),
        leaf("Name", order.name),
        el("OrderCreateDate", text=iso(order.created_wall)),
        el("PeerId", text=order.peer_id),
        el("BackOrderRequested", text=order.back_order_requested),
        leaf("id", order.id if with_id else None),
        kind,
        el("PartialAllowed", text=order.partial_allowed),
        el("SiteId", text=order.site_id),
    )


def order_status_xml(order: Order, now_mono: float) -> ET.Element:
    """GET /orders/{id}: the guide's shape, plus ErrorList/FailedNumbers when numbers failed."""
    status = order.status(now_mono)
    final = now_mono - order.created_mono >= order.delay
    outcome = order.outcome
    completed = outcome.completed if final else []
    failed = outcome.failed if final else []
    errors = outcome.errors if final else []
    ended = final and status in ("COMPLETE", "PARTIAL", "FAILED")
    modified = order.complete_wall if final else order.created_wall
    if order.area_code:
        area_codes = [order.area_code]
    else:
        area_codes = [n[:3] for n in (order.requested_numbers or completed)]
    return el(
        ORDER_WRAPPER,
        el("CompletedQuantity", text=len(completed)),
        el("CreatedByUser", text=order.created_by),
        el(
            "ErrorList",
            [
                el(
                    "Error",
                    el("Code", text=code),
                    el("Description", text=description),
                    leaf("TelephoneNumber", number),
                )
                for code, description, number in errors
            ],
        )
        if errors
        else None,
        el("FailedNumbers", [el("FullNumber", text=n) for n in failed]) if failed else None,
        el("LastModifiedDate", text=iso(modified)),
        el("OrderCompleteDate", text=iso(order.complete_wall)) if ended else None,
        _order_xml(order, with_id=False),
        el("OrderStatus", text=status),
        el(
            "CompletedNumbers",
            [el("TelephoneNumber", el("FullNumber", text=n)) for n in completed],
        )
        if completed
        else None,
        el("Summary", text=summary(len(completed), area_codes)) if ended else None,
        el("FailedQuantity", text=len(failed)),
        el("PendingQuantity", text=order.quantity) if not ended else None,
    )


async def get_order(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    with state.lock:
        order = state.orders.get(request.path_params["order"])
        if order is None:
            return not_found()
        return xml_response(order_status_xml(order, state.clock()))


def _first_link(request: Request) -> str:
    return f'Link=<{base_url(request)}{request.url.path}?page=1&size=500>;rel="first";'


ROUTES = [
    Route(ACCOUNT + "/availableNumbers", available_numbers, methods=["GET"]),
    Route(ACCOUNT + "/orders", list_orders, methods=["GET"]),
    Route(ACCOUNT + "/orders", create_order, methods=["POST"]),
    Route(ACCOUNT + "/orders/{order}", get_order, methods=["GET"]),
]
