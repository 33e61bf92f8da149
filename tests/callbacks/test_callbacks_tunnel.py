"""Finding a public HTTPS URL from a local ngrok agent (a fake one, over loopback)."""

from __future__ import annotations

import asyncio
import json

from tests.callbacks.helpers import free_port_with_nothing_listening, serve_app
from wizard.callbacks.tunnel import explain_no_tunnel, find_public_url


def ngrok_app(payload: object, *, status: int = 200, hold: asyncio.Event | None = None):
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        if hold is not None:
            await hold.wait()
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return app


TUNNELS = {
    "tunnels": [
        {"public_url": "http://abc.ngrok.app", "config": {"addr": "http://localhost:8970"}},
        {"public_url": "https://other.ngrok.app", "config": {"addr": "http://localhost:3000"}},
        {"public_url": "https://abc.ngrok.app/", "config": {"addr": "http://localhost:8970"}},
    ]
}


async def test_the_https_tunnel_to_our_port_is_offered():
    async with serve_app(ngrok_app(TUNNELS)) as base:
        found = await find_public_url(local_port=8970, api_url=base + "/api/tunnels")
    assert found.public_url == "https://abc.ngrok.app"
    assert found.callback_url == "https://abc.ngrok.app/callbacks"
    assert "https://abc.ngrok.app/callbacks" in found.explanation


async def test_a_tunnel_to_another_port_is_offered_with_a_warning():
    async with serve_app(ngrok_app(TUNNELS)) as base:
        found = await find_public_url(local_port=9999, path="hooks", api_url=base + "/x")
    assert found.public_url == "https://other.ngrok.app"
    assert found.callback_url == "https://other.ngrok.app/hooks"
    assert "not to this receiver on port 9999" in found.explanation
    assert "ngrok http 9999" in found.explanation


async def test_no_https_tunnel_or_an_odd_answer_means_none():
    http_only = {"tunnels": [{"public_url": "http://abc.ngrok.app"}]}
    for payload, status in ((http_only, 200), (b"not json", 200), ([], 200), (TUNNELS, 500)):
        async with serve_app(ngrok_app(payload, status=status)) as base:
            found = await find_public_url(local_port=8970, api_url=base + "/api/tunnels")
        assert found.public_url is None and found.callback_url is None, payload
        assert found.explanation == explain_no_tunnel(8970)


async def test_no_agent_means_two_sentences_of_advice():
    port = free_port_with_nothing_listening()
    found = await find_public_url(local_port=8970, api_url=f"http://127.0.0.1:{port}/api/tunnels")
    assert found.public_url is None
    assert found.explanation.count(". ") == 1 and found.explanation.endswith(".")
    assert "ngrok http 8970" in found.explanation and "/callbacks" in found.explanation


async def test_a_slow_agent_does_not_hold_the_wizard_up():
    hold = asyncio.Event()
    async with serve_app(ngrok_app(TUNNELS, hold=hold)) as base:
        loop = asyncio.get_running_loop()
        started = loop.time()
        found = await find_public_url(api_url=base + "/api/tunnels", timeout=0.2)
        assert loop.time() - started < 2
        hold.set()
    assert found.public_url is None
