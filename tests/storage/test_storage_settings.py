"""Settings: TOML on disk, validation, environment over file, atomic saves."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from wizard.storage.settings import (
    ENV_VARS,
    SETTING_KEYS,
    Settings,
    SettingsError,
    apply_env,
    load_settings,
    overridden_by_env,
    save_settings,
    settings_from_mapping,
    settings_path,
)


def test_defaults_leave_hosts_to_the_environment():
    settings = Settings()
    urls = (settings.dashboard_url, settings.messaging_url, settings.oauth_token_url)
    assert urls == ("", "", "")
    assert (settings.environment, settings.account_id, settings.client_id) == ("prod", None, None)


def test_no_file_gives_defaults(isolated_dirs):
    assert settings_path() == isolated_dirs["config"] / "settings.toml"
    assert load_settings() == Settings()
    assert not settings_path().exists()


def test_round_trip_writes_plain_toml_without_defaults():
    settings = Settings(
        account_id="9900000",
        client_id="client-1",
        environment="test",
        site_id="10001",
        messaging_url="http://localhost:8960/api/v2/",
        callback_url="https://example.ngrok.app/callbacks",
        callback_user="bandwidth",
        callback_host="0.0.0.0",
        callback_port=9000,
    )
    path = save_settings(settings)
    assert path == settings_path()
    assert load_settings() == settings
    stored = tomllib.loads(path.read_text())
    assert stored["messaging_url"] == "http://localhost:8960/api/v2"  # trailing slash dropped
    assert "dashboard_url" not in stored  # the environment's own stays implicit
    assert path.read_text().startswith("# bw-wizard settings. No secrets here")


def test_an_api_user_from_an_older_version_is_read_but_never_written_again():
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(
        'account_id = "9900000"\nusername = "old-api-user"\nauth = "basic"\n'
        'generation = "current"\ndashboard_url = "https://dashboard.bandwidth.com/api"\n'
    )
    settings = load_settings(env={})
    assert settings.legacy_username == "old-api-user"
    assert settings.account_id == "9900000" and settings.client_id is None
    save_settings(settings)
    stored = tomllib.loads(path.read_text())
    assert "username" not in stored and "auth" not in stored and "generation" not in stored


def test_environment_beats_the_file(monkeypatch):
    save_settings(Settings(account_id="1111111", client_id="stored", site_id="10001"))
    monkeypatch.setenv("BW_ACCOUNT_ID", "2222222")
    monkeypatch.setenv("BW_CLIENT_ID", "from-env")
    monkeypatch.setenv("BW_API_URL", "http://127.0.0.1:8960/api/v2")
    monkeypatch.setenv("BW_SUBACCOUNT_ID", "")  # empty: ignored

    settings = load_settings()
    assert settings.account_id == "2222222"
    assert settings.client_id == "from-env"
    assert settings.dashboard_url == "http://127.0.0.1:8960/api/v2"
    assert settings.site_id == "10001"
    assert overridden_by_env() == {
        "account_id": "BW_ACCOUNT_ID",
        "client_id": "BW_CLIENT_ID",
        "dashboard_url": "BW_API_URL",
    }
    # The stored view, for a screen that must not bake the environment into the file:
    assert load_settings(env={}).account_id == "1111111"


def test_every_documented_variable_overrides_its_setting():
    env = {
        "BW_ACCOUNT_ID": "123",
        "BW_CLIENT_ID": "c",
        "BW_ENVIRONMENT": "test",
        "BW_SUBACCOUNT_ID": "456",
        "BW_API_URL": "https://a.example/api/v2",
        "BW_MESSAGING_URL": "https://m.example/api/v2",
        "BW_OAUTH_URL": "https://o.example/token",
    }
    assert set(env) == set(ENV_VARS.values())
    settings = apply_env(Settings(), env)
    for name, variable in ENV_VARS.items():
        assert getattr(settings, name) == env[variable], name


def test_the_test_environment_has_its_names():
    assert load_settings(env={"BW_ENVIRONMENT": "uat"}).environment == "test"
    assert load_settings(env={"BW_ENVIRONMENT": "PROD"}).environment == "prod"


def test_a_bad_environment_variable_is_named():
    with pytest.raises(SettingsError, match="BW_API_URL") as caught:
        load_settings(env={"BW_API_URL": "http://dashboard.example.com/api"})
    assert "https" in str(caught.value)
    with pytest.raises(SettingsError, match="BW_ENVIRONMENT"):
        load_settings(env={"BW_ENVIRONMENT": "staging"})


def test_save_writes_exactly_what_it_is_given(monkeypatch):
    monkeypatch.setenv("BW_ACCOUNT_ID", "2222222")
    save_settings(Settings(account_id="1111111"))
    assert tomllib.loads(settings_path().read_text())["account_id"] == "1111111"


@pytest.mark.parametrize(
    "key",
    ["password", "client_secret", "messaging_token", "dashboard_password", "api_key", "Secret"],
)
def test_secrets_are_refused(key):
    with pytest.raises(SettingsError) as caught:
        settings_from_mapping({"account_id": "1", key: "hunter2"}, source="cfg.toml")
    message = str(caught.value)
    assert message.startswith("cfg.toml: ")
    assert key in message and "keyring" in message and "BW_" in message
    assert "hunter2" not in message


def test_secrets_in_nested_tables_are_refused():
    with pytest.raises(SettingsError, match=r"'bandwidth\.token'"):
        settings_from_mapping({"bandwidth": {"token": "x"}})


def test_secret_in_the_file_is_refused_with_its_path():
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text('account_id = "1"\nmessaging_secret = "hunter2"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(settings_path()) in str(caught.value)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"acount_id": "1"}, ["unknown setting 'acount_id'", "account_id"]),
        ({"account_id": "12ab"}, ["account_id", "numeric"]),
        ({"account_id": True}, ["account_id", "text"]),
        ({"site_id": [1]}, ["site_id", "text"]),
        ({"environment": "v3"}, ["environment", "prod", "test"]),
        ({"callback_port": 0}, ["callback_port", "between 1 and 65535"]),
        ({"callback_port": "80"}, ["callback_port", "whole number"]),
        ({"callback_user": "a:b"}, ["callback_user", "':'"]),
        ({"client_id": " padded"}, ["client_id", "spaces"]),
        ({"dashboard_url": "ftp://x.example"}, ["dashboard_url", "https://"]),
        ({"dashboard_url": "dashboard.bandwidth.com"}, ["dashboard_url", "https://"]),
        ({"messaging_url": "http://messaging.example/v2"}, ["messaging_url", "https://"]),
        ({"callback_url": "https://user:pw@x.example/cb"}, ["callback_url", "password"]),
        ({"callback_url": "https://[::1/cb"}, ["callback_url", "not a valid URL"]),
        ({"callback_url": "https://x.example:99999/cb"}, ["callback_url", "not a valid URL"]),
        ({"oauth_token_url": "https://x.example/t#frag"}, ["oauth_token_url", "fragment"]),
        ({"client_id": "a\nb"}, ["client_id", "control characters"]),
    ],
)
def test_validation_names_the_key_and_the_problem(data, words):
    with pytest.raises(SettingsError) as caught:
        settings_from_mapping(data, source="bw.toml")
    message = str(caught.value)
    assert message.startswith("bw.toml: ")
    for word in words:
        assert word in message
    assert caught.value.key == next(iter(data))


@pytest.mark.parametrize(
    "url",
    [
        "https://dashboard.bandwidth.com/api",
        "http://127.0.0.1:8960/api",
        "http://127.8.9.10/api",
        "http://localhost:8960/api",
        "http://[::1]:8960/api",
        "https://example.com:8443/callbacks?x=1",
    ],
)
def test_accepted_urls(url):
    assert settings_from_mapping({"dashboard_url": url}).dashboard_url == url.rstrip("/")


def test_ids_written_as_numbers_are_accepted():
    settings = settings_from_mapping({"account_id": 9900000, "site_id": 10001})
    assert (settings.account_id, settings.site_id) == ("9900000", "10001")


def test_known_keys_are_the_fields():
    assert {"account_id", "client_id", "environment", "oauth_token_url"} <= SETTING_KEYS
    assert not {"username", "auth", "generation", "legacy_username"} & SETTING_KEYS
    assert settings_from_mapping({"oauth_token_url": "https://t.example/token"})


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b'account_id = "1"\nenvironment = prod\n', "line 2"),
        (b'account_id = "1"\naccount_id = "2"\n', "line 2"),
        (b"[unclosed\n", "line 1"),
        (b'account_id = "1\n', "line 1"),
    ],
)
def test_corrupt_toml_names_file_and_line_and_is_left_alone(content, line):
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert str(path) in message and line in message and "not valid TOML" in message
    assert caught.value.path == path
    assert path.read_bytes() == content


def test_unreadable_files_are_plain_errors():
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b'account_id = "\xff"\n')
    with pytest.raises(SettingsError, match="UTF-8"):
        load_settings()
    path.unlink()
    path.mkdir()
    with pytest.raises(SettingsError, match="Cannot read the settings file"):
        load_settings()


def test_a_crash_mid_save_leaves_the_old_file(monkeypatch):
    save_settings(Settings(account_id="1111111"))
    before = settings_path().read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(SettingsError, match="unchanged"):
        patch.setattr(os, "replace", crash)
        save_settings(Settings(account_id="2222222"))
    assert settings_path().read_bytes() == before
    assert [p.name for p in settings_path().parent.iterdir()] == ["settings.toml"]


def test_settings_accepts_a_path(tmp_path: Path):
    path = tmp_path / "elsewhere" / "s.toml"
    save_settings(Settings(account_id="5"), path)
    assert load_settings(path, env={}).account_id == "5"
