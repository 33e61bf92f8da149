"""What makes a number deliverable in the US today: 10DLC campaigns, TN option orders that
assign numbers to them, and toll-free verifications. One object, reset with the rest of the state.

Everything time-based is measured on the sandbox clock (`SandboxState.clock`), so a test that
drives that clock completes a TN option order, finishes a number's provisioning or settles a
verification without waiting.
"""

from __future__ import annotations

import random
import uuid
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from wizard.sandbox.campaigns import Campaign, CampaignNumber, seeded_campaigns
from wizard.sandbox.timestamps import iso
from wizard.sandbox.verifications import Verification

if TYPE_CHECKING:
    from wizard.sandbox.tnoption_orders import TnOptionOrder

MAX_TN_OPTION_ORDERS = 1000
MAX_VERIFICATIONS = 1000


class ComplianceState:
    """Campaigns, TN option orders, campaign numbers and toll-free verifications of the account."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"compliance:{seed}")
        self.campaigns: dict[str, Campaign] = seeded_campaigns()
        self.numbers: dict[str, CampaignNumber] = {}
        """Ten-digit number -> its campaign assignment."""
        self.tn_orders: OrderedDict[str, TnOptionOrder] = OrderedDict()
        self._pending: list[str] = []
        self.verifications: dict[str, Verification] = {}
        """E.164 toll-free number -> its latest verification."""

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # -- TN option orders ----------------------------------------------------------------------

    def add_order(self, order: TnOptionOrder) -> None:
        self.tn_orders[order.id] = order
        self._pending.append(order.id)
        while len(self.tn_orders) > MAX_TN_OPTION_ORDERS:
            old_id, _ = self.tn_orders.popitem(last=False)
            if old_id in self._pending:
                self._pending.remove(old_id)

    def advance(self, now: float) -> None:
        """Apply every TN option order whose processing time has passed."""
        still: list[str] = []
        for order_id in self._pending:
            order = self.tn_orders.get(order_id)
            if order is None:
                continue
            if not order.done(now):
                still.append(order_id)
                continue
            self._apply(order)
        self._pending = still

    def _apply(self, order: TnOptionOrder) -> None:
        order.finalized = True
        for number, group in order.applied:
            a2p = group.a2p
            if a2p is None or a2p.action == "unchanged":
                continue
            if a2p.action != "asSpecified":
                self.numbers.pop(number, None)
                continue
            campaign = self.campaigns[a2p.campaign_id or ""]
            self.numbers[number] = CampaignNumber(
                phone_number="+1" + number,
                campaign_id=campaign.campaign_id,
                brand_id=campaign.brand_id,
                message_class=a2p.message_class or "",
                assigned_at=order.complete_mono,
                ready_at=order.complete_mono + order.provisioning_delay,
                created=iso(order.complete_wall),
                ready=iso(order.complete_wall + order.provisioning_delay),
            )

    def campaign_number(self, number: str, now: float) -> CampaignNumber | None:
        """The assignment of a ten-digit number, after applying whatever is due."""
        self.advance(now)
        return self.numbers.get(number)

    # -- toll-free verification ----------------------------------------------------------------

    def verification(self, e164: str) -> Verification | None:
        return self.verifications.get(e164)

    def put_verification(self, verification: Verification) -> None:
        self.verifications[verification.phone_number] = verification
        while len(self.verifications) > MAX_VERIFICATIONS:
            self.verifications.pop(next(iter(self.verifications)))

    # -- the JSON view -------------------------------------------------------------------------

    def snapshot(self, now: float) -> dict[str, Any]:
        self.advance(now)
        return {
            "campaigns": [
                {"campaign_id": c.campaign_id, "status": c.status} for c in self.campaigns.values()
            ],
            "campaign_numbers": [
                {"number": n, "campaign_id": r.campaign_id, "status": r.status(now)}
                for n, r in self.numbers.items()
            ],
            "tn_option_orders": [
                {
                    "id": o.id,
                    "status": o.status(now),
                    "numbers": o.numbers,
                    "errors": [list(e) for e in o.errors] if o.done(now) else [],
                }
                for o in self.tn_orders.values()
            ],
            "toll_free_verifications": [
                {
                    "phone_number": v.phone_number,
                    "status": v.status(now),
                    "denial_status_code": v.decision.code if v.decided(now) else None,
                    "created": iso(v.created_wall),
                }
                for v in self.verifications.values()
            ],
        }
