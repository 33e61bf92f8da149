"""Why no callback may arrive, said before a send, and what a longer-than-usual wait means.

Bandwidth's callbacks come within seconds; a send screen that just keeps waiting teaches
nothing. Known causes are named before the send (the callback password lost, callbacks that go
somewhere else), and once a message has waited longer than usual (the tracker's clock decides,
not a sleep) the wait itself is explained with the likeliest cause.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from wizard.callbacks.tracker import MessageTimeline
from wizard.core.phone import display
from wizard.engine.step import StepId
from wizard.engine.validation import is_loopback_host


def callback_trouble(ctx: Any) -> str:
    """A sentence when callbacks for this run's messages cannot reach the screen, else ""."""
    application = ctx.data(StepId.APPLICATION)
    if ctx.callback_password_lost:
        return (
            f"Callbacks will be refused: the callback password of application "
            f"{application.get('application_id')} is not on this computer (no keyring, no "
            "BW_CALLBACK_PASSWORD), so the receiver answers Bandwidth with 401 and no outcome "
            "arrives. Fix it on the Application step first: new credentials, or the old "
            "password."
        )
    url = str(application.get("callback_url") or "")
    receiver = ctx.receiver_url or ""
    if url and receiver and url != receiver:
        host = _host(url)
        if ctx.sandbox:
            return (
                f"Callbacks go to {url}, not to the wizard's receiver: the sandbox delivers "
                "them there, so no outcome will show here. Set the application's callback URL "
                f"to {receiver} on the Application step to watch them."
            )
        if host and is_loopback_host(host):
            return (
                f"The application's callback URL is {url} on this computer, which Bandwidth "
                "cannot reach: no outcome will arrive. Use a tunnel (ngrok) or your server."
            )
    return ""


def wait_note(overdue: Sequence[tuple[MessageTimeline, float]], trouble: str, refused: int) -> str:
    """What to say about messages still without an outcome after longer than usual."""
    if not overdue:
        return ""
    timeline, waited = overdue[-1]
    to = ", ".join(display(n) for n in timeline.to) or "?"
    what = "delivered or failed callback" if timeline.heard else "callback"
    line = (
        f"No {what} yet after {waited:.0f} s for {timeline.message_id} (to {to}): Bandwidth "
        "usually answers within seconds."
    )
    if refused:
        times = "once" if refused == 1 else f"{refused} times"
        line += (
            f" The receiver refused callbacks {times} because their credentials do not match:"
            " the application has another callback password (Application step)."
        )
    elif trouble:
        line += " " + trouble
    else:
        line += (
            " Check that the application's callback URL reaches this receiver (a tunnel must "
            "still be running); the message itself may still arrive."
        )
    return line


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
