"""Applications: create, list, read, update, delete; the real API's rules and echo."""

from __future__ import annotations

import pytest
from sbx_helpers import Api, parse

WRAPPER = "ApplicationProvisioningResponse"


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def app_body(inner: str, name: str = "App", service: str = "Messaging-V2") -> str:
    return (
        f"<Application><ServiceType>{service}</ServiceType><AppName>{name}</AppName>"
        f"{inner}</Application>"
    )


def error(answer) -> tuple[str | None, str]:
    status = parse(answer.text)[WRAPPER]["ResponseStatus"]
    return status.get("ErrorCode"), status["Description"]


def test_list_is_a_single_element_for_one_and_a_list_for_two(api):
    assert parse(api.xml("GET", api.account + "/applications").text)[WRAPPER] == {
        "ApplicationList": None
    }
    first = api.create_app(name="One")
    listed = parse(api.xml("GET", api.account + "/applications").text)[WRAPPER]
    assert listed["ApplicationList"]["Application"]["ApplicationId"] == first
    second = api.create_app(name="Two")
    listed = parse(api.xml("GET", api.account + "/applications").text)[WRAPPER]
    assert [a["ApplicationId"] for a in listed["ApplicationList"]["Application"]] == [first, second]


def test_create_answers_201_with_location_and_no_password(api):
    answer = api.xml(
        "POST",
        api.account + "/applications",
        app_body(
            "<CallbackUrl>https://example.com/cb</CallbackUrl>"
            "<CallbackCreds><UserId>me</UserId><Password>top-secret</Password></CallbackCreds>"
        ),
    )
    assert answer.status_code == 201
    app = parse(answer.text)[WRAPPER]["Application"]
    assert answer.headers["Location"].endswith(f"/applications/{app['ApplicationId']}")
    assert "top-secret" not in answer.text and "<Password>" not in answer.text
    for path in (f"/applications/{app['ApplicationId']}", "/applications"):
        assert "top-secret" not in api.xml("GET", api.account + path).text
    assert "top-secret" not in str(api.state())


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (app_body("<CallbackUrl>https://e.com</CallbackUrl>", name=""), "12806"),
        (
            "<Application><ServiceType>Messaging-V2</ServiceType><CallbackUrl>https://e.com"
            "</CallbackUrl></Application>",
            "12806",
        ),
        (app_body("<CallbackUrl>https://e.com</CallbackUrl>", service="Fax"), "12801"),
        (app_body(""), "12802"),
        (app_body("<CallbackUrl>not a url</CallbackUrl>"), "12803"),
        (
            app_body(
                "<CallbackUrl>https://e.com</CallbackUrl><CallbackCreds><UserId>u</UserId>"
                "</CallbackCreds>"
            ),
            "12977",
        ),
        (
            app_body(
                "<CallbackUrl>https://e.com</CallbackUrl><CallbackCreds><Password>p</Password>"
                "</CallbackCreds>"
            ),
            "12800",
        ),
        (
            app_body(
                "<CallbackUrl>http://e.com</CallbackUrl><CallbackCreds><UserId>u</UserId>"
                "<Password>p</Password></CallbackCreds>"
            ),
            "12812",
        ),
        (
            app_body(
                "<CallbackUrl>https://a.com</CallbackUrl><MsgCallbackUrl>https://b.com"
                "</MsgCallbackUrl>"
            ),
            "12960",
        ),
        (
            app_body(
                "<MsgCallbackUrl>https://a.com</MsgCallbackUrl><InboundCallbackUrl>https://b.com"
                "</InboundCallbackUrl>"
            ),
            "13065",
        ),
    ],
)
def test_create_errors_use_the_real_codes(api, body, code):
    answer = api.xml("POST", api.account + "/applications", body)
    assert answer.status_code == 400
    assert error(answer)[0] == code
    if code == "12806":
        assert error(answer)[1] == "Application Name required"


def test_loopback_callback_urls_may_use_http_with_credentials(api):
    answer = api.xml(
        "POST",
        api.account + "/applications",
        app_body(
            "<CallbackUrl>http://127.0.0.1:9/cb</CallbackUrl><CallbackCreds><UserId>u</UserId>"
            "<Password>p</Password></CallbackCreds>"
        ),
    )
    assert answer.status_code == 201


def test_split_urls_are_echoed_as_the_current_api_does(api):
    answer = api.xml(
        "POST",
        api.account + "/applications",
        app_body(
            "<InboundCallbackUrl>https://in.example.com</InboundCallbackUrl>"
            "<OutboundCallbackUrl>https://out.example.com</OutboundCallbackUrl>"
            "<InboundCallbackCreds><UserId>in</UserId><Password>p1</Password></InboundCallbackCreds>"
            "<OutboundCallbackCreds><UserId>out</UserId><Password>p2</Password></OutboundCallbackCreds>",
            service="Messaging",
        ),
    )
    app = parse(answer.text)[WRAPPER]["Application"]
    assert app["ServiceType"] == "Messaging-V2"
    assert "CallbackUrl" not in app
    assert app["MsgCallbackUrl"] == app["InboundCallbackUrl"] == "https://in.example.com"
    assert app["OutboundCallbackUrl"] == "https://out.example.com"
    assert app["InboundCallbackCreds"] == {"UserId": "in"}
    assert app["OutboundCallbackCreds"] == {"UserId": "out"}


def test_get_update_delete(api):
    app_id = api.create_app(name="Before")
    url = f"{api.account}/applications/{app_id}"
    assert parse(api.xml("GET", url).text)[WRAPPER]["Application"]["AppName"] == "Before"
    # The API never gives the password back, so a PUT may repeat the user id without it.
    kept = api.xml(
        "PUT",
        url,
        app_body(
            "<CallbackUrl>https://example.com/new</CallbackUrl>"
            "<CallbackCreds><UserId>cb-user</UserId></CallbackCreds>",
            name="After",
        ),
    )
    assert kept.status_code == 200, kept.text
    updated = parse(kept.text)[WRAPPER]["Application"]
    assert (updated["AppName"], updated["CallbackUrl"]) == ("After", "https://example.com/new")
    changed_user = api.xml(
        "PUT",
        url,
        app_body(
            "<CallbackUrl>https://e.com</CallbackUrl><CallbackCreds><UserId>other</UserId>"
            "</CallbackCreds>"
        ),
    )
    assert error(changed_user)[0] == "12976"
    voice = api.xml(
        "PUT",
        url,
        app_body(
            "<CallInitiatedCallbackUrl>https://e.com</CallInitiatedCallbackUrl>", service="Voice-V2"
        ),
    )
    assert error(voice)[0] == "12964"
    assert api.xml("DELETE", url).status_code == 200
    gone = api.xml("GET", url)
    assert gone.status_code == 404
    assert error(gone) == ("13629", f"Application with id '{app_id}' not found")


def test_an_assigned_application_cannot_be_deleted(api):
    ready = api.ready_account()
    answer = api.xml("DELETE", f"{api.account}/applications/{ready['app_id']}")
    assert answer.status_code == 400
    assert error(answer) == (
        "12107",
        "The Application cannot be removed until references in the following Locations are "
        f"removed: {ready['location']}",
    )


def test_voice_applications_cannot_be_assigned_for_messaging(api):
    answer = api.xml(
        "POST",
        api.account + "/applications",
        app_body(
            "<CallInitiatedCallbackUrl>https://e.com/voice</CallInitiatedCallbackUrl>",
            service="Voice-V2",
        ),
    )
    assert answer.status_code == 201
    app_id = parse(answer.text)[WRAPPER]["Application"]["ApplicationId"]
    location = api.create_location()
    assert api.enable_sms(location).status_code == 201
    refused = api.assign(location, app_id)
    assert refused.status_code == 400 and "13648" in refused.text
