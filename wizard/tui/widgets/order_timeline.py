"""The order's life as a timeline: RECEIVED, PROCESSING, then COMPLETE, PARTIAL, FAILED or
BACKORDERED, each with the elapsed time at which the wizard saw it.

Orders complete asynchronously and PARTIAL/FAILED come back as HTTP 200, so a person waiting on
one needs three things the raw status does not give: that something is still happening (the
next-poll line), what is already usable (numbers listed as they complete) and, when it ends
badly, what to do next. The widget only draws what it is told (engine events), so a scene can
feed it fixed elapsed times and render the same picture every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from wizard.core.phone import display

FINAL_STATUSES = ("COMPLETE", "PARTIAL", "FAILED", "BACKORDERED")
"""Statuses after which the engine stops polling."""

STAGES = ("RECEIVED", "PROCESSING")
"""The statuses every order passes through before its final one."""

STATUS_MEANING: dict[str, str] = {
    "RECEIVED": "Bandwidth accepted the order.",
    "PROCESSING": "Bandwidth is reserving the numbers.",
    "COMPLETE": "Every number is on your location.",
    "PARTIAL": "Some numbers were added, others failed.",
    "FAILED": "No number could be added.",
    "BACKORDERED": "No numbers are free yet; Bandwidth may fill it later.",
}
"""One short clause per status, shown beside it in the timeline."""

NEXT_STEP: dict[str, str] = {
    "COMPLETE": "Next: send a first message from one of these numbers.",
    "PARTIAL": (
        "You can go on with the numbers that were added; the failed ones were not ordered. "
        "To get more, go back to Order numbers and try another area code."
    ),
    "FAILED": (
        "Nothing was added to your location. Go back to Order numbers and try another area "
        "code or a smaller quantity; if it fails again, Bandwidth support can tell why."
    ),
    "BACKORDERED": (
        "Bandwidth has no numbers free in this area code. The order stays open and may fill "
        "later, but there is nothing to send from yet: go back to Order numbers and order in "
        "another area code."
    ),
    "TIMEOUT": (
        "The order keeps going on Bandwidth's side. Press Retry to keep watching it; the wizard "
        "finds the same order again, it never orders twice."
    ),
}
"""What to do once the order reached a final status (or the wizard stopped watching)."""

_STAGE_WIDTH = 12
_ROW_WIDTH = 4 + _STAGE_WIDTH + 10
"""Icon, status and elapsed time: what a timeline row needs before its explanation."""


def _last_ten(number: str) -> str:
    """The national part of a US number, so 2225550101 and +12225550101 match."""
    return "".join(ch for ch in str(number) if ch.isdigit())[-10:]


def format_elapsed(seconds: float) -> str:
    """0.4 s, 12.0 s, 2 m 05 s: tenths while short, whole seconds once minutes count."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} m {rest:02d} s"


@dataclass(frozen=True)
class Stage:
    """A status the wizard saw, and when (seconds since it started watching)."""

    status: str
    elapsed: float | None
    """None for a status known only from the order's creation or implied by a later one."""


class OrderTimeline(Vertical):
    """Status timeline, progress bar, next-poll line, numbers and the outcome's explanation."""

    MEANING: dict[str, str] = STATUS_MEANING
    """The clause beside each status (a subclass watching another kind of order has its own)."""
    DONE_TITLE = "Numbers ready"
    FAILED_TITLE = "Numbers that failed"

    DEFAULT_CSS = """
    OrderTimeline {
        height: auto;
        padding: 0 0;
    }
    OrderTimeline #timeline-heading { text-style: bold; height: auto; }
    OrderTimeline #timeline-stages { height: auto; margin: 1 0 0 0; }
    OrderTimeline #timeline-progress { height: 1; margin: 0 0 0 2; }
    OrderTimeline #timeline-progress Bar { width: 30; }
    OrderTimeline #timeline-poll { color: $text-muted; height: auto; margin: 0 0 0 2; }
    OrderTimeline #timeline-numbers { height: auto; margin: 1 0 0 0; }
    OrderTimeline #timeline-outcome {
        height: auto;
        display: none;
        border-left: thick $success;
        padding: 0 1;
        margin: 1 0 0 0;
    }
    OrderTimeline #timeline-outcome.-bad { border-left: thick $error; }
    OrderTimeline #timeline-outcome.-mixed { border-left: thick $warning; }
    """

    def __init__(
        self,
        *,
        order_id: str | None = None,
        area_code: str | None = None,
        quantity: int | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.order_id = order_id
        """The order being watched (shown in the heading)."""
        self.area_code = area_code
        self.pattern: str | None = None
        """The toll-free pattern ordered by, instead of an area code."""
        self.quantity = quantity
        self.stages: list[Stage] = []
        """Statuses in the order they were seen, each once."""
        self.completed: tuple[str, ...] = ()
        """Numbers the order has added so far."""
        self.failed_numbers: tuple[str, ...] = ()
        self.failure_reasons: dict[str, str] = {}
        """Last ten digits of a failed number -> "code description", as the order said."""
        self.polls = 0
        """How many times the engine asked for the order's status."""
        self.next_poll: float | None = None
        self.watching = False
        """True between the first poll and a final status (or a failure)."""
        self.problem: tuple[str, str, str] | None = None
        """(message, hint, kind) of the step's failure, when it failed."""

    def compose(self) -> ComposeResult:
        yield Static(id="timeline-heading", markup=False)
        yield Static(id="timeline-stages", markup=False)
        yield ProgressBar(total=3, show_eta=False, show_percentage=False, id="timeline-progress")
        yield Static(id="timeline-poll", markup=False)
        yield Static(id="timeline-numbers", markup=False)
        yield Static(id="timeline-outcome", markup=False)

    def on_mount(self) -> None:
        self._render_all()

    def on_resize(self) -> None:
        self._render_all()  # the explanations beside each status come and go with the width

    # -- feeding -----------------------------------------------------------------------------

    def start(
        self,
        order_id: str | None,
        *,
        status: str | None = "RECEIVED",
        area_code: str | None = None,
        quantity: int | None = None,
        pattern: str | None = None,
    ) -> None:
        """Begin (or begin again) with what the Order step recorded; keeps nothing from before."""
        self.order_id = order_id
        self.pattern = pattern
        self.area_code = None if pattern else (area_code or self.area_code)
        self.quantity = quantity or self.quantity
        self.stages = [Stage(status, None)] if status else []
        self.completed = ()
        self.failed_numbers = ()
        self.failure_reasons = {}
        self.polls = 0
        self.next_poll = None
        self.watching = True
        self.problem = None
        self._render_all()

    def show_result(
        self,
        order_id: str | None,
        status: str,
        completed: Iterable[str] = (),
        failed: Iterable[str] = (),
        *,
        area_code: str | None = None,
        quantity: int | None = None,
        pattern: str | None = None,
        reasons: Iterable[tuple[str, str]] = (),
    ) -> None:
        """A result recorded by an earlier run: the final status, without elapsed times."""
        self.start(order_id, status=None, area_code=area_code, quantity=quantity, pattern=pattern)
        self.stages = [Stage(status, None)]
        self.completed = tuple(completed)
        self.failed_numbers = tuple(failed)
        self._note_reasons(reasons)
        self.watching = False
        self._render_all()

    def status_changed(
        self,
        status: str,
        elapsed: float,
        completed: Iterable[str] = (),
        failed: Iterable[str] = (),
        *,
        order_id: str | None = None,
        reasons: Iterable[tuple[str, str]] = (),
    ) -> None:
        """The engine saw a new status (or new numbers): add it to the timeline."""
        self.order_id = order_id or self.order_id
        self.watching = status not in FINAL_STATUSES
        existing = [stage.status for stage in self.stages]
        if status in existing:
            index = existing.index(status)
            if self.stages[index].elapsed is None:
                self.stages[index] = Stage(status, elapsed)
        else:
            self.stages.append(Stage(status, elapsed))
        self.completed = tuple(completed)
        self.failed_numbers = tuple(failed)
        self._note_reasons(reasons)
        self._render_all()

    def _note_reasons(self, reasons: Iterable[tuple[str, str]]) -> None:
        for number, reason in reasons:
            self.failure_reasons[_last_ten(number)] = reason

    def polled(self, status: str, elapsed: float, next_poll: float | None) -> None:
        """Every poll, changed or not: drives the 'checked N times, next in X s' line."""
        self.polls += 1
        self.next_poll = next_poll
        if next_poll is None:
            self.watching = False
        self._render_all()

    def failed(self, message: str, hint: str, kind: str) -> None:
        """The Wait step stopped with an error (order FAILED/BACKORDERED, timeout, network)."""
        self.problem = (message, hint, kind)
        self.watching = False
        self._render_all()

    # -- state for screens and tests --------------------------------------------------------

    @property
    def status(self) -> str | None:
        """The latest status seen."""
        return self.stages[-1].status if self.stages else None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    # -- drawing -----------------------------------------------------------------------------

    def _render_all(self) -> None:
        if not self.is_mounted:
            return
        self.query_one("#timeline-heading", Static).update(self._heading())
        self.query_one("#timeline-stages", Static).update(self._stages_text())
        bar = self.query_one("#timeline-progress", ProgressBar)
        bar.update(progress=self._progress())
        poll_line = self._poll_line()
        poll = self.query_one("#timeline-poll", Static)
        poll.update(poll_line)
        poll.display = bool(poll_line)
        numbers = self._numbers_text()
        numbers_widget = self.query_one("#timeline-numbers", Static)
        numbers_widget.update(numbers)
        numbers_widget.display = bool(numbers.plain)
        outcome = self.query_one("#timeline-outcome", Static)
        text, tone = self._outcome()
        outcome.update(text)
        outcome.display = bool(text)
        outcome.set_class(tone == "bad", "-bad")
        outcome.set_class(tone == "mixed", "-mixed")

    def _heading(self) -> str:
        if not self.order_id:
            return "No order yet: place one on the Order numbers step."
        parts = [f"Order {self.order_id}"]
        if self.pattern:
            parts.append(f"toll-free {self.pattern}")
        elif self.area_code:
            parts.append(f"area code {self.area_code}")
        if self.quantity:
            parts.append(f"{self.quantity} number" + ("s" if self.quantity != 1 else ""))
        return "  ·  ".join(parts)

    def _progress(self) -> float:
        status = self.status
        if status in FINAL_STATUSES:
            return 3
        if status == "PROCESSING":
            return 2
        return 1 if status else 0

    def _stages_text(self) -> Text:
        seen = {stage.status: stage for stage in self.stages}
        final = next((s for s in self.stages if s.status in FINAL_STATUSES), None)
        rows: list[tuple[str, Stage | None]] = [(name, seen.get(name)) for name in STAGES]
        rows += [(s.status, s) for s in self.stages if s.status not in (*STAGES, *FINAL_STATUSES)]
        rows.append((final.status if final else "COMPLETE", final))
        text = Text()
        later_seen = False
        for index in range(len(rows) - 1, -1, -1):
            if rows[index][1] is not None:
                later_seen = True
            elif later_seen:
                # A status skipped between two polls still happened: mark it passed.
                rows[index] = (rows[index][0], Stage(rows[index][0], None))
        current = self.status
        width = self.content_size.width or 200
        for index, (name, stage) in enumerate(rows):
            if index:
                text.append("\n")
            if stage is None:
                text.append("  ○ ", style="dim")
                text.append(name.ljust(_STAGE_WIDTH), style="dim")
                text.append("  waiting", style="dim")
                continue
            icon, style = self._icon(name, current)
            text.append(f"  {icon} ", style=style)
            text.append(name.ljust(_STAGE_WIDTH), style=f"bold {style}".strip())
            shown = format_elapsed(stage.elapsed) if stage.elapsed is not None else "—"
            text.append(f"  {shown:>8}")
            meaning = self.MEANING.get(name, "")
            if meaning and _ROW_WIDTH + 2 + len(meaning) <= width:
                text.append(f"  {meaning}", style="dim")  # only when it fits on the row
        return text

    def _icon(self, name: str, current: str | None) -> tuple[str, str]:
        if name == "COMPLETE":
            return "✓", "green"
        if name == "PARTIAL":
            return "◐", "yellow"
        if name in ("FAILED", "BACKORDERED"):
            return "✗", "red"
        if name == current and self.watching:
            return "●", "cyan"
        return "✓", "green"

    def _poll_line(self) -> str:
        if not self.polls:
            return "Waiting for the first status check…" if self.watching else ""
        times = "once" if self.polls == 1 else f"{self.polls} times"
        if self.status == "BACKORDERED" and not self.watching:
            # Not "final": a backorder may still fill, only not while anyone waits here.
            return (
                f"Checked {times}; the wizard stopped checking: a backorder fills on "
                "Bandwidth's schedule (hours or days), if at all."
            )
        if self.next_poll is None or not self.watching:
            return f"Checked {times}; the status is final, no more checks."
        return f"Checked {times}; next check in {self.next_poll:.1f} s."

    def _numbers_text(self) -> Text:
        text = Text()
        if self.completed:
            text.append(self.DONE_TITLE, style="bold")
            text.append(f" ({len(self.completed)})\n")
            text.append("\n".join(f"  ✓ {display(n)}" for n in self.completed))
        if self.failed_numbers:
            if self.completed:
                text.append("\n")
            text.append(self.FAILED_TITLE, style="bold")
            text.append(f" ({len(self.failed_numbers)})\n")
            for index, number in enumerate(self.failed_numbers):
                if index:
                    text.append("\n")
                text.append(f"  ✗ {display(number)}", style="red")
                reason = self.failure_reasons.get(_last_ten(number))
                if reason:
                    text.append(f"  {reason}")
        return text

    def _outcome(self) -> tuple[str, str]:
        status = self.status
        if self.problem is not None:
            # The screen's error panel shows the API's own reasons; this says what it means.
            _message, hint, kind = self.problem
            if kind == "timeout":
                stopped = f"Stopped watching: the order is still {status}."
                return f"{stopped}\n{NEXT_STEP['TIMEOUT']}", "bad"
            if status == "PARTIAL" and not self.completed:
                return f"The order is PARTIAL with no number added.\n{NEXT_STEP['FAILED']}", "bad"
            if status in ("FAILED", "BACKORDERED"):
                meaning = STATUS_MEANING[status][0].lower() + STATUS_MEANING[status][1:]
                return f"The order is {status}: {meaning}\n{NEXT_STEP[status]}", "bad"
            return f"Could not check the order.\n{hint}".strip(), "bad"
        if status == "COMPLETE":
            count = len(self.completed)
            noun = "number is" if count == 1 else "numbers are"
            return f"The order is COMPLETE: {count} {noun} ready.\n{NEXT_STEP['COMPLETE']}", "ok"
        if status == "PARTIAL":
            return (
                f"The order is PARTIAL: {len(self.completed)} added, "
                f"{len(self.failed_numbers)} failed.\n{NEXT_STEP['PARTIAL']}",
                "mixed",
            )
        if status in ("FAILED", "BACKORDERED"):
            return f"The order is {status}.\n{NEXT_STEP[status]}", "bad"
        return "", ""
