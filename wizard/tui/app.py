"""The Textual App: screen order, bindings, themes and the command palette, nothing else.

The App is deliberately thin (as in harlequin): each step lives in its own screen module, the
shared state in WizardContext, and the order of the pages follows steps.STEPS, so the screens can
never disagree with the engine about what comes next.

Public API (stable; part B's screens use it through ``StepScreen.wizard``):

- ``WizardApp(ctx, *, start_page=None)``; ``app.ctx`` is the WizardContext.
- ``PAGES``: the pages in order, each ``Page(key, title, steps, target)``; ``target`` is
  ``"module:Class"``, imported when the page is first opened. Part B's pages are
  ``order`` -> ``wizard.tui.screens.order:OrderScreen`` (StepId.ORDER),
  ``order-status`` -> ``wizard.tui.screens.order_status:OrderStatusScreen`` (WAIT_ORDER),
  ``send`` -> ``wizard.tui.screens.send:SendScreen`` (SEND). A page whose module is missing shows
  a placeholder, so the app runs while a screen is being written.
- ``app.goto(page)``, ``app.goto_next(page)``, ``app.goto_previous(page)``,
  ``app.reachable_pages()``, ``app.page_for_step(step)``, ``app.pages_for_steps()``,
  ``app.page_number(page)``, ``app.page_count()``, ``app.has_previous(page)``,
  ``app.summary(step, data)`` (the engine's one-line summary of recorded data).
- ``app.ready`` (start-up finished), ``app.startup_error`` (a sentence, or None).
- Bindings: F1 help, Ctrl+T light/dark theme, Ctrl+P command palette ("Go to step: ...",
  "Toggle light/dark theme", "Help"), Ctrl+Q quit. Step screens add Ctrl+N Next, Ctrl+B Back,
  Ctrl+E request preview, Ctrl+R retry.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Static

from wizard import steps as engine_steps
from wizard.steps import STEP_INFO, STEPS, StepId
from wizard.tui.context import WizardContext, error_sentence
from wizard.tui.messages import ContextReady, ProgressChanged


@dataclass(frozen=True)
class Page:
    """One screen of the wizard and the engine steps it runs."""

    key: str
    title: str
    steps: tuple[StepId, ...]
    target: str
    """``module:Class`` of the screen, imported on first use."""


PAGE_OF_STEP: dict[StepId, str] = {
    StepId.VERIFY: "credentials",
    StepId.SUBACCOUNT: "subaccount",
    StepId.APPLICATION: "application",
    StepId.LOCATION: "location",
    StepId.SMS: "features",
    StepId.MMS: "features",
    StepId.ASSIGN: "assign",
    StepId.ORDER: "order",
    StepId.WAIT_ORDER: "order-status",
    StepId.SEND: "send",
}
"""Which page runs each engine step (SMS and MMS share the features page, as the issue asks)."""

SCREEN_TARGETS: dict[str, str] = {
    "welcome": "wizard.tui.screens.welcome:WelcomeScreen",
    "credentials": "wizard.tui.screens.credentials:CredentialsScreen",
    "subaccount": "wizard.tui.screens.subaccount:SubaccountScreen",
    "application": "wizard.tui.screens.application:ApplicationScreen",
    "location": "wizard.tui.screens.location:LocationScreen",
    "features": "wizard.tui.screens.features:FeaturesScreen",
    "assign": "wizard.tui.screens.assign:AssignScreen",
    "order": "wizard.tui.screens.order:OrderScreen",
    "order-status": "wizard.tui.screens.order_status:OrderStatusScreen",
    "send": "wizard.tui.screens.send:SendScreen",
}

PAGE_TITLES: dict[str, str] = {
    "welcome": "Welcome",
    "credentials": "Credentials",
    "features": "Messaging features",
}


def _build_pages() -> tuple[Page, ...]:
    """Welcome, then one page per engine step in steps.STEPS order (SMS+MMS merged)."""
    pages: list[Page] = [Page("welcome", "Welcome", (), SCREEN_TARGETS["welcome"])]
    seen: dict[str, list[StepId]] = {}
    order: list[str] = []
    for info in STEPS:
        key = PAGE_OF_STEP[info.id]
        if key not in seen:
            seen[key] = []
            order.append(key)
        seen[key].append(info.id)
    for key in order:
        first = seen[key][0]
        title = PAGE_TITLES.get(key, STEP_INFO[first].title)
        pages.append(Page(key, title, tuple(seen[key]), SCREEN_TARGETS[key]))
    return tuple(pages)


PAGES: tuple[Page, ...] = _build_pages()
PAGE_BY_KEY: dict[str, Page] = {page.key: page for page in PAGES}

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
                        f"Go to step: {page.title}",
                        "Open this step (done steps show what they recorded)",
                        _goto(app, page.key),
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


class PendingScreen(Screen[None]):
    """Stands in for a page whose module is not there yet, so the rest of the app runs."""

    def __init__(self, page: Page) -> None:
        super().__init__(id=f"page-{page.key}")
        self.page = page

    def compose(self) -> ComposeResult:
        yield Static(
            f"{self.page.title}: this screen is not available in this build.\n"
            "Press Ctrl+B to go back or Ctrl+Q to quit.",
            markup=False,
        )

    BINDINGS: ClassVar = [Binding("ctrl+b", "back", "Back")]

    def action_back(self) -> None:
        self.app.goto_previous(self.page.key)  # type: ignore[attr-defined]


class WizardApp(App[int]):
    """bw-wizard: the guide's requests as screens that explain, validate, remember, recover."""

    TITLE = "bw-wizard"
    SUB_TITLE = "Bandwidth Messaging 2.0 setup"
    CSS_PATH = "wizard.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {WizardCommands}
    BINDINGS: ClassVar = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+t", "toggle_theme", "Theme"),
    ]

    def __init__(self, ctx: WizardContext, *, start_page: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        """The state every screen shares."""
        self.start_page = start_page
        """Open this page after start-up instead of Welcome (tests, scenes)."""
        self.ready = False
        """True once `ctx.start()` finished (sandbox up, progress checked)."""
        self.startup_error: str | None = None
        """Why start-up failed, as a sentence for stderr; None when it did not."""
        self._preview_collapsed: bool | None = None
        self.register_theme(DARK_THEME)
        self.register_theme(LIGHT_THEME)
        self.theme = DARK_THEME.name

    # -- start-up ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.sub_title = "sandbox" if self.ctx.sandbox or self.ctx.start_sandbox else self.SUB_TITLE
        self.push_screen(self._screen_for("welcome"))
        self._start()

    @work(exclusive=True, group="startup")
    async def _start(self) -> None:
        try:
            await self.ctx.start()
        except Exception as error:
            self.startup_error = error_sentence(error)
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

    def pages_for_steps(self) -> Mapping[StepId, str]:
        return PAGE_OF_STEP

    def page_for_step(self, step: StepId) -> str:
        return PAGE_OF_STEP[step]

    def page_number(self, page: str) -> int:
        """1 for the first step page; 0 for Welcome."""
        keys = [p.key for p in PAGES]
        return keys.index(page) if page in keys else 0

    def page_count(self) -> int:
        return len(PAGES) - 1

    def has_previous(self, page: str) -> bool:
        return self.page_number(page) > 0

    def summary(self, step: StepId, data: Mapping[str, Any]) -> str:
        return engine_steps._summary(step, data)

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
        page = PAGE_BY_KEY[key]
        module_name, _, class_name = page.target.partition(":")
        try:
            module = importlib.import_module(module_name)
            screen: Screen[Any] = getattr(module, class_name)()
        except (ImportError, AttributeError):
            screen = PendingScreen(page)
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

    # -- actions -------------------------------------------------------------------------------

    def action_help(self) -> None:
        from wizard.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME.name if self.theme == DARK_THEME.name else DARK_THEME.name
