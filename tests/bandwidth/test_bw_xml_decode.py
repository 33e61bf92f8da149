"""Decoding: every guide response sample, lists of one, and every error shape in the notes."""

from __future__ import annotations

import pytest
from bw_helpers import guide_sample
from bw_samples import ORDER_LIST_WITH_LINKS

from wizard.bandwidth import xml as bwxml


def _doc(name: str) -> dict:
    return bwxml.parse(guide_sample(name)[2])


def test_application_response_sample() -> None:
    app = bwxml.decode_application(_doc("1-create-application.response.http"))
    assert app.id == "d775585a-ed5b-4a49-8b96-f68c0a993ebe"
    assert app.service_type == "Messaging-V2"
    assert app.callback_url == "https://yourSecureSite.com/callbacks"
    assert app.callback_user == "Your-User-id"


def test_sms_response_sample() -> None:
    sms = bwxml.decode_sms(_doc("3-enable-sms.response.http"))
    assert sms is not None
    assert (sms.toll_free, sms.short_code, sms.protocol) == (True, True, "HTTP")
    assert sms.zones == (True, False, False, False, False)
    assert sms.proxy_peer_id == "539692"


def test_mms_response_sample_with_lower_case_proxy_peer_id() -> None:
    mms = bwxml.decode_mms(_doc("4-enable-mms.response.http"))
    assert mms is not None and mms.protocol == "HTTP" and mms.proxy_peer_id == "539692"


def test_application_settings_sample() -> None:
    doc = _doc("5-assign-application.response.http")
    assert bwxml.decode_application_settings(doc) == "299ab22a-d7e6-4cf6-9f4d-2089efc0c031"


def test_order_create_and_status_samples() -> None:
    created = bwxml.decode_order(_doc("6-order-numbers.response.http"))
    assert created.id == "a18a8979-ebed-42f0-ae5f-3cfa7941d4c2"
    assert created.status == "RECEIVED" and not created.is_final
    assert created.created == "2017-09-18T17:36:57.274Z"
    done = bwxml.decode_order(_doc("7-order-status.response.http"), "given-id")
    assert done.id == "given-id"
    assert done.status == "COMPLETE" and done.is_final
    assert done.completed_numbers == ("9102398766",)


def test_no_error_in_success_samples() -> None:
    for name in (
        "1-create-application.response.http",
        "3-enable-sms.response.http",
        "4-enable-mms.response.http",
        "5-assign-application.response.http",
        "6-order-numbers.response.http",
        "7-order-status.response.http",
    ):
        assert bwxml.find_errors(_doc(name)) == [], name


PARTIAL = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><OrderResponse>
<CompletedQuantity>1</CompletedQuantity><CreatedByUser>aUser</CreatedByUser>
<ErrorList><Error><Code>5005</Code><Description>The telephone number is unavailable for
ordering</Description><TelephoneNumber>2055551212</TelephoneNumber></Error></ErrorList>
<FailedNumbers><FullNumber>2055551212</FullNumber></FailedNumbers>
<Order><CustomerOrderId>c-1</CustomerOrderId><OrderCreateDate>2019-08-08T19:39:35.472Z</OrderCreateDate>
<PeerId>12345</PeerId><AreaCodeSearchAndOrderType><AreaCode>222</AreaCode><Quantity>2</Quantity>
</AreaCodeSearchAndOrderType><PartialAllowed>true</PartialAllowed><SiteId>2858</SiteId></Order>
<OrderStatus>PARTIAL</OrderStatus><CompletedNumbers><TelephoneNumber><FullNumber>2055551213</FullNumber>
</TelephoneNumber></CompletedNumbers><FailedQuantity>1</FailedQuantity></OrderResponse>"""


def test_partial_order_keeps_errors_and_failed_numbers() -> None:
    order = bwxml.decode_order(bwxml.parse(PARTIAL), "o-1")
    assert order.status == "PARTIAL"
    assert order.completed_numbers == ("2055551213",)
    assert order.failed_numbers == ("2055551212",)
    assert order.errors == (("5005", "The telephone number is unavailable for\nordering"),)
    code, description = order.errors[0]
    assert code == "5005" and description.startswith("The telephone number")
    assert order.customer_order_id == "c-1"
    assert order.site_id == "2858" and order.location_id == "12345"


def test_lists_of_one_and_of_many() -> None:
    one = bwxml.parse(
        "<SitesResponse><Sites><Site><Id>1</Id><Name>A</Name></Site></Sites></SitesResponse>"
    )
    two = bwxml.parse(
        "<SitesResponse><Sites><Site><Id>1</Id><Name>A</Name></Site>"
        "<Site><Id>2</Id><Name>B</Name><Description>d</Description></Site></Sites></SitesResponse>"
    )
    assert [s.id for s in bwxml.decode_sites(one)] == ["1"]
    assert [(s.id, s.name, s.description) for s in bwxml.decode_sites(two)] == [
        ("1", "A", ""),
        ("2", "B", "d"),
    ]
    assert bwxml.decode_sites(bwxml.parse("<SitesResponse><Sites/></SitesResponse>")) == []


def test_application_list_with_callback_types_and_no_password() -> None:
    doc = bwxml.parse(
        "<ApplicationProvisioningResponse><ApplicationList><Application>"
        "<ApplicationId>a1</ApplicationId><ServiceType>Messaging-V2</ServiceType>"
        "<AppName>wizard</AppName><MsgCallbackUrl>https://cb</MsgCallbackUrl>"
        "<CallbackCreds><UserId>u</UserId></CallbackCreds>"
        "<RequestedCallbackTypes><CallbackType>message-delivered</CallbackType>"
        "<CallbackType>message-failed</CallbackType></RequestedCallbackTypes>"
        "</Application></ApplicationList></ApplicationProvisioningResponse>"
    )
    (app,) = bwxml.decode_applications(doc)
    assert (app.id, app.name, app.callback_url, app.callback_user) == (
        "a1",
        "wizard",
        "https://cb",
        "u",
    )
    assert app.callback_types == ("message-delivered", "message-failed")


def test_locations_single_and_detail() -> None:
    doc = bwxml.parse(
        "<TNSipPeersResponse><SipPeers><SipPeer><PeerId>500709</PeerId>"
        "<PeerName>Test4 Peer</PeerName><IsDefaultPeer>true</IsDefaultPeer>"
        "<VoiceHosts><Host><HostName>1.2.3.4</HostName></Host></VoiceHosts>"
        "</SipPeer></SipPeers></TNSipPeersResponse>"
    )
    (loc,) = bwxml.decode_locations(doc, "10001")
    assert (loc.id, loc.name, loc.is_default, loc.site_id) == (
        "500709",
        "Test4 Peer",
        True,
        "10001",
    )
    detail = bwxml.parse(
        "<SipPeerResponse><SipPeer><PeerId>7</PeerId><PeerName>n</PeerName>"
        "<IsDefaultPeer>false</IsDefaultPeer></SipPeer></SipPeerResponse>"
    )
    assert bwxml.decode_location(detail, "1").is_default is False


def test_search_in_service_account_and_order_list() -> None:
    search = bwxml.parse(
        "<SearchResult><ResultCount>2</ResultCount><TelephoneNumberList>"
        "<TelephoneNumber>9195551234</TelephoneNumber><TelephoneNumber>9195551235</TelephoneNumber>"
        "</TelephoneNumberList></SearchResult>"
    )
    assert bwxml.decode_search(search) == ["9195551234", "9195551235"]
    assert bwxml.decode_search(bwxml.parse("<SearchResult/>")) == []
    one = bwxml.parse(
        "<SearchResult><ResultCount>1</ResultCount><TelephoneNumberList>"
        "<TelephoneNumber>9195551234</TelephoneNumber></TelephoneNumberList></SearchResult>"
    )
    assert bwxml.decode_search(one) == ["9195551234"]
    tns = bwxml.parse(
        "<TNs><TotalCount>1</TotalCount><Links><first>x</first></Links><TelephoneNumbers>"
        "<Count>1</Count><TelephoneNumber>8043024183</TelephoneNumber></TelephoneNumbers></TNs>"
    )
    assert bwxml.decode_in_service(tns) == ["8043024183"]
    account = bwxml.parse(
        "<AccountResponse><Account><AccountId>14</AccountId><CompanyName>CWI</CompanyName>"
        "<AccountType>Business</AccountType></Account></AccountResponse>"
    )
    assert bwxml.decode_account(account).company_name == "CWI"
    orders = bwxml.parse(
        "<ResponseSelectWrapper><ListOrderIdUserIdDate><TotalCount>1</TotalCount>"
        "<OrderIdUserIdDate><CustomerOrderId>c-9</CustomerOrderId><orderId>o-9</orderId>"
        "<OrderStatus>COMPLETE</OrderStatus><OrderDate>2024-01-01T00:00:00Z</OrderDate>"
        "</OrderIdUserIdDate></ListOrderIdUserIdDate></ResponseSelectWrapper>"
    )
    page = bwxml.decode_order_list(orders)
    assert page.entries == (
        {
            "order_id": "o-9",
            "customer_order_id": "c-9",
            "status": "COMPLETE",
            "date": "2024-01-01T00:00:00Z",
        },
    )
    assert (page.next_page, page.total) == (None, 1)


def test_order_list_next_page_comes_from_the_next_link() -> None:
    page = bwxml.decode_order_list(bwxml.parse(ORDER_LIST_WITH_LINKS))
    assert page.next_page == "cbdcfc94-81b1-4ce9-8b6d-f8d6b85381ba"
    assert page.total == 122
    assert [e["order_id"] for e in page.entries] == [
        "c5d8d076-345c-45d7-87b3-803a35cca89b",
        "27da9f39-81f3-44ed-80ce-05ddf2db612d",
    ]
    assert [e["status"] for e in page.entries] == ["COMPLETE", "FAILED"]
    no_next = ORDER_LIST_WITH_LINKS.split("<next>")[0] + ORDER_LIST_WITH_LINKS.split("</next>")[1]
    assert bwxml.decode_order_list(bwxml.parse(no_next)).next_page is None
    assert bwxml.next_page(None) is None


def test_unassigned_application_settings_is_none() -> None:
    empty = bwxml.parse(
        "<ApplicationsSettingsResponse><ApplicationsSettings/></ApplicationsSettingsResponse>"
    )
    assert bwxml.decode_application_settings(empty) is None
    assert bwxml.decode_sms(bwxml.parse("<SipPeerSmsFeatureResponse/>")) is None
    assert bwxml.decode_mms(bwxml.parse("<MmsFeatureResponse/>")) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "<SiteResponse><ResponseStatus><ErrorCode>12016</ErrorCode>"
            "<Description>Site '5001' does not exist</Description></ResponseStatus></SiteResponse>",
            [("12016", "Site '5001' does not exist")],
        ),
        (
            "<OrderResponse><ErrorList><Error><Code>5016</Code>"
            "<Description>The SiteId submitted is invalid.</Description></Error></ErrorList>"
            "</OrderResponse>",
            [("5016", "The SiteId submitted is invalid.")],
        ),
        (
            "<X><ErrorList><Error><Code>1</Code><Description>a</Description></Error>"
            "<Error><Code>2</Code><Description>b</Description></Error></ErrorList></X>",
            [("1", "a"), ("2", "b")],
        ),
        (
            "<ApplicationProvisioningResponse><Errors><Code>12806</Code>"
            "<Description>AppName is required</Description></Errors>"
            "<Errors><Code>12807</Code><Description>Second</Description></Errors>"
            "</ApplicationProvisioningResponse>",
            [("12806", "AppName is required"), ("12807", "Second")],
        ),
        (
            "<X><Errors><Error><Code>7</Code><Description>wrapped</Description></Error></Errors></X>",
            [("7", "wrapped")],
        ),
        (
            "<SearchResult><Error><Code>4010</Code><Description>One of more required search "
            "parameters are invalid</Description></Error></SearchResult>",
            [("4010", "One of more required search parameters are invalid")],
        ),
        (
            "<Errors><Code>13609</Code><Description>HTTP messaging not enabled</Description>"
            "</Errors>",
            [("13609", "HTTP messaging not enabled")],
        ),
        ("<Error><Code>9</Code><Description>bare</Description></Error>", [("9", "bare")]),
        ("<X><ErrorList/><ResponseStatus/></X>", []),
        ("<X><ResponseStatus><ErrorCode>0</ErrorCode></ResponseStatus></X>", []),
    ],
)
def test_every_error_shape_is_read(body: str, expected: list[tuple[str, str]]) -> None:
    assert bwxml.find_errors(bwxml.parse(body)) == expected


def test_empty_and_malformed_bodies() -> None:
    assert bwxml.parse(b"") == {}
    assert bwxml.parse("  \n") == {}
    with pytest.raises(bwxml.XmlDecodeError):
        bwxml.parse("<html><body>oops")
    with pytest.raises(bwxml.XmlDecodeError):
        bwxml.parse("not xml at all")


def test_entities_are_not_expanded() -> None:
    evil = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        "<SitesResponse><Sites><Site><Id>&e;</Id></Site></Sites></SitesResponse>"
    )
    try:
        doc = bwxml.parse(evil)
    except bwxml.XmlDecodeError:
        return
    assert "root:" not in str(doc)


def test_mask_passwords() -> None:
    body = bwxml.application_xml("n", "https://cb", "user", "s3cr&t<pw>")
    masked = bwxml.mask_passwords(body)
    assert "s3cr" not in masked and "<Password>••••</Password>" in masked
    assert "<UserId>user</UserId>" in masked


# -- a location's numbers (ReadSipPeerTns), read with ElementTree ------------------------------

PEER_TNS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SipPeerTelephoneNumbersResponse>
   <SipPeerTelephoneNumbers>
      <SipPeerTelephoneNumber>
         <FullNumber>2052160148</FullNumber>
         <CallingNameDisplay>true</CallingNameDisplay>
         <MessagingSettings><SmsEnabled>true</SmsEnabled></MessagingSettings>
      </SipPeerTelephoneNumber>
      <SipPeerTelephoneNumber>
         <FullNumber>2053161118</FullNumber>
         <MessagingSettings><SmsEnabled>false</SmsEnabled></MessagingSettings>
      </SipPeerTelephoneNumber>
      <SipPeerTelephoneNumber>
         <FullNumber>2053160118</FullNumber>
         <CallForward>2014563025</CallForward>
      </SipPeerTelephoneNumber>
   </SipPeerTelephoneNumbers>
</SipPeerTelephoneNumbersResponse>"""


def test_location_numbers_from_numbers_yml_example() -> None:
    from wizard.bandwidth.models import LocationNumber

    assert bwxml.decode_location_numbers(PEER_TNS) == [
        LocationNumber("2052160148", True),
        LocationNumber("2053161118", False),
        LocationNumber("2053160118", None),
    ]
    assert bwxml.decode_location_numbers(b"") == []
    empty = b"<SipPeerTelephoneNumbersResponse><SipPeerTelephoneNumbers/>"
    assert bwxml.decode_location_numbers(empty + b"</SipPeerTelephoneNumbersResponse>") == []


@pytest.mark.parametrize(
    "body",
    [
        b"<SipPeerTelephoneNumbersResponse><SipPeerTelephoneNumbers>",
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><SipPeerTelephoneNumbersResponse/>',
        b"<x/><!ENTITY b 'b'>",
    ],
)
def test_location_numbers_refuse_broken_xml_and_entities(body: bytes) -> None:
    with pytest.raises(bwxml.XmlDecodeError):
        bwxml.decode_location_numbers(body)
