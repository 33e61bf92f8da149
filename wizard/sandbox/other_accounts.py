"""The accounts besides the main one: the second account of a two-account credential and the
Bandwidth Build trial's own account.

They exist so a client can be tested on choosing an account from a token's `accounts` and on
being refused as a Build trial; the sandbox keeps working data for its main account only. So
they answer the account itself and their one sub-account, and refuse everything else on the
Dashboard with 403 1001, as an account without the product would.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from starlette.requests import Request
from starlette.responses import Response

from wizard.sandbox.credentials import SeededAccount, seeded_accounts
from wizard.sandbox.responses import forbidden_xml, response_status, xml_response
from wizard.sandbox.xml import el

_REST = re.compile(r"^/api(?:/v2)?/accounts/[^/]+")


def answer(request: Request, account_id: str) -> Response:
    """The Dashboard's answer for a request on an account other than the main one."""
    account = seeded_accounts().get(account_id)
    rest = _REST.sub("", request.url.path, count=1).rstrip("/")
    if account is None or request.method not in ("GET", "HEAD"):
        return forbidden_xml()
    if rest == "":
        return xml_response(el("AccountResponse", _account(account)))
    if rest == "/sites":
        return xml_response(el("SitesResponse", el("Sites", _site(account))))
    if rest.startswith("/sites/") and rest.count("/") == 2:
        site_id = rest.rsplit("/", 1)[-1]
        if site_id != account.site_id:
            return response_status("SiteResponse", 404, f"Site '{site_id}' does not exist", 12016)
        return xml_response(el("SiteResponse", _site(account)))
    return forbidden_xml()


def _account(account: SeededAccount) -> ET.Element:
    return el(
        "Account",
        el("AccountId", text=account.account_id),
        el("CompanyName", text=account.company_name),
        el("AccountType", text=account.account_type),
        el("Tiers", el("Tier", text="0")),
        el("ReservationAllowed", text=False),
        el("LnpEnabled", text=False),
    )


def _site(account: SeededAccount) -> ET.Element:
    return el("Site", el("Id", text=account.site_id), el("Name", text=account.site_name))
