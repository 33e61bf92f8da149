"""The callback probe against real servers on loopback: the wizard's own receiver, handlers that
answer each way a handler can, a closed port and a handler too slow for Bandwidth. What the
answers mean is judged in test_status_checks.py; here, what the probe sends and hears.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.callbacks.helpers import ReceiverServer, serve_app
from tests.status.helpers import closed_port
from wizard.callbacks.probe import PROBE_BODY, probe_callback_url, probe_client
from wizard.callbacks.receiver import CallbackReceiver
from wizard.status.checks import judge_probe

pytestmark = pytest.mark.timeout(30)


ANSWERS = {
    "ok": (Response(status_code=200), 200, None),
    "no-content": (Response(status_code=204), 204, None),
    "bearer": (Response(status_code=401, headers={"WWW-Authenticate": "Bearer"}), 401, "Bearer"),
    "bare-401": (Response(status_code=401), 401, None),
    "error": (Response(status_code=500), 500, None),
    "redirect": (
        Response(status_code=302, headers={"Location": "https://elsewhere/cb"}),
        302,
        None,
    ),
}
"""Route -> (what the handler answers, the status and challenge the probe must report)."""


def handlers(seen: dict[str, list[dict[str, Any]]], release: asyncio.Event) -> Starlette:
    """One handler per way of answering, and one that answers only when released."""

    async def endpoint(request: Request) -> Response:
        name = request.path_params["name"]
        seen.setdefault(name, []).append(
            {"headers": dict(request.headers), "body": await request.body()}
        )
        if name == "slow":
            await release.wait()
            return Response(status_code=200)
        return ANSWERS[name][0]

    return Starlette(routes=[Route("/{name}", endpoint, methods=["POST"])])


async def test_the_wizard_s_receiver_answers_with_the_basic_challenge(tmp_path: Path) -> None:
    receiver = CallbackReceiver(username="u", password="p" * 20, log_path=tmp_path / "log")
    server = ReceiverServer(receiver)
    await server.start()
    try:
        result = await probe_callback_url(server.url)
    finally:
        await server.stop()
    assert result.status == 401 and result.challenge == "Basic"
    assert result.seconds is not None and 0 <= result.seconds < 10
    assert judge_probe(result, user="u").ok
    assert not judge_probe(result, user=None).ok
    assert not list(receiver.history)  # nothing was accepted, nothing logged


async def test_what_the_probe_sends_and_hears() -> None:
    seen: dict[str, list[dict[str, Any]]] = {}
    release = asyncio.Event()
    async with serve_app(handlers(seen, release)) as base:
        async with probe_client() as client:
            results = {
                name: await probe_callback_url(f"{base}/{name}", client=client) for name in ANSWERS
            }
        slow = await probe_callback_url(f"{base}/slow", timeout=0.2)
        release.set()
    for name, (_, status, challenge) in ANSWERS.items():
        result = results[name]
        assert (result.status, result.challenge) == (status, challenge), name
        # One POST each: never a second one with credentials, never a followed redirect.
        (request,) = seen[name]
        assert "authorization" not in request["headers"]
        assert request["body"] == PROBE_BODY
        assert request["headers"]["content-type"].startswith("application/json")
    assert results["redirect"].location == "https://elsewhere/cb"
    assert slow.timed_out and slow.status is None and "0.2 s" in (slow.error or "")
    assert judge_probe(slow, user=None).category == "timeout"


async def test_a_closed_port_is_unreachable() -> None:
    with closed_port() as port:
        result = await probe_callback_url(f"http://127.0.0.1:{port}/cb")
    assert result.status is None and not result.timed_out
    assert result.error is not None and "refused" in result.error
    judged = judge_probe(result, user=None)
    assert not judged.ok and judged.category == "unreachable"
