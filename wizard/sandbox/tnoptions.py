"""Dashboard routes for TN option orders: create (201 `TnOptionOrderResponse`), read one (a bare
`<TnOptionOrder>`, as numbers.yml's GetTnOptionOrder example answers) and list them
(`TnOptionOrderReportResponse` with one `TnOptionOrderSummary` per order, filtered by `status`
and `tn`). The lifecycle and the per-number outcomes live in `tnoption_orders`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox.config import provisioning_delay
from wizard.sandbox.dashboard import ACCOUNT, caller_name, gate, read_xml
from wizard.sandbox.paths import api_root
from wizard.sandbox.responses import response_status, xml_response
from wizard.sandbox.state import iso
from wizard.sandbox.tnoption_orders import (
    OrderInvalid,
    TnOptionOrder,
    order_xml,
    parse_order,
    plan,
    ten_digits,
)
from wizard.sandbox.xml import el, leaf

WRAPPER = "TnOptionOrderResponse"
REPORT = "TnOptionOrderReportResponse"


async def create_tn_option_order(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    root = await read_xml(request, WRAPPER, "TnOptionOrder")
    if isinstance(root, Response):
        return root
    try:
        customer_order_id, groups = parse_order(root)
    except OrderInvalid as invalid:
        return response_status(WRAPPER, 400, invalid.description, invalid.code)
    with state.lock:
        compliance = state.compliance
        compliance.advance(state.clock())
        order = TnOptionOrder(
            id=compliance.new_id(),
            account_id=state.identity.account_id,
            created_by=caller_name(request, state),
            created_wall=state.wall(),
            created_mono=state.clock(),
            delay=float(state.config.order_delay),
            provisioning_delay=provisioning_delay(state.config),
            groups=groups,
            customer_order_id=customer_order_id,
        )
        plan(order, state)
        compliance.add_order(order)
        body = el(WRAPPER, order_xml(order, state.clock()))
    location = f"{api_root(request)}/accounts/{state.identity.account_id}/tnoptions/{order.id}"
    return xml_response(body, 201, {"Location": location})


async def get_tn_option_order(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    with state.lock:
        now = state.clock()
        state.compliance.advance(now)
        order = state.compliance.tn_orders.get(request.path_params["order"])
        if order is None:
            return response_status(REPORT, 404, "The resource does not exist")
        return xml_response(order_xml(order, now))


async def list_tn_option_orders(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    wanted_status = {s.upper() for s in request.query_params.getlist("status")}
    wanted_tn = ten_digits(request.query_params.get("tn") or "")
    with state.lock:
        now = state.clock()
        state.compliance.advance(now)
        orders = [
            order
            for order in state.compliance.tn_orders.values()
            if (not wanted_status or order.status(now) in wanted_status)
            and (wanted_tn is None or wanted_tn in {ten_digits(n) for n in order.numbers})
        ]
        summaries = [
            el(
                "TnOptionOrderSummary",
                el("accountId", text=order.account_id),
                el("CountOfTNs", text=len(order.numbers)),
                leaf("CustomerOrderId", order.customer_order_id),
                el("userId", text=order.created_by),
                el(
                    "lastModifiedDate",
                    text=iso(order.complete_wall if order.done(now) else order.created_wall),
                ),
                el("OrderDate", text=iso(order.created_wall)),
                el("OrderType", text="tn_option"),
                el("OrderStatus", text=order.status(now)),
                el("OrderId", text=order.id),
            )
            for order in orders
        ]
    return xml_response(
        el(REPORT, el("TnOptionOrders", el("TotalCount", text=len(orders)), summaries))
    )


ROUTES = [
    Route(ACCOUNT + "/tnoptions", list_tn_option_orders, methods=["GET"]),
    Route(ACCOUNT + "/tnoptions", create_tn_option_order, methods=["POST"]),
    Route(ACCOUNT + "/tnoptions/{order}", get_tn_option_order, methods=["GET"]),
]
