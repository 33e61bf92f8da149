"""Bandwidth's own Python SDKs, pointed at the sandbox, work as they would against Bandwidth today.

- `bandwidth-sdk` 23.3.1: Messaging with its OAuth2 path (client id + secret, token URL pointed at
  the sandbox) sends a message; with a username and password it gets 401, as Bandwidth answers
  since API users were decommissioned; its TollFreeVerificationApi works end to end.
- `bandwidth-numbers-sdk` 1.2.0 (Dashboard XML): it signs in with Basic unless given a token; its
  own client-credentials path posts to the hard-coded https://api.bandwidth.com token URL, so it
  cannot be pointed at the sandbox. Given an `access_token` fetched from the sandbox it sends
  `Authorization: Bearer` and everything works; with Basic it gets 401 (unless legacy_api_users).
"""

from __future__ import annotations

import time

import bandwidth
import pytest
import requests
from bandwidth.exceptions import BadRequestException, NotFoundException, UnauthorizedException
from bandwidth.models.address import Address
from bandwidth.models.business_entity_type_enum import BusinessEntityTypeEnum
from bandwidth.models.contact import Contact
from bandwidth.models.message_request import MessageRequest
from bandwidth.models.opt_in_workflow import OptInWorkflow
from bandwidth.models.tfv_submission_wrapper import TfvSubmissionWrapper
from bandwidth.models.verification_request import VerificationRequest
from bandwidth.models.verification_update_request import VerificationUpdateRequest
from bandwidth_numbers import Account, Client, RestError
from sbx_helpers import REGISTERED_CAMPAIGN, Api

from tests.waiting import wait_for


@pytest.fixture
def no_proxy(monkeypatch):
    # The numbers SDK uses requests, which honours proxy variables: keep loopback direct.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def api(sandbox):
    client = Api(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


@pytest.fixture
def account(sandbox, api, no_proxy):
    """The numbers SDK with a bearer token from the sandbox's token endpoint."""
    client = Client(
        url=sandbox.api_v2_url,
        account_id=sandbox.identity.account_id,
        access_token=api.auth.fetch(),
        access_token_expiration=int(time.time()) + 3600,
    )
    return Account(client=client)


def test_numbers_sdk_with_basic_is_refused_unless_legacy_api_users(sandbox, api, no_proxy):
    identity = sandbox.identity
    client = Client(
        url=sandbox.dashboard_url,
        account_id=identity.account_id,
        username=identity.username,
        password=identity.password,
    )
    with pytest.raises(requests.HTTPError) as raised:
        Account(client=client).get()
    assert raised.value.response.status_code == 401
    api.config(legacy_api_users=True)
    legacy = Account(client=client)
    legacy.get()
    assert legacy.account_id == "9900000"


def test_numbers_sdk_account_sites_and_sip_peers(account):
    account.get()
    assert account.account_id == "9900000"
    assert [(s.id, s.name) for s in account.sites.list().items] == [
        ("10001", "Sandbox sub-account")
    ]
    created = account.sites.create(
        {
            "name": "SDK site",
            "address": {
                "house_number": "1",
                "street_name": "Main",
                "city": "Cary",
                "state_code": "NC",
                "zip": "27513",
                "address_type": "Service",
            },
        }
    )
    assert created.id == "10002"  # taken from the Location header, as the SDK does
    with pytest.raises(RestError, match="12546"):
        account.sites.create({"name": "No address"})
    site = account.sites.get("10001")
    peer = site.sip_peers.create({"peer_name": "SDK peer", "is_default_peer": "true"})
    assert peer.id  # the SDK reads it from the Location header of a body-less 201
    listed = site.sip_peers.list().items
    assert [(p.peer_id, p.peer_name, p.is_default_peer) for p in listed] == [
        (peer.id, "SDK peer", "true")
    ]
    assert site.sip_peers.get(peer.id).peer_name == "SDK peer"
    with pytest.raises(RestError, match="13524"):
        site.sip_peers.create({"peer_name": "SDK peer"})


def test_numbers_sdk_search_order_and_in_service(account):
    site = account.sites.get("10001")
    peer = site.sip_peers.create({"peer_name": "Numbers", "is_default_peer": "true"})
    offered = account.available_numbers.list({"areaCode": "919", "quantity": 2}).items
    assert len(offered) == 2 and all(n.startswith("919") for n in offered)
    order = account.orders.create(
        {
            "name": "SDK order",
            "site_id": "10001",
            "peer_id": peer.id,
            "customer_order_id": "sdk-1",
            "area_code_search_and_order_type": {"area_code": "919", "quantity": "2"},
        }
    )
    assert order.order_status == "RECEIVED" and order.id

    def finished():
        fetched = account.orders.get(order.id)
        return fetched if fetched.order_status == "COMPLETE" else None

    done = wait_for(finished)
    assert done.completed_quantity == "2"
    assert sorted(done.completed_numbers.items) == sorted(offered)
    # ListOrders needs page and size today; the SDK passes query parameters through.
    listed = account.orders.list({"customerOrderId": "sdk-1", "page": 1, "size": 10}).items
    assert [(o.order_id, o.order_status) for o in listed] == [(order.id, "COMPLETE")]
    assert sorted(account.in_service_numbers.list().items) == sorted(offered)


def test_numbers_sdk_sees_partial_orders_as_data_not_errors(account):
    site = account.sites.get("10001")
    peer = site.sip_peers.create({"peer_name": "Partial", "is_default_peer": "true"})
    order = account.orders.create(
        {
            "site_id": "10001",
            "peer_id": peer.id,
            "area_code_search_and_order_type": {"area_code": "222", "quantity": "2"},
        }
    )
    done = wait_for(lambda: (o := account.orders.get(order.id)).order_status == "PARTIAL" and o)
    assert done.failed_quantity == "1" and len(done.failed_numbers.items) == 1
    assert done.error_list.error.items[0].code == "5005"


def test_numbers_sdk_tn_option_order_model_assigns_a_campaign(sandbox, api, account):
    ready = api.ready_account(register=False)
    number = ready["number"]
    created = account.tn_option_orders.create(
        {
            "customer_order_id": "sdk-a2p",
            "tn_option_groups": {
                "tn_option_group": [
                    {
                        "a2p_settings": {
                            "action": "asSpecified",
                            "campaign_id": REGISTERED_CAMPAIGN,
                            "message_class": "M",
                        },
                        "telephone_numbers": {"telephone_number": ["+1" + number, "2125550100"]},
                    }
                ]
            },
        }
    )
    assert created.order_id and created.processing_status == "RECEIVED"

    def final():
        order = account.tn_option_orders.get(created.order_id)
        return order if order.processing_status not in ("RECEIVED", "PROCESSING") else None

    done = wait_for(final)
    assert done.processing_status == "PARTIAL"  # one number is not on the account
    (error,) = done.error_list.error.items
    assert (error.code, error.telephone_number) == ("5076", "2125550100")
    group = done.tn_option_groups.tn_option_group.items[0]
    assert group.a2p_settings.campaign_id == REGISTERED_CAMPAIGN
    details = account.client.get(f"/tns/{number}/tndetails")
    assert b"<CampaignId>CA1B2C3</CampaignId>" in details.content
    assert b"<A2pState>overridden</A2pState>" in details.content


def messages_api(config: bandwidth.Configuration) -> bandwidth.MessagesApi:
    return bandwidth.MessagesApi(bandwidth.ApiClient(config))


def test_messaging_sdk_with_oauth2_client_credentials(sandbox, api):
    ready = api.ready_account()
    identity = sandbox.identity
    config = bandwidth.Configuration(
        host=sandbox.messaging_url,
        ignore_operation_servers=True,
        client_id=identity.client_id,
        client_secret=identity.client_secret,
        access_token_url=sandbox.oauth_token_url,
    )
    request = MessageRequest(
        application_id=ready["app_id"],
        to=["+19195550123"],
        var_from="+1" + ready["number"],
        text="Hello with a token",
        tag="sdk",
    )
    message = messages_api(config).create_message(identity.account_id, request)
    assert message.id and message.segment_count == 1
    assert message.direction.value == "out" and message.to == ["+19195550123"]
    assert message.application_id == ready["app_id"] and message.tag == "sdk"
    assert config.temp_access_token and config.temp_access_token_expiration > 0
    assert config.temp_access_token.count(".") == 2  # a JWT

    bad = MessageRequest(
        application_id=ready["app_id"], to=["+1919"], var_from="+1" + ready["number"], text="x"
    )
    with pytest.raises(BadRequestException) as raised:
        messages_api(config).create_message(identity.account_id, bad)
    assert "request-validation" in raised.value.body


def test_messaging_sdk_with_username_and_password_gets_401(sandbox, api):
    ready = api.ready_account(register=False)
    identity = sandbox.identity
    config = bandwidth.Configuration(
        host=sandbox.messaging_url,
        ignore_operation_servers=True,
        username=identity.username,
        password=identity.password,
    )
    request = MessageRequest(
        application_id=ready["app_id"], to=["+19195550123"], var_from="+1" + ready["number"]
    )
    with pytest.raises(UnauthorizedException) as raised:
        messages_api(config).create_message(identity.account_id, request)
    assert "Authentication Failed" in raised.value.body
    assert api.state()["messages"] == []


# -- toll-free verification ----------------------------------------------------------------


def tfv_api(sandbox) -> bandwidth.TollFreeVerificationApi:
    identity = sandbox.identity
    config = bandwidth.Configuration(
        host=sandbox.api_v2_url,
        ignore_operation_servers=True,
        client_id=identity.client_id,
        client_secret=identity.client_secret,
        access_token_url=sandbox.oauth_token_url,
    )
    return bandwidth.TollFreeVerificationApi(bandwidth.ApiClient(config))


def verification(number: str, email: str = "jane@acme-example.com") -> VerificationRequest:
    return VerificationRequest(
        business_address=Address(
            name="Acme Sandbox",
            addr1="900 Main Campus Dr",
            city="Raleigh",
            state="NC",
            zip="27606",
            url="https://acme-example.com",
        ),
        business_contact=Contact(
            first_name="Jane", last_name="Doe", email=email, phone_number="+19195550100"
        ),
        message_volume=1000,
        phone_numbers=[number],
        use_case="2FA",
        use_case_summary="Login codes for Acme customers who asked for them.",
        production_message_content="Your Acme code is 123456.",
        opt_in_workflow=OptInWorkflow(
            description="Customers tick a box when they sign up.",
            image_urls=["https://acme-example.com/opt-in.png"],
        ),
        business_entity_type=BusinessEntityTypeEnum.SOLE_PROPRIETOR,
    )


@pytest.fixture
def toll_free(api):
    location = api.create_location()
    assert api.enable_sms(location).status_code == 201
    (number,) = api.order_toll_free(location)
    return "+1" + number


def test_toll_free_verification_api_submit_then_verified(sandbox, api, toll_free):
    tfv = tfv_api(sandbox)
    account_id = sandbox.identity.account_id
    assert "2FA" in tfv.list_toll_free_use_cases()
    assert tfv.get_toll_free_verification_status(account_id, toll_free).status.value == (
        "UNVERIFIED"
    )
    tfv.request_toll_free_verification(account_id, verification(toll_free))
    pending = tfv.get_toll_free_verification_status(account_id, toll_free)
    assert pending.status.value == "PENDING"
    assert pending.submission.business_address.name == "Acme Sandbox"
    done = wait_for(
        lambda: (
            (s := tfv.get_toll_free_verification_status(account_id, toll_free)).status.value
            == "VERIFIED"
            and s
        )
    )
    assert done.phone_number == toll_free and done.internal_ticket_number
    tfv.delete_verification_request(account_id, toll_free)
    with pytest.raises(NotFoundException):
        tfv.delete_verification_request(account_id, toll_free)


def test_toll_free_verification_api_decline_and_resubmit(sandbox, api, toll_free):
    tfv = tfv_api(sandbox)
    account_id = sandbox.identity.account_id
    tfv.request_toll_free_verification(
        account_id, verification(toll_free, email="jane.doe@gmail.com")
    )
    declined = wait_for(
        lambda: (
            (s := tfv.get_toll_free_verification_status(account_id, toll_free)).status.value
            == "UNVERIFIED"
            and s
        )
    )
    assert declined.denial_status_code == 1101 and declined.resubmit_allowed is True
    assert declined.decline_reason_description
    fixed = verification(toll_free).to_dict()
    del fixed["phoneNumbers"]
    wrapper = TfvSubmissionWrapper(submission=VerificationUpdateRequest.from_dict(fixed))
    tfv.update_toll_free_verification_request(account_id, toll_free, wrapper)
    assert tfv.get_toll_free_verification_status(account_id, toll_free).status.value == "PENDING"
    wait_for(
        lambda: (
            tfv.get_toll_free_verification_status(account_id, toll_free).status.value == "VERIFIED"
        )
    )


def test_toll_free_verification_api_validation_errors(sandbox, toll_free):
    tfv = tfv_api(sandbox)
    request = verification(toll_free)
    request.business_entity_type = BusinessEntityTypeEnum.PRIVATE_PROFIT  # needs a registration
    with pytest.raises(BadRequestException) as raised:
        tfv.request_toll_free_verification(sandbox.identity.account_id, request)
    body = raised.value.data
    assert body.type and body.description
    assert "businessRegistrationNumber" in body.errors
