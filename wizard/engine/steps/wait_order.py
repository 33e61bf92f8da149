"""Order status: orders complete asynchronously; watch one until its numbers are ready.

Every answer is HTTP 200, PARTIAL and FAILED included, so the body's status decides. Polling
starts fast (most orders finish in seconds) and backs off, and each change is reported with the
time it took.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wizard.core.errors import Kind, WizardError
from wizard.core.phone import display
from wizard.core.safe import printable
from wizard.engine.events import OrderPolled, OrderStatusChanged
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId

if TYPE_CHECKING:
    from wizard.bandwidth.models import Order

FINAL_ORDER_STATUSES = frozenset({"COMPLETE", "PARTIAL", "FAILED", "BACKORDERED"})
USABLE_ORDER_STATUSES = frozenset({"COMPLETE", "PARTIAL"})


class WaitOrder(Step):
    id = StepId.WAIT_ORDER
    title = "Order status"
    why = "Orders complete asynchronously: this watches the order until its numbers are ready."
    page = "order-status"
    screen = "wizard.tui.screens.order_status:OrderStatusScreen"
    shown_id = ("numbers", "")
    created = ("numbers",)

    def ready_to_check(self, recorded: Mapping[str, Any]) -> bool:
        return recorded.get("status") in USABLE_ORDER_STATUSES and bool(recorded.get("numbers"))

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        order = await engine.dashboard.get_order(recorded["order_id"])
        return order.status in USABLE_ORDER_STATUSES

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        order_id = engine.data(StepId.ORDER)["order_id"]
        order = await watch_order(engine, order_id, timeout=inputs.order_timeout)
        return {
            "order_id": order.id,
            "status": order.status,
            "numbers": list(order.completed_numbers),
            "failed_numbers": list(order.failed_numbers),
            "errors": [list(error) for error in order.errors],
            "number_errors": [
                [number, error.code, error.description] for number, error in order.number_errors
            ],
        }

    def summary(self, data: Mapping[str, Any]) -> str:
        numbers = ", ".join(display(str(n)) for n in data.get("numbers") or [])
        failed = data.get("failed_numbers") or []
        text = f"order {data.get('status')}: {numbers}"
        return text + (f" ({len(failed)} failed)" if failed else "")

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        order_id = plan.recorded(StepId.ORDER).get("order_id")
        if not order_id:
            return []
        return [
            PlannedRequest(
                "GET",
                plan.dashboard("orders", str(order_id)),
                None,
                "Asked again and again (0.5 s, then slower up to every 5 s) until the status is "
                "final; PARTIAL and FAILED also answer 200, so the wizard reads the body.",
            )
        ]


async def watch_order(engine: StepContext, order_id: str, *, timeout: float) -> Order:
    """Poll until the order's body says it is final; report each change with elapsed time."""
    start = engine.clock()
    last_status: str | None = None
    last_completed: tuple[str, ...] = ()
    intervals = engine.poll.intervals()
    while True:
        order = await engine.dashboard.get_order(order_id)
        elapsed = engine.clock() - start
        final = order.status in FINAL_ORDER_STATUSES
        interval = None if final else next(intervals)
        if interval is not None and elapsed + interval > timeout:
            interval = max(0.0, timeout - elapsed)
        completed = tuple(order.completed_numbers)
        if order.status != last_status or completed != last_completed:
            engine.emit(
                OrderStatusChanged(
                    StepId.WAIT_ORDER,
                    order.id,
                    order.status,
                    elapsed,
                    completed,
                    tuple(order.failed_numbers),
                    interval,
                    number_reasons(order.number_errors),
                )
            )
            last_status, last_completed = order.status, completed
        engine.emit(OrderPolled(StepId.WAIT_ORDER, order.id, order.status, elapsed, interval))
        if final:
            return judge_order(order)
        if elapsed >= timeout:
            raise WizardError(
                f"Order {order_id} was still {order.status} after {timeout:g} s.",
                "It keeps going on Bandwidth's side: run the wizard again later to pick it up,"
                " or raise the order timeout.",
                kind=Kind.TIMEOUT,
            )
        await engine.sleep(interval or 0.0)


def number_reasons(errors: Any) -> tuple[tuple[str, str], ...]:
    """``(number, "5005 The telephone number is unavailable for ordering")`` for each error that
    names a number, from an Order's `number_errors` or the recorded ``[number, code, text]``."""
    reasons: list[tuple[str, str]] = []
    for entry in errors or ():
        if isinstance(entry, tuple) and len(entry) == 2 and not isinstance(entry[1], str):
            number, error = entry
            code, description = error.code, error.description
        elif isinstance(entry, list | tuple) and len(entry) == 3:
            number, code, description = entry
        else:
            continue
        reason = " ".join(printable(str(part)) for part in (code, description) if part)
        reasons.append((str(number), " ".join(reason.split())))
    return tuple(reasons)


def judge_order(order: Order) -> Order:
    """COMPLETE and PARTIAL go on; FAILED and BACKORDERED stop with the API's own reasons."""
    # One line per distinct reason: the API repeats it for every number that failed.
    counts: dict[tuple[str, str], int] = {}
    for code, desc in order.errors:
        key = (printable(str(code)), printable(str(desc)))  # server text, shown on a terminal
        counts[key] = counts.get(key, 0) + 1
    reasons = "; ".join(
        f"{desc} (code {code}" + (f", {n} numbers)" if n > 1 else ")")
        for (code, desc), n in counts.items()
    )
    if order.status == "COMPLETE" or (order.status == "PARTIAL" and order.completed_numbers):
        return order
    if order.status == "BACKORDERED":
        raise WizardError(
            f"Order {order.id} is BACKORDERED: Bandwidth has no numbers to fill it yet."
            + (f" {reasons}." if reasons else ""),
            "Order again in another area code; the backorder may still fill later.",
            kind=Kind.ORDER_BACKORDERED,
        )
    raise WizardError(
        f"Order {order.id} {order.status}." + (f" {reasons}." if reasons else ""),
        "Try another area code or a smaller quantity.",
        kind=Kind.ORDER_FAILED,
    )


STEP = WaitOrder()
