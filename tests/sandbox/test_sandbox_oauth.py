"""OAuth2 client credentials: tokens, their use on both APIs, expiry."""

from __future__ import annotations

import pytest
from sbx_helpers import Api


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def token(api: Api, auth=("sandbox-client", "sandbox-secret"), grant="client_credentials"):
    return api.http.post("/api/v1/oauth2/token", data={"grant_type": grant}, auth=auth)


def test_client_credentials_give_a_bearer_token(api):
    answer = token(api)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"]
    assert answer.headers["cache-control"] == "no-store"


def test_bad_client_and_bad_grant(api):
    bad = token(api, auth=("sandbox-client", "nope"))
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    assert token(api, auth=None).status_code == 401
    grant = token(api, grant="password")
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"


def test_bearer_works_on_the_dashboard_and_todays_messaging_not_the_guides(api):
    ready = api.ready_account()
    bearer = {"Authorization": "Bearer " + token(api).json()["access_token"]}
    assert api.http.get(api.account + "/sites", headers=bearer).status_code == 200
    body = {
        "applicationId": ready["app_id"],
        "from": ready["number"],
        "to": ["9195550123"],
        "text": "hi",
    }
    current = api.http.post(
        f"/api/v2/users/{api.identity.account_id}/messages", json=body, headers=bearer
    )
    assert current.status_code == 202
    legacy = api.http.post(f"/v2/users/{api.identity.user_id}/messages", json=body, headers=bearer)
    assert legacy.status_code == 401


def test_tokens_expire(api):
    api.config(token_lifetime=0)
    answer = token(api)
    assert answer.json()["expires_in"] == 0
    bearer = {"Authorization": "Bearer " + answer.json()["access_token"]}
    assert api.http.get(api.account + "/sites", headers=bearer).status_code == 401
    api.config(token_lifetime=60)
    fresh = {"Authorization": "Bearer " + token(api).json()["access_token"]}
    assert api.http.get(api.account + "/sites", headers=fresh).status_code == 200
