"""The help screen: keys, what each step does and why, and the sandbox's test data.

A modal over the current step, so reading help never loses what was typed.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.engine.registry import STEP_BY_ID, STEP_PAGES

KEYS = (
    ("Ctrl+N", "Next: run this step, or move on when it is done"),
    ("Ctrl+B", "Back to the previous step"),
    ("Ctrl+E", "Show or hide the request preview"),
    ("Ctrl+R", "Retry after an error"),
    ("Ctrl+P", "Command palette: go to a step, account status, switch theme, help"),
    ("F2", "Account status: a read-only check of the account (as bw-wizard status)"),
    ("Ctrl+T", "Switch between the light and dark theme"),
    ("F1", "This help"),
    ("F9", "Show or hide the steps sidebar (hidden by itself under 100 columns)"),
    ("Tab", "Next field"),
    ("Ctrl+Q", "Quit (progress is saved after every step)"),
)

SANDBOX_DATA = (
    ("Area code 222", "order PARTIAL (every second number fails)"),
    ("Area code 333", "order FAILED"),
    ("Area code 444", "order BACKORDERED"),
    ("Area code 777", "no numbers available"),
    ("To +1NPA555CCCC", "CCCC 4432, 4720, 4775, 4476 or 4795: message-failed with that code"),
    ("Any other number", "message-sending, then message-delivered"),
)


def _table(rows: tuple[tuple[str, str], ...], left: str, right: str) -> Table:
    table = Table(show_header=True, box=None, padding=(0, 2, 0, 0), expand=True)
    table.add_column(left, style="bold", no_wrap=True)
    table.add_column(right, ratio=1)
    for key, text in rows:
        table.add_row(key, text)
    return table


def _steps_table() -> Table:
    table = Table(show_header=True, box=None, padding=(0, 2, 0, 0), expand=True)
    table.add_column("Step", style="bold", no_wrap=True)
    table.add_column("Why", ratio=1)
    for page in STEP_PAGES:
        why = " ".join(STEP_BY_ID[step].why for step in page.steps)
        table.add_row(page.label, why)
    return table


class HelpScreen(ModalScreen[None]):
    """Keys, steps and test data; Escape, F1 or q closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-title {
        text-style: bold;
        color: $primary;
        height: 1;
    }
    HelpScreen VerticalScroll {
        height: 1fr;
    }
    HelpScreen .help-section {
        height: auto;
        margin-bottom: 1;
    }
    HelpScreen #help-close-row {
        height: 1;
        align-horizontal: right;
    }
    """

    BINDINGS: ClassVar = [
        Binding("escape", "close", "Close"),
        Binding("f1", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("bw-wizard help", id="help-title")
            with VerticalScroll():
                yield Static(
                    Text(
                        "The wizard sends the setup guide's requests for you, one step at a "
                        "time. Each step shows the request it will send (secrets masked), "
                        "checks what you type before anything is sent, and remembers what it "
                        "created, so running it again continues where it stopped."
                    ),
                    classes="help-section",
                )
                yield Static(_table(KEYS, "Key", "Does"), classes="help-section")
                yield Static(_steps_table(), classes="help-section")
                yield Static(
                    _table(SANDBOX_DATA, "Sandbox test data", "Result"),
                    classes="help-section",
                )
                yield Static(
                    Text(
                        "Secrets (passwords, client secrets, tokens) are kept in your OS "
                        "keyring, or read from BW_PASSWORD, BW_CLIENT_SECRET, "
                        "BW_MESSAGING_TOKEN, BW_MESSAGING_SECRET and BW_CALLBACK_PASSWORD. "
                        "They are never written to a file or shown on screen unless you "
                        "reveal them."
                    ),
                    classes="help-section",
                )
            with Vertical(id="help-close-row"):
                yield Button("Close", id="close", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
