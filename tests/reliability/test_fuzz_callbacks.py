"""Fuzzing the callback receiver (wizard.callbacks.CallbackReceiver, an ASGI app): anyone who
can reach the callback URL can send it anything, so random methods, paths, headers, sizes,
credentials and bodies, delivered in random chunks, straight into the app.

Each request must get the right refusal (404 wrong path, 405 method, 401 with a Basic
challenge, 400 bad Content-Length or body, 413 too large) or a 200 after the events are on
disk; never a 500, a traceback, or an event line that could drive the terminal it is printed
to (`bw-wizard callbacks` prints each event's summary).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from tests.reliability.fuzz import fuzz, json_values, run, tricky_text
from wizard.callbacks.receiver import CallbackReceiver

SAMPLES = Path(__file__).resolve().parents[1] / "sandbox" / "callback-samples"
USER, PASSWORD = "bw-callbacks", "cb-pass-marker-7c1"
MAX_BODY = 4096
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _samples() -> list[Any]:
    found = []
    for path in sorted(SAMPLES.glob("*.json")):
        data = json.loads(path.read_text())
        found.append(data.get("body", data) if isinstance(data, dict) else data)
    return found


SAMPLE_BODIES = _samples()


def _event(kind: str, message_id: str, to: str, extra: dict) -> dict:
    return {
        "type": kind,
        "time": "2026-11-29T00:00:00.000Z",
        "description": "ok",
        "to": to,
        "message": {"id": message_id, "from": "+19195550100", "to": [to], "text": ""},
        **extra,
    }


events = st.builds(
    _event,
    st.one_of(
        st.sampled_from(["message-delivered", "message-failed", "message-received"]), tricky_text
    ),
    st.one_of(st.text(max_size=12), st.just("\x1b]0;pwned\x07")),
    tricky_text,
    st.dictionaries(st.sampled_from(["errorCode", "tag", "x"]), json_values(4), max_size=2),
)

bodies = st.one_of(
    st.lists(events, max_size=3).map(lambda e: json.dumps(e).encode()),
    st.sampled_from(SAMPLE_BODIES).map(lambda b: json.dumps(b).encode()),
    json_values().map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"[" * 10_000,
            b'[{"a": NaN}]',
            b'[{"a": 1e999}]',
            b'"\\ud800"',
            b'[{"type": "message-failed", "errorCode": "\\u0663"}]',
            b"x" * (MAX_BODY + 1),
        ]
    ),
)


def _basic(user: str, password: str) -> bytes:
    return b"Basic " + base64.b64encode(f"{user}:{password}".encode())


authorizations = st.one_of(
    st.none(),
    st.just(_basic(USER, PASSWORD)),
    st.just(_basic(USER, "wrong")),
    st.just(b"Basic !!!not-base64"),
    st.just(b"Bearer " + PASSWORD.encode()),
    st.binary(max_size=40),
)
lengths = st.one_of(
    st.none(),
    st.just("right"),
    st.sampled_from(["-1", " 12 ", "abc", "9" * 5000, "1e3", "\u0663", str(MAX_BODY + 1), "0"]),
)

requests = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["POST"] * 6 + ["GET", "PUT", "DELETE", "HEAD", "PATCH"]),
        "path": st.one_of(st.just("/callbacks"), st.just("/callbacks/"), st.text(max_size=20)),
        "auth_required": st.booleans(),
        "authorization": authorizations,
        "content_type": st.sampled_from([b"application/json", b"text/plain", b"", b"\xff"]),
        "length": lengths,
        "body": bodies,
        "chunks": st.integers(min_value=1, max_value=5),
        "gone_after": st.one_of(st.none(), st.integers(min_value=0, max_value=3)),
        "extra_headers": st.lists(
            st.tuples(st.binary(min_size=1, max_size=10), st.binary(max_size=30)), max_size=3
        ),
    }
)


async def _call(app: CallbackReceiver, request: dict) -> tuple[int | None, dict, bytes]:
    body: bytes = request["body"]
    headers = [(name.lower(), value) for name, value in request["extra_headers"]]
    if request["content_type"]:
        headers.append((b"content-type", request["content_type"]))
    if request["authorization"] is not None:
        headers.append((b"authorization", request["authorization"]))
    if request["length"] == "right":
        headers.append((b"content-length", str(len(body)).encode()))
    elif request["length"] is not None:
        headers.append((b"content-length", request["length"].encode()))
    path = request["path"]
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": request["method"],
        "path": path,
        "raw_path": path.encode("utf-8", "surrogatepass"),
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8080),
        "scheme": "http",
    }
    size = max(1, -(-len(body) // request["chunks"]))
    pieces = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    gone_after = request["gone_after"]
    sent: list[dict] = []

    async def receive() -> dict:
        index = len(received)
        if (gone_after is not None and index >= gone_after) or index >= len(pieces):
            received.append(None)
            return {"type": "http.disconnect"}
        received.append(pieces[index])
        return {
            "type": "http.request",
            "body": pieces[index],
            "more_body": index < len(pieces) - 1,
        }

    received: list[bytes | None] = []

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    starts = [m for m in sent if m["type"] == "http.response.start"]
    answer = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    if not starts:
        return None, {}, answer
    assert len(starts) == 1, sent
    return starts[0]["status"], {bytes(k): bytes(v) for k, v in starts[0]["headers"]}, answer


@fuzz(1000)
@given(request=requests)
@example(
    request={
        "method": "POST",
        "path": "/callbacks",
        "auth_required": False,
        "authorization": None,
        "content_type": b"application/json",
        "length": "9" * 5000,
        "body": b"[]",
        "chunks": 1,
        "gone_after": None,
        "extra_headers": [],
    }
)
@example(
    request={
        "method": "POST",
        "path": "/callbacks",
        "auth_required": False,
        "authorization": None,
        "content_type": b"application/json",
        "length": "right",
        "body": json.dumps([_event("\x1b[31mmessage-x", "m\x1b[2J", "+1\x07", {})]).encode(),
        "chunks": 2,
        "gone_after": None,
        "extra_headers": [],
    }
)
def test_receiver_refuses_rightly_and_never_fails(request: dict, tmp_path_factory) -> None:
    log_dir = tmp_path_factory.getbasetemp() / "fuzz-callbacks"
    log_dir.mkdir(exist_ok=True)
    log = log_dir / "callbacks.jsonl"
    log.unlink(missing_ok=True)
    accepted: list[Any] = []
    credentials = {"username": USER, "password": PASSWORD} if request["auth_required"] else {}
    app = CallbackReceiver(log_path=log, max_body=MAX_BODY, on_event=accepted.append, **credentials)
    status, headers, answer = run(lambda: _call(app, request))

    assert app.last_error is None, app.last_error
    assert b"Traceback" not in answer and PASSWORD.encode() not in answer
    if status is None:  # the client went away mid-body: nothing to answer, nothing accepted
        assert request["gone_after"] is not None and not accepted
        return
    assert status != 500, answer
    if status != 413:  # Starlette's body limit answers 413 in plain text
        assert headers.get(b"content-type") == b"application/json"
        json.loads(answer)

    path_ok = request["path"].rstrip("/") == "/callbacks"
    if not path_ok:
        assert status == 404
        return
    if request["method"] not in ("GET", "HEAD", "POST"):
        assert status == 405
        return
    length = request["length"]
    body = request["body"]
    declared = len(body) if length == "right" else length
    digits = str(declared).strip() if declared is not None else ""
    # Starlette's body limit answers on Content-Length alone, before anything else (a number
    # Python refuses to read, over 4300 digits, counts as no length: the body itself decides).
    if digits.isascii() and digits.isdigit() and len(digits) <= 4000 and int(digits) > MAX_BODY:
        assert status == 413
        return
    if request["method"] in ("GET", "HEAD"):
        assert status == 200
        return
    if request["auth_required"] and request["authorization"] != _basic(USER, PASSWORD):
        assert status == 401 and headers[b"www-authenticate"].startswith(b"Basic realm=")
        return
    chunks = max(1, -(-len(body) // max(1, -(-len(body) // request["chunks"])))) if body else 1
    if request["gone_after"] is not None and request["gone_after"] < chunks:
        assert status in (400, 413) and not accepted  # nobody is left to read the answer
        return
    assert status in (200, 400, 408, 413), (status, answer)
    if length not in (None, "right") and not length.encode().strip().isdigit():  # ASCII only
        assert status == 400
    elif len(body) > MAX_BODY:
        assert status == 413
    if status == 200:
        counts = json.loads(answer)
        sent = json.loads(body)
        assert counts["accepted"] + counts["duplicates"] == (
            len(sent) if isinstance(sent, list) else 1
        )
        assert counts["accepted"] == len(accepted), "a 200 must mean the events were kept"
        kept = log.read_bytes().count(b"\n") if log.exists() else 0
        assert kept == len(accepted), "every accepted event is on disk before the 200"
        for event in accepted:
            line = event.summary()
            assert not CONTROL.search(line), f"an event line can drive the terminal: {line!r}"
    else:
        assert not accepted
