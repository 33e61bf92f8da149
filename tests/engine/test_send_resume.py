"""Sending a message is a create like any other: a rerun never sends it twice.

Each test drives the engine against the shared sandbox and makes the send's answer go missing
in one precise way (the sandbox carries the POST out and then drops or holds its answer, or
drops the connection before the POST reaches it), then reruns with the same progress and
counts what the sandbox holds and which requests it got.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.engine.helpers import control, inputs, make_engine, state
from wizard.bandwidth.errors import BandwidthError
from wizard.core.errors import WizardError
from wizard.engine.book import MemoryProgress
from wizard.engine.events import RequestSent, StepDone, StepFailed
from wizard.engine.step import StepId

MESSAGES = "/api/v2/users/{account}/messages"
LEGACY = "/v2/users/{user}/messages"


class RecordingProgress(MemoryProgress):
    """MemoryProgress that also notes, in one timeline with the requests, every save."""

    def __init__(self, timeline: list[tuple[str, Any]]) -> None:
        super().__init__()
        self.timeline = timeline

    def record(self, step: StepId, data: Any) -> None:
        super().record(step, data)
        self.timeline.append(("record", (str(step), dict(data))))

    def forget(self, step: StepId) -> None:
        super().forget(step)
        self.timeline.append(("forget", str(step)))


def calls(sandbox: Any, method: str, route: str = MESSAGES) -> int:
    held = state(sandbox)["requests"]["recent"]
    return sum(1 for r in held if r["method"] == method and r["route"] == route)


def messaging_fault(sandbox: Any, **spec: Any) -> None:
    path = f"/api/v2/users/{sandbox.identity.account_id}/messages"
    control(sandbox, "faults", {"method": "POST", "path": path, **spec})


async def run(
    sandbox: Any, progress: MemoryProgress, *, step: StepId | None = None, **options: Any
) -> tuple[list[Any], BaseException | None]:
    """All steps (or just `step`, with `reuse` etc. from options) with a fresh engine."""
    conn_changes = options.pop("conn", {})
    given = options.pop("inputs", None)
    engine, clients, events = make_engine(sandbox, progress, **conn_changes)
    error: BaseException | None = None
    async with clients.dashboard, clients.messaging:
        try:
            if step is None:
                await engine.run_all(given or inputs(sandbox))
            else:
                await engine.run_step(step, given or inputs(sandbox), **options)
        except WizardError as caught:
            error = caught
    return events, error


async def ready(sandbox: Any, progress: MemoryProgress, **conn: Any) -> None:
    """Everything up to a ready number, so only the send is left."""
    engine, clients, _ = make_engine(sandbox, progress, **conn)
    async with clients.dashboard, clients.messaging:
        await engine.run_all(inputs(sandbox), until=StepId.READY)


def sent_ids(progress: MemoryProgress) -> list[str]:
    return [m["id"] for m in (progress.get(StepId.SEND) or {}).get("messages") or []]


async def test_the_marker_is_saved_before_the_post_and_cleared_after(sandbox) -> None:
    timeline: list[tuple[str, Any]] = []
    progress = RecordingProgress(timeline)
    await ready(sandbox, progress)
    timeline.clear()
    engine, clients, _ = make_engine(sandbox, progress)
    engine.subscribe(
        lambda e: (
            timeline.append(("request", e.method, e.url)) if isinstance(e, RequestSent) else None
        )
    )
    async with clients.dashboard, clients.messaging:
        await engine.run_step(StepId.SEND, inputs(sandbox))
    first_post = next(i for i, e in enumerate(timeline) if e[:2] == ("request", "POST"))
    saved_before = [entry for entry in timeline[:first_post] if entry[0] == "record"]
    assert saved_before, "nothing was saved before the POST"
    marker = saved_before[-1][1][1]["sending"]
    assert marker["from"].startswith("+1") or marker["from"].isdigit()
    assert marker["to"] == ["+19195550100"] and marker["text"] == "hello"
    assert marker["since"].endswith("Z") and marker["attempt"].startswith("bw-wizard-")
    final = progress.get(StepId.SEND) or {}
    assert "sending" not in final and len(final["messages"]) == 1
    lookups = [e for e in timeline if e[:2] == ("request", "GET") and "/messages" in e[2]]
    assert not lookups, "a send with no earlier attempt looks nothing up"


async def test_lost_answer_is_found_and_adopted_not_sent_again(sandbox) -> None:
    progress = MemoryProgress()
    await ready(sandbox, progress)
    messaging_fault(sandbox, kind="drop", after=True)
    events, error = await run(sandbox, progress)
    assert isinstance(error, BandwidthError) and error.kind == "network"
    assert (progress.get(StepId.SEND) or {}).get("sending"), "the marker must survive the error"
    held = state(sandbox)
    assert len(held["messages"]) == 1, "the sandbox carried the POST out"

    events, error = await run(sandbox, progress)
    assert error is None, error
    held = state(sandbox)
    assert len(held["messages"]) == 1, "the rerun sent the message a second time"
    assert calls(sandbox, "POST") == 1 and calls(sandbox, "GET") == 1
    assert sent_ids(progress) == [held["messages"][0]["id"]]
    recorded = progress.get(StepId.SEND) or {}
    assert "sending" not in recorded and recorded["adopted"] == held["messages"][0]["id"]
    done = [e for e in events if isinstance(e, StepDone) and e.step is StepId.SEND]
    assert len(done) == 1 and not done[0].reused
    assert "nothing was sent again" in done[0].summary

    events, error = await run(sandbox, progress)  # and a third run just confirms it
    assert error is None and calls(sandbox, "POST") == 1 and calls(sandbox, "GET") == 1


async def test_post_that_never_arrived_is_sent_once_after_looking(sandbox) -> None:
    progress = MemoryProgress()
    await ready(sandbox, progress)
    messaging_fault(sandbox, kind="drop")  # closed before the handler: nothing was sent
    _, error = await run(sandbox, progress)
    assert isinstance(error, BandwidthError) and error.kind == "network"
    assert state(sandbox)["messages"] == []

    _, error = await run(sandbox, progress)
    assert error is None, error
    held = state(sandbox)
    assert len(held["messages"]) == 1
    assert calls(sandbox, "GET") == 1, "the rerun must look before it sends"
    assert sent_ids(progress) == [held["messages"][0]["id"]]


async def test_a_refusal_clears_the_marker_so_the_rerun_just_sends(sandbox) -> None:
    progress = MemoryProgress()
    await ready(sandbox, progress)
    messaging_fault(
        sandbox,
        kind="status",
        status=400,
        body='{"type": "request-validation", "description": "Your request could not be accepted"}',
    )
    _, error = await run(sandbox, progress)
    assert isinstance(error, BandwidthError) and error.status == 400
    assert progress.get(StepId.SEND) is None, "a 400 means nothing went: no marker to resolve"
    _, error = await run(sandbox, progress)
    assert error is None and len(state(sandbox)["messages"]) == 1
    assert calls(sandbox, "GET") == 0


async def test_a_marker_alone_is_not_done_and_is_not_forgotten(sandbox) -> None:
    progress = MemoryProgress()
    await ready(sandbox, progress)
    messaging_fault(sandbox, kind="drop", after=True)
    await run(sandbox, progress)
    engine, clients, _ = make_engine(sandbox, progress)
    async with clients.dashboard, clients.messaging:
        assert await engine.first_pending() is StepId.SEND
    assert (progress.get(StepId.SEND) or {}).get("sending"), "checking must not drop the marker"


async def test_a_failed_lookup_stops_and_sends_nothing(sandbox) -> None:
    progress = MemoryProgress()
    await ready(sandbox, progress)
    messaging_fault(sandbox, kind="drop", after=True)
    await run(sandbox, progress)
    path = f"/api/v2/users/{sandbox.identity.account_id}/messages"
    # Twice: a 401 first makes the client fetch a new token and ask once more.
    fault = {"method": "GET", "path": path, "kind": "status", "status": 401, "count": 2}
    control(sandbox, "faults", fault)
    events, error = await run(sandbox, progress)
    assert isinstance(error, BandwidthError) and error.kind == "auth"
    failed = [e for e in events if isinstance(e, StepFailed)]
    assert [(e.step, e.kind) for e in failed] == [(StepId.SEND, "auth")]
    assert calls(sandbox, "POST") == 1 and len(state(sandbox)["messages"]) == 1
    assert (progress.get(StepId.SEND) or {}).get("sending")


async def test_an_earlier_message_of_ours_is_not_taken_for_the_lost_one(sandbox) -> None:
    progress = MemoryProgress()
    await ready(sandbox, progress)
    _, error = await run(sandbox, progress)  # the first message, answered
    assert error is None
    first = sent_ids(progress)
    messaging_fault(sandbox, kind="drop", after=True)
    _, error = await run(sandbox, progress, step=StepId.SEND, reuse=False)
    assert isinstance(error, BandwidthError)
    held = state(sandbox)
    assert len(held["messages"]) == 2
    # The same message again, on purpose: the lost one is found and adopted, not sent a third time.
    _, error = await run(sandbox, progress, step=StepId.SEND, reuse=False)
    assert error is None, error
    held = state(sandbox)
    assert len(held["messages"]) == 2
    assert sent_ids(progress) == [*first, held["messages"][1]["id"]]
    # Pressing Send once more now really sends another.
    _, error = await run(sandbox, progress, step=StepId.SEND, reuse=False)
    assert error is None and len(state(sandbox)["messages"]) == 3
    assert len(sent_ids(progress)) == 3


async def test_on_purpose_a_different_message_still_goes_after_adopting(sandbox) -> None:
    progress = MemoryProgress()
    await ready(sandbox, progress)
    messaging_fault(sandbox, kind="drop", after=True)
    await run(sandbox, progress)
    other = inputs(sandbox, message_text="a different text")
    _, error = await run(sandbox, progress, step=StepId.SEND, reuse=False, inputs=other)
    assert error is None, error
    held = state(sandbox)
    assert [m["text"] for m in held["messages"]] == ["hello", "a different text"]
    assert sent_ids(progress) == [m["id"] for m in held["messages"]]


@pytest.fixture
def guide(sandbox) -> dict[str, Any]:
    """The guide's catapult messaging API: userId, token and secret, and no List Messages."""
    return {"generation": "guide", "messaging_url": sandbox.legacy_messaging_url}


async def test_guide_api_stops_as_uncertain_and_sends_again_only_on_purpose(sandbox, guide) -> None:
    progress = MemoryProgress()
    await ready(sandbox, progress, **guide)
    path = f"/v2/users/{sandbox.identity.user_id}/messages"
    control(sandbox, "faults", {"method": "POST", "path": path, "kind": "drop", "after": True})
    _, error = await run(sandbox, progress, conn=guide)
    assert isinstance(error, BandwidthError) and error.kind == "network"
    assert len(state(sandbox)["messages"]) == 1

    events, error = await run(sandbox, progress, conn=guide)
    assert isinstance(error, WizardError) and error.kind == "uncertain"
    assert "may already have gone" in error.message
    assert "Send" in error.hint and "on purpose" in error.hint
    failed = [e for e in events if isinstance(e, StepFailed)]
    assert [(e.step, e.kind) for e in failed] == [(StepId.SEND, "uncertain")]
    assert calls(sandbox, "POST", LEGACY) == 1, "an uncertain send must not be repeated"
    assert (progress.get(StepId.SEND) or {}).get("sending"), "the marker stays until resolved"

    # The send screen's Send button (run_step(SEND, reuse=False)) still sends, as asked.
    _, error = await run(sandbox, progress, conn=guide, step=StepId.SEND, reuse=False)
    assert error is None, error
    assert calls(sandbox, "POST", LEGACY) == 2 and len(state(sandbox)["messages"]) == 2
    recorded = progress.get(StepId.SEND) or {}
    assert "sending" not in recorded and len(recorded["messages"]) == 1


async def test_guide_api_first_send_works_and_sends_once(sandbox, guide) -> None:
    progress = MemoryProgress()
    await ready(sandbox, progress, **guide)
    _, error = await run(sandbox, progress, conn=guide)
    assert error is None, error
    _, error = await run(sandbox, progress, conn=guide)
    assert error is None
    assert calls(sandbox, "POST", LEGACY) == 1 and len(state(sandbox)["messages"]) == 1


async def test_the_client_lists_messages_and_refuses_on_the_guide_api(sandbox) -> None:
    progress = MemoryProgress()
    await ready(sandbox, progress)
    _, error = await run(sandbox, progress)
    assert error is None
    (message,) = state(sandbox)["messages"]
    _, clients, _ = make_engine(sandbox, progress)
    async with clients.dashboard, clients.messaging:
        assert clients.messaging.can_list_messages
        page = await clients.messaging.list_messages(
            source_tn=message["from"], destination_tn=["+19195550100"], limit=1
        )
        assert [m.message_id for m in page.messages] == [message["id"]]
        assert page.total_count == 1 and page.next_page_token is None
        assert page.messages[0].direction == "OUTBOUND" and page.messages[0].segment_count == 1
        with pytest.raises(ValueError):
            await clients.messaging.list_messages()
    recent = state(sandbox)["requests"]["recent"]
    assert len([r for r in recent if r["method"] == "GET" and r["route"] == MESSAGES]) == 1
    _, clients, _ = make_engine(
        sandbox, progress, generation="guide", messaging_url=sandbox.legacy_messaging_url
    )
    async with clients.dashboard, clients.messaging:
        assert not clients.messaging.can_list_messages
        with pytest.raises(BandwidthError) as raised:
            await clients.messaging.list_messages(source_tn=message["from"])
        assert "cannot list messages" in str(raised.value)
