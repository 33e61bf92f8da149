"""Non-secret settings: which account, which API Credential, which hosts, where callbacks go.

They live in ``settings.toml`` in the user config dir, written atomically. Environment variables
beat stored values, as with gh and aws, so one shell can point the wizard elsewhere without
touching the file:

    Setting            Environment variable    Notes
    -----------------  ----------------------  --------------------------------------------
    account_id         BW_ACCOUNT_ID           the account, when the credential sees several
    client_id          BW_CLIENT_ID            the API Credential's client id
    environment        BW_ENVIRONMENT          "prod" (default) or "test"
    site_id            BW_SUBACCOUNT_ID        sub-account (site) to use
    dashboard_url      BW_API_URL              the name Bandwidth's own CLI uses
    messaging_url      BW_MESSAGING_URL
    oauth_token_url    BW_OAUTH_URL

Empty URLs mean the environment's own (``wizard.bandwidth.hosts``). A settings file written by an
earlier version may still name an API user (``username``, ``auth``, ``generation``): such keys
are read only so the wizard can say that API users no longer work, and are dropped on the next
save.

Secrets never go here (the loader refuses keys that look like one): they live in the OS keyring
or in BW_... variables, see `wizard.storage.credentials`.

`save_settings` writes exactly the `Settings` it is given. `load_settings` returns stored values
with the environment applied on top, so a screen that loads, edits and saves would also store
what the environment said; a screen that must not do that loads with ``env={}`` and uses
`overridden_by_env` to show which values the environment replaces.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomli_w

from wizard.core.errors import Kind, WizardError
from wizard.core.safe import has_control, secret_key_path
from wizard.storage.paths import atomic_write, config_dir

ENVIRONMENTS = ("prod", "test")
"""Bandwidth's production API, or its test environment (where messages are still real)."""

URL_FIELDS = ("dashboard_url", "messaging_url", "oauth_token_url")

EXAMPLE_URL = "https://example.com/callbacks"
EXAMPLE_URLS = {
    "dashboard_url": "https://api.bandwidth.com/api/v2",
    "messaging_url": "https://messaging.bandwidth.com/api/v2",
    "oauth_token_url": "https://api.bandwidth.com/api/v1/oauth2/token",
}
"""Shown in messages about a URL that is not one: today's production hosts."""

LEGACY_KEYS = frozenset({"username", "auth", "generation"})
"""Keys of the API-user era: read from an old settings file, never written again."""

DEFAULT_CALLBACK_HOST = "127.0.0.1"
DEFAULT_CALLBACK_PORT = 8765

ENV_VARS: dict[str, str] = {
    "account_id": "BW_ACCOUNT_ID",
    "client_id": "BW_CLIENT_ID",
    "environment": "BW_ENVIRONMENT",
    "site_id": "BW_SUBACCOUNT_ID",
    "dashboard_url": "BW_API_URL",
    "messaging_url": "BW_MESSAGING_URL",
    "oauth_token_url": "BW_OAUTH_URL",
}
"""Setting -> the environment variable that beats it."""

SETTINGS_FILE = "settings.toml"

_FILE_HEADER = (
    b"# bw-wizard settings. No secrets here: they live in the OS keyring or in BW_...\n"
    b"# environment variables. Environment variables (BW_ACCOUNT_ID, BW_API_URL, ...) beat\n"
    b"# these values.\n\n"
)

_LOOPBACK_NAMES = {"localhost"}


class SettingsError(WizardError):
    """A setting is wrong; the message is one plain sentence naming the key and the problem."""

    def __init__(self, message: str, *, key: str | None = None, path: Path | None = None):
        super().__init__(message, kind=Kind.VALIDATION)
        self.key = key
        """The setting at fault, when one is."""
        self.path = path
        """The file it came from, when it came from one."""


def check_no_secrets(data: Any, where: str) -> None:
    """Refuse secret-looking keys anywhere in nested tables (also used for the headless
    config file, whose extra step inputs sit next to the settings)."""
    path = secret_key_path(data)
    if path is not None:
        raise SettingsError(
            f"{where}: '{path}' looks like a secret, and secrets are never kept in settings "
            "files. Save it in the OS keyring (the wizard's Credentials step) or set the matching "
            "BW_... environment variable (BW_PASSWORD, BW_CLIENT_SECRET, BW_MESSAGING_TOKEN, "
            "BW_MESSAGING_SECRET, BW_CALLBACK_PASSWORD).",
            key=path,
        )


@dataclass(frozen=True)
class Settings:
    """Everything about the account except its secrets. Validated on construction, so a
    `Settings` that exists is one the clients can use."""

    account_id: str | None = None
    """The numeric Bandwidth account id; None until a sign-in picked one."""
    client_id: str | None = None
    """The API Credential's client id; its secret is in the keyring."""
    environment: str = "prod"
    """"prod" or "test" (Bandwidth's test environment; its messaging is still production's)."""
    site_id: str | None = None
    """The sub-account (site) the wizard works in."""
    dashboard_url: str = ""
    """Empty means the environment's own."""
    messaging_url: str = ""
    oauth_token_url: str = ""
    callback_url: str | None = None
    """Where Bandwidth sends message callbacks (a tunnel to the receiver, or a server)."""
    callback_user: str | None = None
    """Basic auth user Bandwidth sends on callbacks; the password is in the keyring."""
    callback_host: str = DEFAULT_CALLBACK_HOST
    """Where the built-in receiver binds."""
    callback_port: int = DEFAULT_CALLBACK_PORT
    legacy_username: str | None = field(default=None, compare=False)
    """The API user an earlier version saved (``username``): only to say it no longer works."""

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            if item.name == "legacy_username":
                continue
            value = _check(item.name, getattr(self, item.name), item.name)
            object.__setattr__(self, item.name, value)

    def to_mapping(self) -> dict[str, Any]:
        """What the settings file holds: values that differ from their defaults."""
        defaults = Settings()
        data: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if value is None or item.name == "legacy_username":
                continue
            if item.name == "account_id" or value != getattr(defaults, item.name):
                data[item.name] = value
        return data


SETTING_KEYS: frozenset[str] = frozenset(
    item.name for item in dataclasses.fields(Settings) if item.name != "legacy_username"
)


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def settings_from_mapping(data: Mapping[str, Any], *, source: str | None = None) -> Settings:
    """Settings from a parsed TOML table (the settings file or the headless config's keys).

    `source` (a path, "the config file") starts every error message, so the person knows which
    file to fix.
    """
    where = source or "settings"
    if not isinstance(data, Mapping):
        raise SettingsError(f"{where}: expected a table of settings, found {_kind(data)}.")
    check_no_secrets(data, where)
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in LEGACY_KEYS:
            if key == "username" and isinstance(value, str) and value.strip():
                values["legacy_username"] = value.strip()
            continue
        if not isinstance(key, str) or key not in SETTING_KEYS:
            known = ", ".join(sorted(SETTING_KEYS))
            raise SettingsError(
                f"{where}: unknown setting '{key}'. Known settings: {known}.", key=str(key)
            )
        values[key] = _coerce(key, value, f"{where}: '{key}'")
    try:
        return Settings(**values)
    except SettingsError as error:
        raise SettingsError(f"{where}: {error}", key=error.key) from None


def apply_env(settings: Settings, env: Mapping[str, str] = os.environ) -> Settings:
    """The settings with every set BW_... variable on top (empty variables are ignored)."""
    overrides: dict[str, Any] = {}
    for name, variable in ENV_VARS.items():
        raw = env.get(variable)
        if raw:
            overrides[name] = _check(name, raw, f"The environment variable {variable}")
    return dataclasses.replace(settings, **overrides) if overrides else settings


def overridden_by_env(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Setting -> variable, for each setting the environment currently replaces."""
    return {name: variable for name, variable in ENV_VARS.items() if env.get(variable)}


def load_settings(path: Path | None = None, env: Mapping[str, str] = os.environ) -> Settings:
    """Stored settings (defaults when there is no file) with the environment on top."""
    path = path or settings_path()
    stored = read_settings_file(path)
    return apply_env(stored, env)


def read_settings_file(path: Path) -> Settings:
    """Just the file: defaults when it does not exist, SettingsError (with the path and line)
    when it cannot be read or parsed."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        raise SettingsError(
            f"Cannot read the settings file {path}: {error.strerror or error}.", path=path
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise SettingsError(
            f"The settings file {path} is not UTF-8 text (bad byte at offset {error.start}). "
            "Fix it or delete it to enter the settings again.",
            path=path,
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(
            f"The settings file {path} is not valid TOML: {_toml_position(error)}. "
            "Fix it or delete it to enter the settings again.",
            path=path,
        ) from None
    try:
        return settings_from_mapping(data, source=str(path))
    except SettingsError as error:
        raise SettingsError(str(error), key=error.key, path=path) from None


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write exactly these settings (atomically); returns the file written."""
    path = path or settings_path()
    body = tomli_w.dumps(settings.to_mapping()).encode("utf-8")
    try:
        atomic_write(path, _FILE_HEADER + body)
    except OSError as error:
        raise SettingsError(
            f"The settings could not be saved to {path} ({error.strerror or error}); the "
            "previous file, if any, is unchanged.",
            path=path,
        ) from None
    return path


# ------------------------------------------------------------------------------------------
# Validation


_ID_FIELDS = ("account_id", "site_id")


def _coerce(name: str, value: Any, label: str) -> Any:
    """TOML types to field types: ids may be written as numbers, nothing else is converted."""
    if name in _ID_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise SettingsError(f"{label} must not be negative.", key=name)
        return str(value)
    return value


def _check(name: str, value: Any, label: str) -> Any:
    """One field's value, normalised, or SettingsError with `label` naming where it came from."""
    if name == "callback_port":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{label} must be a whole number, not {_kind(value)}.", key=name)
        if not 1 <= value <= 65535:
            raise SettingsError(f"{label} must be a port between 1 and 65535.", key=name)
        return value
    optional = name not in ("environment", "callback_host") and name not in URL_FIELDS
    if value is None and (optional or name in URL_FIELDS):
        return None if optional else ""
    if not isinstance(value, str):
        raise SettingsError(f"{label} must be text, not {_kind(value)}.", key=name)
    if has_control(value):
        raise SettingsError(f"{label} contains control characters.", key=name)
    if value != value.strip():
        raise SettingsError(f"{label} has spaces before or after it.", key=name)
    if not value:
        if optional:
            return None
        if name in URL_FIELDS:
            return ""
        raise SettingsError(f"{label} must not be empty.", key=name)
    if name == "environment":
        value = {"production": "prod", "uat": "test"}.get(value.lower(), value.lower())
        if value not in ENVIRONMENTS:
            raise SettingsError(
                f'{label} must be "prod" (Bandwidth\'s production API) or "test" (its test '
                f"environment), not {_show(value)}.",
                key=name,
            )
    if name in ("account_id", "site_id") and not (value.isascii() and value.isdecimal()):
        what = "account id" if name == "account_id" else "sub-account (site) id"
        raise SettingsError(
            f"{label} must be the numeric {what} shown in the Bandwidth Dashboard, "
            f"not {_show(value)}.",
            key=name,
        )
    if any(ch.isspace() for ch in value):
        raise SettingsError(f"{label} must not contain spaces.", key=name)
    if name == "callback_user" and ":" in value:
        raise SettingsError(
            f"{label} must not contain ':' (HTTP Basic auth cannot carry it).", key=name
        )
    if name in URL_FIELDS or name == "callback_url":
        return _check_url(name, value, label)
    return value


def _check_url(name: str, value: str, label: str) -> str:
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise SettingsError(f"{label} is not a valid URL: {_show(value)}.", key=name) from None
    if parts.scheme not in ("http", "https") or not host:
        raise SettingsError(
            f"{label} must be a full https:// URL such as {EXAMPLE_URLS.get(name, EXAMPLE_URL)}, "
            f"not {_show(value)}.",
            key=name,
        )
    if parts.username is not None or parts.password is not None:
        raise SettingsError(
            f"{label} must not contain a user name or password; credentials go in the OS "
            "keyring or BW_... environment variables.",
            key=name,
        )
    if parts.scheme == "http" and not _is_loopback(host):
        raise SettingsError(
            f"{label} must use https:// (plain http is only allowed for this computer, such as "
            f"127.0.0.1 or localhost), not {_show(value)}.",
            key=name,
        )
    if parts.fragment:
        raise SettingsError(f"{label} must not contain a '#' fragment.", key=name)
    return value.rstrip("/")


def _show(value: str) -> str:
    """A wrong value, quoted and cut short: enough to recognise, never a wall of text."""
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _kind(value: Any) -> str:
    """A type as a person reading a TOML file would call it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "a list"
    return "a date or time" if hasattr(value, "isoformat") else type(value).__name__


def _toml_position(error: tomllib.TOMLDecodeError) -> str:
    """ "line 3, column 7: Invalid value" from tomllib's "Invalid value (at line 3, column 7)"."""
    match = re.match(r"(?s)(.*) \(at (line \d+, column \d+|end of document)\)$", str(error))
    if not match:
        return str(error)
    return f"{match.group(2)}: {match.group(1)}"
