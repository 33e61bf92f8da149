"""OAuth2 client credentials: fetched once, shared, renewed before expiry, refetched on 401."""

from __future__ import annotations

import asyncio
import base64
from urllib.parse import parse_qs

from bw_helpers import FakeClock
from bw_scripted_server import Reply, ScriptedServer, Seen

from wizard.bandwidth import (
    NO_RETRY,
    BandwidthError,
    BasicAuth,
    DashboardClient,
    MessagingClient,
    OAuth2ClientCredentials,
    basic_auth,
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
    assert "OAuth2 client id and client secret" in error.hint
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
