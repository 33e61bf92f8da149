"""One error family for everything that can go wrong, and the exit codes keyed on it.

Screens, `apply` and the other commands all need the same three facts about a failure: what went
wrong (`message`), what to do next (`hint`) and its coarse cause (`kind`), whatever raised it (an
HTTP answer, a config file, the keyring, a step). Every error a person may see is a `WizardError`,
so callers read `.message` and `.hint` without caring which layer raised it, and the commands map
`kind` to an exit code in one table.
"""

from __future__ import annotations

from enum import StrEnum

from wizard.core.safe import printable


class Kind(StrEnum):
    """The coarse cause of a failure; it picks the exit code and whether a retry can help."""

    GENERAL = "general"
    """Anything without a better kind."""
    VALIDATION = "validation"
    """An input or a config value is not acceptable; nothing was sent."""
    AUTH = "auth"
    """Wrong or missing credentials (401), or no way to keep them (keyring unusable)."""
    FORBIDDEN = "forbidden"
    """The credential works but lacks a role or the account a feature (403)."""
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    """409, or a limit of the account's plan."""
    NOT_READY = "not_ready"
    """A check before a real send failed: the number or the application is not ready."""
    ORDER_FAILED = "order_failed"
    ORDER_BACKORDERED = "order_backordered"
    NOT_DONE = "not_done"
    """A step needs what an earlier step records, and that step has not run."""
    UNCERTAIN = "uncertain"
    """A create may or may not have happened; the wizard will not guess."""
    MESSAGE_FAILED = "message_failed"
    """Bandwidth accepted the message (202), then reported it failed."""
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    NETWORK = "network"
    SERVER = "server"


EXIT_OK = 0
EXIT_GENERAL = 1
EXIT_AUTH = 2
EXIT_NOT_FOUND = 3
EXIT_CONFLICT = 4
EXIT_TIMEOUT = 5
EXIT_RATE_LIMITED = 7
EXIT_MESSAGE_FAILED = 8
"""Bandwidth's own CLI uses 0-7 (6 for flag errors); 8 is the one code it does not have."""

EXIT_CODES: dict[Kind, int] = {
    Kind.AUTH: EXIT_AUTH,
    Kind.NOT_FOUND: EXIT_NOT_FOUND,
    # A 403 from a missing role or a plan limit is "stop and escalate", as in Bandwidth's CLI.
    Kind.FORBIDDEN: EXIT_CONFLICT,
    Kind.CONFLICT: EXIT_CONFLICT,
    Kind.ORDER_BACKORDERED: EXIT_CONFLICT,
    Kind.NOT_READY: EXIT_CONFLICT,
    Kind.TIMEOUT: EXIT_TIMEOUT,
    Kind.RATE_LIMITED: EXIT_RATE_LIMITED,
    Kind.MESSAGE_FAILED: EXIT_MESSAGE_FAILED,
}
"""Exit codes follow Bandwidth's `band` CLI where it has one; every other kind exits 1."""


def exit_code(kind: Kind | str | None) -> int:
    """The process exit code for an error of this kind."""
    try:
        return EXIT_CODES.get(Kind(kind), EXIT_GENERAL) if kind else EXIT_GENERAL
    except ValueError:
        return EXIT_GENERAL


class WizardError(Exception):
    """A failure a person may see: a sentence, the next step, and a kind.

    `str(error)` is the message and the hint together, safe to print: it never holds a secret
    and any text that came from a server has its control characters removed.
    """

    message: str
    """What went wrong, as one plain sentence."""
    hint: str
    """What the person can do about it ("" when there is nothing useful to say)."""
    kind: Kind

    def __init__(self, message: str, hint: str = "", *, kind: Kind | str = Kind.GENERAL) -> None:
        self.message = printable(message)
        self.hint = hint
        self.kind = Kind(kind)
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kind={self.kind.value!r}, message={self.message!r})"


def sentence(error: BaseException) -> str:
    """Any exception as a plain sentence for a screen or stderr, never a repr or a traceback."""
    if isinstance(error, WizardError):
        return str(error)
    text = printable(str(error)).strip()
    return text or f"Something went wrong ({type(error).__name__})."
