"""What a step of the guide is: a stable id, words for the screens, how to tell it is done, how to
do it, and what it records.

Each step lives in its own module under `wizard.engine.steps` as one `Step` subclass; the registry
(`wizard.engine.registry`) puts them in the guide's order. The engine calls `check` and `run`
through the step object, so everything about a step is found by opening its module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:  # the clients (and httpx under them) load when a connection is built
    from wizard.bandwidth.auth import TokenClaims
    from wizard.bandwidth.dashboard import DashboardClient
    from wizard.bandwidth.messaging import MessagingClient
    from wizard.bandwidth.platform import PlatformClient
    from wizard.engine.events import Event
    from wizard.engine.inputs import SetupInputs
    from wizard.engine.plan import Plan, PlannedRequest
    from wizard.engine.polling import PollSchedule


class StepId(StrEnum):
    """Stable names: they key the progress file, so renaming one orphans saved progress."""

    VERIFY = "verify-credentials"
    SUBACCOUNT = "choose-subaccount"
    APPLICATION = "create-application"
    LOCATION = "create-location"
    SMS = "enable-sms"
    MMS = "enable-mms"
    ASSIGN = "assign-application"
    ORDER = "order-numbers"
    WAIT_ORDER = "wait-for-order"
    READY = "ready-to-send"
    SEND = "send-message"


class StepContext(Protocol):
    """What a step may use of the engine that runs it."""

    dashboard: DashboardClient
    messaging: MessagingClient | None
    platform: PlatformClient | None
    """The JSON platform APIs (10DLC campaigns, toll-free verification)."""
    claims: TokenClaims | None
    """The signed-in API Credential's accounts, roles and Build-trial flag."""
    poll: PollSchedule

    def data(self, step: StepId) -> Mapping[str, Any]:
        """What an earlier step recorded; a WizardError (kind not_done) when it has not run."""

    def recorded(self, step: StepId) -> Mapping[str, Any] | None:
        """What the step recorded so far (a marker saved before a create), or None."""

    def save(self, step: StepId, data: Mapping[str, Any] | None) -> None:
        """Record (or with None forget) now, before the next request: a marker that must be on
        disk before a create is sent."""

    def emit(self, event: Event) -> None: ...

    @property
    def sleep(self) -> Callable[[float], Awaitable[None]]: ...

    @property
    def clock(self) -> Callable[[], float]: ...


class Step:
    """One step of the guide. Subclasses set the class variables and override what they do."""

    id: ClassVar[StepId]
    title: ClassVar[str]
    """Short name for the sidebar, headings and `apply`'s lines."""
    why: ClassVar[str]
    """One line for the screen: what this step does and why the guide needs it."""
    page: ClassVar[str]
    """The screen page that shows it (SMS and MMS share one)."""
    page_title: ClassVar[str] = ""
    """The page's title when it differs from the step's (a page with several steps)."""
    screen: ClassVar[str]
    """``module:Class`` of the screen, imported when the page is first opened."""
    shown_id: ClassVar[tuple[str, str]] = ("", "")
    """(recorded key, short label) of the id worth showing under a done step in the sidebar."""
    created: ClassVar[tuple[str, ...]] = ()
    """Recorded keys naming something that now exists on the account (printed on failure)."""

    def ready_to_check(self, recorded: Mapping[str, Any]) -> bool:
        """False when what was recorded is only a marker (saved before a create whose answer
        never came): then `run` looks it up instead of `check` confirming it."""
        return True

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        """True when what the step recorded is still true on Bandwidth's side."""
        return True

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        """Do the step (or find it done) and return what to record.

        `deliberate` is a person asking for the work again on purpose (another message);
        steps that are idempotent ignore it.
        """
        raise NotImplementedError

    def summary(self, data: Mapping[str, Any]) -> str:
        """A short line saying what exists now, for the sidebar and `apply`'s output."""
        return ""

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        """The requests the step would send for the inputs in `plan` (the screen's preview)."""
        return []

    def __repr__(self) -> str:
        return f"<step {self.id.value}>"
