"""Shared pieces for the fuzz tests: one bounded, deterministic hypothesis profile and the
strategies that make hostile input look enough like Bandwidth's to get past the first check.

Deterministic on purpose: the suite's hypothesis profile (tests/conftest.py) draws the same
examples on every run and writes no `.hypothesis/` directory, so CI and a laptop test the same
inputs and a failure always reproduces. Raise `BW_FUZZ_EXAMPLES` locally to search harder (a
seed per run: `BW_FUZZ_RANDOM=1`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from hypothesis import settings
from hypothesis import strategies as st

T = TypeVar("T")

_SCALE = float(os.environ.get("BW_FUZZ_EXAMPLES", "1"))


def fuzz(examples: int) -> settings:
    """The suite's profile with `examples` draws (times BW_FUZZ_EXAMPLES)."""
    return settings(max_examples=max(1, int(examples * _SCALE)))


_LOOP: asyncio.AbstractEventLoop | None = None


def run(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine on one event loop kept for the whole fuzz session (a new loop per
    example would cost more than most examples)."""
    global _LOOP
    if _LOOP is None or _LOOP.is_closed():
        _LOOP = asyncio.new_event_loop()
    return _LOOP.run_until_complete(factory())


# -- text and bytes that break parsers ---------------------------------------------------------

#: Characters that trip up naive code: Unicode digits (isdigit() is True, int() may fail),
#: controls, separators, surrogate-free astral characters, quotes and markup.
TRICKY_CHARS = (
    "0123456789²³¹٣٩۹\u0966\u07c0\U0001d7d7 \t\r\n\x00\x1b\x7f\u200b\u2028\ufeff"
    "<>&\"'/:@#?%+-.,;=é€😀"
)

tricky_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=TRICKY_CHARS, max_size=40),
    st.from_regex(r"\A\s?[+]?[0-9²٣٩]{0,14}\s?\Z"),
    st.sampled_from(["", " ", "9" * 5000, "1" * 4400, "٣" * 3, "²", "+", "\x00", "🙂" * 10]),
)


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any JSON value, with numbers and strings that stress readers."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        tricky_text,
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.one_of(tricky_text, st.sampled_from(KEYS)), children, max_size=5),
        ),
        max_leaves=max_leaves,
    )


KEYS = [
    "id",
    "type",
    "time",
    "to",
    "from",
    "text",
    "tag",
    "description",
    "errorCode",
    "message",
    "messages",
    "messageId",
    "sourceTn",
    "destinationTn",
    "messageStatus",
    "messageDirection",
    "receiveTime",
    "segmentCount",
    "totalCount",
    "pageInfo",
    "nextPageToken",
    "applicationId",
    "owner",
    "media",
    "fieldErrors",
    "fieldName",
    "access_token",
    "expires_in",
]

#: Element names the Dashboard API uses, so generated XML reaches the decoders' branches.
XML_TAGS = [
    "AccountResponse",
    "Account",
    "AccountId",
    "CompanyName",
    "SitesResponse",
    "Sites",
    "Site",
    "SiteResponse",
    "Id",
    "Name",
    "Description",
    "ApplicationProvisioningResponse",
    "ApplicationList",
    "Application",
    "ApplicationId",
    "AppName",
    "ServiceType",
    "CallbackUrl",
    "MsgCallbackUrl",
    "CallbackCreds",
    "UserId",
    "RequestedCallbackTypes",
    "CallbackType",
    "TNSipPeersResponse",
    "SipPeers",
    "SipPeer",
    "SipPeerResponse",
    "PeerId",
    "PeerName",
    "IsDefaultPeer",
    "SipPeerSmsFeatureResponse",
    "SipPeerSmsFeature",
    "SipPeerSmsFeatureSettings",
    "TollFree",
    "ShortCode",
    "Protocol",
    "Zone1",
    "Zone3",
    "HttpSettings",
    "ProxyPeerId",
    "MmsFeatureResponse",
    "MmsFeature",
    "MmsSettings",
    "protocol",
    "Protocols",
    "HTTP",
    "proxyPeerId",
    "ApplicationsSettings",
    "HttpMessagingV2AppId",
    "SearchResult",
    "ResultCount",
    "TelephoneNumberList",
    "TelephoneNumber",
    "TNs",
    "TelephoneNumbers",
    "FullNumber",
    "OrderResponse",
    "Order",
    "id",
    "OrderId",
    "OrderStatus",
    "CustomerOrderId",
    "CompletedNumbers",
    "FailedNumbers",
    "AreaCodeSearchAndOrderType",
    "AreaCode",
    "Quantity",
    "SiteId",
    "OrderCreateDate",
    "ResponseSelectWrapper",
    "ListOrderIdUserIdDate",
    "OrderIdUserIdDate",
    "orderId",
    "OrderDate",
    "ErrorList",
    "Error",
    "Errors",
    "Code",
    "ErrorCode",
    "ResponseStatus",
    "Message",
]

_xml_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20
).map(lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
_xml_tag = st.one_of(st.sampled_from(XML_TAGS), st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_.-]{0,8}\Z"))


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def build(tag: str, attr: bool, inner: list[str]) -> str:
        attrs = ' a="1"' if attr else ""
        return f"<{tag}{attrs}>{''.join(inner)}</{tag}>"

    return st.builds(build, _xml_tag, st.booleans(), st.lists(children, max_size=4))


xml_documents = st.recursive(_xml_text, _element, max_leaves=25).map(
    lambda body: body if body.startswith("<") else f"<SearchResult>{body}</SearchResult>"
)
"""Well-formed XML built from Bandwidth's element names (and others), any nesting."""


def _mutate(body: bytes, cut: int, insert: bytes) -> bytes:
    at = cut % (len(body) + 1)
    return body[:at] + insert + body[at:]


SAMPLE_XML = [
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<OrderResponse><Order><id>o-1</id>'
    b"<CustomerOrderId>c</CustomerOrderId></Order><OrderStatus>PARTIAL</OrderStatus>"
    b"<CompletedNumbers><TelephoneNumber><FullNumber>9195550100</FullNumber></TelephoneNumber>"
    b"</CompletedNumbers><ErrorList><Error><Code>5005</Code><Description>x</Description></Error>"
    b"</ErrorList></OrderResponse>",
    b"<ApplicationProvisioningResponse><ApplicationList><Application><ApplicationId>a</ApplicationId>"
    b"<AppName>n</AppName></Application></ApplicationList></ApplicationProvisioningResponse>",
    b"<SearchResult><Error><Code>4010</Code><Description>bad</Description></Error></SearchResult>",
    b"<X><ResponseStatus><ErrorCode>12806</ErrorCode><Description>d</Description></ResponseStatus></X>",
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    b'<?xml version="1.0" encoding="x-unknown"?><a/>',
    b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
]

xml_bodies = st.one_of(
    xml_documents.map(lambda s: s.encode("utf-8")),
    st.binary(max_size=200),
    st.builds(
        _mutate,
        st.sampled_from(SAMPLE_XML),
        st.integers(min_value=0, max_value=400),
        st.sampled_from(
            [b"", b"<", b"</", b"&", b"\x00", b"\xff\xfe", b"]]>", b"<!--", b"<Error>"]
        ),
    ),
    st.sampled_from(SAMPLE_XML),
)
"""Bodies a Dashboard answer might carry: generated XML, raw bytes, broken samples."""

CONTENT_TYPES = st.sampled_from(
    [
        "application/xml",
        "application/xml; charset=utf-8",
        "text/xml",
        "application/json",
        "application/json; charset=utf-8",
        "text/html",
        "text/plain",
        "",
        "application/octet-stream",
        "application/problem+json",
    ]
)

STATUSES = st.sampled_from(
    [200, 201, 202, 204, 301, 400, 401, 403, 404, 405, 409, 415, 429, 500, 502, 503]
)
