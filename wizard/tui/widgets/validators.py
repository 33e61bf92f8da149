"""Textual validators for every input the wizard asks for: thin adapters over the shared rules.

The rules themselves (and every limit) live in `wizard.engine.validation`, where `apply` reads
them too; a validator here only turns a rule's sentence into a Textual failure, so a screen
shows exactly what `apply` would say about the same value.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.validation import ValidationResult, Validator

from wizard.engine import validation as rules
from wizard.engine import verification_rules


class Rule(Validator):
    """A shared rule (value -> sentence or None) as a Textual validator."""

    def __init__(self, rule: Callable[[str], str | None]) -> None:
        super().__init__()
        self.rule = rule

    def validate(self, value: str) -> ValidationResult:
        problem = self.rule(value)
        return self.failure(problem) if problem else self.success()


class AccountId(Rule):
    """A Dashboard account id: digits only (e.g. 9900000)."""

    def __init__(self) -> None:
        super().__init__(rules.account_id_problem)


class Required(Rule):
    """Something must be typed, without spaces around it; `what` names it in the message."""

    def __init__(self, what: str) -> None:
        super().__init__(lambda value: rules.required_problem(value, what))
        self.what = what


class BasicUser(Rule):
    """A user name sent with HTTP Basic auth (no ':' in it)."""

    def __init__(self, what: str) -> None:
        super().__init__(lambda value: rules.basic_user_problem(value, what))
        self.what = what


class Name(Rule):
    """A resource name: not empty, not too long, no control characters."""

    def __init__(self, what: str = "name", max_length: int = rules.MAX_NAME) -> None:
        super().__init__(lambda value: rules.name_problem(value, what, max_length))
        self.what = what
        self.max_length = max_length


class SiteName(Rule):
    """A sub-account name: letters, digits, '.', '-' and spaces only."""

    def __init__(self) -> None:
        super().__init__(rules.site_name_problem)


class StateCode(Rule):
    """A US state, DC or territory as its two-letter code (NC, CA, PR...)."""

    def __init__(self) -> None:
        super().__init__(rules.state_code_problem)


class Zip(Rule):
    """A US ZIP code: five digits."""

    def __init__(self) -> None:
        super().__init__(rules.zip_problem)


class CallbackUrl(Rule):
    """https://..., or http:// only to this computer (the local receiver, the sandbox)."""

    def __init__(self) -> None:
        super().__init__(rules.callback_url_problem)


class AreaCode(Rule):
    """A NANP area code: three digits NXX, N from 2 to 9, and not N11 (211, 311, ... 911)."""

    def __init__(self) -> None:
        super().__init__(rules.area_code_problem)


class Quantity(Rule):
    """How many numbers to order: 1 to MAX_QUANTITY."""

    def __init__(self) -> None:
        super().__init__(rules.quantity_problem)


class TollFreePattern(Rule):
    """A toll-free wildcard pattern: 8, then two digits or '*' (8**, 87*)."""

    def __init__(self) -> None:
        super().__init__(rules.toll_free_pattern_problem)


class VerificationField(Rule):
    """One field of the toll-free verification request, by Bandwidth's name for it
    (``businessContact.email``), with the rule `apply` uses for the same field."""

    def __init__(self, key: str) -> None:
        field = verification_rules.FIELD_BY_KEY[key]
        super().__init__(field.problem)
        self.key = key


class E164(Rule):
    """One phone number (the guide lets +1 be left out)."""

    def __init__(self) -> None:
        super().__init__(rules.phone_problem)


class Destinations(Rule):
    """One to MAX_DESTINATIONS phone numbers, separated by commas or spaces."""

    def __init__(self) -> None:
        super().__init__(lambda value: rules.parse_destinations(value).problem)


class MediaUrls(Rule):
    """Zero or more https URLs, separated by spaces or commas (empty is fine: plain SMS)."""

    def __init__(self) -> None:
        super().__init__(_first_media_problem)


class Tag(Rule):
    """The optional tag echoed back in every callback: at most MAX_TAG characters."""

    def __init__(self) -> None:
        super().__init__(rules.tag_problem)


class TextLength(Validator):
    """A message text: at most MAX_TEXT characters (and not empty unless media is attached)."""

    def __init__(self, *, allow_empty: bool = False) -> None:
        super().__init__()
        self.allow_empty = allow_empty

    def validate(self, value: str) -> ValidationResult:
        problem = rules.text_problem(value, has_media=self.allow_empty)
        return self.failure(problem) if problem else self.success()


def _first_media_problem(value: str) -> str | None:
    _, errors = rules.parse_media_urls(value)
    return errors[0].message if errors else None


class SandboxCallbackUrl(Rule):
    """Sandbox mode: the callback URL must be this computer (the wizard's own receiver)."""

    def __init__(self) -> None:
        super().__init__(rules.sandbox_callback_url_problem)
