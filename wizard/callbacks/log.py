"""The receiver's memory across restarts: an append-only JSONL file of accepted events.

Every event is fsynced before the receiver answers 2xx, so an event the wizard acknowledged is
never lost; a torn last line (a crash mid-write) is skipped when the file is read back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from wizard.callbacks.event import CallbackEvent


class EventLog:
    """Append-only JSONL file of accepted events; the receiver's memory across restarts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped_lines = 0
        self.load_error: str | None = None
        self._torn_tail = False

    def load(self) -> list[CallbackEvent]:
        """Every event in the file; lines that cannot be read (a torn last line) are skipped."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            # Unreadable (a directory, no permission): start empty; writes will fail the same
            # way and answer 503, so Bandwidth keeps the events and the UI shows last_error.
            self.load_error = f"Cannot read the callback log {self.path}: {error.strerror}."
            return []
        self._torn_tail = bool(data) and not data.endswith(b"\n")
        events: list[CallbackEvent] = []
        for line in data.splitlines():
            if not line.strip():
                continue
            try:
                event = CallbackEvent.from_log_record(json.loads(line))
            except (ValueError, RecursionError):
                event = None
            if event is None:
                self.skipped_lines += 1
            else:
                events.append(event)
        return events

    def append(self, events: Sequence[CallbackEvent]) -> None:
        """Write and fsync (blocking: run it in a thread); the 2xx is sent only after this."""
        payload = b"".join(event.to_log_line() for event in events)
        if self._torn_tail:
            payload = b"\n" + payload
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        self._torn_tail = False
