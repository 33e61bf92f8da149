"""Pagination as numbers.yml documents it: walking every page by its `next` link, the counts,
the links, the limits on `size`, and what each list answers without the parameters."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sbx_helpers import parse
from sbx_scale import ScaleApi, listed, response_status

LINK = re.compile(r'^Link=<(?P<url>[^>]+)>;rel="(?P<rel>[a-z]+)";$')


@pytest.fixture
def api(sandbox):
    client = ScaleApi(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def links(tns: dict[str, Any]) -> dict[str, dict[str, str]]:
    """rel -> the query parameters of each `<Links>` entry (checking each entry's shape)."""
    found = {}
    for rel, text in (tns.get("Links") or {}).items():
        match = LINK.match(text)
        assert match and match.group("rel") == rel, text
        query = parse_qs(urlsplit(match.group("url")).query)
        found[rel] = {key: values[0] for key, values in query.items()}
        found[rel]["path"] = urlsplit(match.group("url")).path
    return found


def peer_rows(text: str) -> list[dict[str, Any]]:
    numbers = parse(text)["SipPeerTelephoneNumbersResponse"]["SipPeerTelephoneNumbers"]
    return listed(numbers["SipPeerTelephoneNumber"]) if numbers else []


def in_service(api: ScaleApi, **params: Any):
    return api.xml("GET", f"{api.account}/inserviceNumbers", params=params)


def walk_in_service(api: ScaleApi, **params: Any) -> tuple[list[str], int, list[dict[str, Any]]]:
    """Follow `next` from the first page to the end, as a client does."""
    numbers: list[str] = []
    pages: list[dict[str, Any]] = []
    answer = in_service(api, **params)
    requests = 1
    while True:
        assert answer.status_code == 200, answer.text
        tns = parse(answer.text)["TNs"]
        page = listed(tns["TelephoneNumbers"]["TelephoneNumber"])
        assert int(tns["TelephoneNumbers"]["Count"]) == len(page)
        numbers.extend(page)
        pages.append(tns)
        following = links(tns).get("next")
        if following is None:
            return numbers, requests, pages
        answer = api.xml("GET", following.pop("path"), params={k: v for k, v in following.items()})
        requests += 1


def test_every_in_service_page_is_walked_by_its_next_link(api):
    api.seed(numbers=1234, locations=10, applications=4, toll_free=20)
    expected = sorted(n["number"] for n in api.state()["numbers"])
    numbers, requests, pages = walk_in_service(api, page=1, size=500)
    assert numbers == expected and len(set(numbers)) == 1234
    assert requests == math.ceil(1234 / 500) == 3
    assert [int(p["TelephoneNumbers"]["Count"]) for p in pages] == [500, 500, 234]
    assert {p["TotalCount"] for p in pages} == {"1234"}
    first, middle, last = (links(p) for p in pages)
    assert set(first) == {"first", "next", "last"}
    assert (first["next"]["page"], first["last"]["page"], first["first"]["page"]) == ("2", "3", "1")
    assert set(middle) == {"first", "previous", "next", "last"}
    assert middle["previous"]["page"] == "1" and middle["next"]["page"] == "3"
    assert set(last) == {"first", "previous"}
    assert all(entry["size"] == "500" for page in (first, middle, last) for entry in page.values())
    assert first["next"]["path"] == f"{api.account}/inserviceNumbers"


def test_in_service_defaults_and_the_largest_page(api):
    api.seed(numbers=5300, locations=20, applications=2)
    plain = parse(in_service(api).text)["TNs"]
    assert plain["TelephoneNumbers"]["Count"] == "300"  # numbers.yml: size defaults to 300
    assert links(plain)["next"] == {
        "page": "2",
        "size": "300",
        "path": f"{api.account}/inserviceNumbers",
    }
    big = parse(in_service(api, size=20000).text)["TNs"]
    assert big["TelephoneNumbers"]["Count"] == "5000"
    assert links(big)["next"]["size"] == "5000"  # the links tell the size actually served
    _, requests, _ = walk_in_service(api, size=5000)
    assert requests == 2


def test_filters_travel_in_the_links_and_narrow_the_count(api):
    api.seed(numbers=900, locations=9, applications=1, toll_free=0)
    numbers = [n["number"] for n in api.state()["numbers"]]
    area = numbers[0][:3]
    wanted = sorted(n for n in numbers if n.startswith(area))
    found, _, pages = walk_in_service(api, areacode=area, size=max(1, len(wanted) // 2))
    assert found == wanted
    assert all(entry["areacode"] == area for entry in links(pages[0]).values())
    exchange = wanted[0][:6]
    narrow = parse(in_service(api, npanxx=exchange).text)["TNs"]
    assert int(narrow["TotalCount"]) == sum(n.startswith(exchange) for n in numbers)


def test_no_numbers_is_204_and_bad_parameters_are_404(api):
    empty = in_service(api)
    assert empty.status_code == 204 and empty.content == b""
    api.seed(numbers=10, locations=2, applications=0, toll_free=0)
    assert in_service(api, page=2, size=10).status_code == 204  # past the last page
    for params, code in (
        ({"page": "x"}, "13056"),
        ({"size": "big"}, "13057"),
        ({"page": 0}, "13058"),
        ({"size": 0}, "13058"),
        ({"areacode": "12"}, "15510"),
        ({"npanxx": "91955"}, "15511"),
    ):
        answer = in_service(api, **params)
        assert answer.status_code == 404, params
        assert response_status(answer, "TNs")[0] == code


def test_in_service_totals_and_single_number_checks(api):
    api.seed(numbers=40, locations=4, applications=0, toll_free=0)
    number = api.state()["numbers"][0]["number"]
    totals = parse(api.xml("GET", f"{api.account}/inserviceNumbers/totals").text)
    assert totals == {"Quantity": {"Count": "40"}}
    here = api.xml("GET", f"{api.account}/inserviceNumbers/{number}")
    assert here.status_code == 200 and here.content == b""
    assert api.xml("GET", f"{api.account}/inserviceNumbers/9195550000").status_code == 404


def test_a_locations_numbers_page_by_number_without_links(api):
    api.seed(numbers=120, locations=2, applications=0, toll_free=0)
    location = api.state()["locations"][0]
    url = api.peer_of(location) + "/tns"
    count = parse(api.xml("GET", api.peer_of(location) + "/totaltns").text)
    total = int(
        count["SipPeerTelephoneNumbersCountResponse"]["SipPeerTelephoneNumbersCount"][
            "SipPeerTelephoneNumbersCount"
        ]
    )
    assert total == len(location["numbers"]) == 60
    whole = parse(api.xml("GET", url).text)["SipPeerTelephoneNumbersResponse"]
    assert set(whole) == {"SipPeerTelephoneNumbers"}  # numbers.yml: no Links, no count
    rows = listed(whole["SipPeerTelephoneNumbers"]["SipPeerTelephoneNumber"])
    assert [row["FullNumber"] for row in rows] == location["numbers"]  # size defaults to 5000
    sms = location["sms"] is not None
    assert rows[0]["MessagingSettings"] == {"SmsEnabled": str(sms).lower()}
    walked: list[str] = []
    page = 1
    while True:  # a client stops at a short page
        answer = api.xml("GET", url, params={"page": page, "size": 25})
        rows = peer_rows(answer.text)
        walked.extend(row["FullNumber"] for row in rows)
        if len(rows) < 25:
            break
        page += 1
    assert walked == location["numbers"] and page == 3
    bare = parse(api.xml("GET", url, params={"includeAttributes": "false", "size": 1}).text)
    assert bare["SipPeerTelephoneNumbersResponse"]["SipPeerTelephoneNumbers"] == {
        "SipPeerTelephoneNumber": {"FullNumber": location["numbers"][0]}
    }
    refused = api.xml("GET", url, params={"page": "two", "size": 5})
    assert refused.status_code == 400
    assert response_status(refused, "SipPeerTelephoneNumbersResponse")[0] == "13056"


def test_disconnect_orders_are_listed_in_keyed_pages(api):
    api.seed(numbers=5, locations=1, applications=0, toll_free=0)
    numbers = [n["number"] for n in api.state()["numbers"]]
    ids = []
    for number in numbers:
        created = api.disconnect([number], customer_order_id=f"teardown {number}")
        ids.append(
            parse(created.text)["DisconnectTelephoneNumberOrderResponse"]["orderRequest"]["id"]
        )
    seen: list[str] = []
    params: dict[str, Any] = {"page": 1, "size": 2}
    requests = 0
    while True:
        answer = api.xml("GET", f"{api.account}/disconnects", params=params)
        requests += 1
        listing = parse(answer.text)["ResponseSelectWrapper"]["ListOrderIdUserIdDate"]
        assert listing["TotalCount"] == "5"
        rows = listed(listing["OrderIdUserIdDate"])
        assert all(row["OrderType"] == "disconnect" for row in rows)
        seen.extend(row["OrderId"] for row in rows)
        following = links(listing).get("next")
        if following is None:
            break
        assert following["page"] == ids[len(seen)]  # the id of the next page's first order
        params = {"page": following["page"], "size": following["size"]}
    assert seen == ids and requests == 3
    api.control("POST", "/reset")
    none = api.xml("GET", f"{api.account}/disconnects")
    assert none.status_code == 404 and "Links" in parse(none.text)


def test_sites_locations_and_applications_are_whole_lists(api):
    api.seed(numbers=0, locations=30, applications=12, sites=3)
    sites = listed(
        parse(api.xml("GET", api.account + "/sites").text)["SitesResponse"]["Sites"]["Site"]
    )
    assert len(sites) == 3
    peers = sum(
        len(
            listed(
                parse(api.xml("GET", f"{api.site(site['Id'])}/sippeers").text)[
                    "TNSipPeersResponse"
                ]["SipPeers"]["SipPeer"]
            )
        )
        for site in sites
    )
    assert peers == 30
    apps = parse(api.xml("GET", api.account + "/applications").text)
    assert len(apps["ApplicationProvisioningResponse"]["ApplicationList"]["Application"]) == 12
