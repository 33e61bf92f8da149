"""Toll-free verification over plain HTTP: validation with Bandwidth's limits, review outcomes
on the sandbox clock (VERIFIED, a decline that may be resubmitted, ones that may not), and the
resubmission rules."""

from __future__ import annotations

import copy

import pytest
from sbx_helpers import Api, tfv_request

DAY = 24 * 3600.0


@pytest.fixture
def api(clocked):
    server, clock = clocked
    client = Api(server.base_url, server.identity, clock=clock.advance)
    yield client
    client.close()


@pytest.fixture
def clock(clocked):
    return clocked[1]


@pytest.fixture
def toll_free(api):
    location = api.create_location()
    assert api.enable_sms(location).status_code == 201
    (number,) = api.order_toll_free(location)
    return "+1" + number


def submit(api: Api, body: dict):
    return api.json("POST", f"{api.v2}/tollFreeVerification", body)


def status(api: Api, number: str) -> dict:
    answer = api.json("GET", f"{api.v2}/phoneNumbers/{number}/tollFreeVerification")
    assert answer.status_code == 200, answer.text
    return answer.json()


def resubmit(api: Api, number: str, body: dict):
    submission = copy.deepcopy(body)
    submission.pop("phoneNumbers", None)
    return api.json(
        "PUT", f"{api.v2}/phoneNumbers/{number}/tollFreeVerification", {"submission": submission}
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"messageVolume": 9}, "messageVolume"),
        ({"messageVolume": 10_000_001}, "messageVolume"),
        ({"messageVolume": None}, "messageVolume"),
        ({"phoneNumbers": []}, "phoneNumbers"),
        ({"phoneNumbers": [f"+1800555{i:04d}" for i in range(11)]}, "phoneNumbers"),
        ({"phoneNumbers": ["+19195550100"]}, "phoneNumbers[0]"),
        ({"businessContact__email": "not-an-email"}, "businessContact.email"),
        ({"businessContact__phoneNumber": "919"}, "businessContact.phoneNumber"),
        ({"businessAddress__zip": "2760"}, "businessAddress.zip"),
        ({"businessAddress__url": "not a url"}, "businessAddress.url"),
        ({"businessAddress__city": None}, "businessAddress.city"),
        ({"useCaseSummary": "x" * 501}, "useCaseSummary"),
        ({"productionMessageContent": None}, "productionMessageContent"),
        ({"optInWorkflow__imageUrls": []}, "optInWorkflow.imageUrls"),
        ({"privacyPolicyUrl": "nope"}, "privacyPolicyUrl"),
        ({"businessEntityType": "LLC"}, "businessEntityType"),
        ({"businessEntityType": "PRIVATE_PROFIT"}, "businessRegistrationNumber"),
        ({"businessRegistrationNumber": "12-3456789"}, "businessRegistrationNumber"),
    ],
)
def test_validation_errors_name_each_field(api, toll_free, changes, field):
    answer = submit(api, tfv_request(toll_free, **changes))
    assert answer.status_code == 400
    body = answer.json()
    assert body["type"] and body["description"]
    assert field in body["errors"], body["errors"]
    assert all(isinstance(v, list) and v for v in body["errors"].values())
    assert api.state()["toll_free_verifications"] == []


def test_a_registered_business_with_its_number_is_accepted(api, toll_free):
    body = tfv_request(
        toll_free,
        businessEntityType="PRIVATE_PROFIT",
        businessRegistrationNumber="12-3456789",
        businessRegistrationType="EIN",
        businessRegistrationIssuingCountry="USA",
    )
    assert submit(api, body).status_code == 202


def test_pending_then_verified_then_withdrawn(api, clock, toll_free):
    assert status(api, toll_free) == {"phoneNumber": toll_free, "status": "UNVERIFIED"}
    answer = submit(api, tfv_request(toll_free))
    assert answer.status_code == 202 and answer.content == b""
    pending = status(api, toll_free)
    assert pending["status"] == "PENDING" and "declineReasonDescription" not in pending
    assert pending["submission"]["useCase"] == "2FA"
    assert "phoneNumbers" not in pending["submission"]
    clock.advance(3.0)
    verified = status(api, toll_free)
    assert verified["status"] == "VERIFIED" and verified["internalTicketNumber"]
    refused = resubmit(api, toll_free, tfv_request(toll_free))
    assert refused.status_code == 400  # nothing to resubmit once verified
    path = f"{api.v2}/phoneNumbers/{toll_free}/tollFreeVerification"
    assert api.json("DELETE", path).status_code == 204
    assert status(api, toll_free)["status"] == "UNVERIFIED"
    assert api.json("DELETE", path).status_code == 404


def test_a_decline_that_may_be_resubmitted_within_seven_days(api, clock, toll_free):
    assert (
        submit(api, tfv_request(toll_free, businessContact__email="jane@gmail.com")).status_code
        == 202
    )
    clock.advance(3.0)
    declined = status(api, toll_free)
    assert declined["status"] == "UNVERIFIED"
    assert declined["denialStatusCode"] == 1101 and declined["resubmitAllowed"] is True
    assert "Official Domain" in declined["declineReasonDescription"]
    fixed = resubmit(api, toll_free, tfv_request(toll_free))
    assert fixed.status_code == 202
    assert status(api, toll_free)["status"] == "PENDING"
    clock.advance(3.0)
    assert status(api, toll_free)["status"] == "VERIFIED"

    # A second decline, left alone for more than seven days, can no longer be resubmitted.
    assert (
        submit(api, tfv_request(toll_free, businessContact__email="j@yahoo.com")).status_code == 202
    )
    clock.advance(3.0 + 7 * DAY)
    assert status(api, toll_free)["resubmitAllowed"] is False
    assert resubmit(api, toll_free, tfv_request(toll_free)).status_code == 400


def test_declines_that_may_not_be_resubmitted(api, clock, toll_free):
    gambling = tfv_request(toll_free, useCaseSummary="Odds and casino bonuses for our players.")
    assert submit(api, gambling).status_code == 202
    not_ours = "+18005550199"
    assert submit(api, tfv_request(not_ours)).status_code == 202
    clock.advance(3.0)
    declined = status(api, toll_free)
    assert declined["denialStatusCode"] == 511 and declined["resubmitAllowed"] is False
    assert declined["declineReasonDescription"] == "Disallowed Content - Gambling"
    assert resubmit(api, toll_free, tfv_request(toll_free)).status_code == 400
    foreign = status(api, not_ours)
    assert foreign["denialStatusCode"] == 1002 and foreign["resubmitAllowed"] is False


def test_resubmitting_while_pending_restarts_the_review(api, clock, toll_free):
    assert (
        submit(api, tfv_request(toll_free, businessContact__email="j@gmail.com")).status_code == 202
    )
    clock.advance(2.0)
    assert resubmit(api, toll_free, tfv_request(toll_free)).status_code == 202
    clock.advance(2.0)
    assert status(api, toll_free)["status"] == "PENDING"  # the review started again
    clock.advance(1.0)
    assert status(api, toll_free)["status"] == "VERIFIED"


def test_numbers_paths_and_methods(api, toll_free):
    base = f"{api.v2}/phoneNumbers"
    assert api.json("GET", f"{base}/+18005550199/tollFreeVerification").status_code == 404
    local = api.json("GET", f"{base}/+19195550100/tollFreeVerification")
    assert local.status_code == 400 and "phoneNumber" in local.json()["errors"]
    assert resubmit(api, "+18005550199", tfv_request("+18005550199")).status_code == 404
    no_wrapper = api.json("PUT", f"{base}/{toll_free}/tollFreeVerification", tfv_request(toll_free))
    assert no_wrapper.status_code == 400 and "submission" in no_wrapper.json()["errors"]
    wrong_method = api.json(
        "POST", f"{base}/{toll_free}/tollFreeVerification", tfv_request(toll_free)
    )
    assert wrong_method.status_code == 405 and wrong_method.json()["type"]
    use_cases = api.json("GET", "/api/v2/tollFreeVerification/useCases").json()
    assert use_cases[:3] == ["2FA", "App Notifications", "Appointments"]
