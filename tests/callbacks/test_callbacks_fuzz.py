"""Random bodies and headers over real HTTP: the receiver answers every one with a deliberate
status (never 500) and nothing anywhere logs a traceback."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.callbacks.helpers import SAMPLE_NAMES, ThreadedReceiver, sample

USER, PASSWORD = "fuzz-user", "fuzz-password"
GOOD_AUTH = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
ALLOWED = {200, 400, 401, 404, 405, 413}


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory) -> Iterator[tuple[ThreadedReceiver, httpx.Client, Collect]]:
    collect = Collect()
    loggers = [logging.getLogger(name) for name in ("uvicorn", "wizard", "asyncio")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(collect)
        logger.setLevel(logging.DEBUG)
    log_path = tmp_path_factory.mktemp("fuzz") / "callbacks.jsonl"
    try:
        with (
            ThreadedReceiver(username=USER, password=PASSWORD, log_path=log_path) as target,
            httpx.Client(timeout=10, trust_env=False) as client,
        ):
            yield target, client, collect
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(collect)
            logger.setLevel(level)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
event_like = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["message-delivered", "message-failed", "x"]) | st.text(),
        "time": st.text(max_size=30) | st.integers(),
        "to": st.text(max_size=20) | json_values,
        "errorCode": st.integers() | st.text(max_size=6) | json_values,
        "message": st.fixed_dictionaries(
            {},
            optional={
                "id": st.text(max_size=20) | json_values,
                "to": st.lists(st.text(max_size=15), max_size=3) | json_values,
                "media": json_values,
                "segmentCount": json_values,
            },
        )
        | json_values,
    },
)
bodies = st.one_of(
    st.binary(max_size=2000),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.lists(event_like, max_size=4).map(lambda value: json.dumps(value).encode()),
    event_like.map(lambda value: json.dumps(value, ensure_ascii=False).encode()),
    st.sampled_from([sample(name) for name in SAMPLE_NAMES]),
    st.text(max_size=200).map(str.encode),
)
header_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60
).map(str.strip)
authorizations = st.one_of(
    st.none(),
    st.just(GOOD_AUTH),
    header_text,
    st.binary(min_size=1, max_size=40).map(lambda raw: "Basic " + base64.b64encode(raw).decode()),
)
extra_headers = st.dictionaries(
    st.sampled_from(["content-type", "user-agent", "x-anything", "accept", "expect-ct"]),
    header_text,
    max_size=3,
)
paths = st.sampled_from(["/callbacks", "/callbacks/", "/", "/other", "/callbacks?x=1"])
methods = st.sampled_from(["POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH"])


@settings(max_examples=250)
@given(
    method=methods,
    path=paths,
    body=bodies,
    authorization=authorizations,
    headers=extra_headers,
    chunked=st.booleans(),
)
def test_random_requests_never_get_a_500_or_a_traceback(
    fuzz_target, method, path, body, authorization, headers, chunked
):
    target, client, collect = fuzz_target
    if authorization is not None:
        headers = {**headers, "authorization": authorization}
    content = iter([body[: len(body) // 2], body[len(body) // 2 :]]) if chunked else body
    response = client.request(
        method, target.url.rsplit("/", 1)[0] + path, content=content, headers=headers
    )
    assert response.status_code in ALLOWED, (response.status_code, response.text)
    if response.status_code == 401:
        assert response.headers["www-authenticate"] == 'Basic realm="bw-wizard"'
    if response.status_code == 200 and method == "POST":
        assert set(response.json()) == {"accepted", "duplicates"}
    assert not [r for r in collect.records if r.exc_info or r.levelno >= logging.ERROR]


def test_garbage_that_is_not_http_is_refused_quietly(fuzz_target):
    import socket

    target, client, collect = fuzz_target
    assert target.server is not None
    for garbage in (b"\x00\x01\x02\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"POST\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", target.server.port), timeout=5) as sock:
            sock.sendall(garbage)
            answer = sock.recv(200)
        assert answer.startswith(b"HTTP/1.1 4") or answer == b"", answer
    assert client.get(target.url).status_code == 200
    assert not [r for r in collect.records if r.exc_info or r.levelno >= logging.ERROR]
