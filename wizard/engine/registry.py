"""The one ordered list of the guide's steps, and the screen pages derived from it.

Everything that lists steps (the sidebar, Welcome, headings, `apply`, the tests' scene names)
reads this module, so a step's number comes from one place: its position here.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.engine.step import Step, StepId
from wizard.engine.steps import (
    application,
    assign,
    location,
    mms,
    order,
    ready,
    send,
    sms,
    subaccount,
    verify,
    wait_order,
)

STEPS: tuple[Step, ...] = (
    verify.STEP,
    subaccount.STEP,
    application.STEP,
    location.STEP,
    sms.STEP,
    mms.STEP,
    assign.STEP,
    order.STEP,
    wait_order.STEP,
    ready.STEP,
    send.STEP,
)
"""The guide's steps in the guide's order."""

STEP_BY_ID: dict[StepId, Step] = {step.id: step for step in STEPS}
ORDER_OF_STEPS: tuple[StepId, ...] = tuple(step.id for step in STEPS)


@dataclass(frozen=True)
class Page:
    """One screen of the wizard and the steps it runs."""

    key: str
    title: str
    steps: tuple[StepId, ...]
    screen: str
    """``module:Class`` of the screen, imported on first use."""
    number: int
    """0 for Welcome, then 1, 2, ... in the guide's order: headings, lists and file names."""

    @property
    def label(self) -> str:
        """``3. Application``: the one way the sidebar, the palette, Welcome and help name it."""
        return f"{self.number}. {self.title}" if self.number else self.title

    @property
    def slug(self) -> str:
        """``03-application``: how scenes and screenshots of this page are named."""
        return f"{self.number:02d}-{self.key}"


WELCOME = Page("welcome", "Welcome", (), "wizard.tui.screens.welcome:WelcomeScreen", 0)


def _pages() -> tuple[Page, ...]:
    """Welcome, then one page per run of consecutive steps that share a page key."""
    pages = [WELCOME]
    for step in STEPS:
        last = pages[-1]
        if last.key == step.page:
            pages[-1] = Page(last.key, last.title, (*last.steps, step.id), last.screen, last.number)
        else:
            title = step.page_title or step.title
            pages.append(Page(step.page, title, (step.id,), step.screen, len(pages)))
    return tuple(pages)


PAGES: tuple[Page, ...] = _pages()
PAGE_BY_KEY: dict[str, Page] = {page.key: page for page in PAGES}
PAGE_OF_STEP: dict[StepId, Page] = {step: page for page in PAGES for step in page.steps}
STEP_PAGES: tuple[Page, ...] = PAGES[1:]
"""The pages that run steps (every page but Welcome): "step N of len(STEP_PAGES)"."""


def step(step_id: StepId) -> Step:
    return STEP_BY_ID[step_id]


def title(step_id: StepId) -> str:
    return STEP_BY_ID[step_id].title


def summary(step_id: StepId, data: object) -> str:
    """The step's one-line summary of what it recorded."""
    from collections.abc import Mapping

    return STEP_BY_ID[step_id].summary(data) if isinstance(data, Mapping) else ""
