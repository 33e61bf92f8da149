"""Secret-leak scan: run the whole flow with marker secrets, then search everywhere they could
have ended up.

Markers are unique strings used as every secret the wizard handles: the API Credential's client
secret and the callback password, plus an old API user's password left in the keyring (read,
never sent). A sandbox whose own identity is those markers is the account, so every secret is
really sent (and accepted) over HTTP. The access tokens the sandbox issues are secrets too; they
are JWTs, so every one starts with "eyJ" (base64 of '{"'). Then the config, state and data
dirs, the callback log, the run's stdout/stderr and log records, the TUI's screens and
screenshots, and the committed snapshots and screenshots are searched for each marker, for the
Basic `Authorization` values (base64 of user:password) built from them, and for any token:
zero hits. The markers are also checked to be in the real keyring (read with secret-tool), so
a run that silently used other secrets cannot pass.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.callbacks.helpers import ReceiverServer
from tests.keyrings import stored_entries
from tests.waiting import until
from wizard.callbacks.receiver import CallbackReceiver
from wizard.sandbox.identity import Identity
from wizard.sandbox.server import SandboxConfig, SandboxThread
from wizard.session.connection import ConnectionSettings
from wizard.storage.credentials import CredentialStore, SecretName

pytestmark = pytest.mark.timeout(90)

ROOT = Path(__file__).resolve().parents[2]
TAG = uuid.uuid4().hex[:10]
MARKERS = {
    "retired API-user password": f"LEAKMARK-dashpw-{TAG}",
    "oauth client secret": f"LEAKMARK-oauth-{TAG}",
    "callback password": f"LEAKMARK-cbpw-{TAG}",
}
TOKEN_START = "eyJ"
"""How every JWT (an access token) starts: base64 of its header's '{"'."""
CALLBACK_USER = "bw-callbacks"
DELIVERED_TO = "+19195550199"
IDENTITY = Identity(
    password=MARKERS["retired API-user password"],
    client_secret=MARKERS["oauth client secret"],
)


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def needles() -> dict[str, bytes]:
    """What must never be found: each marker, and each Basic credential built from them."""
    found = {name: value.encode() for name, value in MARKERS.items()}
    found["an access token"] = TOKEN_START.encode()
    basics = {
        "Basic dashboard": _basic(IDENTITY.username, IDENTITY.password),
        "Basic oauth client": _basic(IDENTITY.client_id, IDENTITY.client_secret),
        "Basic callback": _basic(CALLBACK_USER, MARKERS["callback password"]),
        "Basic callback (tui)": _basic("bw-wizard", MARKERS["callback password"]),
    }
    found.update({name: value.encode() for name, value in basics.items()})
    return found


def hits(content: bytes, where: str) -> list[str]:
    return [f"{name} in {where}" for name, value in needles().items() if value in content]


def scan_tree(*roots: Path) -> tuple[list[str], int]:
    """(hits, files searched) under every root."""
    found: list[str] = []
    searched = 0
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file():
                searched += 1
                found += hits(path.read_bytes(), str(path))
    return found, searched


@pytest.fixture(scope="module")
def marker_sandbox() -> Iterator[SandboxThread]:
    """A sandbox whose account's secrets are the markers, so they are really used."""
    config = SandboxConfig(
        port=0,
        identity=IDENTITY,
        order_delay=0.1,
        delivery_delay=0.05,
        callback_timeout=2.0,
        callback_retry_initial=0.1,
        callback_retry_max_interval=0.5,
        callback_retry_window=5.0,
    )
    with SandboxThread(config) as server:
        yield server


@pytest.fixture
def sandbox_reset(marker_sandbox: SandboxThread) -> SandboxThread:
    httpx.post(f"{marker_sandbox.base_url}/_sandbox/reset", timeout=10, trust_env=False)
    return marker_sandbox


def _config(server: SandboxThread, path: Path, callback_url: str) -> Path:
    lines = [
        f'client_id = "{IDENTITY.client_id}"',
        f'dashboard_url = "{server.api_v2_url}"',
        f'messaging_url = "{server.messaging_url}"',
        f'oauth_token_url = "{server.oauth_token_url}"',
        "",
        "[subaccount]",
        f'site_id = "{IDENTITY.site_id}"',
        "[application]",
        'name = "leak scan"',
        f'callback_url = "{callback_url}"',
        f'callback_user = "{CALLBACK_USER}"',
        "[location]",
        'name = "leak scan"',
        "[features]",
        "[order]",
        'area_code = "919"',
        "timeout = 20",
        "[compliance]",
        'campaign_id = "CA1B2C3"',
        "[message]",
        f'to = ["{DELIVERED_TO}"]',
        'text = "leak scan"',
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


async def _apply(config: Path, *extra: str) -> tuple[int, bytes, bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BW_") or "WIZARD" in k}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "wizard",
        "apply",
        "--config",
        str(config),
        *extra,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, out, err


async def test_headless_apply_leaks_no_secret(
    sandbox_reset: SandboxThread, real_keyring: CredentialStore, isolated_dirs, tmp_path: Path
) -> None:
    server = sandbox_reset
    account = IDENTITY.account_id
    for owner, name, secret in (
        (account, SecretName.DASHBOARD_PASSWORD, MARKERS["retired API-user password"]),
        (IDENTITY.client_id, SecretName.OAUTH_CLIENT_SECRET, MARKERS["oauth client secret"]),
        (account, SecretName.CALLBACK_PASSWORD, MARKERS["callback password"]),
    ):
        real_keyring.set(owner, name, secret)

    from wizard.storage.paths import data_dir

    receiver = CallbackReceiver(
        username=CALLBACK_USER,
        password=MARKERS["callback password"],
        log_path=data_dir() / "callbacks.jsonl",
    )
    callbacks = ReceiverServer(receiver)
    await callbacks.start()
    outputs: list[tuple[str, bytes]] = []
    try:
        config = _config(server, tmp_path / "bw.toml", callbacks.url)
        code, out, err = await _apply(config, "--json")
        outputs += [("stdout", out), ("stderr", err)]
        assert code == 0, err.decode()
        await until(
            lambda: any(e.type == "message-delivered" for e in receiver.history),
            20,
            "the message's delivered callback in the log",
        )
    finally:
        await callbacks.stop()

    # Every secret was really used: the sandbox only answers to the markers.
    held = httpx.get(f"{server.base_url}/_sandbox/state", timeout=10, trust_env=False).json()
    routes = held["requests"]["counts"]
    assert routes.get("POST /api/v1/oauth2/token"), "no token was asked for"
    assert routes.get("POST /api/v2/users/{account}/messages")
    assert all(
        a["outcome"] != "challenged" or a["status"] == 401 for a in held["callback_attempts"]
    )
    assert all(e.authenticated for e in receiver.history), "callbacks came without the password"
    assert stored_entries(real_keyring.service) == {
        f"{account}/dashboard-password": MARKERS["retired API-user password"],
        f"{IDENTITY.client_id}/oauth-client-secret": MARKERS["oauth client secret"],
        f"{account}/callback-password": MARKERS["callback password"],
    }

    found, searched = scan_tree(tmp_path)  # config, state, data dirs, the configs, the log
    assert (isolated_dirs["data"] / "callbacks.jsonl").exists()
    assert list(isolated_dirs["state"].glob("progress-*.json"))
    for where, content in outputs:
        found += hits(content, where)
    # The sandbox's request and callback logs saw every header the wizard sent; its own
    # identity (it publishes the guide's token as a user name) is the emulator's, not ours.
    found += hits(repr({**held, "identity": None}).encode(), "the sandbox's logs")
    print(f"secret scan (headless): {searched} files and {len(outputs)} outputs searched")
    assert found == [], found


async def test_tui_walk_leaks_no_secret(
    sandbox_reset: SandboxThread,
    real_keyring: CredentialStore,
    isolated_dirs,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture,
) -> None:
    """The screens, not in sandbox mode: the password typed on Credentials goes to the real
    keyring, the receiver logs to the data dir, and every page is captured as text and SVG."""
    from textual.widgets import Button, Input

    from wizard.engine.inputs import SetupInputs
    from wizard.engine.step import StepId
    from wizard.session.session import Session
    from wizard.tui.app import WizardApp
    from wizard.tui.screens.send import CarrierAdviceScreen

    caplog.set_level(logging.DEBUG)
    server = sandbox_reset
    conn = ConnectionSettings(
        account_id=IDENTITY.account_id,
        client_id=IDENTITY.client_id,
        dashboard_url=server.api_v2_url,
        messaging_url=server.messaging_url,
        oauth_token_url=server.oauth_token_url,
        platform_url=server.api_v2_url,
    )
    ctx = Session(
        sandbox=False,
        conn=conn,
        store=CredentialStore(),
        start_receiver=True,
        inputs=SetupInputs(
            callback_user="bw-wizard",
            callback_password=MARKERS["callback password"],
            area_code="919",
            quantity=1,
            message_to=[DELIVERED_TO],
            message_text="leak scan",
            campaign_id="CA1B2C3",
        ),
    )
    app = WizardApp(ctx)
    shots = tmp_path / "screens"
    shots.mkdir()
    visited: list[str] = []

    async def settle(pilot: Any, condition: Any, what: str) -> Any:
        return await until(condition, 20, what, pause=pilot.pause)

    def capture(name: str) -> None:
        (shots / f"{len(visited):02d}-{name}.svg").write_text(app.export_screenshot())

    def page_ready() -> Any:
        screen = app.screen
        if (screen.id or "").startswith("page-") and getattr(screen, "ui_ready", False):
            return screen
        return None

    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot, lambda: app.ready, "start-up")
        await settle(pilot, lambda: ctx.receiver_url, "the callback receiver")
        ctx.inputs.callback_url = ctx.receiver_url or ""
        while True:
            screen = await settle(pilot, page_ready, "a page")
            page = screen.id.removeprefix("page-")
            assert page not in visited[-1:], f"stuck on {page}"
            visited.append(page)
            await pilot.pause()
            capture(page)
            if page == "credentials":
                screen.query_one("#client-secret", Input).value = MARKERS["oauth client secret"]
                await pilot.pause()
                capture("credentials-typed")
            if page == "send":
                break
            if page == "order":
                await settle(pilot, lambda s=screen: s.available, "the numbers on offer")
            if page == "order-status":
                await settle(pilot, lambda: ctx.is_done(StepId.WAIT_ORDER), "the order")
            for _ in range(3):  # pages that show what was done need Next twice
                next_button = screen.query_one("#next", Button)
                await settle(
                    pilot,
                    lambda b=next_button, s=screen: (
                        not b.disabled and not getattr(s, "_step_running", False)
                    ),
                    f"Next on {page}",
                )
                screen.action_next()
                await settle(
                    pilot,
                    lambda s=screen: (
                        app.screen is not s
                        or (s.steps_done() and not getattr(s, "_step_running", False))
                    ),
                    f"{page} to finish",
                )
                if app.screen is not screen:
                    break
            assert app.screen is not screen, f"{page} did not move on"

        send = app.screen
        send.query_one("#to", Input).value = DELIVERED_TO
        await settle(pilot, lambda: send.is_valid(), "a valid message")
        send.action_next()
        await settle(pilot, lambda: isinstance(app.screen, CarrierAdviceScreen), "the advice")
        capture("carrier-advice")
        await pilot.press("y")
        await settle(pilot, lambda: ctx.is_done(StepId.SEND), "the send")
        receiver = ctx.receiver
        await settle(
            pilot,
            lambda: any(e.type == "message-delivered" for e in receiver.history),
            "message-delivered",
        )
        await pilot.pause()
        capture("send-delivered")
        assert all(e.authenticated for e in receiver.history)

    assert visited[:2] == ["welcome", "credentials"] and visited[-1] == "send", visited
    assert (
        stored_entries(real_keyring.service).get(f"{IDENTITY.client_id}/oauth-client-secret")
        == MARKERS["oauth client secret"]
    ), "the typed client secret did not reach the keyring"

    found, searched = scan_tree(tmp_path)  # config, state, data dirs and the screenshots
    assert (isolated_dirs["data"] / "callbacks.jsonl").exists()
    logged = "\n".join(
        record.getMessage() + (logging.Formatter().formatException(record.exc_info) or "")
        if record.exc_info
        else record.getMessage()
        for record in caplog.records
    )
    found += hits(logged.encode(), "log records")
    captured = capsys.readouterr()
    found += hits(captured.out.encode(), "stdout") + hits(captured.err.encode(), "stderr")
    print(f"secret scan (tui): pages {visited}, {searched} files searched")
    assert found == [], found


def test_committed_snapshots_and_screenshots_hold_no_secret() -> None:
    """The pictures in the repository were made with the scenes' secrets: none may show."""
    from tests.tui.scenes import SCENE_CALLBACK_PASSWORD

    demo = Identity()
    values = {
        "scene callback password": SCENE_CALLBACK_PASSWORD,
        "sandbox password": demo.password,
        "sandbox client secret": demo.client_secret,
        "sandbox messaging secret": demo.secret,
        "Basic sandbox": _basic(demo.username, demo.password),
        "Basic messaging": _basic(demo.token, demo.secret),
        "Basic callback": _basic("bw-wizard", SCENE_CALLBACK_PASSWORD),
    }
    roots = [ROOT / "tests" / "tui" / "__snapshots__", ROOT / "screenshots"]
    files = [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]
    assert files, "no snapshots or screenshots to search"
    found = [
        f"{name} in {path.relative_to(ROOT)}"
        for path in files
        for name, value in values.items()
        if value.encode() in path.read_bytes()
    ]
    print(f"secret scan (pictures): {len(files)} files searched")
    assert found == [], found
