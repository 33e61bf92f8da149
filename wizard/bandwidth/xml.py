"""The Dashboard API's XML: request bodies in today's shapes, answers as frozen records.

The flow is the 2018 guide's; the bodies are what Bandwidth documents today
(``site/docs/account/programmatic-setup.mdx``, ``site/specs/numbers.yml``), where the two
differ: applications name ``MsgCallbackUrl`` (not the deprecated ``CallbackUrl``), SMS and MMS
features send an empty ``<HttpSettings />`` and let Bandwidth choose the proxy peer (the
guide's fixed 539692 is a 2018 value), MMS spells ``Protocol`` like SMS, and a new sub-account
carries its ``<Address>``. Where the guide's body still holds (location, application settings,
number order), it is sent as the guide wrote it.

Bandwidth returns a list of one as a single element, so every list-like tag is parsed with
``force_list``; otherwise code that works with two sites breaks with one. Request bodies are
built from ordered dicts so elements come out in the documented order and case. Error bodies
come in several shapes; :func:`find_errors` reads all of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from xml.parsers.expat import ExpatError

from .models import (
    Account,
    Address,
    Application,
    AssociatedLocation,
    DisconnectError,
    DisconnectOrder,
    Location,
    LocationNumber,
    MessagingSettings,
    MmsSettings,
    Order,
    OrderError,
    OrderListPage,
    Site,
    SmsSettings,
    TnDetails,
    TnOptionError,
    TnOptionOrder,
    TnOptionWarning,
    national,
    us_e164,
)

#: Tags that may repeat; always parsed as lists, even when only one came back.
FORCE_LIST = frozenset(
    {
        "Site",
        "Application",
        "SipPeer",
        "TelephoneNumber",
        "FullNumber",
        "Error",
        "Errors",
        "ResponseStatus",
        "OrderIdUserIdDate",
        "CallbackType",
        "Host",
        "TerminationHost",
        "TnOptionGroup",
        "TnOptionOrderSummary",
        "Warning",
        "AssociatedSipPeer",
    }
)

#: The SMS/MMS ProxyPeerId the 2018 guide hard-codes. Never sent: today Bandwidth picks the
#: proxy peer and returns it (programmatic-setup.mdx shows 569238). Kept to say, in a request
#: preview or a hint, what the guide's body had.
GUIDE_PROXY_PEER_ID = "539692"

#: The message class Bandwidth's CLI sends with a campaign assignment (``band tnoption
#: assign``); the campaign's own class, when known, is better.
DEFAULT_MESSAGE_CLASS = "M"

MASK = "••••"
PASSWORD_RE = re.compile(r"(<(password)\s*>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL)


class XmlDecodeError(ValueError):
    """The body was not well-formed XML (an HTML page, a truncated answer, plain text)."""


# --------------------------------------------------------------------------- low level


def parse(body: bytes | str) -> dict[str, Any]:
    """Parse an XML body into ``{root_tag: content}`` with :data:`FORCE_LIST` applied.

    An empty body gives ``{}``. Entities are not expanded (xmltodict's default), so a hostile
    answer cannot pull in files or blow up memory.
    """
    if isinstance(body, bytes):
        if not body.strip():
            return {}
    elif not body.strip():
        return {}
    import xmltodict  # imported on first use: the TUI's first screen parses no XML

    try:
        doc = xmltodict.parse(body, force_list=FORCE_LIST, disable_entities=True)
    except (ExpatError, ValueError, LookupError) as exc:  # LookupError: unknown encoding=
        raise XmlDecodeError(f"not well-formed XML: {exc}") from exc
    return dict(doc or {})


def dumps(doc: dict[str, Any]) -> str:
    """Serialise a request body (one root element) without an XML declaration, as the guide.

    A ``None`` value is an empty element written short (``<HttpSettings/>``), as Bandwidth's
    samples write it."""
    import xmltodict

    return xmltodict.unparse(doc, full_document=False, short_empty_elements=True)


def mask_passwords(body: str) -> str:
    """Replace the content of every ``<Password>`` element, for logs and request previews."""
    return PASSWORD_RE.sub(lambda m: f"{m.group(1)}{MASK}{m.group(4)}", body)


def text(node: Any) -> str:
    """The text of an element whatever shape xmltodict gave it (None, str, list, dict)."""
    if node is None:
        return ""
    if isinstance(node, list):
        return text(node[0]) if node else ""
    if isinstance(node, dict):
        return str(node.get("#text", "")).strip()
    return str(node).strip()


def as_list(node: Any) -> list[Any]:
    """Always a list: [] for a missing or empty element, [x] for a lone one."""
    if node is None or node == "":
        return []
    if isinstance(node, list):
        return [n for n in node if n is not None]
    return [node]


def child(node: Any, *path: str) -> Any:
    """Walk nested elements, taking the first of any list; None when something is missing."""
    for key in path:
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def root(doc: dict[str, Any]) -> Any:
    """The content of the root element, whatever the root is called."""
    if not doc:
        return None
    return next(iter(doc.values()))


def _bool(node: Any) -> bool:
    return text(node).lower() == "true"


def _xml_bool(value: bool) -> str:
    return "true" if value else "false"


# --------------------------------------------------------------------------- errors


def find_errors(doc: dict[str, Any]) -> list[tuple[str | None, str]]:
    """Every ``(code, description)`` in the error shapes Bandwidth uses.

    Shapes read: ``<X><ResponseStatus><ErrorCode/><Description/>``, ``<X><ErrorList><Error>``,
    ``<X><Errors>`` (possibly repeated, possibly wrapping ``<Error>``), ``<SearchResult><Error>``
    and a bare root ``<Error>``/``<Errors>``. Empty lists (``<ErrorList/>``) are not errors.
    """
    found: list[tuple[str | None, str]] = []
    for name, content in doc.items():
        _visit(name, content, found)
        if isinstance(content, dict):
            for key, value in content.items():
                _visit(key, value, found)
    return found


def _add(found: list[tuple[str | None, str]], entry: Any, code_key: str = "Code") -> None:
    if not isinstance(entry, dict):
        if text(entry):
            found.append((None, text(entry)))
        return
    code = text(entry.get(code_key)) or text(entry.get("ErrorCode")) or text(entry.get("Code"))
    description = text(entry.get("Description")) or text(entry.get("Message"))
    if code == "0" and not description:
        return
    if code or description:
        found.append((code or None, description))


def _visit(name: str, value: Any, found: list[tuple[str | None, str]]) -> None:
    if name == "ResponseStatus":
        for entry in as_list(value):
            _add(found, entry, "ErrorCode")
    elif name == "ErrorList":
        for entry in as_list(value):
            if isinstance(entry, dict):
                for error in as_list(entry.get("Error")):
                    _add(found, error)
    elif name == "Errors":
        for entry in as_list(value):
            if isinstance(entry, dict) and "Error" in entry:
                for error in as_list(entry.get("Error")):
                    _add(found, error)
            else:
                _add(found, entry)
    elif name == "Error":
        for entry in as_list(value):
            _add(found, entry)


# --------------------------------------------------------------------------- request bodies


def application_xml(
    name: str,
    callback_url: str,
    callback_user: str | None = None,
    callback_password: str | None = None,
) -> str:
    """Today's messaging ``<Application>``: ServiceType Messaging-V2, AppName, MsgCallbackUrl
    (every message event goes there) and optional CallbackCreds (programmatic-setup.mdx).

    The 2018 guide sent ``CallbackUrl``, which numbers.yml marks deprecated.
    """
    app: dict[str, Any] = {
        "ServiceType": "Messaging-V2",
        "AppName": name,
        "MsgCallbackUrl": callback_url,
    }
    if callback_user is not None or callback_password is not None:
        creds: dict[str, Any] = {}
        if callback_user is not None:
            creds["UserId"] = callback_user
        if callback_password is not None:
            creds["Password"] = callback_password
        app["CallbackCreds"] = creds
    return dumps({"Application": app})


def site_xml(
    name: str, description: str = "", address: Address | Mapping[str, str] | None = None
) -> str:
    """``<Site>`` for a new sub-account: Name, Description, then the ``<Address>`` Bandwidth
    requires (programmatic-setup.mdx). The address is an :class:`Address` or its elements by
    Bandwidth's names (what a form or a config holds)."""
    site: dict[str, Any] = {"Name": name}
    if description:
        site["Description"] = description
    if address is not None:
        if not isinstance(address, Address):
            address = Address.from_elements(dict(address))
        site["Address"] = address.elements()
    return dumps({"Site": site})


def location_xml(name: str, is_default: bool = True) -> str:
    """The guide's ``<SipPeer>`` with PeerName and IsDefaultPeer (unchanged today)."""
    return dumps({"SipPeer": {"PeerName": name, "IsDefaultPeer": _xml_bool(is_default)}})


def sms_feature_xml(
    *,
    toll_free: bool = True,
    short_code: bool = True,
    a2p_long_code: str | None = None,
    a2p_message_class: str | None = None,
    a2p_campaign_id: str | None = None,
) -> str:
    """The SMS feature: ``Protocol`` HTTP, Zone1 only (the guide's US/Canada choice), and an
    empty ``<HttpSettings />`` so Bandwidth assigns the proxy peer.

    By default no A2P element is sent: ``A2pLongCode``, ``A2pMessageClass`` and
    ``A2pCampaignId`` set location-wide 10DLC settings, and naming them without a campaign id
    while toll-free, short-code or A2P long-code messaging is on is what earns 13638. Numbers
    are tied to a campaign one by one with a TN option order instead. An account that Bandwidth
    set up as A2P-only needs them on every location: pass all three (``DefaultOn``, the
    campaign's message class and a REGISTERED campaign id), in the order numbers.yml writes them.
    """
    settings: dict[str, Any] = {
        "TollFree": _xml_bool(toll_free),
        "ShortCode": _xml_bool(short_code),
    }
    if a2p_long_code is not None:
        settings["A2pLongCode"] = a2p_long_code
    if a2p_message_class is not None:
        settings["A2pMessageClass"] = a2p_message_class
    if a2p_campaign_id is not None:
        settings["A2pCampaignId"] = a2p_campaign_id
    settings.update(
        Protocol="HTTP", Zone1="true", Zone2="false", Zone3="false", Zone4="false", Zone5="false"
    )
    return dumps(
        {"SipPeerSmsFeature": {"SipPeerSmsFeatureSettings": settings, "HttpSettings": None}}
    )


def mms_feature_xml() -> str:
    """The MMS feature: ``Protocol`` HTTP and an empty ``HttpSettings`` under
    ``Protocols/HTTP`` (programmatic-setup.mdx); Bandwidth assigns the proxy peer."""
    return dumps(
        {
            "MmsFeature": {
                "MmsSettings": {"Protocol": "HTTP"},
                "Protocols": {"HTTP": {"HttpSettings": None}},
            }
        }
    )


def application_settings_xml(application_id: str) -> str:
    """The guide's ``<ApplicationsSettings>`` assigning a Messaging-V2 application."""
    return dumps({"ApplicationsSettings": {"HttpMessagingV2AppId": application_id}})


#: The body that unlinks a location's messaging application (numbers.yml
#: UpdateSipPeerApplicationSettings: "Set the ApplicationsSettings value to 'REMOVE'").
APPLICATION_SETTINGS_REMOVE_XML = "<ApplicationsSettings>REMOVE</ApplicationsSettings>"


def disconnect_xml(numbers: list[str] | tuple[str, ...], customer_order_id: str | None) -> str:
    """A ``<DisconnectTelephoneNumberOrder>`` as numbers.yml and disconnectNumbers.mdx write it:
    ``CustomerOrderId`` (so a lost answer can be found again), then the numbers as ten digits.
    ``DisconnectMode`` and ``Protected`` are left to Bandwidth's defaults (normal, unchanged)."""
    order: dict[str, Any] = {}
    if customer_order_id:
        order["CustomerOrderId"] = customer_order_id
    order["DisconnectTelephoneNumberOrderType"] = {
        "TelephoneNumberList": {"TelephoneNumber": [national(n) for n in numbers]}
    }
    return dumps({"DisconnectTelephoneNumberOrder": order})


def order_xml(
    *,
    site_id: str,
    location_id: str | None,
    area_code: str,
    quantity: int,
    customer_order_id: str | None = None,
    name: str | None = None,
) -> str:
    """The guide's ``<Order>``, then ``CustomerOrderId`` (echoed back; finds the order again)."""
    order: dict[str, Any] = {
        "AreaCodeSearchAndOrderType": {"AreaCode": str(area_code), "Quantity": str(quantity)},
        "SiteId": site_id,
    }
    if location_id:  # without it, Bandwidth uses the site's default location (or says 5020)
        order["PeerId"] = location_id
    if customer_order_id:
        order["CustomerOrderId"] = customer_order_id
    if name:
        order["Name"] = name
    return dumps({"Order": order})


def toll_free_order_xml(
    *,
    site_id: str,
    location_id: str | None,
    pattern: str,
    quantity: int,
    customer_order_id: str | None = None,
    name: str | None = None,
) -> str:
    """A toll-free ``<Order>``: ``TollFreeWildCharSearchAndOrderType`` with the wildcard
    pattern (``8**``) and quantity (numbers.yml CreateOrder), laid out as the area-code order
    so the two differ only in their search element."""
    order: dict[str, Any] = {
        "TollFreeWildCharSearchAndOrderType": {
            "Quantity": str(quantity),
            "TollFreeWildCardPattern": pattern,
        },
        "SiteId": site_id,
    }
    if location_id:
        order["PeerId"] = location_id
    if customer_order_id:
        order["CustomerOrderId"] = customer_order_id
    if name:
        order["Name"] = name
    return dumps({"Order": order})


def tn_option_order_xml(
    numbers: list[str] | tuple[str, ...],
    campaign_id: str,
    *,
    message_class: str | None = DEFAULT_MESSAGE_CLASS,
    customer_order_id: str | None = None,
    sms: bool = True,
) -> str:
    """A ``<TnOptionOrder>`` assigning numbers to a 10DLC campaign.

    ``Sms on`` first (campaign-api.mdx: SMS must be on to take A2pSettings; 5132 otherwise),
    then ``A2pSettings`` with Action ``asSpecified``, CampaignId and MessageClass, then the
    numbers in E.164 with the + (Bandwidth/cli ``cmd/tnoption/assign.go``; 1022 otherwise).
    """
    a2p: dict[str, Any] = {"Action": "asSpecified", "CampaignId": campaign_id}
    if message_class:
        a2p["MessageClass"] = message_class
    group: dict[str, Any] = {}
    if sms:
        group["Sms"] = "on"
    group["A2pSettings"] = a2p
    group["TelephoneNumbers"] = {"TelephoneNumber": [us_e164(n) for n in numbers]}
    order: dict[str, Any] = {}
    if customer_order_id:
        order["CustomerOrderId"] = customer_order_id
    order["TnOptionGroups"] = {"TnOptionGroup": group}
    return dumps({"TnOptionOrder": order})


# --------------------------------------------------------------------------- answers


def decode_account(doc: dict[str, Any], account_id: str = "") -> Account:
    """``<AccountResponse><Account><AccountId>``; tolerant of a bare ``<Account>`` root."""
    node = child(root(doc), "Account") if "Account" not in doc else doc["Account"]
    return Account(
        id=text(child(node, "AccountId")) or account_id,
        company_name=text(child(node, "CompanyName")),
        account_type=text(child(node, "AccountType")),
    )


def _site(node: Any) -> Site:
    return Site(
        id=text(child(node, "Id")),
        name=text(child(node, "Name")),
        description=text(child(node, "Description")),
    )


def decode_sites(doc: dict[str, Any]) -> list[Site]:
    """``<SitesResponse><Sites><Site>...``."""
    return [_site(s) for s in as_list(child(root(doc), "Sites", "Site"))]


def decode_site(doc: dict[str, Any]) -> Site:
    """``<SiteResponse><Site>``."""
    return _site(child(root(doc), "Site"))


def _application(node: Any) -> Application:
    """Every callback form Bandwidth may report (numbers.yml GetApplication, programmatic-setup
    answer): ``MsgCallbackUrl``, the deprecated ``CallbackUrl``, and the Inbound/Outbound pair,
    each with its creds (``CallbackCreds``, ``MsgCallbackCreds``, ``Inbound``/``Outbound``...)."""
    inbound = text(child(node, "InboundCallbackUrl"))
    outbound = text(child(node, "OutboundCallbackUrl"))
    inbound_user = text(child(node, "InboundCallbackCreds", "UserId")) or None
    outbound_user = text(child(node, "OutboundCallbackCreds", "UserId")) or None
    single = text(child(node, "MsgCallbackUrl")) or text(child(node, "CallbackUrl"))
    if not single and inbound and inbound == outbound:
        single = inbound
    if not single and bool(inbound) != bool(outbound):
        single = inbound or outbound
    user = (
        text(child(node, "CallbackCreds", "UserId"))
        or text(child(node, "MsgCallbackCreds", "UserId"))
        or None
    )
    if user is None and inbound_user == outbound_user:
        user = inbound_user
    types = tuple(text(t) for t in as_list(child(node, "RequestedCallbackTypes", "CallbackType")))
    return Application(
        id=text(child(node, "ApplicationId")),
        name=text(child(node, "AppName")),
        service_type=text(child(node, "ServiceType")),
        callback_url=single,
        callback_user=user,
        callback_types=types,
        inbound_callback_url=inbound,
        outbound_callback_url=outbound,
        inbound_callback_user=inbound_user,
        outbound_callback_user=outbound_user,
    )


def decode_applications(doc: dict[str, Any]) -> list[Application]:
    """``<ApplicationProvisioningResponse><ApplicationList><Application>...``."""
    content = root(doc)
    nodes = as_list(child(content, "ApplicationList", "Application"))
    if not nodes:
        nodes = as_list(child(content, "Application"))
    return [_application(n) for n in nodes]


def decode_application(doc: dict[str, Any]) -> Application:
    """``<ApplicationProvisioningResponse><Application>``."""
    apps = decode_applications(doc)
    if not apps:
        raise XmlDecodeError("no <Application> in the answer")
    return apps[0]


def _location(node: Any, site_id: str) -> Location:
    return Location(
        id=text(child(node, "PeerId")),
        name=text(child(node, "PeerName")),
        site_id=site_id,
        is_default=_bool(child(node, "IsDefaultPeer")),
        description=text(child(node, "Description")),
    )


def decode_locations(doc: dict[str, Any], site_id: str) -> list[Location]:
    """``<TNSipPeersResponse><SipPeers><SipPeer>...``."""
    return [_location(n, site_id) for n in as_list(child(root(doc), "SipPeers", "SipPeer"))]


def decode_location(doc: dict[str, Any], site_id: str) -> Location:
    """``<SipPeerResponse><SipPeer>``."""
    node = child(root(doc), "SipPeer")
    if node is None:
        raise XmlDecodeError("no <SipPeer> in the answer")
    return _location(node, site_id)


def decode_sms(doc: dict[str, Any]) -> SmsSettings | None:
    """``<SipPeerSmsFeatureResponse><SipPeerSmsFeature>``; None when SMS is not set up."""
    content = root(doc)
    feature = child(content, "SipPeerSmsFeature")
    if feature is None and isinstance(content, dict) and "SipPeerSmsFeatureSettings" in content:
        feature = content
    settings = child(feature, "SipPeerSmsFeatureSettings")
    if not isinstance(settings, dict):
        return None
    zones = tuple(_bool(settings.get(f"Zone{i}")) for i in range(1, 6))
    proxy = text(child(feature, "HttpSettings", "ProxyPeerId")) or None
    return SmsSettings(
        toll_free=_bool(settings.get("TollFree")),
        short_code=_bool(settings.get("ShortCode")),
        protocol=text(settings.get("Protocol")),
        zones=zones,  # type: ignore[arg-type]
        proxy_peer_id=proxy,
        a2p_long_code=text(settings.get("A2pLongCode")) or None,
        a2p_message_class=text(settings.get("A2pMessageClass")) or None,
        a2p_campaign_id=text(settings.get("A2pCampaignId")) or None,
    )


def decode_mms(doc: dict[str, Any]) -> MmsSettings | None:
    """``<MmsFeatureResponse><MmsFeature>``; None when MMS is not set up.

    The answer spells the protocol ``protocol`` or ``Protocol`` and the proxy id
    ``ProxyPeerId`` or ``proxyPeerId`` (the guide's own sample does both): accept either.
    """
    content = root(doc)
    feature = child(content, "MmsFeature")
    if feature is None and isinstance(content, dict) and "MmsSettings" in content:
        feature = content
    settings = child(feature, "MmsSettings")
    if not isinstance(settings, dict):
        return None
    protocol = text(settings.get("protocol")) or text(settings.get("Protocol"))
    http = child(feature, "Protocols", "HTTP", "HttpSettings")
    proxy = text(child(http, "ProxyPeerId")) or text(child(http, "proxyPeerId")) or None
    return MmsSettings(protocol=protocol, proxy_peer_id=proxy)


def decode_application_settings(doc: dict[str, Any]) -> str | None:
    """The assigned ``HttpMessagingV2AppId``, or None when no application is assigned."""
    content = root(doc)
    settings = child(content, "ApplicationsSettings")
    if settings is None and isinstance(content, dict):
        settings = content
    return text(child(settings, "HttpMessagingV2AppId")) or None


def decode_search(doc: dict[str, Any]) -> list[str]:
    """``<SearchResult><TelephoneNumberList><TelephoneNumber>``; ``<SearchResult/>`` is []."""
    content = root(doc)
    numbers = as_list(child(content, "TelephoneNumberList", "TelephoneNumber"))
    return [text(n) for n in numbers if text(n)]


def decode_in_service(doc: dict[str, Any]) -> list[str]:
    """``<TNs><TelephoneNumbers><TelephoneNumber>``."""
    numbers = as_list(child(root(doc), "TelephoneNumbers", "TelephoneNumber"))
    return [text(n) for n in numbers if text(n)]


def decode_location_numbers(body: bytes) -> list[LocationNumber]:
    """``<SipPeerTelephoneNumbersResponse><SipPeerTelephoneNumbers><SipPeerTelephoneNumber>``
    (numbers.yml ReadSipPeerTns): each number and, when listed, whether it may text.

    Read with ElementTree rather than :func:`parse`: a page holds up to 5,000 numbers, and
    building a dictionary per element was most of a large account's client time. The same
    guard holds: a document type (where entities are declared) is refused before parsing, so
    nothing is ever expanded. Raises XmlDecodeError for anything that is not well-formed.
    """
    if not body.strip():
        return []
    head = body[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in body.lower():
        raise XmlDecodeError("a document type or entity declaration in the answer")
    import xml.etree.ElementTree as ElementTree

    try:
        tree = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise XmlDecodeError(f"not well-formed XML: {exc}") from exc
    out: list[LocationNumber] = []
    for row in tree.iter("SipPeerTelephoneNumber"):
        number = (row.findtext("FullNumber") or "").strip()
        if number:
            sms = row.findtext("MessagingSettings/SmsEnabled")
            out.append(LocationNumber(number, None if sms is None else _tristate(sms)))
    return out


def _full_numbers(node: Any) -> tuple[str, ...]:
    """Numbers from ``<TelephoneNumber><FullNumber>`` lists or bare ``<FullNumber>`` lists."""
    out: list[str] = []
    for entry in as_list(node):
        if isinstance(entry, dict):
            for full in as_list(entry.get("FullNumber")):
                out.append(text(full))
            for tn in as_list(entry.get("TelephoneNumber")):
                out.extend(_full_numbers(tn) if isinstance(tn, dict) else [text(tn)])
        elif text(entry):
            out.append(text(entry))
    return tuple(n for n in out if n)


def _int_or_none(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def decode_order(doc: dict[str, Any], order_id: str = "") -> Order:
    """``<OrderResponse>`` from a create or a GET, PARTIAL/FAILED error list included.

    The GET answer has no ``<id>``: pass the id that was asked for.
    """
    content = root(doc)
    order = child(content, "Order")
    search = child(order, "AreaCodeSearchAndOrderType")
    toll_free = child(order, "TollFreeWildCharSearchAndOrderType")
    if search is None:
        search = toll_free
    errors = tuple(
        OrderError(code or "", description) for code, description in _order_errors(content)
    )
    return Order(
        id=text(child(order, "id")) or text(child(order, "OrderId")) or order_id,
        status=text(child(content, "OrderStatus")) or text(child(order, "OrderStatus")),
        customer_order_id=text(child(order, "CustomerOrderId")) or None,
        completed_numbers=_full_numbers(child(content, "CompletedNumbers")),
        failed_numbers=_full_numbers(child(content, "FailedNumbers")),
        errors=errors,
        number_errors=_order_number_errors(content),
        area_code=text(child(search, "AreaCode")) or None,
        quantity=_int_or_none(text(child(search, "Quantity"))),
        toll_free_pattern=text(child(toll_free, "TollFreeWildCardPattern")) or None,
        site_id=text(child(order, "SiteId")) or None,
        location_id=text(child(order, "PeerId")) or None,
        name=text(child(order, "Name")) or None,
        created=text(child(order, "OrderCreateDate")) or None,
    )


def _order_errors(content: Any) -> list[tuple[str | None, str]]:
    found: list[tuple[str | None, str]] = []
    if isinstance(content, dict):
        for key in ("ErrorList", "Errors", "Error"):
            if key in content:
                _visit(key, content[key], found)
    return found


def _order_number_errors(content: Any) -> tuple[tuple[str, OrderError], ...]:
    """``<ErrorList><Error><Code/><Description/><TelephoneNumber/>``: the errors naming a number
    (numbers SDK ``maps/error.py`` has ``telephone_number``)."""
    found: list[tuple[str, OrderError]] = []
    for entry in as_list(child(content, "ErrorList")):
        for error in as_list(entry.get("Error")) if isinstance(entry, dict) else ():
            if not isinstance(error, dict):
                continue
            number = text(error.get("TelephoneNumber"))
            if number:
                code = text(error.get("Code")) or text(error.get("ErrorCode"))
                found.append((number, OrderError(code, text(error.get("Description")))))
    return tuple(found)


def decode_order_list(doc: dict[str, Any]) -> OrderListPage:
    """``<ResponseSelectWrapper><ListOrderIdUserIdDate>``: one page of ``GET /orders``.

    Each entry: ``order_id``, ``customer_order_id``, ``status``, ``date`` (as sent). The next
    page's ``page`` value comes from ``<Links><next>`` (numbers.yml ListOrders: the text is
    ``Link=<...orders?page=ID&size=N>;rel="next";``); None on the last page.
    """
    listing = child(root(doc), "ListOrderIdUserIdDate")
    entries = as_list(child(listing, "OrderIdUserIdDate"))
    out = []
    for e in entries:
        out.append(
            {
                "order_id": text(child(e, "orderId")) or text(child(e, "OrderId")),
                "customer_order_id": text(child(e, "CustomerOrderId")),
                "status": text(child(e, "OrderStatus")),
                "date": text(child(e, "OrderDate")) or text(child(e, "lastModifiedDate")),
            }
        )
    return OrderListPage(
        entries=tuple(out),
        next_page=next_page(child(listing, "Links")),
        total=_int_or_none(text(child(listing, "TotalCount"))),
    )


_PAGE_RE = re.compile(r"[?&]page=([^&>;\s\"']+)")


def next_page(links: Any, param: str = "page") -> str | None:
    """The ``page`` value of a ``<Links><next>`` element, or None when there is no next page.

    Bandwidth writes the link as text (``Link=<https://...?page=X&size=N>;rel="next";``);
    the value is whatever follows ``page=`` up to the next separator.
    """
    nxt = child(links, "next")
    raw = text(nxt)
    if not raw:
        return None
    pattern = _PAGE_RE if param == "page" else re.compile(rf"[?&]{re.escape(param)}=([^&>;\s]+)")
    match = pattern.search(raw.replace("&amp;", "&"))
    return match.group(1) if match else None


def _tn_option_content(doc: dict[str, Any]) -> Any:
    """The ``<TnOptionOrder>`` of a create answer (inside ``TnOptionOrderResponse``) or of a
    GET (the root itself)."""
    if "TnOptionOrder" in doc:
        return doc["TnOptionOrder"]
    return child(root(doc), "TnOptionOrder")


def is_tn_option_order(doc: dict[str, Any]) -> bool:
    """True when the answer holds a TN option order (rather than only a ResponseStatus)."""
    return isinstance(_tn_option_content(doc), dict)


def decode_tn_option_order(doc: dict[str, Any], order_id: str = "") -> TnOptionOrder:
    """A TN option order from the create answer or a GET, errors and warnings included.

    Per-number errors (``<ErrorList><Error><Code/><Description/><TelephoneNumber/>``) are part
    of a PARTIAL or FAILED order, not a failure of the request, so they are read here and not
    raised.
    """
    node = _tn_option_content(doc)
    numbers: list[str] = []
    campaign = message_class = action = None
    for group in as_list(child(node, "TnOptionGroups", "TnOptionGroup")):
        numbers.extend(
            text(n) for n in as_list(child(group, "TelephoneNumbers", "TelephoneNumber"))
        )
        a2p = child(group, "A2pSettings")
        if isinstance(a2p, dict):
            campaign = campaign or text(a2p.get("CampaignId")) or None
            message_class = message_class or text(a2p.get("MessageClass")) or None
            action = action or text(a2p.get("Action")) or None
    errors = []
    for entry in as_list(child(node, "ErrorList", "Error")):
        if not isinstance(entry, dict):
            continue
        code = text(entry.get("Code")) or text(entry.get("ErrorCode"))
        errors.append(
            TnOptionError(
                code=code,
                description=text(entry.get("Description")),
                telephone_number=text(entry.get("TelephoneNumber")) or None,
            )
        )
    warnings = [
        TnOptionWarning(
            telephone_number=text(child(w, "TelephoneNumber")) or None,
            description=text(child(w, "Description")),
        )
        for w in as_list(child(node, "Warnings", "Warning"))
        if isinstance(w, dict)
    ]
    return TnOptionOrder(
        id=text(child(node, "OrderId")) or order_id,
        status=text(child(node, "ProcessingStatus")) or text(child(node, "OrderStatus")),
        numbers=tuple(n for n in numbers if n),
        campaign_id=campaign,
        message_class=message_class,
        action=action,
        customer_order_id=text(child(node, "CustomerOrderId")) or None,
        errors=tuple(errors),
        warnings=tuple(warnings),
        created=text(child(node, "OrderCreateDate")) or None,
        last_modified=text(child(node, "LastModifiedDate")) or None,
    )


def decode_tn_option_summaries(doc: dict[str, Any]) -> list[TnOptionOrder]:
    """``<TnOptionOrderReportResponse><TnOptionOrders><TnOptionOrderSummary>``: id and status
    of each order a ``GET /tnoptions`` search found (numbers.yml GetTnOptionOrders)."""
    orders = child(root(doc), "TnOptionOrders")
    out = []
    for entry in as_list(child(orders, "TnOptionOrderSummary")):
        order_id = text(child(entry, "OrderId"))
        if order_id:
            out.append(
                TnOptionOrder(
                    id=order_id,
                    status=text(child(entry, "OrderStatus")),
                    customer_order_id=text(child(entry, "CustomerOrderId")) or None,
                    created=text(child(entry, "OrderDate")) or None,
                    last_modified=text(child(entry, "lastModifiedDate")) or None,
                )
            )
    return out


def _tristate(node: Any) -> bool | None:
    value = text(node).lower()
    if value in ("true", "on", "yes"):
        return True
    if value in ("false", "off", "no"):
        return False
    return None


def decode_tn_details(doc: dict[str, Any], number: str = "") -> TnDetails:
    """``<TelephoneNumberResponse><TelephoneNumberDetails>`` (numbers.yml RetrieveTnDetails),
    with ``MessagingSettings`` as the numbers SDK models it (``models/maps/messaging_settings``)."""
    node = child(root(doc), "TelephoneNumberDetails")
    if node is None:
        raise XmlDecodeError("no <TelephoneNumberDetails> in the answer")
    settings = child(node, "MessagingSettings")
    messaging = None
    if isinstance(settings, dict):
        messaging = MessagingSettings(
            sms_enabled=_tristate(settings.get("SmsEnabled")),
            campaign_id=text(settings.get("CampaignId")) or None,
            message_class=text(settings.get("MessageClass")) or None,
            a2p_state=text(settings.get("A2pState")) or None,
            campaign_fully_provisioned=_tristate(settings.get("CampaignFullyProvisioned")),
        )
    return TnDetails(
        number=text(child(node, "FullNumber")) or number,
        status=text(child(node, "Status")),
        account_id=text(child(node, "AccountId")) or None,
        site_id=text(child(node, "Site", "Id")) or None,
        location_id=text(child(node, "SipPeer", "PeerId")) or None,
        location_name=text(child(node, "SipPeer", "PeerName")) or None,
        messaging=messaging,
    )


def decode_associated_locations(doc: dict[str, Any]) -> list[AssociatedLocation]:
    """``<AssociatedSipPeersResponse><AssociatedSipPeers><AssociatedSipPeer>`` (numbers.yml
    ListAssociatedSippeers): the locations an application is linked to."""
    peers = as_list(child(root(doc), "AssociatedSipPeers", "AssociatedSipPeer"))
    return [
        AssociatedLocation(
            site_id=text(child(p, "SiteId")),
            location_id=text(child(p, "PeerId")),
            site_name=text(child(p, "SiteName")),
            location_name=text(child(p, "PeerName")),
        )
        for p in peers
        if text(child(p, "PeerId"))
    ]


def is_disconnect_order(doc: dict[str, Any]) -> bool:
    """True when the answer holds a disconnect order (``orderRequest`` or ``OrderStatus``),
    rather than only an error list."""
    content = root(doc)
    return isinstance(content, dict) and ("orderRequest" in content or "OrderStatus" in content)


def decode_disconnect(doc: dict[str, Any], order_id: str = "") -> DisconnectOrder:
    """``<DisconnectTelephoneNumberOrderResponse>`` from a create or a GET (numbers.yml): the
    ``orderRequest`` with its id and numbers, ``OrderStatus``, and once final the
    ``DisconnectedTelephoneNumberList`` and an ``<Error>`` per number that was not."""
    content = root(doc)
    request = child(content, "orderRequest")
    kind = child(request, "DisconnectTelephoneNumberOrderType")
    numbers = as_list(child(kind, "TelephoneNumberList", "TelephoneNumber"))
    disconnected = as_list(child(content, "DisconnectedTelephoneNumberList", "TelephoneNumber"))
    errors = [
        DisconnectError(
            code=text(entry.get("Code")) or text(entry.get("ErrorCode")),
            description=text(entry.get("Description")),
            telephone_number=text(entry.get("TelephoneNumber")) or None,
        )
        for entry in as_list(child(content, "ErrorList", "Error"))
        if isinstance(entry, dict)
    ]
    return DisconnectOrder(
        id=text(child(request, "id")) or text(child(request, "OrderId")) or order_id,
        status=text(child(content, "OrderStatus")),
        numbers=tuple(text(n) for n in numbers if text(n)),
        disconnected=tuple(text(n) for n in disconnected if text(n)),
        errors=tuple(errors),
        customer_order_id=text(child(request, "CustomerOrderId")) or None,
        created=text(child(request, "OrderCreateDate")) or None,
    )
