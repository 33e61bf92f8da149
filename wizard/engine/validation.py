"""Every rule for what a person types or a config file says, shared by the screens and `apply`.

Each rule is a pure function that returns a plain sentence saying what is wrong, or None when the
value is fine. The screens show the sentence under the field (`wizard.tui.widgets.validators`
adapts each rule to a Textual validator); `apply` puts the config key in front of the same
sentence (`wizard.commands.apply_config`). One rule, one place: the screens and the config file
can never disagree about what is acceptable, and every check runs before the first request.

Rules follow the APIs' own (digits-only ids, NANP area codes, E.164 numbers, 2048-character
texts, 10 destinations) and the wizard's safety rules (https callback and media URLs, plain
http only to this computer; no credentials inside a URL; a bounded order size).
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from wizard.core.phone import EXAMPLE, normalize_e164
from wizard.core.safe import has_control

MAX_TEXT = 2048
"""Most characters the Messaging API accepts in `text`."""
MAX_DESTINATIONS = 10
"""Most numbers in one message's `to`."""
MAX_TAG = 1024
"""Most characters in `tag`."""
PRIORITIES = ("default", "high")
"""Values the API accepts for `priority`."""
MAX_QUANTITY = 50
"""Numbers per order the wizard accepts, on the screens and in `apply`: enough to try things,
small enough not to surprise a bill (Bandwidth's own limit of 5000 is not something to order by
accident)."""
MAX_NAME = 50
"""Longest application, location or sub-account name accepted (the Dashboard's fields are
short)."""
MAX_ACCOUNT_ID = 12
"""Longest account or sub-account id accepted (Bandwidth's are 6-7 digits)."""

US_STATE_CODES: frozenset[str] = frozenset(
    {
        # the 50 states
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA",
        "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
        "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
        "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC",
        "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
        # the District of Columbia and the inhabited territories
        "DC", "AS", "GU", "MP", "PR", "VI",
    }
)  # fmt: skip
"""The USPS two-letter codes of the states, DC and the inhabited US territories: where a
sub-account's service address can be (USPS Publication 28, appendix B)."""


def _ascii_digits(text: str) -> bool:
    """0-9 only: str.isdigit() also takes '²' and Arabic-Indic digits, which no API accepts."""
    return text.isascii() and text.isdigit()


def _a(what: str) -> str:
    """`what` with its article: "an application name", "a location name"."""
    return f"{'an' if what[:1].lower() in 'aeiou' else 'a'} {what}"


# -- account and names -------------------------------------------------------------------------


def account_id_problem(value: str) -> str | None:
    """A Dashboard account id: digits only (e.g. 9900000)."""
    text = value.strip()
    if not text:
        return "Enter the account id (digits, from the Dashboard)."
    if not _ascii_digits(text):
        return "The account id has digits only, for example 9900000."
    if len(text) > MAX_ACCOUNT_ID:
        return "That is too long for an account id."
    return None


def site_id_problem(value: str) -> str | None:
    """An existing sub-account (site) id: digits only (e.g. 10001)."""
    text = value.strip()
    if not text:
        return "Enter the sub-account id (digits, from the Dashboard)."
    if not _ascii_digits(text) or len(text) > MAX_ACCOUNT_ID:
        return "A sub-account id has digits only, for example 10001."
    return None


def required_problem(value: str, what: str) -> str | None:
    """Something must be there, exactly as typed (a user name or a password is not trimmed)."""
    if not value.strip():
        return f"Enter the {what}."
    if value != value.strip():
        return f"The {what} has spaces at the start or end."
    return None


def basic_user_problem(value: str, what: str) -> str | None:
    """A user name sent with HTTP Basic auth, which cannot carry a ':' in it."""
    problem = required_problem(value, what)
    if problem is None and ":" in value:
        return f"The {what} cannot contain ':' (HTTP Basic auth cannot carry it)."
    return problem


def name_problem(value: str, what: str = "name", max_length: int = MAX_NAME) -> str | None:
    """A resource name: not empty, not too long, no control characters (it is trimmed)."""
    text = value.strip()
    if not text:
        return f"Enter {_a(what)}."
    if len(text) > max_length:
        return f"The {what} is {len(text)} characters long; at most {max_length}."
    if has_control(text):
        return f"The {what} cannot contain control characters."
    return None


SITE_NAME = re.compile(r"[A-Za-z0-9. -]+")
"""What the Dashboard allows in a sub-account name."""


def site_name_problem(value: str) -> str | None:
    """A sub-account name: letters, digits, '.', '-' and spaces only."""
    problem = name_problem(value, "sub-account name")
    if problem is None and not SITE_NAME.fullmatch(value.strip()):
        return "A sub-account name may use letters, digits, '.', '-' and spaces only."
    return problem


# -- a sub-account's address -------------------------------------------------------------------


def state_code_problem(value: str) -> str | None:
    """A US state, DC or territory as its two-letter code (NC, CA, PR...), any case."""
    text = value.strip()
    if not re.fullmatch(r"[A-Za-z]{2}", text):
        return "Enter the two-letter state code, for example NC."
    if text.upper() not in US_STATE_CODES:
        return f"{text.upper()} is not a US state or territory code; for example NC, CA or PR."
    return None


def zip_problem(value: str) -> str | None:
    """A US ZIP code: five digits."""
    if not re.fullmatch(r"[0-9]{5}", value.strip()):
        return "Enter the five-digit ZIP code, for example 27606."
    return None


# -- callback URL ------------------------------------------------------------------------------


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def sandbox_callback_url_problem(value: str) -> str | None:
    """In sandbox mode callbacks stay on this computer.

    The sandbox POSTs every message event (texts and numbers included) to the application's
    callback URL; an outside host would get them, and the wizard's receiver, which the send
    screen shows, would not. Sandbox mode promises that nothing leaves this computer, so an
    outside host is refused rather than warned about.
    """
    from urllib.parse import urlsplit

    try:
        host = urlsplit(value.strip()).hostname or ""
    except ValueError:
        return None  # callback_url_problem says what is wrong with it
    if not host or is_loopback_host(host):
        return None
    return (
        f"In sandbox mode callbacks stay on this computer: the sandbox would send them to "
        f"{host} and the wizard's receiver would hear nothing. Use a localhost address."
    )


def callback_url_problem(value: str) -> str | None:
    """https://..., or http:// only to this computer (the local receiver, the sandbox).

    Bandwidth only POSTs over http(s); plain http to another host would send the callback
    credentials in the clear, and credentials inside the URL would end up in logs and in the
    progress file, so they have their own fields.
    """
    text = value.strip()
    if not text:
        return "Enter the URL Bandwidth should send message events to."
    if any(ch.isspace() for ch in text):
        return "A URL cannot contain spaces."
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "That is not a valid URL (check the port number)."
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in ("http", "https"):
        return "The URL must start with https://."
    if not host:
        return "The URL needs a host name, for example https://example.com/cb."
    if parts.username or parts.password:
        return "Put the callback user and password in their own fields, not in the URL."
    if scheme == "http" and not is_loopback_host(host):
        return "Use https:// (plain http is only allowed to this computer: 127.0.0.1)."
    if scheme == "https" and "." not in host and not is_loopback_host(host):
        return "The host needs a domain, for example https://example.com/cb."
    return None


# -- ordering numbers --------------------------------------------------------------------------


def area_code_problem(value: str) -> str | None:
    """A NANP area code: three digits NXX, N from 2 to 9, and not N11 (211, 311, ... 911)."""
    text = value.strip()
    if not text:
        return "Enter a three-digit area code, for example 919."
    if not _ascii_digits(text) or len(text) != 3:
        return "An area code is three digits, for example 919."
    if text[0] in "01":
        return "North American area codes start with a digit from 2 to 9."
    if text[1:] == "11":
        return f"{text} is a service code, not an area code (no area code ends in 11)."
    return None


TOLL_FREE_PATTERN = re.compile(r"8[0-9*]{2}")
"""A toll-free wildcard (numbers.yml: "8**, 80*, 87*"): 8, then digits or * for any digit."""


def toll_free_pattern_problem(value: str) -> str | None:
    """A toll-free wildcard pattern: three characters, 8 then digits or '*' (8**, 87*)."""
    text = value.strip()
    if not text:
        return "Enter a toll-free pattern, for example 8** (any toll-free number)."
    if not TOLL_FREE_PATTERN.fullmatch(text):
        return (
            "A toll-free pattern is 8 and two more digits or *, for example 8** (any) or 87* "
            "(877 numbers)."
        )
    return None


def quantity_problem(value: str | int) -> str | None:
    """How many numbers to order: 1 to MAX_QUANTITY (a whole number, as typed or as TOML)."""
    if isinstance(value, str):
        text = value.strip()
        if not _ascii_digits(text) or len(text) > 6:
            return f"Enter a whole number from 1 to {MAX_QUANTITY}."
        value = int(text)
    if value < 1:
        return "Order at least 1 number."
    if value > MAX_QUANTITY:
        return f"The wizard orders at most {MAX_QUANTITY} numbers at a time (each one is billed)."
    return None


def order_timeout_problem(seconds: float) -> str | None:
    """How long to watch an order: a finite number of seconds above 0."""
    if not math.isfinite(seconds) or seconds <= 0:
        return "Give the seconds to watch the order as a number above 0, for example 600."
    return None


def campaign_id_problem(value: str) -> str | None:
    """A 10DLC campaign id as Bandwidth and The Campaign Registry write them (C and six more
    letters or digits, e.g. CA1B2C3)."""
    text = value.strip()
    if not text:
        return "Give the campaign id, for example CA1B2C3."
    if not re.fullmatch(r"C[A-Z0-9]{6}", text.upper()):
        return f"“{text[:20]}” is not a 10DLC campaign id: those look like CA1B2C3."
    return None


# -- message destinations ----------------------------------------------------------------------


def phone_problem(value: str) -> str | None:
    """One phone number (US numbers may leave out the +1, as the guide allows)."""
    try:
        normalize_e164(value)
    except ValueError as error:
        return str(error)
    return None


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

    @property
    def problem(self) -> str | None:
        """The first thing to fix, as a sentence, or None."""
        return self.errors[0].message if self.errors else None


_SEPARATORS = re.compile(r"[,;\n]+")


def parse_destinations(text: str, default_region: str = "US") -> Destinations:
    """Read a comma, semicolon, newline or space separated list of up to MAX_DESTINATIONS numbers.

    Spaces are also allowed inside one number ("(919) 555 1234"), so a piece between commas is
    first read as one number; only when that fails and every space-separated part is a number on
    its own is it taken as several.
    """
    read: list[tuple[str, str | DestinationError]] = []
    for piece in _SEPARATORS.split(text or ""):
        piece = piece.strip()
        if piece:
            read.extend(_read_piece(piece, default_region))
    return _destinations(read)


def destination_list(items: Sequence[str], default_region: str = "US") -> Destinations:
    """A list of numbers, one per item (a config file's `to = [...]`), by the same rules."""
    read: list[tuple[str, str | DestinationError]] = []
    for item in items:
        try:
            read.append((item, normalize_e164(item, default_region)))
        except ValueError as error:
            read.append((item, DestinationError(item, str(error))))
    return _destinations(read)


def _destinations(read: Iterable[tuple[str, str | DestinationError]]) -> Destinations:
    numbers: list[str] = []
    duplicates: list[str] = []
    errors: list[DestinationError] = []
    for _item, result in read:
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


# -- message text, media, tag and priority ----------------------------------------------------


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


_MEDIA_URL = re.compile(r"https://[^\s/?#@]+[^\s]*", flags=re.IGNORECASE)


def media_url_problem(url: str) -> str | None:
    """One media URL for an MMS: Bandwidth fetches it itself, so a public https address."""
    if not _MEDIA_URL.fullmatch(url):
        return (
            f"“{url[:60]}” is not a usable media URL: media URLs start with https:// "
            "and must be reachable by Bandwidth."
        )
    return None


def parse_media_urls(text: str) -> tuple[tuple[str, ...], tuple[DestinationError, ...]]:
    """Media URLs from a comma, space or newline separated list, with per-item errors."""
    return media_list([item for item in re.split(r"[\s,]+", text or "") if item])


def media_list(items: Sequence[str]) -> tuple[tuple[str, ...], tuple[DestinationError, ...]]:
    """Media URLs, one per item (a config file's `media = [...]`), by the same rule."""
    urls: list[str] = []
    errors: list[DestinationError] = []
    for item in items:
        problem = media_url_problem(item)
        if problem:
            errors.append(DestinationError(item, problem))
        elif item not in urls:
            urls.append(item)
    return tuple(urls), tuple(errors)


def tag_problem(value: str) -> str | None:
    """The optional tag echoed back in every callback: at most MAX_TAG characters."""
    if len(value) > MAX_TAG:
        extra = len(value) - MAX_TAG
        return f"The tag has {len(value)} characters; at most {MAX_TAG}: remove {extra}."
    return None


def priority_problem(value: str) -> str | None:
    """The message priority: one of the values the API accepts."""
    if value not in PRIORITIES:
        return "The priority is " + " or ".join(f"“{p}”" for p in PRIORITIES) + "."
    return None
