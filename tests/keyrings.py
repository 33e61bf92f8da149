"""The real OS keyring as the tests see it: secret-tool reads what the code under test stored,
so a test never trusts that code to look at its own work. The fixtures that hand out the keyring
(real, swapped, absent) are in tests/conftest.py."""

from __future__ import annotations

import subprocess

REQUIRE_ENV = "BW_WIZARD_REQUIRE_KEYRING"
"""CI sets it to 1: there a missing keyring fails the test instead of skipping it."""


def secret_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["secret-tool", *args], capture_output=True, text=True, timeout=10, check=False
    )


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
