"""Client for Bandwidth's JSON platform APIs: 10DLC registration status and toll-free
verification, the two checks that say whether a number may send texts at all.

Both live under the Dashboard's base (``https://api.bandwidth.com/api/v2``), take the same
OAuth2 bearer token, and are role-gated: a 403 here means the check could not be made
(missing Campaign Management or TFV role, or an account feature), never "not registered".
The error says which role, in ``missing_role`` and its hint.

Reads are retried like any GET; the toll-free submission (POST) is sent once, since
Bandwidth accepts a duplicate today and will refuse it with 409 from January 2027.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

from .campaigns import (
    Campaign,
    NumberRegistration,
    decode_campaign_page,
    decode_registration,
    decode_registration_page,
    decode_registrations,
)
from .client import ApiClient, path_segment
from .errors import BandwidthError
from .models import us_e164
from .verification import TollFreeStatus, TollFreeSubmission, decode_status

if TYPE_CHECKING:  # httpx loads with the first request (wizard.bandwidth.transport)
    import httpx

JSON_CONTENT_TYPE = "application/json; charset=utf-8"

#: The roles these endpoints need (the names Bandwidth's CLI gives in its 403 messages).
CAMPAIGN_ROLE = "Campaign Management"
TFV_ROLE = "TFV"

#: Campaigns per page (the 10DLC list's largest ``limit``).
CAMPAIGN_PAGE_SIZE = 250
#: Pages read at most (250 x 40 campaigns is far beyond any account).
CAMPAIGN_PAGE_LIMIT = 40
#: Numbers per page of the account's 10DLC number list (its largest ``limit``, Bandwidth/cli
#: ``cmd/tendlc/numbers.go``).
REGISTRATION_PAGE_SIZE = 250
#: Pages of that list read at most (100,000 numbers), so an answer that ignores ``offset``
#: cannot keep the walk going for ever.
REGISTRATION_PAGE_LIMIT = 400


class PlatformClient(ApiClient):
    """Async client for ``{base_url}/accounts/{account_id}/...`` JSON endpoints (10DLC, TFV).

    Use as ``async with PlatformClient(...) as platform:`` or call :meth:`aclose`; pass the
    Dashboard client's ``pool`` to share its connection (same host).
    """

    API = "platform"
    ACCEPT = "application/json"

    # -- plumbing --------------------------------------------------------------------------

    async def _get_json(
        self, path: str, *, role: str, params: Mapping[str, Any] | None = None
    ) -> tuple[httpx.Response, Any]:
        response = await self._core.send("GET", path, params=params, role=role)
        return response, self._core.json_body(response)

    # -- 10DLC -----------------------------------------------------------------------------

    async def list_campaigns(self, *, page_size: int = CAMPAIGN_PAGE_SIZE) -> list[Campaign]:
        """``GET /accounts/{a}/tendlc/campaigns``: every campaign with its status, page by page
        (``limit``/``offset``) until a short page or the total Bandwidth reports."""
        campaigns: list[Campaign] = []
        offset = 0
        for _ in range(CAMPAIGN_PAGE_LIMIT):
            response, payload = await self._get_json(
                self._path("tendlc", "campaigns"),
                role=CAMPAIGN_ROLE,
                params={"limit": str(page_size), "offset": str(offset)},
            )
            page = decode_campaign_page(payload)
            if page is None:
                raise self._core.unexpected(response, "without a list of campaigns")
            campaigns.extend(page.campaigns)
            offset += len(page.campaigns)
            if len(page.campaigns) < page_size or (page.total is not None and offset >= page.total):
                break
        return campaigns

    async def iter_number_registrations(
        self, *, page_size: int = REGISTRATION_PAGE_SIZE
    ) -> AsyncIterator[list[NumberRegistration]]:
        """``GET /accounts/{a}/tendlc/phoneNumbers?limit=..&offset=..``: every number of the
        account that is assigned to a 10DLC campaign, with its campaign and status
        (PROCESSING, SUCCESS, FAILURE), one list per page.

        One walk answers "is it registered?" for every number at once, where
        :meth:`get_number_registration` costs a request per number: a number missing from the
        list is on no campaign. The list takes no server-side filter (Bandwidth's CLI filters
        it client-side), so it is read whole; the walk ends at a short page or at the total
        Bandwidth reports.
        """
        offset = 0
        for _ in range(REGISTRATION_PAGE_LIMIT):
            response, payload = await self._get_json(
                self._path("tendlc", "phoneNumbers"),
                role=CAMPAIGN_ROLE,
                params={"limit": str(page_size), "offset": str(offset)},
            )
            page = decode_registration_page(payload)
            if page is None:
                raise self._core.unexpected(response, "without a list of phone numbers")
            if page.registrations:
                yield list(page.registrations)
            offset += page.rows
            if page.rows < page_size or (page.total is not None and offset >= page.total):
                return

    async def get_campaign_number(
        self, campaign_id: str, phone_number: str
    ) -> NumberRegistration | None:
        """The number's status on one campaign
        (``GET .../tendlc/campaigns/{id}/phoneNumbers?phoneNumber=+1...``), or None when the
        number is not on it. SUCCESS means it can send."""
        e164 = us_e164(phone_number)
        response, payload = await self._get_json(
            self._path("tendlc", "campaigns", path_segment(campaign_id), "phoneNumbers"),
            role=CAMPAIGN_ROLE,
            params={"phoneNumber": e164},
        )
        rows = decode_registrations(payload)
        if rows is None:
            raise self._core.unexpected(response, "without a list of phone numbers")
        for row in rows:
            if us_e164(row.phone_number) == e164:
                if row.campaign_id is None:
                    return NumberRegistration(row.phone_number, row.status, campaign_id, None)
                return row
        return None

    async def get_number_registration(self, phone_number: str) -> NumberRegistration | None:
        """``GET .../tendlc/phoneNumbers/{e164}``: the number's campaign, brand and status, or
        None on 404. Bandwidth's CLI saw this endpoint answer 404 for every number on one
        production account, so None means "not known here", not "not registered": confirm
        with :meth:`get_campaign_number`."""
        path = self._path("tendlc", "phoneNumbers", path_segment(us_e164(phone_number)))
        try:
            response, payload = await self._get_json(path, role=CAMPAIGN_ROLE)
        except BandwidthError as exc:
            if exc.kind == "not_found":
                return None
            raise
        if isinstance(payload, dict) and isinstance(payload.get("data"), dict):
            payload = payload["data"]
        registration = decode_registration(payload)
        if registration is None:
            raise self._core.unexpected(response, "without a phone number registration")
        return registration

    # -- toll-free verification ------------------------------------------------------------

    def _tfv_path(self, phone_number: str) -> str:
        return self._path(
            "phoneNumbers", path_segment(us_e164(phone_number)), "tollFreeVerification"
        )

    async def get_toll_free_verification(self, phone_number: str) -> TollFreeStatus | None:
        """``GET .../phoneNumbers/{e164}/tollFreeVerification``: VERIFIED, PENDING or
        UNVERIFIED (with the decline's reason, code and ``resubmitAllowed``); None on 404, which
        Bandwidth gives when no request was ever submitted for the number."""
        try:
            response, payload = await self._get_json(self._tfv_path(phone_number), role=TFV_ROLE)
        except BandwidthError as exc:
            if exc.kind == "not_found":
                return None
            raise
        status = decode_status(payload, us_e164(phone_number))
        if status is None:
            raise self._core.unexpected(response, "without a verification status")
        return status

    async def submit_toll_free_verification(self, request: TollFreeSubmission) -> None:
        """``POST /accounts/{a}/tollFreeVerification`` (202, no body). Sent once."""
        await self._core.send(
            "POST",
            self._path("tollFreeVerification"),
            content=json.dumps(request.to_json(), ensure_ascii=False),
            content_type=JSON_CONTENT_TYPE,
            role=TFV_ROLE,
        )

    async def resubmit_toll_free_verification(
        self, phone_number: str, request: TollFreeSubmission
    ) -> None:
        """``PUT .../phoneNumbers/{e164}/tollFreeVerification`` with ``{"submission": ...}``
        (202): only for a decline with ``resubmitAllowed``, within 7 days. Sent once."""
        await self._core.send(
            "PUT",
            self._tfv_path(phone_number),
            content=json.dumps(request.update_json(), ensure_ascii=False),
            content_type=JSON_CONTENT_TYPE,
            idempotent=False,
            role=TFV_ROLE,
        )

    async def withdraw_toll_free_verification(self, phone_number: str) -> bool:
        """``DELETE .../phoneNumbers/{e164}/tollFreeVerification`` (204). Idempotent: returns
        False when there was nothing to withdraw (404)."""
        try:
            await self._core.send(
                "DELETE", self._tfv_path(phone_number), idempotent=True, role=TFV_ROLE
            )
        except BandwidthError as exc:
            if exc.kind == "not_found":
                return False
            raise
        return True

    async def list_toll_free_use_cases(self) -> list[str]:
        """``GET /tollFreeVerification/useCases``: the use cases a submission may name."""
        response, payload = await self._get_json("tollFreeVerification/useCases", role=TFV_ROLE)
        if isinstance(payload, dict) and isinstance(payload.get("data"), list):
            payload = payload["data"]
        if not isinstance(payload, list) or not all(isinstance(u, str) for u in payload):
            raise self._core.unexpected(response, "without a list of use cases")
        return list(payload)
