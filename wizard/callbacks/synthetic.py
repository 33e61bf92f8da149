"""Made-up callback events in Bandwidth's shapes, for testing a handler before a real message.

The fields, their order and their kinds are those of the events in api-docs
`site/docs/messaging/webhooks.mdx`: `type`, `time`, `description`, `to`, `errorCode` (failed
only) and the `message` (`id`, `time`, `to`, `from`, `text`, `applicationId`, `owner`,
`direction`, `segmentCount`). An outbound event is about one destination (`to`); an inbound one
is addressed to your number. Message ids look like Bandwidth's: the epoch milliseconds, then
sixteen lower-case letters and digits.
"""

from __future__ import annotations

import secrets
import string
import time
from datetime import UTC, datetime
from typing import Any

from wizard.callbacks.error_codes import explain_error_code

TRIGGER_TYPES = ("message-delivered", "message-failed", "message-received")
"""The events `bw-wizard callbacks trigger` can make."""

EXAMPLE_NUMBER = "+19195550100"
"""Your Bandwidth number when none is given (555-01XX: reserved for fiction)."""
EXAMPLE_PEER = "+19195550199"
"""The other phone when none is given."""
EXAMPLE_APPLICATION = "93de2206-9669-4e07-948d-329f4b722ee2"
"""webhooks.mdx's example applicationId, when none is given."""

_ID_CHARS = string.ascii_lowercase + string.digits


def message_id(now: float | None = None) -> str:
    """A new id in Bandwidth's form: ``14762070468292kw2fuqty55yp2b2``."""
    millis = int((time.time() if now is None else now) * 1000)
    return f"{millis}{''.join(secrets.choice(_ID_CHARS) for _ in range(16))}"


def stamp(now: float | None = None) -> str:
    """An event time as Bandwidth writes it: UTC with milliseconds and a Z."""
    moment = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def synthetic_event(
    kind: str,
    *,
    number: str = EXAMPLE_NUMBER,
    peer: str = EXAMPLE_PEER,
    application_id: str = EXAMPLE_APPLICATION,
    error_code: int | None = None,
    text: str = "",
    now: float | None = None,
) -> dict[str, Any]:
    """One event of `kind` (a TRIGGER_TYPES value) between your `number` and `peer`.

    message-failed needs an `error_code`; its description is that code's meaning.
    """
    if kind not in TRIGGER_TYPES:
        raise ValueError(f"{kind!r} is not one of {', '.join(TRIGGER_TYPES)}")
    if kind == "message-failed" and error_code is None:
        raise ValueError("message-failed needs an error code (--error-code N)")
    when = stamp(now)
    inbound = kind == "message-received"
    if inbound:
        description = "Incoming message received"
    elif kind == "message-failed":
        description = explain_error_code(error_code).meaning
    else:
        description = "ok"
    event: dict[str, Any] = {
        "type": kind,
        "time": when,
        "description": description,
        "to": number if inbound else peer,
    }
    if kind == "message-failed":
        event["errorCode"] = error_code
    event["message"] = {
        "id": message_id(now),
        "time": when,
        "to": [number if inbound else peer],
        "from": peer if inbound else number,
        "text": text if inbound else "",
        "applicationId": application_id,
        "owner": number,
        "direction": "in" if inbound else "out",
        "segmentCount": 1,
    }
    return event
