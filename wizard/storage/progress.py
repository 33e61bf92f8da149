"""What the wizard has created so far, saved after every step so a rerun resumes where it stopped.

One JSON file per profile (``progress-sandbox.json``, ``progress-9900000.json``) in the user
state dir, written atomically: a crash or SIGKILL leaves the previous file or the new one, never
half of one. The file records the account id and Dashboard URL it belongs to, so progress made
against the sandbox or another account is never taken for this one's.

A file that cannot be used (corrupt, another account's, a newer format) is never deleted or
rewritten behind the person's back: loading raises an error that says how to start over, and
starting over moves the file aside as a ``.bak`` so nothing is lost.

Progress holds ids, names, statuses and numbers, never secrets: `save_progress` refuses any value
under a key that looks like one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wizard.core.errors import WizardError
from wizard.core.safe import secret_key_path
from wizard.storage.paths import atomic_write, state_dir

FORMAT_NAME = "bw-wizard-progress"
FORMAT_VERSION = 1
"""Bumped when the file's shape changes; an older wizard refuses a newer file instead of
misreading it."""

STATUSES = ("done", "failed", "pending")
"""What a record may say. Only "done" is written now; the others are still read, so a file an
earlier version wrote loads."""

START_OVER_HINT = (
    "To start over, run `bw-wizard apply --start-over` or choose “Start over” on the Welcome "
    "screen; the old file is kept next to it as a .bak."
)

_PROFILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class ProgressError(WizardError):
    """Saved progress cannot be read or written; the message is plain and safe to show."""


class ProgressCorrupt(ProgressError):
    """The progress file is not JSON, not the right shape, or a format this version can't read."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"The saved progress in {path} cannot be used: {reason}. The file was left as it is.",
            START_OVER_HINT,
        )


class ProgressForeign(ProgressError):
    """The progress file belongs to another account or another Dashboard URL."""

    def __init__(
        self,
        path: Path,
        found_account: str,
        expected_account: str,
        *,
        found_dashboard_url: str | None = None,
        expected_dashboard_url: str | None = None,
    ) -> None:
        self.path = path
        self.found_account = found_account
        self.expected_account = expected_account
        self.found_dashboard_url = found_dashboard_url
        self.expected_dashboard_url = expected_dashboard_url
        if found_account != expected_account:
            what = f"account {found_account}, not account {expected_account}"
        else:
            what = (
                f"account {found_account} at {found_dashboard_url}, not at {expected_dashboard_url}"
            )
        super().__init__(
            f"The saved progress in {path} belongs to {what}, so none of it was used. The file "
            "was left as it is.",
            START_OVER_HINT,
        )


class SecretInProgress(ProgressError, ValueError):
    """Something tried to save a secret-looking value in progress; nothing was written."""


@dataclass
class StepRecord:
    """What one step left behind."""

    status: str
    """One of STATUSES."""
    data: dict[str, Any] = field(default_factory=dict)
    """Ids and facts the later steps and a rerun need (application_id, order_id, numbers...)."""
    finished_at: str | None = None
    """ISO 8601 UTC time the record was written."""
    message: str | None = None
    """For a failed step: the plain sentence shown to the person (never a secret)."""


@dataclass
class Progress:
    """Everything recorded for one profile. Mutable: steps are recorded as they finish, then
    `save_progress` writes the whole thing."""

    profile: str
    """"sandbox" or the account id: which file this is."""
    account_id: str
    dashboard_url: str
    """With the account id, the fingerprint that keeps another target's progress out."""
    created_at: str
    updated_at: str
    steps: dict[str, StepRecord] = field(default_factory=dict)
    version: int = FORMAT_VERSION
    directory: Path | None = field(default=None, compare=False)
    """Where the file lives: the state dir, or a sandbox session's own temp dir."""

    @property
    def path(self) -> Path:
        return progress_path(self.profile, self.directory)

    def step(self, step_id: Any) -> StepRecord | None:
        return self.steps.get(_key(step_id))

    def get(self, step_id: Any) -> Mapping[str, Any] | None:
        """What the step recorded; None when nothing was."""
        record = self.step(step_id)
        return dict(record.data) if record and record.data else None

    def record(self, step_id: Any, data: Mapping[str, Any]) -> None:
        """Note what a step created or found (refusing anything that looks like a secret)."""
        values = dict(data)
        _refuse_secrets(values, f"step '{_key(step_id)}'")
        self.steps[_key(step_id)] = StepRecord("done", values, _now())

    def forget(self, step_id: Any) -> None:
        self.steps.pop(_key(step_id), None)


class SavedProgressBook:
    """The engine's ProgressBook backed by the file: every record and forget is on disk before
    the engine goes on, so killing the program after any step loses nothing."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def get(self, step_id: Any) -> Mapping[str, Any] | None:
        return self.progress.get(step_id)

    def record(self, step_id: Any, data: Mapping[str, Any]) -> None:
        self.progress.record(step_id, data)
        save_progress(self.progress)

    def forget(self, step_id: Any) -> None:
        self.progress.forget(step_id)
        save_progress(self.progress)


# ------------------------------------------------------------------------------------------
# Files


def progress_path(profile: str, directory: Path | None = None) -> Path:
    """{directory or state_dir()}/progress-{profile}.json (profile: "sandbox" or the account)."""
    if not isinstance(profile, str) or not _PROFILE.match(profile):
        raise ValueError(
            f"{profile!r} cannot name a progress file: use letters, digits, '.', '_' or '-'."
        )
    return (directory or state_dir()) / f"progress-{profile}.json"


def new_progress(
    profile: str, account_id: str, dashboard_url: str, directory: Path | None = None
) -> Progress:
    now = _now()
    progress_path(profile)  # validates the profile now rather than at the first save
    return Progress(profile, account_id, dashboard_url, now, now, directory=directory)


def load_progress(profile: str, account_id: str, dashboard_url: str) -> Progress:
    """The saved progress for this profile, or a new empty one when there is none.

    Raises ProgressCorrupt or ProgressForeign (file untouched) when the file cannot be used.
    """
    path = progress_path(profile)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return new_progress(profile, account_id, dashboard_url)
    except OSError as error:
        raise ProgressCorrupt(path, f"it cannot be read ({error.strerror or error})") from None
    progress = _parse(path, raw)
    if progress.profile != profile:
        raise ProgressCorrupt(path, f"it says it is for profile {progress.profile!r}")
    if progress.account_id != account_id or not _same_url(progress.dashboard_url, dashboard_url):
        raise ProgressForeign(
            path,
            progress.account_id,
            account_id,
            found_dashboard_url=progress.dashboard_url,
            expected_dashboard_url=dashboard_url,
        )
    return progress


def save_progress(progress: Progress) -> Path:
    """Write the progress atomically (updating updated_at); returns the file written.

    SecretInProgress, and nothing written, when a value sits under a secret-looking key.
    """
    for key, record in progress.steps.items():
        _refuse_secrets(record.data, f"step '{key}'")
    path = progress.path
    progress.updated_at = _now()
    document = {
        "format": FORMAT_NAME,
        "version": progress.version,
        "profile": progress.profile,
        "account_id": progress.account_id,
        "dashboard_url": progress.dashboard_url,
        "created_at": progress.created_at,
        "updated_at": progress.updated_at,
        "steps": {
            key: {
                "status": record.status,
                "data": record.data,
                "finished_at": record.finished_at,
                "message": record.message,
            }
            for key, record in progress.steps.items()
        },
    }
    try:
        # One line: json's C encoder only runs without indent, and the file is rewritten
        # after every step (`python -m json.tool` shows it indented).
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ProgressError(
            f"Progress for profile {progress.profile!r} could not be saved: {error}."
        ) from None
    try:
        atomic_write(path, (text + "\n").encode("utf-8"))
    except OSError as error:
        raise ProgressError(
            f"Progress could not be saved to {path} ({error.strerror or error}); the previous "
            "file, if any, is unchanged."
        ) from None
    return path


def start_over(profile: str) -> Path | None:
    """Move the profile's progress file aside (never delete it); returns where it went, or None
    when there was nothing to move."""
    path = progress_path(profile)
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    counter = 1
    while backup.exists():
        counter += 1
        backup = path.with_name(f"{path.name}.{stamp}-{counter}.bak")
    path.rename(backup)
    return backup


# ------------------------------------------------------------------------------------------
# Parsing (strict: anything unexpected is "corrupt", never a traceback)


_TOP_KEYS = {
    "format",
    "version",
    "profile",
    "account_id",
    "dashboard_url",
    "created_at",
    "updated_at",
    "steps",
}
_STEP_KEYS = {"status", "data", "finished_at", "message"}


def _parse(path: Path, raw: bytes) -> Progress:
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProgressCorrupt(path, "it is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ProgressCorrupt(
            path, f"it is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except (ValueError, RecursionError):
        raise ProgressCorrupt(path, "it is not valid JSON") from None
    if not isinstance(document, dict):
        raise ProgressCorrupt(path, "it does not hold a JSON object")
    if document.get("format") != FORMAT_NAME:
        raise ProgressCorrupt(path, "it is not a bw-wizard progress file")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ProgressCorrupt(path, "its format version is missing")
    if version > FORMAT_VERSION:
        raise ProgressCorrupt(
            path,
            f"it was written by a newer bw-wizard (format {version}; this one reads "
            f"format {FORMAT_VERSION}); upgrade bw-wizard to resume",
        )
    if version != FORMAT_VERSION:
        raise ProgressCorrupt(path, f"its format version {version} is unknown")
    _exact_keys(path, document, _TOP_KEYS, "the file")
    for name in ("profile", "account_id", "dashboard_url"):
        if not isinstance(document[name], str) or not document[name]:
            raise ProgressCorrupt(path, f"'{name}' is not text")
    for name in ("created_at", "updated_at"):
        _timestamp(path, document[name], name)
    if not isinstance(document["steps"], dict):
        raise ProgressCorrupt(path, "'steps' is not an object")
    steps: dict[str, StepRecord] = {}
    for key, value in document["steps"].items():
        where = f"step '{key[:40]}'"
        if not isinstance(value, dict):
            raise ProgressCorrupt(path, f"{where} is not an object")
        _exact_keys(path, value, _STEP_KEYS, where)
        if value["status"] not in STATUSES:
            raise ProgressCorrupt(path, f"{where} has an unknown status")
        if not isinstance(value["data"], dict):
            raise ProgressCorrupt(path, f"{where} has no data object")
        if value["finished_at"] is not None:
            _timestamp(path, value["finished_at"], f"{where} finished_at")
        if value["message"] is not None and not isinstance(value["message"], str):
            raise ProgressCorrupt(path, f"{where} has a message that is not text")
        steps[key] = StepRecord(
            value["status"], value["data"], value["finished_at"], value["message"]
        )
    return Progress(
        profile=document["profile"],
        account_id=document["account_id"],
        dashboard_url=document["dashboard_url"],
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        steps=steps,
        version=version,
    )


def _exact_keys(path: Path, value: dict[str, Any], expected: set[str], where: str) -> None:
    missing = sorted(expected - value.keys())
    if missing:
        raise ProgressCorrupt(path, f"{where} lacks '{missing[0]}'")
    extra = sorted(value.keys() - expected)
    if extra:
        raise ProgressCorrupt(path, f"{where} has an unexpected entry '{extra[0][:40]}'")


def _timestamp(path: Path, value: Any, name: str) -> None:
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ProgressCorrupt(path, f"'{name}' is not a date and time") from None


# ------------------------------------------------------------------------------------------
# Helpers


def _key(step_id: Any) -> str:
    """StepId (a StrEnum) or plain text: the step's stable name."""
    return str(getattr(step_id, "value", step_id))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _same_url(a: str, b: str) -> bool:
    """Equal up to case in scheme and host and a trailing slash."""
    return _normal_url(a) == _normal_url(b)


def _normal_url(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip().rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _refuse_secrets(data: Any, where: str) -> None:
    name = secret_key_path(data)
    if name is not None:
        raise SecretInProgress(
            f"Refusing to save progress: {where} has a value under '{name}', which looks "
            "like a secret. Secrets belong in the OS keyring or BW_... environment "
            "variables, never in the progress file."
        )
