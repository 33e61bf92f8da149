"""Fixtures of the status tests: the shared sandbox as if it were a real account."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def status_env(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The shared sandbox's URL and API Credential in the environment, as a script on a real
    account has them (no --sandbox, no settings file, no saved progress)."""
    identity = sandbox.config.identity
    monkeypatch.setenv("BW_API_URL", sandbox.api_v2_url)
    monkeypatch.setenv("BW_CLIENT_ID", identity.client_id)
    monkeypatch.setenv("BW_CLIENT_SECRET", identity.client_secret)
    return sandbox
