"""The step sidebar: where the user is, what is done (with the ids it recorded), what is left.

One row per page of the registry, numbered as the headings number them. It doubles as
navigation: choosing a done page opens its screen to review it, choosing the first unfinished one
goes back to work. Pages further on cannot be chosen, because each needs what earlier ones record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from wizard.core.phone import display
from wizard.engine.registry import PAGES, STEP_BY_ID
from wizard.engine.step import StepId


def short_id(value: Any, width: int = 12) -> str:
    """An id cut to fit the sidebar; lists (ordered numbers) show the first and how many.

    "(of 2)", never "+1": next to a phone number a "+1" reads as its country code.
    """
    if isinstance(value, list | tuple):
        if not value:
            return ""
        first = str(value[0])
        return first + (f" (of {len(value)})" if len(value) > 1 else "")
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def recorded_line(step: StepId, data: Mapping[str, Any]) -> str:
    """'app d775585a-ed…' for a done step; '' when the step records no id worth showing."""
    key, label = STEP_BY_ID[step].shown_id
    value = data.get(key) if key else None
    if not value:
        return ""
    if key == "numbers" and isinstance(value, list | tuple):
        value = [display(str(number)) for number in value]
    return f"{label} {short_id(value)}".strip()


class Sidebar(OptionList):
    """Welcome, then the registry's pages in order, each marked done ✓, current ▶ or to do ·."""

    DEFAULT_CSS = """
    Sidebar {
        width: 24;
        height: 1fr;
        border: none;
        border-right: tall $panel;
        padding: 0 0;
        background: $surface;
    }
    Sidebar:focus {
        border-right: tall $accent;
    }
    """

    class Navigate(Message):
        """The user chose a row; the App opens `page`."""

        def __init__(self, page: str) -> None:
            super().__init__()
            self.page = page

    def __init__(self, *, current_page: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current_page = current_page

    def show(self, done: Mapping[StepId, Mapping[str, Any]], reachable: Sequence[str]) -> None:
        """Redraw the marks; `reachable` lists the pages the user may open from here."""
        highlighted = None
        options: list[Option] = []
        for index, page in enumerate(PAGES):
            is_done = all(step in done for step in page.steps)
            current = page.key == self.current_page
            if current:
                highlighted = index
            mark = "✓" if is_done and not current else ("▶" if current else "·")
            style = "bold" if current else ("" if is_done else "dim")
            prompt = Text()
            prompt.append(f"{mark} ", style="bold green" if mark == "✓" else style)
            prompt.append(page.label, style=style)
            for step in page.steps:
                line = recorded_line(step, done[step]) if step in done else ""
                if line:
                    prompt.append(f"\n  {line}", style="dim")
            options.append(Option(prompt, id=f"row-{page.key}", disabled=page.key not in reachable))
        self.set_options(options)
        if highlighted is not None:
            self.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = (event.option.id or "").removeprefix("row-")
        if key != self.current_page:
            self.post_message(self.Navigate(key))
