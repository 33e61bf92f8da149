"""The /_sandbox/ control API: state, reset, config."""

from __future__ import annotations

import json

import pytest
from sbx_helpers import Api


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def test_state_holds_everything_and_no_secret(api):
    ready = api.ready_account(password="callback-pass-123")
    api.send(ready["app_id"], ready["number"], ["+19195550123"])
    state = api.state()
    assert set(state) >= {
        "identity",
        "config",
        "sites",
        "locations",
        "applications",
        "orders",
        "numbers",
        "messages",
        "callback_attempts",
        "requests",
        "faults",
        "credentials",
        "campaigns",
        "campaign_numbers",
        "tn_option_orders",
        "toll_free_verifications",
    }
    assert [c["client_id"] for c in state["credentials"]] == [
        "sandbox-client",
        "sandbox-limited",
        "sandbox-build",
        "sandbox-multi",
    ]
    assert state["campaign_numbers"] == [
        {"number": ready["number"], "campaign_id": "CA1B2C3", "status": "SUCCESS"}
    ]
    (location,) = state["locations"]
    assert location["sms"]["protocol"] == "HTTP" and location["mms"]["protocol"] == "HTTP"
    assert location["application_id"] == ready["app_id"]
    assert location["numbers"] == [ready["number"]]
    assert state["orders"][0]["status"] == "COMPLETE"
    assert state["applications"][0]["has_callback_password"] is True
    text = json.dumps(state)
    secrets = ("sandbox-password", "sandbox-secret", "s-sandbox", "callback-pass-123")
    for secret in (*secrets, "sandbox-limited-secret", "sandbox-build-secret", api.auth.token):
        assert secret not in text


def test_reset_goes_back_to_the_seeded_start_with_the_same_ids(api):
    first_app = api.create_app()
    api.create_location()
    api.config(order_delay=5)
    api.fault(path="/api/*", kind="status")
    assert api.control("POST", "/reset").json()["reset"] is True
    state = api.state()
    assert [s["id"] for s in state["sites"]] == ["10001"]
    assert state["applications"] == [] and state["locations"] == [] and state["faults"] == []
    assert state["config"]["order_delay"] == 0.2
    assert api.create_app() == first_app  # seeded ids: same seed, same ids


def test_config_can_be_read_and_changed(api):
    assert api.control("GET", "/config").json()["http_messaging_enabled"] is True
    changed = api.control("POST", "/config", {"inbound_reply": True, "order_delay": 1}).json()
    assert changed["inbound_reply"] is True and changed["order_delay"] == 1
    today = {"legacy_api_users": True, "a2p_only": True, "tfv_delay": 0.5}
    assert (
        api.control("POST", "/config", today).json() | today == api.control("GET", "/config").json()
    )
    assert api.control("POST", "/config", {"tfv_delay": None}).json()["tfv_delay"] is None
    for bad in (
        {"port": 1},
        {"order_delay": "soon"},
        {"order_delay": -1},
        {"inbound_reply": 1},
        {"token_lifetime": True},
        {"legacy_api_users": "yes"},
        {"tfv_delay": "later"},
    ):
        answer = api.control("POST", "/config", bad)
        assert answer.status_code == 400, bad
        assert answer.json()["error"]


def test_index_lists_the_control_endpoints(api):
    endpoints = api.control("GET", "").json()["endpoints"]
    assert "GET /_sandbox/state" in endpoints
    assert "POST /_sandbox/applications" in endpoints
