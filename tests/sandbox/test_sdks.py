"""Bandwidth's own Python SDKs, pointed at the sandbox, work as they would against Bandwidth.

`bandwidth-numbers-sdk` 1.2.0 (Dashboard API: sites, SIP peers, number search, orders) and
`bandwidth-sdk` 23.3.1 (Messaging API with a custom host, Basic and OAuth2).
"""

from __future__ import annotations

import bandwidth
import pytest
from bandwidth.exceptions import BadRequestException, UnauthorizedException
from bandwidth.models.message_request import MessageRequest
from bandwidth_numbers import Account, Client, RestError
from sbx_helpers import Api, wait_for


@pytest.fixture
def account(sandbox, monkeypatch):
    # The numbers SDK uses requests, which honours proxy variables: keep loopback direct.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    identity = sandbox.identity
    client = Client(
        url=sandbox.dashboard_url,
        account_id=identity.account_id,
        username=identity.username,
        password=identity.password,
    )
    return Account(client=client)


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
    listed = account.orders.list({"customerOrderId": "sdk-1"}).items
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


def messages_api(config: bandwidth.Configuration) -> bandwidth.MessagesApi:
    return bandwidth.MessagesApi(bandwidth.ApiClient(config))


@pytest.fixture
def ready(sandbox):
    api = Api(sandbox.base_url, sandbox.identity)
    try:
        yield api.ready_account()
    finally:
        api.close()


def test_messaging_sdk_with_basic_auth_and_a_custom_host(sandbox, ready):
    identity = sandbox.identity
    config = bandwidth.Configuration(
        host=sandbox.messaging_url,
        ignore_operation_servers=True,
        username=identity.username,
        password=identity.password,
    )
    request = MessageRequest(
        application_id=ready["app_id"],
        to=["+19195550123"],
        var_from="+1" + ready["number"],
        text="Hello from the SDK",
        tag="sdk",
    )
    message = messages_api(config).create_message(identity.account_id, request)
    assert message.id and message.segment_count == 1
    assert message.direction.value == "out" and message.to == ["+19195550123"]
    assert message.application_id == ready["app_id"] and message.tag == "sdk"
    assert message.time is not None

    bad = MessageRequest(
        application_id=ready["app_id"], to=["+1919"], var_from="+1" + ready["number"], text="x"
    )
    with pytest.raises(BadRequestException) as raised:
        messages_api(config).create_message(identity.account_id, bad)
    assert "request-validation" in raised.value.body

    config.password = "wrong"
    with pytest.raises(UnauthorizedException):
        messages_api(config).create_message(identity.account_id, request)


def test_messaging_sdk_with_oauth2_client_credentials(sandbox, ready):
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
    )
    message = messages_api(config).create_message(identity.account_id, request)
    assert message.id
    assert config.temp_access_token and config.temp_access_token_expiration > 0
