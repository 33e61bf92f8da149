"""OAuth2 client credentials: JWTs with accounts, roles and express; their use; expiry on the
sandbox clock; API users refused unless legacy_api_users brings them back."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from sbx_helpers import BUILD, LIMITED, MULTI, Api, claims, token_answer

FULL = ("sandbox-client", "sandbox-secret")
EVERY_ROLE = [
    "Messaging",
    "Numbers",
    "HTTP Application Management",
    "Sub-Accounts",
    "Campaign Management",
    "TFV",
    "HttpVoice",
]


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def token(api: Api, auth=FULL, grant="client_credentials"):
    return api.http.post("/api/v1/oauth2/token", data={"grant_type": grant}, auth=auth)


def test_client_credentials_give_a_bearer_jwt(api):
    answer = token(api)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert answer.headers["cache-control"] == "no-store"
    header, _, signature = body["access_token"].split(".")
    assert signature and "=" not in body["access_token"]  # base64url without padding
    assert json.loads(base64.urlsafe_b64decode(header + "==="))["alg"] == "HS256"
    jwt = claims(body["access_token"])
    assert jwt["accounts"] == ["9900000"] and jwt["express"] is False
    assert jwt["roles"] == EVERY_ROLE
    assert jwt["exp"] - jwt["iat"] == 3600
    assert jwt["sub"] == jwt["client_id"] == "sandbox-client"
    assert jwt["iss"] == api.base_url and jwt["jti"]
    assert "secret" not in json.dumps(jwt)


@pytest.mark.parametrize(
    ("client", "accounts", "express", "missing"),
    [
        (LIMITED, ["9900000"], False, {"Campaign Management", "TFV"}),
        (BUILD, ["9900002"], True, set(EVERY_ROLE) - {"HTTP Application Management", "HttpVoice"}),
        (MULTI, ["9900000", "9900001"], False, set()),
    ],
)
def test_each_identity_has_its_own_token(api, client, accounts, express, missing):
    jwt = claims(token_answer(api.base_url, client).json()["access_token"])
    assert jwt["accounts"] == accounts
    assert jwt["express"] is express
    assert set(EVERY_ROLE) - set(jwt["roles"]) == missing
    if express:
        assert jwt["roles"] == ["HTTP Application Management", "HttpVoice", "brtcAccessRole"]


def test_bad_client_and_bad_grant(api):
    bad = token(api, auth=("sandbox-client", "nope"))
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    assert token(api, auth=None).status_code == 401
    assert token(api, auth=("sandbox", "sandbox-password")).status_code == 401  # an API user
    grant = token(api, grant="password")
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"


def test_bearer_works_on_the_dashboard_and_todays_messaging_not_the_guides(api):
    ready = api.ready_account()
    bearer = {"Authorization": "Bearer " + token(api).json()["access_token"]}
    assert api.http.get(api.account + "/sites", headers=bearer).status_code == 200
    assert api.http.get(api.v2 + "/sites", headers=bearer).status_code == 200
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


def test_a_token_edited_by_the_client_is_refused(api):
    access = token(api).json()["access_token"]
    header, _, signature = access.split(".")
    jwt = claims(access)
    jwt["roles"] = [*jwt["roles"], "Admin"]
    forged_payload = base64.urlsafe_b64encode(json.dumps(jwt).encode()).rstrip(b"=").decode()
    forged = f"{header}.{forged_payload}.{signature}"
    answer = api.http.get(api.account + "/sites", headers={"Authorization": "Bearer " + forged})
    assert answer.status_code == 401
    assert (
        api.http.get(api.account + "/sites", headers={"Authorization": "Bearer x.y.z"}).status_code
        == 401
    )


def test_tokens_expire(api):
    api.config(token_lifetime=0)
    answer = token(api)
    assert answer.json()["expires_in"] == 0
    bearer = {"Authorization": "Bearer " + answer.json()["access_token"]}
    assert api.http.get(api.account + "/sites", headers=bearer).status_code == 401
    api.config(token_lifetime=60)
    fresh = {"Authorization": "Bearer " + token(api).json()["access_token"]}
    assert api.http.get(api.account + "/sites", headers=fresh).status_code == 200


def test_expiry_follows_the_sandbox_clock(clocked):
    server, clock = clocked
    answer = token_answer(server.base_url, FULL)
    lifetime = answer.json()["expires_in"]
    bearer = {"Authorization": "Bearer " + answer.json()["access_token"]}
    sites = f"{server.api_v2_url}/accounts/9900000/sites"
    clock.advance(lifetime - 1)
    assert httpx.get(sites, headers=bearer, trust_env=False).status_code == 200
    clock.advance(1)
    expired = httpx.get(sites, headers=bearer, trust_env=False)
    assert expired.status_code == 401 and expired.headers["WWW-Authenticate"].startswith("Bearer")


def test_api_users_are_refused_by_default_and_come_back_with_the_switch(api):
    sites = api.account + "/sites"
    messages = f"/api/v2/users/{api.identity.account_id}/messages"
    refused = api.http.get(sites, auth=api.basic)
    assert refused.status_code == 401 and refused.content == b""
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    json_refused = api.http.post(messages, json={}, auth=api.basic)
    assert json_refused.status_code == 401
    assert json_refused.json() == {"type": "unauthorized", "description": "Authentication Failed"}

    assert api.control("POST", "/config", {"legacy_api_users": True}).json()["legacy_api_users"]
    assert api.http.get(sites, auth=api.basic).status_code == 200
    assert api.http.get(api.v2 + "/sites", auth=api.basic).status_code == 200
    wrong = api.http.get(sites, auth=("sandbox", "wrong"))
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Basic")
    api.control("POST", "/reset")
    assert api.http.get(sites, auth=api.basic).status_code == 401  # reset turns it off again


def test_the_guides_catapult_api_keeps_its_token_and_secret(api):
    """The retired catapult messaging API stays, Basic token:secret, to replay the guide."""
    ready = api.ready_account(register=False)
    sent = api.send(ready["app_id"], ready["number"], "+19195550123", legacy=True)
    assert sent.status_code == 202
