"""How far `apply` goes: it creates nothing the config did not ask for.

Each table of the config asks for the steps it holds the inputs of:

    [application]  the Application step        (creates an application)
    [location]     the Location step           (creates a location)
    [features]     Enable SMS and Enable MMS   (changes the location's messaging features)
    [order]        Order numbers               (orders, and pays for, numbers)
    [compliance]   Ready to send               (puts the number on a 10DLC campaign, or
                                                submits its toll-free verification)
    [message]      Send a message              (sends one)

The other steps have no inputs of their own and create nothing unasked: Verify credentials only
reads; Sub-account uses an existing sub-account unless [subaccount] names a new one; Assign
application links what the steps before it made; Order status watches the order. They run
whenever `apply` gets to them.

`apply` runs up to the last step the config asks for (and the table-less steps right after it:
Assign after [features], Order status after [order]) and stops before the first step after that
whose table is missing, saying so. A step before that whose table is missing is not done again:
it must already be done, recorded by an earlier run (of `apply` or of the screens), and is only
confirmed against the API; when saved progress does not have it, the config is refused before
the first request, naming the missing tables.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from wizard.engine.registry import ORDER_OF_STEPS, STEP_BY_ID
from wizard.engine.step import StepId

ASKED_BY: dict[StepId, str] = {
    StepId.APPLICATION: "application",
    StepId.LOCATION: "location",
    StepId.SMS: "features",
    StepId.MMS: "features",
    StepId.ORDER: "order",
    StepId.READY: "compliance",
    StepId.SEND: "message",
}
"""Step -> the table that asks for it. Steps not here run whenever `apply` gets to them."""

NOT_DONE: dict[str, str] = {
    "application": "no application was created",
    "location": "no location was created",
    "features": "SMS and MMS were not enabled",
    "order": "no numbers were ordered",
    "compliance": "the number was not made ready to send (10DLC campaign or toll-free "
    "verification)",
    "message": "no message was sent",
}
"""What stopping before a table's steps leaves undone, in words."""


@dataclass(frozen=True)
class ApplyPlan:
    """The steps `apply` runs for one config, and where (and why) it stops."""

    steps: tuple[StepId, ...]
    """Every step to go through, in the guide's order."""
    confirm_only: frozenset[StepId]
    """Steps whose table the config leaves out: confirmed from saved progress, never done."""
    stop_before: StepId | None = None
    """The first step not run, when the config stops short of the last step."""

    @property
    def stop_table(self) -> str | None:
        """The missing table that makes `apply` stop, if it stops early."""
        return ASKED_BY.get(self.stop_before) if self.stop_before else None

    def stop_line(self) -> str:
        """Where and why it stopped, as one line ("" when it went to the end)."""
        table = self.stop_table
        if self.stop_before is None or table is None:
            return ""
        title = STEP_BY_ID[self.stop_before].title
        return (
            f"Stopped before “{title}”: the config has no [{table}] table, so "
            f"{NOT_DONE[table]}. Add [{table}] to go on."
        )


class PlanError(ValueError):
    """The config asks for a step whose earlier steps it leaves out and nothing has done."""

    def __init__(self, missing: tuple[str, ...], wanted: str) -> None:
        self.missing = missing
        self.wanted = wanted
        tables = ", ".join(f"[{table}]" for table in missing)
        noun = "table" if len(missing) == 1 else "tables"
        super().__init__(
            f"[{wanted}] needs the steps of {tables} done first, and the config has no such "
            f"{noun} and no earlier run did them: add the {noun}."
        )


def plan_apply(
    tables: Collection[str],
    recorded: Callable[[StepId], bool],
    *,
    skipped: Collection[StepId] = (),
) -> ApplyPlan:
    """The plan for a config with these step tables, given which steps saved progress holds.

    `skipped` steps are neither run nor required (Ready to send, with --send-anyway and no
    [compliance] table). Raises PlanError when a table asks for a step that needs earlier steps
    the config leaves out and saved progress does not have (nothing has been sent yet).
    """
    asked = [step for step in ORDER_OF_STEPS if ASKED_BY.get(step) in tables]
    if asked:
        end = ORDER_OF_STEPS.index(asked[-1])
    else:
        first_asked = next(i for i, step in enumerate(ORDER_OF_STEPS) if step in ASKED_BY)
        end = first_asked - 1
    while end + 1 < len(ORDER_OF_STEPS) and ORDER_OF_STEPS[end + 1] not in ASKED_BY:
        end += 1
    steps = tuple(step for step in ORDER_OF_STEPS[: end + 1] if step not in skipped)
    confirm_only = frozenset(
        step for step in steps if step in ASKED_BY and ASKED_BY[step] not in tables
    )
    missing: list[str] = []
    for step in steps:
        if step in confirm_only and not recorded(step) and ASKED_BY[step] not in missing:
            missing.append(ASKED_BY[step])
    if missing:
        raise PlanError(tuple(missing), ASKED_BY[asked[-1]])
    stop = ORDER_OF_STEPS[end + 1] if end + 1 < len(ORDER_OF_STEPS) else None
    return ApplyPlan(steps, confirm_only, stop)
