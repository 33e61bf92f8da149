"""The `apply` config file: the settings file's keys at the top, the step inputs in tables.

Every problem becomes one `ConfigError` naming the key, so a typo costs a re-run, not a
half-provisioned account. Secrets are refused outright: they belong in the keyring or in BW_...
environment variables.

    account_id = "9900000"
    username = "sandbox"

    [subaccount]
    site_id = "10001"          # or: name = "My sub-account" (found, or created)

    [application]
    name = "bw-wizard demo"
    callback_url = "https://example.com/callbacks"
    callback_user = "bw-wizard"

    [location]
    name = "bw-wizard demo"
    default = true

    [features]
    toll_free = true
    short_code = true

    [order]
    area_code = "919"
    quantity = 1
    timeout = 600

    [message]
    to = ["+19195550100"]
    text = "Hello from bw-wizard"
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.core.errors import Kind, WizardError
from wizard.core.phone import normalize_e164
from wizard.core.safe import looks_like_secret_key
from wizard.engine.inputs import SetupInputs
from wizard.engine.validation import MAX_DESTINATIONS, MAX_TEXT

#: table -> key -> (type, SetupInputs attribute)
TABLES: dict[str, dict[str, tuple[type | tuple[type, ...], str]]] = {
    "subaccount": {"site_id": (str, "site_id"), "name": (str, "new_site_name")},
    "application": {
        "name": (str, "application_name"),
        "callback_url": (str, "callback_url"),
        "callback_user": (str, "callback_user"),
    },
    "location": {"name": (str, "location_name"), "default": (bool, "default_location")},
    "features": {"toll_free": (bool, "toll_free"), "short_code": (bool, "short_code")},
    "order": {
        "area_code": (str, "area_code"),
        "quantity": (int, "quantity"),
        "timeout": ((int, float), "order_timeout"),
    },
    "message": {
        "from": (str, "message_from"),
        "to": (list, "message_to"),
        "text": (str, "message_text"),
        "media": (list, "media"),
        "tag": (str, "tag"),
        "priority": (str, "priority"),
    },
}

#: ASCII digits only (\d would take ٩١٩), and fullmatch: `$` alone lets "919\n" through.
AREA_CODE = re.compile(r"[2-9](?!11)[0-9]{2}")


class ConfigError(WizardError):
    """A plain sentence naming the file, the key and what is wrong with it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, kind=Kind.VALIDATION)


@dataclass(frozen=True)
class ApplyConfig:
    settings: dict[str, Any]
    """Top-level keys, validated later by `wizard.storage.settings.settings_from_mapping`."""
    inputs: SetupInputs


def load_apply_config(path: Path | None) -> ApplyConfig:
    if path is None:
        return parse_apply_config({}, source="(no config)")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"Cannot read the config file {path}: {error.strerror}.") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"The config file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"The config file {path} is not valid TOML: {error}.") from None
    return parse_apply_config(data, source=str(path))


def parse_apply_config(data: Mapping[str, Any], *, source: str) -> ApplyConfig:
    settings: dict[str, Any] = {}
    inputs = SetupInputs()
    for key, value in data.items():
        _refuse_secret(key, source)
        if isinstance(value, dict):
            if key not in TABLES:
                known = ", ".join(f"[{name}]" for name in TABLES)
                raise ConfigError(f"{source}: unknown table [{key}]; known tables: {known}.")
            _apply_table(inputs, key, value, source)
        else:
            settings[key] = value
    _check_inputs(inputs, source)
    return ApplyConfig(settings, inputs)


def _refuse_secret(key: str, source: str) -> None:
    if looks_like_secret_key(key):
        raise ConfigError(
            f"{source}: “{key}” looks like a secret. Secrets never go in the config file: "
            "store them with the wizard (OS keyring) or set BW_PASSWORD, BW_CLIENT_SECRET, "
            "BW_MESSAGING_TOKEN, BW_MESSAGING_SECRET, BW_CALLBACK_PASSWORD."
        )


def _apply_table(inputs: SetupInputs, table: str, values: Mapping[str, Any], source: str) -> None:
    spec = TABLES[table]
    for key, value in values.items():
        _refuse_secret(key, source)
        if key not in spec:
            known = ", ".join(spec)
            raise ConfigError(f"{source}: unknown key {table}.{key}; known keys: {known}.")
        expected, attribute = spec[key]
        if isinstance(value, bool) and expected is not bool:
            raise ConfigError(f"{source}: {table}.{key} must not be true/false.")
        if table == "order" and key == "area_code" and isinstance(value, int):
            value = str(value)
        if not isinstance(value, expected):
            name = getattr(expected, "__name__", "number")
            raise ConfigError(f"{source}: {table}.{key} must be a {_type_word(name)}.")
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{source}: {table}.{key} must be a list of strings.")
        setattr(inputs, attribute, value)


def _type_word(name: str) -> str:
    return {"str": "string", "int": "whole number", "bool": "true or false", "list": "list"}.get(
        name, name
    )


def _check_inputs(inputs: SetupInputs, source: str) -> None:
    if not AREA_CODE.fullmatch(inputs.area_code):
        raise ConfigError(
            f"{source}: order.area_code “{inputs.area_code}” is not a North American area code "
            "(three digits, not starting with 0 or 1, not N11)."
        )
    if not 1 <= inputs.quantity <= 100:
        raise ConfigError(f"{source}: order.quantity must be between 1 and 100.")
    if not math.isfinite(inputs.order_timeout) or inputs.order_timeout <= 0:
        raise ConfigError(f"{source}: order.timeout must be more than 0 seconds.")
    if len(inputs.message_text) > MAX_TEXT:
        raise ConfigError(f"{source}: message.text is longer than {MAX_TEXT} characters.")
    if len(inputs.message_to) > MAX_DESTINATIONS:
        raise ConfigError(f"{source}: message.to has more than {MAX_DESTINATIONS} numbers.")
    normalised = []
    for number in inputs.message_to:
        try:
            normalised.append(normalize_e164(number))
        except ValueError as error:
            raise ConfigError(f"{source}: message.to “{number}”: {error}") from None
    inputs.message_to = normalised
    if inputs.message_from:
        try:
            inputs.message_from = normalize_e164(inputs.message_from)
        except ValueError as error:
            raise ConfigError(f"{source}: message.from: {error}") from None
    if inputs.priority not in (None, "default", "high"):
        raise ConfigError(f'{source}: message.priority must be "default" or "high".')
