"""Requests in 2018 shapes get today's answers: the proxy peer Bandwidth picks, location A2P
settings and 13638, applications in all their forms, and one made in the Bandwidth App."""

from __future__ import annotations

import pytest
from sbx_helpers import Api, load_sample, parse
from sbx_receiver import Receiver

SMS_WRAPPER = "SipPeerSmsFeatureResponse"
APP_WRAPPER = "ApplicationProvisioningResponse"


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def sms_body(a2p: str = "", toll_free: bool = True, short_code: bool = False) -> str:
    """Today's documented SMS body (programmatic-setup.mdx) with optional A2P elements."""
    return (
        "<SipPeerSmsFeature><SipPeerSmsFeatureSettings>"
        f"<TollFree>{str(toll_free).lower()}</TollFree>"
        f"<ShortCode>{str(short_code).lower()}</ShortCode>{a2p}<Protocol>HTTP</Protocol>"
        "<Zone1>true</Zone1><Zone2>false</Zone2><Zone3>false</Zone3><Zone4>false</Zone4>"
        "<Zone5>false</Zone5></SipPeerSmsFeatureSettings><HttpSettings /></SipPeerSmsFeature>"
    )


def enable_sms(api: Api, body: str):
    location = api.create_location()
    return api.xml("POST", api.peer(location) + "/products/messaging/features/sms", body)


def test_bandwidth_picks_the_proxy_peer(api):
    location = api.create_location()
    url = api.peer(location) + "/products/messaging/features/sms"
    today = api.xml("POST", url, sms_body(toll_free=True, short_code=True))
    assert today.status_code == 201
    feature = parse(today.text)[SMS_WRAPPER]["SipPeerSmsFeature"]
    assert feature["HttpSettings"] == {"ProxyPeerId": "569238"}
    assert api.state()["locations"][0]["sms"]["proxy_peer_requested"] is None
    # The guide's hard-coded 2018 value is accepted and ignored: the answer says which is used.
    guide = api.xml("PUT", url, load_sample("3-enable-sms.request.http").body)
    assert guide.status_code == 200
    assert "<ProxyPeerId>569238</ProxyPeerId>" in guide.text and "539692" not in guide.text
    assert api.state()["locations"][0]["sms"]["proxy_peer_requested"] == "539692"
    mms = api.xml(
        "POST",
        api.peer(location) + "/products/messaging/features/mms",
        load_sample("4-enable-mms.request.http").body,
    )
    assert "<proxyPeerId>569238</proxyPeerId>" in mms.text


@pytest.mark.parametrize(
    ("a2p", "toll_free", "short_code", "code"),
    [
        # No A2P element at all: programmatic-setup.mdx's documented 201, whatever the flags.
        ("", True, True, None),
        ("", False, False, None),
        # A2P settings in the request are checked.
        ("<A2pLongCode>DefaultOff</A2pLongCode>", True, False, "13638"),
        ("<A2pLongCode>DefaultOff</A2pLongCode>", False, True, "13638"),
        ("<A2pLongCode>ON</A2pLongCode>", False, False, "13638"),
        ("<A2pLongCode>DefaultOn</A2pLongCode>", False, False, "13638"),
        ("<A2pLongCode>DefaultOff</A2pLongCode>", False, False, None),
        ("<A2pLongCode>OFF</A2pLongCode>", False, False, None),
        ("<A2pLongCode>Maybe</A2pLongCode>", False, False, "13636"),
        (
            "<A2pLongCode>OFF</A2pLongCode><A2pCampaignId>CA1B2C3</A2pCampaignId>",
            False,
            False,
            "13637",
        ),
        (
            "<A2pLongCode>ON</A2pLongCode><A2pCampaignId>CA1B2C3</A2pCampaignId>",
            False,
            False,
            "13641",
        ),
        (
            "<A2pLongCode>OFF</A2pLongCode><A2pMessageClass>M</A2pMessageClass>",
            False,
            False,
            "13642",
        ),
        (
            "<A2pLongCode>DefaultOff</A2pLongCode><A2pMessageClass>M</A2pMessageClass>"
            "<A2pCampaignId>CA1B2C3</A2pCampaignId>",
            True,
            False,
            None,
        ),
        (
            "<A2pLongCode>ON</A2pLongCode><A2pMessageClass>M</A2pMessageClass>"
            "<A2pCampaignId>CP4D5E6</A2pCampaignId>",
            False,
            False,
            "12192",
        ),
        (
            "<A2pLongCode>ON</A2pLongCode><A2pMessageClass>M</A2pMessageClass>"
            "<A2pCampaignId>CNOPE00</A2pCampaignId>",
            False,
            False,
            "13639",
        ),
        (
            "<A2pLongCode>ON</A2pLongCode><A2pMessageClass>M</A2pMessageClass>"
            "<A2pCampaignId>bad id!</A2pCampaignId>",
            False,
            False,
            "12822",
        ),
    ],
)
def test_location_a2p_settings_and_13638(api, a2p, toll_free, short_code, code):
    answer = enable_sms(api, sms_body(a2p, toll_free, short_code))
    if code is None:
        assert answer.status_code == 201, answer.text
        return
    assert answer.status_code == 400
    status = parse(answer.text)[SMS_WRAPPER]["ResponseStatus"]
    assert status["ErrorCode"] == code
    if code == "13638":
        assert status["Description"] == (
            "CampaignID is required if at least one of features 'A2pLongCode', 'TollFree' and "
            "'ShortCode' is enabled."
        )


def test_accepted_a2p_settings_are_echoed(api):
    a2p = (
        "<A2pLongCode>DefaultOff</A2pLongCode><A2pMessageClass>M</A2pMessageClass>"
        "<A2pCampaignId>CA1B2C3</A2pCampaignId>"
    )
    answer = enable_sms(api, sms_body(a2p, toll_free=True))
    settings = parse(answer.text)[SMS_WRAPPER]["SipPeerSmsFeature"]["SipPeerSmsFeatureSettings"]
    assert list(settings)[:5] == [
        "TollFree",
        "ShortCode",
        "A2pLongCode",
        "A2pMessageClass",
        "A2pCampaignId",
    ]
    assert settings["A2pCampaignId"] == "CA1B2C3"


def test_an_a2p_only_account_wants_a2p_on_every_location(api):
    api.config(a2p_only=True)
    guide = enable_sms(api, load_sample("3-enable-sms.request.http").body)
    assert guide.status_code == 400
    assert "A2pOnly account 9900000" in guide.text
    on = "<A2pLongCode>ON</A2pLongCode>"
    location = api.create_location("Second")
    url = api.peer(location) + "/products/messaging/features/sms"
    assert "13638" in api.xml("POST", url, sms_body(on, toll_free=False)).text
    complete = on + "<A2pMessageClass>M</A2pMessageClass><A2pCampaignId>CA1B2C3</A2pCampaignId>"
    assert api.xml("POST", url, sms_body(complete, toll_free=False)).status_code == 201


def app(api: Api, urls: str) -> dict:
    body = (
        "<Application><ServiceType>Messaging-V2</ServiceType><AppName>Forms</AppName>"
        f"{urls}</Application>"
    )
    answer = api.xml("POST", api.v2 + "/applications", body)
    assert answer.status_code == 201, answer.text
    assert "/api/v2/accounts/9900000/applications/" in answer.headers["Location"]
    created = parse(answer.text)[APP_WRAPPER]["Application"]
    fetched = api.xml("GET", f"{api.v2}/applications/{created['ApplicationId']}")
    assert parse(fetched.text)[APP_WRAPPER]["Application"] == created  # a GET answers alike
    return created


CREDS = "<CallbackCreds><UserId>me</UserId><Password>pw-123</Password></CallbackCreds>"


@pytest.mark.parametrize(
    "urls",
    [
        f"<MsgCallbackUrl>https://e.example/cb</MsgCallbackUrl>{CREDS}",  # today's documented
        f"<CallbackUrl>https://e.example/cb</CallbackUrl>{CREDS}",  # the guide's, deprecated
    ],
)
def test_one_callback_url_is_answered_under_every_name(api, urls):
    created = app(api, urls)
    keys = [k for k in created if k not in ("ApplicationId", "ServiceType", "AppName")]
    # programmatic-setup.mdx's answer, element for element.
    assert keys == [
        "CallbackUrl",
        "MsgCallbackUrl",
        "InboundCallbackUrl",
        "OutboundCallbackUrl",
        "RequestedCallbackTypes",
        "CallbackCreds",
        "InboundCallbackCreds",
        "OutboundCallbackCreds",
    ]
    for key in ("CallbackUrl", "MsgCallbackUrl", "InboundCallbackUrl", "OutboundCallbackUrl"):
        assert created[key] == "https://e.example/cb"
    for key in ("CallbackCreds", "InboundCallbackCreds", "OutboundCallbackCreds"):
        assert created[key] == {"UserId": "me"}


def test_a_split_configuration_is_answered_as_inbound_and_outbound(api):
    created = app(
        api,
        "<InboundCallbackUrl>https://e.example/in</InboundCallbackUrl>"
        "<OutboundCallbackUrl>https://e.example/out</OutboundCallbackUrl>"
        "<InboundCallbackCreds><UserId>in</UserId><Password>p1</Password></InboundCallbackCreds>"
        "<OutboundCallbackCreds><UserId>out</UserId><Password>p2</Password>"
        "</OutboundCallbackCreds>",
    )
    assert "CallbackUrl" not in created and "CallbackCreds" not in created
    assert created["MsgCallbackUrl"] == created["InboundCallbackUrl"] == "https://e.example/in"
    assert created["OutboundCallbackUrl"] == "https://e.example/out"
    assert created["MsgCallbackCreds"] == created["InboundCallbackCreds"] == {"UserId": "in"}
    assert created["OutboundCallbackCreds"] == {"UserId": "out"}


def test_an_application_made_in_the_bandwidth_app_can_be_seeded_and_is_used(api):
    ready = api.ready_account()
    with Receiver(mode="challenge", user="out-user", password="out-pass") as outbound:
        seeded = api.control(
            "POST",
            "/applications",
            {
                "name": "Made in the App",
                "inbound_url": "https://inbound.example/messages",
                "outbound_url": outbound.url,
                "inbound_user": "in-user",
                "inbound_password": "in-pass",
                "outbound_user": "out-user",
                "outbound_password": "out-pass",
                "location_id": ready["location"],
            },
        )
        assert seeded.status_code == 201, seeded.text
        app_id = seeded.json()["id"]
        fetched = parse(api.xml("GET", f"{api.v2}/applications/{app_id}").text)
        application = fetched[APP_WRAPPER]["Application"]
        assert "CallbackUrl" not in application
        assert application["InboundCallbackUrl"] == "https://inbound.example/messages"
        assert application["OutboundCallbackUrl"] == outbound.url
        assert application["OutboundCallbackCreds"] == {"UserId": "out-user"}
        settings = api.xml(
            "GET", api.peer(ready["location"]) + "/products/messaging/applicationSettings"
        )
        assert f"<HttpMessagingV2AppId>{app_id}</HttpMessagingV2AppId>" in settings.text
        sent = api.send(app_id, "+1" + ready["number"], ["+19195550123"])
        assert sent.status_code == 202
        (event,) = outbound.wait_events(1)  # status callbacks go to the outbound URL
    assert event["type"] == "message-delivered"
    assert "in-pass" not in str(api.state()) and "out-pass" not in str(api.state())


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"name": "No URL"}, 400),
        ({"name": "x", "inbound_url": "ftp://x"}, 400),
        ({"name": "x", "inbound_url": "https://x.example", "inbound_user": "only"}, 400),
        ({"name": "x", "inbound_url": "https://x.example", "callback_types": ["nope"]}, 400),
        ({"name": "x", "inbound_url": "https://x.example", "location_id": "424242"}, 404),
    ],
)
def test_seeding_an_application_checks_its_body(api, body, status):
    assert api.control("POST", "/applications", body).status_code == status


def test_seeding_onto_a_location_without_sms_is_refused(api):
    location = api.create_location()
    body = {"name": "x", "inbound_url": "https://x.example", "location_id": location}
    assert api.control("POST", "/applications", body).status_code == 409
