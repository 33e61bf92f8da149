"""Dashboard API routes for applications: the guide's step 1, plus list, read, update, delete.

Requests may use today's documented `MsgCallbackUrl` + `CallbackCreds` (programmatic-setup.mdx),
the deprecated `CallbackUrl`, or the split `InboundCallbackUrl`/`OutboundCallbackUrl` with
`InboundCallbackCreds`/`OutboundCallbackCreds` (numbers.yml, and what an application made in the
Bandwidth App carries). Answers take the form Bandwidth gives each: a single URL is echoed under
all four names with the three credential elements (programmatic-setup.mdx's answer); a split
configuration as inbound and outbound, with the deprecated MsgCallbackUrl/MsgCallbackCreds naming
the inbound side (numbers.yml's answer). The callback password never comes back.
"""

from __future__ import annotations

import ipaddress
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox.dashboard import ACCOUNT, gate, read_xml
from wizard.sandbox.paths import api_root
from wizard.sandbox.responses import response_status, xml_response
from wizard.sandbox.state import MAX_APPLICATIONS, Application, Creds, SandboxState
from wizard.sandbox.xml import el, leaf, text_of

WRAPPER = "ApplicationProvisioningResponse"
CALLBACK_TYPES = ("message-delivered", "message-failed", "message-sending", "message-sent")
_SERVICE_TYPES = {
    "Messaging-V2": "Messaging-V2",
    "Messaging": "Messaging-V2",
    "Voice-V2": "Voice-V2",
    "Voice": "Voice-V2",
}


class Invalid(Exception):
    """A validation failure carrying the real error code and description."""

    def __init__(self, code: int | None, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description

    def response(self) -> Response:
        return response_status(WRAPPER, 400, self.description, self.code)


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(
            12803,
            "The format of the requested URL is invalid - It should be a valid format for an "
            "Internet destination",
        )


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _creds(root: ET.Element, tag: str) -> Creds | None:
    found = root.find(tag)
    if found is None:
        return None
    user = text_of(found, "UserId") or ""
    password = text_of(found, "Password") or ""
    if not user and not password:
        return None
    if user and not password:
        raise Invalid(12977, "Can not save user id without password")
    if password and not user:
        raise Invalid(12800, "Can not save password without user name")
    return Creds(user_id=user, password=password)


def _from_xml(root: ET.Element, app_id: str) -> Application:
    """Build an application from a request body, enforcing the real API's rules."""
    name = text_of(root, "AppName")
    if not name:
        raise Invalid(12806, "Application Name required")
    service_type = _SERVICE_TYPES.get(text_of(root, "ServiceType") or "")
    if service_type is None:
        raise Invalid(12801, "Service Type is not valid")
    if service_type == "Voice-V2":
        voice_url = text_of(root, "CallInitiatedCallbackUrl")
        if not voice_url:
            raise Invalid(1003, "CallInitiatedCallbackUrl is required")
        _check_url(voice_url)
        return Application(
            id=app_id,
            service_type=service_type,
            name=name,
            voice_callback_url=voice_url,
            outbound_creds=_creds(root, "CallbackCreds"),
            requested_callback_types=[],
        )

    callback_url = text_of(root, "CallbackUrl") or None
    msg_url = text_of(root, "MsgCallbackUrl") or None
    inbound = text_of(root, "InboundCallbackUrl") or None
    outbound = text_of(root, "OutboundCallbackUrl") or None
    if callback_url and msg_url and callback_url != msg_url:
        raise Invalid(
            12960,
            "CallbackUrl and MsgCallbackUrl can't be present with different values. Only "
            "MsgCallbackUrl should be specified.",
        )
    single = callback_url or msg_url
    if single and (inbound or outbound):
        raise Invalid(
            13065, "MsgCallbackUrl can't be present with InboundCallbackUrl or OutboundCallbackUrl."
        )
    if single:
        inbound = outbound = single
        url_style = "CallbackUrl" if callback_url else "MsgCallbackUrl"
    else:
        url_style = "split"
    if not inbound:
        raise Invalid(12802, "The inbound callback URL must be specified")
    for url in (inbound, outbound):
        if url:
            _check_url(url)

    shared = _creds(root, "CallbackCreds")
    creds_style = "CallbackCreds"
    if shared is None:
        shared = _creds(root, "MsgCallbackCreds")
        creds_style = "MsgCallbackCreds"
    inbound_creds = _creds(root, "InboundCallbackCreds")
    outbound_creds = _creds(root, "OutboundCallbackCreds")
    if shared is not None and (inbound_creds or outbound_creds):
        raise Invalid(
            13066,
            "CallbackCreds can't be present with InboundCallbackCreds or OutboundCallbackCreds.",
        )
    if shared is not None:
        inbound_creds = outbound_creds = shared
    else:
        creds_style = "split"
    for url, creds in ((inbound, inbound_creds), (outbound, outbound_creds)):
        if url and creds and not url.startswith("https://") and not _is_loopback(url):
            raise Invalid(12812, "HTTPS protocol is required if credentials are present.")

    requested = [
        (item.text or "").strip()
        for item in root.findall("RequestedCallbackTypes/CallbackType")
        if (item.text or "").strip() in CALLBACK_TYPES
    ]
    app = Application(
        id=app_id,
        service_type=service_type,
        name=name,
        inbound_url=inbound,
        outbound_url=outbound,
        url_style=url_style,
        inbound_creds=inbound_creds,
        outbound_creds=outbound_creds,
        creds_style=creds_style,
    )
    if requested:
        app.requested_callback_types = requested
    return app


def _user(creds: Creds | None) -> ET.Element | None:
    return None if creds is None else el("UserId", text=creds.user_id)


def application_xml(app: Application) -> ET.Element:
    """One `<Application>`, as the real API echoes it (no password, ever)."""
    head = [
        el("ApplicationId", text=app.id),
        el("ServiceType", text=app.service_type),
        el("AppName", text=app.name),
    ]
    if app.service_type == "Voice-V2":
        return el(
            "Application",
            head,
            leaf("CallInitiatedCallbackUrl", app.voice_callback_url),
            el("CallInitiatedMethod", text="POST"),
            el("CallbackCreds", _user(app.outbound_creds)) if app.outbound_creds else None,
        )
    types = el(
        "RequestedCallbackTypes",
        [el("CallbackType", text=kind) for kind in app.requested_callback_types],
    )
    inbound = el("InboundCallbackCreds", _user(app.inbound_creds)) if app.inbound_creds else None
    outbound = (
        el("OutboundCallbackCreds", _user(app.outbound_creds)) if app.outbound_creds else None
    )
    if app.url_style == "split":
        return el(
            "Application",
            head,
            leaf("MsgCallbackUrl", app.inbound_url),
            leaf("InboundCallbackUrl", app.inbound_url),
            leaf("OutboundCallbackUrl", app.outbound_url),
            el("MsgCallbackCreds", _user(app.inbound_creds)) if app.inbound_creds else None,
            inbound,
            outbound,
            types,
        )
    shared = app.outbound_creds
    return el(
        "Application",
        head,
        leaf("CallbackUrl", app.inbound_url),
        leaf("MsgCallbackUrl", app.inbound_url),
        leaf("InboundCallbackUrl", app.inbound_url),
        leaf("OutboundCallbackUrl", app.outbound_url),
        types,
        el("CallbackCreds", _user(shared)) if shared else None,
        inbound,
        outbound,
    )


def _not_found(app_id: str) -> Response:
    return response_status(WRAPPER, 404, f"Application with id '{app_id}' not found", 13629)


async def list_applications(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    with state.lock:
        items = [application_xml(app) for app in state.applications.values()]
    return xml_response(el(WRAPPER, el("ApplicationList", items)))


async def create_application(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    root = await read_xml(request, WRAPPER, "Application")
    if isinstance(root, Response):
        return root
    with state.lock:
        if len(state.applications) >= MAX_APPLICATIONS:
            return response_status(WRAPPER, 400, "Sandbox limit reached: too many applications")
        try:
            app = _from_xml(root, state.ids.uuid())
        except Invalid as invalid:
            return invalid.response()
        state.applications[app.id] = app
        body = el(WRAPPER, application_xml(app))
    location = f"{api_root(request)}/accounts/{state.identity.account_id}/applications/{app.id}"
    return xml_response(body, 201, {"Location": location})


async def get_application(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    app_id = request.path_params["application"]
    with state.lock:
        app = state.applications.get(app_id)
        if app is None:
            return _not_found(app_id)
        return xml_response(el(WRAPPER, application_xml(app)))


async def update_application(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    app_id = request.path_params["application"]
    root = await read_xml(request, WRAPPER, "Application")
    if isinstance(root, Response):
        return root
    with state.lock:
        existing = state.applications.get(app_id)
        if existing is None:
            return _not_found(app_id)
        try:
            _keep_passwords(root, existing)
            updated = _from_xml(root, app_id)
        except Invalid as invalid:
            return invalid.response()
        if updated.service_type != existing.service_type:
            return response_status(
                WRAPPER, 400, "Service Type of Application could not be changed", 12964
            )
        state.applications[app_id] = updated
        return xml_response(el(WRAPPER, application_xml(updated)))


def _keep_passwords(root: ET.Element, existing: Application) -> None:
    """A PUT may repeat the user id without the password (the API never gave it back)."""
    known = {
        "CallbackCreds": existing.outbound_creds,
        "MsgCallbackCreds": existing.outbound_creds,
        "InboundCallbackCreds": existing.inbound_creds,
        "OutboundCallbackCreds": existing.outbound_creds,
    }
    for tag, creds in known.items():
        found = root.find(tag)
        if found is None or text_of(found, "Password"):
            continue
        user = text_of(found, "UserId")
        if not user:
            continue
        if creds is None or creds.user_id != user:
            raise Invalid(
                12976, "UserId of Application could not be changed without specifying Password"
            )
        el_password = ET.SubElement(found, "Password")
        el_password.text = creds.password


async def delete_application(request: Request) -> Response:
    state, denied = gate(request)
    if denied:
        return denied
    app_id = request.path_params["application"]
    with state.lock:
        if app_id not in state.applications:
            return _not_found(app_id)
        users = _locations_using(state, app_id)
        if users:
            # errors.mdx 12107; numbers.yml DeleteApplication: "An Application cannot be removed
            # from an account if that Application is referenced by any Location".
            return response_status(
                WRAPPER,
                400,
                "The Application cannot be removed until references in the following Locations "
                f"are removed: {', '.join(users)}",
                12107,
            )
        del state.applications[app_id]
    return Response(b"", status_code=200)


def _locations_using(state: SandboxState, app_id: str) -> list[str]:
    return [loc.id for loc in state.locations.values() if loc.application_id == app_id]


ROUTES = [
    Route(ACCOUNT + "/applications", list_applications, methods=["GET"]),
    Route(ACCOUNT + "/applications", create_application, methods=["POST"]),
    Route(ACCOUNT + "/applications/{application}", get_application, methods=["GET"]),
    Route(ACCOUNT + "/applications/{application}", update_application, methods=["PUT"]),
    Route(ACCOUNT + "/applications/{application}", delete_application, methods=["DELETE"]),
]
