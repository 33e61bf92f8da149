"""`apply` creates nothing the config did not ask for, and says where it stopped and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.engine.helpers import account_client, state
from wizard.cli import main
from wizard.commands.apply_plan import PlanError, plan_apply
from wizard.engine.registry import ORDER_OF_STEPS
from wizard.engine.step import StepId

ALL_TABLES = {"application", "location", "features", "order", "compliance", "message"}


def nothing_recorded(step: StepId) -> bool:
    return False


def test_empty_config_only_verifies_and_picks_the_sub_account() -> None:
    plan = plan_apply(set(), nothing_recorded)
    assert plan.steps == (StepId.VERIFY, StepId.SUBACCOUNT)
    assert plan.stop_before is StepId.APPLICATION
    assert "[application]" in plan.stop_line()


def test_every_table_runs_every_step() -> None:
    plan = plan_apply(ALL_TABLES, nothing_recorded)
    assert plan.steps == ORDER_OF_STEPS
    assert plan.stop_before is None and plan.stop_line() == ""


def test_no_order_table_stops_before_ordering() -> None:
    plan = plan_apply({"application", "location", "features"}, nothing_recorded)
    assert plan.steps[-1] is StepId.ASSIGN  # Assign goes with what it links
    assert plan.stop_before is StepId.ORDER
    assert "no numbers were ordered" in plan.stop_line()


def test_order_runs_its_status_step_too() -> None:
    plan = plan_apply({"application", "location", "features", "order"}, nothing_recorded)
    assert plan.steps[-1] is StepId.WAIT_ORDER
    assert plan.stop_before is StepId.READY


def test_a_table_whose_earlier_steps_nothing_did_is_refused() -> None:
    with pytest.raises(PlanError) as caught:
        plan_apply({"application", "message"}, nothing_recorded)
    assert caught.value.missing == ("location", "features", "order", "compliance")
    assert "[order]" in str(caught.value) and "[message]" in str(caught.value)


def test_earlier_steps_done_before_are_confirmed_not_redone() -> None:
    done = {StepId.APPLICATION, StepId.LOCATION, StepId.SMS, StepId.MMS}
    plan = plan_apply({"order"}, lambda step: step in done)
    assert plan.steps[-1] is StepId.WAIT_ORDER
    assert plan.confirm_only == done


# -- the command ---------------------------------------------------------------------------


def settings_lines(sandbox) -> str:
    identity = sandbox.config.identity
    return f"""
account_id = "{identity.account_id}"
client_id = "{identity.client_id}"
dashboard_url = "{sandbox.api_v2_url}"
messaging_url = "{sandbox.messaging_url}"
oauth_token_url = "{sandbox.oauth_token_url}"
"""


TABLES = {
    "application": '[application]\nname = "plan test"\ncallback_url = "http://127.0.0.1:9/cb"\n'
    'callback_user = "bw-wizard"\n',
    "location": '[location]\nname = "plan test"\n',
    "features": "[features]\n",
    "order": '[order]\narea_code = "919"\ntimeout = 20\n',
    "compliance": '[compliance]\ncampaign_id = "CA1B2C3"\n',
    "message": '[message]\nto = ["+19195550100"]\ntext = "hello"\n',
}


def write_config(sandbox, tmp_path: Path, *tables: str, name: str = "bw.toml") -> str:
    path = tmp_path / name
    path.write_text(settings_lines(sandbox) + "\n".join(TABLES[t] for t in tables))
    return str(path)


def requests_seen(sandbox) -> int:
    return sum(state(sandbox)["requests"]["counts"].values())


def test_empty_config_creates_nothing(sandbox, account_env, tmp_path, capsys) -> None:
    code = main(["apply", "--config", write_config(sandbox, tmp_path), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    held = state(sandbox)
    assert held["applications"] == [] and held["locations"] == [] and held["orders"] == []
    assert "✓ Verify credentials" in captured.err
    assert "Stopped before “Application”: the config has no [application] table" in captured.err
    assert json.loads(captured.out)["stopped_before"] == StepId.APPLICATION.value


def test_no_order_table_orders_nothing(sandbox, account_env, tmp_path, capsys) -> None:
    config = write_config(sandbox, tmp_path, "application", "location", "features")
    assert main(["apply", "--config", config]) == 0
    out = capsys.readouterr().out
    held = state(sandbox)
    assert len(held["applications"]) == 1 and len(held["locations"]) == 1
    assert held["orders"] == [] and held["messages"] == []
    assert "✓ Assign application" in out
    assert "Stopped before “Order numbers”: the config has no [order] table" in out
    assert "no numbers were ordered" in out


def test_sandbox_with_an_empty_config_orders_nothing(tmp_path, capsys) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("")
    assert main(["apply", "--sandbox", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "✓ Verify credentials" in out
    for title in ("Application", "Location", "Order numbers", "Order status"):
        assert f"✓ {title}:" not in out
    assert "Stopped before “Application”" in out


def test_message_without_order_is_refused_before_any_request(
    sandbox, account_env, tmp_path, capsys
) -> None:
    config = write_config(sandbox, tmp_path, "application", "location", "features", "message")
    before = requests_seen(sandbox)
    assert main(["apply", "--config", config]) == 1
    err = capsys.readouterr().err
    assert "[order]" in err and "[message]" in err
    assert requests_seen(sandbox) == before, "a refused config must send nothing"


def test_a_later_run_may_leave_out_what_an_earlier_one_did(
    sandbox, account_env, tmp_path, capsys
) -> None:
    setup = write_config(sandbox, tmp_path, "application", "location", "features")
    assert main(["apply", "--config", setup]) == 0
    order = write_config(sandbox, tmp_path, "order", "compliance", "message", name="order.toml")
    assert main(["apply", "--config", order]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    held = state(sandbox)
    assert len(held["applications"]) == len(held["locations"]) == 1
    assert len(held["orders"]) == len(held["messages"]) == 1
    assert "✓ Application:" in out and "(already done)" in out


def test_a_left_out_step_gone_from_the_account_stops_the_run(
    sandbox, account_env, tmp_path, capsys
) -> None:
    assert main(["apply", "--config", write_config(sandbox, tmp_path, "application")]) == 0
    [app] = state(sandbox)["applications"]
    account = sandbox.config.identity.account_id
    with account_client(sandbox) as client:
        client.delete(f"/accounts/{account}/applications/{app['id']}").raise_for_status()
    capsys.readouterr()
    location = write_config(sandbox, tmp_path, "location", name="location.toml")
    assert main(["apply", "--config", location]) == 1
    err = capsys.readouterr().err
    assert "✗ Application:" in err and "[application]" in err
    held = state(sandbox)
    assert held["applications"] == [], "a left-out step is never done again"
    assert held["locations"] == []
