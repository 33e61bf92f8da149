"""Pilot tests of the setup screens (welcome to assign) against the real sandbox.

They press keys and wait on what the screens show or record (never on a sleep), and check
what they promise for these steps: inputs validated as typed with Next only when valid, API
errors on the step with the hint and a retry, progress remembered across runs, and secrets
never rendered unless revealed and saved only where the screen says.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Button, Input, OptionList, Static, Switch

from tests.tui.scenes import (
    SCENE_CALLBACK_PASSWORD,
    TERMINAL_SIZE,
    goto,
    make_app,
    make_context,
    on_page,
    sandbox_conn,
    sandbox_control,
    started,
    wait_until,
)
from wizard.engine.book import MemoryProgress
from wizard.engine.step import StepId
from wizard.engine.validation import MAX_NAME, MAX_QUANTITY
from wizard.session.connection import Secrets
from wizard.session.session import Session
from wizard.tui.app import WizardApp
from wizard.tui.widgets import validators as v

pytestmark = pytest.mark.timeout(60)


def screen_text(app: WizardApp) -> str:
    """What the terminal shows now, as plain text (what a person would read)."""
    console = Console(
        width=app.size.width,
        height=app.size.height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


async def press_next_and_wait(pilot: Any, step: StepId) -> None:
    app: WizardApp = pilot.app
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: app.ctx.is_done(step), f"{step} to be done")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# -- validators ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validator", "good", "bad"),
    [
        (v.AccountId(), ["9900000", "1"], ["", "99-00", "abc", "1234567890123"]),
        (
            v.CallbackUrl(),
            [
                "https://example.com/callbacks",
                "http://127.0.0.1:8765/callbacks",
                "http://localhost/cb",
                "http://[::1]:80/cb",
            ],
            [
                "",
                "ftp://example.com/x",
                "http://example.com/cb",
                "https://user:pw@example.com/cb",
                "https://example.com:99999/",
                "https:///nohost",
                "https://intranet/cb",
                "example.com/cb",
            ],
        ),
        (
            v.AreaCode(),
            ["919", "222", "777", "303"],
            ["", "91", "9190", "119", "911", "411", "abc"],
        ),
        (
            v.Quantity(),
            ["1", "2", str(MAX_QUANTITY)],
            ["", "0", "-1", "1.5", str(MAX_QUANTITY + 1)],
        ),
        (v.Name("name"), ["bw-wizard", "My app"], ["", "   ", "x" * (MAX_NAME + 1), "a\x07b"]),
        (v.E164(), ["+19195551234", "919-555-1234", "(919) 555 1234"], ["", "12", "+1 555"]),
        (v.TextLength(), ["hello", "x" * 2048], ["", "   ", "x" * 2049]),
        (v.Required("user"), ["sandbox"], ["", " sandbox"]),
    ],
)
def test_validators(validator: Any, good: list[str], bad: list[str]) -> None:
    for value in good:
        assert validator.validate(value).is_valid, value
    for value in bad:
        result = validator.validate(value)
        assert not result.is_valid, value
        # Every failure is a sentence a person can act on.
        assert result.failure_descriptions and result.failure_descriptions[0].endswith(".")


# -- the walk ------------------------------------------------------------------------------


async def test_walk_welcome_to_assign(sandbox: Any) -> None:
    """Welcome -> Credentials (verify) -> ... -> Assign, with the ids in the sidebar."""
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        assert app.screen.id == "page-welcome"
        await pilot.press("ctrl+n")
        await on_page(pilot, "credentials")
        await press_next_and_wait(pilot, StepId.VERIFY)
        assert "Verify credentials: account 9900000" in screen_text(app)
        await pilot.press("ctrl+n")
        screen = await on_page(pilot, "subaccount")
        await wait_until(pilot, lambda: screen.loaded, "the sites")
        await press_next_and_wait(pilot, StepId.SUBACCOUNT)
        for page, step in (
            ("application", StepId.APPLICATION),
            ("location", StepId.LOCATION),
            ("features", StepId.MMS),
            ("assign", StepId.ASSIGN),
        ):
            await on_page(pilot, page)
            await wait_until(pilot, lambda: app.screen.is_valid(), f"{page} inputs valid")
            await press_next_and_wait(pilot, step)
        await on_page(pilot, "order")
        ctx = app.ctx
        assert ctx.data(StepId.SUBACCOUNT)["site_id"] == sandbox.config.identity.site_id
        assert ctx.data(StepId.SMS)["toll_free"] is True
        state = await asyncio.to_thread(_state, sandbox)
        assert len(state["applications"]) == 1
        # Walk back through the sidebar: a done step shows what it recorded.
        await goto(pilot, "application")
        text = screen_text(app)
        app_id = ctx.data(StepId.APPLICATION)["application_id"]
        assert f"created application {app_id}" in text
        assert app.screen.query_one("#form").disabled
        assert str(app.screen.query_one("#next", Button).label) == "Next"


def _state(server: Any) -> dict[str, Any]:
    import httpx

    return httpx.get(f"{server.base_url}/_sandbox/state", timeout=10, trust_env=False).json()


async def test_sidebar_navigates_to_done_steps_only(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_all(app.ctx.inputs, until=StepId.SUBACCOUNT)
        await goto(pilot, "credentials")
        sidebar = app.screen.query_one("#sidebar", OptionList)
        options = {option.id: option for option in sidebar.options}
        assert not options["row-subaccount"].disabled
        assert not options["row-application"].disabled  # the first unfinished step
        assert options["row-location"].disabled
        assert "site 10001" in str(options["row-subaccount"].prompt)
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("row-subaccount")
        await pilot.press("enter")
        await on_page(pilot, "subaccount")


# -- validation as typed ---------------------------------------------------------------------


async def test_next_only_when_inputs_valid(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        client_id = screen.query_one("#client-id", Input)
        next_button = screen.query_one("#next", Button)
        assert not next_button.disabled
        client_id.focus()
        await pilot.press("end", "space")
        await wait_until(pilot, lambda: next_button.disabled, "Next to be disabled")
        problem = screen.query_one("#client-id-problem", Static)
        assert problem.display and "client id" in str(problem.content)
        await pilot.press("backspace")
        await wait_until(pilot, lambda: not next_button.disabled, "Next to be enabled")
        assert not problem.display

        await app.ctx.engine.run_all(app.ctx.inputs, until=StepId.SUBACCOUNT)
        screen = await goto(pilot, "application")
        url = screen.query_one("#callback-url", Input)
        next_button = screen.query_one("#next", Button)
        for bad in ("ftp://example.com/cb", "http://example.com/cb"):
            url.value = bad
            await wait_until(pilot, lambda: next_button.disabled, f"{bad} refused")
        # In sandbox mode callbacks stay on this computer: an outside host is refused.
        url.value = "https://example.com/cb"
        problem = screen.query_one("#callback-url-problem", Static)
        await wait_until(pilot, lambda: "sandbox mode" in str(problem.content), "refused")
        assert next_button.disabled
        url.value = "http://127.0.0.1:8765/other-cb"
        await wait_until(pilot, lambda: not next_button.disabled, "loopback accepted")
        assert "8765/other-cb" in screen_text(app)  # the preview follows the input


# -- errors on the step, with the hint and Retry ------------------------------------------------


async def test_bad_credentials_then_retry(sandbox: Any) -> None:
    app = WizardApp(make_context(sandbox, secrets=Secrets(oauth_client_secret="wrong-secret")))
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        await pilot.press("ctrl+n")
        panel = screen.query_one("#error-panel")
        await wait_until(pilot, lambda: panel.visible, "the error panel")
        assert "refused the client id and client secret" in str(
            screen.query_one("#error-message", Static).content
        )
        assert "API Credentials" in str(screen.query_one("#error-hint", Static).content)
        assert not app.ctx.is_done(StepId.VERIFY)
        # Fix the secret and go again: Verify succeeds and the panel goes away.
        screen.query_one("#client-secret", Input).value = sandbox.config.identity.client_secret
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: app.ctx.is_done(StepId.VERIFY), "verified")
        assert not panel.visible


async def test_refusal_stays_explained_when_next_follows_typing_at_once(sandbox: Any) -> None:
    """Ctrl+N pressed while the typed keys are still being handled: the refusal and its hint
    stay on screen once everything pending has run, not only "Verify failed"."""
    app = WizardApp(make_context(sandbox, secrets=Secrets(oauth_client_secret="x")))
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        secret = screen.query_one("#client-secret", Input)
        secret.value = ""
        secret.focus()
        await pilot.press(*"wrong-secret", "ctrl+n")
        panel = screen.query_one("#error-panel")
        await wait_until(pilot, lambda: panel.visible and not screen._step_running, "refused")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert panel.visible
        assert "refused the client id and client secret" in str(
            screen.query_one("#error-message", Static).content
        )
        assert "API Credentials" in str(screen.query_one("#error-hint", Static).content)


async def test_13609_shows_hint_and_retry_succeeds(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_all(app.ctx.inputs, until=StepId.LOCATION)
        await asyncio.to_thread(
            sandbox_control, sandbox, "/_sandbox/config", {"http_messaging_enabled": False}
        )
        try:
            screen = await goto(pilot, "features")
            await pilot.press("ctrl+n")
            panel = screen.query_one("#error-panel")
            await wait_until(pilot, lambda: panel.visible, "the error panel")
            assert "support" in str(screen.query_one("#error-hint", Static).content)
            assert not app.ctx.is_done(StepId.SMS)
        finally:
            await asyncio.to_thread(
                sandbox_control, sandbox, "/_sandbox/config", {"http_messaging_enabled": True}
            )
        screen.query_one("#retry", Button).press()
        await wait_until(pilot, lambda: app.ctx.is_done(StepId.MMS), "SMS and MMS enabled")
        await on_page(pilot, "assign")


async def test_server_error_while_listing_sites_is_retried(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_step(StepId.VERIFY, app.ctx.inputs)
        await asyncio.to_thread(
            sandbox_control,
            sandbox,
            "/_sandbox/faults",
            {
                "method": "GET",
                "path": "/api/v2/accounts/*/sites",
                "count": 20,
                "kind": "status",
                "status": 503,
            },
        )
        screen = await goto(pilot, "subaccount")
        panel = screen.query_one("#error-panel")
        await wait_until(pilot, lambda: panel.visible, "the error panel", timeout=30)
        assert screen.query_one("#next", Button).disabled
        await asyncio.to_thread(_clear_faults, sandbox)
        screen.query_one("#retry", Button).press()
        await wait_until(pilot, lambda: screen.loaded, "the sites after Retry")
        assert not panel.visible


def _clear_faults(server: Any) -> None:
    import httpx

    httpx.delete(f"{server.base_url}/_sandbox/faults", timeout=10, trust_env=False)


# -- choices on the steps --------------------------------------------------------------------


async def test_create_new_subaccount(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_step(StepId.VERIFY, app.ctx.inputs)
        screen = await goto(pilot, "subaccount")
        await wait_until(pilot, lambda: screen.loaded, "the sites")
        sites = screen.query_one("#sites", OptionList)
        sites.highlighted = sites.option_count - 1  # "+ Create a new sub-account"
        await wait_until(pilot, lambda: screen.query_one("#new-site").display, "the name input")
        screen.query_one("#new-site-name", Input).value = "Second site"
        assert not screen.is_valid()  # the address is still missing
        for key, value in (
            ("HouseNumber", "900"),
            ("StreetName", "Main Campus Dr"),
            ("City", "Raleigh"),
            ("StateCode", "nc"),
            ("Zip", "27606"),
        ):
            screen.query_one(f"#address-{key}", Input).value = value
        await wait_until(pilot, lambda: screen.is_valid(), "valid")
        assert screen.query_one("#preview").requests[0].method == "POST"
        await press_next_and_wait(pilot, StepId.SUBACCOUNT)
        data = app.ctx.data(StepId.SUBACCOUNT)
        assert data["site_name"] == "Second site" and data["site_id"] != "10001"
        state = await asyncio.to_thread(_state, sandbox)
        assert any(site.get("name") == "Second site" for site in _sites(state))


def _sites(state: dict[str, Any]) -> list[dict[str, Any]]:
    sites = state.get("sites")
    return list(sites.values()) if isinstance(sites, dict) else list(sites or [])


async def test_existing_application_is_offered_for_reuse(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        ctx = app.ctx
        await ctx.engine.run_all(ctx.inputs, until=StepId.SUBACCOUNT)
        existing = await ctx.engine.dashboard.create_application(
            "bw-wizard", "https://example.com/cb", "bw-wizard", "old-password"
        )
        screen = await goto(pilot, "application")
        await wait_until(pilot, lambda: screen.existing is not None, "the existing application")
        note = screen.query_one("#existing-note", Static)
        assert note.display and existing.id in str(note.content)
        assert str(screen.query_one("#next", Button).label) == "Reuse application"
        await press_next_and_wait(pilot, StepId.APPLICATION)
        assert ctx.data(StepId.APPLICATION)["application_id"] == existing.id
        assert ctx.data(StepId.APPLICATION)["created"] is False


async def test_features_send_the_switches(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_all(app.ctx.inputs, until=StepId.LOCATION)
        screen = await goto(pilot, "features")
        screen.query_one("#short-code", Switch).value = False
        await wait_until(
            pilot,
            lambda: "<ShortCode>false</ShortCode>" in screen.query_one("#preview").requests[0].body,
            "the preview to follow the switch",
        )
        await press_next_and_wait(pilot, StepId.MMS)
        assert app.ctx.data(StepId.SMS)["short_code"] is False


# -- resume ------------------------------------------------------------------------------------


async def test_reopening_lands_on_first_unfinished_step(sandbox: Any) -> None:
    progress = MemoryProgress()
    first = WizardApp(make_context(sandbox))
    first.ctx.progress = progress
    async with first.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await first.ctx.engine.run_all(first.ctx.inputs, until=StepId.ASSIGN)
    location_id = progress.get(StepId.LOCATION)["location_id"]

    second_ctx = make_context(sandbox)
    second_ctx.progress = progress
    second = WizardApp(second_ctx)
    async with second.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        # Every recorded step was confirmed against the API (Engine.first_pending).
        assert second_ctx.resume_at is StepId.ORDER
        assert str(second.screen.query_one("#next", Button).label) == "Resume: Order numbers"
        text = screen_text(second)
        assert f"location {location_id}" in text  # the sidebar shows the recorded id
        await pilot.press("ctrl+n")
        await on_page(pilot, "order")


# -- secrets ----------------------------------------------------------------------------------


async def test_secrets_masked_until_revealed(sandbox: Any) -> None:
    app = make_app(sandbox)
    password = sandbox.config.identity.client_secret
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        assert password not in screen_text(app)
        assert password not in repr(app.ctx) and password not in repr(app.ctx.secrets)
        screen.query_one("#reveal", Switch).value = True
        await wait_until(pilot, lambda: password in screen_text(app), "the revealed password")
        screen.query_one("#reveal", Switch).value = False
        await wait_until(pilot, lambda: password not in screen_text(app), "masked again")

        await app.ctx.engine.run_all(app.ctx.inputs, until=StepId.SUBACCOUNT)
        screen = await goto(pilot, "application")
        await pilot.app.workers.wait_for_complete()
        text = screen_text(app)
        assert SCENE_CALLBACK_PASSWORD not in text
        assert "<Password>••••</Password>" in text
        await press_next_and_wait(pilot, StepId.APPLICATION)
        assert SCENE_CALLBACK_PASSWORD not in screen_text(app)


def account_app(server: Any) -> WizardApp:
    """Not sandbox mode: settings, keyring and progress files are used, against the sandbox."""
    from wizard.storage.credentials import CredentialStore

    conn, _ = sandbox_conn(server)
    ctx = Session(sandbox=False, conn=conn, store=CredentialStore())
    return WizardApp(ctx)


async def test_verify_saves_to_keyring_and_says_where(sandbox: Any, real_keyring: Any) -> None:
    from tests.keyrings import stored_entries
    from wizard.storage.settings import read_settings_file, settings_path

    app = account_app(sandbox)
    secret = sandbox.config.identity.client_secret
    entry = "sandbox-client/oauth-client-secret"
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        # No secret anywhere yet: Next waits for the client secret.
        assert screen.query_one("#next", Button).disabled
        screen.query_one("#client-secret", Input).value = "wrong-secret"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: screen.query_one("#error-panel").visible, "the 401")
        assert stored_entries(real_keyring.service) == {}  # nothing saved before Verify passed
        screen.query_one("#client-secret", Input).value = secret
        await press_next_and_wait(pilot, StepId.VERIFY)
        await wait_until(pilot, lambda: screen.saved_lines, "the saved lines")
        # Read back with secret-tool, not with the code under test.
        assert stored_entries(real_keyring.service) == {entry: secret}
        text = screen_text(app)
        assert "Secret Service" in text and entry in text
        assert secret not in text
    saved = read_settings_file(settings_path())
    assert saved.account_id == "9900000" and saved.client_id == "sandbox-client"
    assert secret not in settings_path().read_text()


async def test_first_run_typed_by_keys_uses_bw_api_url(
    sandbox: Any, real_keyring: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person's first run: the cursor starts where they type, a refused secret keeps the
    cursor in its field, and BW_API_URL (not Bandwidth's host) is where Verify goes, token
    request included."""
    import argparse

    from tests.keyrings import stored_entries
    from wizard.tui.launch import build_session

    identity = sandbox.config.identity
    monkeypatch.setenv("BW_API_URL", sandbox.api_v2_url)
    app = WizardApp(build_session(argparse.Namespace(sandbox=False)))
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await wait_until(pilot, lambda: app.focused and app.focused.id == "next", "Start focused")
        await pilot.press("enter")
        screen = await on_page(pilot, "credentials")
        await wait_until(pilot, lambda: app.focused and app.focused.id == "client-id", "focus")
        await pilot.press(*identity.client_id, "tab")
        await pilot.press(*"wrong-secret", "ctrl+n")
        await wait_until(pilot, lambda: screen.query_one("#error-panel").visible, "the 401")
        await wait_until(
            pilot, lambda: app.focused and app.focused.id == "client-secret", "refocus"
        )
        await pilot.press("ctrl+u", *identity.client_secret, "ctrl+n")
        await wait_until(pilot, lambda: app.ctx.is_done(StepId.VERIFY), "verified")
        assert app.ctx.conn.dashboard_url == sandbox.api_v2_url
        assert app.ctx.conn.oauth_token_url == sandbox.oauth_token_url
        assert app.ctx.conn.account_id == identity.account_id  # named by the token
    assert stored_entries(real_keyring.service) == {
        f"{identity.client_id}/oauth-client-secret": identity.client_secret
    }


async def test_no_keyring_keeps_secrets_in_memory(sandbox: Any, no_keyring: None) -> None:
    app = account_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        assert "No usable keyring" in str(screen.query_one("#keyring-note", Static).content)
        screen.query_one("#client-secret", Input).value = sandbox.config.identity.client_secret
        await press_next_and_wait(pilot, StepId.VERIFY)
        await wait_until(pilot, lambda: screen.saved_lines, "the saved lines")
        assert any("stays in memory" in line for line in screen.saved_lines)
        assert any("BW_CLIENT_SECRET" in line for line in screen.saved_lines)
        # The session goes on with the secret in memory.
        assert app.ctx.engine is not None
        await app.ctx.engine.run_step(StepId.SUBACCOUNT, app.ctx.inputs)


async def test_one_keyring_word_and_none_when_the_secret_is_in_the_environment(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch, no_keyring: None
) -> None:
    """Without a keyring: the warning shows once (the note before Verify, the done panel
    after), and not at all when BW_CLIENT_SECRET holds the secret."""
    app = account_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        screen.query_one("#client-secret", Input).value = sandbox.config.identity.client_secret
        await press_next_and_wait(pilot, StepId.VERIFY)
        await wait_until(pilot, lambda: screen.saved_lines, "the saved lines")
        assert not screen.query_one("#keyring-note").display
        assert "stays in memory" in str(screen.query_one("#done-panel", Static).content)

    monkeypatch.setenv("BW_CLIENT_SECRET", sandbox.config.identity.client_secret)
    app = account_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        note = str(screen.query_one("#keyring-note", Static).content)
        assert "No usable keyring" not in note
        assert "comes from BW_CLIENT_SECRET" in note


def test_preview_renders_the_client_body_with_passwords_masked() -> None:
    """The Application step plans its POST with the client's own body, password masked."""
    from rich.console import Console as RichConsole

    from wizard.engine.inputs import SetupInputs
    from wizard.engine.plan import Plan
    from wizard.engine.steps.application import STEP as APPLICATION
    from wizard.tui.widgets.request_preview import render_requests

    plan = Plan(
        dashboard_url="https://dashboard.bandwidth.com/api",
        messaging_url="https://messaging.bandwidth.com/api/v2",
        oauth_token_url="https://api.bandwidth.com/api/v1/oauth2/token",
        account_id="",
        inputs=SetupInputs(
            application_name="app",
            callback_url="https://example.com/cb",
            callback_user="user",
            callback_password="pw-very-secret",
        ),
    )
    [request] = APPLICATION.planned_requests(plan)
    assert request.url.endswith("/accounts/{accountId}/applications")
    assert "pw-very-secret" not in (request.body or "")
    console = RichConsole(width=100, record=True, file=io.StringIO())
    console.print(render_requests([request], "Authorization: Basic u:••••"))
    text = console.export_text()
    assert "pw-very-secret" not in text
    assert "<Password>••••</Password>" in text and "<AppName>app</AppName>" in text


# -- what a new user meets off the happy path ----------------------------------------------------


async def test_empty_required_field_says_so_once_next_is_tried(sandbox: Any) -> None:
    """A pristine form shows no complaints; after Next, every empty required field does."""
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_all(app.ctx.inputs, until=StepId.APPLICATION)
        screen = await goto(pilot, "location")
        name = screen.query_one("#location-name", Input)
        problem = screen.query_one("#location-name-problem", Static)
        name.value = ""
        await pilot.pause()
        assert not problem.display, "a field nobody has tried to submit is to do, not wrong"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: problem.display, "the message under the empty field")
        assert str(problem.content) == "Enter a location name."
        assert not app.ctx.is_done(StepId.LOCATION)


async def test_new_subaccount_form_reads_as_examples_and_says_what_next_does(
    sandbox: Any,
) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_step(StepId.VERIFY, app.ctx.inputs)
        screen = await goto(pilot, "subaccount")
        await wait_until(pilot, lambda: screen.loaded, "the sites")
        next_button = screen.query_one("#next", Button)
        assert str(next_button.label) == "Use this sub-account"
        sites = screen.query_one("#sites", OptionList)
        sites.highlighted = sites.option_count - 1  # "+ Create a new sub-account"
        await wait_until(pilot, lambda: screen.query_one("#new-site").display, "the form")
        await wait_until(
            pilot, lambda: str(next_button.label) == "Create sub-account", "the create label"
        )
        for key in ("HouseNumber", "StreetName", "City", "StateCode", "Zip"):
            field_input = screen.query_one(f"#address-{key}", Input)
            assert field_input.value == ""
            assert str(field_input.placeholder).startswith("e.g. "), field_input.placeholder
        await pilot.press("ctrl+n")
        problem = screen.query_one("#address-HouseNumber-problem", Static)
        await wait_until(pilot, lambda: problem.display, "the house number's message")
        assert "house number" in str(problem.content)
        screen.query_one("#address-StateCode", Input).value = "ZZ"
        state_problem = screen.query_one("#address-StateCode-problem", Static)
        await wait_until(
            pilot, lambda: "not a US state" in str(state_problem.content), "ZZ refused"
        )
        assert state_problem.display


async def test_enter_in_a_field_submits_the_step(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_all(app.ctx.inputs, until=StepId.APPLICATION)
        screen = await goto(pilot, "location")
        await wait_until(pilot, lambda: screen.is_valid(), "the location form")
        screen.query_one("#location-name", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.ctx.is_done(StepId.LOCATION), "Enter to run Next")


async def test_enter_on_the_order_form_orders_once(sandbox: Any) -> None:
    """The order screen already read Enter; now the base class does too: one order, not two."""
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_all(app.ctx.inputs, until=StepId.ASSIGN)
        screen = await goto(pilot, "order")
        await wait_until(pilot, lambda: screen.is_valid(), "the search")
        screen.query_one("#quantity", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.ctx.is_done(StepId.ORDER), "the order")
        await app.workers.wait_for_complete()
        state = await asyncio.to_thread(_state, sandbox)
        assert len(state["orders"]) == 1


async def test_order_form_keeps_what_was_typed(sandbox: Any) -> None:
    """ " 919 " is trimmed, not cut to " 91"; 10000 is refused, not cut to 100."""
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_all(app.ctx.inputs, until=StepId.ASSIGN)
        screen = await goto(pilot, "order")
        area = screen.query_one("#area-code", Input)
        area.focus()
        await pilot.press("ctrl+u", "space", "9", "1", "9", "space")
        assert area.value == " 919 "
        await wait_until(pilot, lambda: screen.is_valid(), "the trimmed area code searched")
        quantity = screen.query_one("#quantity", Input)
        quantity.focus()
        await pilot.press("ctrl+u", *"10000")
        assert quantity.value == "10000"
        problem = screen.query_one("#quantity-problem", Static)
        await wait_until(pilot, lambda: problem.display, "10000 refused")
        assert "at most 50" in str(problem.content)
        assert screen.query_one("#next", Button).disabled
