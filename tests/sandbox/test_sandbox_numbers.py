"""Number search, orders (lifecycle and outcome per test area code), order list, in service."""

from __future__ import annotations

import pytest
from sbx_helpers import Api, parse

from tests.waiting import wait_for


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def search(api: Api, query: str):
    return api.xml("GET", f"{api.account}/availableNumbers?{query}")


def test_search_is_deterministic_per_area_code_and_seed(api):
    first = parse(search(api, "areaCode=919&quantity=3").text)["SearchResult"]
    assert first["ResultCount"] == "3"
    numbers = first["TelephoneNumberList"]["TelephoneNumber"]
    assert len(numbers) == 3 and all(n.startswith("919") and len(n) == 10 for n in numbers)
    assert all(n[3:6] != "555" for n in numbers)
    api.control("POST", "/reset")
    again = parse(search(api, "areaCode=919&quantity=3").text)["SearchResult"]
    assert again["TelephoneNumberList"]["TelephoneNumber"] == numbers
    other = parse(search(api, "areaCode=704&quantity=3").text)["SearchResult"]
    assert all(n.startswith("704") for n in other["TelephoneNumberList"]["TelephoneNumber"])


def test_search_single_result_and_details(api):
    one = parse(search(api, "areaCode=919&quantity=1").text)["SearchResult"]
    assert isinstance(one["TelephoneNumberList"]["TelephoneNumber"], str)
    detailed = parse(search(api, "areaCode=919&quantity=2&enableTNDetail=true").text)
    details = detailed["SearchResult"]["TelephoneNumberDetailList"]["TelephoneNumberDetail"]
    assert len(details) == 2 and details[0]["TelephoneNumber"].startswith("919")


def test_777_has_no_numbers(api):
    answer = search(api, "areaCode=777&quantity=2")
    assert answer.status_code == 200
    assert parse(answer.text) == {"SearchResult": None}


@pytest.mark.parametrize(
    "query",
    [
        "areaCode=91",
        "areaCode=abc",
        "areaCode=123",
        "areaCode=911",
        "areaCode=919&quantity=0",
        "quantity=2",
        "state=NC",
    ],
)
def test_bad_search_is_400_4010(api, query):
    answer = search(api, query)
    assert answer.status_code == 400
    assert parse(answer.text)["SearchResult"]["Error"]["Code"] == "4010"


def test_ordered_numbers_leave_the_search_results(api):
    location = api.create_location()
    offered = parse(search(api, "areaCode=919&quantity=2").text)["SearchResult"][
        "TelephoneNumberList"
    ]["TelephoneNumber"]
    order_id = parse(api.order(location, "919", 1).text)["OrderResponse"]["Order"]["id"]
    done = api.wait_order(order_id)
    assert done["CompletedNumbers"]["TelephoneNumber"]["FullNumber"] == offered[0]
    now = parse(search(api, "areaCode=919&quantity=2").text)["SearchResult"]["TelephoneNumberList"][
        "TelephoneNumber"
    ]
    assert offered[0] not in now and now[0] == offered[1]


def test_order_moves_received_processing_complete(api):
    location = api.create_location()
    api.config(order_delay=0.9)
    created = api.order(location, "919", 1)
    order_id = parse(created.text)["OrderResponse"]["Order"]["id"]

    def status() -> str:
        return parse(api.xml("GET", f"{api.account}/orders/{order_id}").text)["OrderResponse"][
            "OrderStatus"
        ]

    seen = [parse(created.text)["OrderResponse"]["OrderStatus"]]
    for wanted in ("PROCESSING", "COMPLETE"):
        seen.append(wait_for(lambda w=wanted: w if status() == w else None, timeout=5))
    assert seen == ["RECEIVED", "PROCESSING", "COMPLETE"]
    pending = parse(api.xml("GET", f"{api.account}/orders/{order_id}").text)["OrderResponse"]
    assert "PendingQuantity" not in pending


@pytest.mark.parametrize(
    ("area_code", "quantity", "status", "completed", "failed", "codes"),
    [
        ("919", 2, "COMPLETE", 2, 0, []),
        ("222", 1, "COMPLETE", 1, 0, []),
        ("222", 4, "PARTIAL", 2, 2, ["5005", "5005"]),
        ("333", 2, "FAILED", 0, 2, ["5005", "5005"]),
        ("444", 2, "BACKORDERED", 0, 0, ["5521"]),
        ("777", 1, "FAILED", 0, 0, ["5018"]),
    ],
)
def test_order_outcome_per_test_area_code(
    api, area_code, quantity, status, completed, failed, codes
):
    location = api.create_location()
    created = api.order(location, area_code, quantity)
    assert created.status_code == 201
    order_id = parse(created.text)["OrderResponse"]["Order"]["id"]
    done = api.wait_order(order_id)  # always HTTP 200, even PARTIAL and FAILED
    assert done["OrderStatus"] == status
    assert done["CompletedQuantity"] == str(completed)
    assert done["FailedQuantity"] == str(failed)
    errors = done.get("ErrorList", {}).get("Error", [])
    errors = [errors] if isinstance(errors, dict) else errors
    assert [e["Code"] for e in errors] == codes
    failed_numbers = done.get("FailedNumbers", {}).get("FullNumber", [])
    failed_numbers = [failed_numbers] if isinstance(failed_numbers, str) else failed_numbers
    assert len(failed_numbers) == failed
    if failed and codes[0] == "5005":
        assert [e["TelephoneNumber"] for e in errors] == failed_numbers
    in_service = api.state()["numbers"]
    assert len(in_service) == completed
    assert all(n["location_id"] == location for n in in_service)


def test_completed_numbers_are_in_service_on_the_location(api):
    location = api.create_location()
    order_id = parse(api.order(location, "919", 2).text)["OrderResponse"]["Order"]["id"]
    done = api.wait_order(order_id)
    numbers = [t["FullNumber"] for t in done["CompletedNumbers"]["TelephoneNumber"]]
    tns = parse(api.xml("GET", f"{api.account}/inserviceNumbers").text)["TNs"]
    assert tns["TotalCount"] == "2" and tns["TelephoneNumbers"]["Count"] == "2"
    assert sorted(tns["TelephoneNumbers"]["TelephoneNumber"]) == sorted(numbers)
    peer_tns = parse(api.xml("GET", api.peer(location) + "/tns").text)
    listed = peer_tns["SipPeerTelephoneNumbersResponse"]["SipPeerTelephoneNumbers"]
    assert [t["FullNumber"] for t in listed["SipPeerTelephoneNumber"]] == numbers


def test_order_without_peer_goes_to_the_default_location(api):
    default = api.create_location("Default")
    api.create_location("Other", default=False)
    order = parse(api.order(None, "919", 1).text)["OrderResponse"]["Order"]
    assert order["PeerId"] == default


def test_existing_number_order(api):
    location = api.create_location()
    offered = parse(search(api, "areaCode=919&quantity=2").text)["SearchResult"][
        "TelephoneNumberList"
    ]["TelephoneNumber"]
    body = (
        "<Order><ExistingTelephoneNumberOrderType><TelephoneNumberList>"
        + "".join(f"<TelephoneNumber>{n}</TelephoneNumber>" for n in offered)
        + f"</TelephoneNumberList></ExistingTelephoneNumberOrderType><SiteId>10001</SiteId>"
        f"<PeerId>{location}</PeerId></Order>"
    )
    created = api.xml("POST", api.account + "/orders", body)
    assert created.status_code == 201
    done = api.wait_order(parse(created.text)["OrderResponse"]["Order"]["id"])
    assert done["OrderStatus"] == "COMPLETE"
    assert [t["FullNumber"] for t in done["CompletedNumbers"]["TelephoneNumber"]] == offered


def order_error(api: Api, body: str) -> tuple[int, str, str]:
    answer = api.xml("POST", api.account + "/orders", body)
    parsed = parse(answer.text)["OrderResponse"]
    error = parsed["ErrorList"]["Error"]
    assert "Order" in parsed  # the real API echoes the order with its errors
    return answer.status_code, error["Code"], error["Description"]


def test_order_errors(api):
    location = api.create_location("Not default", default=False)
    search_part = (
        "<AreaCodeSearchAndOrderType><AreaCode>919</AreaCode><Quantity>1</Quantity>"
        "</AreaCodeSearchAndOrderType>"
    )
    assert order_error(api, f"<Order>{search_part}<SiteId>99</SiteId></Order>") == (
        400,
        "5016",
        "The SiteId submitted is invalid.",
    )
    assert order_error(api, f"<Order>{search_part}</Order>")[:2] == (400, "5022")
    assert order_error(api, f"<Order>{search_part}<SiteId>10001</SiteId></Order>")[:2] == (
        400,
        "5020",
    )
    assert order_error(
        api, f"<Order>{search_part}<SiteId>10001</SiteId><PeerId>1</PeerId></Order>"
    )[:2] == (400, "5023")
    bad_quantity = search_part.replace("<Quantity>1<", "<Quantity>0<")
    assert order_error(
        api, f"<Order>{bad_quantity}<SiteId>10001</SiteId><PeerId>{location}</PeerId></Order>"
    )[:2] == (400, "5009")
    bad_area = search_part.replace("919", "91")
    assert order_error(
        api, f"<Order>{bad_area}<SiteId>10001</SiteId><PeerId>{location}</PeerId></Order>"
    )[:2] == (400, "4000")
    assert order_error(api, f"<Order><SiteId>10001</SiteId><PeerId>{location}</PeerId></Order>")[
        :2
    ] == (400, "5087")
    assert order_error(
        api,
        f"<Order><CustomerOrderId>no_underscores!</CustomerOrderId>"
        f"{search_part}<SiteId>10001</SiteId></Order>",
    )[:2] == (400, "5052")


def test_unknown_order_is_404(api):
    answer = api.xml("GET", f"{api.account}/orders/not-an-order")
    assert answer.status_code == 404
    assert parse(answer.text)["ErrorResponse"]["ResponseStatus"]["Description"] == (
        "The resource does not exist"
    )


def listing(api: Api, query: str) -> dict:
    answer = api.xml("GET", f"{api.v2}/orders?{query}")
    assert answer.status_code == 200, answer.text
    return parse(answer.text)["ResponseSelectWrapper"]["ListOrderIdUserIdDate"]


def test_orders_can_be_found_again_by_customer_order_id(api):
    location = api.create_location()
    first = parse(api.order(location, "919", 1, customer_order_id="wizard-1").text)
    api.order(location, "704", 1, customer_order_id="wizard-2")
    assert first["OrderResponse"]["Order"]["CustomerOrderId"] == "wizard-1"
    found = listing(api, "page=1&size=20&customerOrderId=wizard-1")
    assert found["TotalCount"] == "1"
    row = found["OrderIdUserIdDate"]
    assert row["orderId"] == first["OrderResponse"]["Order"]["id"]
    assert row["CustomerOrderId"] == "wizard-1"
    # userId names whoever placed the order: here the OAuth2 client.
    assert row["OrderType"] == "new_number" and row["userId"] == "sandbox-client"
    assert listing(api, "page=1&size=20&customerOrderId=nope") == {"TotalCount": "0"}
    assert listing(api, "page=1&size=20")["TotalCount"] == "2"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "13055"),  # the 2018 guide's unpaginated list
        ("customerOrderId=wizard-1", "13055"),
        ("page=1", "13055"),
        ("size=5", "13055"),
        ("page=1&size=x", "13057"),
        ("page=1&size=0", "13058"),
        ("page=not-an-order&size=5", "4018"),
    ],
)
def test_orders_list_must_be_paginated(api, query, code):
    answer = api.xml("GET", f"{api.account}/orders?{query}")
    assert answer.status_code == 400
    status = parse(answer.text)["ResponseSelectWrapper"]["ResponseStatus"]
    assert status["ErrorCode"] == code


def test_orders_list_pages_follow_the_next_link(api):
    location = api.create_location()
    ids = [
        parse(api.order(location, "919", 1, customer_order_id=f"c-{i}").text)["OrderResponse"][
            "Order"
        ]["id"]
        for i in range(5)
    ]
    seen: list[str] = []
    query = "page=1&size=2"
    while True:
        page = listing(api, query)
        assert page["TotalCount"] == "5"
        rows = page["OrderIdUserIdDate"]
        seen += [row["orderId"] for row in (rows if isinstance(rows, list) else [rows])]
        assert page["Links"]["first"].endswith('?page=1&size=2>;rel="first";')
        following = page["Links"].get("next")
        if following is None:
            break
        query = following.split("?", 1)[1].split(">", 1)[0]
    assert seen == ids


def test_concurrent_orders_never_share_a_number(api):
    from concurrent.futures import ThreadPoolExecutor

    location = api.create_location()

    def place(index: int) -> str:
        answer = api.order(location, "919", 2, customer_order_id=f"c-{index}")
        assert answer.status_code == 201
        return parse(answer.text)["OrderResponse"]["Order"]["id"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        order_ids = list(pool.map(place, range(20)))
    assert len(set(order_ids)) == 20
    numbers = []
    for order_id in order_ids:
        done = api.wait_order(order_id)
        numbers += [t["FullNumber"] for t in done["CompletedNumbers"]["TelephoneNumber"]]
    assert len(numbers) == len(set(numbers)) == 40
    assert len(api.state()["numbers"]) == 40


def test_toll_free_numbers_are_searched_by_wildcard_pattern(api):
    found = parse(search(api, "tollFreeWildCardPattern=8**&quantity=7").text)["SearchResult"]
    numbers = found["TelephoneNumberList"]["TelephoneNumber"]
    assert sorted(n[:3] for n in numbers) == ["800", "833", "844", "855", "866", "877", "888"]
    only = parse(search(api, "tollFreeWildCardPattern=87*&quantity=3").text)["SearchResult"]
    assert all(n.startswith("877") for n in only["TelephoneNumberList"]["TelephoneNumber"])
    assert parse(search(api, "tollFreeWildCardPattern=81*").text) == {"SearchResult": None}
    for pattern in ("9**", "8*", "8***", "8a*"):
        answer = search(api, f"tollFreeWildCardPattern={pattern}")
        assert answer.status_code == 400
        assert parse(answer.text)["SearchResult"]["Error"]["Code"] == "4004"
    # A toll-free prefix is not an area code.
    assert search(api, "areaCode=800&quantity=1").status_code == 400


def test_toll_free_numbers_are_ordered_by_wildcard_pattern(api):
    location = api.create_location()
    body = (
        "<Order><TollFreeWildCharSearchAndOrderType><Quantity>2</Quantity>"
        "<TollFreeWildCardPattern>88*</TollFreeWildCardPattern>"
        "</TollFreeWildCharSearchAndOrderType><SiteId>10001</SiteId>"
        f"<PeerId>{location}</PeerId></Order>"
    )
    created = api.xml("POST", api.v2 + "/orders", body)
    assert created.status_code == 201
    assert "/api/v2/accounts/9900000/orders/" in created.headers["Location"]
    echoed = parse(created.text)["OrderResponse"]["Order"]["TollFreeWildCharSearchAndOrderType"]
    assert echoed == {"Quantity": "2", "TollFreeWildCardPattern": "88*"}
    done = api.wait_order(parse(created.text)["OrderResponse"]["Order"]["id"])
    assert done["OrderStatus"] == "COMPLETE"
    numbers = [t["FullNumber"] for t in done["CompletedNumbers"]["TelephoneNumber"]]
    assert all(n.startswith("888") for n in numbers)
    assert done["Summary"] == "2 numbers ordered in (888)"
    assert sorted(n["number"] for n in api.state()["numbers"]) == sorted(numbers)
    bad = body.replace("88*", "7**")
    assert order_error(api, bad)[:2] == (400, "4004")
