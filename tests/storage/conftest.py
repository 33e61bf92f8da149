"""Fixtures for the storage tests: the real OS keyring, a way to look into it, and a way to swap
keyring's backend for its own fail/null backends and put the real one back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest

from wizard.storage.credentials import CredentialStore

REQUIRE_ENV = "BW_WIZARD_REQUIRE_KEYRING"


def secret_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["secret-tool", *args], capture_output=True, text=True, timeout=10, check=False
    )


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


def stored_entries(service: str) -> dict[str, str]:
    """username attribute -> secret, for every item of the service, read with secret-tool (not
    with keyring, so the test does not trust the code under test to look at its own work)."""
    found = secret_tool("search", "--all", "--unlock", "service", service)
    # secret-tool prints each item's "[/path]", label and secret on stdout and its
    # "attribute.x = y" lines on stderr.
    items = [line for line in found.stdout.splitlines() if line.startswith("[/")]
    usernames = [
        line.partition(" = ")[2]
        for line in (found.stdout + "\n" + found.stderr).splitlines()
        if line.startswith("attribute.username = ")
    ]
    assert len(items) == len(usernames), found
    entries: dict[str, str] = {}
    for username in usernames:
        lookup = secret_tool("lookup", "service", service, "username", username)
        entries[username] = lookup.stdout
    return entries


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
