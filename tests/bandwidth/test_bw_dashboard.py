"""The Dashboard client's look-ups and the calls the guide does not show a sample for."""

from __future__ import annotations

import pytest
from bw_helpers import plain_xml
from bw_scripted_server import Reply, ScriptedServer

from wizard.bandwidth import Address, BandwidthError, DashboardClient, basic_auth

ACCOUNT = "9900000"


def dash(scripted: ScriptedServer) -> DashboardClient:
    return DashboardClient(f"{scripted.url}/api", ACCOUNT, basic_auth("u", "p"))


def _order_xml(cid: str, status: str = "COMPLETE") -> str:
    """An order GET answer; like Bandwidth's, it carries no <id>."""
    return (
        f"<OrderResponse><Order><CustomerOrderId>{cid}</CustomerOrderId><SiteId>1</SiteId>"
        f"<PeerId>2</PeerId></Order><OrderStatus>{status}</OrderStatus></OrderResponse>"
    )


async def test_get_account_and_sites(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        f"/api/accounts/{ACCOUNT}",
        Reply.xml(
            "<AccountResponse><Account><AccountId>9900000</AccountId>"
            "<CompanyName>Sandbox Co</CompanyName></Account></AccountResponse>"
        ),
    )
    scripted.script(
        "POST",
        "/api/accounts/*/sites",
        Reply.xml(
            "<SiteResponse><Site><Id>42</Id><Name>Lab</Name><Description>d</Description>"
            "</Site></SiteResponse>",
            status=201,
        ),
        Reply.empty(201, {"Location": f"{scripted.url}/api/accounts/{ACCOUNT}/sites/43"}),
    )
    address = {
        "HouseNumber": "900",
        "StreetName": "Main Campus Dr",
        "City": "RALEIGH",
        "StateCode": "NC",
        "Zip": "27606",
        "AddressType": "Billing",
    }
    async with dash(scripted) as client:
        account = await client.get_account()
        site = await client.create_site("Lab", "d", address=address)
        site2 = await client.create_site("Lab2", address=Address.from_elements(address))
    assert (account.id, account.company_name) == (ACCOUNT, "Sandbox Co")
    assert (site.id, site.name, site.description) == ("42", "Lab", "d")
    assert (site2.id, site2.name) == ("43", "Lab2")
    body = plain_xml(scripted.seen("POST")[0].text)["Site"]
    assert list(body) == ["Name", "Description", "Address"]
    assert body["Address"] == address
    assert list(plain_xml(scripted.seen("POST")[1].text)["Site"]) == ["Name", "Address"]


@pytest.mark.parametrize(
    ("address", "words"),
    [
        (None, "needs an address"),
        ({"StreetName": "Main", "City": "Raleigh", "StateCode": "NC", "Zip": "27606"}, "house"),
        (Address("900", "Main", "Raleigh", "ZZ", "27606"), "state code"),
        (Address("900", "Main", "Raleigh", "NC", "2760"), "five digits"),
        (Address("900", "Main", "Raleigh", "NC", "27606", "Home"), "Billing or Service"),
    ],
)
async def test_a_site_bandwidth_would_refuse_is_not_sent(
    scripted: ScriptedServer, address: object, words: str
) -> None:
    async with dash(scripted) as client:
        with pytest.raises(BandwidthError) as info:
            await client.create_site("Lab", address=address)  # type: ignore[arg-type]
    assert info.value.kind == "validation" and words in str(info.value)
    assert scripted.requests == []


async def test_find_application_and_location_by_name(scripted: ScriptedServer) -> None:
    scripted.handle(
        "GET",
        "/api/accounts/*/applications",
        lambda _: Reply.xml(
            "<ApplicationProvisioningResponse><ApplicationList>"
            "<Application><ApplicationId>a1</ApplicationId><AppName>one</AppName></Application>"
            "<Application><ApplicationId>a2</ApplicationId><AppName>two</AppName></Application>"
            "</ApplicationList></ApplicationProvisioningResponse>"
        ),
    )
    scripted.handle(
        "GET",
        "/api/accounts/*/sites/7/sippeers",
        lambda _: Reply.xml(
            "<TNSipPeersResponse><SipPeers><SipPeer><PeerId>70</PeerId><PeerName>loc"
            "</PeerName><IsDefaultPeer>true</IsDefaultPeer></SipPeer></SipPeers>"
            "</TNSipPeersResponse>"
        ),
    )
    async with dash(scripted) as client:
        app = await client.find_application_by_name("two")
        assert app is not None and app.id == "a2"
        assert await client.find_application_by_name("TWO") is None
        loc = await client.find_location_by_name("7", "loc")
        assert loc is not None and (loc.id, loc.site_id, loc.is_default) == ("70", "7", True)
        assert await client.find_location_by_name("7", "other") is None


async def test_get_and_update_application(scripted: ScriptedServer) -> None:
    answer = (
        "<ApplicationProvisioningResponse><Application><ApplicationId>a1</ApplicationId>"
        "<ServiceType>Messaging-V2</ServiceType><AppName>{name}</AppName>"
        "<CallbackUrl>https://cb</CallbackUrl></Application></ApplicationProvisioningResponse>"
    )
    scripted.script("GET", "/api/accounts/*/applications/a1", Reply.xml(answer.format(name="x")))
    scripted.script("PUT", "/api/accounts/*/applications/a1", Reply.xml(answer.format(name="y")))
    async with dash(scripted) as client:
        assert (await client.get_application("a1")).name == "x"
        updated = await client.update_application("a1", "y", "https://cb", "u", "pw")
    assert updated.id == "a1" and updated.name == "y"
    sent = plain_xml(scripted.seen("PUT")[0].text)["Application"]
    assert sent["AppName"] == "y" and sent["CallbackCreds"] == {"UserId": "u", "Password": "pw"}


async def test_get_location(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "/api/accounts/*/sites/1/sippeers/70",
        Reply.xml(
            "<SipPeerResponse><SipPeer><PeerId>70</PeerId><PeerName>n</PeerName>"
            "<IsDefaultPeer>true</IsDefaultPeer></SipPeer></SipPeerResponse>"
        ),
    )
    async with dash(scripted) as client:
        loc = await client.get_location("1", "70")
    assert (loc.id, loc.name, loc.site_id, loc.is_default) == ("70", "n", "1", True)


async def test_find_order_by_customer_order_id(scripted: ScriptedServer) -> None:
    listing = (
        "<ResponseSelectWrapper><ListOrderIdUserIdDate><TotalCount>2</TotalCount>"
        "<OrderIdUserIdDate><CustomerOrderId>c-1</CustomerOrderId><orderId>old</orderId>"
        "<OrderStatus>FAILED</OrderStatus><OrderDate>2024-01-01T00:00:00Z</OrderDate>"
        "</OrderIdUserIdDate><OrderIdUserIdDate><CustomerOrderId>c-1</CustomerOrderId>"
        "<orderId>new</orderId><OrderStatus>COMPLETE</OrderStatus>"
        "<OrderDate>2024-02-01T00:00:00Z</OrderDate></OrderIdUserIdDate>"
        "</ListOrderIdUserIdDate></ResponseSelectWrapper>"
    )
    scripted.script("GET", "/api/accounts/*/orders", Reply.xml(listing))
    scripted.script("GET", "/api/accounts/*/orders/new", Reply.xml(_order_xml("c-1")))
    scripted.script(
        "GET",
        "/api/accounts/*/orders",
        Reply.xml(
            "<ResponseSelectWrapper><ListOrderIdUserIdDate><TotalCount>0</TotalCount>"
            "</ListOrderIdUserIdDate></ResponseSelectWrapper>"
        ),
    )
    async with dash(scripted) as client:
        order = await client.find_order_by_customer_order_id("c-1")
        assert order is not None
        assert (order.id, order.status, order.customer_order_id) == ("new", "COMPLETE", "c-1")
        assert await client.find_order_by_customer_order_id("c-2") is None
    listing_call = scripted.seen("GET", "/api/accounts/*/orders")[0]
    # ListOrders requires page and size (numbers.yml); the first page is "1".
    assert listing_call.query == {"customerOrderId": ["c-1"], "page": ["1"], "size": ["100"]}


def _listing_page(entries: list[tuple[str, str]], next_page: str | None) -> str:
    links = '<Links><first>Link=&lt;https://x/orders?page=1&amp;size=2&gt;;rel="first";</first>'
    if next_page:
        links += (
            f'<next>Link=&lt;https://x/orders?page={next_page}&amp;size=2&gt;;rel="next";</next>'
        )
    links += "</Links>"
    rows = "".join(
        f"<OrderIdUserIdDate><CustomerOrderId>{cid}</CustomerOrderId><orderId>{oid}</orderId>"
        f"<OrderDate>2024-01-0{i + 1}T00:00:00Z</OrderDate></OrderIdUserIdDate>"
        for i, (cid, oid) in enumerate(entries)
    )
    return (
        "<ResponseSelectWrapper><ListOrderIdUserIdDate><TotalCount>5</TotalCount>"
        f"{links}{rows}</ListOrderIdUserIdDate></ResponseSelectWrapper>"
    )


async def test_find_order_follows_the_next_links_until_found(scripted: ScriptedServer) -> None:
    pages = {
        "1": _listing_page([("other-1", "o-1"), ("other-2", "o-2")], "o-3"),
        "o-3": _listing_page([("other-3", "o-3"), ("other-4", "o-4")], "o-5"),
        "o-5": _listing_page([("mine", "o-5")], None),
    }
    scripted.handle(
        "GET", "/api/accounts/*/orders", lambda seen: Reply.xml(pages[seen.query["page"][0]])
    )
    scripted.script("GET", "/api/accounts/*/orders/o-5", Reply.xml(_order_xml("mine")))
    async with dash(scripted) as client:
        order = await client.find_order_by_customer_order_id("mine", page_size=2)
    assert order is not None and order.id == "o-5"
    listed = scripted.seen("GET", "/api/accounts/*/orders")
    assert [s.query["page"] for s in listed] == [["1"], ["o-3"], ["o-5"]]
    assert all(s.query["size"] == ["2"] for s in listed)


async def test_find_order_stops_when_the_list_ends_or_loops(scripted: ScriptedServer) -> None:
    looping = _listing_page([("other", "o-1")], "1")  # a next link back to the first page
    scripted.handle("GET", "/api/accounts/*/orders", lambda _: Reply.xml(looping))
    async with dash(scripted) as client:
        assert await client.find_order_by_customer_order_id("mine") is None
    assert len(scripted.seen("GET", "/api/accounts/*/orders")) == 1


async def test_find_order_confirms_when_listing_has_no_customer_ids(
    scripted: ScriptedServer,
) -> None:
    listing = (
        "<ResponseSelectWrapper><ListOrderIdUserIdDate><OrderIdUserIdDate><orderId>o-a</orderId>"
        "<OrderDate>2024-01-02</OrderDate></OrderIdUserIdDate><OrderIdUserIdDate>"
        "<orderId>o-b</orderId><OrderDate>2024-01-01</OrderDate></OrderIdUserIdDate>"
        "</ListOrderIdUserIdDate></ResponseSelectWrapper>"
    )
    scripted.script("GET", "/api/accounts/*/orders", Reply.xml(listing))
    scripted.script("GET", "/api/accounts/*/orders/o-a", Reply.xml(_order_xml("other")))
    scripted.script("GET", "/api/accounts/*/orders/o-b", Reply.xml(_order_xml("mine")))
    async with dash(scripted) as client:
        order = await client.find_order_by_customer_order_id("mine")
    assert order is not None and order.id == "o-b"


async def test_list_in_service_numbers(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "/api/accounts/*/inserviceNumbers",
        Reply.xml(
            "<TNs><TotalCount>2</TotalCount><Links><first>x</first></Links><TelephoneNumbers>"
            "<Count>2</Count><TelephoneNumber>9195551234</TelephoneNumber>"
            "<TelephoneNumber>9195551235</TelephoneNumber></TelephoneNumbers></TNs>"
        ),
    )
    async with dash(scripted) as client:
        assert await client.list_in_service_numbers() == ["9195551234", "9195551235"]


async def test_ids_are_quoted_into_one_path_segment(scripted: ScriptedServer) -> None:
    scripted.script("GET", "*", Reply.xml(_order_xml("c")))
    async with dash(scripted) as client:
        await client.get_order("../../sites")
    assert scripted.requests[-1].path == f"/api/accounts/{ACCOUNT}/orders/..%2F..%2Fsites"
