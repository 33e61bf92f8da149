"""Location: the SIP peer that groups the numbers inside the sub-account.

The guide creates it with a name and "default peer" flag. A location with the same name is
reused rather than duplicated (the API answers 409 to a duplicate name anyway), and the default
flag matters because numbers ordered for the sub-account land on its default location.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static, Switch

from wizard.engine.inputs import SetupInputs
from wizard.engine.step import StepId
from wizard.tui.screens.base import StepScreen, field
from wizard.tui.widgets.validators import Name


class LocationScreen(StepScreen):
    PAGE = "location"
    NEXT_LABEL = "Create location"

    def __init__(self) -> None:
        super().__init__()
        self.existing: Any = None
        """The location with the typed name on the sub-account, if there is one."""
        self.looked_up: str | None = None

    def compose_body(self) -> ComposeResult:
        inputs = self.ctx.inputs
        site = self.ctx.data(StepId.SUBACCOUNT)
        yield Static(
            f"In sub-account {site.get('site_id', '?')} ({site.get('site_name', '')})",
            id="site-line",
            classes="note",
            markup=False,
        )
        yield field(
            "Location name",
            Input(
                inputs.location_name,
                validators=[Name("location name")],
                id="location-name",
                compact=True,
            ),
        )
        with Horizontal(classes="field-row"):
            yield Label("Default location", classes="field-label")
            yield Switch(inputs.default_location, id="default", animate=False)
            yield Static(_default_text(inputs.default_location), id="default-state", classes="note")
        yield Static(
            "Numbers ordered for the sub-account land on its default location; a sub-account "
            "has one default.",
            classes="field-help",
        )
        yield Static("", id="existing-note", classes="notice", markup=False)

    def on_load(self) -> None:
        self.query_one("#existing-note").display = False
        self.after_typing(self._lookup)

    def on_screen_resume(self) -> None:
        site = self.ctx.data(StepId.SUBACCOUNT)
        self.query_one("#site-line", Static).update(
            f"In sub-account {site.get('site_id', '?')} ({site.get('site_name', '')})"
        )

    def _lookup(self) -> None:
        engine = self.ctx.engine
        site_id = self.ctx.data(StepId.SUBACCOUNT).get("site_id")
        name = self.query_one("#location-name", Input).value.strip()
        if engine is None or not site_id or not name or self.steps_done():
            return
        if name == self.looked_up:
            return

        async def find() -> tuple[str, Any]:
            return name, await engine.dashboard.find_location_by_name(site_id, name)

        self.run_io(find, self._looked_up, describe=f"Looking for a location named {name}…")

    def _looked_up(self, result: tuple[str, Any]) -> None:
        self.looked_up, self.existing = result
        self.refresh_state()

    def _current_existing(self) -> Any:
        name = self.query_one("#location-name", Input).value.strip()
        return self.existing if self.looked_up == name else None

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        note = self.query_one("#existing-note", Static)
        existing = None if self.steps_done() else self._current_existing()
        if existing is not None:
            note.update(
                f"A location named “{existing.name}” already exists (id {existing.id}). Next "
                "reuses it; nothing is created. Choose another name for a new one."
            )
            self.query_one("#next", Button).label = "Reuse location"
        note.display = existing is not None

    def fill_inputs(self, inputs: SetupInputs) -> None:
        inputs.location_name = self.query_one("#location-name", Input).value.strip()
        inputs.default_location = self.query_one("#default", Switch).value

    def found(self) -> dict[str, Any]:
        return {"location": self._current_existing()}

    @on(Input.Changed, "#location-name")
    def _name_changed(self, event: Input.Changed) -> None:
        self.after_typing(self._lookup)

    @on(Switch.Changed, "#default")
    def _default_changed(self, event: Switch.Changed) -> None:
        event.stop()
        self.query_one("#default-state", Static).update(_default_text(event.value))
        self.refresh_state()


def _default_text(value: bool) -> str:
    return "IsDefaultPeer true" if value else "IsDefaultPeer false"
