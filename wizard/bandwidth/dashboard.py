"""Client for the Bandwidth Dashboard (Phone Number) API: the guide's steps 1 to 7.

Each method is one HTTP request (the ``find_*`` helpers are a list plus a filter) and returns a
frozen record from ``models.py``. Request bodies are the guide's, built in ``xml.py``. Creates
(POST) are sent once; callers look things up first (``find_application_by_name``,
``find_location_by_name``, ``find_order_by_customer_order_id``) so that a rerun after a crash
does not make a second copy.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from . import xml
from .errors import BandwidthError
from .models import (
    Account,
    Application,
    Location,
    MmsSettings,
    Order,
    Site,
    SmsSettings,
)
from .transport import ConnectionPool, HttpCore, OnRequest, RetryPolicy, Sleep

if TYPE_CHECKING:  # httpx loads with the first request (wizard.bandwidth.transport)
    import httpx

XML_CONTENT_TYPE = "application/xml; charset=utf-8"


def _seg(value: str) -> str:
    """One path segment, quoted so an id can never change the path."""
    return quote(str(value), safe="")


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


class DashboardClient:
    """Async client for ``{base_url}/accounts/{account_id}/...`` on one reused connection pool.

    Use as ``async with DashboardClient(...) as dash:`` or call :meth:`aclose`.
    """

    def __init__(
        self,
        base_url: str,
        account_id: str,
        auth: httpx.Auth | None,
        *,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_request: OnRequest | None = None,
        sleep: Sleep | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
        pool: ConnectionPool | None = None,
    ) -> None:
        self.account_id = str(account_id)
        self._core = HttpCore(
            base_url,
            auth,
            api="dashboard",
            accept="application/xml",
            timeout=timeout,
            retry=retry,
            transport=transport,
            on_request=on_request,
            sleep=sleep,
            clock=clock,
            rng=rng,
            pool=pool,
        )

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._core.base_url

    async def __aenter__(self) -> DashboardClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._core.aclose()

    def __repr__(self) -> str:
        return f"DashboardClient(base_url={self.base_url!r}, account_id={self.account_id!r})"

    # -- plumbing --------------------------------------------------------------------------

    def _path(self, *parts: str) -> str:
        return "/".join(["accounts", _seg(self.account_id), *parts])

    async def _get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        response = await self._core.send("GET", path, params=params)
        return self._core.xml_body(response)

    async def _get_or_none(self, path: str) -> dict[str, Any] | None:
        try:
            return await self._get(path)
        except BandwidthError as exc:
            if exc.kind == "not_found":
                return None
            raise

    async def _write(
        self, method: str, path: str, body: str, *, idempotent: bool = False
    ) -> tuple[httpx.Response, dict[str, Any]]:
        response = await self._core.send(
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
        self, name: str, description: str = "", *, address: Mapping[str, str] | None = None
    ) -> Site:
        """``POST /accounts/{a}/sites``; ``address`` is the ``<Address>`` the real API wants
        (HouseNumber, StreetName, City, StateCode, Zip, AddressType)."""
        response, doc = await self._write(
            "POST",
            self._path("sites"),
            xml.site_xml(name, description, dict(address) if address else None),
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
        response = await self._core.send("GET", self._path("applications", _seg(app_id)))
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
        """``POST /accounts/{a}/applications`` with the guide's ``<Application>``."""
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
        """``PUT /accounts/{a}/applications/{id}``: replace name, callback URL and creds."""
        body = xml.application_xml(name, callback_url, callback_user, callback_password)
        response, doc = await self._write("PUT", self._path("applications", _seg(app_id)), body)
        app = self._application_answer(response, doc, name, callback_url, callback_user)
        return (
            app
            if app.id
            else Application(
                id=app_id,
                name=app.name,
                service_type=app.service_type,
                callback_url=app.callback_url,
                callback_user=app.callback_user,
                callback_types=app.callback_types,
            )
        )

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

    # -- locations ---------------------------------------------------------------------------

    def _location_path(self, site_id: str, *parts: str) -> str:
        return self._path("sites", _seg(site_id), "sippeers", *parts)

    async def list_locations(self, site_id: str) -> list[Location]:
        """``GET /accounts/{a}/sites/{s}/sippeers``."""
        return xml.decode_locations(await self._get(self._location_path(site_id)), site_id)

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
        response = await self._core.send("GET", self._location_path(site_id, _seg(location_id)))
        doc = self._core.xml_body(response)
        try:
            return xml.decode_location(doc, site_id)
        except xml.XmlDecodeError as exc:
            raise self._core.unexpected(response, "without a <SipPeer>") from exc

    # -- messaging features ------------------------------------------------------------------

    def _feature_path(self, site_id: str, location_id: str, *parts: str) -> str:
        return self._location_path(site_id, _seg(location_id), "products", "messaging", *parts)

    async def enable_sms(
        self, site_id: str, location_id: str, *, toll_free: bool = True, short_code: bool = True
    ) -> SmsSettings:
        """``POST .../features/sms`` with the guide's settings (HTTP, Zone1, ProxyPeerId)."""
        body = xml.sms_feature_xml(toll_free=toll_free, short_code=short_code)
        _, doc = await self._write(
            "POST", self._feature_path(site_id, location_id, "features", "sms"), body
        )
        settings = xml.decode_sms(doc) if doc else None
        return settings or SmsSettings(
            toll_free=toll_free,
            short_code=short_code,
            protocol="HTTP",
            zones=(True, False, False, False, False),
            proxy_peer_id=xml.PROXY_PEER_ID,
        )

    async def get_sms(self, site_id: str, location_id: str) -> SmsSettings | None:
        """The location's SMS feature, or None when it has none (404 or empty)."""
        doc = await self._get_or_none(self._feature_path(site_id, location_id, "features", "sms"))
        return xml.decode_sms(doc) if doc else None

    async def enable_mms(self, site_id: str, location_id: str) -> MmsSettings:
        """``POST .../features/mms`` (lower-case ``protocol``, as the guide insists)."""
        _, doc = await self._write(
            "POST",
            self._feature_path(site_id, location_id, "features", "mms"),
            xml.mms_feature_xml(),
        )
        settings = xml.decode_mms(doc) if doc else None
        return settings or MmsSettings(protocol="HTTP", proxy_peer_id=xml.PROXY_PEER_ID)

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
        response = await self._core.send(
            "POST", self._path("orders"), content=body, content_type=XML_CONTENT_TYPE
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
        response = await self._core.send("GET", self._path("orders", _seg(order_id)))
        return self._order_answer(response, order_id)

    def _order_answer(self, response: httpx.Response, order_id: str | None) -> Order:
        body = response.content
        if not body.strip():
            raise self._core.unexpected(response, "with an empty body")
        try:
            doc = xml.parse(body)
        except xml.XmlDecodeError as exc:
            raise self._core.unexpected(response, "with malformed XML") from exc
        content = xml.root(doc)
        if not isinstance(content, dict) or (
            "Order" not in content and "OrderStatus" not in content
        ):
            errors = xml.find_errors(doc)
            if errors:
                raise self._core.error_from_response(response, errors=errors)
            raise self._core.unexpected(response, "without an <OrderResponse>")
        return xml.decode_order(doc, order_id or "")

    async def find_order_by_customer_order_id(self, customer_order_id: str) -> Order | None:
        """The order made with this ``CustomerOrderId`` (newest first), or None.

        Uses ``GET /accounts/{a}/orders?customerOrderId=..``, then confirms with a GET of the
        order itself, so a server that ignores the filter cannot hand back someone else's order.
        """
        doc = await self._get(self._path("orders"), params={"customerOrderId": customer_order_id})
        entries = xml.decode_order_list(doc)
        exact = [e for e in entries if e["customer_order_id"] == customer_order_id]
        unknown = [e for e in entries if not e["customer_order_id"]]
        for group, confirm in ((exact, False), (unknown[:5], True)):
            for entry in sorted(group, key=lambda e: e["date"], reverse=True):
                if not entry["order_id"]:
                    continue
                order = await self.get_order(entry["order_id"])
                if not confirm or order.customer_order_id == customer_order_id:
                    if order.customer_order_id is None:
                        order = replace(order, customer_order_id=customer_order_id)
                    return order
        return None

    async def list_in_service_numbers(self) -> list[str]:
        """``GET /accounts/{a}/inserviceNumbers``: the numbers the account can send from."""
        return xml.decode_in_service(await self._get(self._path("inserviceNumbers")))
