"""`apply` and "Ready to send": toll-free orders, the verification request from the config
(checked before the first request, by the Ready form's rules), PENDING as exit 4 with the
screen's sentences, a decline and its resubmission on the next run, and a local number's
PARTIAL-free campaign assignment, all against the sandbox."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.engine.helpers import control, state
from wizard.cli import main
from wizard.commands.apply_config import ConfigError, parse_apply_config
from wizard.engine import verification_rules as tfv

README = Path(__file__).resolve().parents[2] / "README.md"


def toll_free_example() -> str:
    """The README's toll-free config, as it stands."""
    match = re.search(r"```toml\n(# bw-toll-free.toml.*?)```", README.read_text(), re.S)
    assert match, "README lost its toll-free apply example"
    return match.group(1)


def account_config(sandbox: Any, tmp_path: Path, verification: str, *, wait: float = 5) -> Path:
    """A toll-free config for the shared sandbox as if it were a real account."""
    identity = sandbox.config.identity
    text = f"""
client_id = "{identity.client_id}"
dashboard_url = "{sandbox.api_v2_url}"
messaging_url = "{sandbox.messaging_url}"
oauth_token_url = "{sandbox.oauth_token_url}"

[subaccount]
site_id = "{identity.site_id}"

[application]
name = "apply toll-free"
callback_url = "http://127.0.0.1:9/callbacks"
callback_user = "bw-wizard"

[location]
name = "apply toll-free"

[features]

[order]
pattern = "8**"
timeout = 20

[compliance]
wait = {wait}
{verification}
"""
    path = tmp_path / "bw.toml"
    path.write_text(text)
    return path


def verification_table(**changes: Any) -> str:
    """``[compliance.toll_free_verification]`` and its sub-tables, from the README example's
    values with `changes` (config keys, ``business_contact.email``) applied."""
    example = toll_free_example()
    start = example.index("[compliance.toll_free_verification]")
    end = example.index("[message]")
    text = example[start:end]
    for key, value in changes.items():
        name = key.rsplit(".", 1)[-1]
        text, count = re.subn(
            rf"^{name} = .*$", f"{name} = {json.dumps(value)}", text, count=1, flags=re.M
        )
        assert count == 1, key
    return text


def test_readme_toll_free_example_runs_with_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    config = tmp_path / "bw.toml"
    config.write_text(toll_free_example())
    code = main(["apply", "--sandbox", "--config", str(config), "--order-delay", "0.1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "for toll-free numbers placed" in out
    assert "toll-free verification VERIFIED" in out
    assert "callback: message-delivered" in out


def test_the_table_fills_the_request_the_form_would() -> None:
    config = parse_apply_config(
        {"compliance": {"toll_free_verification": _table()}}, source="bw.toml"
    )
    values = config.inputs.toll_free_verification
    assert values is not None
    assert tfv.form_problems(values) == {}
    request = tfv.submission_from_form(values, ("+18005550100",))
    assert request.business_contact.email == "jane@acme-example.com"
    assert request.opt_in_workflow.image_urls == ("https://acme-example.com/opt-in.png",)
    assert request.message_volume == 1000
    assert request.to_json()["phoneNumbers"] == ["+18005550100"]


def _table(**sub: dict[str, Any]) -> dict[str, Any]:
    values = tfv.SANDBOX_EXAMPLE
    table: dict[str, Any] = {}
    for field in tfv.FIELDS:
        if field.key not in values:
            continue
        *groups, last = field.config_key
        target = table
        for group in groups:
            target = target.setdefault(group, {})
        value: Any = values[field.key]
        if field.kind == "whole number":
            value = int(value)
        elif field.kind == "list of texts":
            value = value.split()
        target[last] = value
    for group, changes in sub.items():
        table.setdefault(group, {}).update(changes)
    return table


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        (
            _table(business_contact={"email": "jane@"}),
            "compliance.toll_free_verification.business_contact.email: Enter an email address",
        ),
        (
            _table(business_address={"zip": "2760"}),
            "compliance.toll_free_verification.business_address.zip: Enter the ZIP code",
        ),
        (
            {**_table(), "message_volume": 5},
            "compliance.toll_free_verification.message_volume: Bandwidth takes a monthly volume",
        ),
        (
            {**_table(), "message_volume": "1000"},
            "compliance.toll_free_verification.message_volume must be a whole number",
        ),
        (
            {**_table(), "business_registration_number": "12-3456789"},
            "business_registration_number: Leave this empty: a sole proprietor",
        ),
        (
            {**_table(), "business_entity_type": "PRIVATE_PROFIT"},
            "business_registration_number: Enter the registration number: a private company",
        ),
        (
            _table(opt_in_workflow={"image_urls": []}),
            "opt_in_workflow.image_urls: Enter the screenshot urls",
        ),
        ({**_table(), "business_name": "x"}, "unknown key compliance.toll_free_verification."),
        (_table(business_address={"street": "x"}), "known keys: addr1, addr2, city, name"),
        ({**_table(), "business_contact": "jane"}, "business_contact must be a table"),
    ],
)
def test_every_mistake_is_named_before_any_request(table: dict, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_apply_config({"compliance": {"toll_free_verification": table}}, source="bw.toml")
    assert fragment in str(caught.value)


def test_an_order_is_local_or_toll_free_never_both() -> None:
    with pytest.raises(ConfigError, match="both area_code and pattern"):
        parse_apply_config({"order": {"area_code": "919", "pattern": "8**"}}, source="x")
    with pytest.raises(ConfigError, match=r"order\.pattern: A toll-free pattern is 8"):
        parse_apply_config({"order": {"pattern": "9**"}}, source="x")
    config = parse_apply_config({"order": {"pattern": "87*"}}, source="x")
    assert config.inputs.toll_free_pattern == "87*"


def test_pending_exits_4_then_a_rerun_finds_it_verified(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    control(sandbox, "config", {"tfv_delay": 60})
    config = account_config(sandbox, tmp_path, verification_table(), wait=0.1)
    assert main(["apply", "--config", str(config)]) == 4
    err = capsys.readouterr().err
    assert "✗ Ready to send: The toll-free verification of +1 8" in err
    assert "is PENDING." in err
    assert "next: Toll-free verification is reviewed by people" in err
    posts = "POST /api/v2/accounts/{account}/tollFreeVerification"
    assert state(sandbox)["requests"]["counts"][posts] == 1

    control(sandbox, "clock", {"mode": "manual"})
    control(sandbox, "clock", {"advance": 61})  # the review is done (reset restarts the clock)
    assert main(["apply", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "toll-free verification VERIFIED" in out
    assert state(sandbox)["requests"]["counts"][posts] == 1  # read again, never sent again


def test_declined_exits_4_then_resubmit_from_the_config_verifies(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    webmail = verification_table(**{"business_contact.email": "jane@gmail.com"})
    config = account_config(sandbox, tmp_path, webmail)
    assert main(["apply", "--config", str(config)]) == 4
    err = capsys.readouterr().err
    assert "was declined: Business Email Address Must Use an Official Domain (code 1101)" in err
    assert "[compliance] resubmit = true" in err

    fixed = verification_table(**{"business_contact.email": "jane@acme-example.com"})
    config = account_config(sandbox, tmp_path, "resubmit = true\n" + fixed)
    assert main(["apply", "--config", str(config)]) == 0
    assert "toll-free verification VERIFIED" in capsys.readouterr().out
    put = "PUT /api/v2/accounts/{account}/phoneNumbers/{number}/tollFreeVerification"
    assert state(sandbox)["requests"]["counts"][put] == 1


def test_a_decline_without_resubmission_exits_4_saying_so(
    sandbox, account_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    casino = verification_table(**{"business_address.name": "Lucky Casino"})
    config = account_config(sandbox, tmp_path, "resubmit = true\n" + casino)
    assert main(["apply", "--config", str(config)]) == 4
    err = capsys.readouterr().err
    assert "Disallowed Content - Gambling (code 511)" in err
    assert "may not be resubmitted" in err
