"""The sandbox tests' view of the session sandbox: as tests/conftest.py sets it up, but with
orders done in 50 ms and no provisioning pause after a TN option order, so readying a number
for delivery (order, then campaign assignment) stays fast. Tests that watch a status change set
their own delays, or use `clocked`, whose clock (the sandbox's own, in manual mode) moves only
when told."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def sandbox(sandbox):
    answer = httpx.post(
        f"{sandbox.base_url}/_sandbox/config",
        json={"order_delay": 0.05, "campaign_provisioning_delay": 0.0},
        timeout=10,
        trust_env=False,
    )
    answer.raise_for_status()
    yield sandbox


@pytest.fixture(scope="session")
def clocked_server():
    """A second sandbox whose clock only moves when told; realistic delays that never elapse
    by themselves (orders and reviews take 3 s of sandbox time)."""
    from wizard.sandbox.server import SandboxConfig, SandboxThread

    config = SandboxConfig(port=0, order_delay=3.0, seed=1, delivery_delay=0.02, clock="manual")
    with SandboxThread(config) as server:
        yield server, server.state.time


@pytest.fixture
def clocked(clocked_server):
    """The clocked sandbox, reset to its seeded start before the test."""
    server, clock = clocked_server
    answer = httpx.post(f"{server.base_url}/_sandbox/reset", timeout=10, trust_env=False)
    answer.raise_for_status()
    yield server, clock
