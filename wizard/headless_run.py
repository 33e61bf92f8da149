"""The body of `bw-wizard apply`, kept apart from its argparse half so `--help` stays instant."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from typing import Any, TextIO

from wizard.apply_config import ApplyConfig, ConfigError, load_apply_config
from wizard.bandwidth.errors import BandwidthError
from wizard.connect import ConnectionSettings, MissingCredentials, Secrets, build_engine
from wizard.headless import EXIT_AUTH, EXIT_GENERAL, EXIT_OK, exit_code_for
from wizard.steps import (
    STEP_INFO,
    Event,
    OrderStatusChanged,
    StepDone,
    StepError,
    StepFailed,
    StepId,
)

#: Which recorded keys are "things that now exist on the account" worth printing on failure.
CREATED_KEYS = {
    StepId.SUBACCOUNT: ("site_id",),
    StepId.APPLICATION: ("application_id",),
    StepId.LOCATION: ("location_id",),
    StepId.ORDER: ("order_id",),
    StepId.WAIT_ORDER: ("numbers",),
    StepId.SEND: ("last_message_id",),
}


class HeadlessRun:
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
            title = STEP_INFO[event.step].title
            note = " (already done)" if event.reused else ""
            self.say(f"✓ {title}: {event.summary}{note}")
            for key in CREATED_KEYS.get(event.step, ()):
                if event.data.get(key):
                    self.created[key] = event.data[key]
            if event.step is StepId.SEND and event.data.get("last_message_id") and not event.reused:
                self._message_ids.add(event.data["last_message_id"])
        elif isinstance(event, StepFailed):
            self.say(f"✗ {STEP_INFO[event.step].title}: {event.message}")
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
        self.say(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", line))
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
        try:
            return await self._run(config)
        except MissingCredentials as error:
            self.fail(str(error))
            return EXIT_AUTH
        except (BandwidthError, StepError) as error:
            self.fail(_message(error), getattr(error, "hint", ""))
            self.print_created()
            return exit_code_for(getattr(error, "kind", None))
        except ConfigError as error:
            self.fail(str(error), "Fix the config file and run the same command again.")
            return EXIT_GENERAL
        finally:
            self._print_json()

    async def _run(self, config: ApplyConfig) -> int:
        from wizard.apply_setup import prepare

        async with prepare(self.args, config, on_callback=self.on_callback) as prepared:
            conn: ConnectionSettings = prepared.conn
            secrets: Secrets = prepared.secrets
            engine, clients = build_engine(conn, secrets, prepared.progress, on_event=self.on_event)
            try:
                inputs = prepared.inputs
                last = StepId.SEND if inputs.message_to else StepId.WAIT_ORDER
                if last is StepId.SEND and getattr(self.args, "send_again", False):
                    await engine.run_all(inputs, until=StepId.WAIT_ORDER)
                    await engine.run_step(StepId.SEND, inputs, reuse=False)
                else:
                    await engine.run_all(inputs, until=last)
            finally:
                await clients.aclose()
            if last is not StepId.SEND:
                self.say("No [message] to = ... in the config: stopping before sending.")
                return EXIT_OK
            await self._wait_for_outcome(prepared.callback_wait)
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


def _plain(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _message(error: Exception) -> str:
    return getattr(error, "message", None) or getattr(error, "description", None) or str(error)
