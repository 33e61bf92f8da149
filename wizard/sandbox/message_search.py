"""List Messages: `GET /api/v2/users/{accountId}/messages`, today's messaging API only.

Bandwidth keeps message metadata (never the text) searchable for a while, and a client whose
POST answer was lost uses it to find out whether the message went, instead of sending it again.
The sandbox answers the documented query parameters with the documented shape:

    {"totalCount": 1, "pageInfo": {}, "messages": [{"messageId", "accountId", "sourceTn",
     "destinationTn", "messageStatus", "messageDirection", "messageType", "segmentCount",
     "errorCode", "receiveTime", "carrierName", "messageSize", "messageLength",
     "attachmentCount", "recipientCount"}]}

One row per destination (a group message lists each recipient under the same messageId). The
guide's catapult API had no such search, so `/v2/users/{userId}/messages` answers GET with 405.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from wizard.sandbox.json_gate import messaging_gate
from wizard.sandbox.responses import json_error, json_response
from wizard.sandbox.state import Message, SandboxState

FILTERS = (
    "messageId",
    "sourceTn",
    "destinationTn",
    "messageStatus",
    "messageDirection",
    "messageType",
    "errorCode",
    "fromDateTime",
    "toDateTime",
    "carrierName",
    "campaignId",
)
"""Query parameters that narrow the search; Bandwidth refuses a search with none at all."""
OTHER_PARAMS = ("sort", "pageToken", "limit", "limitTotalCount")

STATUSES = frozenset(
    {"RECEIVED", "QUEUED", "SENDING", "SENT", "FAILED", "DELIVERED", "ACCEPTED", "UNDELIVERED"}
)
DIRECTIONS = frozenset({"INBOUND", "OUTBOUND"})
TYPES = frozenset({"sms", "mms"})
SORT_FIELDS = frozenset(
    {"receiveTime", "messageId", "sourceTn", "destinationTn", "messageStatus", "segmentCount"}
)
DEFAULT_LIMIT = 100
MAX_WINDOW = 10_000
"""limit plus the page offset may not pass this, as on Bandwidth."""
MAX_RANGE = timedelta(days=14)
"""The widest fromDateTime..toDateTime Bandwidth searches."""
MAX_NUMBERS = 10

_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_TOKEN_PREFIX = "offset:"


class BadQuery(ValueError):
    """A query parameter Bandwidth would refuse; the text is the 400's description."""


def _numbers(name: str, raw: str) -> tuple[set[str], str | None]:
    """(full numbers, partial): a comma list of up to ten E.164 numbers, or one partial number
    of at least five characters."""
    values = [part.strip() for part in raw.split(",")]
    if len(values) == 1 and not _E164.fullmatch(values[0]):
        partial = values[0]
        if len(partial) < 5 or not re.fullmatch(r"\+?[0-9]+", partial):
            raise BadQuery(
                f"'{name}' must be up to {MAX_NUMBERS} full phone numbers or one partial number "
                "of at least 5 characters"
            )
        return set(), partial
    if len(values) > MAX_NUMBERS or not all(_E164.fullmatch(v) for v in values):
        raise BadQuery(f"'{name}' must be up to {MAX_NUMBERS} comma-separated E164 phone numbers")
    return set(values), None


def _moment(name: str, raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(f"'{name}' must be an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _whole(name: str, raw: str, low: int, high: int) -> int:
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or not low <= int(text) <= high:
        raise BadQuery(f"'{name}' must be a whole number from {low} to {high}")
    return int(text)


def _offset(raw: str | None) -> int:
    if not raw:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(raw.encode("ascii") + b"==").decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise BadQuery("'pageToken' is not a token this search handed out") from None
    if not decoded.startswith(_TOKEN_PREFIX):
        raise BadQuery("'pageToken' is not a token this search handed out")
    return _whole("pageToken", decoded[len(_TOKEN_PREFIX) :], 0, MAX_WINDOW)


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_TOKEN_PREFIX}{offset}".encode()).decode().rstrip("=")


def status_of(
    message: Message, destination: str, now: float, delivery_delay: float
) -> tuple[str, int]:
    """(messageStatus, errorCode) of one destination at wall time `now`, following the plan
    the callbacks tell: refused at once, SENDING for the delivery delay, then final."""
    plan = message.results.get(destination) or {}
    failed = plan.get("planned") == "failed"
    code = int(plan.get("error_code") or 0)
    if failed and plan.get("refused"):
        return "FAILED", code
    if now - message.created_wall < delivery_delay:
        return "SENDING", 0
    return ("FAILED", code) if failed else ("DELIVERED", 0)


def _row(
    message: Message, destination: str, account_id: str, now: float, delay: float
) -> dict[str, Any]:
    status, code = status_of(message, destination, now, delay)
    text_bytes = len(message.text.encode("utf-8"))
    return {
        "messageId": message.id,
        "accountId": account_id,
        "sourceTn": message.from_number,
        "destinationTn": destination,
        "messageStatus": status,
        "messageDirection": "OUTBOUND" if message.direction == "out" else "INBOUND",
        "messageType": "mms" if message.media else "sms",
        "segmentCount": message.segment_count,
        "errorCode": code,
        "receiveTime": message.time,
        "carrierName": None,
        "messageSize": text_bytes + sum(len(m) for m in message.media or ()),
        "messageLength": len(message.text),
        "attachmentCount": len(message.media or ()),
        "recipientCount": len(message.to),
    }


def search(state: SandboxState, query: dict[str, str], path: str = "") -> dict[str, Any]:
    """The List Messages answer for these query parameters; BadQuery for a refused query.

    `path` is the request's own path, so nextPage/prevPage are links a client can follow.
    """
    if not any(query.get(name) for name in FILTERS):
        raise BadQuery(
            "You must include at least one query parameter, such as sourceTn or fromDateTime"
        )
    sources, source_part = (
        _numbers("sourceTn", query["sourceTn"]) if query.get("sourceTn") else (set(), None)
    )
    targets, target_part = (
        _numbers("destinationTn", query["destinationTn"])
        if query.get("destinationTn")
        else (set(), None)
    )
    status = query.get("messageStatus")
    if status and status not in STATUSES:
        raise BadQuery(f"'messageStatus' must be one of {', '.join(sorted(STATUSES))}")
    direction = query.get("messageDirection")
    if direction and direction not in DIRECTIONS:
        raise BadQuery("'messageDirection' must be INBOUND or OUTBOUND")
    kind = query.get("messageType")
    if kind and kind not in TYPES:
        raise BadQuery("'messageType' must be sms or mms")
    error_code = _whole("errorCode", query["errorCode"], 0, 99999) if "errorCode" in query else None
    since = _moment("fromDateTime", query["fromDateTime"]) if query.get("fromDateTime") else None
    until = _moment("toDateTime", query["toDateTime"]) if query.get("toDateTime") else None
    if since and until:
        if until < since:
            raise BadQuery("'toDateTime' must not be before 'fromDateTime'")
        if until - since > MAX_RANGE:
            raise BadQuery("The date range to search in is at most 14 days")
    limit = _whole("limit", query["limit"], 1, MAX_WINDOW) if "limit" in query else DEFAULT_LIMIT
    offset = _offset(query.get("pageToken"))
    if offset + limit > MAX_WINDOW:
        raise BadQuery(f"The sum of limit and the page offset cannot be more than {MAX_WINDOW}")
    sort_field, _, sort_order = (query.get("sort") or "receiveTime:asc").partition(":")
    sort_order = sort_order or "asc"
    if sort_field not in SORT_FIELDS or sort_order not in ("asc", "desc"):
        raise BadQuery(
            "'sort' must be a field and a direction, such as receiveTime:desc "
            f"(fields: {', '.join(sorted(SORT_FIELDS))})"
        )
    # Carrier names and campaigns are never set in the sandbox: such a filter matches nothing.
    nothing = bool(query.get("carrierName") or query.get("campaignId"))

    with state.lock:
        now = state.wall()
        delay = float(state.config.delivery_delay)
        account_id = state.identity.account_id
        rows: list[tuple[float, dict[str, Any]]] = []
        for message in state.messages.values():
            for destination in message.to:
                row = _row(message, destination, account_id, now, delay)
                rows.append((message.created_wall, row))

    def keep(created: float, row: dict[str, Any]) -> bool:
        if nothing:
            return False
        if query.get("messageId") and row["messageId"] != query["messageId"]:
            return False
        if sources and row["sourceTn"] not in sources:
            return False
        if source_part and source_part not in row["sourceTn"]:
            return False
        if targets and row["destinationTn"] not in targets:
            return False
        if target_part and target_part not in row["destinationTn"]:
            return False
        if status and row["messageStatus"] != status:
            return False
        if direction and row["messageDirection"] != direction:
            return False
        if kind and row["messageType"] != kind:
            return False
        if error_code is not None and row["errorCode"] != error_code:
            return False
        moment = datetime.fromtimestamp(created, tz=UTC)
        if since and moment < since:
            return False
        return not (until and moment > until)

    matched = [(created, row) for created, row in rows if keep(created, row)]
    if sort_field == "receiveTime":
        matched.sort(key=lambda item: item[0], reverse=sort_order == "desc")
    else:
        matched.sort(key=lambda item: str(item[1][sort_field]), reverse=sort_order == "desc")
    page = [row for _, row in matched[offset : offset + limit]]
    page_info: dict[str, str] = {}
    base = {k: v for k, v in query.items() if k != "pageToken"}
    if offset + limit < len(matched):
        token = _token(offset + limit)
        page_info["nextPage"] = f"{path}?" + urlencode({**base, "pageToken": token})
        page_info["nextPageToken"] = token
    if offset > 0:
        token = _token(max(0, offset - limit))
        page_info["prevPage"] = f"{path}?" + urlencode({**base, "pageToken": token})
        page_info["prevPageToken"] = token
    total = len(matched)
    if query.get("limitTotalCount", "").lower() == "true":
        total = min(total, MAX_WINDOW)
    return {"totalCount": total, "pageInfo": page_info, "messages": page}


async def list_current(request: Request) -> Response:
    """Today's API: GET /api/v2/users/{accountId}/messages with an OAuth2 token."""
    state: SandboxState = request.app.state.sandbox
    denied = messaging_gate(request, state)
    if denied:
        return denied
    query = {key: value for key, value in request.query_params.items()}
    try:
        answer = search(state, query, request.url.path)
    except BadQuery as error:
        return json_error(400, "request-validation", str(error))
    return json_response(answer)
