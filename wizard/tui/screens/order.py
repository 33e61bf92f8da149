"""Order numbers: local numbers in an area code, or toll-free numbers by pattern, with the
numbers on offer shown before ordering.

Which kind decides the way to a first delivered text (the Ready step): a local number needs a
registered 10DLC brand and campaign, a toll-free number an approved verification, which one
developer can usually ask for alone. The screen says that in two sentences beside the choice.

Ordering costs money and cannot be undone from the wizard, so the screen first searches (the
same availableNumbers call the engine makes) and shows what is on offer; an area code without
numbers is caught here instead of as a failed order. The order itself is the engine's ORDER
step, which looks for an earlier attempt by CustomerOrderId before placing a new one.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from wizard.core.phone import display
from wizard.engine.inputs import SetupInputs
from wizard.engine.step import StepId
from wizard.tui.messages import ProgressChanged
from wizard.tui.screens.base import StepScreen, field
from wizard.tui.widgets.validators import AreaCode, Quantity, TollFreePattern

SEARCH_DELAY = 0.35
"""Seconds of quiet typing before searching, so each keystroke does not cost an API call
(order and search calls share a limit of about 100 a minute)."""


TRADE_OFF = (
    "A toll-free number is usually the shorter way for one developer: it can send once its "
    "verification is approved, which you ask for on the Ready step. A local number needs a "
    "registered 10DLC brand and campaign first (carrier review takes days and has fees)."
)
"""The choice between the two kinds of number, in two sentences."""

LOCAL = "local"
TOLL_FREE = "toll-free"

Query = tuple[str, str, int]
"""(LOCAL or TOLL_FREE, the area code or pattern, quantity): what one search asks."""


def forget_order(ctx: Any) -> None:
    """Set the current order aside so a new one can be placed (after FAILED or BACKORDERED).

    The order stays on Bandwidth's side; only the wizard's record of it goes, with the
    CustomerOrderId, so the next ORDER step places a new order instead of finding this one.
    """
    for step in (StepId.WAIT_ORDER, StepId.ORDER):  # messages already sent stay recorded
        ctx.progress.forget(step)
        ctx.done.pop(step, None)
    ctx.resume_at = ctx.first_pending()


def fit_buttons(screen: Any) -> None:
    """Re-measure the bottom buttons whose label changed.

    Button.label is not a layout reactive in Textual 8: a button keeps the width of its old
    label ("Check again" -> "Next") until something else lays the row out again.
    """
    seen: dict[str, str] = screen.__dict__.setdefault("_button_labels", {})
    for button in screen.query("#buttons Button"):
        label = str(button.label)
        if button.id and seen.get(button.id) != label:
            seen[button.id] = label
            button.refresh(layout=True)


class OrderScreen(StepScreen):
    PAGE = "order"
    NEXT_LABEL = "Order numbers"
    STEP_WHY = "Orders phone numbers onto the location: local ones in an area code, or toll-free."

    def __init__(self) -> None:
        super().__init__()
        self.available: list[str] | None = None
        """Numbers the last search offered; None before a search finished."""
        self.searched: Query | None = None
        """The search the `available` list is for."""
        self._pending_search: Query | None = None
        self._search_timer: Any = None

    def compose_body(self) -> ComposeResult:
        inputs = self.ctx.inputs
        toll_free = bool(inputs.toll_free_pattern)
        with RadioSet(id="number-kind", compact=True):
            yield RadioButton(
                "Local number (10DLC)", value=not toll_free, id="kind-local", compact=True
            )
            yield RadioButton(
                "Toll-free number", value=toll_free, id="kind-toll-free", compact=True
            )
        yield Static(TRADE_OFF, id="trade-off", classes="field-help", markup=False)
        yield field(
            "Pattern",
            Input(
                inputs.toll_free_pattern or "8**",
                placeholder="8** for any, 87* for 877",
                validators=[TollFreePattern()],
                id="pattern",
                compact=True,
            ),
            help="8 and two more digits or * (any digit): 8** for any toll-free number.",
            id="pattern-field",
        )
        yield field(
            "Area code",
            Input(
                inputs.area_code or "919",
                placeholder="three digits, e.g. 919",
                validators=[AreaCode()],
                id="area-code",
                compact=True,
            ),
            help="North American area code (NXX: first digit 2-9, not N11 like 911).",
            id="area-code-field",
        )
        yield field(
            "Quantity",
            Input(
                str(inputs.quantity or 1),
                placeholder="how many numbers",
                validators=[Quantity()],
                id="quantity",
                compact=True,
            ),
            help="Each number is billed monthly on a real account.",
        )
        yield Static("Numbers on offer", classes="section-title", id="available-title")
        yield Static("", id="available", markup=False)

    def compose_buttons(self) -> ComposeResult:
        yield Button("Order again", id="order-again", compact=True)

    # -- searching ---------------------------------------------------------------------------

    @property
    def toll_free(self) -> bool:
        """Toll-free numbers are chosen (else local ones in an area code)."""
        return self.query_one("#kind-toll-free", RadioButton).value

    def _show_kind(self) -> None:
        toll_free = self.toll_free
        self.query_one("#pattern-field").display = toll_free
        self.query_one("#area-code-field").display = not toll_free

    def on_load(self) -> None:
        self._show_kind()
        if not self.steps_done():
            self.query_one("#pattern" if self.toll_free else "#area-code", Input).focus()
        self._show_available()
        self._schedule_search(immediately=True)

    def on_screen_resume(self) -> None:
        # StepScreen.on_screen_resume runs too: Textual calls handlers along the MRO.
        if not self.steps_done():
            # What is on offer changes (an order in between took numbers): look again.
            self.searched = None
            self.available = None
            self._schedule_search(immediately=True)
        self._show_available()

    def _query(self) -> Query | None:
        """The search the form asks for when its inputs are valid, else None."""
        target = self.query_one("#pattern" if self.toll_free else "#area-code", Input)
        quantity = self.query_one("#quantity", Input)
        if any(not v.validate(target.value).is_valid for v in target.validators):
            return None
        if any(not v.validate(quantity.value).is_valid for v in quantity.validators):
            return None
        kind = TOLL_FREE if self.toll_free else LOCAL
        return kind, target.value.strip(), int(quantity.value.strip())

    def _schedule_search(self, *, immediately: bool = False) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if self.steps_done() or self.ctx.engine is None:
            return
        query = self._query()
        if query is None:
            self._show_available()
            return
        if query == self.searched or query == self._pending_search:
            return
        if immediately:
            self._search(query)
        else:
            self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._search(query))

    def _search(self, query: Query) -> None:
        engine = self.ctx.engine
        if engine is None or self._query() != query:
            return
        self._pending_search = query
        self._show_available()
        kind, value, quantity = query

        def found(numbers: list[str]) -> None:
            if self._pending_search == query:
                self._pending_search = None
            self.available = list(numbers)
            self.searched = query
            self._show_available()

        if kind == TOLL_FREE:
            self.run_io(
                lambda: engine.dashboard.search_toll_free_numbers(value, quantity),
                found,
                describe=f"Searching for toll-free numbers matching {value}…",
            )
        else:
            self.run_io(
                lambda: engine.dashboard.search_available_numbers(value, quantity),
                found,
                describe=f"Searching for numbers in area code {value}…",
            )

    @staticmethod
    def _where(query: Query) -> str:
        kind, value, _ = query
        return f"toll-free numbers matching {value}" if kind == TOLL_FREE else f"area code {value}"

    def _show_available(self) -> None:
        target = self.query_one("#available", Static)
        query = self._query()
        done = self.steps_done()
        self.query_one("#available-title", Static).display = not done
        target.display = not done
        if done:
            target.update("")
            return
        if query is None:
            what = "pattern" if self.toll_free else "area code"
            target.update(
                Text(f"Enter a valid {what} and quantity to see what is on offer.", style="dim")
            )
        elif query == self._pending_search:
            target.update(Text(f"Searching {self._where(query)}…", style="dim"))
        elif self.searched == query and self.available is not None:
            kind, value, quantity = query
            if not self.available:
                target.update(
                    Text(
                        f"No toll-free numbers match {value} right now: try 8**."
                        if kind == TOLL_FREE
                        else f"No numbers are available in area code {value} right now: try a "
                        "neighbouring area code.",
                        style="bold red",
                    )
                )
            else:
                text = Text()
                shown = [display(n) for n in self.available]
                text.append("  " + "   ".join(shown))
                if len(self.available) < quantity:
                    text.append(
                        f"\nOnly {len(self.available)} of {quantity} available: the order may "
                        "end PARTIAL.",
                        style="yellow",
                    )
                what = "pattern" if kind == TOLL_FREE else "area code"
                text.append(
                    f"\nThe order asks for any numbers matching the {what}; these show what is "
                    "on offer now.",
                    style="dim",
                )
                target.update(text)
        else:
            target.update(Text(f"Searching {self._where(query)}…", style="dim"))
        self.refresh_state()

    # -- the step ----------------------------------------------------------------------------

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        query = self._query()
        return (
            query is not None
            and self.searched == query
            and bool(self.available)
            and self._pending_search is None
        )

    def not_ready(self) -> str:
        query = self._query()
        if query is not None and self.searched == query and not self.available:
            if query[0] == TOLL_FREE:
                return f"No toll-free numbers match {query[1]}: try 8**."
            return f"No numbers are available in area code {query[1]}: try another area code."
        return "Wait for the search to show the numbers on offer."

    def fill_inputs(self, inputs: SetupInputs) -> None:
        query = self._query()
        if query is None:
            inputs.area_code, inputs.toll_free_pattern, inputs.quantity = "", None, 1
            return
        kind, value, inputs.quantity = query
        if kind == TOLL_FREE:
            inputs.toll_free_pattern = value
        else:
            inputs.area_code, inputs.toll_free_pattern = value, None

    def refresh_state(self) -> None:
        super().refresh_state()
        if not self.ui_ready:
            return
        again = self.query_one("#order-again", Button)
        again.display = self.steps_done()
        again.disabled = self._step_running
        fit_buttons(self)

    def done_lines(self) -> list[str]:
        lines = super().done_lines()
        data = self.ctx.data(StepId.ORDER)
        if data:
            where = (
                f"toll-free pattern {data.get('toll_free_pattern')}"
                if data.get("toll_free_pattern")
                else f"area code {data.get('area_code')}"
            )
            lines.append(
                f"  {where}, quantity {data.get('quantity')}: "
                "the next step watches the order until its numbers are ready."
            )
            lines.append("  “Order again” sets this order aside and places a new one.")
        return lines

    # -- events ------------------------------------------------------------------------------

    @on(Input.Changed, "#area-code, #pattern, #quantity")
    def _query_changed(self, event: Input.Changed) -> None:
        self._schedule_search()
        self._show_available()

    @on(RadioSet.Changed, "#number-kind")
    def _kind_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._show_kind()
        self._schedule_search(immediately=True)
        self._show_available()

    @on(Button.Pressed, "#order-again")
    def _order_again(self, event: Button.Pressed) -> None:
        event.stop()
        if self._step_running:
            return
        forget_order(self.ctx)
        self.available = None
        self.searched = None
        self.wizard.post_message(ProgressChanged())
        self.refresh_state()
        self._schedule_search(immediately=True)
        self.query_one("#pattern" if self.toll_free else "#area-code", Input).focus()
