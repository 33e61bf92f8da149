"""`GET /tns/{tn}/tndetails`: a number's details, including its messaging settings.

The path has no account in it (numbers.yml RetrieveTnDetails; bandwidth-numbers-sdk's
`TelephoneNumber(...).tndetails` calls `/tns/{tn}/tndetails` under the Dashboard base). The answer
is `TelephoneNumberResponse/TelephoneNumberDetails` with `MessagingSettings`: `SmsEnabled`,
`CampaignId`, `MessageClass`, `A2pState` (`system_default` until a TN option order sets a
campaign, then `overridden`, as numbers.yml's examples write them) and the numbers SDK's
`CampaignFullyProvisioned`, true once the number reads SUCCESS on its campaign.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox.dashboard import gate
from wizard.sandbox.responses import response_status, xml_response
from wizard.sandbox.state import iso
from wizard.sandbox.tollfree import is_toll_free
from wizard.sandbox.xml import el, leaf

WRAPPER = "TelephoneNumberResponse"
_TN = re.compile(r"(\+?1)?([2-9][0-9]{9})")


async def tn_details(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    written = request.path_params["tn"]
    match = _TN.fullmatch(written)
    if match is None:
        return response_status(WRAPPER, 400, f"Telephone number '{written}' is not valid", 12512)
    number = match.group(2)
    principal = getattr(request.state, "principal", None)
    account_id = state.identity.account_id
    with state.lock:
        record = state.in_service.get(number)
        if record is None or (principal is not None and account_id not in principal.accounts):
            return response_status(
                WRAPPER, 404, f"The telephone number '{number}' does not exist", 15506
            )
        site = state.sites.get(record["site_id"])
        location = state.locations.get(record["location_id"])
        now = state.clock()
        campaign = state.compliance.campaign_number(number, now)
        order = state.orders.get(record["order_id"])
        in_service = iso(order.complete_wall) if order is not None else iso(state.wall())
        sms_on = location is not None and location.sms is not None
        messaging = el(
            "MessagingSettings",
            el("SmsEnabled", text=sms_on),
            leaf("CampaignId", campaign.campaign_id if campaign else None),
            leaf("MessageClass", campaign.message_class if campaign else None),
            el(
                "CampaignFullyProvisioned",
                text=campaign is not None and campaign.status(now) == "SUCCESS",
            )
            if campaign
            else None,
            el("A2pState", text="overridden" if campaign else "system_default"),
        )
        details = el(
            "TelephoneNumberDetails",
            el("City", text="SANDBOX"),
            el("Lata", text="426"),
            el("State", text="NC"),
            el("FullNumber", text=number),
            el("Tier", text="0"),
            el("VendorId", text="49"),
            el("VendorName", text="Bandwidth CLEC"),
            el("OnNetVendor", text=True),
            el("RateCenter", text="TOLLFREE" if is_toll_free(number) else "SANDBOX"),
            el("Status", text="Inservice"),
            el("AccountId", text=account_id),
            el("Site", el("Id", text=site.id), el("Name", text=site.name)) if site else None,
            el(
                "SipPeer",
                el("PeerId", text=location.id),
                el("PeerName", text=location.name),
                el("IsDefaultPeer", text=location.is_default),
            )
            if location
            else None,
            el(
                "ServiceTypes",
                el("ServiceType", text="Voice"),
                el("ServiceType", text="Messaging") if sms_on else None,
            ),
            el("LastModified", text=in_service),
            el("InServiceDate", text=in_service),
            messaging,
        )
    return xml_response(el(WRAPPER, details))


ROUTES = [Route("/api/tns/{tn}/tndetails", tn_details, methods=["GET"])]
