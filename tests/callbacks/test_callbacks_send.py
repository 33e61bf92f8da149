"""`bw-wizard callbacks replay` and `callbacks trigger` against handlers on loopback: the wizard's
own receiver (Basic auth, de-duplication) and a bare recorder that shows what went on the wire.

The command runs in a worker thread (it has its own event loop) while the handlers serve in the
test's loop; every wait is on the handler's state or the command's return.
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.callbacks.helpers import sample
from wizard.callbacks.event import CallbackEvent
from wizard.cli import main
from wizard.session.serve import AppServer

USER, PASSWORD = "bw-wizard", "handler-Secret-123"
REPO = Path(__file__).resolve().parents[2]


async def command(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, ["callbacks", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class Recorder:
    """A handler that challenges for Basic auth and keeps every request it is sent."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    async def endpoint(self, request: Request) -> Response:
        self.requests.append(
            {
                "headers": dict(request.headers),
                "body": await request.body(),
            }
        )
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {token}":
            return Response(status_code=401, headers={"WWW-Authenticate": 'Basic realm="mine"'})
        return Response('{"ok": true}', media_type="application/json")


@pytest.fixture
async def recorder() -> Any:
    handler = Recorder()
    app = Starlette(routes=[Route("/hook", handler.endpoint, methods=["POST"])])
    server = AppServer(app, host="127.0.0.1", port=0)
    await server.start()
    yield handler, f"{server.base_url}/hook"
    await server.stop()


async def test_trigger_sends_bandwidths_shape_and_answers_the_challenge(
    recorder: Any, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, url = recorder
    monkeypatch.setenv("BW_CALLBACK_PASSWORD", PASSWORD)
    code, out, _ = await command(
        capsys, "trigger", "message-failed", "--error-code", "4720", "--to", url, "--user", USER
    )
    assert code == 0, out
    assert "401 (Basic challenge), then 200 with credentials" in out
    first, second = handler.requests
    assert "authorization" not in first["headers"] and second["headers"]["authorization"]
    for request in (first, second):
        assert request["headers"]["content-type"] == "application/json; charset=utf-8"
        assert request["headers"]["user-agent"] == "BandwidthAPI/v2"
    (event,) = json.loads(second["body"])
    assert first["body"] == second["body"]
    assert (event["type"], event["errorCode"], event["to"]) == (
        "message-failed",
        4720,
        "+19195550199",
    )
    assert event["message"]["direction"] == "out" and event["message"]["from"] == "+19195550100"
    assert event["message"]["id"][:13].isdigit() and len(event["message"]["id"]) == 29
    assert PASSWORD not in out


async def test_trigger_repeat_shows_whether_the_handler_deduplicates(
    start_receiver: Any, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver, server = await start_receiver(username=USER, password=PASSWORD)
    monkeypatch.setenv("BW_CALLBACK_USER", USER)
    monkeypatch.setenv("BW_CALLBACK_PASSWORD", PASSWORD)
    code, out, err = await command(
        capsys, "trigger", "message-received", "--to", server.url, "--repeat", "3", "--json"
    )
    assert code == 0, err
    deliveries = json.loads(out)
    answers = [json.loads(d["attempts"][-1]["answer"]) for d in deliveries]
    assert answers == [
        {"accepted": 1, "duplicates": 0},
        {"accepted": 0, "duplicates": 1},
        {"accepted": 0, "duplicates": 1},
    ]
    (event,) = receiver.history
    assert event.type == "message-received" and event.text == "Hello from bw-wizard"
    assert receiver.duplicates_ignored == 2


async def test_a_challenge_without_credentials_or_with_wrong_ones_fails(
    start_receiver: Any, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver, server = await start_receiver(username=USER, password=PASSWORD)
    code, out, _ = await command(capsys, "trigger", "message-delivered", "--to", server.url)
    assert code == 1 and "the handler asks for credentials" in out
    monkeypatch.setenv("BW_CALLBACK_PASSWORD", "not-it")
    code, out, _ = await command(
        capsys, "trigger", "message-delivered", "--to", server.url, "--user", USER
    )
    assert code == 1 and "the credentials were refused" in out and "not-it" not in out
    assert receiver.history == ()


async def test_replay_resends_logged_events_exactly_as_they_came(
    recorder: Any, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, url = recorder
    log = tmp_path / "events.jsonl"
    originals = {
        name: json.loads(sample(name))[0] for name in ("message-delivered", "message-received")
    }
    originals["message-delivered"]["message"]["id"] = "delivered-1"
    log.write_bytes(
        b"".join(
            CallbackEvent.from_payload(e, authenticated=True).to_log_line()
            for e in originals.values()
        )
    )
    monkeypatch.setenv("BW_CALLBACK_PASSWORD", PASSWORD)
    args = ("replay", "--to", url, "--log", str(log), "--user", USER)
    code, out, _ = await command(capsys, *args, "--id", "delivered-1")
    assert code == 0, out
    assert out.count("✓") == 1
    assert json.loads(handler.requests[-1]["body"]) == [originals["message-delivered"]]
    handler.requests.clear()
    code, out, _ = await command(capsys, *args)
    assert code == 0 and out.count("✓") == 2
    sent = [json.loads(r["body"]) for r in handler.requests if r["headers"].get("authorization")]
    assert sent == [[originals["message-delivered"]], [originals["message-received"]]]

    code, _, err = await command(capsys, *args, "--id", "no-such-message")
    assert code == 3 and "holds no event for no-such-message" in err


async def test_refusals_before_anything_is_sent(capsys: pytest.CaptureFixture) -> None:
    code, _, err = await command(capsys, "trigger", "message-failed", "--to", "http://x/h")
    assert code == 1 and "--error-code N" in err
    code, _, err = await command(capsys, "trigger", "message-delivered", "--to", "ftp://x/h")
    assert code == 1 and "http(s) URL" in err
    code, _, err = await command(
        capsys, "trigger", "message-delivered", "--to", "http://x/h", "--number", "123"
    )
    assert code == 1 and "--number" in err


def test_the_senders_never_load_the_sandbox() -> None:
    code = (
        "import sys\n"
        "from wizard.cli import main\n"
        "main(['callbacks', 'trigger', 'message-delivered', '--to', 'http://127.0.0.1:9/h'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('wizard.sandbox')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr
    assert "could not reach" in done.stdout
