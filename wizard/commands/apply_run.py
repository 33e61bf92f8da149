"""The body of `bw-wizard apply`, kept apart from its argparse half so `--help` stays instant.

It starts the same `Session` as the screens, runs the same engine, and prints the engine's events
as lines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any, TextIO

from wizard.commands.apply_config import ApplyConfig, ConfigError, load_apply_config
from wizard.core.errors import EXIT_GENERAL, EXIT_OK, WizardError, exit_code
from wizard.core.safe import printable
from wizard.engine.events import Event, OrderStatusChanged, StepDone, StepFailed
from wizard.engine.registry import STEP_BY_ID
from wizard.engine.step import StepId
from wizard.session.session import Session

SANDBOX_CALLBACK_WAIT = 10.0
"""Seconds `apply --sandbox` waits for the delivered/failed callback by default."""


class ApplyRun:
    def __init__(self, args: argparse.Namespace, out: TextIO | None = None) -> None:
        self.args = args
        self.created: dict[str, Any] = {}
        self.out = out or sys.stdout
        # With --json, stdout carries only the JSON document; the story goes to stderr.
        self.lines: TextIO = sys.stderr if args.json else self.out
        self._callbacks_done: asyncio.Event | None = None
        self._message_ids: set[str] = set()
        self._outcomes: dict[str, str] = {}

    # -- output ------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        print(text, file=self.lines, flush=True)

    def fail(self, text: str, hint: str = "") -> None:
        print(f"error: {text}", file=sys.stderr, flush=True)
        if hint:
            print(f"  next: {hint}", file=sys.stderr, flush=True)

    def on_event(self, event: Event) -> None:
        if isinstance(event, StepDone):
            step = STEP_BY_ID[event.step]
            note = " (already done)" if event.reused else ""
            self.say(f"✓ {step.title}: {event.summary}{note}")
            for key in step.created:
                if event.data.get(key):
                    self.created[key] = event.data[key]
            if event.step is StepId.SEND and event.data.get("last_message_id") and not event.reused:
                self._message_ids.add(event.data["last_message_id"])
        elif isinstance(event, StepFailed):
            self.say(f"✗ {STEP_BY_ID[event.step].title}: {event.message}")
        elif isinstance(event, OrderStatusChanged):
            numbers = ", ".join(event.completed_numbers)
            self.say(
                f"  order {event.order_id}: {event.status} after {event.elapsed:.1f} s"
                + (f" [{numbers}]" if numbers else "")
            )

    def print_created(self) -> None:
        if self.created and not self.args.json:
            parts = ", ".join(f"{key} {_plain(value)}" for key, value in self.created.items())
            print(f"created so far: {parts}", file=sys.stderr, flush=True)

    def on_callback(self, event: Any) -> None:
        message_id = getattr(event, "message_id", None)
        kind = getattr(event, "type", "?")
        code = getattr(event, "error_code", None)
        line = f"  callback: {kind} for message {message_id}" + (f" (error {code})" if code else "")
        # Callback fields come from the network: no escape sequence may reach the terminal.
        self.say(printable(line))
        if message_id in self._message_ids and kind in ("message-delivered", "message-failed"):
            self._outcomes[message_id] = kind if not code else f"{kind} {code}"
            if self._callbacks_done and self._outcomes.keys() >= self._message_ids:
                self._callbacks_done.set()

    # -- the run -----------------------------------------------------------------------------

    async def main(self) -> int:
        try:
            config = load_apply_config(self.args.config)
        except ConfigError as error:
            self.fail(str(error), "Fix the config file and run the same command again.")
            return EXIT_GENERAL
        session: Session | None = None
        try:
            session = self._session(config)
            return await self._run(session, config)
        except ConfigError as error:
            self.fail(str(error), "Fix the config file and run the same command again.")
            return EXIT_GENERAL
        except WizardError as error:
            self.fail(error.message, error.hint)
            self.print_created()
            return exit_code(error.kind)
        finally:
            if session is not None:
                await session.aclose()
            self._print_json()

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

    async def _run(self, session: Session, config: ApplyConfig) -> int:
        if session.progress_error:
            raise ConfigError(session.progress_error)
        if not session.sandbox:
            _check_account(session)
            if self.args.start_over:
                session.start_over()
        session.add_callback_listener(self.on_callback)
        await session.start()
        assert session.conn is not None
        engine = await session.connect(session.conn, session.secrets)
        engine.subscribe(self.on_event)
        inputs = session.inputs
        last = StepId.SEND if inputs.message_to else StepId.WAIT_ORDER
        if last is StepId.SEND and getattr(self.args, "send_again", False):
            await engine.run_all(inputs, until=StepId.WAIT_ORDER)
            await engine.run_step(StepId.SEND, inputs, reuse=False)
        else:
            await engine.run_all(inputs, until=last)
        if last is not StepId.SEND:
            self.say("No [message] to = ... in the config: stopping before sending.")
            return EXIT_OK
        wait = self.args.callback_wait
        if wait is None:
            wait = SANDBOX_CALLBACK_WAIT if session.sandbox else 0.0
        await self._wait_for_outcome(wait)
        return EXIT_OK

    async def _wait_for_outcome(self, seconds: float) -> None:
        if seconds <= 0 or not self._message_ids:
            return
        self._callbacks_done = asyncio.Event()
        if self._outcomes.keys() >= self._message_ids:
            return
        try:
            await asyncio.wait_for(self._callbacks_done.wait(), seconds)
        except TimeoutError:
            self.say(
                f"  no delivery callback within {seconds:.0f} s; the 202 only means queued: "
                "watch your callback URL for message-delivered or message-failed."
            )

    def _print_json(self) -> None:
        if self.args.json:
            document = dict(self.created)
            if self._outcomes:
                document["outcomes"] = self._outcomes
            print(json.dumps(document, indent=2, sort_keys=True), file=self.out, flush=True)


def _check_account(session: Session) -> None:
    """What a real account needs before the first request, each missing piece a sentence."""
    if session.conn is None:
        raise ConfigError("No account id: put account_id in the config file or set BW_ACCOUNT_ID.")
    if not session.inputs.callback_url:
        raise ConfigError(
            "No callback URL: set [application] callback_url to the public https URL that "
            "should receive message events (a tunnel to `bw-wizard callbacks` works)."
        )
    if session.inputs.callback_user:
        session.inputs.callback_password = _callback_password(session)


def _callback_password(session: Session) -> str:
    """The stored callback password, or a new strong one saved to the keyring first (so the
    application and the receiver can never disagree)."""
    from wizard.session.connection import MissingCredentials
    from wizard.storage.credentials import (
        KeyringUnavailable,
        SecretName,
        generate_callback_password,
    )

    if session.secrets.callback_password:
        return session.secrets.callback_password
    password = generate_callback_password()
    try:
        session.store.set(session.account_id, SecretName.CALLBACK_PASSWORD, password)
    except KeyringUnavailable as error:
        raise MissingCredentials(
            f"A callback password is needed and cannot be saved: {error.message}"
        ) from None
    return password


def _replace(inputs: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(inputs, **changes)


def _plain(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)

