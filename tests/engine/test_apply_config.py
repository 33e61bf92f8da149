"""The apply config file: every mistake named by key, secrets refused, README example valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard.commands.apply_config import ConfigError, load_apply_config, parse_apply_config

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    text = README.read_text()
    match = re.search(r"```toml\n(# bw.toml.*?)```", text, re.S)
    assert match, "README lost its apply example"
    return match.group(1)


def test_readme_example_parses(tmp_path: Path) -> None:
    path = tmp_path / "bw.toml"
    path.write_text(readme_example())
    config = load_apply_config(path)
    assert config.settings == {"account_id": "9900000", "username": "sandbox"}
    assert config.inputs.site_id == "10001"
    assert config.inputs.area_code == "919"
    assert config.inputs.message_to == ["+19195550100"]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"password": "x"}, "looks like a secret"),
        ({"application": {"callback_password": "x"}}, "looks like a secret"),
        ({"applicaton": {"name": "x"}}, "unknown table [applicaton]"),
        ({"order": {"areacode": "919"}}, "unknown key order.areacode"),
        ({"order": {"quantity": "two"}}, "order.quantity must be a whole number"),
        ({"order": {"quantity": True}}, "order.quantity must not be true/false"),
        ({"order": {"area_code": "911"}}, "not a North American area code"),
        ({"order": {"area_code": "123"}}, "not a North American area code"),
        ({"order": {"quantity": 0}}, "between 1 and 100"),
        ({"message": {"to": ["12"]}}, "message.to “12”"),
        ({"message": {"to": [1]}}, "list of strings"),
        ({"message": {"text": "x" * 2049}}, "longer than 2048"),
        ({"message": {"to": ["+19195550100"] * 11}}, "more than 10"),
        ({"message": {"priority": "urgent"}}, "priority"),
    ],
)
def test_mistakes_are_named(data: dict, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_apply_config(data, source="bw.toml")
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("bw.toml")


def test_us_numbers_may_omit_plus_one() -> None:
    config = parse_apply_config(
        {"message": {"to": ["919-555-0100"], "from": "(919) 555 0199"}}, source="x"
    )
    assert config.inputs.message_to == ["+19195550100"]
    assert config.inputs.message_from == "+19195550199"


def test_bad_toml_is_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("account_id = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_apply_config(path)
    with pytest.raises(ConfigError, match="Cannot read"):
        load_apply_config(tmp_path / "missing.toml")
