"""The JSON platform client: 10DLC campaigns and registrations, toll-free verification.

Bodies are checked against bandwidth-sdk's own models (authoritative for field names and
limits); answers are the shapes Bandwidth's CLI reads and the SDK's examples.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from bandwidth.models.tfv_status import TfvStatus
from bandwidth.models.tfv_submission_wrapper import TfvSubmissionWrapper
from bandwidth.models.verification_request import VerificationRequest
from bw_samples import (
    CAMPAIGN_NUMBERS,
    CAMPAIGNS,
    TENDLC_403_NO_ROLE,
    TENDLC_403_REGISTRATION_CENTER,
    TENDLC_NUMBER,
    TFV_400,
    TFV_DECLINED,
)
from bw_scripted_server import Reply, ScriptedServer

from wizard.bandwidth import (
    BandwidthError,
    BusinessAddress,
    BusinessContact,
    FieldError,
    OAuth2ClientCredentials,
    OptInWorkflow,
    PlatformClient,
    TollFreeSubmission,
)
from wizard.bandwidth.verification import submission_from_echo

ACCOUNT = "9900000"

REQUEST = TollFreeSubmission(
    business_address=BusinessAddress(
        name="Bandwidth Inc.",
        addr1="2230 Bandmate Way",
        city="Raleigh",
        state="NC",
        zip="27606",
        url="https://www.example.com",
    ),
    business_contact=BusinessContact("Jane", "Doe", "jane@example.com", "+19192654500"),
    message_volume=10000,
    phone_numbers=("+18005551234",),
    use_case="2FA",
    use_case_summary="One-time passcodes for signing in",
    production_message_content="Your Example code is 123456. Reply STOP to opt out.",
    opt_in_workflow=OptInWorkflow("Users tick a box when they sign up", ("https://e.com/a.png",)),
    business_entity_type="PRIVATE_PROFIT",
    privacy_policy_url="https://www.example.com/privacy",
    terms_and_conditions_url="https://www.example.com/terms",
    business_registration_number="12-3456789",
    business_registration_type="EIN",
    business_registration_issuing_country="USA",
)


def _platform(scripted: ScriptedServer, **kw: object) -> PlatformClient:
    scripted.handle(
        "POST", "/token", lambda _: Reply.json({"access_token": "t", "expires_in": 3600})
    )
    auth = OAuth2ClientCredentials(f"{scripted.url}/token", "cid", "cs")
    return PlatformClient(f"{scripted.url}/api/v2", ACCOUNT, auth, **kw)  # type: ignore[arg-type]


# -- 10DLC -----------------------------------------------------------------------------------------


async def test_list_campaigns_with_their_status(scripted: ScriptedServer) -> None:
    scripted.script("GET", "/api/v2/accounts/*/tendlc/campaigns", Reply.json(CAMPAIGNS))
    async with _platform(scripted) as platform:
        campaigns = await platform.list_campaigns()
    assert [(c.campaign_id, c.status, c.is_registered) for c in campaigns] == [
        ("CA1B2C3", "REGISTERED", True),
        ("CP3ND1G", "PENDING", False),
        ("CX9PIR3", "EXPIRED", False),
    ]
    assert campaigns[0].brand_id == "B1DER2J"
    (seen,) = scripted.seen("GET")
    assert seen.path == f"/api/v2/accounts/{ACCOUNT}/tendlc/campaigns"
    assert seen.query == {"limit": ["250"], "offset": ["0"]}


async def test_list_campaigns_reads_every_page(scripted: ScriptedServer) -> None:
    rows = [{"campaignId": f"C{i:06d}", "status": "REGISTERED"} for i in range(5)]

    def page(seen):  # type: ignore[no-untyped-def]
        offset, limit = int(seen.query["offset"][0]), int(seen.query["limit"][0])
        return Reply.json({"data": rows[offset : offset + limit], "page": {"totalElements": 5}})

    scripted.handle("GET", "/api/v2/accounts/*/tendlc/campaigns", page)
    async with _platform(scripted) as platform:
        campaigns = await platform.list_campaigns(page_size=2)
    assert [c.campaign_id for c in campaigns] == [r["campaignId"] for r in rows]
    offsets = [s.query["offset"] for s in scripted.seen("GET")]
    assert offsets == [["0"], ["2"], ["4"]]


async def test_campaign_list_in_an_unknown_shape(scripted: ScriptedServer) -> None:
    scripted.script("GET", "*/tendlc/campaigns", Reply.json({"campaigns": []}))
    async with _platform(scripted) as platform:
        with pytest.raises(BandwidthError, match="without a list of campaigns"):
            await platform.list_campaigns()


async def test_number_status_on_a_campaign(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "/api/v2/accounts/*/tendlc/campaigns/CA3XKE1/phoneNumbers",
        Reply.json(CAMPAIGN_NUMBERS),
        Reply.json({"data": [], "page": {"totalElements": 0}}),
    )
    async with _platform(scripted) as platform:
        on = await platform.get_campaign_number("CA3XKE1", "2054443942")
        off = await platform.get_campaign_number("CA3XKE1", "+19195551234")
    assert on is not None and on.is_ready and on.campaign_id == "CA3XKE1"
    assert on.phone_number == "+12054443942"
    assert off is None
    first, second = scripted.seen("GET")
    assert first.query == {"phoneNumber": ["+12054443942"]}
    assert second.query == {"phoneNumber": ["+19195551234"]}


async def test_number_registration(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "/api/v2/accounts/*/tendlc/phoneNumbers/*",
        Reply.json(TENDLC_NUMBER),
        Reply.json({"type": "not-found", "description": "not found"}, status=404),
    )
    async with _platform(scripted) as platform:
        registration = await platform.get_number_registration("(919) 555-1234")
        unknown = await platform.get_number_registration("+19195550000")
    assert registration is not None
    assert (registration.campaign_id, registration.brand_id, registration.status) == (
        "CA3XKE1",
        "B1DER2J",
        "SUCCESS",
    )
    assert unknown is None
    assert scripted.seen("GET")[0].path == (
        f"/api/v2/accounts/{ACCOUNT}/tendlc/phoneNumbers/%2B19195551234"
    )


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (TENDLC_403_NO_ROLE, "lacks the Campaign Management role"),
        (TENDLC_403_REGISTRATION_CENTER, "Registration Center"),
    ],
)
async def test_403_on_10dlc_is_cannot_check_never_not_registered(
    scripted: ScriptedServer, payload: dict, words: str
) -> None:
    scripted.handle("GET", "*/tendlc/*", lambda _: Reply.json(payload, status=403))
    async with _platform(scripted) as platform:
        for call in (
            platform.list_campaigns(),
            platform.get_campaign_number("C1", "+19195551234"),
            platform.get_number_registration("+19195551234"),
        ):
            with pytest.raises(BandwidthError) as info:
                await call
            e = info.value
            assert (e.status, e.kind, e.code) == (403, "forbidden", "forbidden")
            assert e.missing_role == "Campaign Management"
            assert e.hint.startswith("Cannot check") and words in e.hint
            assert "not registered" not in str(e)
    assert len(scripted.seen("GET")) == 3  # a 403 is not retried


# -- toll-free verification ----------------------------------------------------------------------


def test_request_body_is_what_bandwidths_sdk_accepts() -> None:
    body = REQUEST.to_json()
    model = VerificationRequest.from_dict(body)  # raises on a wrong name, type or limit
    assert model.additional_properties == {}  # every name is one the SDK knows
    assert _without_nulls(json.loads(model.to_json())) == body
    assert list(body)[:8] == [
        "businessAddress",
        "businessContact",
        "messageVolume",
        "phoneNumbers",
        "useCase",
        "useCaseSummary",
        "productionMessageContent",
        "optInWorkflow",
    ]
    assert "addr2" not in body["businessAddress"]  # optional and empty: left out
    update = REQUEST.update_json()
    assert "phoneNumbers" not in update["submission"]
    wrapper = TfvSubmissionWrapper.from_dict(update)
    assert wrapper.submission is not None and wrapper.submission.additional_properties == {}
    assert _without_nulls(json.loads(wrapper.to_json())) == update


def _without_nulls(value: object) -> object:
    """The SDK writes unset nullable fields as null; the request leaves them out."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


async def test_submit_resubmit_withdraw(scripted: ScriptedServer) -> None:
    scripted.script("POST", "/api/v2/accounts/*/tollFreeVerification", Reply.empty(202))
    scripted.script("PUT", "*/tollFreeVerification", Reply.empty(202))
    scripted.script("DELETE", "*/tollFreeVerification", Reply.empty(204), Reply.empty(404))
    async with _platform(scripted) as platform:
        await platform.submit_toll_free_verification(REQUEST)
        await platform.resubmit_toll_free_verification("+18005551234", REQUEST)
        assert await platform.withdraw_toll_free_verification("+18005551234") is True
        assert await platform.withdraw_toll_free_verification("+18005551234") is False
    post = scripted.seen("POST", "/api/v2/accounts/*/tollFreeVerification")[0]
    assert post.path == f"/api/v2/accounts/{ACCOUNT}/tollFreeVerification"
    assert post.headers["content-type"] == "application/json; charset=utf-8"
    assert json.loads(post.body) == REQUEST.to_json()
    put = scripted.seen("PUT")[0]
    assert (
        put.path == f"/api/v2/accounts/{ACCOUNT}/phoneNumbers/%2B18005551234/tollFreeVerification"
    )
    assert json.loads(put.body) == REQUEST.update_json()


async def test_a_submission_is_sent_once(scripted: ScriptedServer) -> None:
    scripted.script("POST", "*/tollFreeVerification", Reply.empty(503))
    async with _platform(scripted) as platform:
        with pytest.raises(BandwidthError) as info:
            await platform.submit_toll_free_verification(REQUEST)
    assert info.value.kind == "server"
    assert len(scripted.seen("POST", "*/tollFreeVerification")) == 1


async def test_status_verified_pending_declined_and_never_submitted(
    scripted: ScriptedServer,
) -> None:
    scripted.script(
        "GET",
        "/api/v2/accounts/*/phoneNumbers/*/tollFreeVerification",
        Reply.json({"phoneNumber": "+18005551234", "status": "VERIFIED"}),
        Reply.json({"phoneNumber": "+18005551234", "status": "PENDING"}),
        Reply.json(TFV_DECLINED),
        Reply.json({**TFV_DECLINED, "resubmitAllowed": False}),
        Reply.json({"type": "not found", "description": "no request"}, status=404),
    )
    async with _platform(scripted) as platform:
        verified = await platform.get_toll_free_verification("8005551234")
        pending = await platform.get_toll_free_verification("8005551234")
        declined = await platform.get_toll_free_verification("8005555555")
        final = await platform.get_toll_free_verification("8005555555")
        never = await platform.get_toll_free_verification("8005551234")
    assert verified is not None and verified.is_verified and not verified.is_declined
    assert pending is not None and pending.is_pending
    assert declined is not None and declined.is_declined and declined.can_resubmit
    assert declined.denial_status_code == 511
    assert declined.decline_reason is not None and "Website is not accessible" in (
        declined.decline_reason
    )
    assert [r.status_code for r in declined.additional_denial_reasons] == [512, 513]
    assert declined.created is not None and declined.created.year == 2021
    assert final is not None and final.is_declined and not final.can_resubmit
    assert never is None
    # What we read is what the SDK reads.
    sdk = TfvStatus.from_dict(TFV_DECLINED)
    assert (sdk.denial_status_code, sdk.resubmit_allowed) == (
        declined.denial_status_code,
        declined.resubmit_allowed,
    )


def test_a_decline_prefills_the_resubmission() -> None:
    echo = TFV_DECLINED["submission"]
    again = submission_from_echo(echo, ("+18005555555",))
    assert again.business_address.name == "Bandwidth Inc."
    assert again.business_contact.email == "foo@bar.com"
    assert again.message_volume == 10000 and again.use_case == "2FA"
    assert again.opt_in_workflow.image_urls == ("https://www.example.com/path/to/resource",)
    assert again.problems() == []
    assert again.update_json()["submission"] == {
        k: v for k, v in echo.items() if k != "phoneNumbers"
    }


async def test_validation_errors_become_field_errors(scripted: ScriptedServer) -> None:
    scripted.script("POST", "*/tollFreeVerification", Reply.json(TFV_400, status=400))
    async with _platform(scripted) as platform:
        with pytest.raises(BandwidthError) as info:
            await platform.submit_toll_free_verification(REQUEST)
    e = info.value
    assert (e.kind, e.code, e.message) == (
        "validation",
        "bad request",
        "cannot process request",
    )
    assert e.field_errors == [
        FieldError("businessContact.email", "is not a valid email address"),
        FieldError("messageVolume", "must be between 10 and 10000000"),
    ]


async def test_403_on_tfv_names_the_tfv_role(scripted: ScriptedServer) -> None:
    scripted.handle(
        "GET",
        "*/tollFreeVerification",
        lambda _: Reply.json({"type": "forbidden", "description": "Forbidden"}, status=403),
    )
    async with _platform(scripted) as platform:
        with pytest.raises(BandwidthError) as info:
            await platform.get_toll_free_verification("+18005551234")
    assert (info.value.kind, info.value.missing_role) == ("forbidden", "TFV")
    assert "lacks the TFV role" in info.value.hint


async def test_use_cases(scripted: ScriptedServer) -> None:
    scripted.script(
        "GET",
        "/api/v2/tollFreeVerification/useCases",
        Reply.json(["2FA", "App Notifications", "Appointments"]),
        Reply.json({"useCases": "nope"}),
    )
    async with _platform(scripted) as platform:
        assert await platform.list_toll_free_use_cases() == [
            "2FA",
            "App Notifications",
            "Appointments",
        ]
        with pytest.raises(BandwidthError, match="without a list of use cases"):
            await platform.list_toll_free_use_cases()


# -- the limits Bandwidth checks, before anything is sent ----------------------------------------


def _fields(request: TollFreeSubmission, use_cases: list[str] | None = None) -> set[str]:
    return {f.field for f in request.problems(use_cases)}


def test_a_complete_request_has_no_problems() -> None:
    assert REQUEST.problems(["2FA", "Billing"]) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"message_volume": 9}, "messageVolume"),
        ({"message_volume": 10_000_001}, "messageVolume"),
        ({"phone_numbers": ()}, "phoneNumbers"),
        ({"phone_numbers": tuple(f"+1800555{i:04d}" for i in range(11))}, "phoneNumbers"),
        ({"phone_numbers": ("+19195551234",)}, "phoneNumbers"),  # not toll-free
        ({"phone_numbers": ("8005551234",)}, "phoneNumbers"),  # not E.164
        ({"phone_numbers": ("+18005551234", "+18005551234")}, "phoneNumbers"),
        ({"use_case": ""}, "useCase"),
        ({"use_case_summary": " "}, "useCaseSummary"),
        ({"production_message_content": "x" * 501}, "productionMessageContent"),
        ({"privacy_policy_url": "not a url"}, "privacyPolicyUrl"),
        ({"business_entity_type": "LLC"}, "businessEntityType"),
        ({"business_registration_number": ""}, "businessRegistrationNumber"),
        ({"business_registration_type": ""}, "businessRegistrationType"),
        ({"business_registration_type": "SSN"}, "businessRegistrationType"),
        ({"business_registration_issuing_country": ""}, "businessRegistrationIssuingCountry"),
    ],
)
def test_each_limit(change: dict, field: str) -> None:
    assert field in _fields(replace(REQUEST, **change))


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ({"name": ""}, "businessAddress.name"),
        ({"state": "North Carolina"}, "businessAddress.state"),
        ({"zip": "2760"}, "businessAddress.zip"),
        ({"url": ""}, "businessAddress.url"),
        ({"url": "example"}, "businessAddress.url"),
    ],
)
def test_address_limits(address: dict, field: str) -> None:
    request = replace(REQUEST, business_address=replace(REQUEST.business_address, **address))
    assert field in _fields(request)


@pytest.mark.parametrize(
    ("contact", "field"),
    [
        ({"email": "jane"}, "businessContact.email"),
        ({"phone_number": "919-265-4500"}, "businessContact.phoneNumber"),
        ({"first_name": ""}, "businessContact.firstName"),
    ],
)
def test_contact_limits(contact: dict, field: str) -> None:
    request = replace(REQUEST, business_contact=replace(REQUEST.business_contact, **contact))
    assert field in _fields(request)


def test_opt_in_and_use_case_list() -> None:
    request = replace(REQUEST, opt_in_workflow=OptInWorkflow("", ("",)))
    assert {"optInWorkflow.description", "optInWorkflow.imageUrls[0]"} <= _fields(request)
    assert "useCase" in _fields(REQUEST, ["Billing"])


def test_sole_proprietor_leaves_registration_out() -> None:
    sole = replace(
        REQUEST,
        business_entity_type="SOLE_PROPRIETOR",
        business_registration_number="",
        business_registration_type="",
        business_registration_issuing_country="",
    )
    assert sole.problems() == []
    with_number = replace(sole, business_registration_number="12-3456789")
    assert _fields(with_number) == {"businessRegistrationNumber"}
