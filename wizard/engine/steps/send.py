"""Send a message: a text from a new number; the callbacks tell whether it was delivered.

A send is a create like any other, so it is never repeated blindly. Before the POST an in-flight
marker (from, to, text, when) is saved; it is cleared once Bandwidth has answered. A marker still
there on a later run means the program died or lost the answer, and the message may have gone:
today's API is asked (List Messages) and a match is adopted instead of sent again. The guide's
API cannot be asked, so a rerun stops and says so rather than guess.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from wizard.bandwidth.errors import BandwidthError
from wizard.core.errors import Kind, WizardError
from wizard.core.phone import display, e164
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId

if TYPE_CHECKING:
    from wizard.bandwidth.messaging import ListedMessage

SENDING_KEY = "sending"
"""Progress key of the in-flight marker: a send that has not been answered yet."""
SEND_LOOKUP_MARGIN = timedelta(hours=1)
SEND_LOOKUP_PAGES = 5
"""Pages of 100 searched for an unanswered send; a first message has only a few neighbours."""


class Send(Step):
    id = StepId.SEND
    title = "Send a message"
    why = "Sends a text from a new number; the callbacks tell whether it was delivered."
    page = "send"
    screen = "wizard.tui.screens.send:SendScreen"
    shown_id = ("last_message_id", "msg")
    created = ("last_message_id",)

    def ready_to_check(self, recorded: Mapping[str, Any]) -> bool:
        # A send whose answer never came: the run step looks it up.
        return not (recorded.get(SENDING_KEY) and not recorded.get("messages"))

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        return bool(recorded.get("messages"))

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        """Send one message; the recorded list keeps every message sent, newest last.

        `deliberate` is a person asking for another message on purpose: an unanswered earlier
        attempt is still looked up (and adopted when it is this very message), but a different
        message, or one the guide's API cannot check, is sent as asked.
        """
        if engine.messaging is None:
            raise WizardError(
                "No messaging credentials are set up.",
                "Add them on the Credentials step.",
                kind=Kind.AUTH,
            )
        numbers = list(engine.data(StepId.WAIT_ORDER).get("numbers") or [])
        sender = inputs.message_from or (numbers[0] if numbers else None)
        if not sender:
            raise WizardError("There is no number to send from.", "Order numbers first.")
        if not inputs.message_to:
            raise WizardError(
                "No destination number was given.",
                "Enter the number you want the message to go to.",
                kind=Kind.VALIDATION,
            )
        application_id = engine.data(StepId.APPLICATION)["application_id"]
        draft = {
            "from": sender,
            "to": list(inputs.message_to),
            "text": inputs.message_text,
            "media": list(inputs.media),
        }
        recorded = dict(engine.recorded(StepId.SEND) or {})
        marker = recorded.pop(SENDING_KEY, None)
        if isinstance(marker, Mapping):
            adopted = await _resolve_unanswered(engine, marker, recorded, deliberate=deliberate)
            if adopted is not None:
                recorded = adopted
                if not deliberate or _same_message(marker, draft):
                    return recorded

        problems = await preflight(engine, sender)
        if problems and not inputs.send_anyway:
            raise WizardError(
                "Not sent: " + " ".join(problem for problem, _ in problems),
                " ".join(fix for _, fix in problems)
                + " To send anyway, knowing it may fail, choose “Send anyway”"
                " (apply: --send-anyway).",
                kind=Kind.NOT_READY,
            )

        # Saved before the POST: if the answer is lost or the program dies, the next run
        # looks for this message instead of sending it again.
        engine.save(
            StepId.SEND,
            {
                **recorded,
                SENDING_KEY: {
                    **draft,
                    "attempt": f"bw-wizard-{uuid.uuid4().hex[:16]}",
                    "since": _utc_stamp(time.time()),
                },
            },
        )
        try:
            sent = await engine.messaging.send_message(
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
                engine.save(StepId.SEND, recorded or None)
            raise
        message = {
            "id": sent.id,
            "from": sent.from_number,
            "to": list(sent.to),
            "time": sent.time,
            "segments": sent.segment_count,
        }
        if problems:
            message["sent_anyway"] = [problem for problem, _ in problems]
        return _with_message(recorded, message)

    def summary(self, data: Mapping[str, Any]) -> str:
        if data.get("adopted"):
            return (
                f"message {data.get('adopted')} found: an earlier attempt had been accepted,"
                " so nothing was sent again"
            )
        last = next(
            (
                m
                for m in reversed(list(data.get("messages") or []))
                if isinstance(m, Mapping) and m.get("id") == data.get("last_message_id")
            ),
            {},
        )
        anyway = (
            " (sent anyway: a check before the send had failed)" if last.get("sent_anyway") else ""
        )
        return f"message {data.get('last_message_id')} accepted (202){anyway}"

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        inputs = plan.inputs
        user = plan.found.get("messaging_user") or plan.account_id or "{accountId}"
        url = f"{plan.messaging_url.rstrip('/')}/users/{user}/messages"
        body: dict[str, Any] = {
            "applicationId": plan.recorded(StepId.APPLICATION).get("application_id")
            or "{applicationId}",
            "to": list(inputs.message_to) or ["{to}"],
            "from": inputs.message_from or "{from}",
            "text": inputs.message_text,
        }
        if inputs.media:
            body["media"] = list(inputs.media)
        if inputs.tag:
            body["tag"] = inputs.tag
        if inputs.priority:
            body["priority"] = inputs.priority
        return [
            PlannedRequest(
                "POST",
                url,
                json.dumps(body, indent=2, ensure_ascii=False),
                "Answers 202 (queued); the callbacks below tell whether it arrived.",
            )
        ]


async def preflight(engine: StepContext, sender: str) -> list[tuple[str, str]]:
    """What Bandwidth's own CLI checks before a send, and what the wizard adds: each problem as
    (what is wrong, the exact fix). Empty when the message can be expected to arrive."""
    from wizard.bandwidth.hosts import is_local_url

    problems: list[tuple[str, str]] = []
    application = engine.data(StepId.APPLICATION)
    location = engine.recorded(StepId.LOCATION) or {}
    app_id = str(application.get("application_id") or "")
    location_id = str(location.get("location_id") or "")
    try:
        linked = await engine.dashboard.list_associated_locations(app_id)
    except WizardError as error:
        if error.kind is not Kind.FORBIDDEN:
            raise
        problems.append(
            (
                f"The link of application {app_id} to its location could not be checked "
                "(the credential lacks the application management role).",
                "Ask an administrator for the HTTP Application Management role.",
            )
        )
    else:
        if location_id and location_id not in {entry.location_id for entry in linked}:
            problems.append(
                (
                    f"Application {app_id} is not linked to location {location_id}, so the "
                    "number's messages report nowhere.",
                    "Run the “Assign application” step again.",
                )
            )
    callback = str(application.get("callback_url") or "")
    bandwidth_is_local = engine.messaging is not None and is_local_url(engine.messaging.base_url)
    if not bandwidth_is_local and _unreachable(callback):
        problems.append(
            (
                f"The callback URL {callback or '(none)'} is not a public https address, so "
                "Bandwidth cannot tell you whether the message arrived.",
                "Set the application's callback URL to your server or a tunnel (ngrok) on the "
                "Application step.",
            )
        )
    ready = engine.recorded(StepId.READY) or {}
    listed = [ready.get("number"), *(ready.get("ready_numbers") or [])]
    ready_numbers = {e164(str(n)) for n in listed if n}
    if ready.get("status") == "SKIPPED" and e164(str(ready.get("number") or "")) == e164(sender):
        problems.append(
            (
                f"Whether {display(sender)} can send was not checked ({ready.get('reason')}): "
                "carriers block texts from a number that is not on a registered 10DLC campaign "
                "(local) or verified (toll-free).",
                "Check the number in the Bandwidth App (Registration Center, or Toll-Free "
                "Verification), or finish the “Ready to send” step with a credential that has "
                "the role.",
            )
        )
    elif ready.get("status") not in ("SUCCESS", "VERIFIED") or e164(sender) not in ready_numbers:
        problems.append(
            (
                f"{display(sender)} is not ready to send: carriers block texts from a number that "
                "is not on a registered 10DLC campaign (local) or verified (toll-free).",
                "Finish the “Ready to send” step for this number.",
            )
        )
    return problems


def _unreachable(url: str) -> bool:
    """A callback URL Bandwidth cannot reach: not https, loopback, or a placeholder host."""
    from urllib.parse import urlsplit

    from wizard.bandwidth.hosts import is_local_url

    try:
        parts = urlsplit(url)
    except ValueError:
        return True
    host = (parts.hostname or "").lower()
    placeholder = host in ("example.com", "example.org", "example.net") or host.endswith(
        (".example.com", ".example", ".invalid", ".test")
    )
    return parts.scheme != "https" or not host or is_local_url(url) or placeholder


async def _resolve_unanswered(
    engine: StepContext,
    marker: Mapping[str, Any],
    recorded: Mapping[str, Any],
    *,
    deliberate: bool,
) -> dict[str, Any] | None:
    """What became of a send that was never answered: the record with the message adopted
    when Bandwidth has it, None when it did not go (or, on purpose, is not asked)."""
    assert engine.messaging is not None
    sender = e164(str(marker.get("from") or ""))
    to = [e164(str(number)) for number in marker.get("to") or []]
    if not engine.messaging.can_list_messages:
        if deliberate:
            return None
        raise WizardError(
            f"A message from {sender} to {', '.join(to)} was sent earlier, but the wizard "
            "stopped before Bandwidth answered, so it may already have gone.",
            "The guide's messaging API cannot look messages up, so the wizard will not "
            "send it again by itself: check the destination phone or your callback log. "
            "To send it again on purpose, run apply with --send-again, or press Send on "
            "the wizard's “Send a message” step.",
            kind=Kind.UNCERTAIN,
        )
    found = await _find_sent(engine, sender, to, str(marker.get("since") or ""), recorded)
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
    engine: StepContext, sender: str, to: Sequence[str], since: str, recorded: Mapping[str, Any]
) -> ListedMessage | None:
    """The first outbound message from `sender` to `to` that Bandwidth accepted around
    `since` and that is not one of ours already; None when there is none."""
    assert engine.messaging is not None
    known = {str(m.get("id")) for m in recorded.get("messages") or [] if isinstance(m, Mapping)}
    try:
        moment = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.now(UTC) - SEND_LOOKUP_MARGIN
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # The margin covers a clock that differs from Bandwidth's; ids already recorded keep an
    # earlier message of ours from being taken for this one.
    page_token: str | None = None
    for _ in range(SEND_LOOKUP_PAGES):
        page = await engine.messaging.list_messages(
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


def _utc_stamp(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


STEP = Send()
