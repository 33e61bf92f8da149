"""Messaging API routes (JSON), both generations: the guide's step 8.

- `POST /v2/users/{userId}/messages`: the guide's catapult form (retired; the sandbox keeps it
  to replay the guide), Basic token:secret.
- `POST /api/v2/users/{accountId}/messages`: today's form, an OAuth2 bearer token with the
  Messaging role (or the API user while `legacy_api_users` is on).
- `GET /api/v2/users/{accountId}/messages`: List Messages (metadata only), today's form only; see
  `message_search`.

A valid request gets 202 at once; what happens to the message is told later by callbacks, as on
the real API. The outcome per destination follows the from-number's real state: not in service
on the account 4405, its location without SMS 4403, another application 4452; then whether it
may deliver at all (`readiness`: 10DLC campaign, toll-free verification); then the documented
test destinations `+1NPA555CCCC`, CCCC one of the codes below; everything else is delivered.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox import readiness
from wizard.sandbox.auth import legacy_messaging_allowed
from wizard.sandbox.callbacks import CallbackDispatcher
from wizard.sandbox.json_gate import messaging_gate
from wizard.sandbox.message_search import list_current
from wizard.sandbox.responses import json_error, json_response
from wizard.sandbox.state import Application, Message, SandboxState, iso
from wizard.sandbox.tollfree import is_toll_free

#: Test destinations `+1NPA555CCCC`: CCCC -> (errorCode, description) of the message-failed event.
FAILING_DESTINATIONS: dict[str, tuple[int, str]] = {
    "4432": (4432, "rejected-forbidden-country"),
    "4720": (4720, "invalid-destination-address"),
    "4775": (4775, "destination-rejected-due-to-user-opt-out"),
}
UNALLOCATED_FROM = (4405, "rejected-unallocated-from-number")
FORBIDDEN_FROM = (4403, "rejected-forbidden-from-number")
WRONG_APPLICATION = (4452, "rejected-wrong-application-id")

MAX_TEXT = 2048
MAX_TAG = 1024
MAX_DESTINATIONS = 10

_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_NANP = re.compile(r"[2-9][0-9]{2}[2-9][0-9]{6}")
_SHORT_CODE = re.compile(r"[0-9]{5,6}")
_TEST_DESTINATION = re.compile(r"\+1[2-9][0-9]{2}555([0-9]{4})")

_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")


def normalize_number(value: Any) -> str | None:
    """E.164, letting `+1` be omitted for US numbers as the guide allows; short codes as-is."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _E164.fullmatch(text):
        if text.startswith("+1") and not _NANP.fullmatch(text[2:]):
            return None
        return text
    digits = text
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if _NANP.fullmatch(digits):
        return "+1" + digits
    if _SHORT_CODE.fullmatch(text):
        return text
    return None


def segment_count(text: str) -> int:
    """GSM-7 fits 160 characters in one segment (153 when split); UCS-2 fits 70 (67)."""
    if not text:
        return 1
    if all(ch in _GSM7 or ch in _GSM7_EXTENDED for ch in text):
        septets = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


def _field(name: str, description: str) -> dict[str, str]:
    return {"fieldName": name, "description": description}


def _validate(body: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Check the request; returns the cleaned values and the fieldErrors (empty when valid)."""
    errors: list[dict[str, str]] = []
    clean: dict[str, Any] = {}
    app_id = body.get("applicationId")
    if not isinstance(app_id, str) or not app_id.strip():
        errors.append(_field("applicationId", "'applicationId' must not be empty"))
    else:
        clean["applicationId"] = app_id.strip()

    raw_to = body.get("to")
    if isinstance(raw_to, str):  # the guide sends one number as a plain string
        raw_to = [raw_to]
    if not isinstance(raw_to, list) or not raw_to:
        errors.append(_field("to", "'to' must contain at least one telephone number"))
    elif len(raw_to) > MAX_DESTINATIONS:
        errors.append(
            _field("to", f"'to' must contain at most {MAX_DESTINATIONS} telephone numbers")
        )
    else:
        to: list[str] = []
        for item in raw_to:
            number = normalize_number(item)
            if number is None:
                errors.append(
                    _field(
                        "to",
                        f"'{item}' must be replaced with a valid E164 formatted telephone number",
                    )
                )
            elif number not in to:
                to.append(number)
        clean["to"] = to

    sender = normalize_number(body.get("from"))
    if sender is None:
        shown = body.get("from") if isinstance(body.get("from"), str) else ""
        errors.append(
            _field(
                "from", f"'{shown}' must be replaced with a valid E164 formatted telephone number"
            )
        )
    else:
        clean["from"] = sender

    text = body.get("text")
    media = body.get("media")
    if text is not None and not isinstance(text, str):
        errors.append(_field("text", "'text' must be a string"))
    elif isinstance(text, str) and len(text) > MAX_TEXT:
        errors.append(_field("text", f"'text' must be {MAX_TEXT} characters or less"))
    if media is not None and (
        not isinstance(media, list) or not all(isinstance(m, str) and m for m in media)
    ):
        errors.append(_field("media", "'media' must be a list of URLs"))
    if not text and not media:
        errors.append(_field("text", "'text' or 'media' must be provided"))
    clean["text"] = text if isinstance(text, str) else ""
    clean["media"] = media if isinstance(media, list) and media else None

    tag = body.get("tag")
    if tag is not None and (not isinstance(tag, str) or len(tag) > MAX_TAG):
        errors.append(_field("tag", f"'tag' must be a string of {MAX_TAG} characters or less"))
    clean["tag"] = tag if isinstance(tag, str) else None
    priority = body.get("priority", "default")
    if priority not in ("default", "high"):
        errors.append(_field("priority", "'priority' must be one of: default, high"))
    clean["priority"] = priority if priority in ("default", "high") else "default"
    return clean, errors


def _plan(
    state: SandboxState, app: Application, message: Message, destination: str
) -> dict[str, Any]:
    """The outcome one destination will get, decided now and told later by callbacks.

    `refused` outcomes are known at once (no carrier involved) and told without delay;
    `sending` is whether a message-sending event comes first, which Bandwidth sends for MMS only
    (api-docs webhooks.mdx): an SMS goes from accepted straight to delivered or failed.
    """
    sending = bool(message.media)

    def failed(code_description: tuple[int, str], *, refused: bool = False) -> dict[str, Any]:
        code, description = code_description
        return {
            "planned": "failed",
            "error_code": code,
            "description": description,
            "refused": refused,
            "sending": sending and not refused,
            "callbacks": {},
        }

    sender = message.from_number
    location = state.location_of_number(sender[2:]) if sender.startswith("+1") else None
    if location is None:
        return failed(UNALLOCATED_FROM, refused=True)
    if location.sms is None:
        return failed(FORBIDDEN_FROM, refused=True)
    if is_toll_free(sender[2:]) and not location.sms.toll_free:
        return failed(readiness.TOLL_FREE_OFF, refused=True)
    if location.application_id != app.id:
        return failed(WRONG_APPLICATION, refused=True)
    block = readiness.blocked(state, sender, destination)
    if block is not None:
        return failed(block)
    match = _TEST_DESTINATION.fullmatch(destination)
    if match and match.group(1) in FAILING_DESTINATIONS:
        return failed(FAILING_DESTINATIONS[match.group(1)])
    return {
        "planned": "delivered",
        "error_code": None,
        "description": "ok",
        "refused": False,
        "sending": sending,
        "callbacks": {},
    }


async def _accept(request: Request, state: SandboxState) -> Response:
    content_type = request.headers.get("content-type", "")
    if "json" not in content_type.lower():
        return json_error(
            415,
            "unsupported-content-type",
            f"Content type '{content_type}' not supported. Please use 'application/json'",
        )
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return json_error(400, "request-validation", "Your request could not be parsed as JSON")
    if not isinstance(body, dict):
        return json_error(400, "request-validation", "Your request could not be accepted")
    clean, errors = _validate(body)
    app: Application | None = None
    if not errors:
        with state.lock:
            app = state.applications.get(clean["applicationId"])
        if app is None or not app.service_type.startswith("Messaging"):
            errors.append(
                _field(
                    "applicationId",
                    f"'{clean['applicationId']}' is not a messaging application on this account",
                )
            )
    if errors:
        return json_error(
            400, "request-validation", "Your request could not be accepted", fieldErrors=errors
        )
    assert app is not None
    with state.lock:
        accepted = state.wall()
        message = Message(
            id=state.ids.message_id(),
            owner=clean["from"],
            application_id=app.id,
            time=iso(accepted),
            segment_count=segment_count(clean["text"]),
            to=clean["to"],
            from_number=clean["from"],
            text=clean["text"],
            media=clean["media"],
            tag=clean["tag"],
            priority=clean["priority"],
            created_wall=accepted,
        )
        message.results = {dest: _plan(state, app, message, dest) for dest in message.to}
        state.add_message(message)
    dispatcher: CallbackDispatcher = request.app.state.dispatcher
    dispatcher.spawn(dispatcher.run_message(message, app))
    return json_response(message.as_json(), 202)


def _unauthorized() -> Response:
    return json_error(401, "unauthorized", "Authentication Failed")


async def send_legacy(request: Request) -> Response:
    """The guide's catapult API: /v2/users/{userId}/messages with token:secret."""
    state: SandboxState = request.app.state.sandbox
    if not legacy_messaging_allowed(request, state):
        return _unauthorized()
    if request.path_params["user"] != state.identity.user_id:
        return json_error(403, "forbidden", "Access Denied")
    state.advance()
    return await _accept(request, state)


async def send_current(request: Request) -> Response:
    """Today's API: /api/v2/users/{accountId}/messages with an OAuth2 token."""
    state: SandboxState = request.app.state.sandbox
    denied = messaging_gate(request, state)
    if denied:
        return denied
    state.advance()
    return await _accept(request, state)


ROUTES = [
    Route("/v2/users/{user}/messages", send_legacy, methods=["POST"]),
    Route("/api/v2/users/{account}/messages", send_current, methods=["POST"]),
    Route("/api/v2/users/{account}/messages", list_current, methods=["GET"]),
]
