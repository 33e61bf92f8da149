"""The files `bw-wizard export` writes: a .env with the setup's ids, and the two programs that
read it (`export_templates`).

The .env uses the names Bandwidth's own samples and CLI use (api-docs `site/code-snippets`:
BW_ACCOUNT_ID, BW_NUMBER, BW_MESSAGING_APPLICATION_ID, USER_NUMBER; Bandwidth/cli README:
BW_CLIENT_ID, BW_CLIENT_SECRET), and the wizard's own for the callback credentials and for hosts
other than Bandwidth's (README: BW_CALLBACK_PASSWORD, BW_API_URL, BW_MESSAGING_URL,
BW_OAUTH_URL). It holds secrets only when they are handed in (`--include-secrets`), and is
written 0600 either way, as a file that may hold them. A file that exists with other content is
never overwritten unless asked: a project's own .env may hold things the wizard knows nothing of.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.errors import Kind, WizardError
from wizard.storage.export_templates import CALLBACK_HANDLER, SEND_MESSAGE
from wizard.storage.paths import atomic_write

FORMATS = ("env", "python", "handler")
FILE_NAMES = {"env": ".env", "python": "send_message.py", "handler": "bw_callbacks.py"}
MODES = {"env": 0o600, "python": 0o755, "handler": 0o644}


@dataclass(frozen=True)
class ExportValues:
    """What the .env says. Every field but the two secrets is an id or a name."""

    account_id: str
    client_id: str = ""
    number: str = ""
    """BW_NUMBER: the setup's number (E.164)."""
    application_id: str = ""
    user_number: str = ""
    """USER_NUMBER: whom the samples text; the last destination the wizard sent to."""
    callback_url: str = ""
    callback_user: str = ""
    hosts: tuple[tuple[str, str], ...] = ()
    """(variable, URL) for APIs that are not Bandwidth's production hosts (a sandbox)."""
    hosts_note: str = ""
    client_secret: str | None = field(default=None, repr=False)
    callback_password: str | None = field(default=None, repr=False)

    @property
    def has_secrets(self) -> bool:
        return bool(self.client_secret or self.callback_password)

    def missing(self) -> list[str]:
        """Variables left empty because the setup has not got that far, with why."""
        out = []
        if not self.application_id:
            out.append("BW_MESSAGING_APPLICATION_ID (no application was created or chosen yet)")
        if not self.number:
            out.append("BW_NUMBER (no number was ordered yet)")
        return out


def env_value(value: str) -> str:
    """A value as .env readers take it: in single quotes (nothing inside is special, for
    python-dotenv and POSIX shells alike), or, when it holds a single quote or a line break, in
    double quotes with backslash escapes."""
    if "'" not in value and "\n" not in value:
        return f"'{value}'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render_env(values: ExportValues) -> str:
    lines = [
        f"# Bandwidth messaging setup of account {values.account_id}, exported by bw-wizard.",
        "# Names as in Bandwidth's samples and CLI; send_message.py and bw_callbacks.py read them.",
    ]
    if not values.has_secrets:
        lines.append(
            "# No secrets here: set BW_CLIENT_SECRET and BW_CALLBACK_PASSWORD in the environment"
            " (or export with --include-secrets)."
        )
    plain = [
        ("BW_ACCOUNT_ID", values.account_id),
        ("BW_CLIENT_ID", values.client_id),
        ("BW_NUMBER", values.number),
        ("BW_MESSAGING_APPLICATION_ID", values.application_id),
        ("USER_NUMBER", values.user_number),
        ("BW_CALLBACK_USER", values.callback_user),
    ]
    lines += [f"{name}={env_value(value)}" for name, value in plain]
    if values.callback_url:
        lines.append(f"# The application sends its callbacks to {values.callback_url}")
    if values.hosts:
        lines.append(f"# {values.hosts_note or 'Not Bandwidth: other hosts.'}")
        lines += [f"{name}={env_value(url)}" for name, url in values.hosts]
    if values.has_secrets:
        lines.append("# Secrets, read from the OS keyring at export: keep this file private.")
        if values.client_secret:
            lines.append(f"BW_CLIENT_SECRET={env_value(values.client_secret)}")
        if values.callback_password:
            lines.append(f"BW_CALLBACK_PASSWORD={env_value(values.callback_password)}")
    return "\n".join(lines) + "\n"


def render(kind: str, values: ExportValues) -> str:
    if kind == "env":
        return render_env(values)
    if kind == "python":
        return SEND_MESSAGE
    if kind == "handler":
        return CALLBACK_HANDLER
    raise ValueError(f"unknown export format {kind!r}; expected one of {', '.join(FORMATS)}")


def write_export(
    values: ExportValues, out_dir: Path, kinds: Iterable[str] = FORMATS, *, force: bool = False
) -> list[Path]:
    """Write the files (each atomically, with its mode) and return their paths.

    Nothing is written when any target exists with other content and `force` is off: the error
    names every such file.
    """
    planned = [(kind, out_dir / FILE_NAMES[kind], render(kind, values)) for kind in kinds]
    clashes = [
        path
        for _, path, text in planned
        if path.exists() and (not path.is_file() or path.read_bytes() != text.encode("utf-8"))
    ]
    if clashes and not force:
        names = ", ".join(str(p) for p in clashes)
        raise WizardError(
            f"{names} already exist{'s' if len(clashes) == 1 else ''} with other content; "
            "nothing was written.",
            "Choose another directory with --out, or replace them with --force.",
            kind=Kind.CONFLICT,
        )
    written = []
    for kind, path, text in planned:
        try:
            atomic_write(path, text.encode("utf-8"))
            os.chmod(path, MODES[kind])
        except OSError as error:
            raise WizardError(
                f"Could not write {path} ({error.strerror or error}).",
                "Choose a directory you can write to with --out.",
                kind=Kind.GENERAL,
            ) from None
        written.append(path)
    return written
