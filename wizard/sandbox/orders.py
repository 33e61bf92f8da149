"""Phone numbers and the order lifecycle, without any HTTP.

Numbers come from a seeded generator per area code, so the same seed always offers the same
numbers. An order's outcome is decided when it is created (by the documented test area codes) and
revealed over `order_delay` seconds: RECEIVED, then PROCESSING, then the final status. Status is
computed from elapsed time, so it is the same whoever asks and however many ask at once.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

#: Test area codes, like a payment provider's test cards.
PARTIAL_AREA_CODE = "222"
FAILED_AREA_CODE = "333"
BACKORDERED_AREA_CODE = "444"
NO_NUMBERS_AREA_CODE = "777"

#: Exchanges never handed out: N11 service codes, 555 (the test destinations), 958/959/976.
_EXCLUDED_EXCHANGES = frozenset({555, 958, 959, 976})

MAX_ORDER_QUANTITY = 100
MAX_SEARCH_QUANTITY = 5000

ERROR_UNAVAILABLE = (5005, "The telephone number is unavailable for ordering")
ERROR_PARTIAL = (
    5017,
    "Only a partial quantity of the total telephone numbers ordered could be fulfilled",
)
ERROR_NONE_AVAILABLE = (5018, "The entire quantity of telephone numbers ordered is unavailable")
ERROR_BACKORDERED = (
    5521,
    "Order Backordered - no numbers allocated, awaiting available inventory to completely "
    "fulfill order",
)

_AREA_CODE = re.compile(r"[2-9][0-8][0-9]")
_TEN_DIGITS = re.compile(r"[2-9][0-8][0-9][2-9][0-9]{6}")


def is_valid_area_code(value: str) -> bool:
    """A NANP area code: NXX with the middle digit 0-8 and not an N11 service code."""
    return bool(_AREA_CODE.fullmatch(value)) and value[1:] != "11"


def is_valid_number(value: str) -> bool:
    """A 10-digit NANP number (no +1) with a valid area code and exchange."""
    return bool(_TEN_DIGITS.fullmatch(value)) and is_valid_area_code(value[:3])


class NumberPool:
    """Deterministic candidates per area code; `allocated` numbers are skipped, never reused."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def candidates(self, area_code: str) -> Iterator[str]:
        rng = random.Random(f"{self.seed}:{area_code}")
        seen: set[str] = set()
        while True:
            exchange = rng.randint(200, 999)
            if exchange % 100 == 11 or exchange in _EXCLUDED_EXCHANGES:
                continue
            number = f"{area_code}{exchange}{rng.randint(0, 9999):04d}"
            if number not in seen:
                seen.add(number)
                yield number

    def available(self, area_code: str, quantity: int, allocated: set[str]) -> list[str]:
        """The first `quantity` candidates not yet taken; empty for the no-numbers test code."""
        if area_code == NO_NUMBERS_AREA_CODE or quantity <= 0:
            return []
        found: list[str] = []
        for number in self.candidates(area_code):
            if number not in allocated:
                found.append(number)
                if len(found) >= quantity:
                    break
        return found


@dataclass
class Outcome:
    """What an order will end as once its delay has passed."""

    status: str
    completed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[tuple[int, str, str | None]] = field(default_factory=list)
    """(code, description, telephone number or None), as in the ErrorList."""


def plan_area_code_order(area_code: str, numbers: list[str], partial_allowed: bool) -> Outcome:
    """Decide the final status of an area-code order from the test area codes."""
    if area_code == BACKORDERED_AREA_CODE:
        return Outcome("BACKORDERED", errors=[(*ERROR_BACKORDERED, None)])
    if not numbers:
        return Outcome("FAILED", errors=[(*ERROR_NONE_AVAILABLE, None)])
    if area_code == FAILED_AREA_CODE:
        return _all_failed(numbers)
    if area_code == PARTIAL_AREA_CODE and len(numbers) >= 2:
        completed, failed = numbers[0::2], numbers[1::2]
        if not partial_allowed:
            return Outcome("FAILED", failed=list(numbers), errors=[(*ERROR_PARTIAL, None)])
        return Outcome(
            "PARTIAL",
            completed=completed,
            failed=failed,
            errors=[(*ERROR_UNAVAILABLE, number) for number in failed],
        )
    return Outcome("COMPLETE", completed=list(numbers))


def plan_existing_order(numbers: list[str], allocated: set[str]) -> Outcome:
    """Specific numbers: each one is ordered or fails on its own, by its area code."""
    completed: list[str] = []
    failed: list[str] = []
    for number in numbers:
        area_code = number[:3]
        usable = (
            is_valid_number(number)
            and number not in allocated
            and area_code not in (FAILED_AREA_CODE, NO_NUMBERS_AREA_CODE, BACKORDERED_AREA_CODE)
        )
        (completed if usable else failed).append(number)
    errors = [(*ERROR_UNAVAILABLE, number) for number in failed]
    if not failed:
        return Outcome("COMPLETE", completed=completed)
    if not completed:
        return Outcome("FAILED", failed=failed, errors=errors)
    return Outcome("PARTIAL", completed=completed, failed=failed, errors=errors)


def _all_failed(numbers: list[str]) -> Outcome:
    return Outcome(
        "FAILED",
        failed=list(numbers),
        errors=[(*ERROR_UNAVAILABLE, number) for number in numbers],
    )


def status_at(elapsed: float, delay: float, final_status: str) -> str:
    """RECEIVED for the first third of the delay, PROCESSING until it ends, then final."""
    if elapsed >= delay:
        return final_status
    if elapsed < delay / 3:
        return "RECEIVED"
    return "PROCESSING"


def summary(count: int, area_codes: list[str]) -> str:
    """The guide's `<Summary>`: '1 number ordered in (910)'."""
    noun = "number" if count == 1 else "numbers"
    codes = ", ".join(dict.fromkeys(area_codes))
    return f"{count} {noun} ordered in ({codes})"
