"""Order numbers: search an area code (or a toll-free pattern), then order numbers onto the
location.

A local number sends texts once it is on a registered 10DLC campaign, which needs a brand and a
campaign reviewed for days; a toll-free number once its verification is approved, which one
developer can usually ask for alone. So the step orders either: local numbers in an area code
(``AreaCodeSearchAndOrderType``), or toll-free numbers matching a wildcard such as ``8**``
(``TollFreeWildCharSearchAndOrderType``).

The order's CustomerOrderId is saved before the POST: if the answer is lost or the program dies,
the next run finds the order by that reference instead of ordering (and billing) again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from wizard.bandwidth import xml as bwxml
from wizard.core.errors import Kind, WizardError
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId
from wizard.engine.steps.location import planned_location, recorded_location


class Order(Step):
    id = StepId.ORDER
    title = "Order numbers"
    why = "Orders phone numbers in an area code onto the location."
    page = "order"
    screen = "wizard.tui.screens.order:OrderScreen"
    shown_id = ("order_id", "order")
    created = ("order_id",)

    def ready_to_check(self, recorded: Mapping[str, Any]) -> bool:
        return bool(recorded.get("order_id"))

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        order = await engine.dashboard.get_order(recorded["order_id"])
        return order.id == recorded["order_id"]

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        site_id, location_id = recorded_location(engine)
        pending = engine.recorded(StepId.ORDER) or {}
        customer_order_id = pending.get("customer_order_id")
        if customer_order_id:
            found = await engine.dashboard.find_order_by_customer_order_id(customer_order_id)
            if found is not None:
                return _record(found, customer_order_id, inputs)
        pattern = inputs.toll_free_pattern
        if pattern:
            available = await engine.dashboard.search_toll_free_numbers(pattern, inputs.quantity)
        else:
            available = await engine.dashboard.search_available_numbers(
                inputs.area_code, inputs.quantity
            )
        if not available:
            raise WizardError(
                f"No toll-free numbers match {pattern} right now."
                if pattern
                else f"No numbers are available in area code {inputs.area_code} right now.",
                "Try 8** (any toll-free number)." if pattern else "Try a neighbouring area code.",
                kind=Kind.NOT_FOUND,
            )
        customer_order_id = customer_order_id or f"bw-wizard-{uuid.uuid4().hex[:16]}"
        engine.save(
            StepId.ORDER, {"customer_order_id": customer_order_id, "available": list(available)}
        )
        if pattern:
            order = await engine.dashboard.create_toll_free_order(
                site_id, location_id, pattern, inputs.quantity, customer_order_id
            )
        else:
            order = await engine.dashboard.create_order(
                site_id, location_id, inputs.area_code, inputs.quantity, customer_order_id
            )
        return _record(order, customer_order_id, inputs)

    def summary(self, data: Mapping[str, Any]) -> str:
        what = " for toll-free numbers" if data.get("toll_free_pattern") else ""
        return f"order {data.get('order_id')}{what} placed ({data.get('status')})"

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        site_id, location_id = planned_location(plan)
        area_code = plan.inputs.area_code or "{areaCode}"
        quantity = plan.inputs.quantity
        pattern = plan.inputs.toll_free_pattern
        if pattern:
            return [
                PlannedRequest(
                    "GET",
                    plan.dashboard("availableNumbers")
                    + f"?tollFreeWildCardPattern={pattern}&quantity={quantity}",
                    None,
                    "Searches first, so a pattern without numbers fails before anything is "
                    "ordered.",
                ),
                PlannedRequest(
                    "POST",
                    plan.dashboard("orders"),
                    bwxml.toll_free_order_xml(
                        site_id=site_id,
                        location_id=location_id,
                        pattern=pattern,
                        quantity=int(quantity),
                        customer_order_id="bw-wizard-…",
                    ),
                    "Places the toll-free order; CustomerOrderId lets the wizard find it again "
                    "if the answer is lost.",
                ),
            ]
        return [
            PlannedRequest(
                "GET",
                plan.dashboard("availableNumbers") + f"?areaCode={area_code}&quantity={quantity}",
                None,
                "Searches first, so an area code without numbers fails before anything is ordered.",
            ),
            PlannedRequest(
                "POST",
                plan.dashboard("orders"),
                bwxml.order_xml(
                    site_id=site_id,
                    location_id=location_id,
                    area_code=str(area_code),
                    quantity=int(quantity),
                    customer_order_id="bw-wizard-…",
                ),
                "Places the order; CustomerOrderId lets the wizard find it again if the answer "
                "is lost.",
            ),
        ]


def _record(order: Any, customer_order_id: str, inputs: SetupInputs) -> dict[str, Any]:
    where = (
        {"toll_free_pattern": inputs.toll_free_pattern}
        if inputs.toll_free_pattern
        else {"area_code": inputs.area_code}
    )
    return {
        "order_id": order.id,
        "customer_order_id": customer_order_id,
        **where,
        "quantity": inputs.quantity,
        "status": order.status,
    }


STEP = Order()
