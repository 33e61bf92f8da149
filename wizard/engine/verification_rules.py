"""The toll-free verification request, field by field: labels, limits, and the sentence for
each value Bandwidth would refuse, shared by the Ready screen's form and `apply`'s
``[compliance.toll_free_verification]`` table.

Bandwidth reviews the request over days and refuses a malformed one only with a 400 listing
fields in its own dot notation (``businessContact.email``), so every limit it documents is
checked here first, as the person types: the lengths and enums of bandwidth-sdk's
``VerificationRequest``, ``Address``, ``Contact`` and ``OptInWorkflow`` models (strings of at most
500 characters, ``messageVolume`` 10 to 10,000,000, the entity and registration types) and the
patterns of api-docs ``messaging-tfverify-athena.yml`` (a ZIP of five digits or ZIP+4, an
E.164 contact number, email and URL forms, a state of at least two letters, at least one
opt-in screenshot). Since 2026-10-19 every business but a sole proprietor gives its
registration number, type and issuing country, and a sole proprietor leaves all three out (the
SDK's ``BusinessEntityTypeEnum``).

Values are handled as the form holds them, as text: a number as typed, the screenshot URLs
separated by spaces or commas, yes/no as "true"/"false". The request's phone numbers are not a
field: the engine fills them in from the order (the sending number first).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wizard.bandwidth.errors import FieldError
from wizard.bandwidth.verification import (
    ENTITY_TYPES,
    MAX_MESSAGE_VOLUME,
    MAX_TEXT,
    MIN_MESSAGE_VOLUME,
    REGISTRATION_TYPES,
    BusinessAddress,
    BusinessContact,
    OptInWorkflow,
    TollFreeSubmission,
    submission_from_echo,
)
from wizard.core.errors import Kind, WizardError

_ZIP = re.compile(r"[0-9]{5}(-[0-9]{4})?")
_E164 = re.compile(r"\+[0-9]{1,16}")
_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}")
_URL = re.compile(
    r"(https?://)?(www\.)?[-a-zA-Z0-9@:%._+~#=]{1,253}\.[a-z]{2,6}\b[-a-zA-Z0-9@:%_+.~#()?&/=]*"
)
_COUNTRY = re.compile(r"[A-Za-z]{2,3}")
_SEPARATORS = re.compile(r"[\s,]+")

ENTITY_LABELS: dict[str, str] = {
    "SOLE_PROPRIETOR": "Sole proprietor",
    "PRIVATE_PROFIT": "Private company",
    "PUBLIC_PROFIT": "Public company",
    "NON_PROFIT": "Non-profit",
    "GOVERNMENT": "Government",
}
"""What each ``businessEntityType`` is called on the form."""

REGISTRATION_FIELDS = (
    "businessRegistrationNumber",
    "businessRegistrationType",
    "businessRegistrationIssuingCountry",
)
"""Given together by every business but a sole proprietor, and left out by one."""


# -- one rule per kind of value ----------------------------------------------------------------


def _too_long(label: str, text: str) -> str | None:
    if len(text) > MAX_TEXT:
        return f"The {label} is {len(text)} characters long; Bandwidth takes at most {MAX_TEXT}."
    return None


def _text(label: str) -> Callable[[str], str | None]:
    def rule(value: str) -> str | None:
        return _too_long(label, value.strip())

    return rule


def _zip(value: str) -> str | None:
    if not _ZIP.fullmatch(value.strip()):
        return "Enter the ZIP code as five digits (or ZIP+4), for example 27606."
    return None


def _state(value: str) -> str | None:
    text = value.strip()
    if not re.fullmatch(r"[A-Za-z]{2}", text):
        return "Enter the two-letter state or province code, for example NC."
    return None


def _url(label: str) -> Callable[[str], str | None]:
    def rule(value: str) -> str | None:
        text = value.strip()
        if not _URL.fullmatch(text):
            return f"The {label} must be a web address, for example https://example.com."
        return _too_long(label, text)

    return rule


def _email(value: str) -> str | None:
    text = value.strip()
    if not _EMAIL.fullmatch(text):
        return "Enter an email address, for example jane@example.com."
    return _too_long("email address", text)


def _contact_phone(value: str) -> str | None:
    if not _E164.fullmatch(value.strip()):
        return "Write the contact number in E.164, with + and the country code: +19195551234."
    return None


def _volume(value: str) -> str | None:
    text = value.strip().replace(",", "").replace("_", "")
    if not (text.isascii() and text.isdigit()):
        return f"Enter a whole number of messages a month, {MIN_MESSAGE_VOLUME} or more."
    volume = int(text)
    if not MIN_MESSAGE_VOLUME <= volume <= MAX_MESSAGE_VOLUME:
        return (
            f"Bandwidth takes a monthly volume from {MIN_MESSAGE_VOLUME} to {MAX_MESSAGE_VOLUME:,}."
        )
    return None


def image_urls(value: str) -> list[str]:
    """The screenshot URLs in what was typed (spaces, commas or new lines between them)."""
    return [item for item in _SEPARATORS.split(value.strip()) if item]


def _images(value: str) -> str | None:
    urls = image_urls(value)
    if not urls:
        return (
            "Give at least one web address of a screenshot of the opt-in (the form or the "
            "page where people agree to receive texts)."
        )
    check = _url("screenshot address")
    for url in urls:
        problem = check(url)
        if problem:
            return f"“{url[:40]}”: {problem}"
    return None


def _choice(label: str, allowed: tuple[str, ...]) -> Callable[[str], str | None]:
    def rule(value: str) -> str | None:
        if value.strip() not in allowed:
            return f"Pick the {label} from the list."
        return None

    return rule


def _country(value: str) -> str | None:
    if not _COUNTRY.fullmatch(value.strip()):
        return "Enter the country's ISO code, three letters preferred: USA, CAN, GBR."
    return None


def _flag(value: str) -> str | None:
    if value.strip().lower() not in ("", "true", "false"):
        return "Answer true or false."
    return None


# -- the fields --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerificationField:
    """One field of the request: where it goes in Bandwidth's JSON and how it is checked."""

    key: str
    """Bandwidth's name, in its dot notation for nested fields (``businessContact.email``):
    the key of a 400's ``errors`` too, so a refusal lands under the right input."""
    label: str
    section: str
    """The heading the form shows it under."""
    rule: Callable[[str], str | None]
    """The sentence for a bad non-empty value, or None."""
    required: bool = True
    kind: str = "text"
    """How `apply`'s TOML gives it: "text", "whole number", "list of texts", "true or false"."""
    help: str = ""
    choices: tuple[str, ...] = ()
    """The values a list offers (the use cases come from the API instead)."""

    @property
    def config_key(self) -> tuple[str, ...]:
        """The key path in ``[compliance.toll_free_verification]``: Bandwidth's names in
        snake_case (``("business_contact", "email")``)."""
        return tuple(_snake(part) for part in self.key.split("."))

    def problem(self, value: str) -> str | None:
        """What is wrong with the value as typed (an empty required field needs filling)."""
        if not value.strip():
            return f"Enter the {self.label.lower()}." if self.required else None
        return self.rule(value)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


BUSINESS = "The business"
CONTACT = "A person at the business"
MESSAGES = "The messages"
OPT_IN = "How people agree to receive them"
REGISTRATION = "Registration"
MORE = "More (optional)"

FIELDS: tuple[VerificationField, ...] = (
    VerificationField(
        "businessEntityType",
        "Kind of business",
        BUSINESS,
        _choice("kind of business", ENTITY_TYPES),
        choices=ENTITY_TYPES,
        help="A sole proprietor needs no registration number; every other kind gives one.",
    ),
    VerificationField("businessAddress.name", "Business name", BUSINESS, _text("business name")),
    VerificationField("businessAddress.addr1", "Street address", BUSINESS, _text("address")),
    VerificationField(
        "businessAddress.addr2", "Address line 2", BUSINESS, _text("address"), required=False
    ),
    VerificationField("businessAddress.city", "City", BUSINESS, _text("city")),
    VerificationField("businessAddress.state", "State", BUSINESS, _state),
    VerificationField("businessAddress.zip", "ZIP code", BUSINESS, _zip),
    VerificationField(
        "businessAddress.url",
        "Website",
        BUSINESS,
        _url("website"),
        help="The business's own site: reviewers compare it with everything else here.",
    ),
    VerificationField(
        "businessRegistrationNumber",
        "Registration number",
        REGISTRATION,
        _text("registration number"),
        required=False,
        help="In the US the EIN; leave the three registration fields empty for a sole proprietor.",
    ),
    VerificationField(
        "businessRegistrationType",
        "Registration type",
        REGISTRATION,
        _choice("registration type", REGISTRATION_TYPES),
        required=False,
        choices=REGISTRATION_TYPES,
    ),
    VerificationField(
        "businessRegistrationIssuingCountry",
        "Issuing country",
        REGISTRATION,
        _country,
        required=False,
        help="ISO 3166 code of the country that issued it: USA for an EIN.",
    ),
    VerificationField("businessContact.firstName", "First name", CONTACT, _text("first name")),
    VerificationField("businessContact.lastName", "Last name", CONTACT, _text("last name")),
    VerificationField(
        "businessContact.email",
        "Email",
        CONTACT,
        _email,
        help="At the business's own domain: a free webmail address is declined.",
    ),
    VerificationField("businessContact.phoneNumber", "Phone", CONTACT, _contact_phone),
    VerificationField(
        "messageVolume",
        "Messages a month",
        MESSAGES,
        _volume,
        kind="whole number",
        help=f"An estimate, {MIN_MESSAGE_VOLUME} to {MAX_MESSAGE_VOLUME:,}.",
    ),
    VerificationField("useCase", "Use case", MESSAGES, _text("use case")),
    VerificationField(
        "useCaseSummary",
        "What the texts are for",
        MESSAGES,
        _text("summary"),
        help="Who receives them and why, in a sentence or two.",
    ),
    VerificationField(
        "productionMessageContent",
        "Sample message",
        MESSAGES,
        _text("sample message"),
        help="A real example of what will be sent.",
    ),
    VerificationField(
        "optInWorkflow.description",
        "How people opt in",
        OPT_IN,
        _text("opt-in description"),
        help="Where and how a person agrees to receive these texts.",
    ),
    VerificationField(
        "optInWorkflow.imageUrls",
        "Screenshot URLs",
        OPT_IN,
        _images,
        kind="list of texts",
        help="Public addresses of screenshots of that opt-in, separated by spaces.",
    ),
    VerificationField(
        "optInWorkflow.confirmationResponse",
        "Opt-in confirmation",
        OPT_IN,
        _text("confirmation"),
        required=False,
        help="The text sent back when someone opts in.",
    ),
    VerificationField(
        "helpMessageResponse",
        "HELP reply",
        OPT_IN,
        _text("HELP reply"),
        required=False,
        help="The text sent back to HELP.",
    ),
    VerificationField(
        "privacyPolicyUrl", "Privacy policy URL", MORE, _url("privacy policy URL"), required=False
    ),
    VerificationField(
        "termsAndConditionsUrl",
        "Terms URL",
        MORE,
        _url("terms and conditions URL"),
        required=False,
    ),
    VerificationField("businessDba", "Doing business as", MORE, _text("name"), required=False),
    VerificationField(
        "additionalInformation", "More information", MORE, _text("text"), required=False
    ),
    VerificationField(
        "isvReseller",
        "ISV or reseller",
        MORE,
        _text("ISV name"),
        required=False,
        help="Only when you send on behalf of this business.",
    ),
    VerificationField(
        "ageGatedContent",
        "Age-gated content",
        MORE,
        _flag,
        required=False,
        kind="true or false",
        help="Alcohol, tobacco, firearms and the like.",
    ),
    VerificationField(
        "cvToken",
        "Campaign Verify token",
        MORE,
        _text("token"),
        required=False,
        help="Only for 527 political organisations; leave it empty otherwise.",
    ),
)
"""Every field of ``VerificationRequest`` but ``phoneNumbers``, in the order the form asks."""

FIELD_BY_KEY: dict[str, VerificationField] = {field.key: field for field in FIELDS}


def field_for(api_name: str) -> str | None:
    """The field a 400 names (``optInWorkflow.imageUrls[0]`` -> ``optInWorkflow.imageUrls``),
    or None when it is not one the form has."""
    base = re.sub(r"\[\d+\]$", "", api_name or "")
    return base if base in FIELD_BY_KEY else None


# -- the whole request -------------------------------------------------------------------------


def form_problems(
    values: Mapping[str, str], use_cases: tuple[str, ...] | list[str] | None = None
) -> dict[str, str]:
    """Field key -> the sentence for every field to fix (empty when the request can go).

    ``use_cases``: Bandwidth's list (``GET /tollFreeVerification/useCases``), when known.
    """
    problems: dict[str, str] = {}
    for field in FIELDS:
        problem = field.problem(values.get(field.key, ""))
        if problem:
            problems[field.key] = problem
    use_case = values.get("useCase", "").strip()
    if "useCase" not in problems and use_cases and use_case not in use_cases:
        problems["useCase"] = f"“{use_case[:40]}” is not one of Bandwidth's toll-free use cases."
    problems.update(
        (key, sentence)
        for key, sentence in registration_problems(values).items()
        if key not in problems
    )
    return problems


def registration_problems(values: Mapping[str, str]) -> dict[str, str]:
    """The rule that reads several fields: registration given by all but a sole proprietor."""
    entity = values.get("businessEntityType", "").strip()
    if entity not in ENTITY_TYPES:
        return {}
    given = {key: values.get(key, "").strip() for key in REGISTRATION_FIELDS}
    out: dict[str, str] = {}
    if entity == "SOLE_PROPRIETOR":
        for key, value in given.items():
            if value:
                out[key] = "Leave this empty: a sole proprietor gives no registration."
        return out
    kind = ENTITY_LABELS[entity].lower()
    for key, value in given.items():
        if not value:
            label = FIELD_BY_KEY[key].label.lower()
            out[key] = f"Enter the {label}: a {kind} must give it (in the US: EIN, USA)."
    return out


def submission_from_form(
    values: Mapping[str, str], phone_numbers: tuple[str, ...] = ()
) -> TollFreeSubmission:
    """The request for values that passed `form_problems` (the numbers come from the order)."""

    def get(key: str) -> str:
        return values.get(key, "").strip()

    volume = get("messageVolume").replace(",", "").replace("_", "")
    flag = get("ageGatedContent").lower()
    return TollFreeSubmission(
        business_address=BusinessAddress(
            name=get("businessAddress.name"),
            addr1=get("businessAddress.addr1"),
            addr2=get("businessAddress.addr2"),
            city=get("businessAddress.city"),
            state=get("businessAddress.state").upper(),
            zip=get("businessAddress.zip"),
            url=get("businessAddress.url"),
        ),
        business_contact=BusinessContact(
            first_name=get("businessContact.firstName"),
            last_name=get("businessContact.lastName"),
            email=get("businessContact.email"),
            phone_number=get("businessContact.phoneNumber"),
        ),
        message_volume=int(volume) if volume.isdigit() else 0,
        phone_numbers=tuple(phone_numbers),
        use_case=get("useCase"),
        use_case_summary=get("useCaseSummary"),
        production_message_content=get("productionMessageContent"),
        opt_in_workflow=OptInWorkflow(
            description=get("optInWorkflow.description"),
            image_urls=tuple(image_urls(get("optInWorkflow.imageUrls"))),
            confirmation_response=get("optInWorkflow.confirmationResponse"),
        ),
        business_entity_type=get("businessEntityType"),
        additional_information=get("additionalInformation"),
        isv_reseller=get("isvReseller"),
        privacy_policy_url=get("privacyPolicyUrl"),
        terms_and_conditions_url=get("termsAndConditionsUrl"),
        business_dba=get("businessDba"),
        business_registration_number=get("businessRegistrationNumber"),
        business_registration_type=get("businessRegistrationType"),
        business_registration_issuing_country=get("businessRegistrationIssuingCountry").upper(),
        help_message_response=get("helpMessageResponse"),
        age_gated_content=True if flag == "true" else (False if flag == "false" else None),
        cv_token=get("cvToken"),
    )


def form_from_submission(submission: TollFreeSubmission) -> dict[str, str]:
    """The form's values for a request (a resubmission starts from what was sent)."""
    a, c, w = submission.business_address, submission.business_contact, submission.opt_in_workflow
    flag = submission.age_gated_content
    values = {
        "businessEntityType": submission.business_entity_type,
        "businessAddress.name": a.name,
        "businessAddress.addr1": a.addr1,
        "businessAddress.addr2": a.addr2,
        "businessAddress.city": a.city,
        "businessAddress.state": a.state,
        "businessAddress.zip": a.zip,
        "businessAddress.url": a.url,
        "businessRegistrationNumber": submission.business_registration_number,
        "businessRegistrationType": submission.business_registration_type,
        "businessRegistrationIssuingCountry": submission.business_registration_issuing_country,
        "businessContact.firstName": c.first_name,
        "businessContact.lastName": c.last_name,
        "businessContact.email": c.email,
        "businessContact.phoneNumber": c.phone_number,
        "messageVolume": str(submission.message_volume) if submission.message_volume else "",
        "useCase": submission.use_case,
        "useCaseSummary": submission.use_case_summary,
        "productionMessageContent": submission.production_message_content,
        "optInWorkflow.description": w.description,
        "optInWorkflow.imageUrls": " ".join(w.image_urls),
        "optInWorkflow.confirmationResponse": w.confirmation_response,
        "helpMessageResponse": submission.help_message_response,
        "privacyPolicyUrl": submission.privacy_policy_url,
        "termsAndConditionsUrl": submission.terms_and_conditions_url,
        "businessDba": submission.business_dba,
        "additionalInformation": submission.additional_information,
        "isvReseller": submission.isv_reseller,
        "ageGatedContent": "" if flag is None else ("true" if flag else "false"),
        "cvToken": submission.cv_token,
    }
    return {key: value for key, value in values.items() if key in FIELD_BY_KEY}


def form_from_echo(echo: Mapping[str, Any] | None) -> dict[str, str]:
    """The form's values from the ``submission`` Bandwidth echoes in a status: a declined
    request, to fix and send again (what it does not echo comes back empty)."""
    if not isinstance(echo, Mapping):
        return {}
    return form_from_submission(submission_from_echo(dict(echo), ()))


class VerificationInvalid(WizardError):
    """The request has fields to fix; nothing was sent. `field_errors` names each one."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        fields = "; ".join(
            f"{FIELD_BY_KEY[key].label if key in FIELD_BY_KEY else key}: {sentence}"
            for key, sentence in problems.items()
        )
        super().__init__(
            f"The toll-free verification request is not complete. {fields}",
            "Fix those fields and submit again; nothing was sent.",
            kind=Kind.VALIDATION,
        )
        self.field_errors = [FieldError(key, sentence) for key, sentence in problems.items()]


# -- apply's table -----------------------------------------------------------------------------


def form_from_config(table: Mapping[str, Any], where: str) -> tuple[dict[str, str], list[str]]:
    """``[compliance.toll_free_verification]`` (with its ``business_address``,
    ``business_contact`` and ``opt_in_workflow`` sub-tables) as form values, and one
    "key: sentence" per problem with its TOML, unknown keys included. `where` prefixes the
    keys (``compliance.toll_free_verification``)."""
    values: dict[str, str] = {}
    problems: list[str] = []
    by_path = {field.config_key: field for field in FIELDS}
    groups = {path[0] for path in by_path if len(path) > 1}

    def walk(node: Mapping[str, Any], prefix: tuple[str, ...]) -> None:
        for key, value in node.items():
            path = (*prefix, key)
            name = ".".join((where, *path))
            if not prefix and key in groups:
                if not isinstance(value, dict):
                    problems.append(f"{name} must be a table: [{name}] on its own line.")
                else:
                    walk(value, path)
                continue
            field = by_path.get(path)
            if field is None:
                known = sorted(".".join(p[len(prefix) :]) for p in by_path if p[:-1] == prefix)
                problems.append(f"unknown key {name}; known keys: {', '.join(known)}.")
                continue
            text = _config_text(field, value)
            if text is None:
                article = "" if field.kind == "true or false" else "a "
                problems.append(f"{name} must be {article}{field.kind}.")
                continue
            values[field.key] = text

    walk(table, ())
    if problems:
        return values, problems
    for key, sentence in form_problems(values).items():
        problems.append(f"{where}.{'.'.join(FIELD_BY_KEY[key].config_key)}: {sentence}")
    return values, problems


def _config_text(field: VerificationField, value: Any) -> str | None:
    """A TOML value as the form's text, or None when it has the wrong type."""
    if field.kind == "whole number":
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return None
    if field.kind == "list of texts":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return " ".join(value)
        return None
    if field.kind == "true or false":
        return ("true" if value else "false") if isinstance(value, bool) else None
    return value if isinstance(value, str) else None


SANDBOX_EXAMPLE: dict[str, str] = {
    "businessEntityType": "SOLE_PROPRIETOR",
    "businessAddress.name": "Acme Sandbox",
    "businessAddress.addr1": "900 Main Campus Dr",
    "businessAddress.city": "Raleigh",
    "businessAddress.state": "NC",
    "businessAddress.zip": "27606",
    "businessAddress.url": "https://acme-example.com",
    "businessContact.firstName": "Jane",
    "businessContact.lastName": "Doe",
    "businessContact.email": "jane@acme-example.com",
    "businessContact.phoneNumber": "+19195550100",
    "messageVolume": "1000",
    "useCase": "2FA",
    "useCaseSummary": "Login codes for Acme customers who asked for them at sign-up.",
    "productionMessageContent": "Your Acme code is 123456. Reply STOP to opt out.",
    "optInWorkflow.description": "Customers tick a box for text codes when they sign up.",
    "optInWorkflow.imageUrls": "https://acme-example.com/opt-in.png",
}
"""A request the sandbox verifies: the form starts with it in sandbox mode, so the toll-free
path of the demo is one choice away (a real account starts from an empty form)."""
