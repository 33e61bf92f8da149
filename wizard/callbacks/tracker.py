"""Tying callbacks to the messages they are about: one timeline per sent message.

Bandwidth sends one event per destination and stage, possibly out of order and more than once;
a timeline sorts them by stage, keeps each once, and says when every destination has its
outcome.
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from wizard.callbacks.error_codes import ErrorExplanation
from wizard.callbacks.event import CallbackEvent

#: Callback type -> timeline stage.
STAGES = {
    "message-sending": "sending",
    "message-sent": "sent",
    "message-delivered": "delivered",
    "message-failed": "failed",
    "message-received": "received",
}
_RANK = {"accepted": 0, "sending": 1, "sent": 2, "delivered": 3, "failed": 3, "received": 4}


@dataclass(frozen=True)
class TimelineEntry:
    """One step in a message's life, as a row of its timeline."""

    stage: str
    """"accepted" (the 202), "sending", "sent", "delivered", "failed", "received" or "unknown"."""
    time: str
    """When it happened, as Bandwidth stamped it."""
    to: str | None
    """The destination it is about (outbound); our number for "received"."""
    description: str = ""
    error_code: int | None = None
    explanation: ErrorExplanation | None = None
    """Meaning and next step of `error_code` (failed entries)."""
    from_number: str | None = None
    """For "received": the number the reply came from."""
    text: str | None = None
    """For "received": the reply's text."""
    event: CallbackEvent | None = field(default=None, compare=False, repr=False)
    """The callback behind this entry (None for "accepted")."""
    type: str = ""
    """The raw callback type (useful for "unknown" entries)."""

    @property
    def label(self) -> str:
        """ "failed 4432", "delivered", ... for a compact timeline."""
        if self.stage == "failed" and self.error_code is not None:
            return f"failed {self.error_code}"
        return self.stage


@dataclass
class MessageTimeline:
    """A sent message and everything heard about it since, ordered by stage."""

    message_id: str
    from_number: str
    to: tuple[str, ...]
    text: str
    sent_here: bool = False
    """True when this wizard sent it (record_sent); False when known only from callbacks."""
    entries: list[TimelineEntry] = field(default_factory=list)
    accepted_at: float | None = None
    """The tracker's clock when the 202 came (None for a message known only from callbacks)."""
    _order: list[tuple[int, int]] = field(default_factory=list, repr=False)

    @property
    def heard(self) -> bool:
        """True once any callback about it arrived (the 202 is not one)."""
        return any(entry.stage != "accepted" for entry in self.entries)

    def _add(self, entry: TimelineEntry, sequence: int) -> None:
        sort_key = (_RANK.get(entry.stage, 5), sequence)
        index = bisect.bisect(self._order, sort_key)
        self._order.insert(index, sort_key)
        self.entries.insert(index, entry)

    @property
    def outcomes(self) -> dict[str, str]:
        """Destination -> "delivered" or "failed" (each gets exactly one in the end)."""
        result: dict[str, str] = {}
        for entry in self.entries:
            if entry.stage in ("delivered", "failed") and entry.to:
                result.setdefault(entry.to, entry.stage)
        return result

    @property
    def done(self) -> bool:
        """True when every destination has its delivered or failed callback."""
        outcomes = self.outcomes
        return bool(self.to) and all(number in outcomes for number in self.to)

    @property
    def status(self) -> str:
        """Overall state: "failed" if any destination failed, "delivered" once all were, else
        the furthest stage reached so far ("accepted", "sending", "sent"; "unknown" before)."""
        outcomes = set(self.outcomes.values())
        if "failed" in outcomes:
            return "failed"
        if self.done or (outcomes and not self.to):
            return "delivered"
        if outcomes:
            return "sent"  # some destinations delivered, others still on their way
        stages = [e.stage for e in self.entries if e.stage in ("accepted", "sending", "sent")]
        return max(stages, key=_RANK.__getitem__) if stages else "unknown"

    @property
    def replies(self) -> list[TimelineEntry]:
        return [entry for entry in self.entries if entry.stage == "received"]


USUAL_CALLBACK_WAIT = 15.0
"""Seconds within which Bandwidth's callbacks usually arrive: message-sending within a second or
two, delivered or failed a few seconds later. A longer silence is worth explaining."""


class MessageTracker:
    """Matches callbacks to sent messages by message id, and replies to them by number.

    Its clock (monotonic by default, a test's own when given) times how long each message has
    waited for its outcome, so a screen can say when the wait is longer than usual.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._messages: dict[str, MessageTimeline] = {}
        self._conversations: dict[str, list[TimelineEntry]] = {}
        self._applied: set[str] = set()
        self._sequence = itertools.count()

    def record_sent(
        self,
        message_id: str,
        to: str | Sequence[str],
        from_number: str,
        text: str,
        *,
        time: str = "",
    ) -> MessageTimeline:
        """Note the 202 ("accepted"); callbacks that raced ahead of it are kept."""
        recipients = (to,) if isinstance(to, str) else tuple(to)
        timeline = self._messages.get(message_id)
        if timeline is None:
            timeline = MessageTimeline(message_id, from_number, recipients, text)
            self._messages[message_id] = timeline
        else:
            timeline.from_number, timeline.to, timeline.text = from_number, recipients, text
        if not timeline.sent_here:
            timeline.sent_here = True
            timeline.accepted_at = self.clock()
            entry = TimelineEntry(
                "accepted", time, ", ".join(recipients), "Bandwidth queued it (202)"
            )
            timeline._add(entry, next(self._sequence))
        return timeline

    def apply(self, event: CallbackEvent) -> MessageTimeline | None:
        """Add a callback to its message's timeline; returns that timeline (None if none).

        Applying the same event twice (log replay plus live delivery) changes nothing.
        """
        if event.key in self._applied:
            return self._find(event)
        if event.type == "message-received":
            return self._apply_reply(event)
        if not event.message_id:
            return None
        timeline = self._messages.get(event.message_id)
        if timeline is None:
            if not event.known:
                return None
            timeline = MessageTimeline(
                event.message_id,
                event.from_number or "",
                event.recipients or ((event.to,) if event.to else ()),
                event.text or "",
            )
            self._messages[event.message_id] = timeline
        self._applied.add(event.key)
        failed = event.type == "message-failed"
        timeline._add(
            TimelineEntry(
                stage=STAGES.get(event.type, "unknown"),
                time=event.time,
                to=event.to or None,
                description=event.description,
                error_code=event.error_code,
                explanation=event.error if failed else None,
                event=event,
                type=event.type,
            ),
            next(self._sequence),
        )
        return timeline

    def apply_all(self, events: Iterable[CallbackEvent]) -> None:
        for event in events:
            self.apply(event)

    def _apply_reply(self, event: CallbackEvent) -> MessageTimeline | None:
        self._applied.add(event.key)
        their = event.from_number or ""
        entry = TimelineEntry(
            stage="received",
            time=event.time,
            to=event.to or None,
            description=event.description,
            from_number=their or None,
            text=event.text,
            event=event,
            type=event.type,
        )
        self._conversations.setdefault(their, []).append(entry)
        timeline = self._conversation_message(their, event.to)
        if timeline is not None:
            timeline._add(entry, next(self._sequence))
        return timeline

    def _conversation_message(self, their: str, ours: str) -> MessageTimeline | None:
        """The latest message we sent to `their` (from `ours` when that matches one)."""
        candidates = [t for t in self._messages.values() if their and their in t.to]
        exact = [t for t in candidates if ours and t.from_number == ours]
        chosen = exact or candidates
        return chosen[-1] if chosen else None

    def _find(self, event: CallbackEvent) -> MessageTimeline | None:
        if event.type == "message-received":
            return self._conversation_message(event.from_number or "", event.to)
        return self._messages.get(event.message_id or "")

    def overdue(self, after: float = USUAL_CALLBACK_WAIT) -> list[tuple[MessageTimeline, float]]:
        """Messages sent here still waiting for an outcome more than `after` seconds after their
        202, each with how long it has waited, oldest first."""
        now = self.clock()
        waiting = []
        for timeline in self._messages.values():
            if timeline.sent_here and timeline.accepted_at is not None and not timeline.done:
                waited = now - timeline.accepted_at
                if waited > after:
                    waiting.append((timeline, waited))
        return waiting

    def get(self, message_id: str) -> MessageTimeline | None:
        return self._messages.get(message_id)

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._messages

    @property
    def messages(self) -> list[MessageTimeline]:
        """Every message known, oldest first."""
        return list(self._messages.values())

    def conversation(self, number: str) -> tuple[TimelineEntry, ...]:
        """Replies received from `number` (E.164), oldest first."""
        return tuple(self._conversations.get(number, ()))
