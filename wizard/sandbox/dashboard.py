"""Dashboard API routes for the account, sub-accounts (sites), locations (SIP peers) and their
messaging products: the guide's steps 2 to 5.

Every route checks credentials, the account and the role first (`gate`), then works under the
state lock. The guide's MUST values are enforced here (SMS Protocol HTTP and Zone1 true, MMS
protocol HTTP, SMS before MMS, SMS on HTTP before an application is assigned) with the real error
codes, and so are today's rules: a site needs an address, an SMS feature's A2P settings are
checked (`sms_a2p`), and Bandwidth, not the request, picks the proxy peer.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox import other_accounts, refusals
from wizard.sandbox.access import Refusal, authorize, principal_of
from wizard.sandbox.addresses import AddressInvalid, site_address
from wizard.sandbox.paths import api_root
from wizard.sandbox.responses import (
    bad_xml,
    not_found,
    response_status,
    xml_response,
)
from wizard.sandbox.roles import required_role
from wizard.sandbox.sms_a2p import A2pRefused, check
from wizard.sandbox.state import (
    MAX_LOCATIONS,
    MAX_SITES,
    Location,
    MmsSettings,
    SandboxState,
    Site,
    SmsSettings,
)
from wizard.sandbox.xml import XmlBodyError, el, leaf, parse, parse_bool, text_of

ACCOUNT_PROXY_PEER_ID = "569238"
"""The proxy peer Bandwidth assigns from the account's HTTP settings (programmatic-setup.mdx's
answer). A ProxyPeerId in the request is not how a location gets one today: the guide's 2018
value 539692 is accepted and ignored, and the answer carries this one."""
ACCOUNT = "/api/accounts/{account}"
SITE = ACCOUNT + "/sites/{site}"
PEER = SITE + "/sippeers/{peer}"
MESSAGING = PEER + "/products/messaging"

_ADDRESS_ORDER = (
    "HouseNumber",
    "HousePrefix",
    "HouseSuffix",
    "PreDirectional",
    "StreetName",
    "StreetSuffix",
    "PostDirectional",
    "AddressLine2",
    "City",
    "StateCode",
    "Zip",
    "PlusFour",
    "County",
    "Country",
    "AddressType",
)


def sandbox_state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def gate(request: Request) -> tuple[SandboxState, Response | None]:
    """Credentials, the account and the route's role; then settles due orders so every answer
    is current. A response in the second place is the answer to send instead of the route's
    own: a refusal, or what another account than the main one answers."""
    state = sandbox_state(request)
    account = request.path_params.get("account")
    try:
        authorize(request, state, account, required_role(request.url.path))
    except Refusal as refusal:
        return state, refusals.dashboard(refusal, state.config.legacy_api_users)
    if account is not None and account != state.identity.account_id:
        return state, other_accounts.answer(request, account)
    state.advance()
    return state, None


def caller_name(request: Request, state: SandboxState) -> str:
    """Who `CreatedByUser` names: the API user, or the OAuth2 client."""
    principal = principal_of(request)
    return principal.name if principal is not None else state.identity.username


async def read_xml(request: Request, wrapper: str, root_tag: str) -> ET.Element | Response:
    """The request's root element, or the 400 the real API gives for an unreadable body."""
    try:
        root = parse(await request.body())
    except XmlBodyError:
        return bad_xml(wrapper)
    if root.tag != root_tag:
        return bad_xml(wrapper)
    return root


# -- account --------------------------------------------------------------------------------


async def get_account(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    identity = state.identity
    account = el(
        "Account",
        el("AccountId", text=identity.account_id),
        el("AssociatedCatapultAccount", text=identity.user_id),
        el("CompanyName", text="Bandwidth Sandbox"),
        el("AccountType", text="Business"),
        el("Tiers", el("Tier", text="0")),
        _address(state.sites[identity.site_id].address)
        if identity.site_id in state.sites
        else None,
        el(
            "Contact",
            el("FirstName", text="Sandbox"),
            el("LastName", text="User"),
            el("Phone", text="9195550100"),
            el("Email", text="sandbox@example.com"),
        ),
        el("ReservationAllowed", text=True),
        el("LnpEnabled", text=False),
        el("PortCarrierType", text="WIRELINE"),
    )
    return xml_response(el("AccountResponse", account))


# -- sites ----------------------------------------------------------------------------------


async def list_sites(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    with state.lock:
        sites = [
            el(
                "Site",
                el("Id", text=s.id),
                el("Name", text=s.name),
                leaf("Description", s.description),
            )
            for s in state.sites.values()
        ]
    return xml_response(el("SitesResponse", el("Sites", sites)))


async def create_site(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    root = await read_xml(request, "SiteResponse", "Site")
    if isinstance(root, Response):
        return root
    name = text_of(root, "Name")
    if not name:
        return response_status("SiteResponse", 400, "Site name is required", 12533)
    if len(name) > 50:
        return response_status(
            "SiteResponse", 400, f"Site name '{name}' is too long. Max length 50 characters", 12529
        )
    try:
        address = site_address(root)
    except AddressInvalid as invalid:
        return response_status("SiteResponse", 400, invalid.description, invalid.code)
    with state.lock:
        if len(state.sites) >= MAX_SITES:
            return response_status("SiteResponse", 400, "Sandbox limit reached: too many sites")
        site = Site(
            id=state.ids.site_id(),
            name=name,
            description=text_of(root, "Description") or None,
            customer_name=text_of(root, "CustomerName") or None,
            address=address,
        )
        state.sites[site.id] = site
    location = f"{api_root(request)}/accounts/{state.identity.account_id}/sites/{site.id}"
    return xml_response(el("SiteResponse", _site(site)), 201, {"Location": location})


async def get_site(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    with state.lock:
        site = state.sites.get(request.path_params["site"])
        if site is None:
            return site_not_found(request.path_params["site"])
        return xml_response(el("SiteResponse", _site(site)))


def site_not_found(site_id: str) -> Response:
    return response_status("SiteResponse", 404, f"Site '{site_id}' does not exist", 12016)


def _site(site: Site) -> ET.Element:
    return el(
        "Site",
        el("Id", text=site.id),
        el("Name", text=site.name),
        leaf("Description", site.description),
        leaf("CustomerName", site.customer_name),
        _address(site.address) if site.address else None,
    )


def _address(address: dict[str, str]) -> ET.Element:
    known = [leaf(tag, address[tag]) for tag in _ADDRESS_ORDER if tag in address]
    extra = [leaf(tag, value) for tag, value in address.items() if tag not in _ADDRESS_ORDER]
    return el("Address", known, extra)


# -- locations (SIP peers) ------------------------------------------------------------------


def find_location(state: SandboxState, site_id: str, peer_id: str) -> Location | Response:
    """The location on that site, or the 404 for whichever id is unknown."""
    if site_id not in state.sites:
        return site_not_found(site_id)
    location = state.locations.get(peer_id)
    if location is None or location.site_id != site_id:
        return response_status(
            "SipPeerResponse",
            404,
            f"Sip Peer '{peer_id}' account '{state.identity.account_id}' and site '{site_id}' "
            "does not exist",
            13563,
        )
    return location


LocationHandler = Callable[[Request, SandboxState, Location], Response]


def location_route(handler: LocationHandler) -> Callable[[Request], Awaitable[Response]]:
    """A route on one location (``/sites/{site}/sippeers/{peer}...``): `gate`, then the
    handler under the state's lock with the location found, or Bandwidth's 404 for an unknown
    site or location. The handler's whole answer is decided under the lock, so a concurrent
    request never sees a half-made change."""

    @functools.wraps(handler)
    async def route(request: Request) -> Response:
        state, denied = gate(request)
        if denied:
            return denied
        with state.lock:
            found = find_location(state, request.path_params["site"], request.path_params["peer"])
            if isinstance(found, Response):
                return found
            return handler(request, state, found)

    return route


async def list_locations(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    site_id = request.path_params["site"]
    with state.lock:
        if site_id not in state.sites:
            return site_not_found(site_id)
        peers = [_sip_peer(loc) for loc in state.locations.values() if loc.site_id == site_id]
    return xml_response(el("TNSipPeersResponse", el("SipPeers", peers)))


async def create_location(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    site_id = request.path_params["site"]
    root = await read_xml(request, "SipPeerResponse", "SipPeer")
    if isinstance(root, Response):
        return root
    name = text_of(root, "PeerName")
    if not name:
        return response_status("SipPeerResponse", 400, "Peer Name is required", 13500)
    if len(name) > 50:
        return response_status(
            "SipPeerResponse",
            400,
            f"Peer Name '{name}' is too long. Max length 50 characters",
            13501,
        )
    wants_default = parse_bool(text_of(root, "IsDefaultPeer"))
    with state.lock:
        if site_id not in state.sites:
            return site_not_found(site_id)
        on_site = [loc for loc in state.locations.values() if loc.site_id == site_id]
        if any(loc.name == name for loc in on_site):
            return response_status(
                "SipPeerResponse",
                409,
                f"SipPeer name '{name}' already exists for Account "
                f"'{state.identity.account_id}' and Site '{site_id}'",
                13524,
            )
        if len(state.locations) >= MAX_LOCATIONS:
            return response_status(
                "SipPeerResponse", 400, "Sandbox limit reached: too many locations"
            )
        is_default = (
            wants_default
            if wants_default is not None
            else not any(loc.is_default for loc in on_site)
        )
        if is_default:
            for loc in on_site:
                loc.is_default = False
        location = Location(
            id=state.ids.location_id(),
            site_id=site_id,
            name=name,
            is_default=is_default,
            description=text_of(root, "Description") or None,
        )
        state.locations[location.id] = location
    url = (
        f"{api_root(request)}/accounts/{state.identity.account_id}/sites/{site_id}"
        f"/sippeers/{location.id}"
    )
    # The real API answers 201 with no body: the new id is only in the Location header.
    return Response(b"", status_code=201, headers={"Location": url})


@location_route
def get_location(request: Request, state: SandboxState, found: Location) -> Response:
    return xml_response(el("SipPeerResponse", _sip_peer(found)))


def _sip_peer(location: Location) -> ET.Element:
    return el(
        "SipPeer",
        el("PeerId", text=location.id),
        el("PeerName", text=location.name),
        leaf("Description", location.description),
        el("IsDefaultPeer", text=location.is_default),
        leaf("ShortMessagingProtocol", location.sms.protocol if location.sms else None),
        el("VoiceHosts"),
        el("VoiceHostGroups"),
        el("SmsHosts"),
        el("TerminationHosts"),
        el("CallingName", el("Display", text=False), el("Enforced", text=False)),
    )


# -- SMS feature ----------------------------------------------------------------------------

SMS_WRAPPER = "SipPeerSmsFeatureResponse"


def _sms_from(root: ET.Element, state: SandboxState) -> SmsSettings | Response:
    """Validate the guide's SMS body; the MUST values are enforced with the real codes."""
    if not state.config.http_messaging_enabled:
        return response_status(
            SMS_WRAPPER,
            400,
            "Can't create sip peer http protocol sms feature without account level http settings.",
            13609,
        )
    settings = root.find("SipPeerSmsFeatureSettings")
    if settings is None:
        return response_status(SMS_WRAPPER, 400, "SipPeerSmsFeatureSettings is required", 1003)
    protocol = text_of(settings, "Protocol")  # upper-case P: the guide insists
    if protocol not in ("HTTP", "SIP", "SMPP"):
        shown = protocol or "null"
        return response_status(
            SMS_WRAPPER,
            400,
            f"Messaging protocol '{shown}' does not exist. Valid values: SIP, SMPP, HTTP",
            13567,
        )
    if protocol == "SIP":
        return response_status(SMS_WRAPPER, 400, "At least one SMS host is required", 13539)
    if protocol == "SMPP":
        return response_status(
            SMS_WRAPPER,
            400,
            "Account does not have enabled smpp property in sms feature settings.",
            13614,
        )
    flags: dict[str, bool] = {}
    for name in ("TollFree", "ShortCode"):
        value = parse_bool(text_of(settings, name))
        if value is None:
            return response_status(SMS_WRAPPER, 400, f"{name} is required", 1003)
        flags[name] = value
    zones = tuple(parse_bool(text_of(settings, f"Zone{i}")) or False for i in range(1, 6))
    if not zones[0]:
        return response_status(
            SMS_WRAPPER,
            400,
            "Zone1 must be true: HTTP messaging needs zone 1 (the US and Canada) enabled",
        )
    try:
        a2p = check(
            settings,
            toll_free=flags["TollFree"],
            short_code=flags["ShortCode"],
            a2p_only=state.config.a2p_only,
            account_id=state.identity.account_id,
            campaigns=state.compliance.campaigns,
        )
    except A2pRefused as refused:
        return response_status(SMS_WRAPPER, 400, refused.description, refused.code)
    return SmsSettings(
        toll_free=flags["TollFree"],
        short_code=flags["ShortCode"],
        protocol=protocol,
        zones=(zones[0], zones[1], zones[2], zones[3], zones[4]),
        proxy_peer_id=ACCOUNT_PROXY_PEER_ID,
        a2p_long_code=a2p.long_code,
        a2p_message_class=a2p.message_class,
        a2p_campaign_id=a2p.campaign_id,
        proxy_peer_requested=text_of(root, "HttpSettings/ProxyPeerId") or None,
    )


def _sms_body(sms: SmsSettings) -> ET.Element:
    settings = el(
        "SipPeerSmsFeatureSettings",
        el("TollFree", text=sms.toll_free),
        el("ShortCode", text=sms.short_code),
        leaf("A2pLongCode", sms.a2p_long_code),
        leaf("A2pMessageClass", sms.a2p_message_class),
        leaf("A2pCampaignId", sms.a2p_campaign_id),
        el("Protocol", text=sms.protocol),
        [el(f"Zone{i}", text=zone) for i, zone in enumerate(sms.zones, start=1)],
    )
    feature = el(
        "SipPeerSmsFeature",
        settings,
        el("HttpSettings", el("ProxyPeerId", text=sms.proxy_peer_id)),
    )
    return el(SMS_WRAPPER, feature)


async def put_sms(request: Request) -> Response:
    """POST creates (201) and PUT updates (200) the location's SMS feature."""
    state, denied = gate(request)
    if denied:
        return denied
    root = await read_xml(request, SMS_WRAPPER, "SipPeerSmsFeature")
    if isinstance(root, Response):
        return root
    with state.lock:
        found = find_location(state, request.path_params["site"], request.path_params["peer"])
        if isinstance(found, Response):
            return found
        sms = _sms_from(root, state)
        if isinstance(sms, Response):
            return sms
        found.sms = sms
        return xml_response(_sms_body(sms), 201 if request.method == "POST" else 200)


@location_route
def get_sms(request: Request, state: SandboxState, found: Location) -> Response:
    if found.sms is None:
        return not_found(SMS_WRAPPER)
    return xml_response(_sms_body(found.sms))


# -- MMS feature ----------------------------------------------------------------------------

MMS_WRAPPER = "MmsFeatureResponse"


def _mms_from(root: ET.Element, location: Location, state: SandboxState) -> MmsSettings | Response:
    if location.sms is None:
        return response_status(
            MMS_WRAPPER, 400, "MMS feature is not allowed without SMS feature enabled", 13623
        )
    # The guide sends lower-case `protocol`; Bandwidth's later docs send `Protocol`. Both work.
    protocol = text_of(root, "MmsSettings/protocol") or text_of(root, "MmsSettings/Protocol")
    if protocol == "MM4":
        return response_status(
            MMS_WRAPPER,
            400,
            f"Protocol MM4 is not enabled for account {state.identity.account_id}",
            13616,
        )
    if protocol != "HTTP":
        shown = protocol or "null"
        return response_status(
            MMS_WRAPPER,
            400,
            f"Messaging protocol '{shown}' does not exist. Valid values: SIP, SMPP, HTTP",
            13567,
        )
    # As for SMS, the proxy peer is the account's; a requested one is ignored.
    return MmsSettings(protocol="HTTP", proxy_peer_id=location.sms.proxy_peer_id)


def _mms_body(mms: MmsSettings) -> ET.Element:
    # The answer spells `protocol` and `proxyPeerId` in lower camel case, as the guide shows.
    feature = el(
        "MmsFeature",
        el("MmsSettings", el("protocol", text=mms.protocol)),
        el(
            "Protocols",
            el("HTTP", el("HttpSettings", el("proxyPeerId", text=mms.proxy_peer_id))),
        ),
    )
    return el(MMS_WRAPPER, feature)


async def put_mms(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    root = await read_xml(request, MMS_WRAPPER, "MmsFeature")
    if isinstance(root, Response):
        return root
    with state.lock:
        found = find_location(state, request.path_params["site"], request.path_params["peer"])
        if isinstance(found, Response):
            return found
        mms = _mms_from(root, found, state)
        if isinstance(mms, Response):
            return mms
        found.mms = mms
        if request.method == "PUT":
            return Response(b"", status_code=200)
        return xml_response(_mms_body(mms), 201)


@location_route
def get_mms(request: Request, state: SandboxState, found: Location) -> Response:
    if found.mms is None:
        return not_found(MMS_WRAPPER)
    return xml_response(_mms_body(found.mms))


# -- application settings -------------------------------------------------------------------

SETTINGS_WRAPPER = "ApplicationsSettingsResponse"


def _settings_body(app_id: str | None) -> ET.Element:
    return el(SETTINGS_WRAPPER, el("ApplicationsSettings", leaf("HttpMessagingV2AppId", app_id)))


async def put_application_settings(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    root = await read_xml(request, SETTINGS_WRAPPER, "ApplicationsSettings")
    if isinstance(root, Response):
        return root
    remove = len(root) == 0 and (root.text or "").strip() == "REMOVE"
    app_id = None if remove else text_of(root, "HttpMessagingV2AppId")
    if not remove and app_id == "REMOVE":
        remove = True
    if not remove and not app_id:
        return response_status(
            SETTINGS_WRAPPER,
            400,
            "The HttpMessagingV2AppId must either valid string or have 'REMOVE' value",
            13628,
        )
    with state.lock:
        found = find_location(state, request.path_params["site"], request.path_params["peer"])
        if isinstance(found, Response):
            return found
        if remove:
            found.application_id = None
            return xml_response(_settings_body(None))
        if found.sms is None or found.sms.protocol != "HTTP":
            return response_status(
                SETTINGS_WRAPPER,
                400,
                "Please assign SMS or MM4 protocol to HTTP before associating the application "
                "to the location.",
                13645,
            )
        app = state.applications.get(app_id or "")
        if app is None:
            return response_status(
                SETTINGS_WRAPPER, 400, f"Application with id '{app_id}' not found", 13629
            )
        if not app.service_type.startswith("Messaging"):
            return response_status(
                SETTINGS_WRAPPER,
                400,
                f"Application service type '{app.service_type}' is not allowed for "
                "HttpMessagingV2AppId.",
                13648,
            )
        found.application_id = app.id
        return xml_response(_settings_body(app.id))


@location_route
def get_application_settings(request: Request, state: SandboxState, found: Location) -> Response:
    return xml_response(_settings_body(found.application_id))


ROUTES = [
    Route(ACCOUNT, get_account, methods=["GET"]),
    Route(ACCOUNT + "/sites", list_sites, methods=["GET"]),
    Route(ACCOUNT + "/sites", create_site, methods=["POST"]),
    Route(SITE, get_site, methods=["GET"]),
    Route(SITE + "/sippeers", list_locations, methods=["GET"]),
    Route(SITE + "/sippeers", create_location, methods=["POST"]),
    Route(PEER, get_location, methods=["GET"]),
    Route(MESSAGING + "/features/sms", put_sms, methods=["POST", "PUT"]),
    Route(MESSAGING + "/features/sms", get_sms, methods=["GET"]),
    Route(MESSAGING + "/features/mms", put_mms, methods=["POST", "PUT"]),
    Route(MESSAGING + "/features/mms", get_mms, methods=["GET"]),
    Route(MESSAGING + "/applicationSettings", put_application_settings, methods=["PUT"]),
    Route(MESSAGING + "/applicationSettings", get_application_settings, methods=["GET"]),
]
