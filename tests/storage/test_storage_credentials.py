"""Credentials against the real Secret Service, and keyring's own unusable backends."""

from __future__ import annotations

import os
import string
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.SecretService
import keyring.errors
import pytest
from keyring.backends import chainer, null
from keyring.compat import properties

from wizard.storage.credentials import (
    ENV_VARS,
    CredentialStore,
    KeyringUnavailable,
    SecretName,
    generate_callback_password,
)

ACCOUNT = "9900000"


def fresh_secret() -> str:
    """Unique per call, so a match in the keyring or on disk can only come from this test."""
    return "s3cret-" + generate_callback_password()


# ------------------------------------------------------------------------------------------
# The real keyring


def test_set_get_stores_one_entry_per_account_and_name(real_keyring, keyring_entries):
    password = fresh_secret()
    real_keyring.set(ACCOUNT, SecretName.DASHBOARD_PASSWORD, password)

    assert real_keyring.get(ACCOUNT, SecretName.DASHBOARD_PASSWORD) == password
    assert real_keyring.source(ACCOUNT, "dashboard-password") == "keyring"
    assert keyring_entries(real_keyring.service) == {f"{ACCOUNT}/dashboard-password": password}


def test_service_name_comes_from_the_environment(real_keyring, keyring_entries):
    assert real_keyring.service == os.environ["BW_WIZARD_KEYRING_SERVICE"]
    assert CredentialStore(service="explicit").service == "explicit"
    assert CredentialStore(env={}).service == "bw-wizard"
    real_keyring.set(ACCOUNT, SecretName.CALLBACK_PASSWORD, fresh_secret())
    assert list(keyring_entries(real_keyring.service)) == [f"{ACCOUNT}/callback-password"]


def test_every_secret_name_round_trips(real_keyring, keyring_entries):
    values = {name: fresh_secret() for name in SecretName}
    for name, value in values.items():
        real_keyring.set(ACCOUNT, name, value)
    assert keyring_entries(real_keyring.service) == {
        f"{ACCOUNT}/{name.value}": value for name, value in values.items()
    }
    for name, value in values.items():
        assert real_keyring.get(ACCOUNT, name) == value


def test_accounts_do_not_share_secrets(real_keyring, keyring_entries):
    first, second = fresh_secret(), fresh_secret()
    real_keyring.set("1111111", SecretName.DASHBOARD_PASSWORD, first)
    real_keyring.set("2222222", SecretName.DASHBOARD_PASSWORD, second)

    assert real_keyring.get("1111111", SecretName.DASHBOARD_PASSWORD) == first
    assert real_keyring.get("2222222", SecretName.DASHBOARD_PASSWORD) == second
    assert real_keyring.delete_all("1111111") == [SecretName.DASHBOARD_PASSWORD]
    assert keyring_entries(real_keyring.service) == {"2222222/dashboard-password": second}


def test_set_replaces_the_previous_value(real_keyring, keyring_entries):
    real_keyring.set(ACCOUNT, SecretName.MESSAGING_TOKEN, fresh_secret())
    newer = fresh_secret()
    real_keyring.set(ACCOUNT, SecretName.MESSAGING_TOKEN, newer)
    assert keyring_entries(real_keyring.service) == {f"{ACCOUNT}/messaging-token": newer}


def test_delete(real_keyring, keyring_entries):
    real_keyring.set(ACCOUNT, SecretName.MESSAGING_SECRET, fresh_secret())
    assert real_keyring.delete(ACCOUNT, SecretName.MESSAGING_SECRET) is True
    assert real_keyring.delete(ACCOUNT, SecretName.MESSAGING_SECRET) is False
    assert real_keyring.get(ACCOUNT, SecretName.MESSAGING_SECRET) is None
    assert real_keyring.source(ACCOUNT, SecretName.MESSAGING_SECRET) is None
    assert keyring_entries(real_keyring.service) == {}


def test_environment_beats_the_keyring(real_keyring, monkeypatch):
    stored, exported = fresh_secret(), fresh_secret()
    real_keyring.set(ACCOUNT, SecretName.OAUTH_CLIENT_SECRET, stored)
    monkeypatch.setenv("BW_CLIENT_SECRET", exported)

    assert real_keyring.get(ACCOUNT, SecretName.OAUTH_CLIENT_SECRET) == exported
    assert real_keyring.source(ACCOUNT, SecretName.OAUTH_CLIENT_SECRET) == "env"
    assert "BW_CLIENT_SECRET" in real_keyring.location_description(
        ACCOUNT, SecretName.OAUTH_CLIENT_SECRET
    )
    monkeypatch.setenv("BW_CLIENT_SECRET", "")  # empty means unset, as with gh and aws
    assert real_keyring.get(ACCOUNT, SecretName.OAUTH_CLIENT_SECRET) == stored


def test_env_var_names_are_the_documented_ones():
    assert ENV_VARS == {
        SecretName.DASHBOARD_PASSWORD: "BW_PASSWORD",
        SecretName.OAUTH_CLIENT_SECRET: "BW_CLIENT_SECRET",
        SecretName.MESSAGING_TOKEN: "BW_MESSAGING_TOKEN",
        SecretName.MESSAGING_SECRET: "BW_MESSAGING_SECRET",
        SecretName.CALLBACK_PASSWORD: "BW_CALLBACK_PASSWORD",
    }
    import wizard.storage.credentials as module

    for variable in ENV_VARS.values():
        assert variable in (module.__doc__ or "")


def test_status_and_location_name_the_secret_service(real_keyring):
    status = real_keyring.status()
    assert status.usable
    assert "Secret Service" in status.backend
    assert real_keyring.service in status.explanation

    before = real_keyring.location_description(ACCOUNT, SecretName.DASHBOARD_PASSWORD)
    assert before.startswith("not saved yet")
    real_keyring.set(ACCOUNT, SecretName.DASHBOARD_PASSWORD, fresh_secret())
    after = real_keyring.location_description(ACCOUNT, SecretName.DASHBOARD_PASSWORD)
    assert after == (
        f"saved in your OS keyring: {status.backend}, service '{real_keyring.service}', "
        f"entry '{ACCOUNT}/dashboard-password'"
    )


def test_a_missing_collection_is_unusable(real_keyring, swap_keyring):
    backend = keyring.backends.SecretService.Keyring()
    backend.preferred_collection = "/org/freedesktop/secrets/collection/bw_wizard_missing"
    swap_keyring(backend)
    status = real_keyring.status()
    assert not status.usable
    assert "collection" in status.explanation
    with pytest.raises(KeyringUnavailable):
        real_keyring.set(ACCOUNT, SecretName.DASHBOARD_PASSWORD, fresh_secret())


# ------------------------------------------------------------------------------------------
# No usable keyring


def assert_plain_unavailable(error: KeyringUnavailable, secret: str) -> None:
    text = str(error)
    assert secret not in text and secret not in repr(error)
    assert "BW_CLIENT_SECRET" in text
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


def test_fail_backend_refuses_to_save_and_reads_env_only(no_keyring, monkeypatch):
    store = CredentialStore()
    status = store.status()
    assert not status.usable
    assert "gnome-keyring" in status.explanation and "BW_CLIENT_SECRET" in status.explanation

    secret = fresh_secret()
    with pytest.raises(KeyringUnavailable) as caught:
        store.set(ACCOUNT, SecretName.DASHBOARD_PASSWORD, secret)
    assert_plain_unavailable(caught.value, secret)
    assert caught.value.message == str(caught.value)
    with pytest.raises(KeyringUnavailable):
        store.delete(ACCOUNT, SecretName.DASHBOARD_PASSWORD)

    assert store.get(ACCOUNT, SecretName.DASHBOARD_PASSWORD) is None
    assert store.source(ACCOUNT, SecretName.DASHBOARD_PASSWORD) is None
    assert store.location_description(ACCOUNT, SecretName.DASHBOARD_PASSWORD).startswith(
        "not saved: "
    )
    monkeypatch.setenv("BW_PASSWORD", secret)
    assert store.get(ACCOUNT, SecretName.DASHBOARD_PASSWORD) == secret
    assert store.source(ACCOUNT, SecretName.DASHBOARD_PASSWORD) == "env"


def test_null_backend_is_unusable(swap_keyring):
    swap_keyring(null.Keyring())
    store = CredentialStore()
    status = store.status()
    assert not status.usable
    assert "null" in status.explanation
    secret = fresh_secret()
    with pytest.raises(KeyringUnavailable) as caught:
        store.set(ACCOUNT, SecretName.CALLBACK_PASSWORD, secret)
    assert_plain_unavailable(caught.value, secret)
    assert store.get(ACCOUNT, SecretName.CALLBACK_PASSWORD) is None


def test_chainer_without_backends_is_unusable(swap_keyring):
    keyring.backend._limit = lambda backend: False  # what keyring's own `limit` does
    swap_keyring(chainer.ChainerBackend())
    store = CredentialStore()
    assert not store.status().usable
    with pytest.raises(KeyringUnavailable):
        store.set(ACCOUNT, SecretName.DASHBOARD_PASSWORD, fresh_secret())
    assert store.get(ACCOUNT, SecretName.DASHBOARD_PASSWORD) is None


def test_unreachable_dbus_is_unusable(swap_keyring, monkeypatch, tmp_path):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    swap_keyring(keyring.backends.SecretService.Keyring())
    store = CredentialStore()
    status = store.status()
    assert not status.usable
    assert "D-Bus" in status.explanation or "Secret Service" in status.explanation
    secret = fresh_secret()
    with pytest.raises(KeyringUnavailable) as caught:
        store.set(ACCOUNT, SecretName.MESSAGING_TOKEN, secret)
    assert_plain_unavailable(caught.value, secret)
    assert store.get(ACCOUNT, SecretName.MESSAGING_TOKEN) is None


class _FileKeyring(keyring.backend.KeyringBackend):
    """Stands in for keyrings.alt's PlaintextKeyring, which must never be installed here: a
    backend that would write secrets to `file_path`. Never viable, so keyring never picks it."""

    file_path = ""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test backend, never chosen automatically")

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        Path(self.file_path).write_text(password)

    def delete_password(self, service: str, username: str) -> None:
        Path(self.file_path).unlink()


class PlaintextKeyring(_FileKeyring):
    """Same class name as keyrings.alt's."""


def test_file_backed_keyrings_are_refused(swap_keyring, tmp_path):
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")
    swap_keyring(backend)
    store = CredentialStore()
    status = store.status()
    assert not status.usable
    assert "file" in status.explanation and "keyrings.alt" in status.explanation
    with pytest.raises(KeyringUnavailable):
        store.set(ACCOUNT, SecretName.DASHBOARD_PASSWORD, fresh_secret())
    assert not (tmp_path / "keyring_pass.cfg").exists()


# ------------------------------------------------------------------------------------------
# Small things


def test_repr_and_errors_never_show_values(no_keyring):
    store = CredentialStore(service="svc")
    assert repr(store) == "CredentialStore(service='svc')"
    with pytest.raises(ValueError, match="empty"):
        store.set(ACCOUNT, SecretName.DASHBOARD_PASSWORD, "")
    with pytest.raises(ValueError, match="Unknown secret name"):
        store.get(ACCOUNT, "password")
    for bad in ("", "1/2", " 99"):
        with pytest.raises(ValueError, match="account id"):
            store.get(bad, SecretName.DASHBOARD_PASSWORD)


def test_generated_callback_passwords():
    alphabet = set(string.ascii_letters + string.digits + "-_")
    passwords = {generate_callback_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert len(password) * 6 >= 128  # token_urlsafe: 6 bits per character
        assert set(password) <= alphabet


class _BrokenKeyring(keyring.backend.KeyringBackend):
    """A backend that fails mid-operation and, carelessly, echoes the password it was given."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test backend, never chosen automatically")

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringError("org.freedesktop.DBus.Error.NoReply")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"could not store {password!r}")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringError("org.freedesktop.DBus.Error.NoReply")


def test_failures_during_an_operation_are_plain_and_masked(swap_keyring):
    swap_keyring(_BrokenKeyring())
    store = CredentialStore()
    secret = fresh_secret()
    with pytest.raises(KeyringUnavailable) as caught:
        store.set(ACCOUNT, SecretName.DASHBOARD_PASSWORD, secret)
    assert_plain_unavailable(caught.value, secret)
    assert "••••" in str(caught.value)
    with pytest.raises(KeyringUnavailable, match="NoReply"):
        store.delete(ACCOUNT, SecretName.DASHBOARD_PASSWORD)
    assert store.get(ACCOUNT, SecretName.DASHBOARD_PASSWORD) is None
