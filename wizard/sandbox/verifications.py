"""Toll-free verification records, without any HTTP: what was submitted and what review decided.

Since 2024-01-31 a toll-free number sends nothing (message-failed 4795) until it is verified.
Real review takes days; the sandbox decides at submission and reveals the decision after
`tfv_delay` seconds of sandbox clock: PENDING, then VERIFIED or UNVERIFIED with the decline
fields of bandwidth-sdk's `TfvStatus` (`declineReasonDescription`, `denialStatusCode`,
`resubmitAllowed`).

Documented test data (from real rejection reasons):
- a business contact email at a free webmail domain: declined 1101 "Business Email Address Must
  Use an Official Domain", may be resubmitted (Bandwidth's toll-free rejection reasons table);
- a use case, summary, sample or business name about gambling (casino, betting, sweepstakes):
  declined 511 "Disallowed Content - Gambling", may not be resubmitted (the example of
  `denialStatusCode`/`denialReasonDescription` in api-docs `messaging-tfverify-athena.yml`;
  forbidden-content declines are never eligible for resubmission);
- a number not in service on the account: declined 1002 "Number not provisioned to your
  Organization", not eligible for resubmission (Bandwidth's table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wizard.sandbox.timestamps import iso

RESUBMIT_WINDOW = 7 * 24 * 3600.0
"""A decline can be resubmitted for 7 days (bandwidth-sdk update_toll_free_verification_request)."""

FREE_MAIL_DOMAINS = frozenset(
    {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com", "icloud.com"}
)
_GAMBLING = re.compile(r"\b(gambl\w*|casino\w*|betting|sweepstakes?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    status: str
    """VERIFIED or UNVERIFIED."""
    code: int | None = None
    reason: str | None = None
    resubmit_allowed: bool = False


VERIFIED = Decision("VERIFIED")
FREE_MAIL = Decision("UNVERIFIED", 1101, "Business Email Address Must Use an Official Domain", True)
GAMBLING = Decision("UNVERIFIED", 511, "Disallowed Content - Gambling", False)
NOT_PROVISIONED = Decision("UNVERIFIED", 1002, "Number not provisioned to your Organization", False)


def decide(submission: dict[str, Any], provisioned: bool) -> Decision:
    """What review will say about this submission for one number."""
    if not provisioned:
        return NOT_PROVISIONED
    texts = [
        str(submission.get(key) or "")
        for key in ("useCase", "useCaseSummary", "productionMessageContent")
    ]
    texts.append(str((submission.get("businessAddress") or {}).get("name") or ""))
    if any(_GAMBLING.search(text) for text in texts):
        return GAMBLING
    email = str((submission.get("businessContact") or {}).get("email") or "")
    if email.rpartition("@")[2].lower() in FREE_MAIL_DOMAINS:
        return FREE_MAIL
    return VERIFIED


@dataclass
class Verification:
    """The latest submission for one toll-free number."""

    phone_number: str
    submission: dict[str, Any]
    decision: Decision
    submitted_at: float
    """Sandbox-clock time of the (re)submission."""
    delay: float
    created_wall: float
    submitted_wall: float
    ticket: str

    SUBMISSION_FIELDS = (
        "businessAddress",
        "businessContact",
        "messageVolume",
        "useCase",
        "useCaseSummary",
        "productionMessageContent",
        "optInWorkflow",
        "additionalInformation",
        "isvReseller",
        "privacyPolicyUrl",
        "termsAndConditionsUrl",
        "businessDba",
        "businessRegistrationNumber",
        "businessRegistrationType",
        "businessRegistrationIssuingCountry",
        "businessEntityType",
    )
    """The fields of bandwidth-sdk's TfvSubmissionInfo: what a GET echoes of the submission."""

    def decided(self, now: float) -> bool:
        return now >= self.submitted_at + self.delay

    def status(self, now: float) -> str:
        return self.decision.status if self.decided(now) else "PENDING"

    def may_resubmit(self, now: float) -> bool:
        """Declined, allowed to resubmit, and still inside the 7-day window."""
        return (
            self.decided(now)
            and self.decision.status == "UNVERIFIED"
            and self.decision.resubmit_allowed
            and now < self.submitted_at + self.delay + RESUBMIT_WINDOW
        )

    def as_json(self, now: float) -> dict[str, Any]:
        """bandwidth-sdk's TfvStatus."""
        decided = self.decided(now)
        body: dict[str, Any] = {
            "phoneNumber": self.phone_number,
            "status": self.status(now),
            "internalTicketNumber": self.ticket,
        }
        if decided and self.decision.status == "UNVERIFIED":
            body["declineReasonDescription"] = self.decision.reason
            body["denialStatusCode"] = self.decision.code
            body["resubmitAllowed"] = self.may_resubmit(now)
        modified = self.submitted_wall + (self.delay if decided else 0.0)
        body["createdDateTime"] = iso(self.created_wall)
        body["modifiedDateTime"] = iso(modified)
        body["submission"] = {
            key: self.submission[key] for key in self.SUBMISSION_FIELDS if key in self.submission
        }
        return body
