"""Taking events out of the callback log: the rest stays byte for byte, unreadable lines stay,
and a log left empty is deleted."""

from __future__ import annotations

from pathlib import Path

from wizard.callbacks.event import CallbackEvent
from wizard.callbacks.log import EventLog


def _line(message_id: str) -> bytes:
    event = {"type": "message-delivered", "to": "+19195550100", "message": {"id": message_id}}
    return CallbackEvent.from_payload(event, authenticated=True).to_log_line()


def test_only_the_chosen_events_go(tmp_path: Path) -> None:
    path = tmp_path / "callbacks.jsonl"
    torn = b'{"v":1,"event":{"type":"mess'
    a, b = _line("a"), _line("b")
    path.write_bytes(a + b + torn + b"\n" + a)
    log = EventLog(path)

    def chosen(event: CallbackEvent) -> bool:
        return event.message_id == "a"

    assert log.count(chosen) == 2
    assert log.remove(chosen) == 2
    assert path.read_bytes() == b + torn + b"\n"
    assert log.remove(chosen) == 0
    assert [e.message_id for e in EventLog(path).load()] == ["b"]


def test_a_log_left_empty_is_deleted(tmp_path: Path) -> None:
    path = tmp_path / "callbacks.jsonl"
    path.write_bytes(_line("a"))
    assert EventLog(path).remove(lambda event: True) == 1
    assert not path.exists()
    assert EventLog(path).remove(lambda event: True) == 0
