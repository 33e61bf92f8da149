"""Carrying out a teardown plan against the Dashboard, recording each piece as it goes.

Every removal is safe to repeat: a 404 means already gone, and the record of a resource is
forgotten only once Bandwidth no longer has it, so a rerun after a crash or a refusal starts
where the last run stopped. Numbers are never disconnected twice: the disconnect order's
CustomerOrderId is saved before the POST, a rerun that finds it saved looks the order up instead
of posting again, and only numbers still in service are put on a new order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wizard.bandwidth.models import DisconnectOrder, us_e164
from wizard.core.errors import Kind, WizardError
from wizard.engine.book import ProgressBook
from wizard.engine.polling import PollSchedule
from wizard.engine.step import StepId
from wizard.engine.teardown_plan import NUMBER_STEPS, TEARDOWN_KEY, Removal, Resource, TeardownPlan

if TYPE_CHECKING:
    from wizard.bandwidth.dashboard import DashboardClient

DISCONNECT_POLLS = PollSchedule(first=0.25, factor=1.5, cap=5.0)
"""Disconnect orders take seconds: ask soon, then back off."""
DISCONNECT_TIMEOUT = 600.0
"""Seconds to wait for a disconnect order to end before stopping (a rerun picks it up)."""

REMOVED = "removed"
ALREADY_GONE = "already gone"
KEPT = "kept"

FORGETS: dict[Resource, tuple[StepId, ...]] = {
    Resource.NUMBERS: NUMBER_STEPS,
    Resource.LINK: (StepId.ASSIGN,),
    Resource.MMS: (StepId.MMS,),
    Resource.SMS: (StepId.SMS,),
    Resource.LOCATION: (StepId.LOCATION, StepId.SMS, StepId.MMS, StepId.ASSIGN),
    Resource.APPLICATION: (StepId.APPLICATION,),
    Resource.SUBACCOUNT: (StepId.SUBACCOUNT,),
}
"""The records that describe a resource: forgotten once it is gone."""


@dataclass(frozen=True)
class Outcome:
    """What became of one resource."""

    resource: Resource
    status: str
    """REMOVED, ALREADY_GONE or KEPT."""
    detail: str


class TeardownFailed(WizardError):
    """Bandwidth refused a removal (or it could not be finished); `resource` says which. What
    went before it is gone and forgotten, so running the teardown again continues here."""

    def __init__(self, resource: Resource, error: WizardError) -> None:
        super().__init__(error.message, error.hint, kind=error.kind)
        self.resource = resource
        self.cause = error


class TeardownRunner:
    """Runs one plan. `resolve_numbers()` first (it only reads), then `run()`."""

    def __init__(
        self,
        dashboard: DashboardClient,
        book: ProgressBook,
        plan: TeardownPlan,
        *,
        on_outcome: Callable[[Outcome], None] | None = None,
        poll: PollSchedule = DISCONNECT_POLLS,
        timeout: float = DISCONNECT_TIMEOUT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dashboard = dashboard
        self.book = book
        self.plan = plan
        self.on_outcome = on_outcome
        self.poll = poll
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.numbers: tuple[str, ...] = plan.numbers
        """The numbers to disconnect, once known (E.164)."""
        self.outcomes: list[Outcome] = []
        self.disconnect: DisconnectOrder | None = None
        """The disconnect order this run placed or found."""

    # -- before any change -------------------------------------------------------------------

    async def resolve_numbers(self) -> tuple[str, ...]:
        """The numbers to disconnect: from progress, or read from the number order whose outcome
        was never recorded. Only reads; raises when the order has not ended yet."""
        plan = self.plan
        if plan.numbers or plan.removal(Resource.NUMBERS) is None:
            return self.numbers
        order = None
        if plan.order_id:
            try:
                order = await self.dashboard.get_order(plan.order_id)
            except WizardError as error:
                if error.kind is not Kind.NOT_FOUND:
                    raise
        elif plan.order_reference:
            order = await self.dashboard.find_order_by_customer_order_id(plan.order_reference)
        if order is not None and order.status in ("RECEIVED", "PROCESSING", "BACKORDERED"):
            raise TeardownFailed(
                Resource.NUMBERS,
                WizardError(
                    f"Number order {order.id} is still {order.status}: its numbers are not known "
                    "yet, so nothing was removed.",
                    "Run the teardown again once the order has ended"
                    + (
                        " (a backorder can be cancelled in the Bandwidth App)."
                        if order.status == "BACKORDERED"
                        else "."
                    ),
                    kind=Kind.CONFLICT,
                ),
            )
        usable = order is not None and order.status in ("COMPLETE", "PARTIAL")
        self.numbers = tuple(us_e164(n) for n in order.completed_numbers) if usable else ()
        return self.numbers

    # -- the removals ------------------------------------------------------------------------

    async def run(self) -> list[Outcome]:
        """Every removal in the plan's order; then the whole record is forgotten."""
        for removal in self.plan.removals:
            try:
                await self._remove(removal)
            except TeardownFailed:
                raise
            except WizardError as error:
                raise TeardownFailed(removal.resource, error) from error
        for step in (*StepId, TEARDOWN_KEY):
            self.book.forget(step)  # type: ignore[arg-type]
        return self.outcomes

    async def _remove(self, removal: Removal) -> None:
        dash = self.dashboard
        ids = removal.ids
        site, location = ids.get("site_id", ""), ids.get("location_id", "")
        resource = removal.resource
        if resource is Resource.NUMBERS:
            await self._disconnect()
            return
        if resource is Resource.LINK and not self._location_is_ours():
            linked = await dash.get_application_settings(site, location)
            if linked != ids.get("application_id"):
                self._done(
                    resource,
                    KEPT,
                    f"location {location} now names application {linked or '(none)'}: left as is",
                )
                return
        removed = await {
            Resource.LINK: lambda: dash.remove_application_link(site, location),
            Resource.MMS: lambda: dash.delete_mms(site, location),
            Resource.SMS: lambda: dash.delete_sms(site, location),
            Resource.LOCATION: lambda: dash.delete_location(site, location),
            Resource.APPLICATION: lambda: dash.delete_application(ids["application_id"]),
            Resource.SUBACCOUNT: lambda: dash.delete_site(ids["site_id"]),
        }[resource]()
        self._done(resource, REMOVED if removed else ALREADY_GONE, removal.what or removal.title)

    def _location_is_ours(self) -> bool:
        return self.plan.removal(Resource.LOCATION) is not None

    def _done(self, resource: Resource, status: str, detail: str) -> None:
        for step in FORGETS[resource]:
            self.book.forget(step)
        outcome = Outcome(resource, status, detail)
        self.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    # -- numbers -----------------------------------------------------------------------------

    async def _disconnect(self) -> None:
        dash = self.dashboard
        pending = dict(self.book.get(TEARDOWN_KEY) or {})  # type: ignore[call-overload]
        reference = str(
            pending.get("disconnect_customer_order_id") or self.plan.disconnect_reference or ""
        )
        order_id = str(pending.get("disconnect_order_id") or "")
        if not order_id and pending.get("disconnect_customer_order_id"):
            # Saved before a POST whose answer never came: it may have been placed.
            found = await dash.find_disconnect_by_customer_order_id(reference)
            if found is not None:
                order_id = found.id
                self._save(pending, disconnect_order_id=order_id)
        if not order_id:
            numbers = pending.get("numbers") or self.numbers
            still = [n for n in numbers if await dash.is_in_service(n)]
            if not still:
                listed = ", ".join(us_e164(n) for n in numbers) or "(none)"
                self._numbers_done(ALREADY_GONE, f"numbers {listed} (none in service)")
                return
            # Durable before the POST: a crash after it leaves the reference to look up.
            self._save(
                pending,
                disconnect_customer_order_id=reference,
                numbers=[us_e164(n) for n in still],
            )
            placed = await dash.create_disconnect(still, reference)
            order_id = placed.id
            self._save(self.book.get(TEARDOWN_KEY) or {}, disconnect_order_id=order_id)
        order = await self._wait(order_id)
        self.disconnect = order
        if order.problems:
            stuck = [
                e
                for e in order.problems
                if not e.telephone_number or await dash.is_in_service(e.telephone_number)
            ]
            if stuck:
                reasons = "; ".join(
                    f"{e.telephone_number or '?'}: {e.description} ({e.code})" for e in stuck
                )
                raise WizardError(
                    f"Disconnect order {order.id} ended {order.status}: {reasons}.",
                    "Those numbers are still in service (and billed). Disconnect them in the "
                    "Bandwidth App or fix the cause, then run the teardown again.",
                    kind=Kind.CONFLICT,
                )
        which = f"(disconnect order {order.id} {order.status})"
        if order.disconnected:
            now = ", ".join(us_e164(n) for n in order.disconnected)
            self._numbers_done(REMOVED, f"numbers {now} {which}")
        else:
            listed = ", ".join(us_e164(n) for n in order.numbers)
            self._numbers_done(ALREADY_GONE, f"numbers {listed} {which}")

    def _numbers_done(self, status: str, detail: str) -> None:
        self.book.forget(TEARDOWN_KEY)  # type: ignore[arg-type]
        self._done(Resource.NUMBERS, status, detail)

    def _save(self, current: Any, **changes: Any) -> None:
        self.book.record(TEARDOWN_KEY, {**dict(current), **changes})  # type: ignore[arg-type]

    async def _wait(self, order_id: str) -> DisconnectOrder:
        start = self.clock()
        intervals = self.poll.intervals()
        while True:
            order = await self.dashboard.get_disconnect(order_id)
            if order.is_final:
                return order
            elapsed = self.clock() - start
            if elapsed >= self.timeout:
                raise WizardError(
                    f"Disconnect order {order_id} was still {order.status} after "
                    f"{self.timeout:g} s.",
                    "It goes on at Bandwidth: run the teardown again later to pick it up "
                    "(it will not disconnect anything twice).",
                    kind=Kind.TIMEOUT,
                )
            await self.sleep(min(next(intervals), max(0.0, self.timeout - elapsed)))
