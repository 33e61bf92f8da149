"""The product's promise, checked end to end: secrets in the keyring, in no file anywhere."""

from __future__ import annotations

import pytest

from wizard.storage.credentials import CredentialStore, KeyringUnavailable, SecretName
from wizard.storage.progress import SavedProgressBook, load_progress, save_progress
from wizard.storage.settings import Settings, load_settings, save_settings

ACCOUNT = "9900000"


def unique_secrets() -> dict[SecretName, str]:
    import secrets

    return {name: f"{name.value}-{secrets.token_hex(16)}" for name in SecretName}


def save_everything_else() -> None:
    save_settings(
        Settings(
            account_id=ACCOUNT,
            client_id="client-1",
            callback_url="https://example.ngrok.app/callbacks",
            callback_user="bandwidth",
        )
    )
    book = SavedProgressBook(load_progress(ACCOUNT, ACCOUNT, "https://dashboard.bandwidth.com/api"))
    book.record("create-application", {"application_id": "app-1", "callback_user": "bandwidth"})
    book.record("order-numbers", {"order_id": "o-1", "numbers": ["+19195550100"]})
    save_progress(book.progress)
    assert load_settings().account_id == ACCOUNT


def test_secrets_go_to_the_keyring_and_nowhere_else(
    real_keyring, keyring_entries, assert_not_on_disk, isolated_dirs
):
    values = unique_secrets()
    for name, value in values.items():
        real_keyring.set(ACCOUNT, name, value)
    save_everything_else()

    assert keyring_entries(real_keyring.service) == {
        f"{ACCOUNT}/{name.value}": value for name, value in values.items()
    }
    assert_not_on_disk(*values.values())
    assert (isolated_dirs["config"] / "settings.toml").exists()
    assert (isolated_dirs["state"] / f"progress-{ACCOUNT}.json").exists()


def test_without_a_keyring_secrets_come_from_env_and_still_touch_no_file(
    no_keyring, monkeypatch, assert_not_on_disk
):
    values = unique_secrets()
    store = CredentialStore()
    for name, value in values.items():
        with pytest.raises(KeyringUnavailable):
            store.set(ACCOUNT, name, value)
        monkeypatch.setenv(store.env_var(name), value)
    save_everything_else()

    for name, value in values.items():
        assert store.get(ACCOUNT, name) == value
        assert store.source(ACCOUNT, name) == "env"
    assert_not_on_disk(*values.values())
