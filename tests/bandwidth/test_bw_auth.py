"""OAuth2 client credentials: fetched once, shared, renewed a minute before expiry, refetched on
401; sign-in before any other request, the token's claims, and the answers a proxy gives."""

from __future__ import annotations

import asyncio
import base64
from urllib.parse import parse_qs

import pytest
from bw_helpers import FakeClock, SleepRecorder, make_jwt
from bw_scripted_server import Reply, ScriptedServer, Seen

from wizard.bandwidth import (
    NO_RETRY,
    BandwidthError,
    BasicAuth,
    DashboardClient,
    MessagingClient,
    OAuth2ClientCredentials,
    PlatformClient,
    RequestInfo,
    RetryPolicy,
    TokenClaims,
    basic_auth,
    decode_claims,
    sign_in,
)

ACCOUNT = "9900000"
ACCOUNT_XML = "<AccountResponse><Account><AccountId>9900000</AccountId></Account></AccountResponse>"


class TokenIssuer:
    """Hands out tok-1, tok-2, ... and accepts only the newest (or any listed) token."""

    def __init__(self, expires_in: int = 3600, delay: float = 0.0) -> None:
        self.issued: list[str] = []
        self.expires_in = expires_in
        self.delay = delay
        self.revoked: set[str] = set()

    def token(self, seen: Seen) -> Reply:
        self.issued.append(f"tok-{len(self.issued) + 1}")
        return Reply.json(
            {
                "access_token": self.issued[-1],
                "token_type": "Bearer",
                "expires_in": self.expires_in,
            },
            delay=self.delay,
        )

    def api(self, seen: Seen) -> Reply:
        header = seen.headers.get("authorization", "")
        token = header.removeprefix("Bearer ")
        if not header.startswith("Bearer ") or token not in self.issued or token in self.revoked:
            return Reply.empty(401)
        if seen.path.endswith("/messages"):
            return Reply.json({"id": "m-1"}, status=202)
        return Reply.xml(ACCOUNT_XML)


def _setup(scripted: ScriptedServer, issuer: TokenIssuer) -> str:
    scripted.handle("POST", "/api/v1/oauth2/token", issuer.token)
    scripted.handle("GET", "/api/accounts/*", issuer.api)
    scripted.handle("POST", "/api/v2/users/*/messages", issuer.api)
    return f"{scripted.url}/api/v1/oauth2/token"


async def test_token_request_and_bearer(scripted: ScriptedServer) -> None:
    issuer = TokenIssuer()
    auth = OAuth2ClientCredentials(_setup(scripted, issuer), "cid", "csecret")
    async with DashboardClient(f"{scripted.url}/api", ACCOUNT, auth) as client:
        account = await client.get_account()
        await client.get_account()
    assert account.id == ACCOUNT
    (token_call,) = scripted.seen("POST", "/api/v1/oauth2/token")
    expected = "Basic " + base64.b64encode(b"cid:csecret").decode()
    assert token_call.headers["authorization"] == expected
    assert token_call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token_call.text) == {"grant_type": ["client_credentials"]}
    gets = scripted.seen("GET")
    assert [g.headers["authorization"] for g in gets] == ["Bearer tok-1", "Bearer tok-1"]
    assert auth.fetch_count == 1 and auth.has_token


async def test_token_renewed_refresh_margin_before_expiry(scripted: ScriptedServer) -> None:
    issuer = TokenIssuer(expires_in=300)
    clock = FakeClock()
    auth = OAuth2ClientCredentials(
        _setup(scripted, issuer), "cid", "cs", refresh_margin=60, clock=clock
    )
    async with DashboardClient(f"{scripted.url}/api", ACCOUNT, auth) as client:
        await client.get_account()
        clock.advance(239)  # 1 s before the renewal point (300 - 60)
        await client.get_account()
        assert auth.fetch_count == 1
        clock.advance(2)
        await client.get_account()
    assert auth.fetch_count == 2
    assert [g.headers["authorization"] for g in scripted.seen("GET")] == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
    ]


async def test_short_lived_token_refreshes_at_half_life(scripted: ScriptedServer) -> None:
    issuer = TokenIssuer(expires_in=20)
    clock = FakeClock()
    auth = OAuth2ClientCredentials(
        _setup(scripted, issuer), "cid", "cs", refresh_margin=60, clock=clock
    )
    async with DashboardClient(f"{scripted.url}/api", ACCOUNT, auth) as client:
        await client.get_account()
        clock.advance(9)
        await client.get_account()
        assert auth.fetch_count == 1
        clock.advance(2)
        await client.get_account()
    assert auth.fetch_count == 2


async def test_concurrent_requests_share_one_fetch(scripted: ScriptedServer) -> None:
    issuer = TokenIssuer(delay=0.1)
    auth = OAuth2ClientCredentials(_setup(scripted, issuer), "cid", "cs")
    async with DashboardClient(f"{scripted.url}/api", ACCOUNT, auth) as client:
        accounts = await asyncio.gather(*(client.get_account() for _ in range(8)))
    assert len(accounts) == 8
    assert issuer.issued == ["tok-1"]


async def test_one_token_shared_by_both_clients(scripted: ScriptedServer) -> None:
    issuer = TokenIssuer()
    auth = OAuth2ClientCredentials(_setup(scripted, issuer), "cid", "cs")
    async with (
        DashboardClient(f"{scripted.url}/api", ACCOUNT, auth) as dash,
        MessagingClient(f"{scripted.url}/api/v2", ACCOUNT, auth) as messaging,
    ):
        await dash.get_account()
        sent = await messaging.send_message("a", "+19195550000", ["+19195551111"], "hi")
    assert sent.id == "m-1"
    assert issuer.issued == ["tok-1"]
    (post,) = scripted.seen("POST", "/api/v2/users/*/messages")
    assert post.headers["authorization"] == "Bearer tok-1"


async def test_401_on_cached_token_refetches_once(scripted: ScriptedServer) -> None:
    issuer = TokenIssuer()
    auth = OAuth2ClientCredentials(_setup(scripted, issuer), "cid", "cs")
    async with DashboardClient(f"{scripted.url}/api", ACCOUNT, auth) as client:
        await client.get_account()
        issuer.revoked.add("tok-1")
        await client.get_account()
    assert issuer.issued == ["tok-1", "tok-2"]
    assert [g.headers["authorization"] for g in scripted.seen("GET")] == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
    ]


async def test_401_on_fresh_token_is_not_looped(scripted: ScriptedServer) -> None:
    issuer = TokenIssuer()
    _setup(scripted, issuer)
    scripted._routes.insert(0, ("GET", "/api/accounts/*", lambda _: Reply.empty(401)))
    auth = OAuth2ClientCredentials(f"{scripted.url}/api/v1/oauth2/token", "cid", "cs")
    async with DashboardClient(f"{scripted.url}/api", ACCOUNT, auth, retry=NO_RETRY) as client:
        try:
            await client.get_account()
        except BandwidthError as exc:
            error = exc
    assert error.kind == "auth" and error.status == 401
    assert "client id and client secret" in error.hint
    assert issuer.issued == ["tok-1"]
    assert len(scripted.seen("GET")) == 1


async def test_401_on_cached_token_then_still_401(scripted: ScriptedServer) -> None:
    issuer = TokenIssuer()
    auth = OAuth2ClientCredentials(_setup(scripted, issuer), "cid", "cs")
    async with DashboardClient(f"{scripted.url}/api", ACCOUNT, auth, retry=NO_RETRY) as client:
        await client.get_account()
        scripted._routes.insert(0, ("GET", "/api/accounts/*", lambda _: Reply.empty(401)))
        try:
            await client.get_account()
        except BandwidthError as exc:
            error = exc
    assert error.status == 401
    assert issuer.issued == ["tok-1", "tok-2"]  # exactly one refetch
    assert len(scripted.seen("GET")) == 3


def test_basic_auth_header() -> None:
    auth = basic_auth("user", "pass")
    assert isinstance(auth, BasicAuth)
    import httpx

    request = httpx.Request("GET", "http://x")
    flow = auth.sync_auth_flow(request)
    sent = next(flow)
    assert sent.headers["authorization"] == "Basic " + base64.b64encode(b"user:pass").decode()


# -- sign-in and the token's claims -------------------------------------------------------------

CLAIMS = {
    "accounts": ["9900000", 9900001],
    "roles": ["Messaging", "Numbers", "Campaign Management"],
    "express": False,
    "exp": 1_900_000_000,
    "iat": 1_899_996_400,
    "sub": "sandbox-client",
}


class JwtIssuer:
    """A token endpoint handing out JWTs tok-claims.1, .2, ...; counts what it issued."""

    def __init__(self, claims: dict[str, object], expires_in: int = 3600) -> None:
        self.claims = claims
        self.expires_in = expires_in
        self.issued: list[str] = []

    def token(self, seen: Seen) -> Reply:
        token = make_jwt({**self.claims, "jti": len(self.issued) + 1})
        self.issued.append(token)
        return Reply.json(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
        )

    def api(self, seen: Seen) -> Reply:
        bearer = seen.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.issued:
            return Reply.empty(401)
        return Reply.xml(ACCOUNT_XML)


def _jwt_server(scripted: ScriptedServer, issuer: JwtIssuer) -> str:
    scripted.handle("POST", "/api/v1/oauth2/token", issuer.token)
    scripted.handle("GET", "/api/v2/accounts/*", issuer.api)
    return f"{scripted.url}/api/v1/oauth2/token"


def test_claims_are_read_from_the_jwt_payload() -> None:
    claims = decode_claims(make_jwt(CLAIMS))
    assert claims.accounts == ("9900000", "9900001")
    assert claims.roles == ("Messaging", "Numbers", "Campaign Management")
    assert claims.express is False
    assert claims.expires_at is not None and claims.expires_at.timestamp() == 1_900_000_000
    assert claims.issued_at is not None and claims.subject == "sandbox-client"
    assert claims.account_id is None  # two accounts: the person chooses
    one = decode_claims(make_jwt({"accounts": ["9900000"], "express": True}))
    assert one.account_id == "9900000" and one.express is True and one.roles == ()
    assert decode_claims(make_jwt({})) == TokenClaims()


@pytest.mark.parametrize(
    "token",
    ["opaque-token", "a.b", "a..c", "a.!!!.c", "a." + "bm90IGpzb24" + ".c", "a.WzFd.c"],
)
def test_claims_of_a_token_that_is_not_a_jwt(token: str) -> None:
    with pytest.raises(ValueError) as info:
        decode_claims(token)
    assert token not in str(info.value)


async def test_sign_in_fetches_once_and_the_clients_reuse_the_token(
    scripted: ScriptedServer,
) -> None:
    issuer = JwtIssuer(CLAIMS)
    auth = OAuth2ClientCredentials(_jwt_server(scripted, issuer), "cid", "csecret")
    events: list[RequestInfo] = []
    claims = await sign_in(auth, on_request=events.append)
    assert claims.accounts == ("9900000", "9900001")
    assert auth.claims == claims and auth.has_token
    async with DashboardClient(f"{scripted.url}/api/v2", claims.accounts[0], auth) as dash:
        await dash.get_account()
    assert len(issuer.issued) == 1 and auth.fetch_count == 1
    (token_call,) = scripted.seen("POST", "/api/v1/oauth2/token")
    assert token_call.headers["authorization"] == (
        "Basic " + base64.b64encode(b"cid:csecret").decode()
    )
    assert token_call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token_call.text) == {"grant_type": ["client_credentials"]}
    assert [(e.method, e.url, e.body) for e in events] == [
        ("POST", f"{scripted.url}/api/v1/oauth2/token", "grant_type=client_credentials")
    ]
    # A second sign-in with a good token cached asks nothing; force asks again.
    assert await sign_in(auth) == claims and len(issuer.issued) == 1
    await sign_in(auth, force=True)
    assert len(issuer.issued) == 2


async def test_token_is_renewed_when_less_than_a_minute_is_left(scripted: ScriptedServer) -> None:
    issuer = JwtIssuer(CLAIMS, expires_in=3600)
    clock = FakeClock()
    auth = OAuth2ClientCredentials(_jwt_server(scripted, issuer), "cid", "cs", clock=clock)
    await sign_in(auth)
    async with DashboardClient(f"{scripted.url}/api/v2", "9900000", auth) as dash:
        clock.advance(3600 - 61)  # 61 s left: still good
        await dash.get_account()
        assert len(issuer.issued) == 1
        clock.advance(2)  # 59 s left: renewed before the request
        await dash.get_account()
    assert len(issuer.issued) == 2
    bearers = [g.headers["authorization"] for g in scripted.seen("GET")]
    assert bearers == [f"Bearer {issuer.issued[0]}", f"Bearer {issuer.issued[1]}"]


@pytest.mark.parametrize(
    ("status", "payload"),
    [
        (401, {"error": "invalid_client", "error_description": "Client authentication failed"}),
        (400, {"error": "invalid_client"}),
        (403, None),
    ],
)
async def test_sign_in_refused_says_where_to_make_api_credentials(
    scripted: ScriptedServer, status: int, payload: dict[str, str] | None
) -> None:
    reply = Reply.json(payload, status=status) if payload else Reply.empty(status)
    scripted.handle("POST", "/token", lambda _: reply)
    auth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", "S3cret-value")
    with pytest.raises(BandwidthError) as info:
        await sign_in(auth)
    e = info.value
    assert (e.kind, e.status) == ("auth", status)
    assert e.message.startswith("Bandwidth refused the client id and client secret")
    assert "Bandwidth App > Account > API Credentials" in e.hint
    assert "S3cret-value" not in f"{e} {e!r} {e.hint}"
    assert not auth.has_token and auth.claims is None
    assert len(scripted.seen("POST")) == 1  # a refusal is not retried


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body="<html><title>Sign in to the Wi-Fi</title></html>", content_type="text/html"),
        Reply(body="OK", content_type="text/plain"),
        Reply.json(["not", "an", "object"]),
        Reply.empty(204),
    ],
)
async def test_non_json_2xx_from_the_token_endpoint_is_a_proxy_or_a_wrong_host(
    scripted: ScriptedServer, reply: Reply
) -> None:
    scripted.handle("POST", "/token", lambda _: reply)
    auth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", "S3cret-value")
    with pytest.raises(BandwidthError) as info:
        await sign_in(auth)
    e = info.value
    assert "a proxy or a wrong host" in e.message
    assert f"{scripted.url}/token" in e.message
    assert "S3cret-value" not in f"{e} {e!r}"
    # The same answer met inside a request (no explicit sign-in) says the same.
    async with DashboardClient(f"{scripted.url}/api/v2", "1", auth, retry=NO_RETRY) as dash:
        with pytest.raises(BandwidthError, match="a proxy or a wrong host"):
            await dash.get_account()


async def test_token_without_access_token(scripted: ScriptedServer) -> None:
    scripted.handle("POST", "/token", lambda _: Reply.json({"token_type": "Bearer"}))
    auth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", "cs")
    with pytest.raises(BandwidthError, match="without an access_token"):
        await sign_in(auth)


async def test_sign_in_with_an_opaque_token_cannot_name_the_account(
    scripted: ScriptedServer,
) -> None:
    scripted.handle(
        "POST", "/token", lambda _: Reply.json({"access_token": "opaque", "expires_in": 60})
    )
    auth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", "cs")
    with pytest.raises(BandwidthError) as info:
        await sign_in(auth)
    assert "not a JWT" in info.value.message
    assert "opaque" not in str(info.value)
    assert auth.has_token and auth.claims is None  # usable for requests all the same


async def test_sign_in_retries_a_5xx_token_endpoint(scripted: ScriptedServer) -> None:
    token = make_jwt({"accounts": ["1"]})
    scripted.script(
        "POST",
        "/token",
        Reply.empty(503),
        Reply.json({"access_token": token, "expires_in": 3600}),
    )
    auth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", "cs")
    sleeper = SleepRecorder()
    claims = await sign_in(auth, sleep=sleeper, retry=RetryPolicy(base_delay=0.1))
    assert claims.accounts == ("1",) and len(sleeper.calls) == 1


async def test_sign_in_to_a_closed_port_says_nothing_is_listening() -> None:
    auth = OAuth2ClientCredentials("http://127.0.0.1:9/token", "cid", "cs")
    with pytest.raises(BandwidthError) as info:
        await sign_in(auth, retry=NO_RETRY)
    assert info.value.kind == "network" and "127.0.0.1:9" in info.value.hint


async def test_platform_client_shares_the_token(scripted: ScriptedServer) -> None:
    issuer = JwtIssuer(CLAIMS)
    scripted.handle("POST", "/api/v1/oauth2/token", issuer.token)
    scripted.handle(
        "GET", "/api/v2/tollFreeVerification/useCases", lambda _: Reply.json(["2FA", "Billing"])
    )
    auth = OAuth2ClientCredentials(f"{scripted.url}/api/v1/oauth2/token", "cid", "cs")
    await sign_in(auth)
    async with PlatformClient(f"{scripted.url}/api/v2", "9900000", auth) as platform:
        assert await platform.list_toll_free_use_cases() == ["2FA", "Billing"]
    (get,) = scripted.seen("GET")
    assert get.headers["authorization"] == f"Bearer {issuer.issued[0]}"


# -- Basic: only for the guide's retired API, only to a sandbox ---------------------------------


@pytest.mark.parametrize(
    "base",
    ["https://api.bandwidth.com/api/v2", "https://dashboard.bandwidth.com/api", "http://192.0.2.1"],
)
async def test_username_and_password_are_never_sent_to_a_real_host(base: str) -> None:
    sleeper = SleepRecorder()
    events: list[RequestInfo] = []
    client = DashboardClient(
        base, "1", basic_auth("user", "pw-value"), sleep=sleeper, on_request=events.append
    )
    async with client:
        with pytest.raises(BandwidthError) as info:
            await client.get_account()
    e = info.value
    assert e.kind == "auth" and e.status is None
    assert e.message.startswith("Not sent")
    assert "retired API users" in e.hint and "API Credentials" in e.hint
    assert events == [] and sleeper.calls == []  # nothing went on the wire
    catapult = MessagingClient("https://api.catapult.inetwork.com/v2", "u", basic_auth("t", "s"))
    async with catapult:
        with pytest.raises(BandwidthError, match="catapult messaging API") as info:
            await catapult.send_message("a", "+19195550000", ["+19195551111"], "hi")
    assert "only the sandbox still answers it" in info.value.hint


async def test_basic_to_the_local_sandbox_is_sent(scripted: ScriptedServer) -> None:
    scripted.script("GET", "/api/accounts/*", Reply.xml(ACCOUNT_XML))
    async with DashboardClient(f"{scripted.url}/api", ACCOUNT, basic_auth("u", "p")) as dash:
        assert (await dash.get_account()).id == ACCOUNT
    assert basic_auth("u", "p", allow_remote=True).allow_remote
