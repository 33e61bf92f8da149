"""Toll-free numbers: which prefixes they use and how Bandwidth's wildcard search reads a pattern.

Toll-free numbers are searched with `tollFreeWildCardPattern` (three characters starting with 8,
`*` for any digit: `8**`, `80*`, `87*`) and ordered with `TollFreeWildCharSearchAndOrderType`,
never with an area code (numbers.yml availableNumbers and CreateOrder). A bad pattern is search
error 4004 (numbers errors.mdx).
"""

from __future__ import annotations

import re

from wizard.sandbox.orders import NumberPool

PREFIXES = ("800", "833", "844", "855", "866", "877", "888")
"""US toll-free area codes, as Bandwidth/cli `internal/cmdutil/numbertype.go` lists them."""

BAD_PATTERN = (
    4004,
    "Please verify that your Toll Free Wild Card search input parameters are correct.",
)

_PATTERN = re.compile(r"8[0-9*]{2}")


def is_toll_free(number: str) -> bool:
    """True for a ten-digit or E.164 (+1) number in a toll-free area code."""
    digits = number[2:] if number.startswith("+1") else number
    return len(digits) == 10 and digits[:3] in PREFIXES


def valid_pattern(pattern: str) -> bool:
    return bool(_PATTERN.fullmatch(pattern))


def matching_prefixes(pattern: str) -> list[str]:
    """The toll-free prefixes a valid pattern covers (`8**` all of them, `87*` only 877)."""
    return [
        prefix
        for prefix in PREFIXES
        if all(want in ("*", have) for want, have in zip(pattern, prefix, strict=True))
    ]


def available(pool: NumberPool, pattern: str, quantity: int, taken: set[str]) -> list[str]:
    """Up to `quantity` free numbers matching the pattern, spread over its prefixes in turn."""
    prefixes = matching_prefixes(pattern)
    if not prefixes or quantity <= 0:
        return []
    per_prefix = {prefix: pool.available(prefix, quantity, taken) for prefix in prefixes}
    found: list[str] = []
    for index in range(quantity):
        for prefix in prefixes:
            numbers = per_prefix[prefix]
            if index < len(numbers):
                found.append(numbers[index])
                if len(found) == quantity:
                    return found
    return found
