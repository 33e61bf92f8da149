"""A TN option order's life, drawn like a number order's: the number put on a 10DLC campaign.

Assigning a number to a campaign is an order too (RECEIVED, PROCESSING, then COMPLETE, PARTIAL
or FAILED, every answer HTTP 200), so a person waiting on it needs what the number order's
timeline gives; only the words differ: what each status means for the campaign, and that the
carriers still provision the number (PROCESSING, then SUCCESS) after the order completes.
"""

from __future__ import annotations

from wizard.tui.widgets.order_timeline import OrderTimeline

ASSIGNMENT_MEANING: dict[str, str] = {
    "RECEIVED": "Bandwidth accepted the assignment.",
    "PROCESSING": "Bandwidth is putting the numbers on the campaign.",
    "COMPLETE": "Every number is on the campaign.",
    "PARTIAL": "Some numbers are on the campaign, others failed.",
    "FAILED": "No number could be put on the campaign.",
}
"""One short clause per status of a TN option order."""

ASSIGNMENT_NEXT: dict[str, str] = {
    "COMPLETE": "The carriers then provision it: the number reads PROCESSING, then SUCCESS.",
    "PARTIAL": (
        "The numbers on the campaign can send once they read SUCCESS; the failed ones cannot "
        "until they are assigned (the reasons are in the panel below)."
    ),
    "FAILED": (
        "Nothing changed. Check that the campaign is REGISTERED and the number is on this "
        "account, then try again."
    ),
    "TIMEOUT": (
        "The assignment keeps going on Bandwidth's side. Press Retry to keep watching it; the "
        "wizard finds the same TN option order again, it never sends it twice."
    ),
}
"""What to do once the TN option order is final (or the wizard stopped watching)."""


class AssignmentTimeline(OrderTimeline):
    """The TN option order that puts the numbers on a campaign, with its campaign named."""

    MEANING = ASSIGNMENT_MEANING
    DONE_TITLE = "On the campaign"
    FAILED_TITLE = "Not assigned"

    campaign_id: str | None = None
    """The campaign the numbers go on (shown in the heading)."""

    def _heading(self) -> str:
        if not self.order_id:
            return "No assignment yet."
        parts = [f"TN option order {self.order_id}"]
        if self.campaign_id:
            parts.append(f"campaign {self.campaign_id}")
        return "  ·  ".join(parts)

    def _outcome(self) -> tuple[str, str]:
        status = self.status
        if self.problem is not None:
            _message, hint, kind = self.problem
            if kind == "timeout":
                stopped = f"Stopped watching: the assignment is still {status}."
                return f"{stopped}\n{ASSIGNMENT_NEXT['TIMEOUT']}", "bad"
            if status in ("FAILED", "PARTIAL") and not self.completed:
                return f"The assignment is {status}.\n{ASSIGNMENT_NEXT['FAILED']}", "bad"
            if status not in ("COMPLETE", "PARTIAL"):
                return f"Could not check the assignment.\n{hint}".strip(), "bad"
        if status == "COMPLETE":
            count = len(self.completed)
            noun = "number is" if count == 1 else "numbers are"
            return (
                f"The assignment is COMPLETE: {count} {noun} on the campaign.\n"
                f"{ASSIGNMENT_NEXT['COMPLETE']}",
                "ok",
            )
        if status == "PARTIAL":
            return (
                f"The assignment is PARTIAL: {len(self.completed)} on the campaign, "
                f"{len(self.failed_numbers)} failed.\n{ASSIGNMENT_NEXT['PARTIAL']}",
                "mixed",
            )
        if status == "FAILED":
            return f"The assignment is FAILED.\n{ASSIGNMENT_NEXT['FAILED']}", "bad"
        return "", ""
