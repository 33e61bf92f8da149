"""The requests whose shapes moved since the 2018 guide are sent as Bandwidth documents them today,
and every answer form Bandwidth documents is read.

Samples are in bw_samples.py with their sources. Each request body that arrived at the scripted
server is parsed and compared element by element, in order, with today's sample.
"""

from __future__ import annotations

import json

import pytest
from bw_helpers import plain_xml
from bw_samples import (
    APPLICATION_INBOUND_OUTBOUND_ONLY,
    APPLICATION_LIST,
    APPLICATION_REQUEST,
    APPLICATION_RESPONSE,
    APPLICATION_SPLIT,
    ASSOCIATED_SIPPEERS,
    ASSOCIATED_SIPPEERS_404,
    MMS_REQUEST,
    MMS_RESPONSE,
    SITE_REQUEST,
    SITE_RESPONSE,
    SMS_REQUEST,
    SMS_RESPONSE,
    TN_DETAILS,
    TN_OPTION_400,
    TN_OPTION_404,
    TN_OPTION_COMPLETE_WITH_WARNING,
    TN_OPTION_CREATED,
    TN_OPTION_FAILED,
    TN_OPTION_SUMMARIES,
    TOLL_FREE_ORDER_REQUEST,
)
from bw_scripted_server import Reply, ScriptedServer

from wizard.bandwidth import Address, BandwidthError, DashboardClient, OAuth2ClientCredentials
from wizard.bandwidth import xml as bwxml

ACCOUNT = "9900000"
ADDRESS = Address("900", "Main Campus Dr", "RALEIGH", "NC", "27606", "Billing")


def _dashboard(scripted: ScriptedServer) -> DashboardClient:
    scripted.handle(
        "POST", "/token", lambda _: Reply.json({"access_token": "t", "expires_in": 3600})
    )
    auth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", "cs")
    return DashboardClient(f"{scripted.url}/api/v2", ACCOUNT, auth)


def _same(sent: str, expected: str | dict) -> None:
    """Equal element trees in equal order, recursively (xmltodict keeps document order)."""
    want = plain_xml(expected) if isinstance(expected, str) else expected
    got = plain_xml(sent)
    assert json.dumps(got) == json.dumps(want), f"\n{json.dumps(got)}\n!=\n{json.dumps(want)}"


# -- application ---------------------------------------------------------------------------------


async def test_create_application_sends_msg_callback_url_and_callback_creds(
    scripted: ScriptedServer,
) -> None:
    scripted.script("POST", "/api/v2/accounts/*/applications", Reply.xml(APPLICATION_RESPONSE, 201))
    async with _dashboard(scripted) as dash:
        app = await dash.create_application(
            "Production Server",
            "https://yourSecureSite.com/callbacks",
            "Your-User-id",
            "Your-Password",
        )
    (seen,) = scripted.seen("POST", "/api/v2/accounts/*/applications")
    assert seen.path == f"/api/v2/accounts/{ACCOUNT}/applications"
    assert seen.headers["content-type"] == "application/xml; charset=utf-8"
    _same(seen.text, APPLICATION_REQUEST)
    assert "<CallbackUrl>" not in seen.text  # deprecated (numbers.yml)
    assert app.id == "590cde45-c05d-44e3-a77a-59fd10f17c26"
    assert app.callback_url == "https://yourSecureSite.com/callbacks"
    assert app.callback_user == "Your-User-id"
    assert app.inbound_callback_url == app.outbound_callback_url == app.callback_url
    assert not app.is_split
    assert app.callback_types == ("message-failed", "message-delivered", "message-sending")
    assert "Your-Password" not in repr(app)


async def test_update_application_sends_the_same_body(scripted: ScriptedServer) -> None:
    scripted.script("PUT", "/api/v2/accounts/*/applications/*", Reply.xml(APPLICATION_RESPONSE))
    async with _dashboard(scripted) as dash:
        app = await dash.update_application(
            "590cde45-c05d-44e3-a77a-59fd10f17c26",
            "Production Server",
            "https://yourSecureSite.com/callbacks",
            "Your-User-id",
            "Your-Password",
        )
    (seen,) = scripted.seen("PUT")
    _same(seen.text, APPLICATION_REQUEST)
    assert app.id == "590cde45-c05d-44e3-a77a-59fd10f17c26"


def test_every_application_form_is_read() -> None:
    split = bwxml.decode_application(bwxml.parse(APPLICATION_SPLIT))
    assert split.is_split
    assert split.callback_url == "https://example.com"  # the deprecated MsgCallbackUrl
    assert split.inbound_callback_url == "https://example.com"
    assert split.outbound_callback_url == "https://example2.com"
    assert split.status_callback_url == "https://example2.com"
    assert split.callback_user == "15jPWZmXdm"  # MsgCallbackCreds

    made_in_app = bwxml.decode_application(bwxml.parse(APPLICATION_INBOUND_OUTBOUND_ONLY))
    assert made_in_app.is_split and made_in_app.callback_url == ""
    assert (made_in_app.inbound_callback_user, made_in_app.outbound_callback_user) == (
        "in-user",
        "out-user",
    )
    assert made_in_app.callback_user is None  # two different users: no single answer
    assert made_in_app.status_callback_url == "https://out.example.net/status"

    same_url_other_users = bwxml.decode_application(
        bwxml.parse(
            "<R><Application><ApplicationId>a</ApplicationId><InboundCallbackUrl>https://x/cb"
            "</InboundCallbackUrl><OutboundCallbackUrl>https://x/cb</OutboundCallbackUrl>"
            "<InboundCallbackCreds><UserId>u1</UserId></InboundCallbackCreds>"
            "<OutboundCallbackCreds><UserId>u2</UserId></OutboundCallbackCreds>"
            "</Application></R>"
        )
    )
    assert same_url_other_users.callback_url == "https://x/cb"
    assert same_url_other_users.is_split  # one MsgCallbackUrl + CallbackCreds would merge them

    guide_form = bwxml.decode_application(
        bwxml.parse(
            "<R><Application><ApplicationId>g</ApplicationId><CallbackUrl>https://g/cb"
            "</CallbackUrl><CallbackCreds><UserId>gu</UserId></CallbackCreds></Application></R>"
        )
    )
    assert (guide_form.callback_url, guide_form.callback_user) == ("https://g/cb", "gu")
    assert not guide_form.is_split and guide_form.status_callback_url == "https://g/cb"

    listed = bwxml.decode_applications(bwxml.parse(APPLICATION_LIST))
    assert [a.id for a in listed] == [
        "2cfcb382-161c-46d4-8c67-87ca09a72c85",
        "0cb0112b-5998-4c81-999a-0d3fb5e3f8e2",
    ]
    assert listed[0].callback_url == "http://a.com" and not listed[0].is_split
    assert listed[1].service_type == "Voice-V2"


async def test_associated_locations(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "/api/v2/accounts/*/applications/app-1/associatedsippeers",
        Reply.xml(ASSOCIATED_SIPPEERS),
        Reply.xml("<AssociatedSipPeersResponse><AssociatedSipPeers/></AssociatedSipPeersResponse>"),
        Reply.xml(ASSOCIATED_SIPPEERS_404, status=404),
    )
    async with _dashboard(scripted) as dash:
        linked = await dash.list_associated_locations("app-1")
        unlinked = await dash.list_associated_locations("app-1")
        with pytest.raises(BandwidthError) as info:
            await dash.list_associated_locations("app-1")
    assert [(a.site_id, a.location_id, a.location_name) for a in linked] == [
        ("482", "500018", "sippeer-e867f"),
        ("483", "500019", "sippeer-e867d"),
    ]
    assert unlinked == []
    assert (info.value.kind, info.value.code) == ("not_found", "13629")
    assert "application does not exist" in info.value.hint


# -- sub-account -----------------------------------------------------------------------------------


async def test_create_site_sends_the_address(scripted: ScriptedServer) -> None:
    scripted.script("POST", "/api/v2/accounts/*/sites", Reply.xml(SITE_RESPONSE, 201))
    async with _dashboard(scripted) as dash:
        site = await dash.create_site("SetupTest", "Programmatic Setup Test", address=ADDRESS)
    (seen,) = scripted.seen("POST", "/api/v2/accounts/*/sites")
    _same(seen.text, SITE_REQUEST)
    assert (site.id, site.name) == ("12345", "SetupTest")


def test_address_elements_keep_bandwidths_order_and_skip_empty_ones() -> None:
    full = Address(
        "900",
        "Main Campus",
        "Raleigh",
        "nc",
        "27606",
        "Service",
        house_suffix="B",
        street_suffix="Dr",
        address_line2="Suite 2",
        plus_four="5244",
    )
    assert list(full.elements()) == [
        "HouseNumber",
        "HouseSuffix",
        "StreetName",
        "StreetSuffix",
        "AddressLine2",
        "City",
        "StateCode",
        "Zip",
        "PlusFour",
        "AddressType",
    ]
    assert full.problems() == []  # a lower-case state code is still a state code
    assert Address.from_elements(ADDRESS.elements()) == ADDRESS


# -- messaging features --------------------------------------------------------------------------


async def test_enable_sms_sends_empty_http_settings_and_reads_the_proxy_peer(
    scripted: ScriptedServer,
) -> None:
    scripted.script("POST", "*/features/sms", Reply.xml(SMS_RESPONSE, 201))
    async with _dashboard(scripted) as dash:
        sms = await dash.enable_sms("10001", "500001")
    (seen,) = scripted.seen("POST", "*/features/sms")
    assert seen.path == (
        f"/api/v2/accounts/{ACCOUNT}/sites/10001/sippeers/500001/products/messaging/features/sms"
    )
    _same(seen.text, SMS_REQUEST)
    assert "ProxyPeerId" not in seen.text and bwxml.GUIDE_PROXY_PEER_ID not in seen.text
    assert "A2p" not in seen.text  # location-wide A2P settings are what earn 13638
    assert sms.proxy_peer_id == "569238"  # Bandwidth's choice, from its answer
    assert sms.is_http and sms.zones == (True, False, False, False, False)
    assert len(scripted.requests) == 2  # the token and the POST: no GET was needed


async def test_enable_sms_with_no_body_reads_the_feature_back(scripted: ScriptedServer) -> None:
    scripted.script("POST", "*/features/sms", Reply.empty(201), Reply.empty(201))
    scripted.script(
        "GET",
        "*/features/sms",
        Reply.xml(SMS_RESPONSE),
        Reply.xml(SMS_RESPONSE.replace("<ProxyPeerId>569238</ProxyPeerId>", "")),
    )
    async with _dashboard(scripted) as dash:
        first = await dash.enable_sms("1", "2")
        second = await dash.enable_sms("1", "2")
    assert first.proxy_peer_id == "569238"
    assert second.proxy_peer_id is None  # never invented


async def test_enable_mms_sends_upper_case_protocol_and_empty_http_settings(
    scripted: ScriptedServer,
) -> None:
    scripted.script("POST", "*/features/mms", Reply.xml(MMS_RESPONSE, 201))
    async with _dashboard(scripted) as dash:
        mms = await dash.enable_mms("1", "2")
    (seen,) = scripted.seen("POST", "*/features/mms")
    _same(seen.text, MMS_REQUEST)
    assert "<protocol>" not in seen.text
    assert mms.is_http and mms.proxy_peer_id == "569238"


def test_sms_answer_with_location_a2p_settings() -> None:
    sms = bwxml.decode_sms(
        bwxml.parse(
            "<SipPeerSmsFeatureResponse><SipPeerSmsFeature><SipPeerSmsFeatureSettings>"
            "<TollFree>true</TollFree><ShortCode>true</ShortCode><A2pLongCode>DefaultOff"
            "</A2pLongCode><A2pMessageClass>SomeMessageClass</A2pMessageClass><A2pCampaignId>"
            "SomeCampaignId</A2pCampaignId><Protocol>SMPP</Protocol><Zone1>true</Zone1>"
            "</SipPeerSmsFeatureSettings></SipPeerSmsFeature></SipPeerSmsFeatureResponse>"
        )
    )
    assert sms is not None and not sms.is_http and sms.proxy_peer_id is None
    assert (sms.a2p_long_code, sms.a2p_message_class, sms.a2p_campaign_id) == (
        "DefaultOff",
        "SomeMessageClass",
        "SomeCampaignId",
    )


@pytest.mark.parametrize("code", ["13638", "13637", "13641"])
async def test_location_a2p_errors_say_how_to_enable_sms(
    scripted: ScriptedServer, code: str
) -> None:
    scripted.script(
        "POST",
        "*/features/sms",
        Reply.xml(
            "<SipPeerSmsFeatureResponse><ResponseStatus><ErrorCode>"
            f"{code}</ErrorCode><Description>CampaignID is required if at least one of features "
            "'A2pLongCode', 'TollFree' and 'ShortCode' is enabled.</Description></ResponseStatus>"
            "</SipPeerSmsFeatureResponse>",
            status=400,
        ),
    )
    async with _dashboard(scripted) as dash:
        with pytest.raises(BandwidthError) as info:
            await dash.enable_sms("1", "2")
    e = info.value
    assert (e.kind, e.code) == ("validation", code)
    assert "without A2P settings" in e.hint and "TN option order" in e.hint


# -- numbers -------------------------------------------------------------------------------------


async def test_toll_free_search_and_order(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "/api/v2/accounts/*/availableNumbers",
        Reply.xml(
            "<SearchResult><ResultCount>2</ResultCount><TelephoneNumberList>"
            "<TelephoneNumber>8885551234</TelephoneNumber><TelephoneNumber>8335550000"
            "</TelephoneNumber></TelephoneNumberList></SearchResult>"
        ),
    )
    created = (
        "<OrderResponse><Order><CustomerOrderId>c-tf</CustomerOrderId><Name>tf</Name>"
        "<id>tf-order</id><OrderCreateDate>2026-12-03T10:00:00.000Z</OrderCreateDate>"
        "<PeerId>500001</PeerId><TollFreeWildCharSearchAndOrderType><Quantity>1</Quantity>"
        "<TollFreeWildCardPattern>8**</TollFreeWildCardPattern>"
        "</TollFreeWildCharSearchAndOrderType><SiteId>743</SiteId></Order>"
        "<OrderStatus>RECEIVED</OrderStatus></OrderResponse>"
    )
    scripted.script("POST", "/api/v2/accounts/*/orders", Reply.xml(created, 201))
    async with _dashboard(scripted) as dash:
        found = await dash.search_toll_free_numbers("8**", 2)
        order = await dash.create_toll_free_order("743", "500001", "8**", 1, "c-tf", name="tf")
    (search,) = scripted.seen("GET", "*/availableNumbers")
    assert search.query == {"tollFreeWildCardPattern": ["8**"], "quantity": ["2"]}
    assert found == ["8885551234", "8335550000"]
    (post,) = scripted.seen("POST", "*/orders")
    sent = plain_xml(post.text)["Order"]
    sample = plain_xml(TOLL_FREE_ORDER_REQUEST)["Order"]
    assert list(sent)[: len(sample)] == list(sample)  # the documented elements, in order
    for key, value in sample.items():
        assert sent[key] == value
    assert (sent["PeerId"], sent["CustomerOrderId"], sent["Name"]) == ("500001", "c-tf", "tf")
    assert "AreaCodeSearchAndOrderType" not in sent
    assert (order.id, order.status, order.toll_free_pattern, order.quantity) == (
        "tf-order",
        "RECEIVED",
        "8**",
        1,
    )
    assert order.area_code is None and order.customer_order_id == "c-tf"


async def test_tn_details_path_and_messaging_settings(scripted: ScriptedServer) -> None:
    scripted.script("GET", "/api/v2/tns/*/tndetails", Reply.xml(TN_DETAILS))
    async with _dashboard(scripted) as dash:
        details = await dash.get_tn_details("+12018981023")
    (seen,) = scripted.seen("GET")
    assert seen.path == "/api/v2/tns/2018981023/tndetails"  # not under the account
    assert (details.number, details.status) == ("2018981023", "Inservice")
    assert (details.site_id, details.location_id) == ("479", "500014")
    settings = details.messaging
    assert settings is not None
    assert settings.sms_enabled is True and settings.campaign_id == "CA1B2C3"
    assert (settings.message_class, settings.a2p_state) == ("A", "overridden")
    assert settings.campaign_fully_provisioned is True


def test_tn_details_without_messaging_settings() -> None:
    bare = TN_DETAILS.split("<MessagingSettings>")[0] + (
        "</TelephoneNumberDetails></TelephoneNumberResponse>"
    )
    details = bwxml.decode_tn_details(bwxml.parse(bare))
    assert details.messaging is None and details.number == "2018981023"


# -- TN option orders: assigning a number to a 10DLC campaign ---------------------------------


async def test_tn_option_order_body_and_created_answer(scripted: ScriptedServer) -> None:
    scripted.script("POST", "/api/v2/accounts/*/tnoptions", Reply.xml(TN_OPTION_CREATED, 201))
    async with _dashboard(scripted) as dash:
        order = await dash.create_tn_option_order(
            ["9999999999", "+18888888888"], "CAHVRZA", customer_order_id="assign-1"
        )
    (seen,) = scripted.seen("POST", "*/tnoptions")
    assert seen.path == f"/api/v2/accounts/{ACCOUNT}/tnoptions"
    # campaign-api.mdx's body, plus MessageClass and E.164 numbers as Bandwidth's CLI sends
    # them (cmd/tnoption/assign.go; error 1022 otherwise).
    _same(
        seen.text,
        {
            "TnOptionOrder": {
                "CustomerOrderId": "assign-1",
                "TnOptionGroups": {
                    "TnOptionGroup": {
                        "Sms": "on",
                        "A2pSettings": {
                            "Action": "asSpecified",
                            "CampaignId": "CAHVRZA",
                            "MessageClass": "M",
                        },
                        "TelephoneNumbers": {"TelephoneNumber": ["+19999999999", "+18888888888"]},
                    }
                },
            }
        },
    )
    assert order.id == "ac48abbe-2311-4888-ca4a-05eaa336119c"
    assert order.status == "RECEIVED" and not order.is_final
    assert order.numbers == ("9999999999", "8888888888")
    assert (order.campaign_id, order.action) == ("CAHVRZA", "asSpecified")
    assert order.customer_order_id == "assign-1"
    assert order.errors == () and order.completed_numbers == ()


async def test_tn_option_order_without_message_class(scripted: ScriptedServer) -> None:
    scripted.script("POST", "*/tnoptions", Reply.xml(TN_OPTION_CREATED, 201))
    async with _dashboard(scripted) as dash:
        await dash.create_tn_option_order(["9195551234"], "C1", message_class=None)
    assert "MessageClass" not in scripted.seen("POST", "*/tnoptions")[0].text


async def test_tn_option_order_statuses(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "/api/v2/accounts/*/tnoptions/*",
        Reply.xml(TN_OPTION_COMPLETE_WITH_WARNING),
        Reply.xml(TN_OPTION_FAILED),
        Reply.xml(
            TN_OPTION_FAILED.replace("FAILED", "PARTIAL").replace(
                "<Error>\n         <Code>5076</Code>\n         <Description>Telephone number is "
                "not available.</Description>\n         <TelephoneNumber>2018551020"
                "</TelephoneNumber>\n      </Error>",
                "",
            )
        ),
    )
    async with _dashboard(scripted) as dash:
        complete = await dash.get_tn_option_order("409033ee-88ec-43e3-85f3-538f30733963")
        failed = await dash.get_tn_option_order("ddbdc72e-dc27-490c-904e-d0c11291b095")
        partial = await dash.get_tn_option_order("ddbdc72e-dc27-490c-904e-d0c11291b095")
    assert complete.status == "COMPLETE" and complete.is_final
    assert complete.completed_numbers == ("2174101601", "2174101602")
    assert complete.warnings[0].telephone_number == "2174101601"
    assert "already Enabled" in complete.warnings[0].description

    assert failed.status == "FAILED" and failed.completed_numbers == ()
    assert failed.failed_numbers == ("2018551025", "2018551020")
    assert [e.code for e in failed.errors_for("+12018551020")] == ["5076"]

    assert partial.status == "PARTIAL"
    assert partial.failed_numbers == ("2018551025",)
    assert partial.completed_numbers == ("2018551020",)


async def test_tn_option_order_errors(scripted: ScriptedServer) -> None:
    scripted.script("POST", "*/tnoptions", Reply.xml(TN_OPTION_400, status=400))
    scripted.script("GET", "*/tnoptions/*", Reply.xml(TN_OPTION_404, status=404))
    async with _dashboard(scripted) as dash:
        with pytest.raises(BandwidthError) as created:
            await dash.create_tn_option_order(["9195551234"], "C1")
        with pytest.raises(BandwidthError) as missing:
            await dash.get_tn_option_order("nope")
    assert (created.value.kind, created.value.code) == ("validation", "5081")
    assert "number format" in created.value.hint.lower()
    assert missing.value.kind == "not_found"
    assert len(scripted.seen("POST", "*/tnoptions")) == 1  # a create is never resent


async def test_find_tn_option_orders(scripted: ScriptedServer) -> None:
    with_ids = TN_OPTION_SUMMARIES.replace(
        "<CountOfTNs>2</CountOfTNs>",
        "<CountOfTNs>2</CountOfTNs><CustomerOrderId>other</CustomerOrderId>",
    ).replace(
        "<CountOfTNs>3</CountOfTNs>",
        "<CountOfTNs>3</CountOfTNs><CustomerOrderId>assign-1</CustomerOrderId>",
    )
    scripted.script(
        "GET",
        "/api/v2/accounts/*/tnoptions",
        Reply.xml(with_ids),
        Reply.xml(TN_OPTION_SUMMARIES),  # no CustomerOrderId: each is confirmed by a GET
        Reply.empty(404),
    )
    scripted.script(
        "GET",
        "/api/v2/accounts/*/tnoptions/*",
        Reply.xml(TN_OPTION_FAILED),
        Reply.xml(
            TN_OPTION_COMPLETE_WITH_WARNING.replace(
                "<AccountId>14</AccountId>",
                "<AccountId>14</AccountId><CustomerOrderId>assign-1</CustomerOrderId>",
            )
        ),
    )
    async with _dashboard(scripted) as dash:
        by_id = await dash.find_tn_option_orders(customer_order_id="assign-1")
        confirmed = await dash.find_tn_option_orders(customer_order_id="assign-1")
        none = await dash.find_tn_option_orders(number="+19195551234")
        with pytest.raises(ValueError):
            await dash.find_tn_option_orders()
    assert [(o.id, o.status) for o in by_id] == [
        ("409033ee-88ec-43e3-85f3-538f30733963", "COMPLETE")
    ]
    assert [o.id for o in confirmed] == ["409033ee-88ec-43e3-85f3-538f30733963"]
    assert none == []
    first, _, third = scripted.seen("GET", "*/tnoptions")
    assert first.query == {"customerOrderId": ["assign-1"]}
    assert third.query == {"tn": ["9195551234"]}
    assert len(scripted.seen("GET", "*/tnoptions/*")) == 2


# -- 403: which role ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "role"),
    [
        (lambda d: d.create_application("a", "https://x/cb"), "HTTP Application Management"),
        (lambda d: d.list_sites(), "Sub-Accounts"),
        (lambda d: d.create_location("1", "loc"), "Sub-Accounts"),
        (lambda d: d.enable_sms("1", "2"), "Messaging"),
        (lambda d: d.assign_application("1", "2", "app"), "Messaging"),
        (lambda d: d.search_toll_free_numbers(), "Numbers"),
        (lambda d: d.create_tn_option_order(["9195551234"], "C1"), "Numbers"),
        (lambda d: d.get_tn_details("9195551234"), "Numbers"),
        (lambda d: d.get_account(), None),
    ],
)
async def test_403_names_the_missing_role(scripted: ScriptedServer, call, role) -> None:  # type: ignore[no-untyped-def]
    forbidden = Reply.xml(
        "<X><ResponseStatus><ErrorCode>1001</ErrorCode><Description>Access Denied"
        "</Description></ResponseStatus></X>",
        status=403,
    )
    for method in ("GET", "POST", "PUT"):
        scripted.handle(method, "/api/v2/*", lambda _: forbidden)
    async with _dashboard(scripted) as dash:
        with pytest.raises(BandwidthError) as info:
            await call(dash)
    e = info.value
    assert (e.status, e.kind, e.missing_role) == (403, "forbidden", role)
    assert e.hint.startswith("Cannot check")
    assert (f"lacks the {role} role" if role else "lacks the role this needs") in e.hint
    assert "Bandwidth App > Account > API Credentials" in e.hint


async def test_location_a2p_settings_when_asked_for(scripted: ScriptedServer) -> None:
    """The settings an A2P-only account needs go where numbers.yml's example puts them."""
    scripted.script("POST", "*/features/sms", Reply.xml(SMS_RESPONSE, 201))
    scripted.script(
        "POST",
        "*/features/sms",
        Reply.xml(
            "<SipPeerSmsFeatureResponse><ResponseStatus><Description>A2pOnly account 9900000 "
            "required A2P enabled on location. Valid values are: 'ON', 'DefaultOn'"
            "</Description></ResponseStatus></SipPeerSmsFeatureResponse>",
            status=400,
        ),
    )
    async with _dashboard(scripted) as dash:
        await dash.enable_sms(
            "1",
            "2",
            a2p_long_code="DefaultOn",
            a2p_message_class="M",
            a2p_campaign_id="CA1B2C3",
        )
        with pytest.raises(BandwidthError) as info:
            await dash.enable_sms("1", "2")
    settings = plain_xml(scripted.seen("POST", "*/features/sms")[0].text)["SipPeerSmsFeature"][
        "SipPeerSmsFeatureSettings"
    ]
    assert list(settings)[:6] == [
        "TollFree",
        "ShortCode",
        "A2pLongCode",
        "A2pMessageClass",
        "A2pCampaignId",
        "Protocol",
    ]
    assert (settings["A2pLongCode"], settings["A2pCampaignId"]) == ("DefaultOn", "CA1B2C3")
    assert "A2P-only" in info.value.hint and "DefaultOn" in info.value.hint
