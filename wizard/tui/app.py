"""The Textual App: screen order, bindings, themes and the command palette, nothing else.

The App is deliberately thin (as in harlequin): each step lives in its own screen module, the
shared state in the Session, and the pages come from the engine's registry
(`wizard.engine.registry.PAGES`), so the screens can never disagree with the engine about what
comes next or what number a step has.

Bindings: F1 help, F2 account status, F9 show/hide the sidebar, Ctrl+T light/dark theme,
Ctrl+P command palette ("Go to step: ...", "Account status", "Toggle light/dark theme",
"Help"), Ctrl+Q quit. Step screens add Ctrl+N Next, Ctrl+B Back, Ctrl+E request preview,
Ctrl+R retry. The Status screen is not a step: `open_status()` pushes it over whatever is
showing.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Static

from wizard.core.errors import sentence
from wizard.engine.registry import PAGE_BY_KEY, PAGES, STEP_PAGES, Page, summary
from wizard.engine.step import StepId
from wizard.session.session import Session
from wizard.tui import fit
from wizard.tui.messages import ContextReady, ProgressChanged

if TYPE_CHECKING:
    from wizard.status.collect import Probe

DARK_THEME = Theme(
    name="bandwidth-dark",
    primary="#3D8BFD",
    secondary="#00B5E2",
    accent="#FFB000",
    warning="#FFB000",
    error="#FF5C5C",
    success="#4CC38A",
    foreground="#E6EDF3",
    background="#0D1117",
    surface="#161B22",
    panel="#21262D",
    dark=True,
)
LIGHT_THEME = Theme(
    name="bandwidth-light",
    primary="#0047BB",
    secondary="#0077A8",
    accent="#B35C00",
    warning="#B35C00",
    error="#C62828",
    success="#1B7F4C",
    foreground="#1F2328",
    background="#FFFFFF",
    surface="#F6F8FA",
    panel="#E6EAEF",
    dark=False,
)


class WizardCommands(Provider):
    """Ctrl+P: go to any step that can be opened, switch theme, open help."""

    def _commands(self) -> list[tuple[str, str, Any]]:
        app: WizardApp = self.app  # type: ignore[assignment]
        commands: list[tuple[str, str, Any]] = []
        reachable = app.reachable_pages()
        for page in PAGES:
            if page.key in reachable:
                commands.append(
                    (
                        f"Go to step: {page.label}",
                        "Open this step (done steps show what they recorded)",
                        _goto(app, page.key),
                    )
                )
        commands.append(
            (
                "Account status",
                "Check the account's messaging setup, read-only (as bw-wizard status)",
                app.open_status,
            )
        )
        commands.append(
            (
                "Toggle light/dark theme",
                "Switch between the light and dark theme",
                app.action_toggle_theme,
            )
        )
        commands.append(
            ("Help", "Keys, what each step does, the sandbox's test data", app.action_help)
        )
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


def _goto(app: WizardApp, page: str) -> Any:
    return lambda: app.goto(page)


class WizardApp(App[int]):
    """bw-wizard: the guide's requests as screens that explain, validate, remember, recover."""

    TITLE = "bw-wizard"
    SUB_TITLE = "Bandwidth Messaging 2.0 setup"
    CSS_PATH = "wizard.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {WizardCommands}
    BINDINGS: ClassVar = [
        Binding("f1", "help", "Help"),
        Binding("f2", "status", "Status", show=False),
        Binding("f9", "toggle_sidebar", "Steps", show=False),
        Binding("ctrl+t", "toggle_theme", "Theme"),
    ]

    def __init__(self, ctx: Session, *, start_page: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        """The session every screen shares."""
        self.start_page = start_page
        """Open this page after start-up instead of Welcome (tests, scenes)."""
        self.ready = False
        """True once `ctx.start()` finished (sandbox up, progress checked)."""
        self.startup_error: str | None = None
        """Why start-up failed, as a sentence for stderr; None when it did not."""
        self._preview_collapsed: bool | None = None
        self.status_probe: Probe | None = None
        """Replaces the Status screen's callback URL probe (None: a real POST to each URL)."""
        self.sidebar_shown: bool | None = None
        """The person's F9 choice (True: shown); None until F9 is pressed (by width, then)."""
        self.register_theme(DARK_THEME)
        self.register_theme(LIGHT_THEME)
        self.theme = DARK_THEME.name

    # -- start-up ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.fit_to(self.size.width, self.size.height)
        self.sub_title = "sandbox" if self.ctx.sandbox or self.ctx.start_sandbox else self.SUB_TITLE
        self.push_screen(self._screen_for("welcome"))
        self._start()

    @work(exclusive=True, group="startup")
    async def _start(self) -> None:
        try:
            await self.ctx.start()
        except Exception as error:
            self.startup_error = sentence(error)
            self.post_message(ContextReady(self.startup_error))
            return
        self.post_message(ContextReady(None))

    def on_context_ready(self, message: ContextReady) -> None:
        if message.error:
            self.exit(return_code=1)
            return
        self.ready = True
        if self.ctx.sandbox:
            self.sub_title = "sandbox"
        elif self.ctx.conn is not None:
            self.sub_title = f"account {self.ctx.conn.account_id}"
        if self.start_page and self.start_page != "welcome":
            self.goto(self.start_page)
        else:
            self._refresh_screen()

    async def on_unmount(self) -> None:
        await self.ctx.aclose()

    def on_progress_changed(self, message: ProgressChanged) -> None:
        self._refresh_screen()

    def _refresh_screen(self) -> None:
        refresh = getattr(self.screen, "refresh_state", None)
        if callable(refresh):
            refresh()

    # -- pages ---------------------------------------------------------------------------------

    @property
    def preview_collapsed(self) -> bool:
        """Collapsed on small terminals until the user toggles it (then remembered)."""
        if self._preview_collapsed is None:
            return self.size.height < 30
        return self._preview_collapsed

    @preview_collapsed.setter
    def preview_collapsed(self, value: bool) -> None:
        self._preview_collapsed = value

    def page_number(self, page: str) -> int:
        """1 for the first step page; 0 for Welcome."""
        return PAGE_BY_KEY[page].number if page in PAGE_BY_KEY else 0

    def page_count(self) -> int:
        return len(STEP_PAGES)

    def has_previous(self, page: str) -> bool:
        return self.page_number(page) > 0

    def summary(self, step: StepId, data: Mapping[str, Any]) -> str:
        return summary(step, data)

    def reachable_pages(self) -> list[str]:
        """Welcome and Credentials always; pages whose steps are done; the first unfinished."""
        reachable = ["welcome", "credentials"]
        if self.ctx.engine is None:
            return reachable
        pending = self.ctx.first_pending()
        for page in PAGES[1:]:
            if all(self.ctx.is_done(step) for step in page.steps):
                reachable.append(page.key)
            elif pending in page.steps:
                reachable.append(page.key)
                break
            else:
                break
        return list(dict.fromkeys(reachable))

    def _screen_for(self, key: str) -> Screen[Any]:
        if self.is_screen_installed(key):
            return self.get_screen(key)
        page: Page = PAGE_BY_KEY[key]
        module_name, _, class_name = page.screen.partition(":")
        screen: Screen[Any] = getattr(importlib.import_module(module_name), class_name)()
        self.install_screen(screen, key)
        return screen

    def goto(self, key: str) -> None:
        """Open a page (kept installed, so its form keeps what was typed).

        Pages past the first unfinished step stay closed: each needs what earlier ones record.
        """
        if key not in PAGE_BY_KEY:
            return
        if key not in self.reachable_pages():
            self.notify(
                "Finish the earlier steps first: this one needs what they record.",
                title=PAGE_BY_KEY[key].title,
                severity="warning",
            )
            return
        screen = self._screen_for(key)
        # A modal (help) may be on top: close it first so the page replaces a page.
        while len(self.screen_stack) > 1 and self.screen.is_modal:
            self.pop_screen()
        if self.screen is screen:
            return
        if len(self.screen_stack) <= 1:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def goto_next(self, key: str) -> None:
        keys = [p.key for p in PAGES]
        if key in keys and keys.index(key) + 1 < len(keys):
            self.goto(keys[keys.index(key) + 1])

    def goto_previous(self, key: str) -> None:
        keys = [p.key for p in PAGES]
        if key in keys and keys.index(key) > 0:
            self.goto(keys[keys.index(key) - 1])

    # -- terminal size -------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.fit_to(event.size.width, event.size.height)

    def fit_to(self, width: int, height: int) -> None:
        """The too-small notice below the minimum, the sidebar hidden when narrow or chosen so."""
        small = fit.too_small(width, height)
        self.set_class(small, fit.TOO_SMALL)
        self.set_class(fit.sidebar_hidden(width, self.sidebar_shown), fit.SIDEBAR_HIDDEN)
        if small:
            text = fit.too_small_text(width, height)
            for screen in self.screen_stack:
                for notice in screen.query("#too-small").results(Static):
                    notice.update(text)

    @property
    def sidebar_is_hidden(self) -> bool:
        return self.has_class(fit.SIDEBAR_HIDDEN)

    def action_toggle_sidebar(self) -> None:
        self.sidebar_shown = self.sidebar_is_hidden
        self.fit_to(self.size.width, self.size.height)

    # -- actions -------------------------------------------------------------------------------

    def action_help(self) -> None:
        from wizard.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_status(self) -> None:
        """Show the Status screen (a read-only health report of the session's account) over
        whatever is showing; Escape comes back. Does nothing while it is already showing; before
        start-up has finished (the sandbox and the saved connection come up there) it only
        says so, since there is no account to read yet."""
        from wizard.tui.screens.status import open_status

        if not self.ready:
            self.notify("The account status opens once start-up has finished.", title="Status")
            return
        open_status(self)

    def action_status(self) -> None:
        self.open_status()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME.name if self.theme == DARK_THEME.name else DARK_THEME.name
