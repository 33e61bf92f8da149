"""The 10DLC Registration Center routes: seeded campaigns, their numbers, paging and filters, in
the `{data, page, errors, links}` envelope Bandwidth's CLI reads."""

from __future__ import annotations

import pytest
from sbx_helpers import EXPIRED_CAMPAIGN, PENDING_CAMPAIGN, REGISTERED_CAMPAIGN, Api


@pytest.fixture
def api(clocked):
    server, clock = clocked
    client = Api(server.base_url, server.identity, clock=clock.advance)
    yield client
    client.close()


def get(api: Api, path: str) -> dict:
    answer = api.json("GET", f"{api.v2}/tendlc{path}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    return answer.json()


def test_seeded_campaigns_as_the_cli_reads_them(api):
    body = get(api, "/campaigns")
    assert set(body) == {"links", "data", "page", "errors"}
    assert [(c["campaignId"], c["status"]) for c in body["data"]] == [
        (REGISTERED_CAMPAIGN, "REGISTERED"),
        (PENDING_CAMPAIGN, "PENDING"),
        (EXPIRED_CAMPAIGN, "EXPIRED"),
    ]
    first = body["data"][0]
    assert first["accountId"] == "9900000" and first["brandId"]
    assert first["usecase"] == "ACCOUNT_NOTIFICATION" and first["campaignName"]
    assert body["page"] == {"pageNumber": 0, "pageSize": 50, "totalElements": 3, "totalPages": 1}
    assert "next" not in body["links"]
    one = get(api, f"/campaigns/{PENDING_CAMPAIGN}")
    assert one["data"]["status"] == "PENDING"
    missing = api.json("GET", f"{api.v2}/tendlc/campaigns/CNOPE00")
    assert missing.status_code == 404 and missing.json()["errors"][0]["type"] == "not-found"


def test_paging_and_deep_object_filters(api):
    page = get(api, "/campaigns?limit=2&offset=0")
    assert [c["campaignId"] for c in page["data"]] == [REGISTERED_CAMPAIGN, PENDING_CAMPAIGN]
    assert page["page"]["totalPages"] == 2 and "offset=2" in page["links"]["next"]
    last = get(api, "/campaigns?limit=2&offset=2")
    assert [c["campaignId"] for c in last["data"]] == [EXPIRED_CAMPAIGN]
    assert "next" not in last["links"] and "offset=0" in last["links"]["previous"]
    assert get(api, "/campaigns?limit=1000")["page"]["pageSize"] == 250
    registered = get(api, "/campaigns?status[eq]=REGISTERED")["data"]
    assert [c["campaignId"] for c in registered] == [REGISTERED_CAMPAIGN]
    contains = get(api, "/campaigns?campaignId[contains]=p4d")["data"]
    assert [c["campaignId"] for c in contains] == [PENDING_CAMPAIGN]
    # The bare form is accepted and ignored, as on Bandwidth.
    assert len(get(api, "/campaigns?status=REGISTERED")["data"]) == 3
    assert api.json("GET", f"{api.v2}/tendlc/campaigns?limit=x").status_code == 400


def test_a_campaigns_numbers_and_one_number(api):
    first = api.ready_account(location_name="A")["number"]
    second = api.ready_account(location_name="B")["number"]
    path = f"/campaigns/{REGISTERED_CAMPAIGN}/phoneNumbers"
    numbers = get(api, path)["data"]
    assert {(n["phoneNumber"], n["status"]) for n in numbers} == {
        ("+1" + first, "SUCCESS"),
        ("+1" + second, "SUCCESS"),
    }
    assert set(numbers[0]) >= {"phoneNumber", "status", "campaignId", "brandId", "createdDate"}
    # What Bandwidth's CLI sends: the bare filter is ignored, so look for the number in data.
    bare = get(api, f"{path}?phoneNumber=%2B1{first}")["data"]
    assert len(bare) == 2
    exact = get(api, f"{path}?phoneNumber[eq]=%2B1{first}")["data"]
    assert [n["phoneNumber"] for n in exact] == ["+1" + first]
    assert get(api, f"/campaigns/{PENDING_CAMPAIGN}/phoneNumbers")["data"] == []
    one = get(api, f"/phoneNumbers/+1{first}")["data"]
    assert one["campaignId"] == REGISTERED_CAMPAIGN and one["status"] == "SUCCESS"
    everyone = get(api, "/phoneNumbers")
    assert everyone["page"]["totalElements"] == 2
    assert api.json("GET", f"{api.v2}/tendlc/phoneNumbers/+19195550100").status_code == 404
    missing = api.json("GET", f"{api.v2}/tendlc/campaigns/CNOPE00/phoneNumbers")
    assert missing.status_code == 404
