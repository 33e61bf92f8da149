"""How a text is split into SMS segments, which is what carriers bill.

Used by the send screen's live counter, by `apply`'s summary and by the sandbox's
`segmentCount`, so all three always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The GSM 03.38 default alphabet: each costs one 7-bit septet. (ESC itself is left out: typed
on its own it is not a character a phone can show.)"""
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
"""The GSM 03.38 extension table: each costs two septets (ESC + the character)."""

_SINGLE = {"GSM-7": 160, "UCS-2": 70}
_PER_PART = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class SegmentInfo:
    """How a text will be split into SMS segments."""

    encoding: str
    """"GSM-7" when every character is in the GSM alphabet, else "UCS-2"."""
    characters: int
    """Characters as a person counts them (what the API's 2048-character limit counts)."""
    segments: int
    """Segments the text needs: 0 for an empty text."""
    per_segment: int
    """Capacity of each segment in this encoding: 160/70 for one segment, 153/67 when split."""
    units: int = 0
    """Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2)."""
    remaining: int = 0
    """Units still free in the last segment before another one starts."""


def segment_info(text: str) -> SegmentInfo:
    """The encoding, size and segment count of `text`.

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
