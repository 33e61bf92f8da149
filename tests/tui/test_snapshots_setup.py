"""Snapshots of the shell and the setup screens, welcome to assign (pytest-textual-snapshot).

The scenes live in `scenes.py` so `make screenshots` draws the same pictures. They run against
the session's sandbox, reset to its seed first, so ids repeat; nothing on screen depends on a
clock, a port or a host name. The last test proves no secret ever reached a picture.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.tui.scenes import SCENES, secret_values

pytestmark = pytest.mark.timeout(60)

SNAPSHOT_DIR = Path(__file__).parent / "__snapshots__"


@pytest.mark.parametrize("name", list(SCENES))
def test_setup_snapshot(name: str, sandbox: Any, snap_compare: Any) -> None:
    scene = SCENES[name](sandbox)
    assert snap_compare(scene.app, terminal_size=scene.terminal_size, run_before=scene.run_before)


def test_no_secret_in_any_snapshot(sandbox: Any) -> None:
    """Every stored picture (these and the flow's) is free of every secret the scenes hold."""
    pictures = sorted(SNAPSHOT_DIR.rglob("*.svg"))
    assert pictures, "no snapshots found: run the snapshot tests first"
    secrets = secret_values(sandbox)
    for picture in pictures:
        text = picture.read_text(encoding="utf-8")
        for secret in secrets:
            # SVG text escapes nothing in these values, and spaces become &#160;
            assert secret not in text, f"a secret is visible in {picture.name}"
