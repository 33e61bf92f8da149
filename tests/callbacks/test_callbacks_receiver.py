"""The receiver over real loopback HTTP: the auth challenge, the samples, de-dup, the log,
refusals (oversize, malformed, slow) and concurrency."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from tests.callbacks.helpers import SAMPLE_NAMES, log_lines, sample
from tests.waiting import until
from wizard.callbacks.event import CallbackEvent
from wizard.callbacks.receiver import MAX_BODY, CallbackReceiver

USER, PASSWORD = "cb-user", "s3cret-Pässword"
JSON = {"Content-Type": "application/json", "User-Agent": "BandwidthAPI/v2"}


def event(message_id: str, kind: str = "message-delivered", to: str = "+19195550100") -> dict:
    return {
        "type": kind,
        "time": "2026-01-01T00:00:00Z",
        "description": "ok",
        "to": to,
        "message": {"id": message_id, "to": [to], "from": "+19195551234", "direction": "out"},
    }


# -- auth ---------------------------------------------------------------------------------------


async def test_basic_auth_is_a_challenge_like_bandwidth_expects(start_receiver, http, log_path):
    receiver, server = await start_receiver(username=USER, password=PASSWORD)
    body = sample("message-delivered")

    first = await http.post(server.url, content=body, headers=JSON)
    assert first.status_code == 401
    assert first.headers["www-authenticate"] == 'Basic realm="bw-wizard"'

    for user, password in ((USER, "wrong"), ("other", PASSWORD), (USER, PASSWORD + "x"), ("", "")):
        wrong = await http.post(server.url, content=body, headers=JSON, auth=(user, password))
        assert wrong.status_code == 401, (user, password)
        assert wrong.headers["www-authenticate"].startswith("Basic ")
    for header in ("Bearer abc", "Basic !!!", "Basic " + "dXNlcg==", "Basic", "Digest x"):
        odd = await http.post(server.url, content=body, headers={**JSON, "Authorization": header})
        assert odd.status_code == 401, header
    assert receiver.history == ()
    assert log_lines(log_path) == []

    good = await http.post(server.url, content=body, headers=JSON, auth=(USER, PASSWORD))
    assert good.status_code == 200
    assert good.json() == {"accepted": 1, "duplicates": 0}
    (accepted,) = receiver.history
    assert accepted.authenticated is True
    assert "[unauthenticated]" not in accepted.summary()


async def test_without_credentials_events_are_accepted_and_marked(start_receiver, http):
    receiver, server = await start_receiver()
    response = await http.post(server.url, content=sample("message-sent"), headers=JSON)
    assert response.status_code == 200
    (accepted,) = receiver.history
    assert accepted.authenticated is False
    assert accepted.summary().endswith("[unauthenticated]")


def test_credentials_need_both_parts_and_never_show_the_password(tmp_path: Path):
    with pytest.raises(ValueError, match="both"):
        CallbackReceiver(username="u", log_path=tmp_path / "l")
    with pytest.raises(ValueError, match="both"):
        CallbackReceiver(password="p", log_path=tmp_path / "l")
    receiver = CallbackReceiver(username="u", password=PASSWORD, log_path=tmp_path / "l")
    assert PASSWORD not in repr(receiver)
    assert "••••" in repr(receiver)


# -- the samples --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_NAMES)
async def test_every_verbatim_sample_is_accepted_and_read(start_receiver, http, log_path, name):
    seen: list[CallbackEvent] = []
    receiver, server = await start_receiver(username=USER, password=PASSWORD, on_event=seen.append)
    body = sample(name)
    response = await http.post(server.url, content=body, headers=JSON, auth=(USER, PASSWORD))
    assert response.status_code == 200, response.text

    raw = json.loads(body)[0]
    (got,) = seen
    assert receiver.history == (got,)
    assert got.type == name and got.known
    assert got.kind == name.removeprefix("message-")
    assert got.message_id == raw["message"]["id"]
    assert got.to == raw["to"]
    assert got.time == raw["time"]
    assert got.from_number == raw["message"]["from"]
    assert got.recipients == tuple(raw["message"]["to"])
    assert got.direction == raw["message"]["direction"]
    assert got.raw == raw
    assert got.summary().startswith(raw["time"] + " " + name)
    if name == "message-failed":
        assert got.error_code == 4432
        assert got.error is not None and got.error.code == "4432"
        assert "country" in got.error.meaning
        assert "4432" in got.summary() and "country" in got.summary()
    else:
        assert got.error_code is None and got.error is None
    if name == "message-received":
        assert got.text == "Hey, check this out!"
        assert "Hey, check this out!" in got.summary()
    if name == "message-sending":
        assert got.tag == "v2 lab"
        assert got.media == ("https://dev.bandwidth.com/images/bandwidth-logo.png",)

    (line,) = log_lines(log_path)
    record = json.loads(line)
    assert record["event"] == raw and record["key"] == got.key
    assert record["authenticated"] is True


async def test_a_single_object_is_accepted_too(start_receiver, http):
    receiver, server = await start_receiver()
    body = json.dumps(json.loads(sample("message-failed"))[0])
    response = await http.post(server.url, content=body, headers=JSON)
    assert response.status_code == 200
    assert [e.error_code for e in receiver.history] == [4432]


async def test_unknown_event_types_are_kept_and_shown_as_unknown(start_receiver, http, log_path):
    seen: list[CallbackEvent] = []
    _receiver, server = await start_receiver(on_event=seen.append)
    odd = [{"type": "message-read", "time": "t", "message": {"id": "m1"}}, {"whatever": [1, 2]}]
    response = await http.post(server.url, json=odd)
    assert response.status_code == 200
    assert [e.known for e in seen] == [False, False]
    assert [e.kind for e in seen] == ["unknown", "unknown"]
    assert "unknown event type “message-read”" in seen[0].summary()
    assert "unknown event type “?”" in seen[1].summary()
    assert len(log_lines(log_path)) == 2


async def test_oddly_typed_fields_are_read_leniently(start_receiver, http):
    receiver, server = await start_receiver()
    odd = {"type": "message-failed", "to": 5, "errorCode": "4775", "message": "not an object"}
    response = await http.post(server.url, json=odd)
    assert response.status_code == 200
    (got,) = receiver.history
    assert (got.to, got.error_code, got.message_id) == ("5", 4775, None)
    assert got.error is not None and "opted out" in got.error.meaning


# -- de-dup, the log and restarts ---------------------------------------------------------------


async def test_a_redelivery_is_answered_but_logged_and_emitted_once(start_receiver, http, log_path):
    seen: list[CallbackEvent] = []
    receiver, server = await start_receiver(on_event=seen.append)
    stream = receiver.events()
    body = sample("message-failed")
    answers = [await http.post(server.url, content=body, headers=JSON) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json() for a in answers][1:] == [{"accepted": 0, "duplicates": 1}] * 2
    assert len(seen) == 1 and len(log_lines(log_path)) == 1
    assert receiver.duplicates_ignored == 2
    first = await asyncio.wait_for(anext(stream), 5)
    assert first is seen[0]
    receiver.close()
    assert [e async for e in stream] == []


async def test_duplicates_inside_one_batch_count_once(start_receiver, http, log_path):
    _receiver, server = await start_receiver()
    batch = [event("m1"), event("m1"), event("m1", to="+19195550199"), event("m2")]
    response = await http.post(server.url, json=batch)
    assert response.json() == {"accepted": 3, "duplicates": 1}
    assert len(log_lines(log_path)) == 3


async def test_each_key_part_makes_a_different_event(start_receiver, http):
    _receiver, server = await start_receiver()
    base = event("m1", "message-failed")
    variants = [base, {**base, "time": "2026-01-01T00:00:01Z"}, {**base, "errorCode": 4720}]
    variants += [{**base, "type": "message-sending"}, {**base, "to": "+19195550111"}]
    variants += [{**base, "message": {"id": "m2"}}]
    response = await http.post(server.url, json=variants)
    assert response.json() == {"accepted": 6, "duplicates": 0}


async def test_a_restarted_receiver_reads_the_log_back_and_still_dedups(
    start_receiver, http, log_path
):
    first, server = await start_receiver()
    for name in SAMPLE_NAMES:
        await http.post(server.url, content=sample(name), headers=JSON)
    await server.stop()
    before = first.history
    assert len(before) == 5

    seen: list[CallbackEvent] = []
    second, server2 = await start_receiver(on_event=seen.append)
    assert second.restored_count == 5
    assert [(e.key, e.type, e.message_id, e.error_code) for e in second.history] == [
        (e.key, e.type, e.message_id, e.error_code) for e in before
    ]
    assert all(second.knows(e.key) for e in before)
    again = await http.post(server2.url, content=sample("message-failed"), headers=JSON)
    assert again.json() == {"accepted": 0, "duplicates": 1}
    assert seen == [] and len(log_lines(log_path)) == 5
    fresh = await http.post(server2.url, json=event("new-one"))
    assert fresh.json() == {"accepted": 1, "duplicates": 0}
    assert len(log_lines(log_path)) == 6

    replayed = second.events(replay=True)
    assert [(await anext(replayed)).type for _ in range(6)][:5] == list(SAMPLE_NAMES)
    await replayed.aclose()


async def test_a_torn_last_line_is_skipped_and_never_glued_to_the_next(
    start_receiver, http, log_path
):
    log_path.parent.mkdir(parents=True)
    good = CallbackEvent.from_payload(event("m0"), authenticated=False).to_log_line()
    log_path.write_bytes(good + b"not json\n" + b'{"v":1,"event":[]}\n' + b'{"v":1,"event":{"ty')
    receiver, server = await start_receiver()
    assert receiver.restored_count == 1 and receiver.skipped_log_lines == 3
    await http.post(server.url, json=event("m1"))
    await server.stop()
    again, _ = await start_receiver()
    assert [e.message_id for e in again.history] == ["m0", "m1"]


async def test_the_log_is_written_before_the_answer_and_kept_private(
    start_receiver, http, log_path
):
    _receiver, server = await start_receiver()
    response = await http.post(server.url, json=event("m1"))
    assert response.status_code == 200
    (line,) = log_lines(log_path)  # already on disk when the 2xx arrives
    assert json.loads(line)["event"]["message"]["id"] == "m1"
    assert log_path.stat().st_mode & 0o077 == 0


async def test_a_log_that_cannot_be_written_means_retry_not_success(start_receiver, http, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    seen: list[CallbackEvent] = []
    receiver, server = await start_receiver(
        log_path=blocker / "callbacks.jsonl", on_event=seen.append
    )
    response = await http.post(server.url, json=event("m1"))
    assert response.status_code == 503
    assert seen == [] and receiver.history == ()
    assert receiver.last_error and "Could not save" in receiver.last_error


async def test_a_failing_subscriber_does_not_break_the_answer(start_receiver, http):
    def broken(_event: CallbackEvent) -> None:
        raise RuntimeError("screen went away")

    seen: list[CallbackEvent] = []
    receiver, server = await start_receiver(on_event=broken)
    unsubscribe = receiver.subscribe(seen.append)
    assert (await http.post(server.url, json=event("m1"))).status_code == 200
    unsubscribe()
    assert (await http.post(server.url, json=event("m2"))).status_code == 200
    assert [e.message_id for e in seen] == ["m1"]
    assert len(receiver.history) == 2


# -- refusals -----------------------------------------------------------------------------------


async def test_oversize_with_content_length_gets_413_and_nothing_is_kept(
    start_receiver, http, log_path
):
    receiver, server = await start_receiver()
    big = b"[" + b" " * MAX_BODY + b"]"
    response = await http.post(server.url, content=big, headers=JSON)
    assert response.status_code == 413
    assert receiver.history == () and log_lines(log_path) == []
    # The connection stays usable and exactly MAX_BODY bytes are still fine.
    exact = b"[" + b" " * (MAX_BODY - 2) + b"]"
    assert (await http.post(server.url, content=exact, headers=JSON)).status_code == 200


async def test_oversize_without_content_length_is_cut_off_while_streaming(start_receiver, http):
    receiver, server = await start_receiver()
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(40):  # 40 x 64 KiB = 2.5 MiB, chunked
            sent += 65536
            yield b" " * 65536

    response = await http.post(server.url, content=chunks(), headers=JSON)
    assert response.status_code == 413
    assert "content-length" not in response.request.headers
    assert receiver.history == ()


async def test_an_advertised_length_over_the_cap_is_refused_before_reading(start_receiver):
    _receiver, server = await start_receiver()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        b"POST /callbacks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 999999999999\r\n\r\n["
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    assert status_line.startswith(b"HTTP/1.1 413")
    writer.close()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[",
        b"{",
        b"nope",
        b"[1, 2]",
        b'"a string"',
        b"42",
        b"null",
        b'[{"type": "message-sent"}, 3]',
        b"[NaN]",
        b'[{"x": Infinity}]',
        b'[{"x": 1e999}]',
        b"\xff\xfe\xfa",
        b"[" * 100_000,
        b'[{"a": ' + b"[" * 990 + b"]" * 990 + b"}]",
        b'[{"n": ' + b"9" * 5000 + b"}]",
    ],
    ids=lambda body: repr(body[:20]),
)
async def test_malformed_bodies_get_400_and_nothing_is_kept(start_receiver, http, log_path, body):
    receiver, server = await start_receiver()
    response = await http.post(server.url, content=body, headers=JSON)
    assert response.status_code == 400
    assert response.json()["error"]
    assert receiver.history == () and log_lines(log_path) == []


async def test_an_empty_array_is_fine(start_receiver, http):
    _receiver, server = await start_receiver()
    response = await http.post(server.url, content=b"[]", headers=JSON)
    assert response.json() == {"accepted": 0, "duplicates": 0}


async def test_other_paths_and_methods(start_receiver, http):
    _, server = await start_receiver(path="hooks/bw/")
    assert server.url.endswith("/hooks/bw")
    assert (await http.get(server.url)).status_code == 200
    assert (await http.post(server.base_url + "/elsewhere", json=[])).status_code == 404
    put = await http.put(server.url, json=[])
    assert put.status_code == 405 and "POST" in put.headers["allow"]
    assert (await http.post(server.url + "/", json=[])).status_code == 200


async def test_a_slow_client_does_not_block_anyone_else(start_receiver, http):
    seen: list[CallbackEvent] = []
    _receiver, server = await start_receiver(on_event=seen.append)
    body = json.dumps([event("slow")]).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        b"POST /callbacks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    # Dribble half the body, one byte per write, with other clients served in between.
    half = len(body) // 2
    for index in range(half):
        writer.write(body[index : index + 1])
        await writer.drain()
        if index % 10 == 0:
            quick = await http.post(server.url, json=event(f"quick-{index}"))
            assert quick.status_code == 200
    assert all(e.message_id != "slow" for e in seen)
    writer.write(body[half:])
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    assert status_line.startswith(b"HTTP/1.1 200")
    await until(lambda: any(e.message_id == "slow" for e in seen))
    writer.close()


async def test_a_client_that_stalls_gets_408_after_the_body_timeout(start_receiver, http):
    receiver, server = await start_receiver(body_timeout=0.3)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"POST /callbacks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n[{")
    await writer.drain()
    assert (await http.post(server.url, json=event("meanwhile"))).status_code == 200
    status_line = await asyncio.wait_for(reader.readline(), 5)
    assert status_line.startswith(b"HTTP/1.1 408")
    rest = await asyncio.wait_for(reader.read(), 5)  # the server closes the connection
    assert b"connection: close" in rest.lower()
    writer.close()
    assert [e.message_id for e in receiver.history] == ["meanwhile"]


async def test_a_client_that_hangs_up_mid_body_leaves_nothing_behind(start_receiver, http):
    receiver, server = await start_receiver()
    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"POST /callbacks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n[{")
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    assert (await http.post(server.url, json=event("after"))).status_code == 200
    assert [e.message_id for e in receiver.history] == ["after"]


async def test_concurrent_posts_are_all_logged_exactly_once(start_receiver, log_path):
    seen: list[CallbackEvent] = []
    receiver, server = await start_receiver(username=USER, password=PASSWORD, on_event=seen.append)
    bodies = [[event(f"m{i}", "message-sending"), event(f"m{i}")] for i in range(40)]
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(timeout=10, trust_env=False, limits=limits) as client:
        posts = [
            client.post(server.url, json=body, auth=(USER, PASSWORD))
            for body in bodies + bodies  # every body twice: redeliveries racing the originals
        ]
        answers = await asyncio.gather(*posts)
    assert {a.status_code for a in answers} == {200}
    assert sum(a.json()["accepted"] for a in answers) == 80
    assert sum(a.json()["duplicates"] for a in answers) == 80
    lines = log_lines(log_path)
    assert len(lines) == 80 == len(seen) == len(receiver.history)
    keys = [json.loads(line)["key"] for line in lines]
    assert len(set(keys)) == 80


async def test_events_iterator_replays_then_follows_and_ends_on_stop(start_receiver, http):
    receiver, server = await start_receiver()
    await http.post(server.url, json=event("old"))
    stream = receiver.events(replay=True)
    assert (await asyncio.wait_for(anext(stream), 5)).message_id == "old"
    pending = asyncio.ensure_future(anext(stream))
    await http.post(server.url, json=event("new"))
    assert (await asyncio.wait_for(pending, 5)).message_id == "new"
    await server.stop()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(stream), 5)
