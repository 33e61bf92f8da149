"""The live callback log: each sent message with everything Bandwidth has said about it since.

The 202 only means "queued"; the outcome arrives later as callbacks, often several seconds
apart, sometimes out of order, sometimes twice. Showing them grouped by message (accepted,
sending, sent, then delivered or failed with the code's plain meaning and what to do) answers
the only question a person has, "did it arrive, and if not why", without reading raw events.
Replies show under the message they answer. Events that came without callback credentials are
marked, and redeliveries are shown once.

The widget draws a `wizard.callbacks.MessageTracker`; it never parses callbacks itself, so the
screen, the `callbacks` command and the tests all agree on what an event means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from wizard.callbacks.event import CallbackEvent
from wizard.callbacks.tracker import MessageTimeline, MessageTracker, TimelineEntry
from wizard.core.phone import display

OUTCOME_STYLE = {
    "delivered": "green",
    "failed": "red",
    "sent": "yellow",
    "sending": "yellow",
    "accepted": "yellow",
    "unknown": "yellow",
}

EMPTY_TEXT = (
    "No message events yet. After a send, Bandwidth POSTs message-sending, then "
    "message-delivered or message-failed to the application's callback URL; they appear here "
    "as they arrive. The 202 only means queued: the callback is the outcome."
)


def _shown_number(number: str | None) -> str:
    return display(number) if number else "?"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
"""Control characters in text from the network: an escape sequence must never reach the terminal."""


def _clip(text: str, width: int) -> str:
    flat = " ".join(_CONTROL.sub(" ", text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _auth_mark(entry: TimelineEntry) -> str:
    event = entry.event
    return " (unauthenticated)" if event is not None and not event.authenticated else ""


@dataclass(frozen=True)
class Card:
    """What one card shows: (indent, line) pairs, each line wrapping under its own indent."""

    lines: tuple[tuple[int, Text], ...]

    @property
    def plain(self) -> str:
        return "\n".join(" " * indent + line.plain for indent, line in self.lines)

    def renderable(self) -> Group:
        return Group(*(Padding(line, (0, 0, 0, indent)) for indent, line in self.lines))


WIDE = 72
"""Card width from which a destination's stages fit on the same line as the number."""


def render_timeline(timeline: MessageTimeline, width: int = WIDE) -> Card:
    """One message: a heading, its text, then each destination with its stages and, when it
    failed, the code's meaning and next step."""
    status = timeline.status
    style = OUTCOME_STYLE.get(status, "")
    lines: list[tuple[int, Text]] = []
    head = Text()
    head.append("→ ", style=f"bold {style}")
    head.append(timeline.message_id, style="bold")
    head.append(f"  from {_shown_number(timeline.from_number)}")
    lines.append((0, head))
    if timeline.text:
        lines.append((2, Text(f"“{_clip(timeline.text, 70)}”", style="italic dim")))

    accepted = next((e for e in timeline.entries if e.stage == "accepted"), None)
    destinations = list(timeline.to) or sorted(
        {e.to for e in timeline.entries if e.to and e.stage != "received"}
    )
    for number in destinations:
        stages = Text()
        labels: list[tuple[str, str]] = []
        if accepted is not None:
            labels.append(("✓ accepted (202)", "green"))
        outcome: TimelineEntry | None = None
        for entry in timeline.entries:
            if entry.stage in ("accepted", "received") or (entry.to and entry.to != number):
                continue
            if entry.stage == "delivered":
                labels.append((f"✓ delivered{_auth_mark(entry)}", "bold green"))
                outcome = entry
            elif entry.stage == "failed":
                labels.append((f"✗ {entry.label}{_auth_mark(entry)}", "bold red"))
                outcome = entry
            elif entry.stage == "unknown":
                labels.append((f"? {entry.type or 'unknown event'}{_auth_mark(entry)}", "yellow"))
            else:
                labels.append((f"✓ {entry.stage}{_auth_mark(entry)}", "green"))
        if outcome is None:
            labels.append(("… waiting for delivered or failed", "dim"))
        for index, (label, label_style) in enumerate(labels):
            if index:
                stages.append(" → ", style="dim")
            stages.append(label, style=label_style)
        to = Text(f"to {_shown_number(number)}".ljust(20))
        if width >= WIDE:
            lines.append((2, to + stages))
        else:  # narrow: the stages go under the number instead of wrapping mid-way
            lines.append((2, to))
            lines.append((4, stages))
        if outcome is not None and outcome.stage == "failed":
            explanation = outcome.explanation
            if explanation is not None:
                lines.append((6, Text(explanation.meaning, style="red")))
                lines.append((6, Text(f"Next: {explanation.next_step}")))
            elif outcome.description:
                lines.append((6, Text(_clip(outcome.description, 300), style="red")))
    for reply in timeline.replies:
        line = Text()
        line.append(f"← reply from {_shown_number(reply.from_number)}", style="bold cyan")
        line.append(f"{_auth_mark(reply)}: ")
        line.append(f"“{_clip(reply.text or '', 60)}”", style="italic")
        line.append("  (message-received)", style="dim")
        lines.append((2, line))
    return Card(tuple(lines))


def outcome_line(timeline: MessageTimeline) -> str:
    """The send screen's status line for one message: what the callbacks say of every
    destination so far, never just the 202 once some of them failed."""
    outcomes = timeline.outcomes
    destinations = list(timeline.to)
    total = len(destinations)
    failed = [n for n in destinations if outcomes.get(n) == "failed"]
    delivered = [n for n in destinations if outcomes.get(n) == "delivered"]
    waiting = total - len(failed) - len(delivered)
    if not failed and not delivered:
        return "✓ Accepted (202); the outcome comes as callbacks."
    if total == 1:
        if failed:
            return f"✗ Failed: {_failure(timeline, failed[0])} (see the callback log)."
        return f"✓ Delivered to {_shown_number(delivered[0])}."
    parts = []
    if failed:
        parts.append(f"{len(failed)} of {total} failed")
    if delivered:
        parts.append(f"{len(delivered)} delivered")
    if waiting:
        parts.append(f"{waiting} still waiting")
    mark = "✗" if failed else "✓"
    summary = f"{mark} " + ", ".join(parts)
    if failed:
        codes = sorted({_failure(timeline, n) for n in failed})
        summary += f" ({'; '.join(codes)})"
    return summary + "."


def _failure(timeline: MessageTimeline, number: str) -> str:
    entry = next((e for e in timeline.entries if e.stage == "failed" and e.to == number), None)
    return entry.label if entry is not None else "failed"


def render_loose(event: CallbackEvent) -> Card:
    """An event that belongs to no known message (a reply out of the blue, an unknown type)."""
    text = Text()
    mark = "" if event.authenticated else " (unauthenticated)"
    if event.type == "message-received":
        text.append(f"← message from {_shown_number(event.from_number)}", style="bold cyan")
        text.append(f" to {_shown_number(event.to)}{mark}: ")
        text.append(f"“{_clip(event.text or '', 60)}”", style="italic")
        text.append("  (message-received)", style="dim")
    else:
        shown = event.type or "an event without a type"
        text.append(f"? {shown}", style="bold yellow")
        text.append(f"{mark}: not a message event this wizard knows; kept in the log as received.")
    return Card(((0, text),))


class CallbackLog(VerticalScroll):
    """Message cards in the order messages were first seen, newest at the bottom."""

    DEFAULT_CSS = """
    CallbackLog {
        height: auto;
        min-height: 4;
        max-height: 16;
        border: round $panel;
        border-title-color: $text;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    CallbackLog .callback-card { height: auto; margin: 0 0 1 0; }
    CallbackLog .callback-card.-last { margin: 0; }
    CallbackLog #callback-empty { color: $text-muted; height: auto; }
    CallbackLog #callback-notes { color: $text-muted; height: auto; display: none; }
    CallbackLog #callback-wait { color: $warning; height: auto; display: none; }
    """

    def __init__(
        self,
        tracker: MessageTracker | None = None,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.tracker = tracker if tracker is not None else MessageTracker()
        """Where the events live; shared with the screen (and the context) so nothing is lost
        while the screen is not shown."""
        self.redeliveries = 0
        """Redeliveries recognised (by the receiver or here) and not shown again."""
        self.unauthenticated = 0
        """Events that arrived without callback credentials."""
        self._seen: set[str] = set()
        self._loose: list[CallbackEvent] = []
        self._plain: dict[str, str] = {}
        self._order: list[str] = []
        """Card keys in the order they first appeared: message ids, or "loose:N"."""
        self.border_title = "Message events (callbacks)"

    def compose(self) -> ComposeResult:
        yield Static(EMPTY_TEXT, id="callback-empty", markup=False)
        yield Static("", id="callback-notes", markup=False)
        yield Static("", id="callback-wait", markup=False)

    def on_mount(self) -> None:
        self.rebuild()

    def on_resize(self) -> None:
        self.rebuild()  # narrow cards put each destination's stages on a line of their own

    # -- feeding -----------------------------------------------------------------------------

    def record_sent(self, message_id: str, to: Iterable[str], from_number: str, text: str) -> None:
        """The 202 arrived: the message's card starts with "accepted (202)"."""
        self.tracker.record_sent(message_id, tuple(to), from_number, text)
        self._note_order(message_id)
        self.rebuild()

    def add_event(self, event: CallbackEvent) -> None:
        """A callback arrived (the receiver already dropped the redeliveries it recognised)."""
        if event.key in self._seen:
            self.redeliveries += 1
            self.rebuild()
            return
        self._seen.add(event.key)
        if not event.authenticated:
            self.unauthenticated += 1
        timeline = self.tracker.apply(event)
        if timeline is None:
            self._loose.append(event)
            self._order.append(f"loose:{len(self._loose) - 1}")
        else:
            self._note_order(timeline.message_id)
        self.rebuild()

    def sync(self) -> None:
        """Show every message the tracker knows (after events arrived while hidden)."""
        for timeline in self.tracker.messages:
            self._note_order(timeline.message_id)
        self.rebuild()

    def _note_order(self, message_id: str) -> None:
        if message_id not in self._order:
            self._order.append(message_id)

    # -- state for screens and tests --------------------------------------------------------

    def timeline(self, message_id: str) -> MessageTimeline | None:
        return self.tracker.get(message_id)

    def plain_text(self) -> str:
        """Everything the cards show, as plain text (tests wait on this)."""
        cards = self.query(".callback-card")
        return "\n".join(self._plain.get(str(card.name), "") for card in cards)

    # -- drawing -----------------------------------------------------------------------------

    def rebuild(self) -> None:
        if not self.is_mounted:
            return
        width = self.content_size.width or WIDE
        wanted: list[tuple[str, Card]] = []
        for key in self._order:
            if key.startswith("loose:"):
                wanted.append((key, render_loose(self._loose[int(key[6:])])))
                continue
            timeline = self.tracker.get(key)
            if timeline is not None:
                wanted.append((key, render_timeline(timeline, width)))
        at_end = self.scroll_y >= self.max_scroll_y - 1
        existing = {card.name: card for card in self.query(".callback-card")}
        new_cards: list[Static] = []
        for index, (key, shown) in enumerate(wanted):
            self._plain[key] = shown.plain
            card = existing.get(key)
            if isinstance(card, Static):
                card.update(shown.renderable())
            else:
                card = Static(shown.renderable(), name=key, classes="callback-card")
                new_cards.append(card)
            card.set_class(index == len(wanted) - 1, "-last")
        if new_cards:
            self.mount_all(new_cards, before="#callback-notes")
        self.query_one("#callback-empty", Static).display = not wanted
        notes = self._notes()
        notes_widget = self.query_one("#callback-notes", Static)
        notes_widget.update(notes)
        notes_widget.display = bool(notes)
        if new_cards or at_end:
            # Follow new events, unless the person scrolled up to read older ones.
            self.call_after_refresh(self.scroll_end, animate=False)

    def _notes(self) -> str:
        lines = []
        if self.redeliveries:
            times = "once" if self.redeliveries == 1 else f"{self.redeliveries} times"
            lines.append(f"Bandwidth redelivered events {times}; each is shown once.")
        if self.unauthenticated:
            lines.append(
                "Events marked unauthenticated came without callback credentials: the receiver "
                "has no password set, so anyone could have sent them."
            )
        return "\n".join(lines)

    def show_wait(self, note: str) -> None:
        """Say why the latest message still has no outcome ("" hides it)."""
        if not self.is_mounted:
            return
        widget = self.query_one("#callback-wait", Static)
        if str(widget.content) != note:
            widget.update(note)
        widget.display = bool(note)

    @property
    def wait_text(self) -> str:
        """What the wait note says now (tests read it)."""
        widget = self.query_one("#callback-wait", Static)
        return str(widget.content) if widget.display else ""

    def note_redeliveries(self, count: int) -> None:
        """The receiver's own count of redeliveries it answered but did not pass on."""
        if count > self.redeliveries:
            self.redeliveries = count
            self.rebuild()


def message_ids(events: Iterable[Any]) -> set[str]:
    """Message ids mentioned by these events (for replaying only what concerns this run)."""
    return {event.message_id for event in events if getattr(event, "message_id", None)}
