"""TN option orders: assigning numbers to 10DLC campaigns, their lifecycle on the sandbox clock,
per-number errors, and what the number then reads on its campaign and in tndetails."""

from __future__ import annotations

import pytest
from sbx_helpers import (
    EXPIRED_CAMPAIGN,
    PENDING_CAMPAIGN,
    REGISTERED_CAMPAIGN,
    Api,
    parse,
)


@pytest.fixture
def api(clocked):
    server, clock = clocked
    client = Api(server.base_url, server.identity, clock=clock.advance)
    yield client
    client.close()


@pytest.fixture
def clock(clocked):
    return clocked[1]


def created_id(answer) -> str:
    assert answer.status_code == 201, answer.text
    return parse(answer.text)["TnOptionOrderResponse"]["TnOptionOrder"]["OrderId"]


def order(api: Api, order_id: str) -> dict:
    answer = api.xml("GET", f"{api.v2}/tnoptions/{order_id}")
    assert answer.status_code == 200, answer.text
    return parse(answer.text)["TnOptionOrder"]


def errors(done: dict) -> list[tuple[str, str]]:
    found = (done.get("ErrorList") or {}).get("Error", [])
    found = [found] if isinstance(found, dict) else found
    return [(e["Code"], e["TelephoneNumber"]) for e in found]


def messaging_settings(api: Api, number: str) -> dict:
    answer = api.xml("GET", f"/api/v2/tns/{number}/tndetails")
    assert answer.status_code == 200, answer.text
    return parse(answer.text)["TelephoneNumberResponse"]["TelephoneNumberDetails"][
        "MessagingSettings"
    ]


def test_an_order_moves_received_processing_complete_then_the_number_provisions(api, clock):
    number = api.ready_account(register=False)["number"]
    before = messaging_settings(api, number)
    assert before == {"SmsEnabled": "true", "A2pState": "system_default"}
    assert api.campaign_status(number) is None

    answer = api.tn_option(["+1" + number])
    order_id = created_id(answer)
    assert answer.headers["Location"].endswith(f"/api/v2/accounts/9900000/tnoptions/{order_id}")
    created = parse(answer.text)["TnOptionOrderResponse"]["TnOptionOrder"]
    assert created["ProcessingStatus"] == "RECEIVED" and created["ErrorList"] is None
    assert created["CreatedByUser"] == "sandbox-client"
    group = created["TnOptionGroups"]["TnOptionGroup"]
    assert group["A2pSettings"] == {
        "MessageClass": "M",
        "CampaignId": REGISTERED_CAMPAIGN,
        "Action": "asSpecified",
    }
    assert group["TelephoneNumbers"]["TelephoneNumber"] == "+1" + number

    assert order(api, order_id)["ProcessingStatus"] == "RECEIVED"
    clock.advance(1.0)
    assert order(api, order_id)["ProcessingStatus"] == "PROCESSING"
    assert api.campaign_status(number) is None  # nothing applied before it completes
    clock.advance(2.0)
    done = order(api, order_id)
    assert done["ProcessingStatus"] == "COMPLETE" and errors(done) == []

    assert api.campaign_status(number) == "PROCESSING"
    provisioning = messaging_settings(api, number)
    assert provisioning["CampaignId"] == REGISTERED_CAMPAIGN
    assert provisioning["MessageClass"] == "M" and provisioning["A2pState"] == "overridden"
    assert provisioning["CampaignFullyProvisioned"] == "false"
    clock.advance(3.0)
    assert api.campaign_status(number) == "SUCCESS"
    assert messaging_settings(api, number)["CampaignFullyProvisioned"] == "true"

    listed = api.json("GET", f"{api.v2}/tendlc/campaigns/{REGISTERED_CAMPAIGN}/phoneNumbers")
    (item,) = listed.json()["data"]
    assert item["phoneNumber"] == "+1" + number and item["status"] == "SUCCESS"
    assert item["campaignId"] == REGISTERED_CAMPAIGN


@pytest.mark.parametrize(
    ("campaign", "code"),
    [(PENDING_CAMPAIGN, "12192"), (EXPIRED_CAMPAIGN, "12192"), ("CNOPE00", "12128")],
)
def test_only_a_registered_campaign_takes_numbers(api, campaign, code):
    number = api.ready_account(register=False)["number"]
    done = api.wait_tn_option(created_id(api.tn_option(["+1" + number], campaign)))
    assert done["ProcessingStatus"] == "FAILED"
    assert errors(done) == [(code, "+1" + number)]
    assert campaign in done["ErrorList"]["Error"]["Description"]
    assert api.campaign_status(number) is None


def test_partial_and_failed_with_per_number_errors(api):
    mine = api.ready_account(register=False)["number"]
    registry_down = api.ready_account(register=False, area_code="223", location_name="L2")["number"]
    done = api.wait_tn_option(
        created_id(api.tn_option(["+1" + mine, "2125550100", "12345", "+1" + registry_down]))
    )
    assert done["ProcessingStatus"] == "PARTIAL"
    assert errors(done) == [
        ("5076", "2125550100"),  # not on this account
        ("5070", "12345"),  # not a number
        ("12184", "+1" + registry_down),  # the test area code: campaign registry unreachable
    ]
    assert api.campaign_status(mine) is not None
    assert api.campaign_status(registry_down) is None
    only_test_number = api.wait_tn_option(created_id(api.tn_option(["+1" + registry_down])))
    assert only_test_number["ProcessingStatus"] == "FAILED"


def test_the_location_decides_whether_numbers_can_take_a_campaign(api):
    ready = api.ready_account(register=False)
    sms = api.peer(ready["location"]) + "/products/messaging/features/sms"
    enforced = (
        "<SipPeerSmsFeature><SipPeerSmsFeatureSettings><TollFree>false</TollFree>"
        "<ShortCode>false</ShortCode><A2pLongCode>OFF</A2pLongCode><Protocol>HTTP</Protocol>"
        "<Zone1>true</Zone1></SipPeerSmsFeatureSettings><HttpSettings/></SipPeerSmsFeature>"
    )
    assert api.xml("PUT", sms, enforced).status_code == 200
    done = api.wait_tn_option(created_id(api.tn_option(["+1" + ready["number"]])))
    assert errors(done) == [("5133", "+1" + ready["number"])]

    no_sms = api.create_location("No SMS", default=False)
    created = parse(api.order(no_sms).text)["OrderResponse"]["Order"]["id"]
    number = api.wait_order(created)["CompletedNumbers"]["TelephoneNumber"]["FullNumber"]
    done = api.wait_tn_option(created_id(api.tn_option([number])))
    assert errors(done) == [("5145", number)]


def test_delete_takes_a_number_off_its_campaign(api):
    number = api.ready_account()["number"]
    assert api.campaign_status(number) == "SUCCESS"
    order_id = created_id(
        api.tn_option([number], campaign=None, message_class=None, action="delete")
    )
    assert api.wait_tn_option(order_id)["ProcessingStatus"] == "COMPLETE"
    assert api.campaign_status(number) is None
    assert messaging_settings(api, number)["A2pState"] == "system_default"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("<TnOptionOrder/>", "1003"),
        (
            "<TnOptionOrder><TnOptionGroups><TnOptionGroup><A2pSettings><Action>now</Action>"
            "</A2pSettings><TelephoneNumbers><TelephoneNumber>9195550100</TelephoneNumber>"
            "</TelephoneNumbers></TnOptionGroup></TnOptionGroups></TnOptionOrder>",
            "5138",
        ),
        (
            "<TnOptionOrder><TnOptionGroups><TnOptionGroup><A2pSettings><Action>off</Action>"
            "<CampaignId>CA1B2C3</CampaignId></A2pSettings><TelephoneNumbers><TelephoneNumber>"
            "9195550100</TelephoneNumber></TelephoneNumbers></TnOptionGroup></TnOptionGroups>"
            "</TnOptionOrder>",
            "5134",
        ),
        (
            "<TnOptionOrder><TnOptionGroups><TnOptionGroup><A2pSettings><MessageClass>M"
            "</MessageClass></A2pSettings><TelephoneNumbers><TelephoneNumber>9195550100"
            "</TelephoneNumber></TelephoneNumbers></TnOptionGroup></TnOptionGroups>"
            "</TnOptionOrder>",
            "1003",
        ),
        (
            "<TnOptionOrder><TnOptionGroups><TnOptionGroup><A2pSettings><CampaignId>no!"
            "</CampaignId><MessageClass>M</MessageClass></A2pSettings><TelephoneNumbers>"
            "<TelephoneNumber>9195550100</TelephoneNumber></TelephoneNumbers></TnOptionGroup>"
            "</TnOptionGroups></TnOptionOrder>",
            "12822",
        ),
        (
            "<TnOptionOrder><TnOptionGroups><TnOptionGroup><A2pSettings><CampaignId>CA1B2C3"
            "</CampaignId><MessageClass>P</MessageClass></A2pSettings><TelephoneNumbers>"
            "<TelephoneNumber>9195550100</TelephoneNumber></TelephoneNumbers></TnOptionGroup>"
            "</TnOptionGroups></TnOptionOrder>",
            "12824",
        ),
        (
            "<TnOptionOrder><TnOptionGroups><TnOptionGroup><TelephoneNumbers><TelephoneNumber>"
            "9195550100</TelephoneNumber></TelephoneNumbers></TnOptionGroup></TnOptionGroups>"
            "</TnOptionOrder>",
            "5115",
        ),
        (
            "<TnOptionOrder><TnOptionGroups><TnOptionGroup><Sms>on</Sms></TnOptionGroup>"
            "</TnOptionGroups></TnOptionOrder>",
            "5073",
        ),
        (
            "<TnOptionOrder><TnOptionGroups><TnOptionGroup><Sms>on</Sms><TelephoneNumbers>"
            "<TelephoneNumber>9195550100</TelephoneNumber><TelephoneNumber>+19195550100"
            "</TelephoneNumber></TelephoneNumbers></TnOptionGroup></TnOptionGroups>"
            "</TnOptionOrder>",
            "5093",
        ),
        ("<TnOptionOrder>", "1019"),
    ],
)
def test_a_malformed_order_is_refused_at_once(api, body, code):
    answer = api.xml("POST", f"{api.v2}/tnoptions", body)
    assert answer.status_code == 400
    status = parse(answer.text)["TnOptionOrderResponse"]["ResponseStatus"]
    assert status["ErrorCode"] == code
    assert api.state()["tn_option_orders"] == []


def test_list_and_unknown_orders(api, clock):
    number = api.ready_account(register=False)["number"]
    done_id = created_id(api.tn_option(["+1" + number]))
    clock.advance(3.0)
    waiting_id = created_id(api.tn_option(["+12125550100"]))

    def listed(query: str) -> list[str]:
        answer = api.xml("GET", f"{api.v2}/tnoptions?{query}")
        report = parse(answer.text)["TnOptionOrderReportResponse"]["TnOptionOrders"]
        rows = report.get("TnOptionOrderSummary", [])
        rows = [rows] if isinstance(rows, dict) else rows
        assert report["TotalCount"] == str(len(rows))
        return [row["OrderId"] for row in rows]

    assert listed("") == [done_id, waiting_id]
    assert listed("status=COMPLETE") == [done_id]
    assert listed("status=RECEIVED") == [waiting_id]
    assert listed(f"tn={number}") == [done_id]
    missing = api.xml("GET", f"{api.v2}/tnoptions/not-an-order")
    assert missing.status_code == 404
    assert parse(missing.text)["TnOptionOrderReportResponse"]["ResponseStatus"]["Description"] == (
        "The resource does not exist"
    )
