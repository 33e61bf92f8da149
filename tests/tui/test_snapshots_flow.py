"""Snapshots of the order, order-status and send screens (pytest-textual-snapshot, 110x34).

The scenes live in `scenes_flow.py` so `make screenshots` draws the same pictures. They run
against the session's sandbox, reset to its seed first, so ids, numbers and elapsed times are
the same on every run; nothing on screen depends on a clock, a port or a host name.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.scenes_flow import SCENES

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("name", list(SCENES))
def test_flow_snapshot(name: str, sandbox: Any, snap_compare: Any) -> None:
    scene = SCENES[name](sandbox)
    assert snap_compare(scene.app, terminal_size=scene.terminal_size, run_before=scene.run_before)
