"""Textual runs every class's `on_mount` and `on_screen_resume` along the MRO by itself: a screen
that also calls `super()` runs the base handler twice (two lookups, two focus moves). Each
handler must run exactly once per mount and once per return to the page."""

from __future__ import annotations

import collections
import functools
import importlib
from typing import Any

import pytest

from tests.tui.scenes import TERMINAL_SIZE, drive_engine, goto, make_app
from wizard.engine.registry import PAGES
from wizard.engine.step import StepId

HANDLERS = ("on_mount", "on_screen_resume")


def _screen_classes() -> list[type]:
    classes = []
    for page in PAGES:
        module_name, _, class_name = page.screen.partition(":")
        classes.append(getattr(importlib.import_module(module_name), class_name))
    return classes


def _counting(original: Any, klass: type, name: str, calls: collections.Counter) -> Any:
    # wraps() keeps the signature Textual reads to decide whether to pass the message.
    @functools.wraps(original)
    def wrapper(self: Any, *args: Any) -> Any:
        calls[(f"{type(self).__name__}:{klass.__name__}", name)] += 1
        return original(self, *args)

    return wrapper


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[tuple[str, str]]:
    """Every on_mount / on_screen_resume defined by a screen class or its bases, counted per
    (defining class, handler) on each call."""
    calls: collections.Counter[tuple[str, str]] = collections.Counter()
    seen: set[tuple[type, str]] = set()
    for screen_class in _screen_classes():
        for klass in screen_class.__mro__:
            for name in HANDLERS:
                if name in vars(klass) and (klass, name) not in seen:
                    seen.add((klass, name))
                    original = vars(klass)[name]

                    monkeypatch.setattr(klass, name, _counting(original, klass, name, calls))
    return calls


async def test_each_handler_runs_once_per_mount_and_resume(sandbox: Any, counted) -> None:
    app = make_app(sandbox, area_code="919", quantity=1)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await drive_engine(pilot, StepId.READY)
        for page in PAGES:
            await goto(pilot, page.key)
        mounted = dict(counted)
        assert mounted, "no handler was counted"
        assert all(n == 1 for (_, name), n in mounted.items() if name == "on_mount"), mounted
        counted.clear()
        for page in PAGES:
            await goto(pilot, page.key)
        resumed = dict(counted)
        assert not any(name == "on_mount" for _, name in resumed), resumed
        assert all(n == 1 for n in resumed.values()), resumed
