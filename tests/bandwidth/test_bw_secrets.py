"""No secret in repr, str, exception text, request events or logs."""

from __future__ import annotations

import logging

import pytest
from bw_helpers import make_jwt
from bw_scripted_server import Reply, ScriptedServer

from wizard.bandwidth import (
    NO_RETRY,
    BandwidthError,
    DashboardClient,
    MessagingClient,
    OAuth2ClientCredentials,
    RequestInfo,
    basic_auth,
    sign_in,
)

PASSWORD = "Dash-Pa55word-xyz"
CLIENT_SECRET = "Client-S3cret-xyz"
CALLBACK_PASSWORD = "Callback-Pw-xyz"
TOKEN = "Access-T0ken-xyz"
SECRETS = (PASSWORD, CLIENT_SECRET, CALLBACK_PASSWORD, TOKEN)


def _assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


async def test_reprs_and_strs_hide_secrets(scripted: ScriptedServer) -> None:
    basic = basic_auth("user", PASSWORD)
    oauth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", CLIENT_SECRET)
    dash = DashboardClient(f"{scripted.url}/api", "1", basic)
    messaging = MessagingClient(f"{scripted.url}/api/v2", "1", oauth)
    try:
        for obj in (basic, oauth, dash, messaging):
            _assert_clean(repr(obj))
            _assert_clean(str(obj))
        assert "user" in repr(basic) and "••••" in repr(basic)
        assert "cid" in repr(oauth) and "••••" in repr(oauth)
    finally:
        await dash.aclose()
        await messaging.aclose()


async def test_errors_and_events_and_logs_hide_secrets(
    scripted: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    scripted.handle(
        "POST", "/token", lambda _: Reply.json({"access_token": TOKEN, "expires_in": 3600})
    )
    # A hostile or buggy server that echoes every credential back in its error text.
    scripted.script(
        "POST",
        "/api/accounts/*/applications",
        Reply.xml(
            f"<ApplicationProvisioningResponse><ErrorList><Error><Code>1</Code><Description>bad "
            f"{CALLBACK_PASSWORD} {PASSWORD}</Description></Error>"
            "</ErrorList></ApplicationProvisioningResponse>",
            status=400,
        ),
    )
    scripted.script(
        "POST",
        "/api/v2/users/*/messages",
        Reply.json(
            {
                "type": "request-validation",
                "description": f"echo {TOKEN} {CLIENT_SECRET}",
                "fieldErrors": [{"fieldName": "text", "description": f"{TOKEN}"}],
            },
            status=400,
        ),
    )
    events: list[RequestInfo] = []
    oauth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", CLIENT_SECRET)
    dash = DashboardClient(
        f"{scripted.url}/api",
        "1",
        basic_auth("u", PASSWORD),
        retry=NO_RETRY,
        on_request=events.append,
    )
    messaging = MessagingClient(f"{scripted.url}/api/v2", "1", oauth, on_request=events.append)
    errors: list[BandwidthError] = []
    async with dash, messaging:
        try:
            await dash.create_application("app", "https://cb", "cbuser", CALLBACK_PASSWORD)
        except BandwidthError as exc:
            errors.append(exc)
        try:
            await messaging.send_message("a", "+19195550000", ["+19195551111"], "hi")
        except BandwidthError as exc:
            errors.append(exc)
    assert len(errors) == 2
    for error in errors:
        _assert_clean(str(error))
        _assert_clean(repr(error))
        _assert_clean(error.message)
        _assert_clean(error.hint)
        _assert_clean(" ".join(f.description for f in error.field_errors))
    # The callback password did go over the wire (it must) ...
    assert CALLBACK_PASSWORD in scripted.seen("POST", "/api/accounts/*/applications")[0].text
    # ... but the request event shows it masked.
    (app_event,) = [e for e in events if e.url.endswith("/applications")]
    assert "<Password>••••</Password>" in app_event.body
    assert "<UserId>cbuser</UserId>" in app_event.body
    for event in events:
        _assert_clean(repr(event))
    _assert_clean(caplog.text)


async def test_sign_in_never_shows_the_secret_or_the_token(
    scripted: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The token is a JWT here (its claims are read), and the server echoes both back."""
    caplog.set_level(logging.DEBUG)
    token = make_jwt({"accounts": ["1"], "roles": ["Messaging"]}, signature=TOKEN.encode())
    scripted.handle(
        "POST", "/token", lambda _: Reply.json({"access_token": token, "expires_in": 3600})
    )
    scripted.handle(
        "GET",
        "/api/v2/accounts/*",
        lambda _: Reply.json(
            {"type": "unauthorized", "description": f"bad token {token} for {CLIENT_SECRET}"},
            status=401,
        ),
    )
    events: list[RequestInfo] = []
    auth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", CLIENT_SECRET)
    claims = await sign_in(auth, on_request=events.append)
    async with DashboardClient(
        f"{scripted.url}/api/v2", "1", auth, retry=NO_RETRY, on_request=events.append
    ) as dash:
        with pytest.raises(BandwidthError) as info:
            await dash.get_account()
    error = info.value
    texts = [str(error), repr(error), error.message, error.hint, repr(auth), str(auth)]
    texts += [repr(claims), caplog.text, *(repr(e) for e in events)]
    for text in texts:
        _assert_clean(text)
        assert token not in text
    assert "••••" in error.message  # the echo was masked, not dropped
