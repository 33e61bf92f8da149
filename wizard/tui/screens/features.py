"""Messaging features: SMS and MMS switched on for the location, in today's shape.

Most values are fixed (Protocol HTTP, Zone1 only, an empty HttpSettings so that Bandwidth picks
the proxy peer and says which); getting one wrong is a classic cause of silent failures, so they
are shown read-only and sent as written. TollFree and ShortCode are real choices, so they are
switches.
"""

from __future__ import annotations

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Static, Switch

from wizard.engine.inputs import SetupInputs
from wizard.engine.step import StepId
from wizard.tui.screens.base import StepScreen

SMS_FIXED = (
    ("Protocol", "HTTP", "Messaging 2.0 works over HTTP (note the upper-case P)"),
    ("Zone1", "true", "the guide enables zone 1 only"),
    ("Zone2 to Zone5", "false", ""),
    ("HttpSettings", "(empty)", "Bandwidth picks the HTTP proxy peer and says which"),
)
MMS_FIXED = (
    ("Protocol", "HTTP", "in MmsSettings, as today's docs write it"),
    ("HttpSettings", "(empty)", "the same for MMS"),
)


def fixed_table(rows: tuple[tuple[str, str, str], ...]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(width=17, no_wrap=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1, style="dim")
    for name, value, why in rows:
        table.add_row(name, value, why)
    return table


class FeaturesScreen(StepScreen):
    PAGE = "features"
    STEP_TITLE = "Messaging features: SMS and MMS"
    STEP_WHY = (
        "Messaging 2.0 needs SMS switched on for the location over HTTP, and MMS for pictures "
        "and other media."
    )
    NEXT_LABEL = "Enable SMS and MMS"

    def compose_body(self) -> ComposeResult:
        inputs = self.ctx.inputs
        yield Static("SMS", classes="section-title")
        with Horizontal(classes="field-row"):
            yield Label("TollFree", classes="field-label")
            yield Switch(inputs.toll_free, id="toll-free", animate=False)
            yield Static(_flag(inputs.toll_free), id="toll-free-state", classes="note")
        yield Static("Texting to and from toll-free numbers.", classes="field-help")
        with Horizontal(classes="field-row"):
            yield Label("ShortCode", classes="field-label")
            yield Switch(inputs.short_code, id="short-code", animate=False)
            yield Static(_flag(inputs.short_code), id="short-code-state", classes="note")
        yield Static("Texting to and from short codes.", classes="field-help")
        yield Static("Fixed by the guide (read-only):", classes="note")
        yield Static(fixed_table(SMS_FIXED), id="sms-fixed")
        yield Static("MMS", classes="section-title")
        yield Static("Fixed by the guide (read-only):", classes="note")
        yield Static(fixed_table(MMS_FIXED), id="mms-fixed")

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        sms_done = self.ctx.is_done(StepId.SMS)
        for switch in self.query(Switch):
            switch.disabled = sms_done
        if sms_done and not self.steps_done():
            self.query_one("#next").label = "Enable MMS"  # type: ignore[attr-defined]

    def fill_inputs(self, inputs: SetupInputs) -> None:
        inputs.toll_free = self.query_one("#toll-free", Switch).value
        inputs.short_code = self.query_one("#short-code", Switch).value

    @on(Switch.Changed)
    def _switched(self, event: Switch.Changed) -> None:
        event.stop()
        state = self.query_one(f"#{event.switch.id}-state", Static)
        state.update(_flag(event.value))
        self.refresh_state()


def _flag(value: bool) -> str:
    return "true" if value else "false"
