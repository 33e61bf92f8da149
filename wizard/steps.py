"""The guide's steps, in the guide's order, as one engine shared by the screens and `apply`.

Each step can tell whether it is already done (from saved progress, confirmed against the API),
does its work, records what it created and reports events. The screens and the headless mode
consume the same events, so they can never disagree about what happened.

Nothing is created twice: every create first looks for what an earlier attempt may have made
(application by name, location by name, order by CustomerOrderId), because a POST whose answer was
lost may still have taken effect on Bandwidth's side.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from wizard.bandwidth.errors import BandwidthError, printable

if TYPE_CHECKING:  # the clients (and httpx under them) load when a connection is built
    from wizard.bandwidth.dashboard import DashboardClient
    from wizard.bandwidth.messaging import ListedMessage, MessagingClient
    from wizard.bandwidth.models import Order


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
    SEND = "send-message"


@dataclass(frozen=True)
class StepInfo:
    id: StepId
    title: str
    why: str
    """One line for the screen: what this step does and why the guide needs it."""


STEPS: tuple[StepInfo, ...] = (
    StepInfo(
        StepId.VERIFY,
        "Verify credentials",
        "Checks that the account id and API credentials work before anything is created.",
    ),
    StepInfo(
        StepId.SUBACCOUNT,
        "Sub-account",
        "Numbers and locations live in a sub-account (site): pick one or create one.",
    ),
    StepInfo(
        StepId.APPLICATION,
        "Application",
        "The application holds the URL Bandwidth sends every message event to.",
    ),
    StepInfo(
        StepId.LOCATION,
        "Location",
        "A location (SIP peer) groups phone numbers inside the sub-account.",
    ),
    StepInfo(
        StepId.SMS,
        "Enable SMS",
        "Messaging 2.0 needs SMS switched on for the location, over HTTP.",
    ),
    StepInfo(
        StepId.MMS,
        "Enable MMS",
        "MMS lets the numbers send and receive pictures and other media.",
    ),
    StepInfo(
        StepId.ASSIGN,
        "Assign application",
        "Links the application to the location, so its numbers report to your callback URL.",
    ),
    StepInfo(
        StepId.ORDER,
        "Order numbers",
        "Orders phone numbers in an area code onto the location.",
    ),
    StepInfo(
        StepId.WAIT_ORDER,
        "Order status",
        "Orders complete asynchronously: this watches the order until its numbers are ready.",
    ),
    StepInfo(
        StepId.SEND,
        "Send a message",
        "Sends a text from a new number; the callbacks tell whether it was delivered.",
    ),
)

STEP_INFO: dict[StepId, StepInfo] = {info.id: info for info in STEPS}
ORDER_OF_STEPS: tuple[StepId, ...] = tuple(info.id for info in STEPS)


# --------------------------------------------------------------------------------------------
# Inputs


@dataclass
class SetupInputs:
    """What a person (or a config file) decides; everything else the engine derives."""

    site_id: str | None = None
    """An existing sub-account to use; when None, `new_site_name` is found or created."""
    new_site_name: str | None = None
    application_name: str = "bw-wizard"
    callback_url: str = ""
    callback_user: str | None = None
    callback_password: str | None = field(default=None, repr=False)
    """Secret: sent to Bandwidth once, kept in the keyring, never in progress or settings."""
    location_name: str = "bw-wizard"
    default_location: bool = True
    toll_free: bool = True
    short_code: bool = True
    area_code: str = "919"
    quantity: int = 1
    order_timeout: float = 600.0
    """Seconds to watch an order before giving up (the order keeps going on Bandwidth's side)."""
    message_from: str | None = None
    """One of the ordered numbers; the first completed number when None."""
    message_to: Sequence[str] = ()
    message_text: str = ""
    media: Sequence[str] = ()
    tag: str | None = None
    priority: str | None = None


# --------------------------------------------------------------------------------------------
# Events


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
    kind: str
    """The error's kind (auth, not_found, conflict, rate_limited, timeout, order_failed, ...)."""


Event = StepStarted | RequestSent | OrderStatusChanged | OrderPolled | StepDone | StepFailed
EventSink = Callable[[Event], None]


class StepError(Exception):
    """A step could not finish for a reason that is not an HTTP error (order FAILED, timeout...)."""

    def __init__(self, message: str, hint: str, kind: str = "general") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.kind = kind

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


# --------------------------------------------------------------------------------------------
# Progress seen by the engine


class ProgressBook:
    """The engine's view of saved progress: a dict per step, saved after every change.

    Kept as a protocol-like small class so the engine does not depend on the file format;
    `wizard.progress` provides the persistent implementation.
    """

    def get(self, step: StepId) -> Mapping[str, Any] | None:  # pragma: no cover - interface
        raise NotImplementedError

    def record(self, step: StepId, data: Mapping[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError

    def forget(self, step: StepId) -> None:  # pragma: no cover
        raise NotImplementedError


class MemoryProgress(ProgressBook):
    """Progress that lives only as long as the process (tests, one-off sandbox runs)."""

    def __init__(self) -> None:
        self.steps: dict[str, dict[str, Any]] = {}

    def get(self, step: StepId) -> Mapping[str, Any] | None:
        return self.steps.get(str(step))

    def record(self, step: StepId, data: Mapping[str, Any]) -> None:
        self.steps[str(step)] = dict(data)

    def forget(self, step: StepId) -> None:
        self.steps.pop(str(step), None)


# --------------------------------------------------------------------------------------------
# Polling


@dataclass(frozen=True)
class PollSchedule:
    """Fast at first (most orders finish in seconds), then backing off so a slow order does not
    burn the account's ~100 order calls a minute."""

    first: float = 0.5
    factor: float = 1.5
    cap: float = 5.0

    def intervals(self) -> Any:
        interval = self.first
        while True:
            yield interval
            interval = min(self.cap, interval * self.factor)


FINAL_ORDER_STATUSES = frozenset({"COMPLETE", "PARTIAL", "FAILED", "BACKORDERED"})
USABLE_ORDER_STATUSES = frozenset({"COMPLETE", "PARTIAL"})


# --------------------------------------------------------------------------------------------
# The engine


class Engine:
    """Runs the steps against one pair of clients and one progress book."""

    def __init__(
        self,
        dashboard: DashboardClient,
        messaging: MessagingClient | None,
        progress: ProgressBook,
        *,
        on_event: EventSink | None = None,
        poll: PollSchedule | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dashboard = dashboard
        self.messaging = messaging
        self.progress = progress
        self._sinks: list[EventSink] = [on_event] if on_event else []
        self.poll = poll or PollSchedule()
        self._sleep = sleep
        self._clock = clock
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

    # -- state -----------------------------------------------------------------------------

    def data(self, step: StepId) -> Mapping[str, Any]:
        """What an earlier step recorded; a plain StepError when that step is not done yet."""
        recorded = self.progress.get(step)
        if not recorded:
            info = STEP_INFO[step]
            raise StepError(
                f"The step “{info.title}” has not been done yet.",
                f"Run “{info.title}” first.",
                kind="order",
            )
        return recorded

    async def check(self, step: StepId) -> Mapping[str, Any] | None:
        """What the step recorded, if it is still true on Bandwidth's side; None otherwise."""
        recorded = self.progress.get(step)
        if not recorded:
            return None
        if step is StepId.ORDER and not recorded.get("order_id"):
            return None  # only the reference saved before the POST: the run step looks it up
        if step is StepId.SEND and recorded.get(SENDING_KEY) and not recorded.get("messages"):
            return None  # a send whose answer never came: the run step looks it up
        checker = getattr(self, f"_check_{step.name.lower()}")
        try:
            still_true = await checker(recorded)
        except StepError:
            return None  # an earlier step is missing, so this one cannot be confirmed
        except BandwidthError as error:
            if error.kind == "not_found":
                still_true = False
            else:
                raise
        if not still_true:
            self.progress.forget(step)
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
        self, step: StepId, inputs: SetupInputs, *, reuse: bool = True
    ) -> Mapping[str, Any]:
        """Run one step (or confirm it is done), record it, and report it.

        `reuse=False` does the work even when it is already done: the send screen uses it to
        send another message; every other step is idempotent either way.
        """
        self._current = step
        self.emit(StepStarted(step))
        try:
            existing = await self.check(step) if reuse else None
            if existing is not None:
                self.emit(StepDone(step, _summary(step, existing), existing, reused=True))
                return existing
            if step is StepId.SEND:
                data = await self._run_send(inputs, deliberate=not reuse)
            else:
                data = await getattr(self, f"_run_{step.name.lower()}")(inputs)
            self.progress.record(step, data)
            self.emit(StepDone(step, _summary(step, data), data))
            return data
        except BandwidthError as error:
            self.emit(StepFailed(step, error.description, error.hint, error.kind))
            raise
        except StepError as error:
            self.emit(StepFailed(step, error.message, error.hint, error.kind))
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

    # -- the steps -------------------------------------------------------------------------

    async def _check_verify(self, recorded: Mapping[str, Any]) -> bool:
        account = await self.dashboard.get_account()
        return str(account.id) == str(recorded.get("account_id"))

    async def _run_verify(self, inputs: SetupInputs) -> dict[str, Any]:
        account = await self.dashboard.get_account()
        return {"account_id": account.id, "account_name": account.company_name}

    async def _check_subaccount(self, recorded: Mapping[str, Any]) -> bool:
        sites = await self.dashboard.list_sites()
        return any(site.id == recorded.get("site_id") for site in sites)

    async def _run_subaccount(self, inputs: SetupInputs) -> dict[str, Any]:
        sites = await self.dashboard.list_sites()
        if inputs.site_id:
            for site in sites:
                if site.id == inputs.site_id:
                    return {"site_id": site.id, "site_name": site.name, "created": False}
            raise StepError(
                f"Sub-account {inputs.site_id} is not on this account.",
                "Pick one of the account's sub-accounts, or create a new one.",
                kind="not_found",
            )
        name = (inputs.new_site_name or "").strip()
        if not name:
            if len(sites) == 1:
                only = sites[0]
                return {"site_id": only.id, "site_name": only.name, "created": False}
            raise StepError(
                "No sub-account was chosen.",
                "Pick one of the account's sub-accounts, or give a name to create one.",
                kind="validation",
            )
        for site in sites:
            if site.name == name:
                return {"site_id": site.id, "site_name": site.name, "created": False}
        site = await self.dashboard.create_site(name)
        return {"site_id": site.id, "site_name": site.name, "created": True}

    async def _check_application(self, recorded: Mapping[str, Any]) -> bool:
        app = await self.dashboard.get_application(recorded["application_id"])
        return app.id == recorded["application_id"]

    async def _run_application(self, inputs: SetupInputs) -> dict[str, Any]:
        name = inputs.application_name.strip()
        existing = await self.dashboard.find_application_by_name(name)
        if existing is not None:
            if inputs.callback_url and existing.callback_url != inputs.callback_url:
                existing = await self.dashboard.update_application(
                    existing.id,
                    name=name,
                    callback_url=inputs.callback_url,
                    callback_user=inputs.callback_user,
                    callback_password=inputs.callback_password,
                )
            return _application_record(existing, created=False)
        app = await self.dashboard.create_application(
            name,
            inputs.callback_url,
            callback_user=inputs.callback_user,
            callback_password=inputs.callback_password,
        )
        return _application_record(app, created=True)

    async def _check_location(self, recorded: Mapping[str, Any]) -> bool:
        location = await self.dashboard.get_location(recorded["site_id"], recorded["location_id"])
        return location.id == recorded["location_id"]

    async def _run_location(self, inputs: SetupInputs) -> dict[str, Any]:
        site_id = self.data(StepId.SUBACCOUNT)["site_id"]
        name = inputs.location_name.strip()
        existing = await self.dashboard.find_location_by_name(site_id, name)
        created = existing is None
        location = existing or await self.dashboard.create_location(
            site_id, name, is_default=inputs.default_location
        )
        return {
            "site_id": site_id,
            "location_id": location.id,
            "location_name": location.name,
            "created": created,
        }

    def _location(self) -> tuple[str, str]:
        recorded = self.data(StepId.LOCATION)
        return recorded["site_id"], recorded["location_id"]

    async def _check_sms(self, recorded: Mapping[str, Any]) -> bool:
        sms = await self.dashboard.get_sms(*self._location())
        return sms is not None and sms.is_http and sms.zones[0]

    async def _run_sms(self, inputs: SetupInputs) -> dict[str, Any]:
        site_id, location_id = self._location()
        sms = await self.dashboard.enable_sms(
            site_id, location_id, toll_free=inputs.toll_free, short_code=inputs.short_code
        )
        return {
            "site_id": site_id,
            "location_id": location_id,
            "toll_free": sms.toll_free,
            "short_code": sms.short_code,
        }

    async def _check_mms(self, recorded: Mapping[str, Any]) -> bool:
        mms = await self.dashboard.get_mms(*self._location())
        return mms is not None and mms.is_http

    async def _run_mms(self, inputs: SetupInputs) -> dict[str, Any]:
        site_id, location_id = self._location()
        await self.dashboard.enable_mms(site_id, location_id)
        return {"site_id": site_id, "location_id": location_id}

    async def _check_assign(self, recorded: Mapping[str, Any]) -> bool:
        assigned = await self.dashboard.get_application_settings(*self._location())
        return assigned == recorded.get("application_id")

    async def _run_assign(self, inputs: SetupInputs) -> dict[str, Any]:
        site_id, location_id = self._location()
        application_id = self.data(StepId.APPLICATION)["application_id"]
        await self.dashboard.assign_application(site_id, location_id, application_id)
        return {"site_id": site_id, "location_id": location_id, "application_id": application_id}

    async def _check_order(self, recorded: Mapping[str, Any]) -> bool:
        if not recorded.get("order_id"):
            return False
        order = await self.dashboard.get_order(recorded["order_id"])
        return order.id == recorded["order_id"]

    async def _run_order(self, inputs: SetupInputs) -> dict[str, Any]:
        site_id, location_id = self._location()
        pending = self.progress.get(StepId.ORDER) or {}
        customer_order_id = pending.get("customer_order_id")
        if customer_order_id:
            found = await self.dashboard.find_order_by_customer_order_id(customer_order_id)
            if found is not None:
                return _order_record(found, customer_order_id, inputs)
        available = await self.dashboard.search_available_numbers(inputs.area_code, inputs.quantity)
        if not available:
            raise StepError(
                f"No numbers are available in area code {inputs.area_code} right now.",
                "Try a neighbouring area code.",
                kind="not_found",
            )
        # The reference is saved before the POST: if the answer is lost or the program dies,
        # the next run finds the order by this reference instead of ordering again.
        customer_order_id = customer_order_id or f"bw-wizard-{uuid.uuid4().hex[:16]}"
        self.progress.record(
            StepId.ORDER,
            {"customer_order_id": customer_order_id, "available": list(available)},
        )
        order = await self.dashboard.create_order(
            site_id,
            location_id,
            inputs.area_code,
            inputs.quantity,
            customer_order_id,
        )
        return _order_record(order, customer_order_id, inputs)

    async def _check_wait_order(self, recorded: Mapping[str, Any]) -> bool:
        if recorded.get("status") not in USABLE_ORDER_STATUSES or not recorded.get("numbers"):
            return False
        order = await self.dashboard.get_order(recorded["order_id"])
        return order.status in USABLE_ORDER_STATUSES

    async def _run_wait_order(self, inputs: SetupInputs) -> dict[str, Any]:
        order_id = self.data(StepId.ORDER)["order_id"]
        order = await self.watch_order(order_id, timeout=inputs.order_timeout)
        return _final_order_record(order)

    async def watch_order(self, order_id: str, *, timeout: float) -> Order:
        """Poll until the order's body says it is final; report each change with elapsed time."""
        start = self._clock()
        last_status: str | None = None
        last_completed: tuple[str, ...] = ()
        intervals = self.poll.intervals()
        while True:
            order = await self.dashboard.get_order(order_id)
            elapsed = self._clock() - start
            final = order.status in FINAL_ORDER_STATUSES
            interval = None if final else next(intervals)
            if interval is not None and elapsed + interval > timeout:
                interval = max(0.0, timeout - elapsed)
            if order.status != last_status or order.completed_numbers != last_completed:
                self.emit(
                    OrderStatusChanged(
                        StepId.WAIT_ORDER,
                        order.id,
                        order.status,
                        elapsed,
                        tuple(order.completed_numbers),
                        tuple(order.failed_numbers),
                        interval,
                    )
                )
                last_status, last_completed = order.status, tuple(order.completed_numbers)
            self.emit(OrderPolled(StepId.WAIT_ORDER, order.id, order.status, elapsed, interval))
            if final:
                return _judge_order(order)
            if elapsed >= timeout:
                raise StepError(
                    f"Order {order_id} was still {order.status} after {timeout:g} s.",
                    "It keeps going on Bandwidth's side: run the wizard again later to pick it up,"
                    " or raise the order timeout.",
                    kind="timeout",
                )
            await self._sleep(interval or 0.0)

    async def _run_send(self, inputs: SetupInputs, *, deliberate: bool = False) -> dict[str, Any]:
        return await self.send_message(inputs, deliberate=deliberate)

    async def _check_send(self, recorded: Mapping[str, Any]) -> bool:
        return bool(recorded.get("messages"))

    async def send_message(
        self, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        """Send one message; the recorded list keeps every message sent, newest last.

        A send is a create like any other, so it is never repeated blindly. Before the POST an
        in-flight marker (from, to, text, when) is saved; it is cleared once Bandwidth has
        answered. A marker still there on a later run means the program died or lost the
        answer, and the message may have gone: today's API is asked (List Messages) and a
        match is adopted instead of sent again. The guide's API cannot be asked, so a rerun
        stops and says so rather than guess.

        `deliberate` is the send screen asking for another message on purpose: an unanswered
        earlier attempt is still looked up (and adopted when it is this very message), but a
        different message, or one the guide's API cannot check, is sent as asked.
        """
        if self.messaging is None:
            raise StepError(
                "No messaging credentials are set up.",
                "Add them on the Credentials step.",
                kind="auth",
            )
        numbers = list(self.data(StepId.WAIT_ORDER).get("numbers") or [])
        sender = inputs.message_from or (numbers[0] if numbers else None)
        if not sender:
            raise StepError(
                "There is no number to send from.",
                "Order numbers first.",
                kind="order",
            )
        if not inputs.message_to:
            raise StepError(
                "No destination number was given.",
                "Enter the number you want the message to go to.",
                kind="validation",
            )
        application_id = self.data(StepId.APPLICATION)["application_id"]
        draft = {
            "from": sender,
            "to": list(inputs.message_to),
            "text": inputs.message_text,
            "media": list(inputs.media),
        }
        recorded = dict(self.progress.get(StepId.SEND) or {})
        marker = recorded.pop(SENDING_KEY, None)
        if isinstance(marker, Mapping):
            adopted = await self._resolve_unanswered(marker, recorded, deliberate=deliberate)
            if adopted is not None:
                recorded = adopted
                if not deliberate or _same_message(marker, draft):
                    return recorded

        # Saved before the POST: if the answer is lost or the program dies, the next run
        # looks for this message instead of sending it again.
        self._save_send(
            {
                **recorded,
                SENDING_KEY: {
                    **draft,
                    "attempt": f"bw-wizard-{uuid.uuid4().hex[:16]}",
                    "since": _utc_stamp(time.time()),
                },
            }
        )
        try:
            sent = await self.messaging.send_message(
                application_id,
                sender,
                list(inputs.message_to),
                inputs.message_text,
                media=list(inputs.media) or None,
                tag=inputs.tag,
                priority=inputs.priority,
            )
        except BandwidthError as error:
            if error.status is not None and 400 <= error.status < 500:
                # Refused outright (validation, credentials, queue full): nothing went.
                self._save_send(recorded)
            raise
        return _with_message(
            recorded,
            {
                "id": sent.id,
                "from": sent.from_number,
                "to": list(sent.to),
                "time": sent.time,
                "segments": sent.segment_count,
            },
        )

    async def _resolve_unanswered(
        self, marker: Mapping[str, Any], recorded: Mapping[str, Any], *, deliberate: bool
    ) -> dict[str, Any] | None:
        """What became of a send that was never answered: the record with the message adopted
        when Bandwidth has it, None when it did not go (or, on purpose, is not asked)."""
        assert self.messaging is not None
        sender = _e164(str(marker.get("from") or ""))
        to = [_e164(str(number)) for number in marker.get("to") or []]
        if not self.messaging.can_list_messages:
            if deliberate:
                return None
            raise StepError(
                f"A message from {sender} to {', '.join(to)} was sent earlier, but the wizard "
                "stopped before Bandwidth answered, so it may already have gone.",
                "The guide's messaging API cannot look messages up, so the wizard will not "
                "send it again by itself: check the destination phone or your callback log. "
                "To send it again on purpose, run apply with --send-again, or press Send on "
                "the wizard's “Send a message” step.",
                kind="uncertain",
            )
        found = await self._find_sent(sender, to, str(marker.get("since") or ""), recorded)
        if found is None:
            return None
        return {
            **_with_message(
                recorded,
                {
                    "id": found.message_id,
                    "from": found.source_tn,
                    "to": to,
                    "time": found.receive_time,
                    "segments": found.segment_count,
                },
            ),
            "adopted": found.message_id,
        }

    async def _find_sent(
        self, sender: str, to: Sequence[str], since: str, recorded: Mapping[str, Any]
    ) -> ListedMessage | None:
        """The first outbound message from `sender` to `to` that Bandwidth accepted around
        `since` and that is not one of ours already; None when there is none."""
        assert self.messaging is not None
        known = {str(m.get("id")) for m in recorded.get("messages") or [] if isinstance(m, Mapping)}
        try:
            moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError:
            moment = datetime.now(UTC) - SEND_LOOKUP_MARGIN
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        # The margin covers a clock that differs from Bandwidth's; ids already recorded keep
        # an earlier message of ours from being taken for this one.
        page_token: str | None = None
        for _ in range(SEND_LOOKUP_PAGES):
            page = await self.messaging.list_messages(
                source_tn=sender,
                destination_tn=list(to)[:10],
                message_direction="OUTBOUND",
                from_date_time=moment - SEND_LOOKUP_MARGIN,
                to_date_time=moment + SEND_LOOKUP_MARGIN,
                sort="receiveTime:asc",
                limit=100,
                page_token=page_token,
            )
            for listed in page.messages:
                if (
                    listed.message_id not in known
                    and listed.source_tn == sender
                    and listed.destination_tn in to
                ):
                    return listed
            page_token = page.next_page_token
            if not page_token:
                return None
        return None

    def _save_send(self, data: Mapping[str, Any]) -> None:
        """Saved now, not at the end of the step: the marker must be on disk before the POST."""
        if data:
            self.progress.record(StepId.SEND, data)
        else:
            self.progress.forget(StepId.SEND)


SENDING_KEY = "sending"
"""Progress key of the in-flight marker: a send that has not been answered yet."""
SEND_LOOKUP_MARGIN = timedelta(hours=1)
SEND_LOOKUP_PAGES = 5
"""Pages of 100 searched for an unanswered send; a first message has only a few neighbours."""


def _same_message(marker: Mapping[str, Any], draft: Mapping[str, Any]) -> bool:
    return all(
        list(marker.get(key) or []) == list(draft.get(key) or [])
        if key in ("to", "media")
        else (marker.get(key) or "") == (draft.get(key) or "")
        for key in ("from", "to", "text", "media")
    )


def _with_message(recorded: Mapping[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    messages = [m for m in recorded.get("messages") or [] if isinstance(m, Mapping)]
    rest = {k: v for k, v in recorded.items() if k not in (SENDING_KEY, "adopted")}
    return {**rest, "messages": [*messages, message], "last_message_id": message["id"]}


def _e164(number: str) -> str:
    """A US number as List Messages spells it (+1 and ten digits); other forms unchanged.

    Ordered numbers come back as ten digits and the guide lets +1 be left out, but a lookup
    compares numbers as Bandwidth lists them.
    """
    digits = number.strip()
    if digits.isascii() and digits.isdigit():
        if len(digits) == 10:
            return "+1" + digits
        if len(digits) == 11 and digits.startswith("1"):
            return "+" + digits
    return digits


def _utc_stamp(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# --------------------------------------------------------------------------------------------
# Small pure helpers


def _application_record(app: Any, *, created: bool) -> dict[str, Any]:
    return {
        "application_id": app.id,
        "application_name": app.name,
        "callback_url": app.callback_url,
        "created": created,
    }


def _order_record(order: Order, customer_order_id: str, inputs: SetupInputs) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "customer_order_id": customer_order_id,
        "area_code": inputs.area_code,
        "quantity": inputs.quantity,
        "status": order.status,
    }


def _final_order_record(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "status": order.status,
        "numbers": list(order.completed_numbers),
        "failed_numbers": list(order.failed_numbers),
        "errors": [list(error) for error in order.errors],
    }


def _judge_order(order: Order) -> Order:
    """COMPLETE and PARTIAL go on; FAILED and BACKORDERED stop with the API's own reasons."""
    # One line per distinct reason: the API repeats it for every number that failed.
    counts: dict[tuple[Any, Any], int] = {}
    for code, desc in order.errors:
        key = (printable(str(code)), printable(str(desc)))  # server text, shown on a terminal
        counts[key] = counts.get(key, 0) + 1
    reasons = "; ".join(
        f"{desc} (code {code}" + (f", {n} numbers)" if n > 1 else ")")
        for (code, desc), n in counts.items()
    )
    if order.status == "COMPLETE" or (order.status == "PARTIAL" and order.completed_numbers):
        return order
    if order.status == "BACKORDERED":
        raise StepError(
            f"Order {order.id} is BACKORDERED: Bandwidth has no numbers to fill it yet."
            + (f" {reasons}." if reasons else ""),
            "Order again in another area code; the backorder may still fill later.",
            kind="order_backordered",
        )
    raise StepError(
        f"Order {order.id} {order.status}." + (f" {reasons}." if reasons else ""),
        "Try another area code or a smaller quantity.",
        kind="order_failed",
    )


def _summary(step: StepId, data: Mapping[str, Any]) -> str:
    """A short line saying what exists now, for the sidebar and `apply`'s output."""
    match step:
        case StepId.VERIFY:
            name = data.get("account_name")
            return f"account {data.get('account_id')}" + (f" ({name})" if name else "")
        case StepId.SUBACCOUNT:
            verb = "created" if data.get("created") else "using"
            return f"{verb} sub-account {data.get('site_id')} ({data.get('site_name')})"
        case StepId.APPLICATION:
            verb = "created" if data.get("created") else "reusing"
            return f"{verb} application {data.get('application_id')}"
        case StepId.LOCATION:
            verb = "created" if data.get("created") else "reusing"
            return f"{verb} location {data.get('location_id')} ({data.get('location_name')})"
        case StepId.SMS:
            return "SMS enabled over HTTP"
        case StepId.MMS:
            return "MMS enabled over HTTP"
        case StepId.ASSIGN:
            return f"application {data.get('application_id')} assigned to the location"
        case StepId.ORDER:
            return f"order {data.get('order_id')} placed ({data.get('status')})"
        case StepId.WAIT_ORDER:
            numbers = ", ".join(data.get("numbers") or [])
            failed = data.get("failed_numbers") or []
            text = f"order {data.get('status')}: {numbers}"
            return text + (f" ({len(failed)} failed)" if failed else "")
        case StepId.SEND:
            if data.get("adopted"):
                return (
                    f"message {data.get('adopted')} found: an earlier attempt had been accepted,"
                    " so nothing was sent again"
                )
            return f"message {data.get('last_message_id')} accepted (202)"
    return ""
