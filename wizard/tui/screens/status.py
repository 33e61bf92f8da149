"""The Status screen: `bw-wizard status` inside the wizard, for the account the session holds.

It is not a step (the step registry never lists it): it reads, judges and shows, and changes
nothing, so it can be opened from anywhere, on an account the wizard set up or not (F2, the
command palette's "Account status", or ``WizardApp.open_status()``). It runs the very
``wizard.status.run.run_status`` the command runs and draws its rows with the command's own
``wizard.status.render`` helpers, so the screen and the command can never disagree about what
is wrong. Escape goes back to where it was opened; Ctrl+R checks again.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from wizard.core.errors import WizardError, sentence
from wizard.core.safe import printable
from wizard.status.collect import Probe, StatusProgress
from wizard.status.render import (
    listed_locations,
    numbers_cell,
    summary_rows,
    totals_line,
    yes_no,
)
from wizard.status.report import Severity, StatusReport

PROGRESS_EVERY = 0.2
"""Seconds between redraws of the progress line: a large account reports far more often."""


def summary_table(report: StatusReport) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0), expand=True)
    table.add_column("Area", style="bold", no_wrap=True)
    table.add_column("Found", ratio=1)
    for area, text in summary_rows(report):
        table.add_row(area, text)
    return table


def locations_table(report: StatusReport) -> tuple[str, Table | None]:
    title, shown = listed_locations(report)
    if not shown:
        return title, None
    names = {app.id: app.name or app.id for app in report.applications}
    table = Table(show_header=True, box=None, padding=(0, 2, 0, 0), expand=True)
    table.add_column("Location", no_wrap=True)
    table.add_column("SMS", no_wrap=True)
    table.add_column("MMS", no_wrap=True)
    table.add_column("Application", ratio=1)
    table.add_column("Numbers", ratio=1)
    for location in shown:
        app = location.application_id
        table.add_row(
            printable(f"{location.id} {location.name or ''}".strip()),
            yes_no(location.sms),
            yes_no(location.mms),
            printable(names.get(app, app)) if app else "-",
            numbers_cell(location),
        )
    return title, table


def verdicts_text(report: StatusReport) -> Text:
    """One line per finding, its fix under it; a single green line when there is none."""
    text = Text()
    if not report.verdicts:
        text.append("✓ Healthy: nothing to fix.", style="bold green")
    for index, verdict in enumerate(report.verdicts):
        if index:
            text.append("\n")
        problem = verdict.severity is Severity.PROBLEM
        mark, style = ("✗", "bold red") if problem else ("!", "bold yellow")
        text.append(f"{mark} ", style=style)
        text.append(printable(verdict.message))
        text.append("\n  fix: ", style="dim")
        text.append(printable(verdict.fix))
    for line in report.not_checked:
        text.append("\nNot checked: ", style="bold")
        text.append(printable(line))
    return text


class StatusScreen(Screen[None]):
    """A read-only health report of the session's account; Escape closes it."""

    DEFAULT_CSS = """
    StatusScreen #status-title {
        text-style: bold;
        color: $primary;
        padding: 0 1;
        height: 1;
    }
    StatusScreen #status-why {
        color: $text-muted;
        padding: 0 1;
        height: auto;
    }
    StatusScreen #status-progress {
        padding: 0 1;
        height: auto;
    }
    StatusScreen #status-body {
        height: 1fr;
        padding: 0 1;
    }
    StatusScreen .status-section {
        height: auto;
        margin-top: 1;
    }
    StatusScreen #status-locations-title {
        text-style: bold;
        height: auto;
        margin-top: 1;
    }
    StatusScreen #status-error {
        color: $error;
        height: auto;
        padding: 0 1;
        display: none;
    }
    """

    BINDINGS: ClassVar = [
        Binding("escape", "close", "Back"),
        Binding("ctrl+r", "check_again", "Check again"),
    ]

    def __init__(self, *, probe: Probe | None = None, hours: float | None = None) -> None:
        super().__init__(id="status-screen")
        self._probe = probe
        """Replaces the callback URL probe (pictures need answers that do not depend on a
        port)."""
        self._hours = hours
        self.report: StatusReport | None = None
        """The last finished run's report (None while running or after a failure)."""
        self.error: str | None = None
        """Why the last run could not finish, as shown."""
        self.running = False
        self._progress: StatusProgress | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Account status", id="status-title")
        yield Static(
            "A read-only check of the account as Bandwidth has it: nothing is changed and no "
            "message is sent. The same report as `bw-wizard status`.",
            id="status-why",
        )
        yield Static("", id="status-progress")
        yield Static("", id="status-error")
        with VerticalScroll(id="status-body"):
            yield Static("", id="status-summary", classes="status-section")
            yield Static("", id="status-locations-title")
            yield Static("", id="status-locations")
            yield Static("", id="status-verdicts", classes="status-section")
            yield Static("", id="status-totals", classes="status-section")
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(PROGRESS_EVERY, self._show_progress)
        self.action_check_again()

    # -- running -------------------------------------------------------------------------------

    def action_check_again(self) -> None:
        if self.running:
            return
        self.running = True
        self.report, self.error = None, None
        self._progress = StatusProgress()
        self._show_progress()
        self.query_one("#status-error", Static).display = False
        self._run()

    @work(exclusive=True, group="status")
    async def _run(self) -> None:
        from wizard.status.run import DEFAULT_HOURS, run_status

        ctx = self.app.ctx  # type: ignore[attr-defined]
        try:
            report = await run_status(
                ctx,
                hours=self._hours or DEFAULT_HOURS,
                on_progress=self._on_progress,
                probe=self._probe or getattr(self.app, "status_probe", None),
            )
        except WizardError as error:
            self._failed(error.message + (f"\n{error.hint}" if error.hint else ""))
            return
        except Exception as error:  # shown, never a trace over the screen
            self._failed(sentence(error))
            return
        self.running = False
        self.report = report
        self._show_report(report)

    def _on_progress(self, progress: StatusProgress) -> None:
        self._progress = progress

    def _show_progress(self) -> None:
        line = self.query_one("#status-progress", Static)
        if self.running and self._progress is not None:
            line.update(Text(f"Checking: {self._progress.line()}", style="italic"))
            line.display = True
        else:
            line.display = False

    def _failed(self, message: str) -> None:
        self.running = False
        self.error = message
        self._show_progress()
        shown = self.query_one("#status-error", Static)
        shown.update(Text(f"Status could not run: {printable(message)}\nCtrl+R checks again."))
        shown.display = True

    def _show_report(self, report: StatusReport) -> None:
        self._show_progress()
        self.sub_title = f"account {report.account_id}"
        self.query_one("#status-summary", Static).update(summary_table(report))
        title, table = locations_table(report)
        heading = self.query_one("#status-locations-title", Static)
        body = self.query_one("#status-locations", Static)
        heading.update(title if table is not None else "")
        heading.display = body.display = table is not None
        if table is not None:
            body.update(table)
        self.query_one("#status-verdicts", Static).update(verdicts_text(report))
        self.query_one("#status-totals", Static).update(totals_line(report, seconds=False))

    def action_close(self) -> None:
        self.app.pop_screen()


def open_status(app: Any) -> None:
    """Push a Status screen onto `app` unless one is already showing."""
    if not isinstance(app.screen, StatusScreen):
        app.push_screen(StatusScreen())
