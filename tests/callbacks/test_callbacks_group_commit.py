"""Group commit: requests in flight together share one write and one fsync, and each still gets
its 2xx only once its own events are on disk. The in-memory history is capped; de-dup is not.

These call the receiver as an ASGI app, with fsync held at a gate, so what is queued behind a
write is known exactly (no timing, no sleeps).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.callbacks.helpers import log_lines
from wizard.callbacks.event import CallbackEvent
from wizard.callbacks.receiver import CallbackReceiver


def event(message_id: str, kind: str = "message-delivered") -> dict[str, Any]:
    return {
        "type": kind,
        "time": "2026-01-01T00:00:00Z",
        "description": "ok",
        "to": "+19195550100",
        "message": {"id": message_id, "to": ["+19195550100"], "from": "+19195551234"},
    }


class FsyncGate:
    """os.fsync that counts its calls and, while closed, holds each caller until opened."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.fail_with: OSError | None = None
        real = os.fsync

        def fsync(fd: int) -> None:
            self.calls += 1
            self.entered.set()
            if not self.opened.wait(10):
                raise AssertionError("the fsync gate was never opened")
            if self.fail_with is not None:
                raise self.fail_with
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    async def wait_entered(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, 10), "no write reached fsync"


async def post(receiver: CallbackReceiver, body: Any) -> tuple[int, dict[str, Any]]:
    """One POST through the ASGI interface; (status, JSON answer)."""
    raw = json.dumps(body).encode()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": raw, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": receiver.path,
        "headers": [(b"content-type", b"application/json")],
    }
    await receiver(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    answer = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(answer)


async def test_requests_queued_behind_a_write_share_the_next_fsync(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gate = FsyncGate(monkeypatch)
    log_path = tmp_path / "callbacks.jsonl"
    seen: list[CallbackEvent] = []
    receiver = CallbackReceiver(log_path=log_path, on_event=seen.append)

    first = asyncio.create_task(post(receiver, [event("m0")]))
    await gate.wait_entered()  # m0 is being written; everything after it has to wait
    rest = [asyncio.create_task(post(receiver, [event(f"m{i}")])) for i in range(1, 20)]
    await asyncio.sleep(0)  # let each new request run up to its wait for the log
    assert not any(task.done() for task in [first, *rest])  # nobody answered before fsync
    assert seen == []

    gate.opened.set()
    answers = await asyncio.gather(first, *rest)

    assert [status for status, _ in answers] == [200] * 20
    assert gate.calls == 2  # m0 alone, then m1..m19 together
    assert [e.message_id for e in seen] == [f"m{i}" for i in range(20)]  # arrival order
    assert len(log_lines(log_path)) == 20
    assert [e.message_id for e in receiver.history] == [f"m{i}" for i in range(20)]


async def test_a_redelivery_waits_for_the_original_write_and_shares_its_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gate = FsyncGate(monkeypatch)
    gate.fail_with = OSError(28, "No space left on device")
    seen: list[CallbackEvent] = []
    receiver = CallbackReceiver(log_path=tmp_path / "callbacks.jsonl", on_event=seen.append)

    original = asyncio.create_task(post(receiver, [event("m1")]))
    await gate.wait_entered()
    redelivery = asyncio.create_task(post(receiver, [event("m1")]))
    await asyncio.sleep(0)
    assert not redelivery.done()  # a 2xx now would acknowledge an event not yet on disk

    gate.opened.set()
    assert [status for status, _ in await asyncio.gather(original, redelivery)] == [503, 503]
    assert seen == [] and receiver.history == ()
    assert receiver.last_error and "No space left on device" in receiver.last_error

    gate.fail_with = None  # the disk has room again: Bandwidth's retry is accepted as new
    status, answer = await post(receiver, [event("m1")])
    assert (status, answer) == (200, {"accepted": 1, "duplicates": 0})
    assert [e.message_id for e in seen] == ["m1"]


async def test_history_is_capped_but_every_event_is_still_known_and_logged(tmp_path: Path) -> None:
    log_path = tmp_path / "callbacks.jsonl"
    receiver = CallbackReceiver(log_path=log_path, max_history=3)
    for i in range(5):
        assert (await post(receiver, [event(f"m{i}")]))[0] == 200
    assert [e.message_id for e in receiver.history] == ["m2", "m3", "m4"]

    status, answer = await post(receiver, [event("m0")])  # long out of the history
    assert (status, answer) == (200, {"accepted": 0, "duplicates": 1})
    assert len(log_lines(log_path)) == 5

    restarted = CallbackReceiver(log_path=log_path, max_history=3)
    assert restarted.restored_count == 5
    assert [e.message_id for e in restarted.history] == ["m2", "m3", "m4"]
    assert (await post(restarted, [event("m1")]))[1] == {"accepted": 0, "duplicates": 1}
