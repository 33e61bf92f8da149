"""Whether a from-number can deliver today, by its real state rather than by magic destinations.

In the US a local (10DLC) number delivers only once it is assigned to a registered campaign and
provisioned (SUCCESS on the campaign); until then messages fail with 4476, and T-Mobile, which
blocks unregistered traffic outright, answers 5620. A toll-free number delivers only once it is
verified; until then 4795 (tfn-not-verified). Sources: bandwidth-2026.md section 4, api-docs
messaging errors.mdx, Bandwidth/cli AGENTS.md.

T-Mobile test destinations: `+1NPA555866X` (any area code, exchange 555, line 8660-8669; 866
spells TMO on a keypad). From an unregistered local number they fail with 5620 instead of 4476.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from wizard.sandbox.tollfree import is_toll_free

if TYPE_CHECKING:
    from wizard.sandbox.state import SandboxState

NOT_REGISTERED = 4476, "source number not registered to a 10DLC campaign"
TMOBILE_BLOCKED = 5620, "destination-app-error"
NOT_VERIFIED = 4795, "tfn-not-verified"
TOLL_FREE_OFF = 4403, "rejected-forbidden-from-number"

TMOBILE_DESTINATION = re.compile(r"\+1[2-9][0-9]{2}555866[0-9]")


def blocked(state: SandboxState, sender: str, destination: str) -> tuple[int, str] | None:
    """Why a message from `sender` (E.164, in service) to `destination` will fail, or None."""
    number = sender[2:]
    now = state.clock()
    if is_toll_free(number):
        verification = state.compliance.verification(sender)
        if verification is None or verification.status(now) != "VERIFIED":
            return NOT_VERIFIED
        return None
    assignment = state.compliance.campaign_number(number, now)
    if assignment is None or assignment.status(now) != "SUCCESS":
        return TMOBILE_BLOCKED if TMOBILE_DESTINATION.fullmatch(destination) else NOT_REGISTERED
    return None
