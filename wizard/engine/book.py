"""The engine's view of saved progress: what each step recorded, saved after every change.

A protocol, so the engine does not depend on the file format: `wizard.storage.progress` provides
the file-backed book, and `MemoryProgress` the one tests and previews use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from wizard.engine.step import StepId


class ProgressBook(Protocol):
    def get(self, step: StepId) -> Mapping[str, Any] | None:
        """What the step recorded, or None when nothing was."""

    def record(self, step: StepId, data: Mapping[str, Any]) -> None:
        """Keep what the step recorded; durable before this returns."""

    def forget(self, step: StepId) -> None:
        """The step is no longer done (what it recorded is gone on Bandwidth's side)."""


class MemoryProgress:
    """Progress that lives only as long as the process (tests, request previews)."""

    def __init__(self) -> None:
        self.steps: dict[str, dict[str, Any]] = {}

    def get(self, step: StepId) -> Mapping[str, Any] | None:
        return self.steps.get(str(step))

    def record(self, step: StepId, data: Mapping[str, Any]) -> None:
        self.steps[str(step)] = dict(data)

    def forget(self, step: StepId) -> None:
        self.steps.pop(str(step), None)
