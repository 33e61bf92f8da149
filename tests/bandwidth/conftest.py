"""Fixtures for the Bandwidth client tests: a scripted loopback server and a fake sleep."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from bw_helpers import SleepRecorder
from bw_scripted_server import ScriptedServer


@pytest.fixture
async def scripted() -> AsyncIterator[ScriptedServer]:
    """A fresh scripted HTTP server on 127.0.0.1 (random port) for one test."""
    srv = ScriptedServer()
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture
def sleeper() -> SleepRecorder:
    """A fake sleep to hand to a client: backoff is recorded, never waited."""
    return SleepRecorder()
