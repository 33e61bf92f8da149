"""The app shell: start-up, page order, command palette, help, themes, and the launcher's
promise that start-up problems are a plain sentence, never a traceback."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette

from tests.tui.scenes import TERMINAL_SIZE, goto, make_app, started, wait_until
from wizard.engine.registry import PAGE_BY_KEY, PAGES, STEPS
from wizard.engine.step import StepId
from wizard.session.session import Session
from wizard.tui import launch
from wizard.tui.app import WizardApp
from wizard.tui.screens.help import HelpScreen

pytestmark = pytest.mark.timeout(60)


def test_pages_follow_the_engine_order() -> None:
    steps = [step for page in PAGES for step in page.steps]
    assert steps == [info.id for info in STEPS]
    assert PAGES[0].key == "welcome"
    assert PAGE_BY_KEY["features"].steps == (StepId.SMS, StepId.MMS)


async def test_without_credentials_only_welcome_and_credentials_open() -> None:
    app = WizardApp(Session())
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        assert app.reachable_pages() == ["welcome", "credentials"]
        app.goto("location")  # the sidebar would not offer it, but even asked directly...
        await pilot.pause()
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: app.screen.id == "page-credentials", "credentials")
        # A first run: empty form, Next waits for the account id and credentials.
        assert app.screen.query_one("#next").disabled


def palette_offers(app: WizardApp, words: str) -> bool:
    """True once the palette lists a highlighted command containing `words`."""
    commands = app.screen.query(CommandList)
    if not commands:
        return False
    option = commands.first(CommandList).highlighted_option
    return option is not None and words.lower() in str(option.prompt).lower()


async def test_command_palette_goes_to_a_step_and_toggles_theme(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        await app.ctx.engine.run_step(StepId.VERIFY, app.ctx.inputs)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"sub-acc")
        await wait_until(pilot, lambda: palette_offers(app, "Sub-account"), "the command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "page-subaccount", "the sub-account page")

        theme = app.theme
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"light/dark")
        await wait_until(pilot, lambda: palette_offers(app, "theme"), "the command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.theme != theme, "the theme to change")
        assert {theme, app.theme} == {"bandwidth-dark", "bandwidth-light"}
        await pilot.press("ctrl+t")
        assert app.theme == theme


async def test_help_opens_over_a_step_and_closes(sandbox: Any) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await started(pilot)
        screen = await goto(pilot, "credentials")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the step again")


def test_every_page_of_the_registry_has_its_screen() -> None:
    """A page whose screen module or class is missing fails here, not in front of a user."""
    import importlib

    for page in PAGES:
        module_name, _, class_name = page.screen.partition(":")
        screen_class = getattr(importlib.import_module(module_name), class_name)
        assert page.key == screen_class.PAGE
        assert page.steps == screen_class.STEPS


async def test_startup_failure_is_a_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(self: Session) -> None:
        raise OSError("[Errno 98] address already in use")

    monkeypatch.setattr(Session, "start", broken)
    app = WizardApp(Session(start_sandbox=True))
    async with app.run_test(size=TERMINAL_SIZE) as pilot:
        await wait_until(pilot, lambda: app.startup_error, "the start-up error")
    assert app.return_code == 1
    assert "address already in use" in (app.startup_error or "")


def test_run_tui_broken_settings_is_one_sentence(
    isolated_dirs: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    config = isolated_dirs["config"]
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text("account_id = [unclosed\n", encoding="utf-8")
    code = launch.run_tui(argparse.Namespace(sandbox=False))
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("bw-wizard could not start:") and "settings" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_run_tui_reports_startup_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake_run(self: WizardApp, **_: Any) -> None:
        self.startup_error = "The sandbox could not start: port 8960 is taken."

    monkeypatch.setattr(WizardApp, "run", fake_run)
    code = launch.run_tui(argparse.Namespace(sandbox=True))
    err = capsys.readouterr().err
    assert code == 1
    assert "port 8960 is taken" in err and "Traceback" not in err


def test_sandbox_session_keeps_nothing_on_disk(isolated_dirs: dict[str, Any]) -> None:
    ctx = launch.build_session(argparse.Namespace(sandbox=True))
    try:
        assert ctx.sandbox and ctx.start_sandbox and ctx.store is None
        assert ctx.save_settings(account_id="9900000") == ""
        assert not any(isolated_dirs["config"].glob("*"))
        assert ctx.workdir is not None and ctx.workdir.path.is_dir()
    finally:
        ctx.workdir.remove()
    assert not ctx.workdir.path.exists()
