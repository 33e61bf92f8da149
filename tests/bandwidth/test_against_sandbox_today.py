"""Every new client method against the sandbox, as today's Bandwidth answers: sign-in and roles
for each sandbox identity, Basic refused, 10DLC assignment through a TN option order, toll-free
ordering and verification, and the forms an application can take.

The sandbox's identities, campaigns and test data are documented in docs/sandbox.md. Orders,
verifications and campaign provisioning move on the sandbox clock with the session's short
delays; each wait polls a condition until a deadline, never a fixed sleep.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

import httpx
import pytest

from tests.waiting import until
from wizard.bandwidth import (
    BandwidthError,
    BusinessAddress,
    BusinessContact,
    Capability,
    DashboardClient,
    MessagingClient,
    OAuth2ClientCredentials,
    OptInWorkflow,
    PlatformClient,
    RetryPolicy,
    TollFreeSubmission,
    assess_credential,
    basic_auth,
    local_hosts,
    sign_in,
    toll_free_decline_hint,
)

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, max_total_wait=5.0)
ADDRESS = {
    "HouseNumber": "900",
    "StreetName": "Main Campus Dr",
    "City": "RALEIGH",
    "StateCode": "NC",
    "Zip": "27606",
    "AddressType": "Billing",
}
REGISTERED, PENDING, EXPIRED = "CA1B2C3", "CP4D5E6", "CE7F8G9"
REGISTRY_FAILURE_AREA_CODE = "223"

#: (client id, client secret) of the sandbox's documented identities (public demo data).
FULL = ("sandbox-client", "sandbox-secret")
LIMITED = ("sandbox-limited", "sandbox-limited-secret")
BUILD = ("sandbox-build", "sandbox-build-secret")
MULTI = ("sandbox-multi", "sandbox-multi-secret")

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], timeout: float = 10.0
) -> T:
    """Ask ``probe`` until ``done`` holds; fail at the deadline (the sandbox moves on its clock)."""
    seen: list[T] = []

    async def held() -> bool:
        seen[:] = [await probe()]
        return done(seen[0])

    await until(held, timeout, "the sandbox to move on")
    return seen[0]


class Connection:
    """The three clients of one signed-in credential, over one pool, in today's layout."""

    def __init__(self, sandbox: Any, credential: tuple[str, str] = FULL) -> None:
        hosts = local_hosts(sandbox.base_url)
        self.auth = OAuth2ClientCredentials(hosts.oauth_token_url, *credential)
        self.hosts = hosts
        self.account_id = sandbox.identity.account_id
        self.site_id = sandbox.identity.site_id

    async def __aenter__(self) -> Connection:
        claims = await sign_in(self.auth)
        if claims.account_id:
            self.account_id = claims.account_id
        self.dash = DashboardClient(
            self.hosts.dashboard_url, self.account_id, self.auth, retry=FAST
        )
        self.platform = PlatformClient(
            self.hosts.platform_url, self.account_id, self.auth, retry=FAST
        )
        self.messaging = MessagingClient(
            self.hosts.messaging_url, self.account_id, self.auth, retry=FAST
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        for client in (self.dash, self.platform, self.messaging):
            await client.aclose()


@pytest.fixture
async def conn(sandbox: Any) -> AsyncIterator[Connection]:
    async with Connection(sandbox) as connection:
        yield connection


async def _control(sandbox: Any, method: str, path: str, **body: Any) -> Any:
    async with httpx.AsyncClient(base_url=sandbox.base_url, timeout=10, trust_env=False) as c:
        response = await c.request(method, f"/_sandbox/{path}", json=body or None)
        assert response.status_code < 300, response.text
        return response.json()


async def _location(conn: Connection) -> str:
    """A location with SMS, MMS and an application: what an order and an assignment need."""
    suffix = uuid.uuid4().hex[:6]
    app = await conn.dash.create_application(f"app-{suffix}", "https://example.com/cb")
    loc = await conn.dash.create_location(conn.site_id, f"loc-{suffix}", True)
    await conn.dash.enable_sms(conn.site_id, loc.id)
    await conn.dash.enable_mms(conn.site_id, loc.id)
    await conn.dash.assign_application(conn.site_id, loc.id, app.id)
    return loc.id


async def _local_number(conn: Connection, location_id: str, area_code: str = "919") -> str:
    order = await conn.dash.create_order(
        conn.site_id, location_id, area_code, 1, f"c-{uuid.uuid4().hex[:12]}"
    )
    done = await eventually(lambda: conn.dash.get_order(order.id), lambda o: o.is_final)
    assert done.status == "COMPLETE", done
    return done.completed_numbers[0]


# -- sign-in, roles, hosts -------------------------------------------------------------------------


async def test_each_identity_signs_in_and_says_what_it_can_do(sandbox: Any) -> None:
    account = sandbox.identity.account_id
    hosts = local_hosts(sandbox.base_url)

    async def claims_of(credential: tuple[str, str]):  # type: ignore[no-untyped-def]
        return await sign_in(OAuth2ClientCredentials(hosts.oauth_token_url, *credential))

    full = await claims_of(FULL)
    assert full.accounts == (account,) and not full.express
    assert full.expires_at is not None and full.issued_at is not None
    assert assess_credential(full.roles).missing == ()

    limited = await claims_of(LIMITED)
    missing = assess_credential(limited.roles, express=limited.express).missing
    assert [c.capability for c in missing] == [
        Capability.CAMPAIGNS,
        Capability.TOLL_FREE_VERIFICATION,
    ]

    build = await claims_of(BUILD)
    report = assess_credential(build.roles, express=build.express)
    assert build.express and not report.can_continue and report.verdict
    assert build.account_id is not None and build.account_id != account

    multi = await claims_of(MULTI)
    assert len(multi.accounts) == 2 and account in multi.accounts and multi.account_id is None


async def test_dashboard_answers_under_api_v2(conn: Connection) -> None:
    assert conn.hosts.dashboard_url.endswith("/api/v2")
    assert (await conn.dash.get_account()).id == conn.account_id
    assert conn.site_id in [s.id for s in await conn.dash.list_sites()]


async def test_username_and_password_are_refused_unless_the_legacy_switch_is_on(
    sandbox: Any,
) -> None:
    ident = sandbox.identity
    auth = basic_auth(ident.username, ident.password)
    async with DashboardClient(sandbox.dashboard_url, ident.account_id, auth, retry=FAST) as dash:
        with pytest.raises(BandwidthError) as info:
            await dash.get_account()
        assert (info.value.status, info.value.kind) == (401, "auth")
        assert "retired API users" in info.value.hint
        await _control(sandbox, "POST", "config", legacy_api_users=True)
        assert (await dash.get_account()).id == ident.account_id


# -- today's request shapes ----------------------------------------------------------------------


async def test_features_carry_the_proxy_peer_bandwidth_chose(conn: Connection) -> None:
    loc = await conn.dash.create_location(conn.site_id, f"loc-{uuid.uuid4().hex[:6]}", True)
    sms = await conn.dash.enable_sms(conn.site_id, loc.id)
    mms = await conn.dash.enable_mms(conn.site_id, loc.id)
    assert sms.proxy_peer_id and sms.proxy_peer_id != "539692"
    assert mms.proxy_peer_id == sms.proxy_peer_id
    stored = await conn.dash.get_sms(conn.site_id, loc.id)
    assert stored is not None and stored.proxy_peer_id == sms.proxy_peer_id
    assert stored.a2p_long_code is None  # nothing location-wide: no 13638


async def test_application_forms(conn: Connection, sandbox: Any) -> None:
    app = await conn.dash.create_application("today", "https://example.com/cb", "u", "pw-x")
    read = await conn.dash.get_application(app.id)
    assert read.callback_url == "https://example.com/cb" and read.callback_user == "u"
    assert not read.is_split and read.status_callback_url == "https://example.com/cb"
    seeded = await _control(
        sandbox,
        "POST",
        "applications",
        name="Made in the App",
        inbound_url="https://in.example.net/sms",
        outbound_url="https://out.example.net/status",
        inbound_user="in-user",
        inbound_password="in-pw-123",
        outbound_user="out-user",
        outbound_password="out-pw-123",
    )
    app_id = seeded.get("id") or seeded.get("application_id")
    split = await conn.dash.get_application(app_id)
    assert split.is_split
    assert split.inbound_callback_url == "https://in.example.net/sms"
    assert split.outbound_callback_url == "https://out.example.net/status"
    assert (split.inbound_callback_user, split.outbound_callback_user) == ("in-user", "out-user")
    found = await conn.dash.find_application_by_name("Made in the App")
    assert found is not None and found.is_split


async def test_order_lookup_walks_the_pages(conn: Connection) -> None:
    loc = await _location(conn)
    ids = [f"page-{i}-{uuid.uuid4().hex[:8]}" for i in range(3)]
    for cid in ids:
        await conn.dash.create_order(conn.site_id, loc, "919", 1, cid)
    first = await conn.dash.find_order_by_customer_order_id(ids[0], page_size=1)
    assert first is not None and first.customer_order_id == ids[0]
    assert await conn.dash.find_order_by_customer_order_id("never-made", page_size=1) is None


async def test_a_site_is_created_with_its_address(conn: Connection) -> None:
    site = await conn.dash.create_site("Today", "with address", address=ADDRESS)
    assert site.id in [s.id for s in await conn.dash.list_sites()]


# -- 10DLC: assigning a local number to a campaign ------------------------------------------


async def test_local_number_assigned_to_the_registered_campaign(conn: Connection) -> None:
    campaigns = {c.campaign_id: c for c in await conn.platform.list_campaigns()}
    assert {REGISTERED, PENDING, EXPIRED} <= set(campaigns)
    assert [c.campaign_id for c in campaigns.values() if c.is_registered] == [REGISTERED]
    number = await _local_number(conn, await _location(conn))
    assert await conn.platform.get_campaign_number(REGISTERED, number) is None

    cid = f"assign-{uuid.uuid4().hex[:8]}"
    order = await conn.dash.create_tn_option_order(
        [number],
        REGISTERED,
        message_class=campaigns[REGISTERED].message_class,
        customer_order_id=cid,
    )
    assert order.id and order.status in ("RECEIVED", "PROCESSING")
    done = await eventually(lambda: conn.dash.get_tn_option_order(order.id), lambda o: o.is_final)
    assert done.status == "COMPLETE" and done.errors == ()
    assert [n[-10:] for n in done.completed_numbers] == [number[-10:]]
    assert [o.id for o in await conn.dash.find_tn_option_orders(customer_order_id=cid)] == [
        order.id
    ]

    ready = await eventually(
        lambda: conn.platform.get_campaign_number(REGISTERED, number),
        lambda r: r is not None and r.is_ready,
    )
    assert ready is not None and ready.campaign_id == REGISTERED
    registration = await conn.platform.get_number_registration(number)
    assert registration is None or registration.campaign_id == REGISTERED
    details = await conn.dash.get_tn_details(number)
    assert details.messaging is not None
    assert details.messaging.campaign_id == REGISTERED
    assert details.messaging.campaign_fully_provisioned is True


async def test_assignment_to_a_campaign_that_is_not_registered_fails(conn: Connection) -> None:
    number = await _local_number(conn, await _location(conn))
    order = await conn.dash.create_tn_option_order([number], PENDING)
    done = await eventually(lambda: conn.dash.get_tn_option_order(order.id), lambda o: o.is_final)
    assert done.status == "FAILED"
    (error,) = done.errors_for(number)
    assert error.code == "12192" and "not active" in error.description


async def test_partial_assignment_names_the_failed_number(conn: Connection) -> None:
    loc = await _location(conn)
    good = await _local_number(conn, loc)
    bad = await _local_number(conn, loc, REGISTRY_FAILURE_AREA_CODE)
    order = await conn.dash.create_tn_option_order([good, bad], REGISTERED)
    done = await eventually(lambda: conn.dash.get_tn_option_order(order.id), lambda o: o.is_final)
    assert done.status == "PARTIAL"
    assert [n[-10:] for n in done.failed_numbers] == [bad[-10:]]
    assert [n[-10:] for n in done.completed_numbers] == [good[-10:]]
    assert [e.code for e in done.errors_for(bad)] == ["12184"]


# -- toll-free: order, verify ---------------------------------------------------------------------


def _submission(number: str, **changes: Any) -> TollFreeSubmission:
    request = TollFreeSubmission(
        business_address=BusinessAddress(
            "Example Widgets Inc.",
            "900 Main Campus Dr",
            "Raleigh",
            "NC",
            "27606",
            "https://www.example.com",
        ),
        business_contact=BusinessContact("Jane", "Doe", "jane@example.com", "+19192654500"),
        message_volume=1000,
        phone_numbers=(number,),
        use_case="2FA",
        use_case_summary="One-time passcodes for signing in to Example Widgets",
        production_message_content="Your Example Widgets code is 123456. Reply STOP to opt out.",
        opt_in_workflow=OptInWorkflow(
            "Customers tick an SMS consent box when they sign up",
            ("https://www.example.com/optin.png",),
        ),
        business_entity_type="PRIVATE_PROFIT",
        business_registration_number="12-3456789",
        business_registration_type="EIN",
        business_registration_issuing_country="USA",
    )
    return replace(request, **changes)


async def _toll_free_number(conn: Connection) -> str:
    loc = await _location(conn)
    found = await conn.dash.search_toll_free_numbers("8**", 2)
    assert found and all(n[:3] in ("800", "888", "877", "866", "855", "844", "833") for n in found)
    order = await conn.dash.create_toll_free_order(
        conn.site_id, loc, "8**", 1, f"tf-{uuid.uuid4().hex[:8]}"
    )
    assert order.toll_free_pattern == "8**"
    done = await eventually(lambda: conn.dash.get_order(order.id), lambda o: o.is_final)
    assert done.status == "COMPLETE", done
    return "+1" + done.completed_numbers[0][-10:]


async def test_toll_free_number_ordered_and_verified(conn: Connection) -> None:
    number = await _toll_free_number(conn)
    before = await conn.platform.get_toll_free_verification(number)
    # Never submitted: Bandwidth's CLI has seen 404; the SDK documents UNVERIFIED. Either way
    # it is not a decline.
    assert before is None or (before.status == "UNVERIFIED" and not before.is_declined)
    use_cases = await conn.platform.list_toll_free_use_cases()
    request = _submission(number)
    assert request.problems(use_cases) == []
    await conn.platform.submit_toll_free_verification(request)
    first = await conn.platform.get_toll_free_verification(number)
    assert first is not None and first.status in ("PENDING", "VERIFIED")
    verified = await eventually(
        lambda: conn.platform.get_toll_free_verification(number),
        lambda s: s is not None and s.is_verified,
    )
    assert verified is not None and not verified.is_declined


async def test_declined_verification_is_resubmitted(conn: Connection) -> None:
    number = await _toll_free_number(conn)
    free_mail = _submission(
        number, business_contact=BusinessContact("Jane", "Doe", "jane@gmail.com", "+19192654500")
    )
    await conn.platform.submit_toll_free_verification(free_mail)
    declined = await eventually(
        lambda: conn.platform.get_toll_free_verification(number),
        lambda s: s is not None and not s.is_pending,
    )
    assert declined is not None and declined.is_declined and declined.can_resubmit
    assert declined.denial_status_code == 1101
    hint = toll_free_decline_hint(
        declined.denial_status_code,
        declined.decline_reason or "",
        resubmit_allowed=declined.resubmit_allowed,
    )
    assert "business details" in hint and "resubmit" in hint
    await conn.platform.resubmit_toll_free_verification(number, _submission(number))
    verified = await eventually(
        lambda: conn.platform.get_toll_free_verification(number),
        lambda s: s is not None and s.is_verified,
    )
    assert verified is not None
    assert await conn.platform.withdraw_toll_free_verification(number) is True


async def test_declined_verification_that_may_not_be_resubmitted(conn: Connection) -> None:
    number = await _toll_free_number(conn)
    gambling = _submission(number, use_case_summary="Casino promotions and betting offers")
    await conn.platform.submit_toll_free_verification(gambling)
    declined = await eventually(
        lambda: conn.platform.get_toll_free_verification(number),
        lambda s: s is not None and not s.is_pending,
    )
    assert declined is not None and declined.is_declined and not declined.can_resubmit
    assert declined.denial_status_code == 511
    with pytest.raises(BandwidthError):
        await conn.platform.resubmit_toll_free_verification(number, _submission(number))


async def test_validation_errors_come_back_per_field(conn: Connection) -> None:
    number = await _toll_free_number(conn)
    bad = _submission(number, message_volume=5)
    assert "messageVolume" in {f.field for f in bad.problems()}  # caught before sending, too
    with pytest.raises(BandwidthError) as info:
        await conn.platform.submit_toll_free_verification(bad)
    e = info.value
    assert (e.status, e.kind) == (400, "validation")
    assert "messageVolume" in {f.field for f in e.field_errors}


# -- roles: 403 is "cannot check", with the role -----------------------------------------------


async def test_missing_roles_are_cannot_check(sandbox: Any) -> None:
    async with Connection(sandbox, LIMITED) as conn:
        with pytest.raises(BandwidthError) as campaigns:
            await conn.platform.list_campaigns()
        with pytest.raises(BandwidthError) as tfv:
            await conn.platform.get_toll_free_verification("+18005551234")
        assert (await conn.dash.get_account()).id == conn.account_id  # the rest still works
    assert (campaigns.value.kind, campaigns.value.missing_role) == (
        "forbidden",
        "Campaign Management",
    )
    assert campaigns.value.hint.startswith("Cannot check")
    assert (tfv.value.kind, tfv.value.missing_role) == ("forbidden", "TFV")


async def test_build_trial_is_refused_messaging_and_numbers(sandbox: Any) -> None:
    async with Connection(sandbox, BUILD) as conn:
        with pytest.raises(BandwidthError) as numbers:
            await conn.dash.search_available_numbers("919", 1)
        with pytest.raises(BandwidthError) as messaging:
            await conn.messaging.send_message("app", "+19195550000", ["+19195550001"], "hi")
    assert (numbers.value.kind, numbers.value.missing_role) == ("forbidden", "Numbers")
    assert (messaging.value.kind, messaging.value.missing_role) == ("forbidden", "Messaging")
    for error in (numbers.value, messaging.value):
        # The plan is the cause, not a role: asking an administrator for one would not help.
        assert error.hint.startswith("Not available on a Bandwidth Build trial")
        assert "role" not in error.hint
