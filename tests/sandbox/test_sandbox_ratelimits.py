"""Rate limits as Bandwidth publishes them: 429 with X-RateLimit-Reset under a burst, and
recovery once the sandbox's clock reaches the reset (moved by the test, never waited for)."""

from __future__ import annotations

import math

import pytest
from sbx_scale import ScaleApi

from wizard.sandbox.ratelimit import classify


@pytest.fixture
def api(sandbox):
    client = ScaleApi(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def search(api: ScaleApi):
    return api.xml("GET", f"{api.account}/availableNumbers", params={"areaCode": "919"})


def test_defaults_are_bandwidths_published_limits(api):
    limits = api.limits()["limits"]
    published = {"limit": 100, "period": 60.0, "burst": 800}
    assert limits["order"] == limits["search"] == limits["disconnect"] == published
    assert limits["messaging"] == {"limit": 60, "period": 60.0, "burst": 900}
    assert limits["other"] is None
    # Reads have no published limit: a burst of them is answered, however fast.
    assert all(api.xml("GET", api.account + "/sites").status_code == 200 for _ in range(60))


@pytest.mark.parametrize(
    ("method", "path", "group"),
    [
        ("POST", "/api/accounts/9900000/orders", "order"),
        ("PUT", "/api/v2/accounts/9900000/orders/abc", "order"),
        ("GET", "/api/accounts/9900000/availableNumbers", "search"),
        ("POST", "/api/accounts/9900000/disconnects", "disconnect"),
        ("POST", "/api/v2/users/9900000/messages", "messaging"),
        ("POST", "/v2/users/u-sandbox/messages", "messaging"),
        ("GET", "/api/accounts/9900000/orders", "other"),
        ("GET", "/api/v2/accounts/9900000/inserviceNumbers", "other"),
        ("GET", "/api/v2/users/9900000/messages", None),
        ("POST", "/api/v1/oauth2/token", None),
        ("GET", "/_sandbox/state", None),
    ],
)
def test_requests_fall_in_bandwidths_groups(method, path, group):
    found = classify(method, path)
    assert (found.group if found else None) == group


def test_a_burst_gets_429_with_the_reset_then_recovers_when_the_clock_reaches_it(api):
    api.freeze()
    api.limits(search={"limit": 2, "period": 10})
    assert [search(api).status_code for _ in range(2)] == [200, 200]
    refused = search(api)
    assert refused.status_code == 429
    assert refused.content == b""
    assert refused.headers["connection"] == "close"
    # Empty bucket, 0.2 tokens a second: the next one is due 5 s later, in epoch seconds.
    now = api.clock()["wall"]
    reset = int(refused.headers["x-ratelimit-reset"])
    assert reset == math.ceil(now + 5)
    assert search(api).status_code == 429  # time has not moved: still refused
    api.advance(4.9)
    assert search(api).status_code == 429
    api.advance(0.1)
    assert search(api).status_code == 200
    assert search(api).status_code == 429  # one token came back, one was used
    counts = api.state()["requests"]["counts"]
    assert counts["GET /api/accounts/{account}/availableNumbers"] == 7


def test_a_refused_order_was_never_placed(api):
    location = api.create_location()
    api.freeze()
    api.limits(order={"limit": 1, "period": 60})
    assert api.order(location).status_code == 201
    refused = api.order(location)
    assert refused.status_code == 429 and refused.content == b""
    assert len(api.state()["orders"]) == 1
    assert api.xml("GET", api.account + "/sites").status_code == 200  # other groups unaffected


def test_the_message_queue_counts_segments_and_answers_bandwidths_429(api):
    ready = api.ready_account()
    api.freeze()
    api.limits(messaging={"limit": 60, "period": 60, "burst": 3})
    sender = "+1" + ready["number"]
    two_segments = "x" * 200
    assert api.send(ready["app_id"], sender, ["+19195550123"], text=two_segments).status_code == 202
    full = api.send(ready["app_id"], sender, ["+19195550123"], text=two_segments)
    assert full.status_code == 429
    body = full.json()
    assert body["type"] == "max-message-queue-size-exceeded"
    assert "Your allowed rate is 60 messages per minute" in body["description"]
    assert "The capacity of this queue is 3 messages" in body["description"]
    reset = int(full.headers["x-ratelimit-reset"])
    assert reset == math.ceil(api.clock()["wall"] + 1)  # one segment short, one a second
    assert len(api.state()["messages"]) == 1  # the refused message was not accepted
    assert api.send(ready["app_id"], sender, ["+19195550123"], text="one").status_code == 202
    api.advance(2)
    assert api.send(ready["app_id"], sender, ["+19195550123"], text=two_segments).status_code == 202


def test_limits_change_at_run_time_and_reset_restores_them(api):
    changed = api.limits(other={"limit": 1, "period": 1}, search=None)
    assert changed["limits"]["other"] == {"limit": 1, "period": 1.0, "burst": 1}
    assert changed["limits"]["search"] is None
    api.freeze()
    assert api.xml("GET", api.account + "/sites").status_code == 200
    assert api.xml("GET", api.account + "/sites").status_code == 429
    buckets = api.limits()["buckets"]
    assert {"group": "other", "account": api.identity.account_id, "tokens": 0.0} in buckets
    api.control("POST", "/reset")
    assert api.limits()["limits"]["other"] is None
    assert api.limits()["limits"]["search"]["limit"] == 100


@pytest.mark.parametrize(
    "body",
    [
        {"reads": {"limit": 1, "period": 1}},
        {"other": {"limit": 0, "period": 1}},
        {"other": {"limit": 1, "period": 0}},
        {"other": {"limit": 1.5, "period": 1}},
        {"other": {"limit": 1, "period": 1, "burst": 0}},
        {"other": {"limit": 1, "per": 1}},
        {"other": 5},
    ],
)
def test_bad_limits_are_refused(api, body):
    answer = api.control("POST", "/ratelimits", body)
    assert answer.status_code == 400 and answer.json()["error"]


def test_fault_injection_still_answers_before_the_limits(api):
    api.limits(search={"limit": 1, "period": 60})
    api.fault(path="/api/accounts/*/availableNumbers", kind="rate_limit", reset_after=7)
    injected = search(api)
    assert injected.status_code == 429 and injected.headers["x-ratelimit-reset"]
    assert search(api).status_code == 200  # the injected 429 took no token
    assert search(api).status_code == 429  # now the limiter's own
    recent = [r for r in api.state()["requests"]["recent"] if r["route"].endswith("Numbers")]
    assert [(r["status"], r["fault"]) for r in recent] == [
        (429, "rate_limit"),
        (200, None),
        (429, None),
    ]


def test_a_huge_message_body_is_charged_once_and_still_reaches_the_route(api):
    ready = api.ready_account()
    api.limits(messaging={"limit": 60, "period": 60, "burst": 2})
    huge = api.send(ready["app_id"], "+1" + ready["number"], ["+19195550123"], text="x" * 70_000)
    assert huge.status_code == 400 and huge.json()["type"] == "request-validation"
    buckets = api.limits()["buckets"]
    assert [b["tokens"] for b in buckets if b["group"] == "messaging"] == [1.0]
