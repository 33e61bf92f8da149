"""Sub-account: pick one of the account's sub-accounts (sites), or create one.

Numbers and locations belong to a sub-account, and the guide assumes one exists. Listing them
first means the user picks by name instead of copying an id from the Dashboard.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from wizard.engine.inputs import SetupInputs
from wizard.tui.screens.base import StepScreen, field
from wizard.tui.widgets.validators import Required, SiteName, StateCode, Zip

NEW = "__new__"

ADDRESS_FIELDS: tuple[tuple[str, str, list[Any], str], ...] = (
    ("House number", "HouseNumber", [Required("house number")], "e.g. 900"),
    ("Street name", "StreetName", [Required("street name")], "e.g. Main Campus Dr"),
    ("City", "City", [Required("city")], "e.g. Raleigh"),
    ("State", "StateCode", [StateCode()], "e.g. NC"),
    ("ZIP", "Zip", [Zip()], "e.g. 27606"),
)
"""The <Address> a new sub-account needs (AddressType Service), in the Dashboard's names. The
placeholders start with "e.g." so an empty field never looks filled in."""


class SubaccountScreen(StepScreen):
    PAGE = "subaccount"
    NEXT_LABEL = "Use this sub-account"
    CREATE_LABEL = "Create sub-account"
    """Next's label while "+ Create a new sub-account" is chosen: it says what Next will do."""

    def __init__(self) -> None:
        super().__init__()
        self.sites: list[Any] = []
        """The account's sub-accounts as the API listed them (None until loaded)."""
        self.loaded = False

    def compose_body(self) -> ComposeResult:
        yield Static("The account's sub-accounts", classes="section-title", id="sites-title")
        yield OptionList(id="sites")
        with Vertical(id="new-site"):
            yield field(
                "New sub-account",
                Input(
                    self.ctx.inputs.new_site_name or "bw-wizard",
                    placeholder="name of the new sub-account",
                    validators=[SiteName()],
                    id="new-site-name",
                    compact=True,
                ),
            )
            yield Static("The Dashboard wants the sub-account's service address:", classes="note")
            for label, key, validators, placeholder in ADDRESS_FIELDS:
                yield field(
                    label,
                    Input(
                        placeholder=placeholder,
                        validators=validators,
                        id=f"address-{key}",
                        compact=True,
                    ),
                )

    def on_load(self) -> None:
        self.load_sites()

    def load_sites(self) -> None:
        engine = self.ctx.engine
        if engine is None or self.steps_done():
            return
        self.run_io(
            engine.dashboard.list_sites,
            self._sites_loaded,
            describe="Loading the account's sub-accounts…",
        )

    def _sites_loaded(self, sites: list[Any]) -> None:
        self.sites = list(sites)
        self.loaded = True
        options = [
            Option(Text.assemble((site.name or "(no name)", "bold"), f"  id {site.id}"), id=site.id)
            for site in self.sites
        ]
        options.append(Option(Text("+ Create a new sub-account", style="italic"), id=NEW))
        sites_list = self.query_one("#sites", OptionList)
        sites_list.set_options(options)
        wanted = self.ctx.inputs.site_id or (self.sites[0].id if self.sites else NEW)
        ids = [option.id for option in options]
        sites_list.highlighted = ids.index(wanted) if wanted in ids else 0
        self._show_new()

    # -- state ---------------------------------------------------------------------------------

    def choice(self) -> str | None:
        """The highlighted site id, NEW, or None before the list is loaded."""
        sites_list = self.query_one("#sites", OptionList)
        option = sites_list.highlighted_option
        return option.id if option is not None else None

    def _show_new(self) -> None:
        self.query_one("#new-site").display = self.choice() == NEW
        self.refresh_state()

    def is_valid(self) -> bool:
        return self.loaded and self.choice() is not None and super().is_valid()

    def not_ready(self) -> str:
        return "Wait for the account's sub-accounts to load."

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        done = self.steps_done()
        # Done (a resume): the done panel names the sub-account; a list that was never
        # loaded would only look empty.
        for selector in ("#sites-title", "#sites"):
            self.query_one(selector).display = not done or self.loaded
        if not done and self.choice() == NEW:
            self.query_one("#next", Button).label = self.CREATE_LABEL

    def address(self) -> dict[str, str]:
        values = {
            key: self.query_one(f"#address-{key}", Input).value.strip()
            for _, key, _, _ in ADDRESS_FIELDS
        }
        values["StateCode"] = values["StateCode"].upper()
        values["AddressType"] = "Service"
        return values

    def fill_inputs(self, inputs: SetupInputs) -> None:
        choice = self.choice()
        if choice == NEW:
            inputs.site_id = None
            inputs.new_site_name = self.query_one("#new-site-name", Input).value.strip()
            inputs.new_site_address = self.address()
        elif choice is not None:
            inputs.site_id = choice
            inputs.new_site_name = None

    async def before_steps(self) -> None:
        """Create the new sub-account with its address (the engine's step then records it).

        steps.SetupInputs has no address yet, so the screen makes this one call itself, after
        checking that no sub-account already has the name (nothing is created twice).
        """
        create = getattr(self, "_create", None)
        engine = self.ctx.engine
        if not create or engine is None:
            return
        name, address = create
        sites = await engine.dashboard.list_sites()
        site = next((s for s in sites if s.name == name), None)
        if site is None:
            site = await engine.dashboard.create_site(name, address=address)
        self.ctx.inputs.site_id = site.id
        self.ctx.inputs.new_site_name = None
        self._create = None

    @on(OptionList.OptionHighlighted, "#sites")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_new()

    @on(OptionList.OptionSelected, "#sites")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == NEW:
            self.query_one("#new-site-name", Input).focus()
        else:
            self.action_next()

    def on_screen_resume(self) -> None:
        if not self.loaded and not self.steps_done():
            self.load_sites()
