"""10DLC campaigns and the numbers assigned to them, without any HTTP.

Since 2024-12-01 a US local number delivers texts only once it is assigned to a REGISTERED 10DLC
campaign and provisioned (status SUCCESS on the campaign). Registering a brand and a campaign
takes days and money, so the sandbox seeds the three situations a client meets: one REGISTERED
campaign, one still PENDING and one EXPIRED. Campaign ids look like The Campaign Registry's
(seven characters starting with C, as in Bandwidth/cli's `CA3XKE1`).

A number's campaign status is computed from the sandbox clock: PROCESSING from the moment its TN
option order completes until the provisioning delay has passed, then SUCCESS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REGISTERED_CAMPAIGN = "CA1B2C3"
PENDING_CAMPAIGN = "CP4D5E6"
EXPIRED_CAMPAIGN = "CE7F8G9"
SANDBOX_BRAND = "BSBXAC1"


@dataclass
class Campaign:
    """One campaign, with the fields the list projection of the Registration Center API shows."""

    campaign_id: str
    status: str
    campaign_name: str
    description: str
    usecase: str
    message_class: str
    brand_id: str = SANDBOX_BRAND
    created: str = "2026-09-01T14:02:11.000Z"
    modified: str = "2026-09-04T09:30:00.000Z"
    sub_usecases: list[str] = field(default_factory=list)

    def as_json(self, account_id: str) -> dict[str, Any]:
        """The listing projection; Bandwidth/cli reads `campaignId` and `status` from it."""
        return {
            "accountId": account_id,
            "campaignId": self.campaign_id,
            "campaignName": self.campaign_name,
            "brandId": self.brand_id,
            "description": self.description,
            "usecase": self.usecase,
            "subUsecases": list(self.sub_usecases),
            "status": self.status,
            "messageClass": self.message_class,
            "embeddedLink": False,
            "embeddedPhone": False,
            "numberPool": False,
            "ageGated": False,
            "directLending": False,
            "autoRenewal": True,
            "termsAndConditions": True,
            "createdDate": self.created,
            "modifiedDate": self.modified,
        }


def seeded_campaigns() -> dict[str, Campaign]:
    """The main account's campaigns at the start: one usable, one in review, one lapsed."""
    campaigns = [
        Campaign(
            REGISTERED_CAMPAIGN,
            "REGISTERED",
            "Sandbox account notifications",
            "Account notifications for customers of the bw-wizard sandbox who opted in.",
            "ACCOUNT_NOTIFICATION",
            "Campaign-E",
        ),
        Campaign(
            PENDING_CAMPAIGN,
            "PENDING",
            "Sandbox marketing",
            "Marketing messages still in carrier review.",
            "MARKETING",
            "Campaign-E",
            created="2026-11-30T16:45:00.000Z",
            modified="2026-11-30T16:45:00.000Z",
        ),
        Campaign(
            EXPIRED_CAMPAIGN,
            "EXPIRED",
            "Sandbox 2025 reminders",
            "Appointment reminders whose registration lapsed.",
            "CUSTOMER_CARE",
            "Campaign-E",
            created="2025-01-10T10:00:00.000Z",
            modified="2026-01-10T10:00:00.000Z",
        ),
    ]
    return {campaign.campaign_id: campaign for campaign in campaigns}


@dataclass
class CampaignNumber:
    """A number assigned to a campaign by a completed TN option order."""

    phone_number: str
    """E.164, as the Registration Center API spells it."""
    campaign_id: str
    brand_id: str
    message_class: str
    assigned_at: float
    """Sandbox-clock time the TN option order completed."""
    ready_at: float
    """Sandbox-clock time provisioning ends and the number reads SUCCESS."""
    created: str
    """When the assignment was made, in Bandwidth's timestamp format."""
    ready: str
    """When provisioning ends, in Bandwidth's timestamp format."""
    nnid: str = "209847"

    def status(self, now: float) -> str:
        return "SUCCESS" if now >= self.ready_at else "PROCESSING"

    def as_json(self, now: float) -> dict[str, Any]:
        """One record of the Registration Center's phone number lists."""
        modified = self.ready if now >= self.ready_at else self.created
        return {
            "phoneNumber": self.phone_number,
            "status": self.status(now),
            "campaignId": self.campaign_id,
            "brandId": self.brand_id,
            "customerProfileId": None,
            "nnid": self.nnid,
            "createdDate": self.created,
            "modifiedDate": modified,
        }
