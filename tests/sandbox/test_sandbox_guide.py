"""The guide's eight requests, sent verbatim (ids substituted), with the retired API user switched
back on (`legacy_api_users`); and what today's Bandwidth makes of them."""

from __future__ import annotations

import httpx
import pytest
from sbx_helpers import Api, check_guide_answers, load_sample, localise, run_guide, substitute


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def test_guide_requests_get_the_guides_answers_with_the_switch_on(sandbox, api):
    api.config(legacy_api_users=True)
    with httpx.Client(timeout=10, trust_env=False) as client:
        answers = run_guide(sandbox.base_url, sandbox.identity, client)
    check_guide_answers(answers, sandbox.base_url, sandbox.identity)


def test_guide_requests_get_401_with_the_switch_off(sandbox, api):
    """What a real account answers the guide's first request since API users are gone."""
    sample = load_sample("1-create-application.request.http")
    url = localise(substitute(sample.url, {"accountId": sandbox.identity.account_id}), api.base_url)
    answer = api.http.post(
        url,
        content=sample.body,
        headers={"Content-Type": sample.headers["Content-Type"]},
        auth=api.basic,
    )
    assert answer.status_code == 401 and answer.content == b""
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.state()["applications"] == []


def test_the_guides_message_fails_4476_until_its_number_is_on_a_campaign(sandbox, api):
    api.config(legacy_api_users=True)
    with httpx.Client(timeout=10, trust_env=False) as client:
        answers = run_guide(sandbox.base_url, sandbox.identity, client)
    ids = answers["ids"].json()
    (message,) = api.state()["messages"]
    plan = message["results"]["+19195550123"]
    assert (plan["planned"], plan["error_code"]) == ("failed", 4476)
    assert plan["sending"] is False  # an SMS: no message-sending, even on the guide's API

    api.register(ids["number"])
    again = api.send(ids["app_id"], "+1" + ids["number"], "+19195550123", legacy=True)
    assert again.status_code == 202
    (resent,) = [m for m in api.state()["messages"] if m["id"] == again.json()["id"]]
    assert resent["results"]["+19195550123"]["planned"] == "delivered"
