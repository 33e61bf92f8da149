"""Textual messages that carry the engine's events (and the receiver's callbacks) to screens.

The engine reports through a plain callback; screens react to Textual messages. Wrapping each
event in a message keeps the two worlds apart: a worker posts, the screen's handler runs on the
screen's own message queue, so a handler can touch widgets safely and the worker never waits on
the UI.

What each carries:

- ``EngineEvent(event)``: one of steps.Event (StepStarted, RequestSent, OrderStatusChanged,
  OrderPolled, StepDone, StepFailed). Handle with ``on_engine_event`` or
  ``@on(EngineEvent)``; ``message.event`` is the engine's frozen dataclass, ``message.step``
  its StepId (None for a RequestSent outside a step).
- ``CallbackArrived(event)``: one event from the callback receiver (``wizard.callbacks``), posted
  by the session's listeners registered with ``ctx.add_callback_listener``.
- ``ProgressChanged()``: something was done, forgotten or started over; sidebars redraw.
- ``ContextReady(error)``: the app finished starting (sandbox, receiver, resume check);
  ``error`` is a plain sentence when starting failed, else None.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from wizard.engine.events import Event
from wizard.engine.step import StepId


class EngineEvent(Message):
    """An engine event, posted from the worker running the step."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event: Event = event
        """The engine's event, unchanged (already free of secrets)."""

    @property
    def step(self) -> StepId | None:
        """The step the event belongs to."""
        return getattr(self.event, "step", None)


class CallbackArrived(Message):
    """One event the callback receiver accepted (after de-duplication)."""

    def __init__(self, event: Any) -> None:
        super().__init__()
        self.event: Any = event
        """The receiver's event object, as ``wizard.callbacks`` defines it."""


class ProgressChanged(Message):
    """Recorded progress changed; widgets that show it (the sidebar) redraw."""


class ContextReady(Message):
    """Start-up finished; `error` says in a sentence why it failed, if it did."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error: str | None = error
        """None on success; otherwise a plain sentence for the person (never a traceback)."""
