"""Snapshots of the Status screen, healthy and with problems (pytest-textual-snapshot, 110x34).

The scenes live in `scenes_status.py` so `make screenshots` draws the same pictures. They run
against the session's sandbox, reset to its seed first, so ids repeat; the callback probe's
answer is fixed (see the scenes' docstring), and the screen shows no time taken.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.scenes_status import SCENES

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("name", list(SCENES))
def test_status_snapshot(name: str, sandbox: Any, snap_compare: Any) -> None:
    scene = SCENES[name](sandbox)
    assert snap_compare(scene.app, terminal_size=scene.terminal_size, run_before=scene.run_before)
