"""Fuzzing the Dashboard API's XML readers: the parser, every decoder, the error reader, and
the client end to end with whatever a server (or a proxy in front of it) might answer.

The contract under test: an answer becomes either the record the call promises or one
BandwidthError with a kind, a plain one-line sentence and a hint; never another exception, a
traceback, or a control character from the server reaching the terminal.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import httpx
from hypothesis import example, given
from hypothesis import strategies as st

from tests.reliability.fuzz import CONTENT_TYPES, STATUSES, fuzz, run, xml_bodies
from wizard.bandwidth import xml
from wizard.bandwidth.auth import basic_auth
from wizard.bandwidth.dashboard import DashboardClient, id_from_location
from wizard.bandwidth.errors import KINDS, BandwidthError
from wizard.bandwidth.models import Account, Application, Location, Order, Site
from wizard.bandwidth.transport import RetryPolicy

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

DECODERS = [
    xml.decode_account,
    xml.decode_sites,
    xml.decode_site,
    xml.decode_applications,
    xml.decode_application,
    lambda doc: xml.decode_locations(doc, "10001"),
    lambda doc: xml.decode_location(doc, "10001"),
    xml.decode_sms,
    xml.decode_mms,
    xml.decode_application_settings,
    xml.decode_search,
    xml.decode_in_service,
    xml.decode_order,
    xml.decode_order_list,
    xml.find_errors,
]


@fuzz(800)
@given(xml_bodies)
@example(b"<a>" * 5000)
@example(b'<?xml version="1.0" encoding="utf-16"?><a/>')
def test_parse_and_every_decoder_either_read_or_refuse(body: bytes) -> None:
    try:
        doc = xml.parse(body)
    except xml.XmlDecodeError as error:
        assert str(error).startswith("not well-formed XML")
        return
    assert isinstance(doc, dict)
    for decode in DECODERS:
        # XmlDecodeError is "no <Application> in the answer": the clients make it BandwidthError.
        with contextlib.suppress(xml.XmlDecodeError):
            decode(doc)
    for code, description in xml.find_errors(doc):
        assert code is None or isinstance(code, str)
        assert isinstance(description, str)


@fuzz(150)
@given(st.text(max_size=60))
@example("http://[::1/api/sippeers/1")
@example("//x]:80/a")
def test_location_header_gives_an_id_or_none(header: str) -> None:
    new_id = id_from_location(header)
    assert new_id is None or (isinstance(new_id, str) and new_id and "/" not in new_id)


# -- the client, end to end over a mocked wire --------------------------------------------------

OPERATIONS: list[tuple[str, Any, tuple[type, ...]]] = [
    ("get_account", lambda c: c.get_account(), (Account,)),
    ("list_sites", lambda c: c.list_sites(), (list,)),
    ("create_site", lambda c: c.create_site("S"), (Site,)),
    ("list_applications", lambda c: c.list_applications(), (list,)),
    ("get_application", lambda c: c.get_application("a/../b"), (Application,)),
    ("find_application", lambda c: c.find_application_by_name("n"), (Application, type(None))),
    ("create_application", lambda c: c.create_application("n", "https://e.com/c"), (Application,)),
    ("create_location", lambda c: c.create_location("10001", "L"), (Location,)),
    ("get_location", lambda c: c.get_location("10001", "5"), (Location,)),
    ("find_location", lambda c: c.find_location_by_name("10001", "L"), (Location, type(None))),
    ("enable_sms", lambda c: c.enable_sms("10001", "5"), (object,)),
    ("get_sms", lambda c: c.get_sms("10001", "5"), (object,)),
    ("enable_mms", lambda c: c.enable_mms("10001", "5"), (object,)),
    ("get_mms", lambda c: c.get_mms("10001", "5"), (object,)),
    ("assign", lambda c: c.assign_application("10001", "5", "app"), (str,)),
    ("get_settings", lambda c: c.get_application_settings("10001", "5"), (str, type(None))),
    ("search", lambda c: c.search_available_numbers("919", 2), (list,)),
    ("create_order", lambda c: c.create_order("10001", "5", "919", 1, "ref"), (Order,)),
    ("get_order", lambda c: c.get_order("o-1"), (Order,)),
    ("find_order", lambda c: c.find_order_by_customer_order_id("ref"), (Order, type(None))),
    ("in_service", lambda c: c.list_in_service_numbers(), (list,)),
]

answers = st.fixed_dictionaries(
    {
        "status": STATUSES,
        "content_type": CONTENT_TYPES,
        "body": xml_bodies,
        "location": st.one_of(
            st.none(),
            st.sampled_from(["https://d.example/api/accounts/1/sites/1/sippeers/500101", "/x/"]),
            st.text(max_size=30),
            st.just("https://evil.example/\x1b[2J\x1b]0;owned\x07"),
        ),
        "retry_after": st.one_of(st.none(), st.sampled_from(["1", "soon", "-5", "1e309", "99"])),
    }
)


def check_error(error: BandwidthError) -> None:
    assert error.kind in KINDS
    sentence = str(error)
    assert sentence and "Traceback" not in sentence
    assert not CONTROL.search(sentence), f"control characters reach the screen: {sentence!r}"
    if error.status is not None and error.status >= 400:
        assert error.hint, f"no hint for HTTP {error.status}: {sentence}"


@fuzz(600)
@given(st.sampled_from(OPERATIONS), st.data())
def test_dashboard_answers_become_records_or_one_error(operation, data) -> None:
    name, call, expected = operation
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        drawn = data.draw(answers, label=f"answer {len(seen)}")
        headers: list[tuple[bytes, bytes]] = []
        if drawn["content_type"]:
            headers.append((b"content-type", drawn["content_type"].encode()))
        if drawn["location"] is not None and not set(drawn["location"]) & set("\r\n\x00"):
            # Raw bytes, as a server may send them: not always ASCII.
            headers.append((b"location", drawn["location"].encode("utf-8")))
        if drawn["retry_after"]:
            headers.append((b"retry-after", drawn["retry_after"].encode()))
        return httpx.Response(drawn["status"], content=drawn["body"], headers=headers)

    async def go() -> Any:
        async def no_sleep(_: float) -> None:
            return None

        async with DashboardClient(
            "https://dashboard.example/api",
            "9900000",
            basic_auth("user", "pw-marker-123"),
            transport=httpx.MockTransport(answer),
            retry=RetryPolicy(max_attempts=2, base_delay=0, max_delay=0, max_total_wait=1),
            sleep=no_sleep,
        ) as client:
            return await call(client)

    try:
        result = run(go)
    except BandwidthError as error:
        check_error(error)
        assert "pw-marker-123" not in str(error)
        return
    assert isinstance(result, expected), f"{name} gave {result!r}"
    assert len(seen) <= 12, f"{name} sent {len(seen)} requests for one call"
