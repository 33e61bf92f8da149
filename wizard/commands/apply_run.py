"""The body of `bw-wizard apply`, kept apart from its argparse half so `--help` stays instant.

It starts the same `Session` as the screens, runs the same engine, and prints the engine's events
as lines. Before the first request it has checked the whole config (`apply_config`), decided how
far to go (`apply_plan`: nothing the config did not ask for) and found the first credential that
is missing, if one is. Every failure is printed once, on stderr, as "✗ <step>: ..." (or "error:
..." before any step) with the next step under it; the story goes to stdout (stderr with --json).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from typing import Any, TextIO

from wizard.commands.apply_config import ApplyConfig, ConfigError, load_apply_config
from wizard.commands.apply_credentials import check_callback, check_credentials
from wizard.commands.apply_plan import ASKED_BY, ApplyPlan, PlanError, plan_apply
from wizard.core.errors import (
    EXIT_MESSAGE_FAILED,
    EXIT_OK,
    EXIT_TIMEOUT,
    Kind,
    WizardError,
    exit_code,
)
from wizard.core.safe import printable
from wizard.engine.events import Event, OrderStatusChanged, StepDone, StepFailed
from wizard.engine.registry import STEP_BY_ID
from wizard.engine.step import StepId
from wizard.session.session import Session

SANDBOX_CALLBACK_WAIT = 10.0
"""Seconds `apply --sandbox` waits for each destination's delivered/failed callback by default:
the sandbox answers in well under a second, so this only runs out when something is wrong."""


class ApplyRun:
    def __init__(self, args: argparse.Namespace, out: TextIO | None = None) -> None:
        from wizard.callbacks.tracker import MessageTracker

        self.args = args
        self.created: dict[str, Any] = {}
        self.out = out or sys.stdout
        # With --json, stdout carries only the JSON document; the story goes to stderr.
        self.lines: TextIO = sys.stderr if getattr(args, "json", False) else self.out
        self.tracker = MessageTracker()
        """Every callback heard, tied to the messages this run sent."""
        self._sent: list[str] = []
        """Ids of the messages this run sent (not ones an earlier run sent)."""
        self._heard: asyncio.Event | None = None
        self._failed_step: StepId | None = None
        self._plan: ApplyPlan | None = None

    # -- output ------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        print(text, file=self.lines, flush=True)

    def report_failure(self, error: WizardError) -> None:
        """The one place a failure is printed: what went wrong where, then what to do."""
        step = self._failed_step
        where = f"✗ {STEP_BY_ID[step].title}: " if step else "error: "
        print(where + error.message, file=sys.stderr, flush=True)
        if error.hint:
            print(f"  next: {error.hint}", file=sys.stderr, flush=True)

    def on_event(self, event: Event) -> None:
        if isinstance(event, StepDone):
            step = STEP_BY_ID[event.step]
            note = " (already done)" if event.reused else ""
            self.say(f"✓ {step.title}: {event.summary}{note}")
            for key in step.created:
                if event.data.get(key):
                    self.created[key] = event.data[key]
            if event.step is StepId.SEND and not event.reused:
                self._record_sent(event.data)
        elif isinstance(event, StepFailed):
            self._failed_step = event.step  # printed once, by report_failure
        elif isinstance(event, OrderStatusChanged):
            numbers = ", ".join(event.completed_numbers)
            self.say(
                f"  order {event.order_id}: {event.status} after {event.elapsed:.1f} s"
                + (f" [{numbers}]" if numbers else "")
            )

    def _record_sent(self, data: Any) -> None:
        message_id = str(data.get("last_message_id") or "")
        if not message_id:
            return
        messages = [m for m in data.get("messages") or [] if m.get("id") == message_id]
        sent = messages[-1] if messages else {}
        self.tracker.record_sent(
            message_id, tuple(sent.get("to") or ()), str(sent.get("from") or ""), ""
        )
        self._sent.append(message_id)

    def print_created(self) -> None:
        if self.created and not self.args.json:
            parts = ", ".join(f"{key} {_plain(value)}" for key, value in self.created.items())
            print(f"created so far: {parts}", file=sys.stderr, flush=True)

    def on_callback(self, event: Any) -> None:
        message_id = getattr(event, "message_id", None)
        kind = getattr(event, "type", "?")
        code = getattr(event, "error_code", None)
        to = getattr(event, "to", "")
        line = f"  callback: {kind} for message {message_id}" + (f" to {to}" if to else "")
        line += f" (error {code})" if code else ""
        # Callback fields come from the network: no escape sequence may reach the terminal.
        self.say(printable(line))
        self.tracker.apply(event)
        if self._heard is not None and not self._waiting_for():
            self._heard.set()

    # -- the run -----------------------------------------------------------------------------

    async def main(self) -> int:
        session: Session | None = None
        try:
            self._check_arguments()
            config = load_apply_config(self.args.config)
            session = self._session(config)
            return await self._run(session, config)
        except WizardError as error:
            self.report_failure(error)
            self.print_created()
            return exit_code(error.kind)
        finally:
            if session is not None:
                await session.aclose()
            self._print_json()

    def _check_arguments(self) -> None:
        wait = getattr(self.args, "callback_wait", None)
        if wait is not None and wait > 0 and not self.args.sandbox:
            raise WizardError(
                "--callback-wait works only with --sandbox: on an account Bandwidth sends the "
                "callbacks to your callback URL, where apply cannot hear them.",
                "Leave --callback-wait out (exit 0 then means Bandwidth accepted the message) "
                "and watch your callback URL, for example with `bw-wizard callbacks`.",
                kind=Kind.VALIDATION,
            )

    def _session(self, config: ApplyConfig) -> Session:
        if self.args.sandbox:
            session = Session.for_sandbox(order_delay=self.args.order_delay)
            # The sandbox really POSTs callbacks, so they go to the session's own receiver
            # rather than to whatever public URL the config names.
            session.inputs = _replace(
                config.inputs, callback_url="", callback_user=None, callback_password=None
            )
            return session
        session = Session.for_account(
            overrides=config.settings, source=str(self.args.config or "settings"), receiver=False
        )
        settings = session.settings
        inputs = config.inputs
        session.inputs = _replace(
            inputs,
            site_id=inputs.site_id or settings.site_id,
            callback_url=inputs.callback_url or settings.callback_url or "",
            callback_user=inputs.callback_user or settings.callback_user,
            callback_password=None,
        )
        return session

    def _plan_for(self, config: ApplyConfig, session: Session) -> ApplyPlan:
        skipped = (
            {StepId.READY}
            if getattr(self.args, "send_anyway", False) and "compliance" not in config.tables
            else set()
        )
        try:
            plan = plan_apply(
                config.tables,
                lambda step: session.progress.get(step) is not None,
                skipped=skipped,
            )
        except PlanError as error:
            raise ConfigError(
                f"{config.source}: {error}",
                "Add the missing tables (see README, “Headless apply”) and run again.",
            ) from None
        if getattr(self.args, "send_again", False) and StepId.SEND not in plan.steps:
            raise ConfigError(
                f"{config.source}: --send-again sends the [message], and the config has none."
            )
        return plan

    async def _run(self, session: Session, config: ApplyConfig) -> int:
        if not session.sandbox:
            check_credentials(session)
        if self._account_known(session):
            # Refuse a bad config, or a callback password that cannot be kept, before any
            # request.
            check_callback(session, self._plan_for(config, session))
        session.add_callback_listener(self.on_callback)
        await session.start(refresh=False)
        assert session.conn is not None
        engine = session.engine or await session.connect(session.conn, session.secrets)
        if session.progress_error:
            raise ConfigError(session.progress_error, "Run again with --start-over.")
        if not session.sandbox and self.args.start_over:
            session.start_over()
        plan = self._plan = self._plan_for(config, session)
        if not session.sandbox:
            check_callback(session, plan)
        engine.subscribe(self.on_event)
        inputs = session.inputs
        inputs.send_anyway = bool(getattr(self.args, "send_anyway", False))
        send_again = getattr(self.args, "send_again", False)
        for step in plan.steps:
            if step in plan.confirm_only:
                await self._confirm_done(engine, step)
            else:
                await engine.run_step(step, inputs, reuse=not (send_again and step is StepId.SEND))
        if plan.stop_before is not None:
            self.say(plan.stop_line())
        wait = self.args.callback_wait
        if wait is None:
            wait = SANDBOX_CALLBACK_WAIT if session.sandbox else 0.0
        return await self.wait_for_outcome(wait)

    def _account_known(self, session: Session) -> bool:
        """Whether the account, and so its saved progress, is known before signing in."""
        from wizard.storage.progress import ProgressError

        conn = session.conn
        if session.sandbox or self.args.start_over or conn is None or not conn.account_id:
            return False
        try:
            session.open_progress_for(conn)
        except ProgressError:
            return False  # said after signing in, with what to do about it
        return True

    async def _confirm_done(self, engine: Any, step: StepId) -> None:
        """A step the config leaves out: an earlier run did it; confirm that, never redo it."""
        existing = await engine.check(step)
        title = STEP_BY_ID[step].title
        if existing is None:
            self._failed_step = step
            table = ASKED_BY[step]
            raise WizardError(
                f"The saved progress says “{title}” was done, but Bandwidth no longer has it, "
                f"and the config has no [{table}] table to do it again.",
                f"Add the [{table}] table and run the same command again.",
                kind=Kind.NOT_DONE,
            )
        engine.emit(StepDone(step, STEP_BY_ID[step].summary(existing), existing, reused=True))

    # -- the message's outcome ---------------------------------------------------------------

    def _waiting_for(self) -> list[tuple[str, str]]:
        """(message id, destination) pairs of this run's messages without an outcome yet."""
        pending = []
        for message_id in self._sent:
            timeline = self.tracker.get(message_id)
            outcomes = timeline.outcomes if timeline else {}
            for number in timeline.to if timeline else ():
                if number not in outcomes:
                    pending.append((message_id, number))
        return pending

    async def wait_for_outcome(self, seconds: float) -> int:
        """The exit code for the messages this run sent: 0 delivered (or, with no wait,
        accepted), EXIT_MESSAGE_FAILED when a callback said failed, EXIT_TIMEOUT when the wait
        ran out before every destination's delivered/failed callback."""
        if not self._sent or seconds <= 0:
            return EXIT_OK
        self._heard = asyncio.Event()
        if self._waiting_for():
            with contextlib.suppress(TimeoutError):  # what is still missing is said below
                await asyncio.wait_for(self._heard.wait(), seconds)
        failed = self._failures()
        if failed:
            self._failed_step = StepId.SEND
            self.report_failure(failed)
            return EXIT_MESSAGE_FAILED
        pending = self._waiting_for()
        if pending:
            self._failed_step = StepId.SEND
            ids = ", ".join(dict.fromkeys(message_id for message_id, _ in pending))
            numbers = ", ".join(number for _, number in pending)
            self.report_failure(
                WizardError(
                    f"No delivered or failed callback within {seconds:g} s for message {ids} "
                    f"(to {numbers}): Bandwidth accepted it (202), its outcome is unknown.",
                    "Watch the callback log for message-delivered or message-failed, or run "
                    "again with a longer --callback-wait.",
                    kind=Kind.TIMEOUT,
                )
            )
            return EXIT_TIMEOUT
        return EXIT_OK

    def _failures(self) -> WizardError | None:
        """One error naming every destination a callback said failed, or None."""
        parts: list[str] = []
        steps: list[str] = []
        for message_id in self._sent:
            timeline = self.tracker.get(message_id)
            for entry in timeline.entries if timeline else ():
                if entry.stage != "failed" or not entry.to:
                    continue
                explanation = entry.explanation
                reason = explanation.summary if explanation else (entry.description or "failed")
                parts.append(f"message {message_id} to {entry.to}: error {reason.rstrip('.')}")
                if explanation and explanation.next_step not in steps:
                    steps.append(explanation.next_step)
        if not parts:
            return None
        return WizardError(
            "Bandwidth accepted the message (202), then reported it failed: "
            + "; ".join(parts)
            + ".",
            " ".join(steps),
            kind=Kind.MESSAGE_FAILED,
        )

    def _print_json(self) -> None:
        if self.args.json:
            document = dict(self.created)
            outcomes = {
                message_id: {
                    number: _label(stage, code)
                    for number, (stage, code) in _outcomes(self.tracker.get(message_id)).items()
                }
                for message_id in self._sent
            }
            if any(outcomes.values()):
                document["outcomes"] = outcomes
            if self._plan is not None and self._plan.stop_before is not None:
                document["stopped_before"] = self._plan.stop_before.value
            print(json.dumps(document, indent=2, sort_keys=True), file=self.out, flush=True)


def _outcomes(timeline: Any) -> dict[str, tuple[str, int | None]]:
    """Destination -> (delivered or failed, error code) from a message's timeline."""
    found: dict[str, tuple[str, int | None]] = {}
    for entry in timeline.entries if timeline else ():
        if entry.stage in ("delivered", "failed") and entry.to and entry.to not in found:
            found[entry.to] = (entry.stage, entry.error_code)
    return found


def _label(stage: str, code: int | None) -> str:
    return f"{stage} {code}" if code is not None else stage


def _replace(inputs: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(inputs, **changes)


def _plain(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)
