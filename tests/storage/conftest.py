"""Fixtures of the storage tests alone: a check that no secret reached a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def files_under(*roots: Path) -> list[Path]:
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def assert_not_on_disk(isolated_dirs: dict[str, Path]) -> Callable[..., None]:
    """Fails when any of the given values is in any file under the config, state or data dir
    (raw bytes, so it also catches values inside JSON, TOML or anything else)."""

    def check(*values: str) -> None:
        roots = (isolated_dirs["config"], isolated_dirs["state"], isolated_dirs["data"])
        for path in files_under(*roots):
            content = path.read_bytes()
            for value in values:
                assert value.encode() not in content, f"a secret was written to {path}"

    return check
