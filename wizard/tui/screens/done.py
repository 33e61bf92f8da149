"""The wizard's last screen: what the setup is, and what to do with it next.

Sending a message is the last step of the guide, but not the end of the work: the ids have to get
into an app, the account's health is worth a look, and a test setup should be taken apart one
day. So instead of simply ending, the Send page leads here, where the setup is summed up and the
next steps are one key away: export the ids as files (`wizard.session.export`, the same as
`bw-wizard export`), open the account's status, or read how to tear it down. It is not a step of
the guide, so it is not in the step registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static

from wizard.core.errors import Kind, WizardError, sentence
from wizard.core.phone import display, e164
from wizard.engine.step import StepId
from wizard.tui.screens.base import field

if TYPE_CHECKING:
    from wizard.session.session import Session

DEFAULT_EXPORT_DIR = "bw-wizard-export"


class DoneScreen(Screen[None]):
    """The setup summed up, with Export and Status."""

    DEFAULT_CSS = """
    DoneScreen #done-content { padding: 0 1; height: 1fr; }
    DoneScreen #done-title { text-style: bold; color: $success; height: auto; }
    DoneScreen #done-why { color: $text-muted; height: auto; margin-bottom: 1; }
    DoneScreen #done-body { height: 1fr; }
    DoneScreen #summary { height: auto; border-left: thick $success; padding: 0 1; }
    DoneScreen .section-title { text-style: bold; margin-top: 1; height: auto; }
    DoneScreen .note { color: $text-muted; height: auto; }
    DoneScreen #done-status { height: auto; max-height: 4; margin-top: 1; }
    DoneScreen #done-buttons { height: 1; align-horizontal: right; }
    DoneScreen #done-buttons Button { margin-left: 2; min-width: 8; }
    DoneScreen #done-buttons #done-back { dock: left; margin-left: 0; }
    """

    BINDINGS: ClassVar = [
        Binding("ctrl+b,escape", "back", "Back to Send", priority=True),
        Binding("ctrl+x", "export", "Export", priority=True),
        Binding("ctrl+s", "status", "Status", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__(id="page-done")
        self.exported: list[Path] = []
        """The files the last export wrote."""
        self.ui_ready = False

    @property
    def ctx(self) -> Session:
        return self.app.ctx  # type: ignore[attr-defined, no-any-return]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="☰")
        with Vertical(id="done-content"):
            yield Static("✓ Setup complete", id="done-title", markup=False)
            yield Static(
                "Everything the guide sets up is in place. Next: put the ids into your app, "
                "check the account's health, and take a test setup apart when you are done.",
                id="done-why",
                markup=False,
            )
            with VerticalScroll(id="done-body"):
                yield Static(self._summary(), id="summary")
                yield Static("Export", classes="section-title", markup=False)
                yield Static(
                    "A .env with the ids (names as in Bandwidth's samples; no secrets), "
                    "send_message.py (bandwidth-sdk) and bw_callbacks.py (a Starlette handler "
                    "that answers the Basic challenge and skips repeated deliveries).",
                    classes="note",
                    markup=False,
                )
                yield field(
                    "Directory",
                    Input(DEFAULT_EXPORT_DIR, id="export-dir", compact=True),
                    help="Relative to where the wizard was started; made if missing.",
                )
                yield Static("Status and teardown", classes="section-title", markup=False)
                yield Static(self._after_lines(), classes="note", markup=False)
            yield Static("", id="done-status", markup=False)
            with Horizontal(id="done-buttons"):
                yield Button("Back", id="done-back", compact=True)
                yield Button("Status", id="done-status-button", compact=True)
                yield Button("Export files", id="done-export", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.ui_ready = True
        self.query_one("#done-export", Button).focus()

    # -- what is shown -----------------------------------------------------------------------

    def _summary(self) -> Table:
        ctx = self.ctx
        table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        table.add_row("Account", ctx.account_id or "?")
        site = ctx.data(StepId.SUBACCOUNT)
        if site:
            table.add_row("Sub-account", f"{site.get('site_id')} ({site.get('site_name') or '?'})")
        app = ctx.data(StepId.APPLICATION)
        if app:
            where = (
                "callbacks to the wizard's own receiver on this computer"
                if ctx.sandbox
                else f"callbacks to {app.get('callback_url') or '?'}"
            )
            table.add_row("Application", f"{app.get('application_id')}: {where}")
        location = ctx.data(StepId.LOCATION)
        if location:
            features = " and ".join(
                name for name, step in (("SMS", StepId.SMS), ("MMS", StepId.MMS)) if ctx.data(step)
            )
            table.add_row(
                "Location",
                f"{location.get('location_id')} ({location.get('location_name') or '?'})"
                + (f", {features} on" if features else ""),
            )
        numbers = [str(n) for n in ctx.data(StepId.WAIT_ORDER).get("numbers") or []]
        if numbers:
            table.add_row("Numbers", ", ".join(display(e164(n)) for n in numbers))
        ready = ctx.data(StepId.READY)
        if ready.get("status"):
            campaign = (
                f" on 10DLC campaign {ready['campaign_id']}" if ready.get("campaign_id") else ""
            )
            table.add_row("Ready to send", f"{ready.get('status')}{campaign}")
        last = self.last_message()
        if last:
            table.add_row("Last message", last)
        return table

    def last_message(self) -> str:
        """The last message this run sent, and what became of it ("" before any)."""
        tracker = self.ctx.tracker
        timelines = [t for t in getattr(tracker, "messages", []) if t.sent_here]
        if not timelines:
            return ""
        timeline = timelines[-1]
        to = ", ".join(display(n) for n in timeline.to)
        failed = [e for e in timeline.entries if e.stage == "failed"]
        outcome = failed[0].label if failed else timeline.status
        return f"to {to}: {outcome}"

    def _after_lines(self) -> str:
        lines = [
            "Status: the account's health report (numbers and their 10DLC or toll-free "
            "readiness, applications, the callback URL, recent failed messages); "
            "`bw-wizard status` prints it in a terminal.",
        ]
        if self.ctx.sandbox:
            lines.append(
                "Teardown: the sandbox forgets everything when the wizard exits, so there is "
                "nothing to take apart. On an account: `bw-wizard teardown` (a dry run first)."
            )
        else:
            lines.append(
                "Teardown: `bw-wizard teardown` removes what the wizard created (a dry run "
                "first; disconnecting the numbers asks you to type their count)."
            )
        return "\n".join(lines)

    def set_status(self, text: str) -> None:
        self.query_one("#done-status", Static).update(text)

    # -- actions -----------------------------------------------------------------------------

    @on(Button.Pressed, "#done-back")
    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#done-status-button")
    def action_status(self) -> None:
        self.app.open_status()  # type: ignore[attr-defined]

    @on(Input.Submitted, "#export-dir")
    @on(Button.Pressed, "#done-export")
    def action_export(self) -> None:
        directory = self.query_one("#export-dir", Input).value.strip() or DEFAULT_EXPORT_DIR
        self.set_status("Writing…")
        self._export(Path(directory).expanduser())

    @work(exclusive=True, group="export", thread=True)
    def _export(self, directory: Path) -> None:
        from wizard.session.export import export_setup

        try:
            exported = export_setup(self.ctx, directory)
        except WizardError as error:
            # The hint names the command's flags; here the way out is the directory field.
            text = (
                f"✗ {error.message} Choose another directory above."
                if error.kind is Kind.CONFLICT
                else f"✗ {error}"
            )
            self.app.call_from_thread(self.set_status, text)
            return
        except Exception as error:  # never a traceback in front of a person
            self.app.call_from_thread(self.set_status, f"✗ {sentence(error)}")
            return
        self.exported = list(exported.paths)
        names = ", ".join(path.name for path in exported.paths)
        where = directory.resolve()
        text = f"✓ Wrote {names} to {where} (the .env is readable by you only; no secrets in it)."
        if exported.missing:
            text += " Left empty: " + "; ".join(exported.missing) + "."
        self.app.call_from_thread(self.set_status, text)
