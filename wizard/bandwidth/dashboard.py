"""Client for the Bandwidth Dashboard (Phone Number) XML API: the guide's steps 1 to 7, and
the per-number 10DLC assignment (TN option orders) that makes a local number able to send.

Each method is one HTTP request (the ``find_*`` helpers are a list plus a filter, paginated
where Bandwidth paginates) and returns a frozen record from ``models.py``. Request bodies are
today's, built in ``xml.py``. Creates (POST) are sent once; callers look things up first
(``find_application_by_name``, ``find_location_by_name``, ``find_order_by_customer_order_id``,
``find_tn_option_orders``, ``find_disconnect_by_customer_order_id``) so that a rerun after a
crash does not make a second copy. The deletes that take a setup apart answer True when they
removed something and False when Bandwidth said it was already gone (404), so a teardown rerun
can tell finished work from a refusal.

Today's base URL is ``https://api.bandwidth.com/api/v2`` (the guide's
``dashboard.bandwidth.com/api`` still answers the same paths).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import xml
from .client import ApiClient, path_segment
from .errors import BandwidthError
from .models import (
    Account,
    Address,
    Application,
    AssociatedLocation,
    DisconnectOrder,
    Location,
    LocationNumber,
    MmsSettings,
    Order,
    Site,
    SmsSettings,
    TnDetails,
    TnOptionOrder,
    national,
)

if TYPE_CHECKING:  # httpx loads with the first request (wizard.bandwidth.transport)
    import httpx

XML_CONTENT_TYPE = "application/xml; charset=utf-8"

#: Roles a 403 on these paths means is missing, as Bandwidth names them (Bandwidth/cli:
#: ``cmd/number/search.go`` "Numbers", ``cmd/site/list.go`` "Sub-Accounts",
#: ``cmd/auth/auth_test.go`` "HTTP Application Management", "Messaging").
NUMBERS_ROLE = "Numbers"
SUB_ACCOUNTS_ROLE = "Sub-Accounts"
APPLICATIONS_ROLE = "HTTP Application Management"
MESSAGING_ROLE = "Messaging"

#: Orders per page when looking an order up by customer order id (ListOrders requires a
#: ``page`` and a ``size``; 1,000 is its most).
ORDER_PAGE_SIZE = 100
#: Pages read before giving up on finding an order (newest orders come first).
ORDER_PAGE_LIMIT = 50
#: Numbers per page of a location's list: ReadSipPeerTns's default and the Dashboard's
#: largest documented page (numbers.yml), so a location of 5,000 numbers or fewer is one
#: request.
LOCATION_NUMBERS_PAGE = 5000
#: Pages of one location's list read at most (2,000,000 numbers), so an answer that ignores
#: ``page`` cannot keep the walk going for ever.
LOCATION_NUMBERS_PAGE_LIMIT = 400
#: Disconnect orders per page when looking one up by customer order id (ReadDisconnectOrders:
#: default 300, at most 5000).
DISCONNECT_PAGE_SIZE = 1000


#: (path pattern after ``accounts/{a}/``, role); the first match wins.
_ROLE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^sites/[^/]+/sippeers/[^/]+/products/messaging(/|$)"), MESSAGING_ROLE),
    (re.compile(r"^sites/[^/]+/sippeers/[^/]+/tns(/|$)"), NUMBERS_ROLE),
    (re.compile(r"^sites(/|$)"), SUB_ACCOUNTS_ROLE),
    (re.compile(r"^applications(/|$)"), APPLICATIONS_ROLE),
    (
        re.compile(r"^(availableNumbers|orders|inserviceNumbers|tnoptions|tns|disconnects)(/|$)"),
        NUMBERS_ROLE,
    ),
)


def role_for(path: str) -> str | None:
    """The role a Dashboard path needs (named in a 403), or None for the account itself."""
    if path.startswith("tns/"):
        return NUMBERS_ROLE
    match = re.match(r"^accounts/[^/]+/?", path)
    if not match:
        return None
    rest = path[match.end() :]
    for pattern, role in _ROLE_RULES:
        if pattern.search(rest):
            return role
    return None


def id_from_location(location: str | None) -> str | None:
    """The new resource's id: the last path segment of a ``Location`` header."""
    if not location:
        return None
    try:
        path = urlsplit(location).path.rstrip("/")
    except ValueError:  # "http://[::1/..." (an invalid IPv6 host) names no id we can trust
        return None
    last = path.rsplit("/", 1)[-1]
    return last or None


def _is_number_order(doc: dict[str, Any]) -> bool:
    content = xml.root(doc)
    return isinstance(content, dict) and ("Order" in content or "OrderStatus" in content)


class DashboardClient(ApiClient):
    """Async client for ``{base_url}/accounts/{account_id}/...`` on one reused connection pool.

    Use as ``async with DashboardClient(...) as dash:`` or call :meth:`aclose`.
    """

    API = "dashboard"
    ACCEPT = "application/xml"

    # -- plumbing --------------------------------------------------------------------------

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Every request, with the role its path needs named for a 403."""
        return await self._core.send(method, path, role=role_for(path), **kwargs)

    async def _get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        response = await self._send("GET", path, params=params)
        return self._core.xml_body(response)

    async def _get_or_none(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        try:
            return await self._get(path, params)
        except BandwidthError as exc:
            if exc.kind == "not_found":
                return None
            raise

    async def _write(
        self,
        method: str,
        path: str,
        body: str,
        *,
        idempotent: bool = False,
    ) -> tuple[httpx.Response, dict[str, Any]]:
        response = await self._send(
            method, path, content=body, content_type=XML_CONTENT_TYPE, idempotent=idempotent
        )
        return response, self._core.xml_body(response, allow_empty=True)

    # -- account and sub-accounts ------------------------------------------------------------

    async def get_account(self) -> Account:
        """``GET /accounts/{a}``: the cheapest call that proves the credentials work."""
        doc = await self._get(self._path())
        return xml.decode_account(doc, self.account_id)

    async def list_sites(self) -> list[Site]:
        """``GET /accounts/{a}/sites``."""
        return xml.decode_sites(await self._get(self._path("sites")))

    async def create_site(
        self,
        name: str,
        description: str = "",
        *,
        address: Address | Mapping[str, str] | None = None,
    ) -> Site:
        """``POST /accounts/{a}/sites`` with the ``<Address>`` Bandwidth requires.

        ``address`` is an :class:`Address` or Bandwidth's element names (``HouseNumber``,
        ``StreetName``, ``City``, ``StateCode``, ``Zip``, ``AddressType``). Without one, or
        with one Bandwidth would refuse, nothing is sent: the error lists what is missing.
        """
        if address is not None and not isinstance(address, Address):
            address = Address.from_elements(dict(address))
        problems = address.problems() if address else ["A new sub-account needs an address."]
        if problems:
            raise BandwidthError(
                "Bandwidth requires an address for a new sub-account: " + " ".join(problems),
                kind="validation",
                method="POST",
                url=self._core.url(self._path("sites")),
                hint=(
                    "Enter the sub-account's address (house number, street, city, two-letter "
                    "state, five-digit ZIP, and Billing or Service), or pick an existing "
                    "sub-account."
                ),
            )
        response, doc = await self._write(
            "POST", self._path("sites"), xml.site_xml(name, description, address)
        )
        site = xml.decode_site(doc) if doc else None
        if site is None or not site.id:
            new_id = id_from_location(response.headers.get("location"))
            if not new_id:
                raise self._core.unexpected(response, "without the new sub-account's id")
            site = Site(id=new_id, name=name, description=description)
        return site

    # -- applications ----------------------------------------------------------------------

    async def list_applications(self) -> list[Application]:
        """``GET /accounts/{a}/applications``."""
        return xml.decode_applications(await self._get(self._path("applications")))

    async def get_application(self, app_id: str) -> Application:
        """``GET /accounts/{a}/applications/{id}``."""
        response = await self._send("GET", self._path("applications", path_segment(app_id)))
        doc = self._core.xml_body(response)
        try:
            return xml.decode_application(doc)
        except xml.XmlDecodeError as exc:
            raise self._core.unexpected(response, "without an <Application>") from exc

    async def find_application_by_name(self, name: str) -> Application | None:
        """The application whose AppName is exactly ``name``, if any (the newest if several)."""
        matches = [a for a in await self.list_applications() if a.name == name]
        return matches[-1] if matches else None

    async def create_application(
        self,
        name: str,
        callback_url: str,
        callback_user: str | None = None,
        callback_password: str | None = None,
    ) -> Application:
        """``POST /accounts/{a}/applications`` with today's ``<Application>`` (MsgCallbackUrl,
        CallbackCreds)."""
        body = xml.application_xml(name, callback_url, callback_user, callback_password)
        response, doc = await self._write("POST", self._path("applications"), body)
        return self._application_answer(response, doc, name, callback_url, callback_user)

    async def update_application(
        self,
        app_id: str,
        name: str,
        callback_url: str,
        callback_user: str | None = None,
        callback_password: str | None = None,
    ) -> Application:
        """``PUT /accounts/{a}/applications/{id}``: replace name, callback URL and creds.

        One ``MsgCallbackUrl`` replaces both the inbound and the outbound URL: check
        :attr:`Application.is_split` on the current application and ask before calling this
        on a split one.
        """
        body = xml.application_xml(name, callback_url, callback_user, callback_password)
        response, doc = await self._write(
            "PUT", self._path("applications", path_segment(app_id)), body
        )
        app = self._application_answer(response, doc, name, callback_url, callback_user)
        return app if app.id else replace(app, id=app_id)

    def _application_answer(
        self,
        response: httpx.Response,
        doc: dict[str, Any],
        name: str,
        callback_url: str,
        callback_user: str | None,
    ) -> Application:
        apps = xml.decode_applications(doc) if doc else []
        if apps and apps[0].id:
            return apps[0]
        new_id = id_from_location(response.headers.get("location"))
        if not new_id and response.request.method == "POST":
            raise self._core.unexpected(response, "without the new application's id")
        return Application(
            id=new_id or "",
            name=name,
            service_type="Messaging-V2",
            callback_url=callback_url,
            callback_user=callback_user,
        )

    async def list_associated_locations(self, app_id: str) -> list[AssociatedLocation]:
        """``GET /accounts/{a}/applications/{id}/associatedsippeers``: the locations the
        application is linked to. Empty means messages sent through it are accepted (202) and
        then go nowhere, which is why Bandwidth's CLI checks it before every send."""
        doc = await self._get(
            self._path("applications", path_segment(app_id), "associatedsippeers"),
        )
        return xml.decode_associated_locations(doc)

    # -- locations ---------------------------------------------------------------------------

    def _location_path(self, site_id: str, *parts: str) -> str:
        return self._path("sites", path_segment(site_id), "sippeers", *parts)

    async def list_locations(self, site_id: str) -> list[Location]:
        """``GET /accounts/{a}/sites/{s}/sippeers``."""
        return xml.decode_locations(await self._get(self._location_path(site_id)), site_id)

    async def iter_location_numbers(
        self, site_id: str, location_id: str, *, page_size: int = LOCATION_NUMBERS_PAGE
    ) -> AsyncIterator[list[LocationNumber]]:
        """``GET .../sippeers/{p}/tns?page=N&size=S``, one list per page.

        ReadSipPeerTns numbers its pages from 1 and its answer has no ``<Links>`` and no count
        (numbers.yml), so the walk stops at the first page shorter than ``page_size``: a
        location of exactly ``page_size`` numbers costs one more (empty) request. Pages are
        handed out as they come, so a caller that counts never holds the whole list.
        """
        path = self._location_path(site_id, path_segment(location_id), "tns")
        for page in range(1, LOCATION_NUMBERS_PAGE_LIMIT + 1):
            response = await self._send(
                "GET", path, params={"page": str(page), "size": str(page_size)}
            )
            try:
                numbers = xml.decode_location_numbers(self._core.xml_bytes(response))
            except xml.XmlDecodeError as exc:
                raise self._core.unexpected(response, "with malformed XML") from exc
            if numbers:
                yield numbers
            if len(numbers) < page_size:
                return

    async def find_location_by_name(self, site_id: str, name: str) -> Location | None:
        """The location on ``site_id`` whose PeerName is exactly ``name``, if any."""
        for location in await self.list_locations(site_id):
            if location.name == name:
                return location
        return None

    async def create_location(self, site_id: str, name: str, is_default: bool = True) -> Location:
        """``POST .../sippeers``; the answer has no body, the id is in the ``Location`` header."""
        response, _ = await self._write(
            "POST", self._location_path(site_id), xml.location_xml(name, is_default)
        )
        new_id = id_from_location(response.headers.get("location"))
        if not new_id:
            raise self._core.unexpected(response, "without a Location header naming the new id")
        return Location(id=new_id, name=name, site_id=site_id, is_default=is_default)

    async def get_location(self, site_id: str, location_id: str) -> Location:
        """``GET .../sippeers/{id}``."""
        response = await self._send("GET", self._location_path(site_id, path_segment(location_id)))
        doc = self._core.xml_body(response)
        try:
            return xml.decode_location(doc, site_id)
        except xml.XmlDecodeError as exc:
            raise self._core.unexpected(response, "without a <SipPeer>") from exc

    # -- messaging features ------------------------------------------------------------------

    def _feature_path(self, site_id: str, location_id: str, *parts: str) -> str:
        return self._location_path(
            site_id, path_segment(location_id), "products", "messaging", *parts
        )

    async def enable_sms(
        self,
        site_id: str,
        location_id: str,
        *,
        toll_free: bool = True,
        short_code: bool = True,
        a2p_long_code: str | None = None,
        a2p_message_class: str | None = None,
        a2p_campaign_id: str | None = None,
    ) -> SmsSettings:
        """``POST .../features/sms`` with HTTP, Zone1 and an empty ``<HttpSettings />``, and no
        location-wide A2P settings unless given (see :func:`xml.sms_feature_xml`).

        The ProxyPeerId in the result is the one Bandwidth chose, read from its answer (or,
        when the answer has no body, from a GET of the feature); None if it named none.
        """
        body = xml.sms_feature_xml(
            toll_free=toll_free,
            short_code=short_code,
            a2p_long_code=a2p_long_code,
            a2p_message_class=a2p_message_class,
            a2p_campaign_id=a2p_campaign_id,
        )
        _, doc = await self._write(
            "POST", self._feature_path(site_id, location_id, "features", "sms"), body
        )
        settings = xml.decode_sms(doc) if doc else None
        if settings is None or settings.proxy_peer_id is None:
            settings = await self.get_sms(site_id, location_id) or settings
        return settings or SmsSettings(
            toll_free=toll_free,
            short_code=short_code,
            protocol="HTTP",
            zones=(True, False, False, False, False),
        )

    async def get_sms(self, site_id: str, location_id: str) -> SmsSettings | None:
        """The location's SMS feature, or None when it has none (404 or empty)."""
        doc = await self._get_or_none(self._feature_path(site_id, location_id, "features", "sms"))
        return xml.decode_sms(doc) if doc else None

    async def enable_mms(self, site_id: str, location_id: str) -> MmsSettings:
        """``POST .../features/mms`` with ``Protocol`` HTTP and an empty ``HttpSettings``;
        the ProxyPeerId is Bandwidth's, as for :meth:`enable_sms`."""
        _, doc = await self._write(
            "POST",
            self._feature_path(site_id, location_id, "features", "mms"),
            xml.mms_feature_xml(),
        )
        settings = xml.decode_mms(doc) if doc else None
        if settings is None or settings.proxy_peer_id is None:
            settings = await self.get_mms(site_id, location_id) or settings
        return settings or MmsSettings(protocol="HTTP")

    async def get_mms(self, site_id: str, location_id: str) -> MmsSettings | None:
        """The location's MMS feature, or None when it has none (404 or empty)."""
        doc = await self._get_or_none(self._feature_path(site_id, location_id, "features", "mms"))
        return xml.decode_mms(doc) if doc else None

    async def assign_application(self, site_id: str, location_id: str, application_id: str) -> str:
        """``PUT .../applicationSettings``; idempotent, so retried like a GET.

        Returns the application id the API reports as assigned.
        """
        _, doc = await self._write(
            "PUT",
            self._feature_path(site_id, location_id, "applicationSettings"),
            xml.application_settings_xml(application_id),
            idempotent=True,
        )
        return (xml.decode_application_settings(doc) if doc else None) or application_id

    async def get_application_settings(self, site_id: str, location_id: str) -> str | None:
        """The id of the application assigned to the location, or None."""
        doc = await self._get_or_none(
            self._feature_path(site_id, location_id, "applicationSettings")
        )
        return xml.decode_application_settings(doc) if doc else None

    # -- numbers and orders ------------------------------------------------------------------

    async def search_available_numbers(self, area_code: str, quantity: int) -> list[str]:
        """``GET /accounts/{a}/availableNumbers?areaCode=..&quantity=..``; [] when none."""
        doc = await self._get(
            self._path("availableNumbers"),
            params={"areaCode": str(area_code), "quantity": str(quantity)},
        )
        return xml.decode_search(doc)

    async def search_toll_free_numbers(self, pattern: str = "8**", quantity: int = 1) -> list[str]:
        """``GET /accounts/{a}/availableNumbers?tollFreeWildCardPattern=..&quantity=..``.

        The pattern is three characters starting with 8 (``8**``, ``87*``); the numbers come
        from 800, 888, 877, 866, 855, 844 and 833. [] when none.
        """
        doc = await self._get(
            self._path("availableNumbers"),
            params={"tollFreeWildCardPattern": pattern, "quantity": str(quantity)},
        )
        return xml.decode_search(doc)

    async def create_order(
        self,
        site_id: str,
        location_id: str | None,
        area_code: str,
        quantity: int,
        customer_order_id: str,
        name: str | None = None,
    ) -> Order:
        """``POST /accounts/{a}/orders`` (the guide's area-code order plus CustomerOrderId).

        Never retried: if the answer is lost, find the order by ``customer_order_id``.
        ``location_id=None`` leaves PeerId out (the site's default location is used).
        """
        body = xml.order_xml(
            site_id=site_id,
            location_id=location_id,
            area_code=area_code,
            quantity=quantity,
            customer_order_id=customer_order_id,
            name=name,
        )
        return await self._post_order(body, customer_order_id)

    async def create_toll_free_order(
        self,
        site_id: str,
        location_id: str | None,
        pattern: str,
        quantity: int,
        customer_order_id: str,
        name: str | None = None,
    ) -> Order:
        """``POST /accounts/{a}/orders`` with ``TollFreeWildCharSearchAndOrderType``.

        Sent once, like :meth:`create_order`; find it again by ``customer_order_id``.
        """
        body = xml.toll_free_order_xml(
            site_id=site_id,
            location_id=location_id,
            pattern=pattern,
            quantity=quantity,
            customer_order_id=customer_order_id,
            name=name,
        )
        return await self._post_order(body, customer_order_id)

    async def _post_order(self, body: str, customer_order_id: str) -> Order:
        response = await self._send(
            "POST",
            self._path("orders"),
            content=body,
            content_type=XML_CONTENT_TYPE,
        )
        order = self._order_answer(response, id_from_location(response.headers.get("location")))
        if not order.id:
            raise self._core.unexpected(response, "without the new order's id")
        if order.customer_order_id is None:
            order = replace(order, customer_order_id=customer_order_id)
        return order

    async def get_order(self, order_id: str) -> Order:
        """``GET /accounts/{a}/orders/{id}``. PARTIAL and FAILED come back as an Order with
        ``errors`` and ``failed_numbers``, not as an exception: the caller decides."""
        response = await self._send("GET", self._path("orders", path_segment(order_id)))
        return self._order_answer(response, order_id)

    def _order_answer(self, response: httpx.Response, order_id: str | None) -> Order:
        doc = self._order_like(response, _is_number_order, "an <OrderResponse>")
        return xml.decode_order(doc, order_id or "")

    def _order_like(
        self, response: httpx.Response, holds: Callable[[dict[str, Any]], bool], what: str
    ) -> dict[str, Any]:
        """The document of an order-like answer (number, TN option or disconnect order).

        Such an answer may carry an ErrorList next to the order (a PARTIAL or FAILED order
        names its failed numbers that way), so the errors are raised only when the order
        itself is missing; `ApiCore.xml_body` would raise on any ErrorList.
        """
        body = response.content
        if not body.strip():
            raise self._core.unexpected(response, "with an empty body")
        try:
            doc = xml.parse(body)
        except xml.XmlDecodeError as exc:
            raise self._core.unexpected(response, "with malformed XML") from exc
        if not holds(doc):
            errors = xml.find_errors(doc)
            if errors:
                raise self._core.error_from_response(response, errors=errors)
            raise self._core.unexpected(response, f"without {what}")
        return doc

    async def find_order_by_customer_order_id(
        self, customer_order_id: str, *, page_size: int = ORDER_PAGE_SIZE
    ) -> Order | None:
        """The order made with this ``CustomerOrderId`` (newest first), or None.

        Uses ``GET /accounts/{a}/orders?customerOrderId=..&page=1&size=N`` (ListOrders requires
        ``page`` and ``size``) and follows ``<Links><next>`` until the order turns up or the
        list ends; then confirms with a GET of the order itself, so a server that ignores the
        filter cannot hand back someone else's order.
        """
        page: str | None = "1"
        seen_pages: set[str] = set()
        unconfirmed = 0
        for _ in range(ORDER_PAGE_LIMIT):
            if page is None or page in seen_pages:
                return None
            seen_pages.add(page)
            doc = await self._get(
                self._path("orders"),
                params={"customerOrderId": customer_order_id, "page": page, "size": page_size},
            )
            listing = xml.decode_order_list(doc)
            exact = [e for e in listing.entries if e["customer_order_id"] == customer_order_id]
            unknown = [e for e in listing.entries if not e["customer_order_id"]]
            for group, confirm in ((exact, False), (unknown, True)):
                for entry in sorted(group, key=lambda e: e["date"], reverse=True):
                    if not entry["order_id"]:
                        continue
                    if confirm:
                        if unconfirmed >= 5:  # a server ignoring the filter: stop guessing
                            continue
                        unconfirmed += 1
                    order = await self.get_order(entry["order_id"])
                    if not confirm or order.customer_order_id == customer_order_id:
                        if order.customer_order_id is None:
                            order = replace(order, customer_order_id=customer_order_id)
                        return order
            page = listing.next_page
        return None

    async def list_in_service_numbers(self) -> list[str]:
        """``GET /accounts/{a}/inserviceNumbers``: the numbers the account can send from."""
        return xml.decode_in_service(await self._get(self._path("inserviceNumbers")))

    async def get_tn_details(self, number: str) -> TnDetails:
        """``GET /tns/{tn}/tndetails``: the number's location and ``MessagingSettings``
        (SmsEnabled, CampaignId, MessageClass, A2pState, CampaignFullyProvisioned).

        The path is the Dashboard's own (numbers.yml RetrieveTnDetails), not under the
        account; the number goes in as ten digits.
        """
        tn = national(number)
        response = await self._send("GET", "/".join(["tns", path_segment(tn), "tndetails"]))
        doc = self._core.xml_body(response)
        try:
            return xml.decode_tn_details(doc, tn)
        except xml.XmlDecodeError as exc:
            raise self._core.unexpected(response, "without <TelephoneNumberDetails>") from exc

    # -- 10DLC: assigning numbers to a campaign ------------------------------------------------

    async def create_tn_option_order(
        self,
        numbers: Sequence[str],
        campaign_id: str,
        *,
        message_class: str | None = xml.DEFAULT_MESSAGE_CLASS,
        customer_order_id: str | None = None,
    ) -> TnOptionOrder:
        """``POST /accounts/{a}/tnoptions``: assign numbers to a 10DLC campaign.

        Sends ``Sms on`` and ``A2pSettings`` (asSpecified, CampaignId, MessageClass) for the
        numbers in E.164; Bandwidth answers 201 with the order (RECEIVED) and works on it in
        the background: poll :meth:`get_tn_option_order`. Sent once; find it again with
        :meth:`find_tn_option_orders` (by ``customer_order_id`` or number).
        """
        body = xml.tn_option_order_xml(
            list(numbers),
            campaign_id,
            message_class=message_class,
            customer_order_id=customer_order_id,
        )
        response = await self._send(
            "POST",
            self._path("tnoptions"),
            content=body,
            content_type=XML_CONTENT_TYPE,
        )
        order = self._tn_option_answer(response, "")
        if not order.id:
            new_id = id_from_location(response.headers.get("location"))
            if not new_id or new_id == "tnoptions":
                raise self._core.unexpected(response, "without the TN option order's id")
            order = replace(order, id=new_id)
        if order.customer_order_id is None and customer_order_id:
            order = replace(order, customer_order_id=customer_order_id)
        return order

    async def get_tn_option_order(self, order_id: str) -> TnOptionOrder:
        """``GET /accounts/{a}/tnoptions/{id}``: RECEIVED, PROCESSING, then COMPLETE, PARTIAL
        or FAILED, with the per-number errors and warnings (never raised: the caller decides)."""
        response = await self._send("GET", self._path("tnoptions", path_segment(order_id)))
        return self._tn_option_answer(response, order_id)

    async def find_tn_option_orders(
        self, *, customer_order_id: str | None = None, number: str | None = None
    ) -> list[TnOptionOrder]:
        """``GET /accounts/{a}/tnoptions?customerOrderId=..|tn=..``: the TN option orders that
        match (at most 1,000, as id and status), so a rerun can find an assignment it made
        before a crash instead of sending a second one.

        A summary that names another customer order id is dropped, and one that names none is
        confirmed with a GET of the order (five at most), so a server that ignores the filter
        cannot pass someone else's order off as this one.
        """
        params: dict[str, str] = {}
        if customer_order_id:
            params["customerOrderId"] = customer_order_id
        if number:
            params["tn"] = national(number)
        if not params:
            raise ValueError("find_tn_option_orders needs a customer order id or a number")
        # GetTnOptionOrders answers 404 when the query finds nothing.
        doc = await self._get_or_none(self._path("tnoptions"), params)
        found = xml.decode_tn_option_summaries(doc) if doc else []
        if not customer_order_id:
            return found
        out: list[TnOptionOrder] = []
        confirmed = 0
        for summary in found:
            if summary.customer_order_id is None and confirmed < 5:
                confirmed += 1
                full = await self.get_tn_option_order(summary.id)
                summary = replace(summary, customer_order_id=full.customer_order_id)
            if summary.customer_order_id == customer_order_id:
                out.append(summary)
        return out

    def _tn_option_answer(self, response: httpx.Response, order_id: str) -> TnOptionOrder:
        doc = self._order_like(response, xml.is_tn_option_order, "a <TnOptionOrder>")
        return xml.decode_tn_option_order(doc, order_id)

    # -- taking a setup apart ------------------------------------------------------------------

    async def _delete(self, path: str) -> bool:
        """``DELETE`` (idempotent, so retried like a GET): True when removed now, False when
        Bandwidth answered 404 (already gone, or a retry after a lost answer)."""
        try:
            await self._send("DELETE", path, idempotent=True)
        except BandwidthError as exc:
            if exc.kind == "not_found":
                return False
            raise
        return True

    async def remove_application_link(self, site_id: str, location_id: str) -> bool:
        """``PUT .../applicationSettings`` with ``<ApplicationsSettings>REMOVE`` (numbers.yml
        UpdateSipPeerApplicationSettings): the location no longer reports to any messaging
        application. Idempotent; False when the location itself is gone (404)."""
        try:
            await self._write(
                "PUT",
                self._feature_path(site_id, location_id, "applicationSettings"),
                xml.APPLICATION_SETTINGS_REMOVE_XML,
                idempotent=True,
            )
        except BandwidthError as exc:
            if exc.kind == "not_found":
                return False
            raise
        return True

    async def delete_mms(self, site_id: str, location_id: str) -> bool:
        """``DELETE .../features/mms`` (DeleteSipPeerMmsSettings); False on 404 "MMS settings
        were not found"."""
        return await self._delete(self._feature_path(site_id, location_id, "features", "mms"))

    async def delete_sms(self, site_id: str, location_id: str) -> bool:
        """``DELETE .../features/sms`` (DeleteSipPeerSmsSettings); False on 404. Bandwidth
        refuses it while MMS is on (13622) or numbers remain on the location (13673)."""
        return await self._delete(self._feature_path(site_id, location_id, "features", "sms"))

    async def delete_location(self, site_id: str, location_id: str) -> bool:
        """``DELETE .../sippeers/{id}`` (DeleteSipPeer); False on 404. Refused while the
        location has the SMS feature (13613) or numbers (13555)."""
        return await self._delete(self._location_path(site_id, path_segment(location_id)))

    async def delete_application(self, app_id: str) -> bool:
        """``DELETE /accounts/{a}/applications/{id}``; False on 404 (13629). Refused while a
        location still uses it (12107)."""
        return await self._delete(self._path("applications", path_segment(app_id)))

    async def delete_site(self, site_id: str) -> bool:
        """``DELETE /accounts/{a}/sites/{id}`` (DeleteSite); False on 404 (12016). Refused
        while the sub-account has locations (12031)."""
        return await self._delete(self._path("sites", path_segment(site_id)))

    async def is_in_service(self, number: str) -> bool:
        """``GET /accounts/{a}/inserviceNumbers/{tn}`` (ReadInserviceTn): 200 with no body when
        the number is in service on the account, 404 when it is not."""
        try:
            await self._send("GET", self._path("inserviceNumbers", path_segment(national(number))))
        except BandwidthError as exc:
            if exc.kind == "not_found":
                return False
            raise
        return True

    async def create_disconnect(
        self, numbers: Sequence[str], customer_order_id: str
    ) -> DisconnectOrder:
        """``POST /accounts/{a}/disconnects`` (CreateDisconnectOrder): take numbers out of
        service, which stops their billing and cannot be undone.

        Sent once, never retried: if the answer is lost, find the order again with
        :meth:`find_disconnect_by_customer_order_id` rather than disconnecting twice.
        """
        response = await self._send(
            "POST",
            self._path("disconnects"),
            content=xml.disconnect_xml(list(numbers), customer_order_id),
            content_type=XML_CONTENT_TYPE,
        )
        order = self._disconnect_answer(response, "")
        if not order.id:
            new_id = id_from_location(response.headers.get("location"))
            if not new_id or new_id == "disconnects":
                raise self._core.unexpected(response, "without the disconnect order's id")
            order = replace(order, id=new_id)
        if order.customer_order_id is None:
            order = replace(order, customer_order_id=customer_order_id)
        return order

    async def get_disconnect(self, order_id: str) -> DisconnectOrder:
        """``GET /accounts/{a}/disconnects/{id}`` (ReadDisconnectOrder): RECEIVED, PROCESSING,
        then COMPLETE, PARTIAL or FAILED with the per-number errors (never raised)."""
        response = await self._send("GET", self._path("disconnects", path_segment(order_id)))
        return self._disconnect_answer(response, order_id)

    async def find_disconnect_by_customer_order_id(
        self, customer_order_id: str, *, page_size: int = DISCONNECT_PAGE_SIZE
    ) -> DisconnectOrder | None:
        """The disconnect order made with this ``CustomerOrderId``, or None.

        ReadDisconnectOrders has no customer-order-id filter, so its pages are walked (``page``
        is the id of a page's first order, from ``<Links><next>``). A row naming this id is
        read with a GET; rows that name none (numbers.yml's example rows carry no
        CustomerOrderId) are read too, five at most, newest first, and count only when the
        order itself names this id.
        """
        page: str | None = "1"
        seen_pages: set[str] = set()
        unconfirmed = 0
        for _ in range(ORDER_PAGE_LIMIT):
            if page is None or page in seen_pages:
                return None
            seen_pages.add(page)
            # ReadDisconnectOrders answers 404 with a bare <Links> when there are none.
            doc = await self._get_or_none(
                self._path("disconnects"), params={"page": page, "size": page_size}
            )
            if not doc:
                return None
            listing = xml.decode_order_list(doc)
            exact = [e for e in listing.entries if e["customer_order_id"] == customer_order_id]
            unknown = [e for e in listing.entries if not e["customer_order_id"]]
            for group, confirm in ((exact, False), (unknown, True)):
                for entry in sorted(group, key=lambda e: e["date"], reverse=True):
                    if not entry["order_id"]:
                        continue
                    if confirm:
                        if unconfirmed >= 5:
                            continue
                        unconfirmed += 1
                    order = await self.get_disconnect(entry["order_id"])
                    if not confirm or order.customer_order_id == customer_order_id:
                        return replace(order, customer_order_id=customer_order_id)
            page = listing.next_page
        return None

    def _disconnect_answer(self, response: httpx.Response, order_id: str) -> DisconnectOrder:
        doc = self._order_like(response, xml.is_disconnect_order, "a disconnect order")
        return xml.decode_disconnect(doc, order_id)
