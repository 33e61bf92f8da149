"""The requests a step will send, described before it sends them, for the screens' preview.

A step builds its preview from the same XML builders its client uses, so what is shown cannot
drift from what is sent; every password is masked before a preview exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from wizard.engine.inputs import SetupInputs
from wizard.engine.step import StepId


@dataclass(frozen=True)
class PlannedRequest:
    """One request a step is about to send (or would send)."""

    method: str
    url: str
    body: str | None = None
    """Already masked: no password is ever in a planned request."""
    note: str = ""
    """One line of context: why this request, or what the wizard does instead."""


@dataclass(frozen=True)
class Plan:
    """What a step needs to describe its requests: where they go and what is known so far."""

    dashboard_url: str
    messaging_url: str
    oauth_token_url: str
    account_id: str
    inputs: SetupInputs
    """The form as it stands (not yet validated: a preview must survive half-typed input)."""
    recorded: Callable[[StepId], Mapping[str, Any]] = lambda step: {}
    """What earlier steps recorded ({} when not done)."""
    found: Mapping[str, Any] = field(default_factory=dict)
    """What the screen has looked up (an application with the typed name, ...)."""

    def dashboard(self, *parts: str) -> str:
        """The Dashboard URL the client builds: ``{base}/accounts/{a}/...`` (segments quoted)."""
        path = "/".join(["accounts", segment(self.account_id or "{accountId}"), *parts])
        return f"{self.dashboard_url.rstrip('/')}/{path}"

    def platform(self, path: str) -> str:
        """A JSON platform API URL (10DLC, toll-free verification): same /api/v2 base."""
        return self.dashboard() + "/" + path

    def location(self, site_id: str, location_id: str, *parts: str) -> str:
        return self.dashboard(
            "sites",
            segment(site_id or "{subaccount}"),
            "sippeers",
            segment(location_id or "{location}"),
            *parts,
        )


def segment(value: str) -> str:
    """A path segment quoted as the client does; a "{placeholder}" (not known yet) stays."""
    text = str(value)
    if text.startswith("{") and text.endswith("}"):
        return text
    return quote(text, safe="")
