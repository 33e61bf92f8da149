"""The `apply` config file: the settings file's keys at the top, the step inputs in tables.

Every value is checked here, before the first request, by the same rules the screens use
(`wizard.engine.validation`), and every problem becomes one `ConfigError` naming the key in
front of the screens' sentence, so a typo costs a re-run, not a half-provisioned account.
Unknown keys are refused, never ignored. Secrets are refused outright: they belong in the
keyring or in BW_... environment variables.

Which tables are present matters: each table asks for the steps it holds the inputs of, and
`apply` creates nothing the config did not ask for (see `wizard.commands.apply_plan`).

    account_id = "9900000"
    username = "sandbox"

    [subaccount]
    site_id = "10001"          # or: name = "My sub-account" (found, or created with the
                               # address: house_number, street_name, city, state, zip)

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
    area_code = "919"          # or: pattern = "8**" (toll-free numbers)
    quantity = 1
    timeout = 600

    [compliance]
    campaign_id = "CA1B2C3"    # a local number's REGISTERED 10DLC campaign

    [compliance.toll_free_verification]   # a toll-free number's verification request
    business_entity_type = "SOLE_PROPRIETOR"
    ...                        # see README, "Headless apply"

    [message]
    to = ["+19195550100"]
    text = "Hello from bw-wizard"
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.core.errors import Kind, WizardError
from wizard.core.phone import normalize_e164
from wizard.core.safe import looks_like_secret_key
from wizard.engine import validation as rules
from wizard.engine import verification_rules
from wizard.engine.inputs import SetupInputs

FIX_THE_FILE = "Fix the config file and run the same command again."


@dataclass(frozen=True)
class Key:
    """One key of a table: its TOML type, the SetupInputs attribute it fills, and its rule."""

    kind: str
    """One of "text", "whole number", "number", "true or false", "list of texts", or "table" (a
    sub-table with its own rules: the toll-free verification request)."""
    attribute: str
    """The SetupInputs attribute, or "address:<Dashboard name>" for a new sub-account's address."""
    rule: Callable[[Any], str | None] | None = None
    """The shared rule for the value (a sentence, or None when it is fine)."""
    trim: bool = False
    """Keep the value without spaces around it, as the screens do (their rules allow them)."""


TABLES: dict[str, dict[str, Key]] = {
    "subaccount": {
        "site_id": Key("text", "site_id", rules.site_id_problem, trim=True),
        "name": Key("text", "new_site_name", rules.site_name_problem, trim=True),
        "house_number": Key(
            "text", "address:HouseNumber", lambda v: rules.required_problem(v, "house number")
        ),
        "street_name": Key(
            "text", "address:StreetName", lambda v: rules.required_problem(v, "street name")
        ),
        "city": Key("text", "address:City", lambda v: rules.required_problem(v, "city")),
        "state": Key("text", "address:StateCode", rules.state_code_problem, trim=True),
        "zip": Key("text", "address:Zip", rules.zip_problem, trim=True),
    },
    "application": {
        "name": Key(
            "text",
            "application_name",
            lambda v: rules.name_problem(v, "application name"),
            trim=True,
        ),
        "callback_url": Key("text", "callback_url", rules.callback_url_problem, trim=True),
        "callback_user": Key(
            "text", "callback_user", lambda v: rules.basic_user_problem(v, "callback user")
        ),
        "replace_split": Key("true or false", "replace_split_callbacks"),
    },
    "location": {
        "name": Key(
            "text", "location_name", lambda v: rules.name_problem(v, "location name"), trim=True
        ),
        "default": Key("true or false", "default_location"),
    },
    "features": {
        "toll_free": Key("true or false", "toll_free"),
        "short_code": Key("true or false", "short_code"),
    },
    "order": {
        "area_code": Key("text", "area_code", rules.area_code_problem, trim=True),
        "pattern": Key("text", "toll_free_pattern", rules.toll_free_pattern_problem, trim=True),
        "quantity": Key("whole number", "quantity", rules.quantity_problem),
        "timeout": Key("number", "order_timeout", rules.order_timeout_problem),
    },
    "compliance": {
        "campaign_id": Key("text", "campaign_id", rules.campaign_id_problem, trim=True),
        "wait": Key("number", "readiness_wait", rules.order_timeout_problem),
        "resubmit": Key("true or false", "resubmit_verification"),
        "toll_free_verification": Key("table", "toll_free_verification"),
    },
    "message": {
        "from": Key("text", "message_from", rules.phone_problem),
        "to": Key("list of texts", "message_to"),
        "text": Key("text", "message_text"),
        "media": Key("list of texts", "media"),
        "tag": Key("text", "tag", rules.tag_problem),
        "priority": Key("text", "priority", rules.priority_problem),
    },
}
"""table -> key -> what it holds. A table's presence asks for its steps."""

REQUIRED: dict[str, tuple[str, str]] = {
    "message": ("to", 'the numbers to send to, for example ["+19195550100"]'),
}
"""Keys a table cannot do without: what is ordered, where a message goes."""

ID_KEYS = {("order", "area_code"), ("subaccount", "site_id"), ("subaccount", "zip")}
"""Keys that may be written as TOML numbers (919 for "919")."""


class ConfigError(WizardError):
    """A plain sentence naming the file, the key and what is wrong with it."""

    def __init__(self, message: str, hint: str = FIX_THE_FILE) -> None:
        super().__init__(message, hint, kind=Kind.VALIDATION)


@dataclass(frozen=True)
class ApplyConfig:
    settings: dict[str, Any]
    """Top-level keys, already checked by `wizard.storage.settings.settings_from_mapping`."""
    inputs: SetupInputs
    tables: frozenset[str] = frozenset()
    """The step tables the file has: each asks for the steps it holds the inputs of."""
    source: str = "(no config)"


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
    from wizard.storage.settings import SETTING_KEYS, SettingsError, settings_from_mapping

    settings: dict[str, Any] = {}
    inputs = SetupInputs()
    tables: dict[str, set[str]] = {}
    for key, value in data.items():
        _refuse_secret(key, source)
        if key in TABLES:
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: {key} must be a table: [{key}] on its own line.")
            tables[key] = _apply_table(inputs, key, value, source)
        elif isinstance(value, dict) or key not in SETTING_KEYS:
            raise ConfigError(_unknown(key, isinstance(value, dict), source, SETTING_KEYS))
        else:
            settings[key] = value
    _check_tables(inputs, tables, source)
    try:
        settings_from_mapping(settings, source=source)
    except SettingsError as error:
        raise ConfigError(error.message) from None
    return ApplyConfig(settings, inputs, frozenset(tables), source)


def _unknown(key: str, table: bool, source: str, setting_keys: frozenset[str]) -> str:
    known_tables = ", ".join(f"[{name}]" for name in TABLES)
    if table:
        return f"{source}: unknown table [{key}]; known tables: {known_tables}."
    known = ", ".join(sorted(setting_keys))
    return (
        f"{source}: unknown key “{key}”; known keys at the top: {known}; "
        f"known tables: {known_tables}."
    )


def _refuse_secret(key: str, source: str) -> None:
    if looks_like_secret_key(key):
        raise ConfigError(
            f"{source}: “{key}” looks like a secret. Secrets never go in the config file: "
            "keep them in the OS keyring or in BW_PASSWORD, BW_CLIENT_SECRET, "
            "BW_MESSAGING_TOKEN, BW_MESSAGING_SECRET, BW_CALLBACK_PASSWORD.",
            "Remove it from the file and set the matching environment variable.",
        )


def _apply_table(
    inputs: SetupInputs, table: str, values: Mapping[str, Any], source: str
) -> set[str]:
    """Fill `inputs` from one table; returns the keys it gave."""
    spec = TABLES[table]
    for key, value in values.items():
        _refuse_secret(key, source)
        if key not in spec:
            known = ", ".join(spec)
            raise ConfigError(f"{source}: unknown key {table}.{key}; known keys: {known}.")
        item = spec[key]
        if item.kind == "table":
            setattr(inputs, item.attribute, _sub_table(table, key, value, source))
            continue
        value = _typed(table, key, item.kind, value, source)
        problem = item.rule(value) if item.rule else None
        if problem:
            raise ConfigError(f"{source}: {table}.{key}: {problem}")
        value = value.strip() if item.trim else value
        if item.attribute.startswith("address:"):
            inputs.new_site_address = {
                **inputs.new_site_address,
                item.attribute.removeprefix("address:"): value,
            }
        else:
            setattr(inputs, item.attribute, value)
    return set(values)


def _sub_table(table: str, key: str, value: Any, source: str) -> dict[str, str]:
    """``[compliance.toll_free_verification]``: every field checked by the rules the Ready
    screen's form uses (`wizard.engine.verification_rules`)."""
    where = f"{table}.{key}"
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {where} must be a table: [{where}] on its own line.")
    values, problems = verification_rules.form_from_config(value, where)
    if problems:
        raise ConfigError(f"{source}: {problems[0]}")
    return values


def _typed(table: str, key: str, kind: str, value: Any, source: str) -> Any:
    """The value when it has the key's TOML type (ids may be numbers), else a ConfigError."""
    if (table, key) in ID_KEYS and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    fits = {
        "text": isinstance(value, str),
        "whole number": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "true or false": isinstance(value, bool),
        "list of texts": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[kind]
    if not fits:
        article = "" if kind == "true or false" else "a "
        raise ConfigError(f"{source}: {table}.{key} must be {article}{kind}.")
    return float(value) if kind == "number" else value


def _check_tables(inputs: SetupInputs, tables: Mapping[str, set[str]], source: str) -> None:
    """Keys a table cannot do without, and the rules that read more than one key."""
    for table, (key, what) in REQUIRED.items():
        if table in tables and key not in tables[table]:
            raise ConfigError(f"{source}: {table}.{key} is missing: {what}.")
    if "order" in tables:
        _check_order(tables["order"], source)
    if "subaccount" in tables:
        _check_subaccount(inputs, tables["subaccount"], source)
    if "message" not in tables:
        return
    destinations = rules.destination_list(list(inputs.message_to))
    if destinations.problem:
        raise ConfigError(f"{source}: message.to: {destinations.problem}")
    inputs.message_to = list(destinations.numbers)
    media, errors = rules.media_list(list(inputs.media))
    if errors:
        raise ConfigError(f"{source}: message.media: {errors[0].message}")
    inputs.media = list(media)
    problem = rules.text_problem(inputs.message_text, has_media=bool(media))
    if problem:
        raise ConfigError(f"{source}: message.text: {problem}")
    if inputs.message_from:
        inputs.message_from = normalize_e164(inputs.message_from)


def _check_order(keys: set[str], source: str) -> None:
    """An order is either local numbers in an area code or toll-free numbers by pattern."""
    if "area_code" in keys and "pattern" in keys:
        raise ConfigError(
            f"{source}: [order] has both area_code and pattern: give area_code for local "
            'numbers (for example "919"), or pattern for toll-free ones (for example "8**").'
        )
    if "area_code" not in keys and "pattern" not in keys:
        raise ConfigError(
            f"{source}: order.area_code is missing: the area code to order local numbers in, "
            'for example "919" (or order.pattern, for example "8**", for toll-free numbers).'
        )


ADDRESS_KEYS = ("house_number", "street_name", "city", "state", "zip")
"""The service address a new sub-account needs, as the screen asks for it."""


def _check_subaccount(inputs: SetupInputs, keys: set[str], source: str) -> None:
    """site_id picks one; name finds or creates one, and creating needs the whole address."""
    if "site_id" in keys and "name" in keys:
        raise ConfigError(
            f"{source}: [subaccount] has both site_id and name: give site_id to use an existing "
            "sub-account, or name (and its address) to find or create one."
        )
    address = [key for key in ADDRESS_KEYS if key in keys]
    if address and "name" not in keys:
        raise ConfigError(
            f"{source}: subaccount.{address[0]} is only used with subaccount.name (a new "
            "sub-account's address)."
        )
    missing = [key for key in ADDRESS_KEYS if key not in keys]
    if "name" in keys and missing:
        raise ConfigError(
            f"{source}: subaccount.{missing[0]} is missing: a new sub-account needs its service "
            "address (house_number, street_name, city, state, zip), used only when no "
            "sub-account has that name yet."
        )
    if inputs.new_site_address:
        inputs.new_site_address = {
            **inputs.new_site_address,
            "StateCode": inputs.new_site_address["StateCode"].upper(),
            "AddressType": "Service",
        }
