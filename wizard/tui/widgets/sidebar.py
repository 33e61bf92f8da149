"""The step sidebar: where the user is, what is done (with the ids it recorded), what is left.

It doubles as navigation: choosing a done step opens its screen to review it, choosing the first
unfinished step goes back to work. Steps further on cannot be chosen, because each one needs
what the earlier ones recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from wizard.steps import STEPS, StepId

WELCOME = "welcome"

#: The id worth showing under each done step (kept short: the sidebar is narrow).
RECORDED_ID_KEYS: dict[StepId, tuple[str, str]] = {
    StepId.VERIFY: ("account_id", "account"),
    StepId.SUBACCOUNT: ("site_id", "site"),
    StepId.APPLICATION: ("application_id", "app"),
    StepId.LOCATION: ("location_id", "location"),
    StepId.ASSIGN: ("application_id", "app"),
    StepId.ORDER: ("order_id", "order"),
    StepId.WAIT_ORDER: ("numbers", ""),
    StepId.SEND: ("last_message_id", "msg"),
}


def short_id(value: Any, width: int = 12) -> str:
    """An id cut to fit the sidebar; lists (ordered numbers) show the first and a count."""
    if isinstance(value, list | tuple):
        if not value:
            return ""
        first = str(value[0])
        return first + (f" +{len(value) - 1}" if len(value) > 1 else "")
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def recorded_line(step: StepId, data: Mapping[str, Any]) -> str:
    """'app d775585a-ed…' for a done step; '' when the step records no id."""
    key, label = RECORDED_ID_KEYS.get(step, ("", ""))
    value = data.get(key) if key else None
    if not value:
        return ""
    return f"{label} {short_id(value)}".strip()


@dataclass(frozen=True)
class SidebarRow:
    """One row: an engine step (or Welcome) and the page that shows it."""

    key: str
    """StepId value, or "welcome"."""
    title: str
    page: str


class Sidebar(OptionList):
    """Welcome, then the engine's steps in order, each marked done ✓, current ▶ or to do ·."""

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

    def __init__(
        self,
        pages_for_steps: Mapping[StepId, str],
        *,
        current_page: str,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._pages = dict(pages_for_steps)
        self.current_page = current_page
        self.step_rows: list[SidebarRow] = [SidebarRow(WELCOME, "Welcome", WELCOME)]
        self.step_rows += [
            SidebarRow(info.id.value, info.title, self._pages.get(info.id, WELCOME))
            for info in STEPS
        ]

    def show(self, done: Mapping[StepId, Mapping[str, Any]], reachable: Sequence[str]) -> None:
        """Redraw the marks; `reachable` lists the pages the user may open from here."""
        highlighted = None
        options: list[Option] = []
        for index, row in enumerate(self.step_rows):
            step = StepId(row.key) if row.key != WELCOME else None
            is_done = step in done if step is not None else True
            current = row.page == self.current_page
            if current and highlighted is None:
                highlighted = index
            mark = "✓" if is_done and not current else ("▶" if current else "·")
            style = "bold" if current else ("" if is_done else "dim")
            prompt = Text()
            prompt.append(f"{mark} ", style="bold green" if mark == "✓" else style)
            prompt.append(row.title, style=style)
            if step is not None and is_done:
                line = recorded_line(step, done[step])
                if line:
                    prompt.append(f"\n  {line}", style="dim")
            options.append(Option(prompt, id=f"row-{row.key}", disabled=row.page not in reachable))
        self.set_options(options)
        if highlighted is not None:
            self.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = (event.option.id or "").removeprefix("row-")
        for row in self.step_rows:
            if row.key == key and row.page != self.current_page:
                self.post_message(self.Navigate(row.page))
                return
