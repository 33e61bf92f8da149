"""The message form: from, to, text, and (folded away) media, tag and priority.

Everything the Messaging API would refuse is caught here as the user types, in the API's own
terms: E.164 numbers (US numbers may leave out +1, as the guide allows, and the normalised form is
shown under the field), at most 10 destinations, at most 2048 characters, and how many segments
the text will be billed as. When the API still answers 400, its `fieldErrors` are shown under the
field they name, so the person does not have to map "to[0]" to a box on the screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Collapsible, Input, Label, Select, Static, TextArea

from wizard.core.phone import display, e164
from wizard.core.sms import segment_info
from wizard.engine.validation import (
    MAX_DESTINATIONS,
    MAX_TEXT,
    PRIORITIES,
    parse_destinations,
    parse_media_urls,
    text_problem,
)
from wizard.tui.widgets.validators import Destinations, MediaUrls, Tag


@dataclass(frozen=True)
class Draft:
    """What the form would send, already normalised (E.164 numbers, trimmed values)."""

    from_number: str | None
    to: tuple[str, ...]
    text: str
    media: tuple[str, ...] = ()
    tag: str | None = None
    priority: str | None = None


FIELD_OF_API_NAME: dict[str, str] = {
    "to": "to",
    "from": "from",
    "text": "text",
    "media": "media",
    "tag": "tag",
    "priority": "priority",
}
"""The Messaging API's fieldName (without any [index] or .sub part) -> the form's field."""


def field_for(api_name: str) -> str | None:
    """'to[0]' -> 'to'; 'applicationId' -> None (not something the form edits)."""
    base = re.split(r"[\[.]", api_name or "", maxsplit=1)[0]
    return FIELD_OF_API_NAME.get(base)


def segment_line(text: str) -> tuple[str, bool]:
    """The live counter under the text box, and whether it is a problem (over the limit)."""
    info = segment_info(text)
    count = f"{info.characters} / {MAX_TEXT} characters"
    if info.characters > MAX_TEXT:
        return f"{count}: {info.characters - MAX_TEXT} too many.", True
    if not info.segments:
        return f"{count} · GSM-7: 160 per segment, 153 when split · UCS-2: 70, 67", False
    noun = "segment" if info.segments == 1 else "segments"
    return (
        f"{count} · {info.encoding} · {info.segments} {noun} "
        f"({info.per_segment} per segment, {info.remaining} left in the last)",
        False,
    )


class Composer(Vertical):
    """The form; the screen reads `draft()` and `is_valid()`, and shows API field errors here."""

    DEFAULT_CSS = """
    Composer { height: auto; }
    Composer .field { height: auto; }
    Composer .field-row { height: auto; }
    Composer .field-row Input, Composer .field-row Select { width: 1fr; }
    Composer .composer-note { color: $text-muted; padding-left: 22; height: auto; }
    Composer .composer-problem { color: $error; padding-left: 22; height: auto; display: none; }
    Composer #text { height: 4; width: 1fr; border: none; padding: 0; background: $boost; }
    Composer #text:focus { background: $boost; border: none; }
    Composer #text-count.-over { color: $error; }
    Composer Collapsible { padding: 0; margin: 0; border: none; height: auto; }
    Composer Collapsible > Contents { padding: 0; height: auto; }
    Composer CollapsibleTitle { padding: 0; }
    """

    def __init__(
        self,
        numbers: Sequence[str] = (),
        *,
        from_number: str | None = None,
        to: str = "",
        text: str = "",
        media: str = "",
        tag: str = "",
        priority: str = "default",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._numbers = [n for n in numbers if n]
        self._initial = {
            "from": from_number,
            "to": to,
            "text": text,
            "media": media,
            "tag": tag,
            "priority": priority if priority in PRIORITIES else "default",
        }
        self._api_errors: dict[str, str] = {}

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        options = [(display(n), e164(n)) for n in self._numbers]
        wanted = self._initial["from"]
        values = [value for _, value in options]
        initial = e164(wanted) if wanted and e164(wanted) in values else None
        from_select: Select[str] = Select(
            options,
            prompt="no ordered numbers yet",
            allow_blank=not options,
            value=initial if initial else (values[0] if values else Select.NULL),
            id="from",
            compact=True,
        )
        yield self._row("From", from_select, "from")
        yield self._row(
            "To",
            Input(
                self._initial["to"] or "",
                placeholder="e.g. 919 555 0199",
                validators=[Destinations()],
                id="to",
                compact=True,
            ),
            "to",
            note=True,
        )
        text_area = TextArea(
            self._initial["text"] or "",
            id="text",
            soft_wrap=True,
            compact=True,
            placeholder="The text of the message",
        )
        yield self._row("Text", text_area, "text", note=True, note_id="text-count")
        with Collapsible(title="Media, tag, priority (optional)", collapsed=True, id="more"):
            yield self._row(
                "Media",
                Input(
                    self._initial["media"] or "",
                    placeholder="https://… image URLs for an MMS (space separated)",
                    validators=[MediaUrls()],
                    valid_empty=True,
                    id="media",
                    compact=True,
                ),
                "media",
            )
            yield self._row(
                "Tag",
                Input(
                    self._initial["tag"] or "",
                    placeholder="any text; echoed back in every callback",
                    validators=[Tag()],
                    valid_empty=True,
                    id="tag",
                    compact=True,
                ),
                "tag",
            )
            yield self._row(
                "Priority",
                Select(
                    [(p, p) for p in PRIORITIES],
                    allow_blank=False,
                    value=self._initial["priority"],
                    id="priority",
                    compact=True,
                ),
                "priority",
            )

    def _row(
        self,
        label: str,
        widget: Widget,
        name: str,
        *,
        note: bool = False,
        note_id: str | None = None,
    ) -> Vertical:
        parts: list[Widget] = [
            Horizontal(Label(label, classes="field-label"), widget, classes="field-row")
        ]
        if note:
            parts.append(Static("", id=note_id or f"{name}-note", classes="composer-note"))
        parts.append(Static("", id=f"{name}-problem", classes="composer-problem", markup=False))
        return Vertical(*parts, classes="field", id=f"{name}-field")

    def on_mount(self) -> None:
        self._update_to_note()
        self._update_text_count()
        for name in ("to", "media", "tag"):
            self._show_problem(name)

    # -- reading -----------------------------------------------------------------------------

    @property
    def numbers(self) -> list[str]:
        return list(self._numbers)

    def set_numbers(self, numbers: Iterable[str], selected: str | None = None) -> None:
        """Offer these numbers as senders (the order's completed numbers)."""
        self._numbers = [n for n in numbers if n]
        select: Select[str] = self.query_one("#from", Select)
        options = [(display(n), e164(n)) for n in self._numbers]
        select.set_options(options)
        values = [value for _, value in options]
        if selected and e164(selected) in values:
            select.value = e164(selected)
        elif values:
            select.value = values[0]

    def draft(self) -> Draft:
        """The normalised values as the API will get them (invalid parts left out)."""
        from_value = self.query_one("#from", Select).value
        destinations = parse_destinations(self.query_one("#to", Input).value)
        media, _ = parse_media_urls(self.query_one("#media", Input).value)
        tag = self.query_one("#tag", Input).value.strip()
        priority = self.query_one("#priority", Select).value
        return Draft(
            from_number=from_value if isinstance(from_value, str) else None,
            to=destinations.numbers,
            text=self.query_one("#text", TextArea).text,
            media=media,
            tag=tag or None,
            priority=priority if isinstance(priority, str) and priority != "default" else None,
        )

    def problems(self) -> dict[str, str]:
        """Field -> the first thing to fix (validation and API field errors), empty when ready."""
        found: dict[str, str] = {}
        if not isinstance(self.query_one("#from", Select).value, str):
            found["from"] = "There is no number to send from: order numbers first."
        for name in ("to", "media", "tag"):
            problem = self._input_problem(name)
            if problem:
                found[name] = problem
        draft_media, _ = parse_media_urls(self.query_one("#media", Input).value)
        problem = text_problem(self.query_one("#text", TextArea).text, has_media=bool(draft_media))
        if problem:
            found["text"] = problem
        for name, message in self._api_errors.items():
            found.setdefault(name, message)
        return found

    def is_valid(self) -> bool:
        return not self.problems()

    # -- API field errors --------------------------------------------------------------------

    def show_field_errors(self, errors: Iterable[Any]) -> list[Any]:
        """Show each 400 fieldError under its field; returns the ones no field matches.

        Each error needs `field` (or `fieldName`) and `description`; an error stays until the
        field is edited.
        """
        unmatched: list[Any] = []
        for error in errors:
            api_name = getattr(error, "field", None) or getattr(error, "fieldName", "") or ""
            description = getattr(error, "description", "") or "The API refused this value."
            name = field_for(str(api_name))
            if name is None:
                unmatched.append(error)
                continue
            previous = self._api_errors.get(name)
            self._api_errors[name] = f"{previous} {description}" if previous else description
            if name in ("media", "tag", "priority"):
                self.query_one("#more", Collapsible).collapsed = False
        for name in self._api_errors:
            self._show_problem(name)
        return unmatched

    def clear_field_errors(self) -> None:
        names = list(self._api_errors)
        self._api_errors.clear()
        for name in names:
            self._show_problem(name)

    # -- live feedback -----------------------------------------------------------------------

    def _input_problem(self, name: str) -> str | None:
        widget = self.query_one(f"#{name}", Input)
        if widget.valid_empty and not widget.value:
            return None
        for validator in widget.validators:
            result = validator.validate(widget.value)
            if not result.is_valid:
                return (result.failure_descriptions or ["This value is not valid."])[0]
        return None

    def _show_problem(self, name: str) -> None:
        problem = self._api_errors.get(name)
        if problem is None and name in ("to", "media", "tag"):
            widget = self.query_one(f"#{name}", Input)
            problem = self._input_problem(name) if widget.value else None
        if problem is None and name == "text":
            text = self.query_one("#text", TextArea).text
            problem = text_problem(text) if len(text) > MAX_TEXT else None
        for target in self.query(f"#{name}-problem"):
            if isinstance(target, Static):
                target.update(problem or "")
                target.display = bool(problem)

    def _update_to_note(self) -> None:
        value = self.query_one("#to", Input).value
        note = self.query_one("#to-note", Static)
        parsed = parse_destinations(value)
        if not value.strip():
            note.update(f"Up to {MAX_DESTINATIONS} numbers, separated by commas.")
            note.display = True
            return
        if parsed.errors or not parsed.numbers:
            note.update("")
            note.display = False
            return
        shown = ", ".join(parsed.numbers)
        extra = f"  (typed twice: {', '.join(parsed.duplicates)})" if parsed.duplicates else ""
        count = len(parsed.numbers)
        total = f"  · {count} of {MAX_DESTINATIONS}" if count > 1 else ""
        note.update(f"→ {shown}{extra}{total}")
        note.display = True

    def _update_text_count(self) -> None:
        line, over = segment_line(self.query_one("#text", TextArea).text)
        counter = self.query_one("#text-count", Static)
        counter.update(line)
        counter.set_class(over, "-over")

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        name = event.input.id or ""
        self._api_errors.pop(name, None)
        if name == "to":
            self._update_to_note()
        self._show_problem(name)

    @on(Input.Blurred, "#to")
    def _to_blurred(self, event: Input.Blurred) -> None:
        """Show what will be sent: the typed list becomes the normalised E.164 list."""
        parsed = parse_destinations(event.input.value)
        if parsed.ok:
            normalised = ", ".join(parsed.numbers)
            if normalised != event.input.value:
                event.input.value = normalised

    @on(TextArea.Changed, "#text")
    def _text_changed(self, event: TextArea.Changed) -> None:
        self._api_errors.pop("text", None)
        self._update_text_count()
        self._show_problem("text")

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        name = event.select.id or ""
        if self._api_errors.pop(name, None) is not None:
            self._show_problem(name)
