"""The engine: runs the registry's steps against one pair of clients and one progress book.

Each step can tell whether it is already done (from saved progress, confirmed against the API),
does its work, records what it created and reports events. Nothing is created twice: every
create first looks for what an earlier attempt may have made, because a POST whose answer was
lost may still have taken effect on Bandwidth's side.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from wizard.core.errors import Kind, WizardError
from wizard.engine.book import ProgressBook
from wizard.engine.events import Event, EventSink, RequestSent, StepDone, StepFailed, StepStarted
from wizard.engine.inputs import SetupInputs
from wizard.engine.polling import PollSchedule
from wizard.engine.registry import ORDER_OF_STEPS, STEP_BY_ID
from wizard.engine.step import StepId

if TYPE_CHECKING:
    from wizard.bandwidth.auth import TokenClaims
    from wizard.bandwidth.dashboard import DashboardClient
    from wizard.bandwidth.messaging import MessagingClient
    from wizard.bandwidth.platform import PlatformClient


class Engine:
    """Runs steps, records what they did, and reports every event to its sinks."""

    def __init__(
        self,
        dashboard: DashboardClient,
        messaging: MessagingClient | None,
        progress: ProgressBook,
        *,
        platform: PlatformClient | None = None,
        claims: TokenClaims | None = None,
        on_event: EventSink | None = None,
        poll: PollSchedule | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dashboard = dashboard
        self.messaging = messaging
        self.platform = platform
        self.claims = claims
        """What the signed-in API Credential may do (accounts, roles, Build trial)."""
        self.progress = progress
        self._sinks: list[EventSink] = [on_event] if on_event else []
        self.poll = poll or PollSchedule()
        self.sleep = sleep
        self.clock = clock
        self._current: StepId | None = None

    # -- events ----------------------------------------------------------------------------

    def subscribe(self, sink: EventSink) -> None:
        self._sinks.append(sink)

    def emit(self, event: Event) -> None:
        for sink in list(self._sinks):
            sink(event)

    def request_hook(self, info: Any) -> None:
        """Given to the clients as `on_request`, so every request becomes a RequestSent event."""
        self.emit(RequestSent(self._current, info.method, info.url, info.body))

    # -- what steps use --------------------------------------------------------------------

    def recorded(self, step: StepId) -> Mapping[str, Any] | None:
        return self.progress.get(step)

    def data(self, step: StepId) -> Mapping[str, Any]:
        """What an earlier step recorded; a plain WizardError when that step is not done yet."""
        recorded = self.progress.get(step)
        if not recorded:
            title = STEP_BY_ID[step].title
            raise WizardError(
                f"The step “{title}” has not been done yet.",
                f"Run “{title}” first.",
                kind=Kind.NOT_DONE,
            )
        return recorded

    def save(self, step: StepId, data: Mapping[str, Any] | None) -> None:
        if data:
            self.progress.record(step, data)
        else:
            self.progress.forget(step)

    # -- state -----------------------------------------------------------------------------

    async def check(self, step_id: StepId) -> Mapping[str, Any] | None:
        """What the step recorded, if it is still true on Bandwidth's side; None otherwise."""
        recorded = self.progress.get(step_id)
        if not recorded:
            return None
        step = STEP_BY_ID[step_id]
        if not step.ready_to_check(recorded):
            return None
        try:
            still_true = await step.check(self, recorded)
        except WizardError as error:
            if error.kind is Kind.NOT_DONE:
                return None  # an earlier step is missing, so this one cannot be confirmed
            if error.kind is not Kind.NOT_FOUND:
                raise
            still_true = False
        if not still_true:
            self.progress.forget(step_id)
            return None
        return recorded

    async def first_pending(self) -> StepId | None:
        """The first step not done, checking recorded ids against the API in order."""
        for step in ORDER_OF_STEPS:
            if await self.check(step) is None:
                return step
        return None

    # -- running ---------------------------------------------------------------------------

    async def run_step(
        self, step_id: StepId, inputs: SetupInputs, *, reuse: bool = True
    ) -> Mapping[str, Any]:
        """Run one step (or confirm it is done), record it, and report it.

        `reuse=False` does the work even when it is already done: the send screen uses it to
        send another message on purpose; every other step is idempotent either way.
        """
        step = STEP_BY_ID[step_id]
        self._current = step_id
        self.emit(StepStarted(step_id))
        try:
            existing = await self.check(step_id) if reuse else None
            if existing is not None:
                self.emit(StepDone(step_id, step.summary(existing), existing, reused=True))
                return existing
            data = await step.run(self, inputs, deliberate=not reuse)
            self.progress.record(step_id, data)
            self.emit(StepDone(step_id, step.summary(data), data))
            return data
        except WizardError as error:
            fields = tuple(getattr(error, "field_errors", ()))
            self.emit(StepFailed(step_id, error.message, error.hint, error.kind, fields))
            raise
        finally:
            self._current = None

    async def run_all(
        self, inputs: SetupInputs, *, until: StepId | None = None
    ) -> dict[StepId, Mapping[str, Any]]:
        """Every step in order (skipping what is done), stopping after `until` if given."""
        results: dict[StepId, Mapping[str, Any]] = {}
        for step in ORDER_OF_STEPS:
            results[step] = await self.run_step(step, inputs)
            if step is until:
                break
        return results
