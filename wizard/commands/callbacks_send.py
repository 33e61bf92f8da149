"""`bw-wizard callbacks replay` and `callbacks trigger`: Bandwidth's callbacks, sent on demand
to a handler you are writing, as `stripe events resend` and `stripe trigger` do for Stripe.

`replay` re-sends events from the receiver's log (`bw-wizard callbacks` and the wizard keep it),
each exactly as Bandwidth sent it; `trigger` makes one up (`wizard.callbacks.synthetic`), and
`--repeat` sends the very same event again, as Bandwidth's at-least-once delivery does, to show
whether the handler de-duplicates. Both go through `wizard.callbacks.sender`, which POSTs a JSON
array and answers the handler's Basic challenge the way Bandwidth does. Only argparse is imported
at the top: the CLI builds its help from this module.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

USER_ENV = "BW_CALLBACK_USER"
PASSWORD_ENV = "BW_CALLBACK_PASSWORD"
TRIGGERS = ("message-delivered", "message-failed", "message-received")
"""As `wizard.callbacks.synthetic.TRIGGER_TYPES` (not imported: `--help` stays light)."""


def add_actions(parser: argparse.ArgumentParser) -> None:
    """`replay` and `trigger` under `bw-wizard callbacks` (which alone still runs the receiver)."""
    actions = parser.add_subparsers(dest="action", metavar="[ACTION]", required=False)
    replay = actions.add_parser(
        "replay",
        help="re-send logged events to your handler, as Bandwidth sent them",
        description=(
            "Re-send events from the callback log to URL, one JSON array per event, answering "
            "the handler's Basic challenge as Bandwidth does."
        ),
    )
    replay.add_argument("--to", required=True, metavar="URL", help="your handler's URL")
    replay.add_argument(
        "--id",
        action="append",
        dest="ids",
        default=[],
        metavar="ID",
        help="a message id (or an event's key) to re-send; repeat it for several (default: all)",
    )
    replay.add_argument(
        "--log",
        dest="replay_log",
        default=None,
        metavar="FILE",
        help="the JSONL event log (default: callbacks.jsonl in the bw-wizard data directory)",
    )
    _credentials(replay)

    trigger = actions.add_parser(
        "trigger",
        help="send a made-up event (delivered, failed, received) to your handler",
        description=(
            "Send a synthetic event in Bandwidth's shape to URL; --repeat sends the same event "
            "again, as Bandwidth's at-least-once delivery does."
        ),
    )
    trigger.add_argument("event", choices=TRIGGERS, help="the event type")
    trigger.add_argument("--to", required=True, metavar="URL", help="your handler's URL")
    trigger.add_argument(
        "--error-code",
        type=int,
        default=None,
        metavar="N",
        help="message-failed's errorCode (e.g. 4720), required for message-failed",
    )
    trigger.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="send the same event N times (a handler must accept it once)",
    )
    trigger.add_argument(
        "--number", default=None, metavar="E164", help="your Bandwidth number (+19195550100)"
    )
    trigger.add_argument(
        "--peer", default=None, metavar="E164", help="the other phone (+19195550199)"
    )
    trigger.add_argument("--application-id", default=None, help="the event's applicationId")
    trigger.add_argument("--text", default="Hello from bw-wizard", help="message-received's text")
    _credentials(trigger)


def _credentials(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        dest="handler_user",
        default=None,
        metavar="USER",
        help=f"the Basic-auth user your handler checks (or {USER_ENV})",
    )
    parser.add_argument(
        "--password",
        dest="handler_password",
        default=None,
        metavar="PASSWORD",
        help=f"its password; better set {PASSWORD_ENV} so it stays out of `ps`",
    )
    parser.add_argument("--json", action="store_true", help="print the deliveries as JSON")


def run_action(args: argparse.Namespace) -> int:
    """0 when the handler accepted every delivery (2xx), 1 when any was refused or unanswered,
    2 for bad arguments, 3 when no logged event matches."""
    import asyncio

    from wizard.core.errors import WizardError, exit_code

    try:
        return asyncio.run(_send(args))
    except WizardError as error:
        print(f"error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"  next: {error.hint}", file=sys.stderr)
        return exit_code(error.kind)


async def _send(args: argparse.Namespace) -> int:
    import json

    from wizard.callbacks.sender import CallbackSender
    from wizard.core.errors import Kind, WizardError

    url = args.to.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise WizardError(
            f"--to must be an http(s) URL, not {url!r}.",
            "Give your handler's URL, e.g. http://127.0.0.1:8000/callbacks.",
            kind=Kind.VALIDATION,
        )
    bodies = _replayed(args) if args.action == "replay" else _triggered(args)
    user = args.handler_user or os.environ.get(USER_ENV) or None
    password = args.handler_password or os.environ.get(PASSWORD_ENV) or None
    lines = sys.stderr if args.json else sys.stdout
    report: list[dict[str, Any]] = []
    async with CallbackSender(url, user=user, password=password) as sender:
        for label, event in bodies:
            delivery = await sender.send([event])
            mark = "✓" if delivery.accepted else "✗"
            print(f"{mark} {label}: {delivery.describe()}", file=lines, flush=True)
            report.append({"event": label, **delivery.as_dict()})
    if args.json:
        print(json.dumps(report, indent=2))
    return 0 if all(entry["accepted"] for entry in report) else 1


def _replayed(args: argparse.Namespace) -> list[tuple[str, Any]]:
    from pathlib import Path

    from wizard.callbacks.log import EventLog
    from wizard.core.errors import Kind, WizardError
    from wizard.storage.paths import data_dir

    path = Path(args.replay_log).expanduser() if args.replay_log else data_dir() / "callbacks.jsonl"
    log = EventLog(path)
    events = log.load()
    if log.load_error:
        raise WizardError(log.load_error, kind=Kind.GENERAL)
    wanted = set(args.ids)
    chosen = [e for e in events if not wanted or e.message_id in wanted or e.key in wanted]
    if not chosen:
        what = f"for {', '.join(sorted(wanted))}" if wanted else "at all"
        raise WizardError(
            f"The callback log {path} holds no event {what}.",
            "Events are logged by `bw-wizard callbacks` and the wizard's own receiver; "
            "`--log FILE` reads another log.",
            kind=Kind.NOT_FOUND,
        )
    return [(_label(e.type, e.message_id, e.to), dict(e.raw)) for e in chosen]


def _triggered(args: argparse.Namespace) -> list[tuple[str, Any]]:
    from wizard.callbacks import synthetic
    from wizard.core.errors import Kind, WizardError
    from wizard.core.phone import normalize_e164

    if args.repeat < 1:
        raise WizardError("--repeat must be 1 or more.", kind=Kind.VALIDATION)
    if args.event == "message-failed" and args.error_code is None:
        raise WizardError(
            "message-failed needs an error code.",
            "Add --error-code N, e.g. 4720 (invalid destination) or 4476 (not on a 10DLC "
            "campaign).",
            kind=Kind.VALIDATION,
        )
    if args.error_code is not None and args.event != "message-failed":
        raise WizardError("--error-code goes with message-failed only.", kind=Kind.VALIDATION)
    numbers = {}
    for name, given, default in (
        ("--number", args.number, synthetic.EXAMPLE_NUMBER),
        ("--peer", args.peer, synthetic.EXAMPLE_PEER),
    ):
        try:
            numbers[name] = normalize_e164(given) if given else default
        except ValueError as error:
            raise WizardError(f"{name}: {error}", kind=Kind.VALIDATION) from None
    event = synthetic.synthetic_event(
        args.event,
        number=numbers["--number"],
        peer=numbers["--peer"],
        application_id=args.application_id or synthetic.EXAMPLE_APPLICATION,
        error_code=args.error_code,
        text=args.text,
    )
    label = _label(event["type"], event["message"]["id"], event["to"])
    return [(label, event)] * args.repeat


def _label(kind: str, message_id: str | None, to: str) -> str:
    from wizard.core.safe import printable

    return printable(f"{kind or 'event'} for message {message_id or '?'} to {to or '?'}")
