"""The Dashboard API's XML: request bodies as the guide writes them, answers as frozen records.

Bandwidth returns a list of one as a single element, so every list-like tag is parsed with
``force_list``; otherwise code that works with two sites breaks with one. Request bodies are
built from ordered dicts so elements come out in the guide's order and case (``Protocol`` in
the SMS feature, ``protocol`` in the MMS feature). Error bodies come in several shapes;
:func:`find_errors` reads all of them.
"""

from __future__ import annotations

import re
from typing import Any
from xml.parsers.expat import ExpatError

from .models import (
    Account,
    Application,
    Location,
    MmsSettings,
    Order,
    OrderError,
    Site,
    SmsSettings,
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
    }
)

#: The SMS/MMS ProxyPeerId the guide says must be sent.
PROXY_PEER_ID = "539692"

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
    """Serialise a request body (one root element) without an XML declaration, as the guide."""
    import xmltodict

    return xmltodict.unparse(doc, full_document=False)


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
    """The guide's ``<Application>``: ServiceType Messaging-V2, AppName, CallbackUrl, creds."""
    app: dict[str, Any] = {
        "ServiceType": "Messaging-V2",
        "AppName": name,
        "CallbackUrl": callback_url,
    }
    if callback_user is not None or callback_password is not None:
        creds: dict[str, Any] = {}
        if callback_user is not None:
            creds["UserId"] = callback_user
        if callback_password is not None:
            creds["Password"] = callback_password
        app["CallbackCreds"] = creds
    return dumps({"Application": app})


def site_xml(name: str, description: str = "", address: dict[str, str] | None = None) -> str:
    """``<Site>`` for a new sub-account; the real API also wants an ``<Address>``."""
    site: dict[str, Any] = {"Name": name}
    if description:
        site["Description"] = description
    if address:
        site["Address"] = dict(address)
    return dumps({"Site": site})


def location_xml(name: str, is_default: bool = True) -> str:
    """The guide's ``<SipPeer>`` with PeerName and IsDefaultPeer."""
    return dumps({"SipPeer": {"PeerName": name, "IsDefaultPeer": _xml_bool(is_default)}})


def sms_feature_xml(*, toll_free: bool = True, short_code: bool = True) -> str:
    """The guide's SMS feature: ``Protocol`` (upper case) HTTP, Zone1 only, ProxyPeerId 539692."""
    return dumps(
        {
            "SipPeerSmsFeature": {
                "SipPeerSmsFeatureSettings": {
                    "TollFree": _xml_bool(toll_free),
                    "ShortCode": _xml_bool(short_code),
                    "Protocol": "HTTP",
                    "Zone1": "true",
                    "Zone2": "false",
                    "Zone3": "false",
                    "Zone4": "false",
                    "Zone5": "false",
                },
                "HttpSettings": {"ProxyPeerId": PROXY_PEER_ID},
            }
        }
    )


def mms_feature_xml() -> str:
    """The guide's MMS feature: ``protocol`` (lower case) HTTP, ProxyPeerId 539692."""
    return dumps(
        {
            "MmsFeature": {
                "MmsSettings": {"protocol": "HTTP"},
                "Protocols": {"HTTP": {"HttpSettings": {"ProxyPeerId": PROXY_PEER_ID}}},
            }
        }
    )


def application_settings_xml(application_id: str) -> str:
    """The guide's ``<ApplicationsSettings>`` assigning a Messaging-V2 application."""
    return dumps({"ApplicationsSettings": {"HttpMessagingV2AppId": application_id}})


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
    callback_url = text(child(node, "CallbackUrl")) or text(child(node, "MsgCallbackUrl"))
    user = text(child(node, "CallbackCreds", "UserId")) or None
    types = tuple(text(t) for t in as_list(child(node, "RequestedCallbackTypes", "CallbackType")))
    return Application(
        id=text(child(node, "ApplicationId")),
        name=text(child(node, "AppName")),
        service_type=text(child(node, "ServiceType")),
        callback_url=callback_url,
        callback_user=user,
        callback_types=types,
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
        area_code=text(child(search, "AreaCode")) or None,
        quantity=_int_or_none(text(child(search, "Quantity"))),
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


def decode_order_list(doc: dict[str, Any]) -> list[dict[str, str]]:
    """``<ResponseSelectWrapper><ListOrderIdUserIdDate><OrderIdUserIdDate>`` entries.

    Each entry: ``order_id``, ``customer_order_id``, ``status``, ``date`` (as sent).
    """
    entries = as_list(child(root(doc), "ListOrderIdUserIdDate", "OrderIdUserIdDate"))
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
    return out
