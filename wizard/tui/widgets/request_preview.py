"""The request preview: method, URL and body a step WILL send, so users learn the API as the
guide teaches it.

The requests come from the steps themselves (``Step.planned_requests``), built with the same
builders the clients use, so the preview cannot drift from what is sent; the steps mask every
password before a request is planned, and the Authorization line names the user only. In sandbox
mode URLs are shown with Bandwidth's host (``Session.public_url``): that is what the guide shows,
and it keeps snapshots free of the sandbox's random port. So as not to pretend, each such request
then says that it goes to the local sandbox, standing in for that host.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Collapsible, Static

from wizard.engine.plan import PlannedRequest


def pretty_xml(body: str) -> str:
    """Indented XML for reading; the compact original is what is sent."""
    from xml.dom import minidom  # not for the first screen, which shows no body
    from xml.parsers.expat import ExpatError

    try:
        text = minidom.parseString(body).toprettyxml(indent="  ")
    except ExpatError:
        return body
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and lines[0].startswith("<?xml"):
        lines = lines[1:]
    return "\n".join(lines)


def stand_in_line(url: str) -> str:
    """Where a request shown with Bandwidth's host really goes in sandbox mode."""
    host = urlsplit(url).hostname or "Bandwidth"
    return f"Sent to the local sandbox, which stands in for {host}."


def render_requests(
    requests: Sequence[PlannedRequest], auth_line: str = "", *, sandbox: bool = False
) -> RenderableType:
    """The requests as text: ``POST url`` in bold, the auth line, then the indented body.

    `sandbox`: the URLs name Bandwidth's hosts but the requests go to the local sandbox.
    """
    parts: list[RenderableType] = []
    for index, request in enumerate(requests):
        if index:
            parts.append(Text(""))
        head = Text()
        head.append(request.method, style="bold")
        head.append(" ")
        head.append(request.url, style="underline")
        parts.append(head)
        if sandbox:
            parts.append(Text(stand_in_line(request.url), style="dim"))
        if request.note:
            parts.append(Text(request.note, style="italic dim"))
        if auth_line and request.method:
            parts.append(Text(auth_line, style="dim"))
        if request.body:
            parts.append(Text(pretty_xml(request.body), style="green"))
    if not parts:
        parts.append(Text("Nothing is sent on this step.", style="dim"))
    return Group(*parts)


class RequestPreview(Collapsible):
    """A collapsible block titled with the first request, holding all of them in full."""

    DEFAULT_CSS = """
    RequestPreview {
        margin: 1 0 0 0;
        padding: 0;
        border-top: hkey $panel;
        background: transparent;
    }
    RequestPreview > Contents {
        padding: 0 0 0 2;
    }
    RequestPreview #preview-body {
        width: 1fr;
    }
    """

    def __init__(self, *, collapsed: bool = False, id: str | None = "preview") -> None:
        self._body = Static("", id="preview-body", markup=False)
        super().__init__(self._body, title="Request", collapsed=collapsed, id=id)
        self.requests: tuple[PlannedRequest, ...] = ()
        """What is shown now; tests read it instead of scraping the screen."""

    def show(
        self, requests: Sequence[PlannedRequest], auth_line: str = "", *, sandbox: bool = False
    ) -> None:
        self.requests = tuple(requests)
        count = len(self.requests)
        if count:
            first = self.requests[0]
            # Never " +1": beside an endpoint that lists phone numbers it reads as one.
            suffix = f" (and {count - 1} more)" if count > 1 else ""
            self.title = f"Request: {first.method} …/{_tail(first.url)}{suffix}"
        else:
            self.title = "Request"
        self._body.update(render_requests(self.requests, auth_line, sandbox=sandbox))


def _tail(url: str) -> str:
    """The last path segment: enough to recognise the endpoint in a short one-line title."""
    path = url.split("?", 1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1]
