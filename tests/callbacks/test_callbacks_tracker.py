"""MessageTracker: callbacks tied to the message they belong to, replies to the conversation."""

from __future__ import annotations

import json

from tests.callbacks.helpers import SAMPLE_NAMES, sample
from wizard.callbacks.event import CallbackEvent
from wizard.callbacks.tracker import MessageTracker

OURS, THEIRS, OTHER = "+19195551234", "+19195550100", "+19195554432"


def cb(kind: str, to: str, message_id: str = "m1", time: str = "t1", **extra) -> CallbackEvent:
    raw = {
        "type": kind,
        "time": time,
        "description": extra.pop("description", ""),
        "to": to,
        "message": {
            "id": message_id,
            "from": extra.pop("from_", OURS),
            "to": extra.pop("recipients", [to]),
            "text": extra.pop("text", ""),
            "direction": "in" if kind == "message-received" else "out",
        },
        **extra,
    }
    return CallbackEvent.from_payload(raw, authenticated=True)


def test_a_delivered_message_shows_its_whole_timeline():
    tracker = MessageTracker()
    timeline = tracker.record_sent("m1", [THEIRS], from_number=OURS, text="Hi", time="t0")
    assert timeline.status == "accepted" and not timeline.done
    assert tracker.apply(cb("message-sending", THEIRS)) is timeline
    assert timeline.status == "sending"
    tracker.apply(cb("message-sent", THEIRS, time="t2"))
    assert timeline.status == "sent"
    tracker.apply(cb("message-delivered", THEIRS, time="t3", description="ok"))
    assert [e.stage for e in timeline.entries] == ["accepted", "sending", "sent", "delivered"]
    assert timeline.entries[0].time == "t0" and timeline.entries[-1].description == "ok"
    assert timeline.status == "delivered" and timeline.done
    assert timeline.outcomes == {THEIRS: "delivered"}
    assert timeline.sent_here and timeline.text == "Hi"


def test_a_failed_destination_carries_its_code_and_explanation():
    tracker = MessageTracker()
    timeline = tracker.record_sent("m1", [THEIRS, OTHER], from_number=OURS, text="Hi")
    tracker.apply(cb("message-delivered", THEIRS, recipients=[THEIRS, OTHER]))
    assert timeline.status == "sent" and not timeline.done
    tracker.apply(cb("message-failed", OTHER, errorCode=4432, recipients=[THEIRS, OTHER]))
    failed = timeline.entries[-1]
    assert failed.stage == "failed" and failed.error_code == 4432 and failed.label == "failed 4432"
    assert failed.explanation is not None and "country" in failed.explanation.meaning
    assert timeline.status == "failed" and timeline.done
    assert timeline.outcomes == {THEIRS: "delivered", OTHER: "failed"}


def test_callbacks_arriving_before_the_202_are_kept_and_ordered():
    tracker = MessageTracker()
    tracker.apply(cb("message-delivered", THEIRS, time="t3"))
    tracker.apply(cb("message-sending", THEIRS, time="t1"))
    early = tracker.get("m1")
    assert early is not None and not early.sent_here
    timeline = tracker.record_sent("m1", THEIRS, from_number=OURS, text="Hi")
    assert timeline is early and timeline.sent_here and timeline.to == (THEIRS,)
    assert [e.stage for e in timeline.entries] == ["accepted", "sending", "delivered"]


def test_applying_the_same_event_twice_changes_nothing():
    tracker = MessageTracker()
    timeline = tracker.record_sent("m1", THEIRS, from_number=OURS, text="Hi")
    event = cb("message-delivered", THEIRS)
    tracker.apply(event)
    assert tracker.apply(event) is timeline
    tracker.apply(CallbackEvent.from_payload(dict(event.raw), authenticated=False))
    assert [e.stage for e in timeline.entries] == ["accepted", "delivered"]


def test_replies_tie_to_the_conversation_by_number():
    tracker = MessageTracker()
    first = tracker.record_sent("m1", THEIRS, from_number=OURS, text="Hi")
    latest = tracker.record_sent("m2", [THEIRS, OTHER], from_number=OURS, text="Again")
    reply = cb("message-received", OURS, message_id="in-1", from_=THEIRS, text="Hello back")
    assert tracker.apply(reply) is latest
    (entry,) = latest.replies
    assert (entry.stage, entry.from_number, entry.text) == ("received", THEIRS, "Hello back")
    assert first.replies == []
    assert tracker.conversation(THEIRS) == (entry,)
    assert tracker.apply(reply) is latest and len(latest.replies) == 1
    stranger = cb("message-received", OURS, message_id="in-2", from_="+19195550999", text="?")
    assert tracker.apply(stranger) is None
    assert len(tracker.conversation("+19195550999")) == 1


def test_unknown_events_and_events_without_ids():
    tracker = MessageTracker()
    timeline = tracker.record_sent("m1", THEIRS, from_number=OURS, text="Hi")
    assert tracker.apply(cb("message-read", THEIRS)) is timeline
    assert timeline.entries[-1].stage == "unknown" and timeline.entries[-1].type == "message-read"
    assert tracker.apply(cb("message-read", THEIRS, message_id="elsewhere")) is None
    assert "elsewhere" not in tracker
    no_id = CallbackEvent.from_payload({"type": "message-sent"}, authenticated=True)
    assert tracker.apply(no_id) is None


def test_the_verbatim_samples_build_timelines():
    tracker = MessageTracker()
    events = [
        CallbackEvent.from_payload(json.loads(sample(name))[0], authenticated=True)
        for name in SAMPLE_NAMES
    ]
    tracker.apply_all(events)
    first = tracker.get("14762070468292kw2fuqty55yp2b2")
    second = tracker.get("1593110555875xo7watq5px6rbe5d")
    assert first is not None and second is not None
    assert first.outcomes == {"+12345678902": "delivered", "+52345678903": "failed"}
    assert first.status == "failed" and first.done
    assert [e.stage for e in second.entries] == ["sending", "sent"]
    assert second.status == "sent"
    assert [m.message_id for m in tracker.messages] == [first.message_id, second.message_id]
