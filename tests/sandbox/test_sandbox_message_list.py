"""List Messages (`GET /api/v2/users/{accountId}/messages`): filters, shape, paging, errors.

This is how a client whose send answer was lost finds out whether the message went, so the
sandbox must answer it as Bandwidth documents it, and Bandwidth's own SDK must read the answer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import bandwidth
import pytest
from bandwidth.models.list_message_direction_enum import ListMessageDirectionEnum
from sbx_helpers import Api

from tests.waiting import wait_for

ROW_KEYS = [
    "messageId",
    "accountId",
    "sourceTn",
    "destinationTn",
    "messageStatus",
    "messageDirection",
    "messageType",
    "segmentCount",
    "errorCode",
    "receiveTime",
    "carrierName",
    "messageSize",
    "messageLength",
    "attachmentCount",
    "recipientCount",
]


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


@pytest.fixture
def ready(api):
    return api.ready_account()


def listing(api: Api, **params: object):
    return api.http.get(
        f"/api/v2/users/{api.identity.account_id}/messages", params=params, auth=api.auth
    )


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def test_a_sent_message_is_listed_with_the_documented_shape(api, ready):
    sender = "+1" + ready["number"]
    sent = api.send(ready["app_id"], ready["number"], ["+19195550123"], text="Hi there").json()
    answer = listing(api, sourceTn=sender)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert list(body) == ["totalCount", "pageInfo", "messages"]
    assert body["totalCount"] == 1 and body["pageInfo"] == {}
    (row,) = body["messages"]
    assert list(row) == ROW_KEYS
    assert row["messageId"] == sent["id"] and row["accountId"] == api.identity.account_id
    assert (row["sourceTn"], row["destinationTn"]) == (sender, "+19195550123")
    assert row["messageDirection"] == "OUTBOUND" and row["messageType"] == "sms"
    assert row["receiveTime"] == sent["time"] and row["messageLength"] == len("Hi there")
    assert "text" not in row, "Bandwidth never keeps the text"
    # SENDING while the callbacks are under way, then DELIVERED with errorCode 0.
    final = wait_for(
        lambda: (
            (r := listing(api, messageId=sent["id"]).json()["messages"][0])["messageStatus"]
            == "DELIVERED"
            and r
        )
    )
    assert final["errorCode"] == 0


def test_each_destination_is_a_row_and_failures_carry_their_code(api, ready):
    sent = api.send(ready["app_id"], ready["number"], ["+19195554775", "+19195550123"]).json()
    rows = wait_for(
        lambda: (
            (m := listing(api, messageId=sent["id"], sort="destinationTn:asc").json()["messages"])
            and all(r["messageStatus"] != "SENDING" for r in m)
            and m
        )
    )
    assert [(r["destinationTn"], r["messageStatus"], r["errorCode"]) for r in rows] == [
        ("+19195550123", "DELIVERED", 0),
        ("+19195554775", "FAILED", 4775),
    ]
    assert {r["recipientCount"] for r in rows} == {2}
    failed = listing(api, messageStatus="FAILED", errorCode=4775).json()
    assert [r["destinationTn"] for r in failed["messages"]] == ["+19195554775"]


def test_filters_numbers_dates_and_direction(api, ready):
    sender = "+1" + ready["number"]
    first = api.send(ready["app_id"], ready["number"], ["+19195550123"]).json()
    second = api.send(ready["app_id"], ready["number"], ["+19195550199"]).json()
    both = listing(api, sourceTn=sender, destinationTn="+19195550123,+19195550199")
    assert [r["messageId"] for r in both.json()["messages"]] == [first["id"], second["id"]]
    one = listing(api, destinationTn="+19195550199").json()
    assert [r["messageId"] for r in one["messages"]] == [second["id"]]
    partial = listing(api, destinationTn="+1919555").json()  # a partial number, 5+ characters
    assert partial["totalCount"] == 2
    assert listing(api, sourceTn=sender, messageDirection="INBOUND").json()["totalCount"] == 0
    now = datetime.now(UTC)
    window = {"fromDateTime": stamp(now - timedelta(minutes=5)), "toDateTime": stamp(now)}
    assert listing(api, **window).json()["totalCount"] == 2
    later = {"fromDateTime": stamp(now + timedelta(minutes=5))}
    assert listing(api, **later).json()["totalCount"] == 0
    newest_first = listing(api, sourceTn=sender, sort="receiveTime:desc").json()["messages"]
    assert [r["messageId"] for r in newest_first] == [second["id"], first["id"]]
    mms = listing(api, sourceTn=sender, messageType="mms").json()
    assert mms["totalCount"] == 0


def test_pages_follow_the_next_token(api, ready):
    sent = [api.send(ready["app_id"], ready["number"], ["+19195550123"]).json() for _ in range(5)]
    seen: list[str] = []
    token = None
    for _ in range(10):
        params: dict[str, object] = {"destinationTn": "+19195550123", "limit": 2}
        if token:
            params["pageToken"] = token
        page = listing(api, **params).json()
        assert page["totalCount"] == 5
        seen += [r["messageId"] for r in page["messages"]]
        token = page["pageInfo"].get("nextPageToken")
        if not token:
            break
        assert "pageToken=" in page["pageInfo"]["nextPage"]
    assert seen == [m["id"] for m in sent]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"limit": 10},  # paging alone is not a filter
        {"sourceTn": "+191"},  # a partial number needs 5 characters
        {"destinationTn": ",".join(f"+1919555{n:04d}" for n in range(11))},
        {"messageStatus": "LOST"},
        {"messageDirection": "SIDEWAYS"},
        {"messageType": "fax"},
        {"errorCode": "x"},
        {"fromDateTime": "yesterday"},
        {"fromDateTime": "2026-01-01T00:00:00Z", "toDateTime": "2026-01-20T00:00:00Z"},
        {"fromDateTime": "2026-01-02T00:00:00Z", "toDateTime": "2026-01-01T00:00:00Z"},
        {"sourceTn": "+19195550123", "limit": 0},
        {"sourceTn": "+19195550123", "limit": 10001},
        {"sourceTn": "+19195550123", "pageToken": "!!"},
        {"sourceTn": "+19195550123", "sort": "text:asc"},
    ],
)
def test_refused_queries_are_400_request_validation(api, params):
    answer = listing(api, **params)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["type"] == "request-validation" and body["description"]


def test_credentials_account_and_the_guide_api(api, ready):
    path = f"/api/v2/users/{api.identity.account_id}/messages"
    assert api.http.get(path, params={"sourceTn": "+19195550123"}).status_code == 401
    token_pair = (api.identity.token, api.identity.secret)  # the guide's messaging credentials
    assert api.http.get(path, params={"limit": 1}, auth=token_pair).status_code == 401
    other = api.http.get("/api/v2/users/1234567/messages", params={"limit": 1}, auth=api.auth)
    assert other.status_code == 403 and other.json()["type"] == "forbidden"
    # The guide's catapult API had no List Messages at all.
    legacy = api.http.get(
        f"/v2/users/{api.identity.user_id}/messages", params={"limit": 1}, auth=token_pair
    )
    assert legacy.status_code == 405


def test_bandwidths_own_sdk_reads_the_list(sandbox, api, ready):
    sent = api.send(ready["app_id"], ready["number"], ["+19195550123"]).json()
    config = bandwidth.Configuration(
        host=sandbox.messaging_url,
        ignore_operation_servers=True,
        client_id=sandbox.identity.client_id,
        client_secret=sandbox.identity.client_secret,
        access_token_url=sandbox.oauth_token_url,
    )
    messages = bandwidth.MessagesApi(bandwidth.ApiClient(config))
    result = messages.list_messages(
        sandbox.identity.account_id,
        source_tn="+1" + ready["number"],
        message_direction=ListMessageDirectionEnum.OUTBOUND,
    )
    assert result.total_count == 1
    (row,) = result.messages
    assert row.message_id == sent["id"] and row.destination_tn == "+19195550123"
    assert row.receive_time is not None and row.segment_count == 1
