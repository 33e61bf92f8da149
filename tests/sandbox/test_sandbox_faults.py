"""Fault injection: each kind, matching, counting, clearing, and the request log."""

from __future__ import annotations

import time

import httpx
import pytest
from sbx_helpers import Api

from tests.waiting import wait_for

APPS = "/api/accounts/*/applications"
APP_BODY = (
    "<Application><ServiceType>Messaging-V2</ServiceType><AppName>F</AppName>"
    "<CallbackUrl>https://example.com/cb</CallbackUrl></Application>"
)


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def test_status_fault_hits_the_next_n_matching_requests_only(api):
    api.fault(method="POST", path=APPS, kind="status", status=503, count=2)
    assert api.xml("GET", api.account + "/applications").status_code == 200  # other method
    for _ in range(2):
        answer = api.xml("POST", api.account + "/applications", APP_BODY)
        assert answer.status_code == 503 and answer.content == b""
    assert api.xml("POST", api.account + "/applications", APP_BODY).status_code == 201
    assert api.control("GET", "/faults").json() == {"faults": []}


def test_status_fault_can_send_another_error_shape(api):
    body = "<Errors><Code>12345</Code><Description>Something else</Description></Errors>"
    api.fault(path="/api/accounts/*/sites", kind="status", status=400, body=body)
    answer = api.xml("GET", api.account + "/sites")
    assert answer.status_code == 400 and answer.text == body
    assert answer.headers["content-type"] == "application/xml"


def test_delay_past_the_client_timeout_and_the_work_still_happens(api):
    api.fault(method="POST", path=APPS, kind="delay", delay=0.6)
    with pytest.raises(httpx.ReadTimeout):
        api.xml("POST", api.account + "/applications", APP_BODY, timeout=0.2)
    # Like the real API, a request the client gave up on may still have been carried out.
    created = wait_for(lambda: api.state()["applications"], timeout=5)
    assert created[0]["name"] == "F"


def test_drop_closes_the_connection_without_an_answer(api):
    api.fault(path="/api/accounts/*/sites", kind="drop")
    with pytest.raises(httpx.RemoteProtocolError):
        api.xml("GET", api.account + "/sites")
    assert api.xml("GET", api.account + "/sites").status_code == 200


TOKEN = "/api/v1/oauth2/token"


def posts(api: Api) -> list[dict]:
    """POSTs in the request log, but the test client's own token requests."""
    recent = api.state()["requests"]["recent"]
    return [r for r in recent if r["method"] == "POST" and r["route"] != TOKEN]


def test_drop_after_carries_the_request_out_and_loses_the_answer(api):
    api.fault(method="POST", path=APPS, kind="drop", after=True)
    with pytest.raises(httpx.RemoteProtocolError):
        api.xml("POST", api.account + "/applications", APP_BODY)
    # Done at once, before the connection went: the lost answer is the only difference.
    assert [a["name"] for a in api.state()["applications"]] == ["F"]
    (entry,) = wait_for(lambda: posts(api))
    assert entry["fault"] == "drop" and entry["status"] is None


def test_delay_after_holds_a_done_answer_and_lets_go_when_the_client_leaves(api):
    api.fault(method="POST", path=APPS, kind="delay", delay=30, after=True)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        api.xml("POST", api.account + "/applications", APP_BODY, timeout=0.3)
    assert [a["name"] for a in api.state()["applications"]] == ["F"], "not carried out at once"
    # The held answer ends with the connection, not 30 s later.
    logged = wait_for(lambda: posts(api), timeout=5)
    assert logged[0]["fault"] == "delay" and time.monotonic() - started < 10


def test_delay_after_answers_late_when_the_client_waits(api):
    api.fault(method="POST", path=APPS, kind="delay", delay=0.3, after=True)
    started = time.monotonic()
    answer = api.xml("POST", api.account + "/applications", APP_BODY, timeout=5)
    assert answer.status_code == 201 and time.monotonic() - started >= 0.3


def test_malformed_bodies(api):
    api.fault(path="/api/accounts/*/sites", kind="malformed")
    answer = api.xml("GET", api.account + "/sites")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/xml"
    with pytest.raises(Exception):  # noqa: B017 - any XML parser error will do
        __import__("xmltodict").parse(answer.text)
    api.fault(path="/api/v2/users/*/messages", kind="malformed")
    answer = api.http.post(
        f"/api/v2/users/{api.identity.account_id}/messages", json={}, auth=api.auth
    )
    with pytest.raises(ValueError):
        answer.json()


def test_rate_limit_is_429_with_an_empty_body_and_reset_time(api):
    api.fault(path="/api/accounts/*/orders", kind="rate_limit", reset_after=2)
    before = time.time()
    answer = api.xml("GET", api.account + "/orders")
    assert answer.status_code == 429 and answer.content == b""
    reset = int(answer.headers["X-RateLimit-Reset"])
    assert before + 1 <= reset <= time.time() + 3
    api.fault(path="/api/accounts/*/orders", kind="rate_limit", retry_after=True, reset_after=3)
    answer = api.xml("GET", api.account + "/orders")
    assert answer.headers["Retry-After"] == "3" and "X-RateLimit-Reset" not in answer.headers
    api.fault(path="/api/v2/users/*/messages", kind="rate_limit")
    answer = api.http.post(
        f"/api/v2/users/{api.identity.account_id}/messages", json={}, auth=api.auth
    )
    assert answer.status_code == 429
    assert answer.json()["type"] == "max-message-queue-size-exceeded"


def test_faults_are_cleared_by_delete_and_by_reset(api):
    api.fault(path="/api/*", kind="status", count=5)
    assert api.control("DELETE", "/faults").status_code == 200
    assert api.xml("GET", api.account).status_code == 200
    api.fault(path="/api/*", kind="status", count=5)
    api.control("POST", "/reset")
    assert api.xml("GET", api.account).status_code == 200


@pytest.mark.parametrize(
    "spec",
    [
        {"path": "/api/*", "kind": "explode"},
        {"path": "api", "kind": "status"},
        {"path": "/api/*", "kind": "status", "count": 0},
        {"path": "/api/*", "kind": "status", "status": 99},
        {"path": "/api/*", "kind": "delay", "delay": -1},
        {"path": "/api/*", "kind": "status", "after": True},
        {"path": "/api/*", "kind": "drop", "after": "yes"},
        [],
    ],
)
def test_invalid_fault_specs_are_refused_with_a_sentence(api, spec):
    answer = api.control("POST", "/faults", spec)
    assert answer.status_code == 400
    assert answer.json()["error"].endswith(".")


def test_request_log_counts_per_route_and_records_faults(api):
    api.fault(method="GET", path="/api/accounts/*/sites", kind="status", status=500)
    api.xml("GET", api.account + "/sites")
    api.xml("GET", api.account + "/sites")
    api.xml("GET", api.account + "/sites/10001")
    requests = api.state()["requests"]
    assert requests["counts"]["GET /api/accounts/{account}/sites"] == 2
    assert requests["counts"]["GET /api/accounts/{account}/sites/{site}"] == 1
    statuses = [(r["status"], r["fault"]) for r in requests["recent"] if r["route"] != TOKEN]
    assert statuses == [(500, "status"), (200, None), (200, None)]


def test_unknown_paths_and_fault_floods_stay_bounded(api):
    for index in range(5):
        assert api.http.get(f"/nowhere/{index}").status_code == 404
    counts = api.state()["requests"]["counts"]
    assert counts == {"GET (no such route)": 5}
    for _ in range(100):
        api.fault(path="/never/*", kind="status")
    refused = api.control("POST", "/faults", {"path": "/never/*", "kind": "status"})
    assert refused.status_code == 400 and "At most 100 faults" in refused.json()["error"]
