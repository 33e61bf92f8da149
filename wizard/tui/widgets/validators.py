"""Textual validators for every input the wizard asks for, each failing with a plain sentence.

They run as the user types, so a mistake is caught before a request is sent. Rules follow the
API's own (digits-only account ids, NANP area codes, E.164 numbers, 2048-character texts) and
the wizard's own safety rules (callback URLs must be https, except plain http to this computer,
which is what the local receiver and the sandbox use).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from textual.validation import ValidationResult, Validator

from wizard.core.phone import normalize_e164
from wizard.engine.validation import MAX_DESTINATIONS, parse_destinations, text_problem

MAX_QUANTITY = 50
"""Numbers per order the wizard accepts: enough to try things, small enough not to surprise a
bill (Bandwidth's own default of 5000 is not something to send by accident)."""

MAX_NAME = 50
"""Longest application/location/sub-account name accepted (the Dashboard's fields are short)."""


class AccountId(Validator):
    """A Dashboard account id: digits only (e.g. 9900000)."""

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text:
            return self.failure("Enter the account id (digits, from the Dashboard).")
        if not _ascii_digits(text):
            return self.failure("The account id has digits only, for example 9900000.")
        if len(text) > 12:
            return self.failure("That is too long for an account id.")
        return self.success()


class Required(Validator):
    """Something must be typed; `what` names it in the message."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure(f"Enter the {self.what}.")
        if value != value.strip():
            return self.failure(f"The {self.what} has spaces at the start or end.")
        return self.success()


class Name(Validator):
    """A resource name: not empty, not too long, no control characters."""

    def __init__(self, what: str = "name", max_length: int = MAX_NAME) -> None:
        super().__init__()
        self.what = what
        self.max_length = max_length

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text:
            return self.failure(f"Enter a {self.what}.")
        if len(text) > self.max_length:
            return self.failure(
                f"The {self.what} is {len(text)} characters long; at most {self.max_length}."
            )
        if any(ord(ch) < 32 for ch in text):
            return self.failure(f"The {self.what} cannot contain control characters.")
        return self.success()


SITE_NAME = re.compile(r"^[A-Za-z0-9. -]+$")


class SiteName(Name):
    """A sub-account name: the Dashboard allows letters, digits, '.', '-' and spaces only."""

    def __init__(self) -> None:
        super().__init__("sub-account name")

    def validate(self, value: str) -> ValidationResult:
        result = super().validate(value)
        if not result.is_valid:
            return result
        if not SITE_NAME.match(value.strip()):
            return self.failure(
                "A sub-account name may use letters, digits, '.', '-' and spaces only."
            )
        return self.success()


class StateCode(Validator):
    """A US state as its two-letter code (NC, CA...)."""

    def validate(self, value: str) -> ValidationResult:
        if not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
            return self.failure("Enter the two-letter state code, for example NC.")
        return self.success()


class Zip(Validator):
    """A US ZIP code: five digits."""

    def validate(self, value: str) -> ValidationResult:
        if not re.fullmatch(r"[0-9]{5}", value.strip()):
            return self.failure("Enter the five-digit ZIP code, for example 27606.")
        return self.success()


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class CallbackUrl(Validator):
    """https://..., or http:// only to this computer (the local receiver, the sandbox).

    textual.validation.URL accepts ftp:// and friends; Bandwidth only POSTs over http(s), and
    plain http to another host would send the callback credentials in the clear.
    """

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text:
            return self.failure("Enter the URL Bandwidth should send message events to.")
        if any(ch.isspace() for ch in text):
            return self.failure("A URL cannot contain spaces.")
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError:
            return self.failure("That is not a valid URL (check the port number).")
        del port
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        if scheme not in ("http", "https"):
            return self.failure("The URL must start with https://.")
        if not host:
            return self.failure("The URL needs a host name, for example https://example.com/cb.")
        if parts.username or parts.password:
            return self.failure(
                "Put the callback user and password in their own fields, not in the URL."
            )
        if scheme == "http" and not is_loopback_host(host):
            return self.failure(
                "Use https:// (plain http is only allowed to this computer: 127.0.0.1)."
            )
        if scheme == "https" and "." not in host and not is_loopback_host(host):
            return self.failure("The host needs a domain, for example https://example.com/cb.")
        return self.success()


AREA_CODE = re.compile(r"^[2-9][0-9]{2}$")


class AreaCode(Validator):
    """A NANP area code: three digits NXX, N from 2 to 9, and not N11 (211, 311, ... 911)."""

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text:
            return self.failure("Enter a three-digit area code, for example 919.")
        if not _ascii_digits(text) or len(text) != 3:
            return self.failure("An area code is three digits, for example 919.")
        if not AREA_CODE.match(text):
            return self.failure("North American area codes start with a digit from 2 to 9.")
        if text[1:] == "11":
            return self.failure(f"{text} is a service code (like 911), not an area code.")
        return self.success()


class Quantity(Validator):
    """How many numbers to order: 1 to MAX_QUANTITY."""

    def __init__(self, maximum: int = MAX_QUANTITY) -> None:
        super().__init__()
        self.maximum = maximum

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not _ascii_digits(text) or len(text) > 6:
            return self.failure(f"Enter a whole number from 1 to {self.maximum}.")
        number = int(text)
        if number < 1:
            return self.failure("Order at least 1 number.")
        if number > self.maximum:
            return self.failure(
                f"The wizard orders at most {self.maximum} numbers at a time (each one is billed)."
            )
        return self.success()


class E164(Validator):
    """One phone number, normalised by wizard.compose (the guide lets +1 be left out)."""

    def validate(self, value: str) -> ValidationResult:
        try:
            normalize_e164(value)
        except ValueError as error:
            return self.failure(str(error))
        return self.success()


class Destinations(Validator):
    """One to MAX_DESTINATIONS phone numbers, separated by commas or spaces."""

    def validate(self, value: str) -> ValidationResult:
        parsed = parse_destinations(value)
        if parsed.errors:
            return self.failure(parsed.errors[0].message)
        if len(parsed.numbers) > MAX_DESTINATIONS:
            return self.failure(f"At most {MAX_DESTINATIONS} numbers.")
        return self.success()


class TextLength(Validator):
    """A message text: at most MAX_TEXT characters (and not empty unless media is attached)."""

    def __init__(self, *, allow_empty: bool = False) -> None:
        super().__init__()
        self.allow_empty = allow_empty

    def validate(self, value: str) -> ValidationResult:
        problem = text_problem(value, has_media=self.allow_empty)
        return self.failure(problem) if problem else self.success()


def _ascii_digits(text: str) -> bool:
    """0-9 only: str.isdigit() also takes '²' and Arabic-Indic digits, which no API accepts."""
    return text.isascii() and text.isdigit()
