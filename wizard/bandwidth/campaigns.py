"""10DLC campaigns and number registrations, as Bandwidth's JSON 10DLC API reports them.

Since 2024-12-01 a US local number delivers texts only once it is assigned to a REGISTERED
campaign and reads SUCCESS on it; until then its messages fail with 4476 (or 5620 at T-Mobile).
The shapes are the ones Bandwidth's CLI reads (``cmd/message/preflight.go``,
``cmd/tendlc/*.go``): lists come as ``{"data": [...], "page": {...}}``; a campaign has
``campaignId`` and ``status``; a number has ``phoneNumber``, ``status`` (SUCCESS, PROCESSING,
FAILURE) and, once assigned, ``campaignId`` and ``brandId``. Fields the listing leaves out are
None here rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The campaign status that lets a campaign carry traffic (only these may be picked).
REGISTERED = "REGISTERED"

#: The number status that means it can send on its campaign.
NUMBER_READY = "SUCCESS"


@dataclass(frozen=True)
class Campaign:
    """One 10DLC campaign on the account."""

    campaign_id: str
    status: str
    """REGISTERED, PENDING, EXPIRED, ... as Bandwidth spells it."""
    brand_id: str | None = None
    name: str | None = None
    use_case: str | None = None
    message_class: str | None = None
    """The message class to send with a TN option order, when the listing gives one."""

    @property
    def is_registered(self) -> bool:
        """Only a REGISTERED campaign can take numbers and carry traffic."""
        return self.status.upper() == REGISTERED


@dataclass(frozen=True)
class NumberRegistration:
    """A number's 10DLC registration: on a campaign (and how far along), or not."""

    phone_number: str
    status: str
    """SUCCESS (can send), PROCESSING (being provisioned) or FAILURE."""
    campaign_id: str | None = None
    brand_id: str | None = None

    @property
    def is_ready(self) -> bool:
        return self.status.upper() == NUMBER_READY


@dataclass(frozen=True)
class CampaignPage:
    """One page of the campaign list, and how many there are in all when Bandwidth says."""

    campaigns: tuple[Campaign, ...]
    total: int | None = None


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _data(payload: Any) -> list[Any] | None:
    """The ``data`` array of a list answer (or a bare array); None for any other shape."""
    if isinstance(payload, dict):
        payload = payload.get("data")
    if isinstance(payload, list):
        return payload
    return None


def _total(payload: Any) -> int | None:
    if not isinstance(payload, dict):
        return None
    page = payload.get("page")
    for source, key in ((page, "totalElements"), (payload, "totalCount"), (page, "total")):
        if isinstance(source, dict):
            value = source.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
    return None


def decode_campaign(entry: Any) -> Campaign | None:
    """One campaign object, or None when it has no ``campaignId``."""
    if not isinstance(entry, dict):
        return None
    campaign_id = _text(entry.get("campaignId"))
    if campaign_id is None:
        return None
    return Campaign(
        campaign_id=campaign_id,
        status=_text(entry.get("status")) or "",
        brand_id=_text(entry.get("brandId")),
        name=_text(entry.get("campaignName")) or _text(entry.get("description")),
        use_case=_text(entry.get("usecase")) or _text(entry.get("useCase")),
        message_class=_text(entry.get("messageClass")),
    )


def decode_campaign_page(payload: Any) -> CampaignPage | None:
    """``{"data": [campaign, ...], "page": {"totalElements": N}}``; None when not that shape."""
    rows = _data(payload)
    if rows is None:
        return None
    campaigns = tuple(c for c in (decode_campaign(r) for r in rows) if c is not None)
    return CampaignPage(campaigns, _total(payload))


def decode_registration(entry: Any) -> NumberRegistration | None:
    """One number registration object, or None when it names no ``phoneNumber``."""
    if not isinstance(entry, dict):
        return None
    number = _text(entry.get("phoneNumber"))
    if number is None:
        return None
    return NumberRegistration(
        phone_number=number,
        status=_text(entry.get("status")) or "",
        campaign_id=_text(entry.get("campaignId")),
        brand_id=_text(entry.get("brandId")),
    )


@dataclass(frozen=True)
class RegistrationPage:
    """One page of the account's 10DLC number list."""

    registrations: tuple[NumberRegistration, ...]
    rows: int
    """Rows on the page, readable or not: what the next ``offset`` moves past."""
    total: int | None = None


def decode_registration_page(payload: Any) -> RegistrationPage | None:
    """``{"data": [registration, ...], "page": {"totalElements": N}}``; None when not that
    shape."""
    rows = _data(payload)
    if rows is None:
        return None
    found = tuple(r for r in (decode_registration(e) for e in rows) if r is not None)
    return RegistrationPage(found, len(rows), _total(payload))


def decode_registrations(payload: Any) -> list[NumberRegistration] | None:
    """``{"data": [registration, ...]}``; None when not that shape."""
    rows = _data(payload)
    if rows is None:
        return None
    return [r for r in (decode_registration(e) for e in rows) if r is not None]
