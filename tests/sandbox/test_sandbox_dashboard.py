"""Dashboard routes for the account, sites, locations and messaging products: answers and errors,
under today's /api/v2 base as under /api."""

from __future__ import annotations

import pytest
from sbx_helpers import Api, load_sample, parse

SMS = load_sample("3-enable-sms.request.http").body
MMS = load_sample("4-enable-mms.request.http").body


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def status_error(text: str, wrapper: str) -> tuple[str | None, str]:
    """(ErrorCode, Description) of a ResponseStatus error body."""
    status = parse(text)[wrapper]["ResponseStatus"]
    return status.get("ErrorCode"), status["Description"]


ROUTES = [
    ("GET", ""),
    ("GET", "/sites"),
    ("POST", "/sites"),
    ("GET", "/sites/10001"),
    ("GET", "/sites/10001/sippeers"),
    ("POST", "/sites/10001/sippeers"),
    ("GET", "/sites/10001/sippeers/1"),
    ("GET", "/sites/10001/sippeers/1/products/messaging/features/sms"),
    ("POST", "/sites/10001/sippeers/1/products/messaging/features/sms"),
    ("GET", "/sites/10001/sippeers/1/products/messaging/features/mms"),
    ("POST", "/sites/10001/sippeers/1/products/messaging/features/mms"),
    ("GET", "/sites/10001/sippeers/1/products/messaging/applicationSettings"),
    ("PUT", "/sites/10001/sippeers/1/products/messaging/applicationSettings"),
    ("GET", "/applications"),
    ("POST", "/applications"),
    ("GET", "/applications/x"),
    ("PUT", "/applications/x"),
    ("DELETE", "/applications/x"),
    ("GET", "/availableNumbers?areaCode=919"),
    ("GET", "/orders"),
    ("POST", "/orders"),
    ("GET", "/orders/x"),
    ("GET", "/inserviceNumbers"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_dashboard_route_wants_a_token(api, method, path):
    forged = {"Authorization": "Bearer " + api.auth.fetch()[:-4] + "AAAA"}
    for base in ("/api", "/api/v2"):
        url = f"{base}/accounts/{api.identity.account_id}{path}"
        for auth, headers in (
            (None, None),
            (api.basic, None),  # the retired API user: refused by default since 2026-12-02
            (("sandbox-client", "sandbox-secret"), None),  # client credentials are no login
            (("t-sandbox", "s-sandbox"), None),
            (None, forged),
        ):
            answer = api.http.request(method, url, auth=auth, headers=headers, content=b"<x/>")
            assert answer.status_code == 401, (method, url, auth)
            assert answer.content == b""
            assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        other_account = api.http.request(method, f"{base}/accounts/1234567{path}", auth=api.auth)
        assert other_account.status_code == 403
        assert status_error(other_account.text, "ErrorResponse") == ("1001", "Access Denied")


def test_account(api):
    answer = api.xml("GET", api.account)
    assert answer.status_code == 200
    account = parse(answer.text)["AccountResponse"]["Account"]
    assert account["AccountId"] == "9900000"
    assert account["AssociatedCatapultAccount"] == "u-sandbox"
    assert answer.text.startswith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')


def test_sites_one_element_lists_are_single_elements(api):
    listed = parse(api.xml("GET", api.account + "/sites").text)["SitesResponse"]["Sites"]
    assert listed["Site"] == {
        "Id": "10001",
        "Name": "Sandbox sub-account",
        "Description": "The sub-account the guide assumes you already have",
    }
    body = (
        "<Site><Name>Second</Name><Description>Another</Description><Address><HouseNumber>1"
        "</HouseNumber><StreetName>Main</StreetName><City>Cary</City><StateCode>NC</StateCode>"
        "<Zip>27513</Zip><AddressType>Service</AddressType></Address></Site>"
    )
    created = api.xml("POST", api.v2 + "/sites", body)
    assert created.status_code == 201
    site = parse(created.text)["SiteResponse"]["Site"]
    # The Location header points back at the base the client used.
    assert created.headers["Location"].endswith(f"/api/v2/accounts/9900000/sites/{site['Id']}")
    assert site["Address"]["AddressType"] == "Service"
    assert site["Address"]["Country"] == "United States"
    listed = parse(api.xml("GET", api.account + "/sites").text)["SitesResponse"]["Sites"]
    assert [s["Id"] for s in listed["Site"]] == ["10001", site["Id"]]
    fetched = api.xml("GET", f"{api.account}/sites/{site['Id']}")
    assert parse(fetched.text)["SiteResponse"]["Site"]["Name"] == "Second"


ADDRESS = (
    "<Address><HouseNumber>900</HouseNumber><StreetName>Main Campus Dr</StreetName>"
    "<City>RALEIGH</City><StateCode>NC</StateCode><Zip>27606</Zip>"
    "<AddressType>Billing</AddressType></Address>"
)


@pytest.mark.parametrize(
    ("body", "code", "description"),
    [
        ("<Site><Address/></Site>", "12533", "Site name is required"),
        # The 2018 guide's site had no address; today one is required.
        ("<Site><Name>No address</Name></Site>", "12546", "Address is required"),
        (f"<Site><Name>{'n' * 51}</Name>{ADDRESS}</Site>", "12529", None),
        (
            f"<Site><Name>S</Name>{ADDRESS.replace('<City>RALEIGH</City>', '')}</Site>",
            "12540",
            "City is required",
        ),
        (
            f"<Site><Name>S</Name>{ADDRESS.replace('<Zip>27606</Zip>', '')}</Site>",
            "12644",
            "Zip is required",
        ),
        (
            f"<Site><Name>S</Name>{ADDRESS.replace('<HouseNumber>900</HouseNumber>', '')}</Site>",
            "12536",
            "HouseNumber is required",
        ),
        (
            f"<Site><Name>S</Name>{ADDRESS.replace('Billing', '')}</Site>",
            "12554",
            "AddressType is required",
        ),
        (
            f"<Site><Name>S</Name>{ADDRESS.replace('Billing', 'E911')}</Site>",
            "12579",
            "AddressType is not valid. Valid values: Billing, Service",
        ),
        (
            f"<Site><Name>S</Name>{ADDRESS.replace('>NC<', '>North Carolina<')}</Site>",
            "12543",
            None,
        ),
        ("<Site><Name>unclosed", "1019", None),
        ("<NotASite/>", "1019", None),
    ],
)
def test_site_errors(api, body, code, description):
    answer = api.xml("POST", api.account + "/sites", body)
    assert answer.status_code == 400
    got_code, got_description = status_error(answer.text, "SiteResponse")
    assert got_code == code
    if description:
        assert got_description == description


def test_unknown_site_is_404_12016(api):
    for path in ("/sites/999", "/sites/999/sippeers"):
        answer = api.xml("GET", api.account + path)
        assert answer.status_code == 404
        assert status_error(answer.text, "SiteResponse") == ("12016", "Site '999' does not exist")


def test_locations_create_list_get(api):
    first = api.create_location("First")
    second = api.create_location("Second", default=False)
    assert int(second) == int(first) + 1
    peers = parse(api.xml("GET", f"{api.account}/sites/10001/sippeers").text)
    listed = peers["TNSipPeersResponse"]["SipPeers"]["SipPeer"]
    assert [(p["PeerId"], p["PeerName"], p["IsDefaultPeer"]) for p in listed] == [
        (first, "First", "true"),
        (second, "Second", "false"),
    ]
    one = parse(api.xml("GET", api.peer(first)).text)["SipPeerResponse"]["SipPeer"]
    assert one["PeerId"] == first and one["PeerName"] == "First"


def test_a_new_default_location_replaces_the_old_default(api):
    first = api.create_location("First")
    second = api.create_location("Second", default=True)
    defaults = {
        p["PeerId"]: p["IsDefaultPeer"]
        for p in parse(api.xml("GET", f"{api.account}/sites/10001/sippeers").text)[
            "TNSipPeersResponse"
        ]["SipPeers"]["SipPeer"]
    }
    assert defaults == {first: "false", second: "true"}


def test_location_errors(api):
    api.create_location("Taken")
    duplicate = api.xml(
        "POST",
        f"{api.account}/sites/10001/sippeers",
        "<SipPeer><PeerName>Taken</PeerName></SipPeer>",
    )
    assert duplicate.status_code == 409
    assert status_error(duplicate.text, "SipPeerResponse") == (
        "13524",
        "SipPeer name 'Taken' already exists for Account '9900000' and Site '10001'",
    )
    nameless = api.xml("POST", f"{api.account}/sites/10001/sippeers", "<SipPeer/>")
    assert nameless.status_code == 400
    assert status_error(nameless.text, "SipPeerResponse") == ("13500", "Peer Name is required")
    unknown = api.xml("GET", api.peer("424242"))
    assert unknown.status_code == 404
    assert status_error(unknown.text, "SipPeerResponse")[0] == "13563"
    for suffix in ("/products/messaging/features/sms", "/products/messaging/applicationSettings"):
        assert api.xml("GET", api.peer("424242") + suffix).status_code == 404


def test_sms_feature_post_get_put(api):
    location = api.create_location()
    url = api.peer(location) + "/products/messaging/features/sms"
    missing = api.xml("GET", url)
    assert missing.status_code == 404
    assert status_error(missing.text, "SipPeerSmsFeatureResponse") == (
        None,
        "The resource does not exist",
    )
    created = api.xml("POST", url, SMS)
    assert created.status_code == 201
    fetched = api.xml("GET", url)
    assert fetched.status_code == 200 and parse(fetched.text) == parse(created.text)
    updated = api.xml("PUT", url, SMS.replace("<TollFree>true", "<TollFree>false"))
    assert updated.status_code == 200
    settings = parse(updated.text)["SipPeerSmsFeatureResponse"]["SipPeerSmsFeature"]
    assert settings["SipPeerSmsFeatureSettings"]["TollFree"] == "false"
    peer = parse(api.xml("GET", api.peer(location)).text)["SipPeerResponse"]["SipPeer"]
    assert peer["ShortMessagingProtocol"] == "HTTP"


@pytest.mark.parametrize(
    ("old", "new", "code", "description"),
    [
        (
            "<Protocol>HTTP</Protocol>",
            "<protocol>HTTP</protocol>",
            "13567",
            "Messaging protocol 'null' does not exist. Valid values: SIP, SMPP, HTTP",
        ),
        (
            "<Protocol>HTTP</Protocol>",
            "<Protocol>http</Protocol>",
            "13567",
            "Messaging protocol 'http' does not exist. Valid values: SIP, SMPP, HTTP",
        ),
        (
            "<Protocol>HTTP</Protocol>",
            "<Protocol>SIP</Protocol>",
            "13539",
            "At least one SMS host is required",
        ),
        ("<Protocol>HTTP</Protocol>", "<Protocol>SMPP</Protocol>", "13614", None),
        ("<Zone1>true</Zone1>", "<Zone1>false</Zone1>", None, None),
        ("<TollFree>true</TollFree>", "", "1003", "TollFree is required"),
        ("<SipPeerSmsFeatureSettings>", "<Other>", "1003", "SipPeerSmsFeatureSettings is required"),
    ],
)
def test_sms_must_values_are_enforced(api, old, new, code, description):
    location = api.create_location()
    body = SMS.replace(old, new)
    if old == "<SipPeerSmsFeatureSettings>":
        body = body.replace("</SipPeerSmsFeatureSettings>", "</Other>")
    answer = api.xml("POST", api.peer(location) + "/products/messaging/features/sms", body)
    assert answer.status_code == 400, answer.text
    got_code, got_description = status_error(answer.text, "SipPeerSmsFeatureResponse")
    assert got_code == code
    if description:
        assert got_description == description
    if old == "<Zone1>true</Zone1>":
        assert "Zone1" in got_description


def test_13609_when_http_messaging_is_switched_off(api):
    location = api.create_location()
    api.config(http_messaging_enabled=False)
    answer = api.enable_sms(location)
    assert answer.status_code == 400
    assert status_error(answer.text, "SipPeerSmsFeatureResponse") == (
        "13609",
        "Can't create sip peer http protocol sms feature without account level http settings.",
    )


def test_mms_rules(api):
    location = api.create_location()
    url = api.peer(location) + "/products/messaging/features/mms"
    before_sms = api.xml("POST", url, MMS)
    assert before_sms.status_code == 400
    assert status_error(before_sms.text, "MmsFeatureResponse") == (
        "13623",
        "MMS feature is not allowed without SMS feature enabled",
    )
    assert api.enable_sms(location).status_code == 201
    assert api.xml("GET", url).status_code == 404
    mm4 = api.xml("POST", url, MMS.replace("<protocol>HTTP</protocol>", "<protocol>MM4</protocol>"))
    assert status_error(mm4.text, "MmsFeatureResponse")[0] == "13616"
    upper = api.xml("POST", url, MMS.replace("protocol>", "Protocol>"))
    assert upper.status_code == 201
    fetched = parse(api.xml("GET", url).text)["MmsFeatureResponse"]["MmsFeature"]
    assert fetched["MmsSettings"] == {"protocol": "HTTP"}
    assert fetched["Protocols"]["HTTP"]["HttpSettings"] == {"proxyPeerId": "569238"}
    assert api.xml("PUT", url, MMS).status_code == 200


def test_application_settings_rules(api):
    location = api.create_location()
    app_id = api.create_app()
    url = api.peer(location) + "/products/messaging/applicationSettings"
    too_early = api.assign(location, app_id)
    assert too_early.status_code == 400
    assert status_error(too_early.text, "ApplicationsSettingsResponse") == (
        "13645",
        "Please assign SMS or MM4 protocol to HTTP before associating the application to the "
        "location.",
    )
    assert api.enable_sms(location).status_code == 201
    unknown = api.assign(location, "no-such-app")
    assert status_error(unknown.text, "ApplicationsSettingsResponse")[0] == "13629"
    empty = api.xml(
        "PUT", url, "<ApplicationsSettings><HttpMessagingV2AppId/></ApplicationsSettings>"
    )
    assert status_error(empty.text, "ApplicationsSettingsResponse")[0] == "13628"
    unassigned = parse(api.xml("GET", url).text)["ApplicationsSettingsResponse"]
    assert unassigned["ApplicationsSettings"] is None
    assert api.assign(location, app_id).status_code == 200
    assigned = parse(api.xml("GET", url).text)["ApplicationsSettingsResponse"]
    assert assigned["ApplicationsSettings"]["HttpMessagingV2AppId"] == app_id
    removed = api.xml("PUT", url, "<ApplicationsSettings>REMOVE</ApplicationsSettings>")
    assert removed.status_code == 200
    assert api.state()["locations"][0]["application_id"] is None


def test_unreadable_bodies_get_1019(api):
    location = api.create_location()
    answer = api.xml("POST", api.peer(location) + "/products/messaging/features/sms", "not xml")
    assert answer.status_code == 400
    assert status_error(answer.text, "SipPeerSmsFeatureResponse")[0] == "1019"
    entity = '<!DOCTYPE x [<!ENTITY a "aaaa">]><SipPeer><PeerName>&a;</PeerName></SipPeer>'
    answer = api.xml("POST", f"{api.account}/sites/10001/sippeers", entity)
    assert answer.status_code == 400
