"""Disconnect orders, without any HTTP: numbers leave service when the order completes.

Shapes and codes (Bandwidth/api-docs `site/docs/numbers/disconnectNumbers.mdx`, numbers.yml
CreateDisconnectOrder/ReadDisconnectOrder, `site/docs/numbers/errors.mdx` OrderErrorType):
- an order goes RECEIVED, PROCESSING, then COMPLETE ("Disconnect successful"), PARTIAL or FAILED
  ("... Please check error list in the response"), over `order_delay` seconds of the sandbox's
  clock, like a number order;
- each number is judged when the order completes, not when it is placed: a number in service
  on the account is disconnected; one this account already disconnected fails with 5074
  "Telephone number is not in service."; one it never had fails with 5076 "Number does not
  belong to this account.". So a rerun after a crash gets a FAILED order whose errors all say
  "already gone", never a refusal at the door.

Disconnected numbers leave the location and the in-service list, and stay allocated (aging), so
the sandbox never offers them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wizard.sandbox.orders import status_at

if TYPE_CHECKING:
    from wizard.sandbox.state import SandboxState

MAX_DISCONNECTS = 1000
"""Bounded memory: the oldest finished disconnect orders are forgotten beyond this."""
MAX_DISCONNECT_NUMBERS = 5000
"""Numbers in one disconnect order (errors.mdx 5095 names a maximum; the sandbox uses the
Dashboard's largest page, 5000)."""

NOT_IN_SERVICE = (5074, "Telephone number is not in service.")
NOT_OURS = (5076, "Number does not belong to this account.")


@dataclass
class Disconnect:
    id: str
    numbers: list[str]
    created_by: str
    created_wall: float
    created_mono: float
    delay: float
    customer_order_id: str | None = None
    mode: str = "normal"
    protected: str = "UNCHANGED"
    settled: bool = False
    final_status: str = "PROCESSING"
    disconnected: list[str] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    """(code, description, telephone number) per number that could not be disconnected."""

    def status(self, now_mono: float) -> str:
        if self.settled:
            return self.final_status
        return status_at(now_mono - self.created_mono, self.delay, "PROCESSING")

    @property
    def complete_wall(self) -> float:
        return self.created_wall + self.delay


def make_room(state: SandboxState) -> bool:
    """Forget the oldest finished orders so one more fits (caller holds the lock); False when
    every held order is still pending, so the new one must be refused."""
    if len(state.disconnects) < MAX_DISCONNECTS:
        return True
    for old_id in [d.id for d in state.disconnects.values() if d.settled]:
        del state.disconnects[old_id]
        if len(state.disconnects) < MAX_DISCONNECTS:
            return True
    return False


def settle_due(state: SandboxState, now_mono: float) -> None:
    """Complete every order whose delay has passed (caller holds the lock)."""
    for disconnect in state.disconnects.values():
        if not disconnect.settled and now_mono - disconnect.created_mono >= disconnect.delay:
            _settle(state, disconnect)


def _settle(state: SandboxState, disconnect: Disconnect) -> None:
    leaving: dict[str, set[str]] = {}
    for number in disconnect.numbers:
        record = state.in_service.pop(number, None)
        if record is not None:
            disconnect.disconnected.append(number)
            leaving.setdefault(record["location_id"], set()).add(number)
            state.aging.add(number)
        elif number in state.aging:
            disconnect.errors.append((*NOT_IN_SERVICE, number))
        else:
            disconnect.errors.append((*NOT_OURS, number))
    for location_id, numbers in leaving.items():
        location = state.locations.get(location_id)
        if location is not None:
            location.numbers = [n for n in location.numbers if n not in numbers]
    if not disconnect.errors:
        disconnect.final_status = "COMPLETE"
    elif disconnect.disconnected:
        disconnect.final_status = "PARTIAL"
    else:
        disconnect.final_status = "FAILED"
    disconnect.settled = True
