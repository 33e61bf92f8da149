"""Toll-free verification: the request Bandwidth reviews, its status, and the limits it checks.

Since 2024-01-31 traffic from an unverified toll-free number is blocked (4795). The shapes
are ``bandwidth-sdk``'s (``models/verification_request.py``, ``verification_update_request.py``,
``tfv_status.py``, ``address.py``, ``contact.py``, ``opt_in_workflow.py``), which are
authoritative for field names. :meth:`TollFreeSubmission.problems` applies the limits those
models and Bandwidth's API enforce, so a form can point at every wrong field before anything is
sent; a refusal from Bandwidth comes back in the same ``FieldError`` form (``{type,
description, errors}``, dot notation for nested fields).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import FieldError

#: What the verification status can be (``TfvStatusEnum``).
VERIFIED = "VERIFIED"
UNVERIFIED = "UNVERIFIED"
PENDING = "PENDING"

#: ``businessEntityType`` values (``BusinessEntityTypeEnum``).
ENTITY_TYPES = ("SOLE_PROPRIETOR", "PRIVATE_PROFIT", "PUBLIC_PROFIT", "NON_PROFIT", "GOVERNMENT")

#: ``businessRegistrationType`` values (``BusinessRegistrationTypeEnum``).
REGISTRATION_TYPES = (
    "EIN",
    "CBN",
    "NEQ",
    "PROVINCIAL_NUMBER",
    "CRN",
    "VAT",
    "ACN",
    "ABN",
    "BRN",
    "SIREN",
    "SIRET",
    "NZBN",
    "UST_IDNR",
    "CIF",
    "NIF",
    "CNPJ",
    "UID",
    "OTHER",
)

#: Estimated monthly volume Bandwidth accepts (``messageVolume``: ge=10, le=10000000).
MIN_MESSAGE_VOLUME = 10
MAX_MESSAGE_VOLUME = 10_000_000
#: Numbers per request (``phoneNumbers``: 1 to 10).
MAX_PHONE_NUMBERS = 10
#: Every text field's limit.
MAX_TEXT = 500

#: A toll-free number Bandwidth verifies (``TfvStatus.phone_number`` pattern).
TOLL_FREE_E164 = re.compile(r"^\+1(800|833|844|855|866|877|888)[2-9]\d{6}$")
_E164 = re.compile(r"^\+\d{1,16}$")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^(https?://)?(www\.)?[-a-zA-Z0-9@:%._+~#=]{1,253}\.[a-z]{2,6}\b\S*$")


@dataclass(frozen=True)
class BusinessAddress:
    """``businessAddress``: the business using the number, and its website."""

    name: str
    addr1: str
    city: str
    state: str
    zip: str
    url: str
    addr2: str = ""


@dataclass(frozen=True)
class BusinessContact:
    """``businessContact``: a person at that business (not the reseller: code 547)."""

    first_name: str
    last_name: str
    email: str
    phone_number: str


@dataclass(frozen=True)
class OptInWorkflow:
    """``optInWorkflow``: how recipients agree to receive texts, with screenshots."""

    description: str
    image_urls: tuple[str, ...] = ()
    confirmation_response: str = ""


@dataclass(frozen=True)
class TollFreeSubmission:
    """A toll-free verification request (``VerificationRequest``).

    :meth:`to_json` gives the POST body; :meth:`update_json` the PUT body of a resubmission
    (``{"submission": VerificationUpdateRequest}``, which names no numbers: the path does).
    """

    business_address: BusinessAddress
    business_contact: BusinessContact
    message_volume: int
    phone_numbers: tuple[str, ...]
    use_case: str
    use_case_summary: str
    production_message_content: str
    opt_in_workflow: OptInWorkflow
    business_entity_type: str
    additional_information: str = ""
    isv_reseller: str = ""
    privacy_policy_url: str = ""
    terms_and_conditions_url: str = ""
    business_dba: str = ""
    business_registration_number: str = ""
    business_registration_type: str = ""
    business_registration_issuing_country: str = ""
    help_message_response: str = ""
    age_gated_content: bool | None = None
    cv_token: str = ""

    # -- bodies ----------------------------------------------------------------------------

    def _body(self) -> dict[str, Any]:
        address: dict[str, Any] = {
            "name": self.business_address.name,
            "addr1": self.business_address.addr1,
        }
        if self.business_address.addr2:
            address["addr2"] = self.business_address.addr2
        address.update(
            city=self.business_address.city,
            state=self.business_address.state,
            zip=self.business_address.zip,
            url=self.business_address.url,
        )
        workflow: dict[str, Any] = {
            "description": self.opt_in_workflow.description,
            "imageUrls": list(self.opt_in_workflow.image_urls),
        }
        if self.opt_in_workflow.confirmation_response:
            workflow["confirmationResponse"] = self.opt_in_workflow.confirmation_response
        body: dict[str, Any] = {
            "businessAddress": address,
            "businessContact": {
                "firstName": self.business_contact.first_name,
                "lastName": self.business_contact.last_name,
                "email": self.business_contact.email,
                "phoneNumber": self.business_contact.phone_number,
            },
            "messageVolume": self.message_volume,
            "phoneNumbers": list(self.phone_numbers),
            "useCase": self.use_case,
            "useCaseSummary": self.use_case_summary,
            "productionMessageContent": self.production_message_content,
            "optInWorkflow": workflow,
        }
        optional = (
            ("additionalInformation", self.additional_information),
            ("isvReseller", self.isv_reseller),
            ("privacyPolicyUrl", self.privacy_policy_url),
            ("termsAndConditionsUrl", self.terms_and_conditions_url),
            ("businessDba", self.business_dba),
            ("businessRegistrationNumber", self.business_registration_number),
            ("businessRegistrationType", self.business_registration_type),
            ("businessRegistrationIssuingCountry", self.business_registration_issuing_country),
        )
        for key, value in optional:
            if value:
                body[key] = value
        body["businessEntityType"] = self.business_entity_type
        if self.help_message_response:
            body["helpMessageResponse"] = self.help_message_response
        if self.age_gated_content is not None:
            body["ageGatedContent"] = self.age_gated_content
        if self.cv_token:
            body["cvToken"] = self.cv_token
        return body

    def to_json(self) -> dict[str, Any]:
        """The ``VerificationRequest`` for ``POST /accounts/{a}/tollFreeVerification``."""
        return self._body()

    def update_json(self) -> dict[str, Any]:
        """The ``TfvSubmissionWrapper`` for ``PUT .../phoneNumbers/{e164}/tollFreeVerification``."""
        body = self._body()
        body.pop("phoneNumbers")
        return {"submission": body}

    # -- validation ------------------------------------------------------------------------

    def problems(self, use_cases: tuple[str, ...] | list[str] | None = None) -> list[FieldError]:
        """Every field Bandwidth would refuse, keyed in its own dot notation; empty if none.

        ``use_cases``: the list from ``GET /tollFreeVerification/useCases``, when known.
        """
        out: list[FieldError] = []

        def need(name: str, value: str, *, minimum: int = 1) -> bool:
            if len(value.strip()) < minimum:
                out.append(FieldError(name, "is required"))
                return False
            if len(value) > MAX_TEXT:
                out.append(FieldError(name, f"must be at most {MAX_TEXT} characters"))
                return False
            return True

        def optional(name: str, value: str) -> None:
            if len(value) > MAX_TEXT:
                out.append(FieldError(name, f"must be at most {MAX_TEXT} characters"))

        def url(name: str, value: str) -> None:
            if value and not _URL.match(value.strip()):
                out.append(
                    FieldError(name, "must be a website address such as https://example.com")
                )

        a = self.business_address
        need("businessAddress.name", a.name)
        need("businessAddress.addr1", a.addr1)
        optional("businessAddress.addr2", a.addr2)
        need("businessAddress.city", a.city)
        if need("businessAddress.state", a.state, minimum=2) and len(a.state.strip()) != 2:
            out.append(FieldError("businessAddress.state", "must be a two-letter state code"))
        if need("businessAddress.zip", a.zip) and not _ZIP.match(a.zip.strip()):
            out.append(FieldError("businessAddress.zip", "must be five digits (or ZIP+4)"))
        if need("businessAddress.url", a.url):
            url("businessAddress.url", a.url)

        c = self.business_contact
        need("businessContact.firstName", c.first_name)
        need("businessContact.lastName", c.last_name)
        if need("businessContact.email", c.email) and not _EMAIL.match(c.email.strip()):
            out.append(FieldError("businessContact.email", "is not a valid email address"))
        if need("businessContact.phoneNumber", c.phone_number) and not _E164.match(
            c.phone_number.strip()
        ):
            out.append(
                FieldError("businessContact.phoneNumber", "must be E.164, such as +19195551234")
            )

        volume = self.message_volume
        if isinstance(volume, bool) or not isinstance(volume, int):
            out.append(FieldError("messageVolume", "must be a whole number"))
        elif not MIN_MESSAGE_VOLUME <= volume <= MAX_MESSAGE_VOLUME:
            out.append(
                FieldError(
                    "messageVolume",
                    f"must be between {MIN_MESSAGE_VOLUME} and {MAX_MESSAGE_VOLUME:,} a month",
                )
            )

        numbers = self.phone_numbers
        if not 1 <= len(numbers) <= MAX_PHONE_NUMBERS:
            out.append(
                FieldError("phoneNumbers", f"must list 1 to {MAX_PHONE_NUMBERS} toll-free numbers")
            )
        for number in numbers:
            if not TOLL_FREE_E164.match(number.strip()):
                out.append(
                    FieldError(
                        "phoneNumbers",
                        f"{number} is not a US toll-free number in E.164 (+18005551234)",
                    )
                )
        if len(set(numbers)) != len(numbers):
            out.append(FieldError("phoneNumbers", "lists a number twice"))

        if need("useCase", self.use_case) and use_cases and self.use_case not in use_cases:
            out.append(FieldError("useCase", "is not one of Bandwidth's toll-free use cases"))
        need("useCaseSummary", self.use_case_summary)
        need("productionMessageContent", self.production_message_content)

        w = self.opt_in_workflow
        need("optInWorkflow.description", w.description)
        for i, image in enumerate(w.image_urls):
            if need(f"optInWorkflow.imageUrls[{i}]", image):
                url(f"optInWorkflow.imageUrls[{i}]", image)
        optional("optInWorkflow.confirmationResponse", w.confirmation_response)

        for name, value in (
            ("additionalInformation", self.additional_information),
            ("isvReseller", self.isv_reseller),
            ("businessDba", self.business_dba),
            ("helpMessageResponse", self.help_message_response),
            ("cvToken", self.cv_token),
        ):
            optional(name, value)
        for name, value in (
            ("privacyPolicyUrl", self.privacy_policy_url),
            ("termsAndConditionsUrl", self.terms_and_conditions_url),
        ):
            optional(name, value)
            url(name, value)

        out.extend(self._registration_problems())
        return out

    def _registration_problems(self) -> list[FieldError]:
        """The business registration rules in force since 2026-10-19 (``BusinessEntityTypeEnum``
        docstring): a sole proprietor omits the registration fields; anyone else gives all
        three; a registration number always comes with its type and issuing country."""
        out: list[FieldError] = []
        entity = self.business_entity_type
        number = self.business_registration_number.strip()
        kind = self.business_registration_type.strip()
        country = self.business_registration_issuing_country.strip()
        if entity not in ENTITY_TYPES:
            out.append(
                FieldError("businessEntityType", "must be one of " + ", ".join(ENTITY_TYPES))
            )
            return out
        if kind and kind not in REGISTRATION_TYPES:
            out.append(FieldError("businessRegistrationType", "is not a known registration type"))
        if len(number) > MAX_TEXT:
            out.append(
                FieldError("businessRegistrationNumber", f"must be at most {MAX_TEXT} characters")
            )
        if entity == "SOLE_PROPRIETOR":
            for name, value in (
                ("businessRegistrationNumber", number),
                ("businessRegistrationType", kind),
                ("businessRegistrationIssuingCountry", country),
            ):
                if value:
                    out.append(FieldError(name, "must be left out for a sole proprietor"))
            return out
        if not number:
            out.append(
                FieldError(
                    "businessRegistrationNumber",
                    "is required unless the business is a sole proprietor (an EIN in the US)",
                )
            )
        if not kind:
            out.append(FieldError("businessRegistrationType", "is required (EIN in the US)"))
        if not country:
            out.append(
                FieldError("businessRegistrationIssuingCountry", "is required (USA in the US)")
            )
        return out


@dataclass(frozen=True)
class DenialReason:
    """One reason a verification was declined (``AdditionalDenialReason``)."""

    status_code: int | None
    reason: str
    resubmit_allowed: bool | None = None


@dataclass(frozen=True)
class TollFreeStatus:
    """``GET .../phoneNumbers/{e164}/tollFreeVerification`` (``TfvStatus``)."""

    phone_number: str
    status: str
    """VERIFIED, UNVERIFIED or PENDING."""
    decline_reason: str | None = None
    """``declineReasonDescription``."""
    denial_status_code: int | None = None
    resubmit_allowed: bool | None = None
    additional_denial_reasons: tuple[DenialReason, ...] = ()
    blocked: bool = False
    blocked_reason: str | None = None
    internal_ticket_number: str | None = None
    created: datetime | None = None
    modified: datetime | None = None
    submission: dict[str, Any] | None = field(default=None, compare=False)
    """What was submitted, as Bandwidth echoes it (to prefill a resubmission)."""

    @property
    def is_verified(self) -> bool:
        return self.status.upper() == VERIFIED

    @property
    def is_pending(self) -> bool:
        return self.status.upper() == PENDING

    @property
    def is_declined(self) -> bool:
        """UNVERIFIED with a denial: Bandwidth reviewed it and said no."""
        return self.status.upper() == UNVERIFIED and (
            self.denial_status_code is not None or bool(self.decline_reason)
        )

    @property
    def can_resubmit(self) -> bool:
        return self.is_declined and self.resubmit_allowed is True


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def decode_status(payload: Any, phone_number: str = "") -> TollFreeStatus | None:
    """A ``TfvStatus`` object; None when the answer is not one (no ``status``)."""
    if not isinstance(payload, dict):
        return None
    status = payload.get("status")
    if not isinstance(status, str) or not status:
        return None
    reasons = []
    for entry in payload.get("additionalDenialReasons") or []:
        if isinstance(entry, dict):
            reasons.append(
                DenialReason(
                    status_code=_int(entry.get("statusCode")),
                    reason=str(entry.get("reason") or ""),
                    resubmit_allowed=_bool(entry.get("resubmitAllowed")),
                )
            )
    submission = payload.get("submission")
    return TollFreeStatus(
        phone_number=_str(payload.get("phoneNumber")) or phone_number,
        status=status,
        decline_reason=_str(payload.get("declineReasonDescription")),
        denial_status_code=_int(payload.get("denialStatusCode")),
        resubmit_allowed=_bool(payload.get("resubmitAllowed")),
        additional_denial_reasons=tuple(reasons),
        blocked=_bool(payload.get("blocked")) is True,
        blocked_reason=_str(payload.get("blockedReason")),
        internal_ticket_number=_str(payload.get("internalTicketNumber")),
        created=_time(payload.get("createdDateTime")),
        modified=_time(payload.get("modifiedDateTime")),
        submission=submission if isinstance(submission, dict) else None,
    )


def submission_from_echo(
    echo: dict[str, Any], phone_numbers: tuple[str, ...]
) -> TollFreeSubmission:
    """Rebuild a submission from the ``submission`` Bandwidth echoes in a status, to prefill a
    resubmission (missing fields come back empty, for the form to ask)."""

    def text(node: Any, key: str) -> str:
        value = node.get(key) if isinstance(node, dict) else None
        return value if isinstance(value, str) else ""

    address = echo.get("businessAddress") or {}
    contact = echo.get("businessContact") or {}
    workflow = echo.get("optInWorkflow") or {}
    images = workflow.get("imageUrls") if isinstance(workflow, dict) else None
    volume = _int(echo.get("messageVolume"))
    return TollFreeSubmission(
        business_address=BusinessAddress(
            name=text(address, "name"),
            addr1=text(address, "addr1"),
            addr2=text(address, "addr2"),
            city=text(address, "city"),
            state=text(address, "state"),
            zip=text(address, "zip"),
            url=text(address, "url"),
        ),
        business_contact=BusinessContact(
            first_name=text(contact, "firstName"),
            last_name=text(contact, "lastName"),
            email=text(contact, "email"),
            phone_number=text(contact, "phoneNumber"),
        ),
        message_volume=volume if volume is not None else 0,
        phone_numbers=phone_numbers,
        use_case=text(echo, "useCase"),
        use_case_summary=text(echo, "useCaseSummary"),
        production_message_content=text(echo, "productionMessageContent"),
        opt_in_workflow=OptInWorkflow(
            description=text(workflow, "description"),
            image_urls=tuple(i for i in images or [] if isinstance(i, str)),
            confirmation_response=text(workflow, "confirmationResponse"),
        ),
        business_entity_type=text(echo, "businessEntityType"),
        additional_information=text(echo, "additionalInformation"),
        isv_reseller=text(echo, "isvReseller"),
        privacy_policy_url=text(echo, "privacyPolicyUrl"),
        terms_and_conditions_url=text(echo, "termsAndConditionsUrl"),
        business_dba=text(echo, "businessDba"),
        business_registration_number=text(echo, "businessRegistrationNumber"),
        business_registration_type=text(echo, "businessRegistrationType"),
        business_registration_issuing_country=text(echo, "businessRegistrationIssuingCountry"),
        help_message_response=text(echo, "helpMessageResponse"),
        age_gated_content=_bool(echo.get("ageGatedContent")),
        cv_token=text(echo, "cvToken"),
    )
