"""One error type for everything that can go wrong talking to Bandwidth.

Screens, the headless mode and the steps all need the same four facts about a failure (HTTP
status, Bandwidth's own code, what went wrong, what to do next) no matter whether the cause was
an XML error list, a JSON error, an HTML page from a proxy or a refused connection. Keeping them
in one type means callers branch on ``kind`` instead of on httpx or parser exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core.errors import Kind, WizardError
from wizard.core.safe import printable

#: Every value ``BandwidthError.kind`` can take; callers map these to exit codes and colours.
#: ``auth`` is a credential Bandwidth did not accept (401: re-enter it); ``forbidden`` is a
#: credential it accepted but that lacks a role or an account feature (403: ask an administrator,
#: or carry on knowing the check could not be made). They need different next steps, so they are
#: different kinds.
KINDS = frozenset(Kind)


@dataclass(frozen=True)
class FieldError:
    """One field the messaging API rejected, so a form can point at the right input."""

    field: str
    description: str


class BandwidthError(WizardError):
    """A request to Bandwidth (or the sandbox) did not give the answer the wizard needs.

    ``str(e)`` is a plain sentence (what happened, where, then the next step) that is safe to
    show to a person or write to a log: it never contains a credential.
    """

    status: int | None
    """HTTP status, or None when no answer arrived (timeout, refused connection)."""
    code: str | None
    """Bandwidth's own error code (``"13609"``) or the messaging error ``type``; None if absent."""
    method: str
    """HTTP method of the failed request."""
    url: str
    """URL of the failed request (never contains a credential)."""
    field_errors: list[FieldError]
    """Per-field problems from the messaging API's ``fieldErrors``."""
    retry_after: float | None
    """Seconds the server asked us to wait before trying again (429), if it said."""
    missing_role: str | None
    """For ``forbidden``: the role the request needed (``"Campaign Management"``), when the
    client knows which one, so a screen can say "cannot check: ask for X" instead of guessing."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        hint: str = "",
        kind: Kind | str = Kind.GENERAL,
        method: str = "",
        url: str = "",
        field_errors: list[FieldError] | None = None,
        retry_after: float | None = None,
        missing_role: str | None = None,
    ) -> None:
        self.status = status
        self.code = printable(code) if code is not None else None
        self.method = method
        self.url = url
        self.field_errors = [
            FieldError(printable(f.field), printable(f.description)) for f in field_errors or []
        ]
        self.retry_after = retry_after
        self.missing_role = missing_role
        super().__init__(message, hint, kind=kind)

    @property
    def message(self) -> str:
        """What went wrong, in the API's words when it gave any."""
        return self._message

    @message.setter
    def message(self, value: str) -> None:
        # A setter, so text assigned after construction (a redirect's Location) is cleaned too.
        self._message = printable(value)

    def __str__(self) -> str:
        where = []
        if self.status is not None:
            where.append(f"HTTP {self.status}")
        if self.code:
            where.append(f"error {self.code}")
        text = self.message.rstrip(".") + "."
        if where:
            text = f"{text} ({', '.join(where)})"
        if self.field_errors:
            fields = "; ".join(f"{f.field}: {f.description}" for f in self.field_errors)
            text = f"{text} Fields: {fields}."
        if self.hint:
            text = f"{text} {self.hint}"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(kind={self.kind.value!r}, status={self.status!r}, "
            f"code={self.code!r}, message={self.message!r})"
        )


class BandwidthConnectionError(BandwidthError):
    """No HTTP answer at all: refused connection, DNS failure, dropped connection or timeout."""
