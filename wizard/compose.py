"""Checks and estimates for composing a message, shared by the screen, `apply` and the step.

The guide lets US numbers leave out +1 but the API wants E.164, and carriers bill per segment, so
the wizard normalises every number before sending and shows the segment count while typing. Each
problem is a plain sentence that can be shown next to the field it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

__all__ = [
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "MAX_DESTINATIONS",
    "MAX_TAG",
    "MAX_TEXT",
    "PRIORITIES",
    "DestinationError",
    "Destinations",
    "SegmentInfo",
    "normalize_e164",
    "parse_destinations",
    "parse_media_urls",
    "segment_info",
    "text_problem",
]

#: Most characters the Messaging API accepts in `text`.
MAX_TEXT = 2048
#: Most numbers in one message's `to`.
MAX_DESTINATIONS = 10
#: Most characters in `tag`.
MAX_TAG = 1024
#: Values the API accepts for `priority`.
PRIORITIES = ("default", "high")

_EXAMPLE = "+19195551234"

# -- phone numbers ---------------------------------------------------------------------------


def normalize_e164(text: str, default_region: str = "US") -> str:
    """`text` as an E.164 number (+19195551234), or ValueError with a sentence saying why not.

    Numbers without a leading + are read as numbers of `default_region`, which is how the
    guide's "+1 may be omitted" works: 919-555-1234, (919) 555 1234 and 19195551234 all become
    +19195551234.
    """
    shown = " ".join((text or "").split())
    if not shown:
        raise ValueError(f"Enter a phone number, for example {_EXAMPLE}.")
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
        f"a US number has 10 digits (area code and number), for example {_EXAMPLE}"
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
            digits = re.sub(r"\D", "", shown)
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


def _parse_problem(shown: str, error: NumberParseException) -> str:
    kind = error.error_type
    if kind == NumberParseException.INVALID_COUNTRY_CODE:
        return f"“{shown}” starts with an unknown country code: check the digits after the +."
    if kind in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return (
            f"“{shown}” has too few digits for a phone number: a US number has 10 digits "
            f"(area code and number), for example {_EXAMPLE}."
        )
    if kind == NumberParseException.TOO_LONG:
        return f"“{shown}” has too many digits for a phone number."
    return (
        f"“{shown}” is not a phone number: use digits, for example {_EXAMPLE} "
        "(US numbers may leave out the +1)."
    )


@dataclass(frozen=True)
class DestinationError:
    """One item of a destination list that could not be used, and why."""

    item: str
    """The item as typed ("" for problems with the whole list, such as too many numbers)."""
    message: str


@dataclass(frozen=True)
class Destinations:
    """A typed destination list after normalisation."""

    numbers: tuple[str, ...]
    """Unique E.164 numbers in the order first typed."""
    errors: tuple[DestinationError, ...]
    duplicates: tuple[str, ...] = ()
    """Numbers typed more than once (kept once in `numbers`; worth a gentle note, not an error)."""

    @property
    def ok(self) -> bool:
        """True when there is at least one number and nothing to fix."""
        return bool(self.numbers) and not self.errors


_SEPARATORS = re.compile(r"[,;\n]+")


def parse_destinations(text: str, default_region: str = "US") -> Destinations:
    """Read a comma, semicolon, newline or space separated list of up to MAX_DESTINATIONS numbers.

    Spaces are also allowed inside one number ("(919) 555 1234"), so a piece between commas is
    first read as one number; only when that fails and every space-separated part is a number on
    its own is it taken as several.
    """
    numbers: list[str] = []
    duplicates: list[str] = []
    errors: list[DestinationError] = []
    for piece in _SEPARATORS.split(text or ""):
        piece = piece.strip()
        if not piece:
            continue
        for _item, result in _read_piece(piece, default_region):
            if isinstance(result, DestinationError):
                errors.append(result)
            elif result in numbers:
                if result not in duplicates:
                    duplicates.append(result)
            else:
                numbers.append(result)
    if not numbers and not errors:
        errors.append(DestinationError("", f"Enter at least one number, for example {_EXAMPLE}."))
    if len(numbers) > MAX_DESTINATIONS:
        extra = len(numbers) - MAX_DESTINATIONS
        errors.append(
            DestinationError(
                "",
                f"A message can go to at most {MAX_DESTINATIONS} numbers; remove {extra}.",
            )
        )
    return Destinations(tuple(numbers), tuple(errors), tuple(duplicates))


def _read_piece(piece: str, region: str) -> list[tuple[str, str | DestinationError]]:
    try:
        return [(piece, normalize_e164(piece, region))]
    except ValueError as whole_error:
        parts = piece.split()
        if len(parts) > 1:
            read: list[tuple[str, str | DestinationError]] = []
            for part in parts:
                try:
                    read.append((part, normalize_e164(part, region)))
                except ValueError:
                    break
            else:
                return read
        return [(piece, DestinationError(piece, str(whole_error)))]


# -- text -------------------------------------------------------------------------------------

#: The GSM 03.38 default alphabet: each costs one 7-bit septet. (ESC itself is left out: typed
#: on its own it is not a character a phone can show.)
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The GSM 03.38 extension table: each costs two septets (ESC + the character).
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

_SINGLE = {"GSM-7": 160, "UCS-2": 70}
_PER_PART = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class SegmentInfo:
    """How a text will be split into SMS segments (what carriers bill)."""

    encoding: str
    """"GSM-7" when every character is in the GSM alphabet, else "UCS-2"."""
    characters: int
    """Characters as a person counts them (what MAX_TEXT limits)."""
    segments: int
    """Segments the text needs: 0 for an empty text."""
    per_segment: int
    """Capacity of each segment in this encoding: 160/70 for one segment, 153/67 when split."""
    units: int = 0
    """Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2)."""
    remaining: int = 0
    """Units still free in the last segment before another one starts."""


def segment_info(text: str) -> SegmentInfo:
    """The encoding, size and segment count of `text`, for a live counter under the text box.

    A split message loses 7 septets (or 3 UCS-2 units) per segment to the concatenation header,
    and an extension character or a surrogate pair is never cut across two segments, so the
    count is made by filling segments character by character, as a phone would.
    """
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        encoding = "GSM-7"
        costs = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    else:
        encoding = "UCS-2"
        costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    units = sum(costs)
    single = _SINGLE[encoding]
    if units == 0:
        return SegmentInfo(encoding, 0, 0, single, 0, single)
    if units <= single:
        return SegmentInfo(encoding, len(text), 1, single, units, single - units)
    per_part = _PER_PART[encoding]
    segments, used = 1, 0
    for cost in costs:
        if used + cost > per_part:
            segments += 1
            used = 0
        used += cost
    return SegmentInfo(encoding, len(text), segments, per_part, units, per_part - used)


def text_problem(text: str, *, has_media: bool = False) -> str | None:
    """A sentence saying why `text` cannot be sent, or None when it can."""
    if len(text) > MAX_TEXT:
        return (
            f"The text has {len(text)} characters; a message can carry at most {MAX_TEXT}: "
            f"remove {len(text) - MAX_TEXT}."
        )
    if not text.strip() and not has_media:
        return "Write some text (or add a media URL for an MMS)."
    return None


def parse_media_urls(text: str) -> tuple[tuple[str, ...], tuple[DestinationError, ...]]:
    """Media URLs (for MMS) from a comma, space or newline separated list, with per-item errors.

    Bandwidth fetches each URL itself, so only public http(s) addresses make sense.
    """
    urls: list[str] = []
    errors: list[DestinationError] = []
    for item in re.split(r"[\s,]+", text or ""):
        if not item:
            continue
        if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", item, flags=re.IGNORECASE):
            errors.append(
                DestinationError(
                    item,
                    f"“{item[:60]}” is not a web address: media URLs start with https:// "
                    "and must be reachable by Bandwidth.",
                )
            )
        elif item not in urls:
            urls.append(item)
    return tuple(urls), tuple(errors)
