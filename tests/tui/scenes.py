"""Scenes for the shell and the setup screens (welcome to assign), shared by the snapshot tests
and `make screenshots`.

Each scene is an App on a context pointed at a running sandbox plus a `run_before(pilot)` that
brings it to the state worth a picture, waiting on conditions (never a fixed sleep). The earlier
steps are driven through the app's own engine, as the earlier screens would.

Determinism: the sandbox is reset to its seed before each scene (ids repeat); no receiver is
started and its URL is a fixed placeholder (the real one has a random port); URLs of requests
are shown with Bandwidth's hosts; the callback password is a fixed test value of fixed length
(it is masked anyway); input cursors do not blink.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import Input

from tests.waiting import until
from wizard.engine.inputs import SetupInputs
from wizard.engine.step import StepId
from wizard.session.connection import ConnectionSettings, Secrets
from wizard.session.sandbox import sandbox_connection
from wizard.session.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.messages import ProgressChanged

TERMINAL_SIZE = (110, 34)
SCENE_TIMEOUT = 20.0

SCENE_RECEIVER_URL = "http://127.0.0.1:8765/callbacks"
"""Shown as the callback URL in pictures: stable, unlike a real receiver's random port."""
SCENE_CALLBACK_PASSWORD = "scene-callback-pw-0123456789abcdef"
"""A fixed callback password (masked on screen); tests search pictures for it."""


LIMITED_CLIENT = ("sandbox-limited", "sandbox-limited-secret")
"""The sandbox's API Credential without the Campaign Management and toll-free roles."""
SCENE_CAMPAIGN = "CA1B2C3"
"""The sandbox's registered 10DLC campaign, which the scenes' numbers are put on."""


def sandbox_conn(server: Any) -> tuple[ConnectionSettings, Secrets]:
    """Connection settings and the (public, demo) secrets of a running sandbox."""
    return sandbox_connection(server.base_url, server.config.identity)


def secret_values(server: Any) -> list[str]:
    """Every secret a scene may hold: none of them may ever reach a picture."""
    identity = server.config.identity
    return [
        identity.password,
        identity.client_secret,
        identity.token,
        identity.secret,
        SCENE_CALLBACK_PASSWORD,
    ]


def sandbox_control(server: Any, path: str, body: dict[str, Any] | None = None) -> None:
    """POST to the sandbox's test-control API (reset, config, faults)."""
    response = httpx.post(f"{server.base_url}{path}", json=body or {}, timeout=10, trust_env=False)
    response.raise_for_status()


def make_context(server: Any, *, secrets: Secrets | None = None, **inputs: Any) -> Session:
    """A sandbox-mode context on `server`, with no receiver and a fixed callback identity."""
    conn, sandbox_secrets = sandbox_conn(server)
    values = {
        "callback_url": SCENE_RECEIVER_URL,
        "callback_user": "bw-wizard",
        "callback_password": SCENE_CALLBACK_PASSWORD,
        "campaign_id": SCENE_CAMPAIGN,
        **inputs,
    }
    ctx = Session(
        sandbox=True,
        conn=conn,
        secrets=secrets or sandbox_secrets,
        inputs=SetupInputs(**values),
    )
    ctx.receiver_url = SCENE_RECEIVER_URL
    return ctx


def make_app(server: Any, **inputs: Any) -> WizardApp:
    return WizardApp(make_context(server, **inputs))


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], Any], what: str, timeout: float = SCENE_TIMEOUT
) -> Any:
    """Let the app run until `condition()` is truthy; fail naming `what` after `timeout`."""
    return await until(condition, timeout, what, pause=pilot.pause)


async def started(pilot: Pilot[Any]) -> WizardApp:
    app: WizardApp = pilot.app  # type: ignore[assignment]
    await wait_until(pilot, lambda: app.ready, "the app to start")
    await wait_until(pilot, lambda: getattr(app.screen, "ui_ready", False), "the first screen")
    return app


async def drive_engine(pilot: Pilot[Any], until: StepId) -> None:
    """Run the steps up to `until` through the app's engine, as the earlier screens would."""
    app = await started(pilot)
    ctx = app.ctx
    if not ctx.inputs.callback_url:
        ctx.inputs.callback_url = SCENE_RECEIVER_URL
    assert ctx.engine is not None, "a sandbox context connects at start-up"
    await ctx.engine.run_all(ctx.inputs, until=until)
    app.post_message(ProgressChanged())
    await pilot.pause()


async def goto(pilot: Pilot[Any], page: str) -> Any:
    """Open a page and wait until it is drawn and idle."""
    app: WizardApp = pilot.app  # type: ignore[assignment]
    app.goto(page)
    return await on_page(pilot, page)


async def on_page(pilot: Pilot[Any], page: str) -> Any:
    """Wait until `page` is the screen and fully mounted (leaving earlier races a header)."""
    app: WizardApp = pilot.app  # type: ignore[assignment]
    screen = await wait_until(
        pilot,
        lambda: (
            app.screen
            if app.screen.id == f"page-{page}" and getattr(app.screen, "ui_ready", False)
            else None
        ),
        f"the {page} page",
    )
    await pilot.pause()
    return screen


async def idle(pilot: Pilot[Any]) -> None:
    """Every worker finished (lookups, steps), cursors still, and one more frame drawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


# -- the scenes ---------------------------------------------------------------------------------


@dataclass
class Scene:
    """An app and what to do before the picture."""

    name: str
    app: WizardApp
    run_before: Callable[[Pilot[Any]], Awaitable[None]]
    terminal_size: tuple[int, int] = TERMINAL_SIZE
    notes: list[str] = field(default_factory=list)


def welcome_scene(server: Any) -> Scene:
    """Welcome: what will happen, the guide's prerequisites, the sandbox note."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await idle(pilot)

    return Scene("welcome", app, run_before)


def welcome_resume_scene(server: Any) -> Scene:
    """Welcome after four steps: resume at Location, the sidebar showing the recorded ids."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.APPLICATION)
        await goto(pilot, "welcome")
        await idle(pilot)

    return Scene("welcome-resume", app, run_before)


def credentials_scene(server: Any) -> Scene:
    """Credentials: the sandbox identity filled in, secrets masked, where they are kept."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await goto(pilot, "credentials")
        await idle(pilot)

    return Scene("credentials", app, run_before)


def credentials_limited_scene(server: Any) -> Scene:
    """Credentials verified for an API Credential without the 10DLC and toll-free roles: what
    it can do, and what each missing role will block."""
    app = WizardApp(make_context(server, secrets=Secrets(oauth_client_secret=LIMITED_CLIENT[1])))

    async def run_before(pilot: Pilot[Any]) -> None:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        screen.query_one("#client-id", Input).value = LIMITED_CLIENT[0]
        await idle(pilot)
        screen.action_next()
        await wait_until(pilot, lambda: pilot.app.ctx.is_done(StepId.VERIFY), "verified")
        await wait_until(pilot, lambda: screen.query_one("#capabilities").display, "what it can do")
        await idle(pilot)

    return Scene("credentials-limited", app, run_before)


def credentials_bad_scene(server: Any) -> Scene:
    """Credentials with a wrong client secret: Bandwidth's refusal, the hint, and Retry."""
    wrong = Secrets(oauth_client_secret="not-the-secret")
    app = WizardApp(make_context(server, secrets=wrong))

    async def run_before(pilot: Pilot[Any]) -> None:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        screen.action_next()
        await wait_until(pilot, lambda: screen.query_one("#error-panel").visible, "the error panel")
        await idle(pilot)

    return Scene("credentials-bad", app, run_before)


def credentials_legacy_scene(server: Any) -> Scene:
    """A first run after 2026-12-02 for someone whose earlier setup used an API user: why it
    no longer signs in, where to get API Credentials, and the keyring entry to delete."""
    from wizard.session.legacy import LegacyApiUser

    # Bandwidth's own hosts: nothing is sent before Verify, and the picture shows no port.
    ctx = Session(
        sandbox=False,
        conn=ConnectionSettings(account_id=server.config.identity.account_id),
        inputs=SetupInputs(callback_url=SCENE_RECEIVER_URL),
    )
    ctx.legacy_api_user = LegacyApiUser(
        "sandbox", ("the settings file", "the OS keyring"), server.config.identity.account_id
    )
    app = WizardApp(ctx)

    async def run_before(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await goto(pilot, "credentials")
        await idle(pilot)

    return Scene("credentials-legacy", app, run_before)


def subaccount_scene(server: Any) -> Scene:
    """Sub-account: the account's list, loaded from the API, and the create option."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.VERIFY)
        screen = await goto(pilot, "subaccount")
        await wait_until(pilot, lambda: screen.loaded, "the sub-accounts")
        await idle(pilot)

    return Scene("subaccount", app, run_before)


def application_scene(server: Any) -> Scene:
    """Application: name, callback URL, generated credentials, the POST it will send."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.SUBACCOUNT)
        screen = await goto(pilot, "application")
        await wait_until(pilot, lambda: screen.looked_up == "bw-wizard", "the name lookup")
        await idle(pilot)

    return Scene("application", app, run_before)


def application_reuse_scene(server: Any) -> Scene:
    """Application: one with the same name exists; it is offered for reuse."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.SUBACCOUNT)
        ctx = pilot.app.ctx  # type: ignore[attr-defined]
        await ctx.engine.dashboard.create_application(
            "bw-wizard", "https://example.com/old-callbacks", "bw-wizard", "old-password"
        )
        screen = await goto(pilot, "application")
        await wait_until(pilot, lambda: screen.existing is not None, "the existing application")
        await idle(pilot)

    return Scene("application-reuse", app, run_before)


def application_done_scene(server: Any) -> Scene:
    """Reviewing a done step from the sidebar: what was recorded, its ids."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.LOCATION)
        await goto(pilot, "application")
        await idle(pilot)

    return Scene("application-done", app, run_before)


def location_scene(server: Any) -> Scene:
    """Location: name and the default-location switch."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.APPLICATION)
        screen = await goto(pilot, "location")
        await wait_until(pilot, lambda: screen.looked_up == "bw-wizard", "the name lookup")
        await idle(pilot)

    return Scene("location", app, run_before)


def features_scene(server: Any) -> Scene:
    """Messaging features: TollFree/ShortCode switches, the guide's fixed values read-only."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.LOCATION)
        await goto(pilot, "features")
        await idle(pilot)

    return Scene("features", app, run_before)


def features_13609_scene(server: Any) -> Scene:
    """Enable SMS on an account without HTTP messaging: error 13609 and what to do."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.LOCATION)
        await asyncio.to_thread(
            sandbox_control, server, "/_sandbox/config", {"http_messaging_enabled": False}
        )
        try:
            screen = await goto(pilot, "features")
            screen.action_next()
            await wait_until(
                pilot, lambda: screen.query_one("#error-panel").visible, "the error panel"
            )
            await idle(pilot)
        finally:
            await asyncio.to_thread(
                sandbox_control, server, "/_sandbox/config", {"http_messaging_enabled": True}
            )

    return Scene("features-13609", app, run_before)


def assign_scene(server: Any) -> Scene:
    """Assign: the application and the location it is linked to, and the PUT."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await drive_engine(pilot, StepId.MMS)
        await goto(pilot, "assign")
        await idle(pilot)

    return Scene("assign", app, run_before)


def help_scene(server: Any) -> Scene:
    """The help screen over a step."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        from wizard.tui.screens.help import HelpScreen

        await started(pilot)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "help")
        await idle(pilot)

    return Scene("help", app, run_before)


def light_theme_scene(server: Any) -> Scene:
    """The light theme, on the credentials screen."""
    app = make_app(server)

    async def run_before(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await goto(pilot, "credentials")
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: pilot.app.theme == "bandwidth-light", "the light theme")
        await idle(pilot)

    return Scene("credentials-light", app, run_before)


SCENES: dict[str, Callable[[Any], Scene]] = {
    "welcome": welcome_scene,
    "welcome-resume": welcome_resume_scene,
    "credentials": credentials_scene,
    "credentials-limited": credentials_limited_scene,
    "credentials-bad": credentials_bad_scene,
    "credentials-legacy": credentials_legacy_scene,
    "credentials-light": light_theme_scene,
    "subaccount": subaccount_scene,
    "application": application_scene,
    "application-reuse": application_reuse_scene,
    "application-done": application_done_scene,
    "location": location_scene,
    "features": features_scene,
    "features-13609": features_13609_scene,
    "assign": assign_scene,
    "help": help_scene,
}
"""Scene name -> builder taking a running sandbox (reset it before building)."""
