"""One validation for the screens and `apply`: the same rule, the same limit, the same sentence.

Each case types a value into a screen's validator and writes it into an `apply` config, and
checks that both refuse (or both accept) it, with the same sentence (the config puts the key in
front of it).
"""

from __future__ import annotations

from typing import Any

import pytest

from wizard.commands.apply_config import ConfigError, parse_apply_config
from wizard.tui.widgets import validators as v


def screen_problem(validator: Any, value: str) -> str | None:
    result = validator.validate(value)
    return None if result.is_valid else result.failure_descriptions[0]


def config_problem(data: dict[str, Any]) -> str | None:
    try:
        parse_apply_config(data, source="bw.toml")
    except ConfigError as error:
        return error.message
    return None


SAME_RULE = [
    # (screen validator, typed value, config table, key, config value)
    (v.Quantity(), "51", "order", "quantity", 51),
    (v.Quantity(), "50", "order", "quantity", 50),
    (v.Quantity(), "0", "order", "quantity", 0),
    (v.AreaCode(), "911", "order", "area_code", "911"),
    (v.AreaCode(), "123", "order", "area_code", "123"),
    (v.AreaCode(), "919", "order", "area_code", "919"),
    (v.CallbackUrl(), "https://user:pass@example.com/cb", "application", "callback_url", None),
    (v.CallbackUrl(), "http://example.com/cb", "application", "callback_url", None),
    (v.CallbackUrl(), "ftp://example.com/cb", "application", "callback_url", None),
    (v.CallbackUrl(), "https://intranet/cb", "application", "callback_url", None),
    (v.CallbackUrl(), "https://example.com/cb", "application", "callback_url", None),
    (v.Name("application name"), "x" * 51, "application", "name", None),
    (v.Name("location name"), "a\x07b", "location", "name", None),
    (v.SiteName(), "Bad/name", "subaccount", "name", None),
    (v.Required("callback user"), " bw ", "application", "callback_user", None),
    (v.StateCode(), "ZZ", "subaccount", "state", None),
    (v.Zip(), "2760", "subaccount", "zip", None),
    (v.Required("city"), "", "subaccount", "city", None),
]

ADDRESS = {
    "name": "Second site",
    "house_number": "900",
    "street_name": "Main Campus Dr",
    "city": "Raleigh",
    "state": "nc",
    "zip": "27606",
}


@pytest.mark.parametrize(("validator", "typed", "table", "key", "value"), SAME_RULE)
def test_screen_and_config_share_the_rule_and_the_sentence(
    validator: Any, typed: str, table: str, key: str, value: Any
) -> None:
    base = {"order": {"area_code": "919"}} if table != "order" else {}
    given = {**ADDRESS} if table == "subaccount" else {}
    data = {**base, table: {**given, key: typed if value is None else value}}
    if table == "order" and key != "area_code":
        data[table]["area_code"] = "919"
    on_screen = screen_problem(validator, typed)
    in_config = config_problem(data)
    if on_screen is None:
        assert in_config is None, in_config
    else:
        assert in_config == f"bw.toml: {table}.{key}: {on_screen}"


def test_one_quantity_limit() -> None:
    """The screens and `apply` take the same most numbers per order: 50, from one place."""
    from wizard.engine.validation import MAX_QUANTITY

    assert MAX_QUANTITY == 50
    assert screen_problem(v.Quantity(), str(MAX_QUANTITY)) is None
    assert config_problem({"order": {"area_code": "919", "quantity": MAX_QUANTITY}}) is None
    assert "at most 50" in (screen_problem(v.Quantity(), "100") or "")
    assert "at most 50" in (config_problem({"order": {"area_code": "919", "quantity": 100}}) or "")


def test_unknown_top_level_key_is_refused_with_the_known_ones() -> None:
    problem = config_problem({"acount_id": "9900000"})
    assert problem is not None
    assert "acount_id" in problem
    assert "account_id" in problem and "[order]" in problem


def test_settings_at_the_top_are_checked_before_anything_runs() -> None:
    problem = config_problem({"account_id": "99-00"})
    assert problem is not None and "account_id" in problem


# -- wording and input slips -------------------------------------------------------------------


def test_service_code_sentence_does_not_repeat_itself() -> None:
    for code in ("911", "411"):
        problem = screen_problem(v.AreaCode(), code)
        assert problem is not None and "service code" in problem
        assert problem.count("911") <= 1, problem


def test_type_sentences_read_as_english() -> None:
    problem = config_problem({"location": {"default": "yes"}})
    assert problem == "bw.toml: location.default must be true or false."
    problem = config_problem({"order": {"area_code": "919", "quantity": "two"}})
    assert problem == "bw.toml: order.quantity must be a whole number."


def test_state_codes_are_real_ones() -> None:
    for good in ("NC", "nc", "CA", "DC", "PR", "GU", "VI"):
        assert screen_problem(v.StateCode(), good) is None, good
    for bad in ("ZZ", "XX", "QQ", "N", "NCA", "1A"):
        assert screen_problem(v.StateCode(), bad) is not None, bad


def test_media_urls_must_be_https() -> None:
    from wizard.engine.validation import parse_media_urls

    urls, errors = parse_media_urls("http://example.com/cat.jpg")
    assert urls == () and errors and "https://" in errors[0].message
    urls, errors = parse_media_urls("https://example.com/cat.jpg")
    assert urls == ("https://example.com/cat.jpg",) and errors == ()
    problem = config_problem(
        {"message": {"to": ["+19195550100"], "media": ["http://example.com/cat.jpg"]}}
    )
    assert problem is not None and "message.media" in problem and "https://" in problem


def test_message_inputs_use_the_composer_rules() -> None:
    problem = config_problem({"message": {"to": ["+19195550100"], "tag": "x" * 1025}})
    assert problem is not None and problem.startswith("bw.toml: message.tag: ")
    problem = config_problem({"message": {"to": ["+19195550100"], "text": ""}})
    assert problem is not None and problem.startswith("bw.toml: message.text: ")
    problem = config_problem({"message": {"text": "hi"}})
    assert problem is not None and "message.to" in problem


def test_a_new_sub_account_needs_the_address_the_screen_asks_for() -> None:
    from wizard.commands.apply_config import parse_apply_config

    without = {k: v for k, v in ADDRESS.items() if k != "zip"}
    problem = config_problem({"subaccount": without})
    assert problem is not None and "subaccount.zip is missing" in problem
    problem = config_problem({"subaccount": {"site_id": "10001", "city": "Raleigh"}})
    assert problem is not None and "only used with subaccount.name" in problem
    config = parse_apply_config({"subaccount": ADDRESS}, source="bw.toml")
    assert config.inputs.new_site_name == "Second site"
    assert config.inputs.new_site_address == {
        "HouseNumber": "900",
        "StreetName": "Main Campus Dr",
        "City": "Raleigh",
        "StateCode": "NC",
        "Zip": "27606",
        "AddressType": "Service",
    }
