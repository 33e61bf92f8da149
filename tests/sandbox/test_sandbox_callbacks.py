"""Message callbacks: shape, the Basic-auth challenge, retries, test numbers, inbound replies.

Numbers are readied as today's Bandwidth needs (assigned to the REGISTERED 10DLC campaign), so
an SMS goes accepted -> delivered; `message-sending` comes first for MMS only."""

from __future__ import annotations

import json
import time

import pytest
from sbx_helpers import CALLBACK_SAMPLES, Api
from sbx_receiver import Receiver

from tests.waiting import wait_for


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def attempts(api: Api, message_id: str | None = None) -> list[dict]:
    found = api.state()["callback_attempts"]
    return [a for a in found if message_id is None or a["message_id"] == message_id]


def sample_keys(name: str) -> tuple[set[str], set[str]]:
    (event,) = json.loads((CALLBACK_SAMPLES / f"{name}.json").read_text())
    return set(event), set(event["message"])


def test_an_sms_goes_straight_to_delivered_as_bandwidth_sends_it(api):
    with Receiver() as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        sent = api.send(ready["app_id"], "+1" + ready["number"], ["+19195550123"], text="Hi")
        assert sent.status_code == 202
        message = sent.json()
        (event,) = receiver.wait_events(1)
        records = receiver.requests
    assert event["type"] == "message-delivered"
    (record,) = records
    assert record["headers"]["user-agent"] == "BandwidthAPI/v2"
    assert record["headers"]["content-type"] == "application/json; charset=utf-8"
    assert "authorization" not in record["headers"]
    assert isinstance(record["body"], list) and len(record["body"]) == 1
    top, inner = sample_keys("message-delivered")
    assert top <= set(event) and (inner - {"media", "tag"}) <= set(event["message"])
    assert event["message"]["id"] == message["id"] and event["description"] == "ok"
    skipped = [a for a in attempts(api, message["id"]) if a["event_type"] == "message-sending"]
    assert skipped == []  # never even considered for an SMS


def test_an_mms_gets_sending_then_delivered(api):
    with Receiver() as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        sent = api.send(
            ready["app_id"],
            "+1" + ready["number"],
            ["+19195550123"],
            text="Look",
            media=["https://example.com/a.png"],
        )
        assert sent.status_code == 202
        message = sent.json()
        events = receiver.wait_events(2)
    assert [e["type"] for e in events] == ["message-sending", "message-delivered"]
    for event, sample in zip(events, ("message-sending", "message-delivered"), strict=True):
        top, inner = sample_keys(sample)
        assert top <= set(event), (top, event)
        assert (inner - {"media", "tag"}) <= set(event["message"])
        assert event["to"] == "+19195550123"
        assert event["message"]["id"] == message["id"]
        assert event["message"]["direction"] == "out"
        assert event["message"]["applicationId"] == ready["app_id"]
    assert events[1]["description"] == "ok"
    assert events[0]["message"]["media"] == ["https://example.com/a.png"]


def test_basic_auth_is_a_challenge_first_without_then_with_credentials(api):
    with Receiver(mode="challenge", user="cb-user", password="cb-pass") as receiver:
        ready = api.ready_account(url=receiver.url, user="cb-user", password="cb-pass")
        message = api.send(ready["app_id"], "+1" + ready["number"], "+19195550123").json()
        receiver.wait_events(1)
        records = receiver.requests
    # POST without Authorization -> 401 + WWW-Authenticate -> POST with it -> 200.
    assert [("authorization" in r["headers"], r["status"]) for r in records] == [
        (False, 401),
        (True, 200),
    ]
    recorded = wait_for(
        lambda: (
            [a for a in attempts(api, message["id"])]
            if len(attempts(api, message["id"])) >= 2
            else None
        )
    )
    assert [(a["event_type"], a["authorization"], a["status"], a["outcome"]) for a in recorded] == [
        ("message-delivered", "none", 401, "challenged"),
        ("message-delivered", "basic", 200, "delivered"),
    ]
    assert recorded[0]["www_authenticate"] == 'Basic realm="callbacks"'
    assert "cb-pass" not in json.dumps(api.state())


def test_401_without_www_authenticate_never_gets_the_credentials(api):
    with Receiver(mode="bare-401") as receiver:
        ready = api.ready_account(url=receiver.url, user="cb-user", password="cb-pass")
        api.config(callback_retry_window=0.3, callback_retry_initial=0.05)
        message = api.send(ready["app_id"], "+1" + ready["number"], "+19195550123").json()
        gave_up = wait_for(
            lambda: (
                [a for a in attempts(api, message["id"]) if a["outcome"] == "gave_up"]
                if len([a for a in attempts(api, message["id"]) if a["outcome"] == "gave_up"]) == 1
                else None
            )
        )
        records = list(receiver.requests)
    assert {a["event_type"] for a in gave_up} == {"message-delivered"}
    assert records and all("authorization" not in r["headers"] for r in records)


def test_server_error_is_retried_until_accepted(api):
    with Receiver(fail_first=2) as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        message = api.send(ready["app_id"], "+1" + ready["number"], "+19195550123").json()
        receiver.wait_events(1)
    recorded = attempts(api, message["id"])
    delivered = [a for a in recorded if a["event_type"] == "message-delivered"]
    assert [(a["attempt"], a["status"], a["outcome"]) for a in delivered] == [
        (1, 500, "failed"),
        (2, 500, "failed"),
        (3, 200, "delivered"),
    ]


def test_slow_answer_counts_as_failed_and_is_retried(api):
    with Receiver(slow_first=1, slow_delay=2.0) as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        api.config(callback_timeout=0.3)
        started = time.monotonic()
        sent = api.send(ready["app_id"], "+1" + ready["number"], "+19195550123")
        assert time.monotonic() - started < 1.5, "the 202 must not wait for callbacks"
        assert sent.status_code == 202
        receiver.wait_events(1)
    recorded = attempts(api, sent.json()["id"])
    first = recorded[0]
    assert first["status"] is None and "no answer within 0.3 s" in first["error"]
    assert first["outcome"] == "failed"
    assert recorded[1]["outcome"] == "delivered" and recorded[1]["attempt"] == 2


def test_test_destinations_fail_with_their_error_codes(api):
    codes = ["4432", "4720", "4775"]
    # 4476 and 4795 are no longer destinations: they follow the from-number's real state.
    destinations = [f"+1919555{code}" for code in [*codes, "4476", "4795"]] + ["+19195550100"]
    with Receiver() as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        sent = api.send(ready["app_id"], "+1" + ready["number"], destinations)
        assert sent.status_code == 202
        events = receiver.wait_events(6)
    final = {e["to"]: e for e in events}
    for code in codes:
        event = final[f"+1919555{code}"]
        assert event["type"] == "message-failed"
        assert event["errorCode"] == int(code)
        assert event["description"]
    for delivered in ("+19195554476", "+19195554795", "+19195550100"):
        assert final[delivered]["type"] == "message-delivered"


def test_from_number_not_on_the_account_fails_with_4405(api):
    with Receiver() as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        sent = api.send(ready["app_id"], "+19195550199", ["+19195550123"])
        assert sent.status_code == 202  # accepted: the failure comes as a callback
        (event,) = receiver.wait_events(1)
    assert event["type"] == "message-failed" and event["errorCode"] == 4405


def test_number_on_a_location_with_another_application_fails_with_4452(api):
    with Receiver() as receiver:
        ready = api.ready_account(url="https://example.com/other", user=None, password=None)
        other = api.create_app(name="Other", url=receiver.url, user=None, password=None)
        api.send(other, "+1" + ready["number"], ["+19195550123"])
        (event,) = receiver.wait_events(1)
    assert event["errorCode"] == 4452


def test_inbound_reply_after_delivery_when_switched_on(api):
    with Receiver() as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        api.config(inbound_reply=True)
        api.send(ready["app_id"], "+1" + ready["number"], ["+19195550123"], text="Ping")
        events = receiver.wait_events(2)
    assert events[0]["type"] == "message-delivered"
    reply = events[1]
    assert reply["type"] == "message-received"
    assert reply["message"]["direction"] == "in"
    assert reply["message"]["from"] == "+19195550123"
    assert reply["message"]["to"] == ["+1" + ready["number"]]
    top, inner = sample_keys("message-received")
    assert top <= set(reply) and (inner - {"media"}) <= set(reply["message"])


def test_control_inbound_sends_message_received_to_the_numbers_application(api):
    with Receiver() as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        answer = api.control(
            "POST",
            "/inbound",
            {"from": "+19195550142", "to": ready["number"], "text": "Hello there"},
        )
        assert answer.status_code == 202, answer.text
        (event,) = receiver.wait_events(1)
    assert event["type"] == "message-received"
    assert event["message"]["text"] == "Hello there"
    unknown = api.control("POST", "/inbound", {"from": "+19195550142", "to": "+19195550143"})
    assert unknown.status_code == 404


def test_only_the_requested_callback_types_are_sent(api):
    with Receiver() as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None)
        body = (
            "<Application><ServiceType>Messaging-V2</ServiceType><AppName>Only failed</AppName>"
            f"<MsgCallbackUrl>{receiver.url}</MsgCallbackUrl><RequestedCallbackTypes>"
            "<CallbackType>message-failed</CallbackType></RequestedCallbackTypes></Application>"
        )
        app_id = (
            api.xml("POST", api.account + "/applications", body)
            .text.split("<ApplicationId>")[1]
            .split("<")[0]
        )
        assert api.assign(ready["location"], app_id).status_code == 200
        to = ["+19195550123", "+19195554775"]
        message = api.send(app_id, "+1" + ready["number"], to).json()
        (event,) = receiver.wait_events(1)
        wait_for(lambda: len(attempts(api, message["id"])) >= 2)
    assert event["type"] == "message-failed" and event["errorCode"] == 4775
    skipped = [a for a in attempts(api, message["id"]) if a["outcome"] == "skipped"]
    assert [a["event_type"] for a in skipped] == ["message-delivered"]
