"""Delivery follows the from-number's real state: a local number needs a 10DLC campaign (SUCCESS),
a toll-free number a verification; the same send is delivered once that is done."""

from __future__ import annotations

import pytest
from sbx_helpers import Api, tfv_request
from sbx_receiver import Receiver

from tests.waiting import wait_for


@pytest.fixture
def api(clocked):
    server, clock = clocked
    client = Api(server.base_url, server.identity, clock=clock.advance)
    yield client
    client.close()


@pytest.fixture
def clock(clocked):
    return clocked[1]


def planned(api: Api, sent) -> dict[str, tuple[str, int | None]]:
    assert sent.status_code == 202, sent.text
    (message,) = [m for m in api.state()["messages"] if m["id"] == sent.json()["id"]]
    return {to: (r["planned"], r["error_code"]) for to, r in message["results"].items()}


TMOBILE = "+19195558661"
OTHER = "+19195550123"


def test_a_local_number_needs_its_campaign(api, clock):
    ready = api.ready_account(register=False)
    number = "+1" + ready["number"]
    before = planned(api, api.send(ready["app_id"], number, [OTHER, TMOBILE]))
    assert before == {OTHER: ("failed", 4476), TMOBILE: ("failed", 5620)}

    order_id = api.tn_option([number]).text.split("<OrderId>")[1].split("<")[0]
    assert api.wait_tn_option(order_id)["ProcessingStatus"] == "COMPLETE"  # 3 s of clock
    assert api.campaign_status(ready["number"]) == "PROCESSING"
    provisioning = planned(api, api.send(ready["app_id"], number, [OTHER]))
    assert provisioning == {OTHER: ("failed", 4476)}  # not SUCCESS yet

    clock.advance(3.0)
    after = planned(api, api.send(ready["app_id"], number, [OTHER, TMOBILE]))
    assert after == {OTHER: ("delivered", None), TMOBILE: ("delivered", None)}


def toll_free_setup(api: Api, toll_free_sms: bool) -> dict[str, str]:
    app_id = api.create_app()
    location = api.create_location()
    sms = api.peer(location) + "/products/messaging/features/sms"
    flag = str(toll_free_sms).lower()
    body = (
        f"<SipPeerSmsFeature><SipPeerSmsFeatureSettings><TollFree>{flag}</TollFree>"
        "<ShortCode>false</ShortCode><Protocol>HTTP</Protocol><Zone1>true</Zone1><Zone2>false"
        "</Zone2><Zone3>false</Zone3><Zone4>false</Zone4><Zone5>false</Zone5>"
        "</SipPeerSmsFeatureSettings><HttpSettings /></SipPeerSmsFeature>"
    )
    assert api.xml("POST", sms, body).status_code == 201
    assert api.assign(location, app_id).status_code == 200
    (number,) = api.order_toll_free(location)
    return {"app_id": app_id, "number": "+1" + number}


def test_a_toll_free_number_needs_its_verification(api, clock):
    ready = toll_free_setup(api, toll_free_sms=True)
    number = ready["number"]
    assert planned(api, api.send(ready["app_id"], number, [OTHER])) == {OTHER: ("failed", 4795)}
    submitted = api.json("POST", f"{api.v2}/tollFreeVerification", tfv_request(number))
    assert submitted.status_code == 202
    pending = planned(api, api.send(ready["app_id"], number, [OTHER]))
    assert pending == {OTHER: ("failed", 4795)}
    clock.advance(3.0)
    assert planned(api, api.send(ready["app_id"], number, [OTHER])) == {OTHER: ("delivered", None)}


def test_a_toll_free_number_on_a_location_without_toll_free_sms_is_refused(api):
    ready = toll_free_setup(api, toll_free_sms=False)
    assert planned(api, api.send(ready["app_id"], ready["number"], [OTHER])) == {
        OTHER: ("failed", 4403)
    }


def test_the_callback_tells_4476_without_message_sending(api, clock):
    with Receiver() as receiver:
        ready = api.ready_account(url=receiver.url, user=None, password=None, register=False)
        sent = api.send(ready["app_id"], "+1" + ready["number"], [OTHER], text="Hello")
        assert sent.status_code == 202  # accepted: the failure comes later, as on Bandwidth
        wait_for(lambda: clock.next_deadline() is not None)  # the pause before the outcome
        assert receiver.requests == []  # nothing before it: no message-sending for an SMS
        clock.advance_to_next()
        (event,) = receiver.wait_events(1)
        (record,) = receiver.requests
    assert event["type"] == "message-failed" and event["errorCode"] == 4476
    assert event["to"] == OTHER and event["message"]["id"] == sent.json()["id"]
    assert record["headers"]["content-type"] == "application/json; charset=utf-8"
