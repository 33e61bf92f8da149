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
    assert config.settings == {"client_id": "sandbox-client"}
    assert config.inputs.site_id == "10001"
    assert config.inputs.campaign_id == "CA1B2C3"
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
        ({"order": {"quantity": True}}, "order.quantity must be a whole number"),
        ({"order": {"area_code": "911"}}, "order.area_code: 911 is a service code"),
        ({"order": {"area_code": "123"}}, "order.area_code: North American area codes start"),
        ({"order": {"area_code": "919", "quantity": 0}}, "order.quantity: Order at least 1"),
        ({"order": {"quantity": 1}}, "order.area_code is missing"),
        ({"message": {"to": ["12"], "text": "x"}}, "message.to: “12” has too few digits"),
        ({"message": {"to": [1]}}, "message.to must be a list of texts"),
        ({"message": {"to": ["+19195550100"], "text": "x" * 2049}}, "at most 2048"),
        ({"message": {"to": [f"+1919555{n:04d}" for n in range(11)]}}, "at most 10 numbers"),
        ({"message": {"to": ["+19195550100"], "priority": "urgent"}}, "message.priority"),
        ({"message": {"text": "x"}}, "message.to is missing"),
        ({"application": {"callback_url": "https://u:p@example.com/cb"}}, "in their own fields"),
        ({"applications": "x"}, "unknown key “applications”"),
        ({"order": 919}, "order must be a table"),
    ],
)
def test_mistakes_are_named(data: dict, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_apply_config(data, source="bw.toml")
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("bw.toml")


def test_us_numbers_may_omit_plus_one() -> None:
    config = parse_apply_config(
        {"message": {"to": ["919-555-0100"], "from": "(919) 555 0199", "text": "hi"}},
        source="x",
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
