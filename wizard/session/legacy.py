"""API users (username and password) left behind by the API-user era, found and explained.

Bandwidth decommissioned API users on 2026-12-02. Someone who set the wizard up before then has
one in `settings.toml`, in the keyring, or in BW_USERNAME/BW_PASSWORD; none of them can sign in
any more. The wizard finds them, says why they fail and how to get API Credentials instead, and
offers to delete the keyring entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard.session.connection import API_CREDENTIALS_HELP, LEGACY_API_USERS


@dataclass(frozen=True)
class LegacyApiUser:
    """Where an old API user was found."""

    username: str | None
    """The API user's name, when known (never its password)."""
    places: tuple[str, ...]
    """Where it is: "the settings file", "the OS keyring", "BW_USERNAME/BW_PASSWORD"."""
    keyring_account: str | None = None
    """The account whose keyring entry holds the old password (to offer deleting it)."""

    @property
    def message(self) -> str:
        who = f"the API user “{self.username}”" if self.username else "an API user"
        return f"Found {who} in {', and in '.join(self.places)}. {LEGACY_API_USERS}"

    @property
    def hint(self) -> str:
        return API_CREDENTIALS_HELP + " Then sign in here with its client id and client secret."


def find_legacy_api_user(settings: Any, store: Any, env: Mapping[str, str]) -> LegacyApiUser | None:
    """The API user an earlier setup left, if any (keyring read only when an account is known)."""
    from wizard.storage.credentials import SecretName

    places: list[str] = []
    username = getattr(settings, "legacy_username", None)
    if username:
        places.append("the settings file")
    if env.get("BW_USERNAME") or env.get("BW_PASSWORD"):
        places.append("the environment (BW_USERNAME/BW_PASSWORD)")
        username = username or env.get("BW_USERNAME") or None
    keyring_account = None
    account = getattr(settings, "account_id", None)
    if account and store is not None:
        try:
            stored = store.stored(account, SecretName.DASHBOARD_PASSWORD)
        except ValueError:
            stored = False
        if stored:
            places.append("the OS keyring")
            keyring_account = account
    if not places:
        return None
    return LegacyApiUser(username, tuple(places), keyring_account)
