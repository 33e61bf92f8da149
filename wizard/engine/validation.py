"""Checks of what a person types, shared by the screens and `apply`, run before any request.

Each problem is a plain sentence that can be shown next to the field it belongs to; `apply` puts
the config key in front of the same sentence. One check, one place: the screens and the config
file can never disagree about what is acceptable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.core.phone import EXAMPLE, normalize_e164

MAX_TEXT = 2048
"""Most characters the Messaging API accepts in `text`."""
MAX_DESTINATIONS = 10
"""Most numbers in one message's `to`."""
MAX_TAG = 1024
"""Most characters in `tag`."""
PRIORITIES = ("default", "high")
"""Values the API accepts for `priority`."""

# -- message destinations ----------------------------------------------------------------------


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
        errors.append(DestinationError("", f"Enter at least one number, for example {EXAMPLE}."))
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


# -- message text and media ------------------------------------------------------------------


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
