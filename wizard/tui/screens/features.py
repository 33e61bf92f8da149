"""Messaging features: switch SMS and MMS on for the location, exactly as the guide says.

The guide fixes most values (Protocol HTTP, Zone1 only, ProxyPeerId 539692, and lower-case
``protocol`` for MMS); getting one wrong is a classic cause of silent failures, so they are shown
read-only and sent as written. TollFree and ShortCode are real choices, so they are switches.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Static, Switch

from wizard.bandwidth import xml as bwxml
from wizard.steps import StepId
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.request_preview import PlannedRequest, location_url

SMS_FIXED = (
    ("Protocol", "HTTP", "Messaging 2.0 works over HTTP (note the upper-case P)"),
    ("Zone1", "true", "the guide enables zone 1 only"),
    ("Zone2 to Zone5", "false", ""),
    ("ProxyPeerId", bwxml.PROXY_PEER_ID, "the guide's fixed HTTP proxy peer"),
)
MMS_FIXED = (
    ("protocol", "HTTP", "lower-case p in the MMS feature, as the guide writes it"),
    ("ProxyPeerId", bwxml.PROXY_PEER_ID, ""),
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
    STEPS: ClassVar = (StepId.SMS, StepId.MMS)
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

    def apply_inputs(self) -> None:
        self.ctx.inputs.toll_free = self.query_one("#toll-free", Switch).value
        self.ctx.inputs.short_code = self.query_one("#short-code", Switch).value

    def planned_requests(self) -> list[PlannedRequest]:
        conn = self.ctx.conn
        if conn is None:
            return []
        location = self.ctx.data(StepId.LOCATION)
        site_id = str(location.get("site_id") or "{subaccount}")
        location_id = str(location.get("location_id") or "{location}")

        def url(kind: str) -> str:
            return self.ctx.public_url(
                location_url(
                    conn.dashboard_url,
                    conn.account_id,
                    site_id,
                    location_id,
                    "products",
                    "messaging",
                    "features",
                    kind,
                )
            )

        requests = []
        if not self.ctx.is_done(StepId.SMS):
            body = bwxml.sms_feature_xml(
                toll_free=self.query_one("#toll-free", Switch).value,
                short_code=self.query_one("#short-code", Switch).value,
            )
            requests.append(PlannedRequest("POST", url("sms"), body, "Enables SMS over HTTP."))
        if not self.ctx.is_done(StepId.MMS):
            requests.append(
                PlannedRequest(
                    "POST", url("mms"), bwxml.mms_feature_xml(), "Enables MMS (after SMS)."
                )
            )
        return requests

    @on(Switch.Changed)
    def _switched(self, event: Switch.Changed) -> None:
        event.stop()
        state = self.query_one(f"#{event.switch.id}-state", Static)
        state.update(_flag(event.value))
        self.refresh_state()


def _flag(value: bool) -> str:
    return "true" if value else "false"
