"""One callback event as Bandwidth sends it, read leniently, and its identity for de-duplication.

Missing or oddly typed fields become "" / None rather than errors: a receiver that refused an
event over a field would make Bandwidth retry it for 24 hours.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wizard.callbacks.error_codes import ErrorExplanation, explain_error_code
from wizard.core.safe import clip, printable

#: Event types Bandwidth documents for messaging applications.
KNOWN_TYPES = frozenset(
    {"message-received", "message-sending", "message-sent", "message-delivered", "message-failed"}
)
#: Deepest JSON nesting accepted (Bandwidth's events are 3 levels deep).
#: Log line format version, so a later wizard can read logs written by this one.
LOG_VERSION = 1
#: Events kept in memory for the UI (`history`); the log and the de-dup keys keep them all.


def _text(value: object) -> str:
    """Fields that should be strings, read leniently: a sender is not always Bandwidth."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _optional_text(value: object) -> str | None:
    return _text(value) or None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 9:
        return int(value.strip())
    return None


def dedup_key(raw: Mapping[str, Any]) -> str:
    """The identity of one callback event: message id + type + to + time (+ errorCode).

    A redelivery carries the same five values; two different events never do (each outbound
    message gets one event of each type per destination, stamped with its time). An event
    without a message id is identified by its whole body instead, so unknown events are never
    merged by accident.
    """
    message = raw.get("message")
    message_id = _text(message.get("id")) if isinstance(message, Mapping) else ""
    parts: list[str] = [
        _text(raw.get("type")),
        message_id,
        _text(raw.get("to")),
        _text(raw.get("time")),
        _text(raw.get("errorCode")),
    ]
    if not message_id:
        parts.append(json.dumps(raw, sort_keys=True, ensure_ascii=True, default=str))
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class CallbackEvent:
    """One callback event as the UI shows it, read leniently from Bandwidth's JSON.

    Missing or oddly typed fields become "" / None rather than errors: a receiver that refused
    an event over a field would make Bandwidth retry it for 24 hours.
    """

    type: str
    """Bandwidth's type ("message-delivered", ...), verbatim; "" when absent."""
    time: str
    """When Bandwidth says the event happened (ISO 8601 text, as sent)."""
    description: str
    to: str
    """The destination this event is about (outbound), or our number (message-received)."""
    message_id: str | None
    from_number: str | None
    """`message.from`: our number for outbound events, the other person's for inbound."""
    recipients: tuple[str, ...]
    """`message.to`: every destination of the message."""
    text: str | None
    direction: str | None
    """"out" or "in"."""
    error_code: int | None
    """`errorCode` for message-failed, as a number (None when absent or not a number)."""
    application_id: str | None
    owner: str | None
    segment_count: int | None
    media: tuple[str, ...]
    tag: str | None
    authenticated: bool
    """True when the request passed Basic auth; False when the receiver runs without it."""
    received_at: str
    """When this receiver accepted it (UTC ISO 8601)."""
    key: str
    """De-duplication key (see `dedup_key`)."""
    raw: Mapping[str, Any] = field(compare=False, hash=False, repr=False)
    """The event exactly as received, kept so nothing Bandwidth sent is lost."""

    @classmethod
    def from_payload(
        cls,
        raw: Mapping[str, Any],
        *,
        authenticated: bool,
        received_at: str | None = None,
        key: str | None = None,
    ) -> CallbackEvent:
        """Build an event from one JSON object; never raises for any mapping."""
        message = raw.get("message")
        message = message if isinstance(message, Mapping) else {}
        recipients = message.get("to")
        media = message.get("media")
        return cls(
            type=_text(raw.get("type")),
            time=_text(raw.get("time")),
            description=_text(raw.get("description")),
            to=_text(raw.get("to")),
            message_id=_optional_text(message.get("id")),
            from_number=_optional_text(message.get("from")),
            recipients=tuple(
                _text(item) for item in (recipients if isinstance(recipients, list) else [])
            ),
            text=message.get("text") if isinstance(message.get("text"), str) else None,
            direction=_optional_text(message.get("direction")),
            error_code=_int(raw.get("errorCode")),
            application_id=_optional_text(message.get("applicationId")),
            owner=_optional_text(message.get("owner")),
            segment_count=_int(message.get("segmentCount")),
            media=tuple(_text(item) for item in (media if isinstance(media, list) else [])),
            tag=_optional_text(message.get("tag")),
            authenticated=authenticated,
            received_at=received_at or now_stamp(),
            key=key or dedup_key(raw),
            raw=raw,
        )

    @property
    def known(self) -> bool:
        """False for event types Bandwidth does not document (kept, shown as unknown)."""
        return self.type in KNOWN_TYPES

    @property
    def kind(self) -> str:
        """Short name for display: "delivered", "failed", ..., or "unknown"."""
        return self.type.removeprefix("message-") if self.known else "unknown"

    @property
    def error(self) -> ErrorExplanation | None:
        """Meaning and next step of the errorCode (message-failed, or any event carrying one)."""
        code = self.raw.get("errorCode")
        if code is None and self.type != "message-failed":
            return None
        return explain_error_code(self.error_code if self.error_code is not None else code)

    def summary(self) -> str:
        """One line for a log view or the `callbacks` command."""
        shown_type = self.type if self.known else f"unknown event type “{self.type or '?'}”"
        parts = [self.time or self.received_at, shown_type]
        if self.message_id:
            parts.append(f"message {self.message_id}")
        if self.type == "message-received":
            parts.append(f"from {self.from_number or '?'} to {self.to or '?'}")
            if self.text:
                parts.append(f"“{clip(self.text, 60)}”")
        elif self.to:
            parts.append(f"to {self.to}")
        line = " ".join(parts)
        error = self.error
        if error is not None:
            line += f": error {error.code}: {error.meaning} {error.next_step}"
        elif self.description and self.type != "message-received":
            line += f": {self.description}"
        if not self.authenticated:
            line += " [unauthenticated]"
        # Every field came from the network: no escape sequence may reach a terminal.
        return printable(line)

    def to_log_line(self) -> bytes:
        """One JSONL line (ASCII, so any string Bandwidth or a fuzzer sends can be written)."""
        record = {
            "v": LOG_VERSION,
            "received_at": self.received_at,
            "authenticated": self.authenticated,
            "key": self.key,
            "event": self.raw,
        }
        return (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode()

    @classmethod
    def from_log_record(cls, record: object) -> CallbackEvent | None:
        """The event stored in one parsed log line, or None when the line is not ours."""
        if not isinstance(record, dict) or not isinstance(record.get("event"), dict):
            return None
        key = record.get("key")
        return cls.from_payload(
            record["event"],
            authenticated=record.get("authenticated") is True,
            received_at=_text(record.get("received_at")) or None,
            key=key if isinstance(key, str) and key else None,
        )


def now_stamp() -> str:
    """Now, as the log and the events stamp it: UTC ISO 8601 with milliseconds and a Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
