"""What the engine reports while it works; the screens and `apply` consume the same events, so
they can never disagree about what happened."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wizard.core.errors import Kind
from wizard.engine.step import StepId


@dataclass(frozen=True)
class StepStarted:
    step: StepId


@dataclass(frozen=True)
class RequestSent:
    step: StepId | None
    method: str
    url: str
    body: str | None
    """Already masked by the client: callback passwords never reach an event."""


@dataclass(frozen=True)
class OrderStatusChanged:
    step: StepId
    order_id: str
    status: str
    elapsed: float
    completed_numbers: tuple[str, ...]
    failed_numbers: tuple[str, ...]
    next_poll: float | None
    """Seconds until the next poll, or None when the status is final."""
    failure_reasons: tuple[tuple[str, str], ...] = ()
    """(number, "code description") for each failed number the order explains."""


@dataclass(frozen=True)
class OrderPolled:
    """Every poll, even when nothing changed, so a screen can show 'next poll in 2 s'."""

    step: StepId
    order_id: str
    status: str
    elapsed: float
    next_poll: float | None


@dataclass(frozen=True)
class StepDone:
    step: StepId
    summary: str
    data: Mapping[str, Any]
    reused: bool = False
    """True when the step was found already done (from progress or the API) and nothing was sent."""


@dataclass(frozen=True)
class StepFailed:
    step: StepId
    message: str
    hint: str
    kind: Kind
    field_errors: tuple[Any, ...] = ()
    """The API's per-field problems (each with `field` and `description`), so a form can put
    each one under its input."""


Event = StepStarted | RequestSent | OrderStatusChanged | OrderPolled | StepDone | StepFailed
EventSink = Callable[[Event], None]
