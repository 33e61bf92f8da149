"""The receiver's state a teardown removes from this computer: the callback events about the
setup's numbers and messages, and the work directories of sandbox runs that were killed.

The callback log is shared by every run on this computer (`bw-wizard callbacks` writes it too),
so only the events that name one of the setup's numbers or messages go; the rest stay. A sandbox
run's directory (its progress and callback log) is normally removed when the run ends; one whose
process was killed stays behind until the next sandbox run or this.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from wizard.bandwidth.models import us_e164
from wizard.callbacks.event import CallbackEvent
from wizard.callbacks.log import EventLog


@dataclass
class LocalState:
    """What of the receiver's state belongs to one setup."""

    log_path: Path
    numbers: frozenset[str]
    """The setup's numbers (E.164)."""
    message_ids: frozenset[str]
    events: int = 0
    """Events in the log about the setup (counted when found)."""
    workdirs: list[Path] = field(default_factory=list)
    """Directories of killed sandbox runs."""

    @classmethod
    def find(
        cls,
        log_path: Path,
        numbers: Iterable[str],
        message_ids: Iterable[str],
        *,
        sandbox_dirs: bool = False,
    ) -> LocalState:
        from wizard.session.workdir import stale_dirs

        state = cls(
            log_path,
            frozenset(us_e164(str(n)) for n in numbers if n),
            frozenset(str(m) for m in message_ids if m),
        )
        state.events = EventLog(log_path).count(state.about_setup)
        if sandbox_dirs:
            state.workdirs = stale_dirs(Path(tempfile.gettempdir()))
        return state

    @property
    def is_empty(self) -> bool:
        return not self.events and not self.workdirs

    def about_setup(self, event: CallbackEvent) -> bool:
        """True for an event about one of the setup's messages or numbers (either end)."""
        if event.message_id and event.message_id in self.message_ids:
            return True
        ends = {event.to, event.from_number or "", event.owner or ""}
        return bool(ends & self.numbers)

    def lines(self) -> list[str]:
        out = []
        if self.events:
            noun = "event" if self.events == 1 else "events"
            out.append(
                f"{self.events} callback {noun} about this setup's numbers and messages, "
                f"from {self.log_path}"
            )
        for path in self.workdirs:
            out.append(f"{path} (left by a sandbox run that was killed)")
        return out

    def remove(self) -> list[str]:
        """Remove it all; returns a line per thing removed."""
        from wizard.session.workdir import sweep_stale

        done = []
        removed = EventLog(self.log_path).remove(self.about_setup) if self.events else 0
        if removed:
            noun = "event" if removed == 1 else "events"
            done.append(f"callback log: {removed} {noun} about this setup removed")
        if self.workdirs:
            swept = sweep_stale(Path(tempfile.gettempdir()))
            if swept:
                done.append(f"sandbox work directories: {len(swept)} left by killed runs removed")
        return done
