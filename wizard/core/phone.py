"""Phone numbers: reading what a person typed, and writing numbers one way everywhere.

The Dashboard API lists numbers as ten digits (9195551234), the Messaging API wants E.164
(+19195551234) and people read +1 919-555-1234. `phonenumbers` does the reading and the writing;
it is imported on first use, because the first screen shows no number and its import costs
about 20 ms.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

EXAMPLE = "+19195551234"

TOLL_FREE_AREA_CODES: frozenset[str] = frozenset({"800", "888", "877", "866", "855", "844", "833"})
"""North American toll-free area codes: their texts need toll-free verification."""

_DIGITS = re.compile(r"\D")


class NumberKind(StrEnum):
    """Carriers apply different rules to each kind of sending number."""

    LOCAL = "local"
    """A North American local number: sends through a registered 10DLC campaign."""
    TOLL_FREE = "toll-free"
    """800, 888, 877, 866, 855, 844, 833: sends once toll-free verification says VERIFIED."""
    SHORT_CODE = "short-code"
    """5 or 6 digits, provisioned with the carriers through Bandwidth support."""
    OTHER = "other"


def normalize_e164(text: str, default_region: str = "US") -> str:
    """`text` as an E.164 number (+19195551234), or ValueError with a sentence saying why not.

    Numbers without a leading + are read as numbers of `default_region`, which is how the
    guide's "+1 may be omitted" works: 919-555-1234, (919) 555 1234 and 19195551234 all become
    +19195551234.
    """
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

    shown = " ".join((text or "").split())
    if not shown:
        raise ValueError(f"Enter a phone number, for example {EXAMPLE}.")
    if len(shown) > 40:
        raise ValueError(f"“{shown[:20]}…” is too long to be a phone number.")
    try:
        number = phonenumbers.parse(shown, default_region)
    except NumberParseException as error:
        raise ValueError(_parse_problem(shown, error)) from None
    if number.extension:
        raise ValueError(f"“{shown}” has an extension; text messages go to the number alone.")
    reason = phonenumbers.is_possible_number_with_reason(number)
    hint = (
        f"a US number has 10 digits (area code and number), for example {EXAMPLE}"
        if number.country_code == 1
        else "check the digits after the country code"
    )
    if reason in (
        ValidationResult.TOO_SHORT,
        ValidationResult.INVALID_LENGTH,
        ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    ):
        raise ValueError(f"“{shown}” has too few digits for a phone number: {hint}.")
    if reason == ValidationResult.TOO_LONG:
        raise ValueError(f"“{shown}” has too many digits for a phone number: {hint}.")
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        raise ValueError(f"“{shown}” starts with an unknown country code: check the digits.")
    if not phonenumbers.is_valid_number(number):
        if number.country_code == 1:
            digits = _DIGITS.sub("", shown)
            digits = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
            if len(digits) == 10 and digits[0] in "01":
                raise ValueError(
                    f"“{shown}” is not a valid number: a US area code cannot start with "
                    f"{digits[0]}."
                )
            if len(digits) == 10 and digits[3] in "01":
                raise ValueError(
                    f"“{shown}” is not a valid number: the three digits after the area code "
                    f"cannot start with {digits[3]}."
                )
        raise ValueError(
            f"“{shown}” is not a phone number in use: check the area code and the digits."
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _parse_problem(shown: str, error: Any) -> str:
    from phonenumbers import NumberParseException

    kind = error.error_type
    if kind == NumberParseException.INVALID_COUNTRY_CODE:
        return f"“{shown}” starts with an unknown country code: check the digits after the +."
    if kind in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return (
            f"“{shown}” has too few digits for a phone number: a US number has 10 digits "
            f"(area code and number), for example {EXAMPLE}."
        )
    if kind == NumberParseException.TOO_LONG:
        return f"“{shown}” has too many digits for a phone number."
    return (
        f"“{shown}” is not a phone number: use digits, for example {EXAMPLE} "
        "(US numbers may leave out the +1)."
    )


def e164(number: str) -> str:
    """A number the API gave (often ten digits) in E.164; a short code or junk unchanged.

    Unlike `normalize_e164` this never refuses: it is for numbers Bandwidth already holds,
    which must compare equal whichever API listed them.
    """
    parsed = _possible(number)
    if parsed is None:
        return (number or "").strip()
    import phonenumbers

    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display(number: str) -> str:
    """A number as people read it: +1 919-555-1234 (other countries in their own format)."""
    parsed = _possible(number)
    if parsed is None:
        return (number or "").strip()
    import phonenumbers

    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _possible(number: str) -> Any:
    """The parsed number when it has a possible length for its country; None otherwise."""
    import phonenumbers

    text = (number or "").strip()
    if not text or number_kind(text) is NumberKind.SHORT_CODE:
        return None
    try:
        parsed = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


def number_kind(number: str) -> NumberKind:
    """Classify a sending number by its shape alone: that is what carriers go by."""
    text = (number or "").strip()
    digits = _DIGITS.sub("", text)
    if 5 <= len(digits) <= 6 and not text.startswith("+"):
        return NumberKind.SHORT_CODE
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10 and (not text.startswith("+") or text.startswith("+1")):
        return NumberKind.TOLL_FREE if digits[:3] in TOLL_FREE_AREA_CODES else NumberKind.LOCAL
    return NumberKind.OTHER
