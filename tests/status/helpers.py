"""Accounts for the status tests, built on the shared sandbox the way a person would build them:
the wizard's engine for a working setup, the sandbox's API and control routes for what breaks
one. Waits poll a condition with a deadline; nothing sleeps to synchronise.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Iterator
from typing import Any, TypeVar

import httpx

from tests.engine.helpers import account_client, control, inputs, make_engine, state
from tests.waiting import wait_for
from wizard.cli import main
from wizard.engine.step import StepId

CALLBACK_USER = "bw-wizard"
CALLBACK_PASSWORD = "status-test-callback-pw-0123456789"
"""The receiver's password in these tests (it never reaches a report)."""
FAILED_TO = "+19195554720"
"""A sandbox destination whose messages fail with 4720."""

T = TypeVar("T")


def run_cli(capsys: Any, *args: str) -> tuple[int, str, str]:
    """`bw-wizard status ARGS` in this process: (exit code, stdout, stderr)."""
    code = main(["status", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: Any, *args: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run_cli(capsys, "--json", *args)
    return code, json.loads(out), err


def ready_account(sandbox: Any, callback_url: str, *, until: StepId = StepId.READY) -> dict:
    """The wizard's own setup up to `until` (a number on the REGISTERED campaign by default),
    its callback URL `callback_url` with the tests' callback user; what each step recorded."""

    async def run() -> dict:
        engine, clients, _ = make_engine(sandbox)
        try:
            wanted = inputs(
                sandbox,
                callback_url=callback_url,
                callback_user=CALLBACK_USER,
                callback_password=CALLBACK_PASSWORD,
                message_to=[FAILED_TO],
            )
            done = await engine.run_all(wanted, until=until)
            return {step.value: dict(data) for step, data in done.items()}
        finally:
            await clients.aclose()

    return asyncio.run(run())


def locations(sandbox: Any) -> list[dict[str, Any]]:
    return state(sandbox)["locations"]


def failed_listed(sandbox: Any) -> bool:
    """True once List Messages reports a FAILED message (after the sandbox's delivery delay)."""
    identity = sandbox.config.identity
    with account_client(sandbox) as client:
        answer = client.get(
            f"{sandbox.messaging_url}/users/{identity.account_id}/messages",
            params={"messageStatus": "FAILED"},
        )
    return answer.status_code == 200 and bool(answer.json()["messages"])


def location_without_sms(sandbox: Any, name: str = "voice only") -> dict[str, Any]:
    """A new location with no SMS feature, holding one ordered number (as a voice setup)."""
    identity = sandbox.config.identity
    site = identity.site_id
    with account_client(sandbox) as client:
        created = client.post(
            f"/accounts/{identity.account_id}/sites/{site}/sippeers",
            content=f"<SipPeer><PeerName>{name}</PeerName></SipPeer>",
            headers={"Content-Type": "application/xml"},
        )
        assert created.status_code == 201, created.text
        peer = created.headers["location"].rstrip("/").rsplit("/", 1)[1]
        ordered = client.post(
            f"/accounts/{identity.account_id}/orders",
            content=(
                "<Order><AreaCodeSearchAndOrderType><AreaCode>919</AreaCode><Quantity>1"
                f"</Quantity></AreaCodeSearchAndOrderType><SiteId>{site}</SiteId>"
                f"<PeerId>{peer}</PeerId></Order>"
            ),
            headers={"Content-Type": "application/xml"},
        )
        assert ordered.status_code == 201, ordered.text
    wait_for(
        lambda: any(loc["id"] == peer and loc["numbers"] for loc in locations(sandbox)),
        10,
        "the number on the location without SMS",
    )
    return next(loc for loc in locations(sandbox) if loc["id"] == peer)


def app_made_elsewhere(sandbox: Any, url: str, location_id: str | None = None) -> str:
    """An application "made in the Bandwidth App" with callback URL `url`; its id."""
    body: dict[str, Any] = {"name": "made elsewhere", "inbound_url": url}
    if location_id:
        body["location_id"] = location_id
    response = httpx.post(
        f"{sandbox.base_url}/_sandbox/applications", json=body, timeout=10, trust_env=False
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def location_with_sms(sandbox: Any, name: str) -> str:
    """A new location with SMS on HTTP and no application; its id."""
    identity = sandbox.config.identity
    site = identity.site_id
    with account_client(sandbox) as client:
        created = client.post(
            f"/accounts/{identity.account_id}/sites/{site}/sippeers",
            content=f"<SipPeer><PeerName>{name}</PeerName></SipPeer>",
            headers={"Content-Type": "application/xml"},
        )
        assert created.status_code == 201, created.text
        peer = created.headers["location"].rstrip("/").rsplit("/", 1)[1]
        sms = client.post(
            f"/accounts/{identity.account_id}/sites/{site}/sippeers/{peer}/products/messaging/"
            "features/sms",
            content=(
                "<SipPeerSmsFeature><SipPeerSmsFeatureSettings><TollFree>false</TollFree>"
                "<ShortCode>false</ShortCode><Protocol>HTTP</Protocol><Zone1>true</Zone1>"
                "<Zone2>false</Zone2><Zone3>false</Zone3><Zone4>false</Zone4>"
                "<Zone5>false</Zone5></SipPeerSmsFeatureSettings><HttpSettings/>"
                "</SipPeerSmsFeature>"
            ),
            headers={"Content-Type": "application/xml"},
        )
        assert sms.status_code == 201, sms.text
    return peer


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections for as long as the block runs: bound, never
    listening, so nothing else can take it meanwhile."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def seed(sandbox: Any, **counts: int) -> dict[str, Any]:
    response = httpx.post(
        f"{sandbox.base_url}/_sandbox/seed", json=counts, timeout=30, trust_env=False
    )
    assert response.status_code == 201, response.text
    return response.json()


__all__ = [
    "CALLBACK_PASSWORD",
    "CALLBACK_USER",
    "FAILED_TO",
    "app_made_elsewhere",
    "closed_port",
    "control",
    "failed_listed",
    "location_with_sms",
    "location_without_sms",
    "locations",
    "ready_account",
    "run_cli",
    "run_json",
    "seed",
    "state",
    "wait_for",
]
