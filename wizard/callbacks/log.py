"""The receiver's memory across restarts: an append-only JSONL file of accepted events.

Every event is fsynced before the receiver answers 2xx, so an event the wizard acknowledged is
never lost; a torn last line (a crash mid-write) is skipped when the file is read back.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
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

    def count(self, matches: Callable[[CallbackEvent], bool]) -> int:
        """How many logged events `matches` picks (what `remove` would take out)."""
        return sum(1 for event in self.load() if matches(event))

    def remove(self, matches: Callable[[CallbackEvent], bool]) -> int:
        """Rewrite the log without the events `matches` picks; returns how many went.

        The new file replaces the old in one rename (written and fsynced first, mode 0600), so a
        crash leaves one or the other; lines that cannot be read are kept as they are, being
        nobody's to judge. A log left empty is deleted. A receiver appending at the same moment
        could lose its event to the rename: stop it first.
        """
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return 0
        kept: list[bytes] = []
        removed = 0
        for line in data.splitlines():
            if not line.strip():
                continue
            try:
                event = CallbackEvent.from_log_record(json.loads(line))
            except (ValueError, RecursionError):
                event = None
            if event is not None and matches(event):
                removed += 1
            else:
                kept.append(line + b"\n")
        if not removed:
            return 0
        if not kept:
            self.path.unlink(missing_ok=True)
            return removed
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(b"".join(kept))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        self._torn_tail = False
        return removed
