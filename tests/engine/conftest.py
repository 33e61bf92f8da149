"""Fixtures of the engine and `apply` tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def account_env(sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared sandbox's secrets in the environment, as a script on a real account has them."""
    monkeypatch.setenv("BW_CLIENT_SECRET", sandbox.config.identity.client_secret)
    monkeypatch.setenv("BW_CALLBACK_PASSWORD", "callback-pass-for-tests")
