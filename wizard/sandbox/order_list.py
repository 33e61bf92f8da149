"""`GET /accounts/{a}/orders` (ListOrders): how a client finds its number order again.

numbers.yml marks `page` and `size` required ("All Order retrievals must be paginated"): `page`
is "1" for the first page, then the id of the order that starts the next one, as the `<Links>`
of each answer say; at most 1,000 orders come back per request. The 2018 guide listed orders
without them; today that is refused. A list without both parameters answers 400 with 13055
"'page' and 'size' parameters must be specified at the same time." (numbers errors.mdx, the
Dashboard's own pagination check), a bad size 13057/13058, an unknown page id 4018.
`customerOrderId` and `status` narrow the list.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from starlette.requests import Request
from starlette.responses import Response

from wizard.sandbox.dashboard import gate
from wizard.sandbox.responses import base_url, response_status, xml_response
from wizard.sandbox.state import Order, iso
from wizard.sandbox.xml import el, leaf

MAX_SIZE = 1000
WRAPPER = "ResponseSelectWrapper"


def _refused(code: int, description: str) -> Response:
    return response_status(WRAPPER, 400, description, code)


async def list_orders(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    query = request.query_params
    page, size_text = query.get("page"), query.get("size")
    if page is None or size_text is None:
        return _refused(13055, "'page' and 'size' parameters must be specified at the same time.")
    try:
        size = int(size_text)
    except ValueError:
        return _refused(13057, "'size' parameter should be numeric")
    if size < 1:
        return _refused(13058, "page and size must be greater than or equal to 1")
    size = min(size, MAX_SIZE)
    wanted_id = query.get("customerOrderId")
    wanted_status = (query.get("status") or "").upper() or None
    with state.lock:
        now = state.clock()
        matching = [
            order
            for order in state.orders.values()
            if (wanted_id is None or order.customer_order_id == wanted_id)
            and (wanted_status is None or order.status(now) == wanted_status)
        ]
        if page == "1":
            start = 0
        else:
            ids = [order.id for order in matching]
            if page not in ids:
                return _refused(
                    4018, "Please verify that your PAGE search input parameter is correct."
                )
            start = ids.index(page)
        shown = matching[start : start + size]
        rows = [_row(order, now) for order in shown]
        following = matching[start + size] if start + size < len(matching) else None
    link = f"{base_url(request)}{request.url.path}"
    links = el(
        "Links",
        el("first", text=f'Link=<{link}?page=1&size={size}>;rel="first";'),
        el("next", text=f'Link=<{link}?page={following.id}&size={size}>;rel="next";')
        if following is not None
        else None,
    )
    listing = el(
        "ListOrderIdUserIdDate",
        el("TotalCount", text=len(matching)),
        links if matching else None,
        rows,
    )
    return xml_response(el(WRAPPER, listing))


def _row(order: Order, now: float) -> ET.Element:
    final = now - order.created_mono >= order.delay
    return el(
        "OrderIdUserIdDate",
        el("CountOfTNs", text=len(order.outcome.completed) if final else 0),
        leaf("CustomerOrderId", order.customer_order_id),
        el("userId", text=order.created_by),
        el("lastModifiedDate", text=iso(order.complete_wall if final else order.created_wall)),
        el("OrderDate", text=iso(order.created_wall)),
        el("OrderType", text="new_number"),
        el("orderId", text=order.id),
        el("OrderStatus", text=order.status(now)),
    )
