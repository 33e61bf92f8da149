"""The sandbox's pieces without HTTP: numbers, order lifecycle, XML, caps, start and stop."""

from __future__ import annotations

import socket

import httpx
import pytest

from wizard.sandbox.config import SandboxConfig
from wizard.sandbox.identity import Identity
from wizard.sandbox.messaging import normalize_number, segment_count
from wizard.sandbox.orders import (
    NumberPool,
    is_valid_area_code,
    plan_area_code_order,
    status_at,
    summary,
)
from wizard.sandbox.server import SandboxServer, SandboxStartError, SandboxThread
from wizard.sandbox.state import Message, SandboxState
from wizard.sandbox.xml import XmlBodyError, el, leaf, parse, render


def test_number_pool_is_deterministic_and_valid():
    first = NumberPool(7).available("919", 50, set())
    assert first == NumberPool(7).available("919", 50, set())
    assert first != NumberPool(8).available("919", 50, set())
    assert len(set(first)) == 50
    for number in first:
        exchange = number[3:6]
        assert number.startswith("919") and exchange[0] in "23456789"
        assert exchange[1:] != "11" and exchange != "555"
    assert NumberPool(7).available("919", 2, set(first[:1])) == first[1:3]
    assert NumberPool(7).available("777", 5, set()) == []


@pytest.mark.parametrize("code", ["919", "201", "800", "222", "333", "444", "777"])
def test_valid_area_codes(code):
    assert is_valid_area_code(code)


@pytest.mark.parametrize("code", ["911", "191", "090", "190", "99", "9199", "abc", "292"[:2]])
def test_invalid_area_codes(code):
    assert not is_valid_area_code(code)


def test_status_moves_over_the_delay():
    assert [status_at(t, 3.0, "COMPLETE") for t in (0, 0.9, 1.0, 2.9, 3.0, 10)] == [
        "RECEIVED",
        "RECEIVED",
        "PROCESSING",
        "PROCESSING",
        "COMPLETE",
        "COMPLETE",
    ]
    assert status_at(0, 0, "FAILED") == "FAILED"


def test_partial_not_allowed_fails_the_whole_order():
    numbers = ["2222000001", "2222000002"]
    assert plan_area_code_order("222", numbers, True).status == "PARTIAL"
    refused = plan_area_code_order("222", numbers, False)
    assert refused.status == "FAILED" and refused.failed == numbers
    assert summary(2, ["919", "919"]) == "2 numbers ordered in (919)"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("+19195551212", "+19195551212"),
        ("9195551212", "+19195551212"),
        ("19195551212", "+19195551212"),
        ("+529876543210", "+529876543210"),
        ("12345", "12345"),
        ("+1919555121", None),
        ("919-555-1212", None),
        (19195551212, None),
    ],
)
def test_normalize_number(given, expected):
    assert normalize_number(given) == expected


def test_segment_count():
    assert segment_count("a" * 160) == 1
    assert segment_count("a" * 161) == 2
    assert segment_count("{" * 80) == 1 and segment_count("{" * 81) == 2
    assert segment_count("é" * 160) == 1  # é is in the GSM-7 alphabet
    assert segment_count("ł" * 70) == 1 and segment_count("ł" * 71) == 2


def test_xml_helpers():
    xml = render(el("A", leaf("B", None), el("C", text=True), [el("D", text=1)]))
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<A>')
    assert b"<B>" not in xml and b"<C>true</C>" in xml and b"<D>1</D>" in xml
    for bad in (b"", b"  ", b"<a>", b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'):
        with pytest.raises(XmlBodyError):
            parse(bad)


def test_identity_repr_hides_secrets():
    text = repr(Identity())
    assert "sandbox-password" not in text and "sandbox-secret" not in text
    assert "s-sandbox" not in text and "9900000" in text
    assert "password" not in Identity().public()


def test_messages_and_attempts_are_capped():
    state = SandboxState(SandboxConfig(max_messages=3, max_callback_attempts=4))
    for index in range(5):
        state.add_message(
            Message(
                id=str(index),
                owner="+1",
                application_id="a",
                time="t",
                segment_count=1,
                to=["+1"],
                from_number="+1",
                text="",
            )
        )
        state.record_attempt({"n": index})
        state.record_attempt({"n": index})
    assert list(state.messages) == ["2", "3", "4"]
    assert len(state.callback_attempts) == 4
    assert state.callback_attempts[-1]["seq"] == 10


async def test_in_loop_server_starts_and_stops_on_a_free_port():
    server = SandboxServer(SandboxConfig(port=0))
    await server.start()
    try:
        async with httpx.AsyncClient(trust_env=False) as client:
            token = await client.post(
                server.oauth_token_url,
                data={"grant_type": "client_credentials"},
                auth=("sandbox-client", "sandbox-secret"),
            )
            bearer = {"Authorization": "Bearer " + token.json()["access_token"]}
            answer = await client.get(server.api_v2_url + "/accounts/9900000", headers=bearer)
        assert answer.status_code == 200
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.api_v2_url.endswith("/api/v2")
        assert server.messaging_url.endswith("/api/v2")
        assert server.legacy_messaging_url.endswith("/v2")
        assert server.oauth_token_url.endswith("/api/v1/oauth2/token")
    finally:
        await server.stop()
    await server.stop()  # twice is fine


def test_a_busy_port_is_a_plain_sentence():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SandboxStartError, match=f"Port {port} .* already in use"):
            SandboxThread(SandboxConfig(port=port)).start()


def test_custom_identity_is_honoured(sandbox_server):
    identity = Identity(account_id="1234567", username="me", password="pw", site_id="77")
    config = SandboxConfig(port=0, identity=identity, legacy_api_users=True)
    with SandboxThread(config) as other:
        assert other.port != sandbox_server.port
        answer = httpx.get(
            f"{other.dashboard_url}/accounts/1234567/sites", auth=("me", "pw"), trust_env=False
        )
        assert answer.status_code == 200 and "<Id>77</Id>" in answer.text


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/accounts/9900000", None),
        ("/api/v2/accounts/9900000/sites", "Sub-Accounts"),
        ("/api/v2/accounts/9900000/sites/1/sippeers/2", "Sub-Accounts"),
        ("/api/accounts/9900000/sites/1/sippeers/2/products/messaging/features/sms", "Messaging"),
        ("/api/accounts/9900000/sites/1/sippeers/2/tns", "Numbers"),
        ("/api/v2/accounts/9900000/applications/abc", "HTTP Application Management"),
        ("/api/v2/accounts/9900000/orders", "Numbers"),
        ("/api/v2/accounts/9900000/tnoptions/x", "Numbers"),
        ("/api/v2/accounts/9900000/disconnects", "Numbers"),
        ("/api/v2/tns/9195550100/tndetails", "Numbers"),
        ("/api/v2/accounts/9900000/tendlc/campaigns", "Campaign Management"),
        ("/api/v2/accounts/9900000/tollFreeVerification", "TFV"),
        ("/api/v2/accounts/9900000/phoneNumbers/+18005550100/tollFreeVerification", "TFV"),
        ("/api/v2/tollFreeVerification/useCases", "TFV"),
        ("/api/v2/users/9900000/messages", "Messaging"),
    ],
)
def test_the_role_each_path_needs(path, role):
    from wizard.sandbox.roles import required_role

    assert required_role(path) == role


def test_which_paths_answer_json():
    from wizard.sandbox.paths import is_json_path

    for path in (
        "/v2/users/u/messages",
        "/api/v1/oauth2/token",
        "/api/v2/users/9900000/messages",
        "/api/v2/accounts/9900000/tendlc/campaigns",
        "/api/v2/accounts/9900000/tollFreeVerification",
        "/api/v2/accounts/9900000/phoneNumbers/+18005550100/tollFreeVerification",
        "/api/v2/tollFreeVerification/useCases",
    ):
        assert is_json_path(path), path
    for path in ("/api/v2/accounts/9900000/sites", "/api/accounts/9900000/orders", "/api/v2/tns/1"):
        assert not is_json_path(path), path


def test_toll_free_patterns():
    from wizard.sandbox.tollfree import is_toll_free, matching_prefixes, valid_pattern

    assert matching_prefixes("8**") == ["800", "833", "844", "855", "866", "877", "888"]
    assert matching_prefixes("8*8") == ["888"] and matching_prefixes("81*") == []
    assert [valid_pattern(p) for p in ("8**", "80*", "9**", "8*", "8ab")] == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert is_toll_free("+18885550100") and is_toll_free("8885550100")
    assert not is_toll_free("+19195550100") and not is_toll_free("888555")


def test_tokens_verify_their_signature_and_expire_on_the_clock():
    from wizard.sandbox.tokens import TokenBook, decode, encode

    book = TokenBook(b"k" * 32)
    token = book.issue({"jti": "1", "roles": ["Messaging"]}, expires_at=10.0)
    assert book.claims(token, 9.9) == {"jti": "1", "roles": ["Messaging"]}
    assert book.claims(token, 10.0) is None
    assert decode(token, b"other-key" * 4) is None
    assert decode(encode({"jti": "2"}, b"k" * 32), b"k" * 32) == {"jti": "2"}
    assert book.claims(encode({"jti": "2"}, b"k" * 32), 0.0) is None  # not issued here
    assert decode("not.a.jwt", b"k") is None and decode("one-part", b"k") is None
