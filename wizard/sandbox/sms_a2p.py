"""Location-level A2P settings of an SMS feature, and when Bandwidth refuses them (13636-13642).

What the sources say (numbers.yml CreateSipPeerSmsSettings/UpdateSipPeerSmsSettings and their 400
lists; numbers errors.mdx; api-docs programmatic-setup.mdx):
- `SipPeerSmsFeatureSettings` may carry `A2pLongCode` (ON, OFF, DefaultOn, DefaultOff),
  `A2pMessageClass` and `A2pCampaignId`.
- 13638 "CampaignID is required if at least one of features 'A2pLongCode', 'TollFree' and
  'ShortCode' is enabled" and 13637 (a campaign with all three disabled) are checks of those A2P
  settings: programmatic-setup.mdx documents a 201 for TollFree and ShortCode true with no A2P
  element at all, and numbers.yml a 201 for TollFree true with A2pLongCode DefaultOff plus a
  campaign id and a message class. So they run when the request carries A2P settings, or when the
  account is A2pOnly ("A2pOnly account %s required A2P enabled on location. Valid values are:
  'ON', 'DefaultOn'", UpdateSipPeerSmsSettings), where every location must have A2P on.
- "Enabled" is TollFree true, ShortCode true or A2pLongCode ON/DefaultOn (the A2pOnly message
  names ON and DefaultOn as "A2P enabled"); DefaultOff stays permissive (error 5133 calls
  DefaultOn and DefaultOff the permissive values) and only OFF disables.
- A message class is required when A2pLongCode is enabled (13641) and not allowed when it is OFF
  (13642); the campaign must be one of the account's (13639) and active (12192).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from wizard.sandbox.campaigns import Campaign
from wizard.sandbox.xml import text_of

LONG_CODE_VALUES = ("ON", "OFF", "DefaultOn", "DefaultOff")
LONG_CODE_ENABLED = ("ON", "DefaultOn")
_CAMPAIGN_ID = re.compile(r"[A-Za-z0-9 _.\-]{1,64}")
_ELEMENTS = ("A2pLongCode", "A2pMessageClass", "A2pCampaignId")


class A2pRefused(ValueError):
    def __init__(self, code: int | None, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class LocationA2p:
    long_code: str | None
    message_class: str | None
    campaign_id: str | None


def check(
    settings: ET.Element,
    *,
    toll_free: bool,
    short_code: bool,
    a2p_only: bool,
    account_id: str,
    campaigns: dict[str, Campaign],
) -> LocationA2p:
    """The location's A2P settings from a SipPeerSmsFeatureSettings; raises A2pRefused."""
    long_code = text_of(settings, "A2pLongCode") or None
    message_class = text_of(settings, "A2pMessageClass") or None
    campaign_id = text_of(settings, "A2pCampaignId") or None
    present = any(settings.find(tag) is not None for tag in _ELEMENTS)
    if not present and not a2p_only:
        return LocationA2p(None, None, None)
    if long_code is not None and long_code not in LONG_CODE_VALUES:
        raise A2pRefused(
            13636,
            "A2pLongCode value is invalid. Valid values are: 'ON', 'OFF', 'DefaultOn', "
            "'DefaultOff'.",
        )
    if a2p_only and long_code not in LONG_CODE_ENABLED:
        raise A2pRefused(
            None,
            f"A2pOnly account {account_id} required A2P enabled on location. Valid values are: "
            "'ON', 'DefaultOn'",
        )
    long_code_on = long_code in LONG_CODE_ENABLED
    enabled = toll_free or short_code or long_code_on
    if campaign_id is None and enabled:
        raise A2pRefused(
            13638,
            "CampaignID is required if at least one of features 'A2pLongCode', 'TollFree' and "
            "'ShortCode' is enabled.",
        )
    if campaign_id is not None and not enabled:
        raise A2pRefused(
            13637,
            "CampaignID shouldn't be present if all of features 'A2pLongCode', 'TollFree' and "
            "'ShortCode' are disabled.",
        )
    if long_code_on and message_class is None:
        raise A2pRefused(13641, "A2P Message Class is required if 'A2pLongCode' is enabled.")
    if long_code == "OFF" and message_class is not None:
        raise A2pRefused(
            13642, "A2P Message Class shouldn't be present if 'A2pLongCode' is disabled."
        )
    if campaign_id is not None:
        if not _CAMPAIGN_ID.fullmatch(campaign_id):
            raise A2pRefused(
                12822,
                f"A2P Campaign ID '{campaign_id}' is not valid. Needs to be between 1 and 64 "
                "characters. Only alphanumeric values, dashes, underscores and dots are allowed.",
            )
        campaign = campaigns.get(campaign_id)
        if campaign is None:
            raise A2pRefused(
                13639,
                f"Campaign ID '{campaign_id}' was not found in list of authorized Campaign IDs.",
            )
        if campaign.status != "REGISTERED":
            raise A2pRefused(12192, f"A2P Campaign ID '{campaign_id}' is not active")
    return LocationA2p(long_code, message_class, campaign_id)
