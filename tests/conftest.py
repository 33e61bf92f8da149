"""Shared fixtures: every test gets its own config/state/data dirs and keyring service name."""

from __future__ import annotations

import os

# Deterministic rendering: must be set before textual is imported anywhere.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest
from hypothesis import HealthCheck, settings

# Every property-based test draws the same examples on every run (a failure always reproduces,
# CI and a laptop test the same inputs), stores nothing on disk, and has no deadline: a loaded
# machine must not turn slowness into a failure. BW_FUZZ_RANDOM=1 searches with a fresh seed.
settings.register_profile(
    "bw-wizard",
    deadline=None,
    derandomize=not os.environ.get("BW_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,  # per-example state is made inside the test
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    print_blob=True,
)
settings.load_profile("bw-wizard")

from tests.keyrings import REQUIRE_ENV, secret_tool, stored_entries  # noqa: E402
from wizard.storage.credentials import CredentialStore  # noqa: E402

TEST_SANDBOX: dict[str, float | int] = {
    "port": 0,
    "order_delay": 0.2,
    "seed": 1,
    "delivery_delay": 0.05,
    "callback_timeout": 2.0,
    "callback_retry_initial": 0.1,
    "callback_retry_max_interval": 0.5,
    "callback_retry_window": 3.0,
    "campaign_provisioning_delay": 0.0,
}
"""The session sandbox: fast orders and callbacks (also what `make screenshots` draws against)."""


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Keep each test's files in its own temp dirs and out of the developer's real ones."""
    dirs = {
        "config": tmp_path / "config",
        "state": tmp_path / "state",
        "data": tmp_path / "data",
    }
    monkeypatch.setenv("BW_WIZARD_CONFIG_DIR", str(dirs["config"]))
    monkeypatch.setenv("BW_WIZARD_STATE_DIR", str(dirs["state"]))
    monkeypatch.setenv("BW_WIZARD_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("BW_WIZARD_KEYRING_SERVICE", f"bw-wizard-test-{uuid.uuid4().hex[:12]}")
    for name in list(os.environ):
        if name.startswith("BW_") and not name.startswith("BW_WIZARD_"):
            monkeypatch.delenv(name, raising=False)
    return dirs


# -- the sandbox (wizard/sandbox): one server per session, a clean state per test ---------------


@pytest.fixture(scope="session")
def sandbox_server():
    """One sandbox for the whole session, on a free port, with fast orders and fast callbacks."""
    from wizard.sandbox.server import SandboxConfig, SandboxThread

    config = SandboxConfig(**TEST_SANDBOX)
    with SandboxThread(config) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server):
    """The session's sandbox, reset to its seeded start (one site) before the test."""
    import httpx

    response = httpx.post(f"{sandbox_server.base_url}/_sandbox/reset", timeout=10, trust_env=False)
    response.raise_for_status()
    yield sandbox_server


# -- the keyring: real, swapped for one test, or absent -------------------------------------------


@pytest.fixture
def real_keyring() -> Iterator[CredentialStore]:
    """A CredentialStore on the real Secret Service (per-test service name from the root
    conftest). Skips, saying why, when there is none, unless BW_WIZARD_REQUIRE_KEYRING=1 (CI),
    where a missing keyring is a failure. Every entry of the service is removed afterwards."""
    store = CredentialStore()
    status = store.status()
    reason = None
    if not status.usable:
        reason = f"no usable OS keyring: {status.explanation}"
    elif "Secret Service" not in status.backend:
        reason = f"the keyring is {status.backend}, not a Secret Service"
    elif shutil.which("secret-tool") is None:
        reason = "secret-tool (libsecret-tools) is not installed"
    if reason:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {reason}")
        print(f"skipping: {reason}", file=sys.stderr)
        pytest.skip(reason)
    try:
        yield store
    finally:
        secret_tool("clear", "service", store.service)
        assert stored_entries(store.service) == {}, "keyring entries left behind"


@pytest.fixture
def keyring_entries() -> Callable[[str], dict[str, str]]:
    return stored_entries


@pytest.fixture
def swap_keyring() -> Iterator[Callable[[keyring.backend.KeyringBackend], None]]:
    """keyring.set_keyring for one test; the backend in use before is restored afterwards."""
    import keyring.core

    before = keyring.core._keyring_backend
    limit_before = keyring.backend._limit

    def swap(backend: keyring.backend.KeyringBackend) -> None:
        keyring.set_keyring(backend)

    try:
        yield swap
    finally:
        keyring.core._keyring_backend = before
        keyring.backend._limit = limit_before


@pytest.fixture
def no_keyring(swap_keyring: Callable[[keyring.backend.KeyringBackend], None]) -> None:
    """No usable keyring at all, as on a server without a Secret Service."""
    from keyring.backends import fail

    swap_keyring(fail.Keyring())


# -- the fault matrix's table, printed after the run (also without -s) -------------------------


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands the fault-matrix cells it ran to the controller."""
    from tests.reliability import matrix

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fault_matrix"] = matrix.export()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """The xdist controller joins each worker's cells."""
    from tests.reliability import matrix

    matrix.merge(getattr(node, "workeroutput", {}).get("fault_matrix"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.reliability import matrix

    lines = matrix.table()
    if not lines:
        return
    terminalreporter.section("fault matrix (route x fault -> outcome, then rerun)")
    for line in lines:
        terminalreporter.write_line(line)
