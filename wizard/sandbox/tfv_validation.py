"""Validation of a toll-free verification request, with Bandwidth's limits and error shape.

The limits are those of bandwidth-sdk's `VerificationRequest` and its models (`Address`,
`Contact`, `OptInWorkflow`) and of api-docs `messaging-tfverify-athena.yml`: messageVolume 10 to
10,000,000; 1 to 10 toll-free phoneNumbers in E.164; strings at most 500 characters; a US zip;
email and url patterns; businessEntityType one of five values; and, since 2026-10-19, a business
registration number (with its type and issuing country) for every entity but a sole proprietor,
which must omit all three. Errors come back as `{type, description, errors}` where `errors` maps
each field, in dot notation, to a list of sentences (badRequestError in the spec).
"""

from __future__ import annotations

import re
from typing import Any

from wizard.sandbox.tollfree import PREFIXES

MIN_VOLUME = 10
MAX_VOLUME = 10_000_000
MAX_NUMBERS = 10
MAX_TEXT = 500

ENTITY_TYPES = ("SOLE_PROPRIETOR", "PRIVATE_PROFIT", "PUBLIC_PROFIT", "NON_PROFIT", "GOVERNMENT")
REGISTRATION_TYPES = (
    "EIN", "CBN", "NEQ", "PROVINCIAL_NUMBER", "CRN", "VAT", "ACN", "ABN", "BRN", "SIREN",
    "SIRET", "NZBN", "UST_IDNR", "CIF", "NIF", "CNPJ", "UID", "OTHER",
)  # fmt: skip
REGISTRATION_FIELDS = (
    "businessRegistrationNumber",
    "businessRegistrationType",
    "businessRegistrationIssuingCountry",
)

_TOLL_FREE = re.compile(r"\+1(" + "|".join(PREFIXES) + r")[2-9][0-9]{6}")
_E164 = re.compile(r"\+[0-9]{1,16}")
_ZIP = re.compile(r"[0-9]{5}(-[0-9]{4})?")
_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}")
_URL = re.compile(
    r"(https?://)?(www\.)?[-a-zA-Z0-9@:%._+~#=]{1,253}\.[a-z]{2,6}\b[-a-zA-Z0-9@:%_+.~#()?&/=]*"
)

Errors = dict[str, list[str]]


def bad_request(errors: Errors) -> dict[str, Any]:
    return {"type": "bad request", "description": "cannot process request", "errors": errors}


class _Checker:
    def __init__(self) -> None:
        self.errors: Errors = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(
        self, data: dict[str, Any], key: str, prefix: str = "", *, required: bool = True
    ) -> str | None:
        name = prefix + key
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add(name, "is required")
            return None
        if not isinstance(value, str):
            self.add(name, "must be a string")
            return None
        if len(value) > MAX_TEXT:
            self.add(name, f"is longer than {MAX_TEXT} characters")
        return value

    def obj(self, data: dict[str, Any], key: str) -> dict[str, Any] | None:
        value = data.get(key)
        if value is None:
            self.add(key, "is required")
            return None
        if not isinstance(value, dict):
            self.add(key, "must be an object")
            return None
        return value

    def url(self, data: dict[str, Any], key: str, prefix: str = "", *, required: bool) -> None:
        value = self.text(data, key, prefix, required=required)
        if value and not _URL.fullmatch(value):
            self.add(prefix + key, "is not a valid url")


def validate(body: Any, *, with_numbers: bool = True) -> Errors:
    """Every problem with a VerificationRequest (or, without numbers, an update's submission)."""
    check = _Checker()
    if not isinstance(body, dict):
        check.add("body", "must be a JSON object")
        return check.errors
    address = check.obj(body, "businessAddress")
    if address is not None:
        for key in ("name", "addr1", "city", "state"):
            check.text(address, key, "businessAddress.")
        check.text(address, "addr2", "businessAddress.", required=False)
        zip_code = check.text(address, "zip", "businessAddress.")
        if zip_code and not _ZIP.fullmatch(zip_code):
            check.add("businessAddress.zip", "is not a valid US zip code")
        check.url(address, "url", "businessAddress.", required=True)
    contact = check.obj(body, "businessContact")
    if contact is not None:
        check.text(contact, "firstName", "businessContact.")
        check.text(contact, "lastName", "businessContact.")
        email = check.text(contact, "email", "businessContact.")
        if email and not _EMAIL.fullmatch(email):
            check.add("businessContact.email", "is not a valid email address")
        phone = check.text(contact, "phoneNumber", "businessContact.")
        if phone and not _E164.fullmatch(phone):
            check.add("businessContact.phoneNumber", "is not a valid E.164 phone number")
    _volume(check, body)
    if with_numbers:
        _numbers(check, body)
    for key in ("useCase", "useCaseSummary", "productionMessageContent"):
        check.text(body, key)
    for key in ("additionalInformation", "isvReseller", "businessDba", "helpMessageResponse"):
        check.text(body, key, required=False)
    for key in ("privacyPolicyUrl", "termsAndConditionsUrl"):
        check.url(body, key, required=False)
    _opt_in(check, body)
    _entity(check, body)
    return check.errors


def _volume(check: _Checker, body: dict[str, Any]) -> None:
    volume = body.get("messageVolume")
    if volume is None:
        check.add("messageVolume", "is required")
    elif isinstance(volume, bool) or not isinstance(volume, int):
        check.add("messageVolume", "must be a whole number")
    elif not MIN_VOLUME <= volume <= MAX_VOLUME:
        check.add("messageVolume", f"must be between {MIN_VOLUME} and {MAX_VOLUME}")


def _numbers(check: _Checker, body: dict[str, Any]) -> None:
    numbers = body.get("phoneNumbers")
    if numbers is None:
        check.add("phoneNumbers", "is required")
        return
    if not isinstance(numbers, list) or not 1 <= len(numbers) <= MAX_NUMBERS:
        check.add("phoneNumbers", f"must contain between 1 and {MAX_NUMBERS} phone numbers")
        return
    for index, number in enumerate(numbers):
        if not isinstance(number, str) or not _TOLL_FREE.fullmatch(number):
            check.add(f"phoneNumbers[{index}]", "is not a valid toll-free number in E.164 format")


def _opt_in(check: _Checker, body: dict[str, Any]) -> None:
    workflow = check.obj(body, "optInWorkflow")
    if workflow is None:
        return
    check.text(workflow, "description", "optInWorkflow.")
    check.text(workflow, "confirmationResponse", "optInWorkflow.", required=False)
    urls = workflow.get("imageUrls")
    if not isinstance(urls, list) or not urls:
        check.add("optInWorkflow.imageUrls", "must contain at least one url")
        return
    for index, url in enumerate(urls):
        if not isinstance(url, str) or not _URL.fullmatch(url):
            check.add(f"optInWorkflow.imageUrls[{index}]", "is not a valid url")


def _entity(check: _Checker, body: dict[str, Any]) -> None:
    entity = body.get("businessEntityType")
    if entity is None:
        check.add("businessEntityType", "is required")
        return
    if entity not in ENTITY_TYPES:
        check.add("businessEntityType", f"must be one of {', '.join(ENTITY_TYPES)}")
        return
    given = [key for key in REGISTRATION_FIELDS if body.get(key) not in (None, "")]
    if entity == "SOLE_PROPRIETOR":
        for key in given:
            check.add(key, "must be omitted when businessEntityType is SOLE_PROPRIETOR")
        return
    for key in REGISTRATION_FIELDS:
        if key not in given:
            check.add(key, f"is required when businessEntityType is {entity}")
    kind = body.get("businessRegistrationType")
    if kind not in (None, "") and kind not in REGISTRATION_TYPES:
        check.add("businessRegistrationType", "is not a valid registration type")
