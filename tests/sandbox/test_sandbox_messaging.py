"""Messaging API (both generations): 202 answers, credentials, validation errors."""

from __future__ import annotations

import pytest
from sbx_helpers import Api


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


@pytest.fixture
def ready(api):
    return api.ready_account()


def test_both_generations_answer_202_with_the_documented_json(api, ready):
    for legacy in (True, False):
        answer = api.send(
            ready["app_id"],
            ready["number"],
            "9195550123",
            text="Hi there",
            legacy=legacy,
            tag="order-42",
            priority="high",
        )
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert list(body) == [
            "id",
            "owner",
            "applicationId",
            "time",
            "segmentCount",
            "direction",
            "to",
            "from",
            "text",
            "tag",
            "priority",
        ]
        assert len(body["id"]) == 29 and body["id"][:13].isdigit()
        assert body["to"] == ["+19195550123"]  # +1 may be omitted, as the guide says
        assert body["from"] == body["owner"] == "+1" + ready["number"]
        assert (body["tag"], body["priority"], body["direction"]) == ("order-42", "high", "out")
        assert body["time"].endswith("Z")


def test_media_and_segments(api, ready):
    long_gsm = api.send(ready["app_id"], ready["number"], ["+19195550123"], text="a" * 161).json()
    assert long_gsm["segmentCount"] == 2
    unicode = api.send(ready["app_id"], ready["number"], ["+19195550123"], text="é€😀" * 24).json()
    assert unicode["segmentCount"] == 2
    media = api.send(
        ready["app_id"],
        ready["number"],
        ["+19195550123"],
        text="",
        media=["https://example.com/a.png"],
    ).json()
    assert media["media"] == ["https://example.com/a.png"] and media["segmentCount"] == 1


def test_bad_credentials_are_401_json(api, ready):
    cases = [
        (f"/v2/users/{api.identity.user_id}/messages", api.auth),  # Dashboard creds on catapult
        (f"/v2/users/{api.identity.user_id}/messages", ("t-sandbox", "wrong")),
        (f"/api/v2/users/{api.identity.account_id}/messages", ("t-sandbox", "s-sandbox")),
        (f"/api/v2/users/{api.identity.account_id}/messages", None),
    ]
    for url, auth in cases:
        answer = api.http.post(url, json={"applicationId": ready["app_id"]}, auth=auth)
        assert answer.status_code == 401, url
        assert answer.json() == {"type": "unauthorized", "description": "Authentication Failed"}
    bearer = api.http.post(
        f"/api/v2/users/{api.identity.account_id}/messages",
        json={},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert bearer.status_code == 401


def test_another_account_is_403(api):
    answer = api.http.post("/api/v2/users/1234567/messages", json={}, auth=api.auth)
    assert answer.status_code == 403
    assert answer.json()["type"] == "forbidden"
    legacy = api.http.post("/v2/users/u-other/messages", json={}, auth=("t-sandbox", "s-sandbox"))
    assert legacy.status_code == 403


def test_wrong_content_type_is_415(api):
    answer = api.http.post(
        f"/api/v2/users/{api.identity.account_id}/messages",
        content=b"from=1",
        auth=api.auth,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 415
    assert answer.json()["type"] == "unsupported-content-type"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"applicationId": ""}, "applicationId"),
        ({"applicationId": "no-such-app"}, "applicationId"),
        ({"to": []}, "to"),
        ({"to": ["+1919555012"]}, "to"),
        ({"to": [f"+1919555{n:04d}" for n in range(11)]}, "to"),
        ({"from": "12"}, "from"),
        ({"text": "x" * 2049}, "text"),
        ({"text": ""}, "text"),
        ({"tag": "t" * 1025}, "tag"),
        ({"priority": "urgent"}, "priority"),
    ],
)
def test_validation_errors_are_400_with_field_errors(api, ready, change, field):
    body = {
        "applicationId": ready["app_id"],
        "from": "+1" + ready["number"],
        "to": ["+19195550123"],
        "text": "Hi",
        **change,
    }
    answer = api.http.post(
        f"/api/v2/users/{api.identity.account_id}/messages", json=body, auth=api.auth
    )
    assert answer.status_code == 400
    error = answer.json()
    assert error["type"] == "request-validation"
    assert error["description"]
    assert field in [item["fieldName"] for item in error["fieldErrors"]]
    assert all(set(item) == {"fieldName", "description"} for item in error["fieldErrors"])


def test_unparseable_json_is_400(api):
    answer = api.http.post(
        f"/api/v2/users/{api.identity.account_id}/messages",
        content=b"{",
        auth=api.auth,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400 and answer.json()["type"] == "request-validation"


def test_messages_are_kept_in_state_with_their_planned_outcome(api, ready):
    sent = api.send(ready["app_id"], ready["number"], ["+19195554775", "+19195550123"]).json()
    (message,) = [m for m in api.state()["messages"] if m["id"] == sent["id"]]
    assert message["results"]["+19195554775"]["planned"] == "failed"
    assert message["results"]["+19195554775"]["error_code"] == 4775
    assert message["results"]["+19195550123"]["planned"] == "delivered"
