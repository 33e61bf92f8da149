"""Secrets in the OS keyring, and nowhere else.

This is the only module that imports keyring. Every secret the wizard needs lives under one
keyring service (``bw-wizard``, or ``$BW_WIZARD_KEYRING_SERVICE``), in an entry named
``{owner}/{secret_name}``: the client secret under its client id (it is needed before the token
says which account), the callback password under the account. Two credentials or accounts never
overwrite each other, and ``secret-tool search service bw-wizard`` shows exactly what was stored.

An environment variable beats the keyring, as with gh and aws, so scripts and CI can run without
a keyring at all:

    Secret                 Environment variable   Used for
    ---------------------  ---------------------  ------------------------------------------
    oauth-client-secret    BW_CLIENT_SECRET       the API Credential's secret (with BW_CLIENT_ID)
    callback-password      BW_CALLBACK_PASSWORD   Basic auth password Bandwidth sends on callbacks
    dashboard-password     BW_PASSWORD            a retired API user's password: only read to say
                                                  it no longer works, and to offer deleting it
    messaging-token        BW_MESSAGING_TOKEN     the guide's retired messaging API (sandbox only)
    messaging-secret       BW_MESSAGING_SECRET

Without a usable keyring (no Secret Service, a locked collection, no D-Bus, keyring's ``fail``
or ``null`` backend) reads fall back to the environment only and writes raise
`KeyringUnavailable` with a sentence saying what to do. Backends that keep secrets in a file
(keyrings.alt's PlaintextKeyring and friends) count as unusable: the product promises that no
secret is ever written to a file, so it never lets keyring do that on its behalf.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from wizard.core.errors import Kind, WizardError

if TYPE_CHECKING:
    # keyring (and D-Bus under it) loads on the first secret actually read or written: the
    # sandbox never touches it, and an env var beats it, so start-up does not pay for it.
    import keyring.backend

DEFAULT_SERVICE = "bw-wizard"
SERVICE_ENV = "BW_WIZARD_KEYRING_SERVICE"
"""Tests give every test its own service so runs never see each other's entries."""


class SecretName(StrEnum):
    """The secrets the wizard keeps; the value is the second half of the keyring entry name."""

    DASHBOARD_PASSWORD = "dashboard-password"
    OAUTH_CLIENT_SECRET = "oauth-client-secret"
    MESSAGING_TOKEN = "messaging-token"
    MESSAGING_SECRET = "messaging-secret"
    CALLBACK_PASSWORD = "callback-password"


ENV_VARS: dict[SecretName, str] = {
    SecretName.DASHBOARD_PASSWORD: "BW_PASSWORD",
    SecretName.OAUTH_CLIENT_SECRET: "BW_CLIENT_SECRET",
    SecretName.MESSAGING_TOKEN: "BW_MESSAGING_TOKEN",
    SecretName.MESSAGING_SECRET: "BW_MESSAGING_SECRET",
    SecretName.CALLBACK_PASSWORD: "BW_CALLBACK_PASSWORD",
}
"""The environment variable that beats the keyring for each secret (names as in the band CLI
where one exists)."""

LABELS: dict[SecretName, str] = {
    SecretName.DASHBOARD_PASSWORD: "retired API-user password",
    SecretName.OAUTH_CLIENT_SECRET: "API Credential client secret",
    SecretName.MESSAGING_TOKEN: "messaging API token",
    SecretName.MESSAGING_SECRET: "messaging API secret",
    SecretName.CALLBACK_PASSWORD: "callback password",
}
"""Words for messages: a person knows 'Dashboard API password', not 'dashboard-password'."""

_ENV_HINT = "set the BW_CLIENT_SECRET (and BW_CALLBACK_PASSWORD) environment variables instead"
_WHAT_TO_DO = (
    "Install and unlock a Secret Service such as gnome-keyring (or KeePassXC with its Secret "
    f"Service integration), or {_ENV_HINT}. Nothing is ever saved to a file."
)

_SECRET_SERVICE_DAEMONS = {
    "gnome-keyring-d": "GNOME Keyring",
    "gnome-keyring-daemon": "GNOME Keyring",
    "kwalletd5": "KWallet",
    "kwalletd6": "KWallet",
    "ksecretd": "KWallet",
    "keepassxc": "KeePassXC",
}
"""/proc/PID/comm of the process owning org.freedesktop.secrets -> the name people know."""


class KeyringUnavailable(WizardError):
    """No usable keyring: the message says why and what to do, and never contains a secret."""

    def __init__(self, message: str) -> None:
        super().__init__(message, kind=Kind.AUTH)


@dataclass(frozen=True)
class KeyringStatus:
    """What the Credentials screen shows about where secrets will go."""

    usable: bool
    backend: str
    """A name a person recognises, e.g. "GNOME Keyring (Secret Service)"."""
    explanation: str
    """Where secrets are saved, or why they cannot be and what to do about it."""


def generate_callback_password() -> str:
    """A fresh callback password: 32 URL-safe characters, 192 bits from the OS's CSPRNG."""
    return secrets.token_urlsafe(24)


class CredentialStore:
    """Reads and writes the wizard's secrets for one keyring service.

    The keyring backend is looked up on every call (not cached), so ``keyring.set_keyring``
    and a keyring unlocked while the wizard runs both take effect at once.
    """

    def __init__(self, service: str | None = None, env: Mapping[str, str] = os.environ) -> None:
        self.env = env
        self.service = service or env.get(SERVICE_ENV) or DEFAULT_SERVICE

    def __repr__(self) -> str:
        return f"CredentialStore(service={self.service!r})"

    # -- reading ---------------------------------------------------------------------------

    def get(self, account_id: str, name: SecretName | str) -> str | None:
        """The secret from its environment variable, else from the keyring, else None.

        A keyring that is unusable or fails reads as "nothing stored": the caller then asks
        for the secret or points at the environment variable; `status()` says why.
        """
        name = _secret_name(name)
        from_env = self.env.get(ENV_VARS[name])
        if from_env:
            return from_env
        return self._from_keyring(account_id, name)

    def source(self, account_id: str, name: SecretName | str) -> str | None:
        """Where `get` would find the secret: "env", "keyring", or None."""
        name = _secret_name(name)
        if self.env.get(ENV_VARS[name]):
            return "env"
        if self._from_keyring(account_id, name) is not None:
            return "keyring"
        return None

    def stored(self, owner: str, name: SecretName | str) -> bool:
        """True when the keyring holds this entry (the environment is not looked at)."""
        return self._from_keyring(owner, _secret_name(name)) is not None

    def _from_keyring(self, account_id: str, name: SecretName) -> str | None:
        entry = _entry(account_id, name)
        backend, status = _current()
        if backend is None or not status.usable:
            return None
        try:
            value = backend.get_password(self.service, entry)
        except Exception:
            return None
        return value or None

    # -- writing ---------------------------------------------------------------------------

    def set(self, account_id: str, name: SecretName | str, value: str) -> None:
        """Save the secret in the keyring; KeyringUnavailable when there is no usable one."""
        name = _secret_name(name)
        entry = _entry(account_id, name)
        if not isinstance(value, str) or not value:
            raise ValueError(f"The {LABELS[name]} is empty; there is nothing to save.")
        backend = self._usable_backend(f"save the {LABELS[name]}")
        try:
            backend.set_password(self.service, entry, value)
        except Exception as error:
            raise KeyringUnavailable(
                f"Could not save the {LABELS[name]} in {_describe_backend(backend)}: "
                f"{_scrub(error, value)}. {_WHAT_TO_DO}"
            ) from None

    def delete(self, account_id: str, name: SecretName | str) -> bool:
        """Remove the secret from the keyring; False when there was none. Env vars are untouched."""
        name = _secret_name(name)
        entry = _entry(account_id, name)
        backend = self._usable_backend(f"remove the {LABELS[name]}")
        from keyring.errors import PasswordDeleteError

        try:
            backend.delete_password(self.service, entry)
        except PasswordDeleteError:
            return False
        except Exception as error:
            raise KeyringUnavailable(
                f"Could not remove the {LABELS[name]} from {_describe_backend(backend)}: "
                f"{_scrub(error)}. {_WHAT_TO_DO}"
            ) from None
        return True

    def delete_all(self, account_id: str) -> list[SecretName]:
        """Remove every secret saved for the account; returns the names that were there."""
        return [name for name in SecretName if self.delete(account_id, name)]

    def _usable_backend(self, doing: str) -> keyring.backend.KeyringBackend:
        backend, status = _current()
        if backend is None or not status.usable:
            raise KeyringUnavailable(f"Cannot {doing}. {status.explanation}")
        return backend

    # -- describing ------------------------------------------------------------------------

    def status(self) -> KeyringStatus:
        """Whether secrets can be saved, in which keyring, or why not."""
        _, status = _current()
        if status.usable:
            return KeyringStatus(
                True,
                status.backend,
                f"Secrets are saved in your OS keyring ({status.backend}) under the service "
                f"'{self.service}'.",
            )
        return status

    def location_description(self, account_id: str, name: SecretName | str) -> str:
        """One line for the screen saying where this secret is (or would be) kept."""
        name = _secret_name(name)
        entry = _entry(account_id, name)
        variable = ENV_VARS[name]
        status = self.status()
        where = f"your OS keyring: {status.backend}, service '{self.service}', entry '{entry}'"
        source = self.source(account_id, name)
        if source == "env":
            return (
                f"read from the environment variable {variable} "
                "(environment variables beat the keyring; nothing saved)"
            )
        if source == "keyring":
            return f"saved in {where}"
        if status.usable:
            return f"not saved yet; it will be saved in {where}"
        return f"not saved: {status.explanation}"

    @staticmethod
    def env_var(name: SecretName | str) -> str:
        """The environment variable that overrides this secret."""
        return ENV_VARS[_secret_name(name)]


# ------------------------------------------------------------------------------------------
# Helpers


def _secret_name(name: SecretName | str) -> SecretName:
    try:
        return SecretName(name)
    except ValueError:
        known = ", ".join(member.value for member in SecretName)
        raise ValueError(f"Unknown secret name {name!r}; known names: {known}.") from None


def _entry(account_id: str, name: SecretName) -> str:
    """The keyring username: one entry per account and secret."""
    if (
        not isinstance(account_id, str)
        or not account_id
        or "/" in account_id
        or account_id != account_id.strip()
    ):
        raise ValueError(
            f"The account id {account_id!r} cannot name a keyring entry: it must be non-empty, "
            "without spaces around it and without '/'."
        )
    return f"{account_id}/{name.value}"


def _scrub(error: BaseException, value: str | None = None) -> str:
    """An error's text for a message, with the secret masked should a backend ever echo it."""
    text = str(error).strip() or type(error).__name__
    if value:
        text = text.replace(value, "••••")
    return text.rstrip(".")


def _current() -> tuple[keyring.backend.KeyringBackend | None, KeyringStatus]:
    """keyring's chosen backend and what it is worth. Choosing can itself fail (an explicit
    PYTHON_KEYRING_BACKEND whose D-Bus is gone, a broken keyringrc.cfg): that is "unusable"."""
    import keyring

    try:
        backend = keyring.get_keyring()
    except Exception as error:
        return None, KeyringStatus(
            False,
            "no keyring backend",
            f"The configured keyring backend could not start ({_scrub(error)}). {_WHAT_TO_DO}",
        )
    return backend, _inspect(backend)


def _describe_backend(backend: keyring.backend.KeyringBackend) -> str:
    return _inspect(backend).backend


def _inspect(backend: keyring.backend.KeyringBackend) -> KeyringStatus:
    """Classify a keyring backend as usable or not, without prompting anyone.

    Order matters: a chainer is judged by what it chains, and file-backed backends are refused
    before anything else is asked of them.
    """
    from keyring.backends import chainer, fail, null

    if isinstance(backend, chainer.ChainerBackend):
        chained = list(backend.backends)
        if not chained:
            return KeyringStatus(
                False,
                "no keyring backend",
                f"No OS keyring is available (keyring found no backend to use). {_WHAT_TO_DO}",
            )
        for inner in chained:
            if _is_file_backend(inner):
                return _file_backend_status(inner)
        return _inspect(chained[0])
    if isinstance(backend, fail.Keyring):
        return KeyringStatus(
            False,
            "no keyring backend",
            f"No OS keyring is available (keyring found no Secret Service, KWallet or other "
            f"backend). {_WHAT_TO_DO}",
        )
    if isinstance(backend, null.Keyring):
        return KeyringStatus(
            False,
            "null keyring (keeps nothing)",
            "The keyring is set to the 'null' backend, which silently forgets everything "
            "(check PYTHON_KEYRING_BACKEND and keyringrc.cfg). Choose a real backend such as "
            f"keyring.backends.SecretService.Keyring, or {_ENV_HINT}.",
        )
    if _is_file_backend(backend):
        return _file_backend_status(backend)
    module = type(backend).__module__
    if module == "keyring.backends.SecretService":
        return _inspect_secret_service(backend)
    return KeyringStatus(True, _backend_name(backend), "")


def _is_file_backend(backend: Any) -> bool:
    """keyrings.alt and cryptfile keep secrets in files (some in plain text): never use them."""
    module = type(backend).__module__
    return (
        module.startswith(("keyrings.alt", "keyrings.cryptfile"))
        or hasattr(backend, "file_path")
        or "plaintext" in type(backend).__name__.lower()
    )


def _file_backend_status(backend: Any) -> KeyringStatus:
    kind = type(backend)
    return KeyringStatus(
        False,
        f"{kind.__module__}.{kind.__name__} (a file)",
        f"The keyring backend {kind.__name__} keeps secrets in a file, which bw-wizard refuses. "
        "Uninstall keyrings.alt (or set PYTHON_KEYRING_BACKEND=keyring.backends.SecretService."
        f"Keyring), or {_ENV_HINT}.",
    )


def _backend_name(backend: Any) -> str:
    module = type(backend).__module__
    if module.startswith("keyring.backends.macOS"):
        return "macOS Keychain"
    if module == "keyring.backends.Windows":
        return "Windows Credential Manager"
    if module == "keyring.backends.kwallet":
        return "KWallet"
    if module == "keyring.backends.libsecret":
        return "libsecret (Secret Service)"
    name = getattr(type(backend), "name", None)
    return str(name or type(backend).__name__)


def _inspect_secret_service(backend: Any) -> KeyringStatus:
    """Is the Secret Service there and its collection unlocked? Asked without unlocking, so the
    check never pops up a prompt (or hangs in an SSH session waiting for one)."""
    try:
        import secretstorage
        from secretstorage.exceptions import ItemNotFoundException
    except ImportError:  # pragma: no cover - keyring's Secret Service backend needs it
        return KeyringStatus(
            False, "Secret Service", f"The secretstorage package is missing. {_WHAT_TO_DO}"
        )
    name = "Secret Service"
    try:
        with closing(secretstorage.dbus_init()) as connection:
            if not secretstorage.check_service_availability(connection):
                return KeyringStatus(
                    False,
                    name,
                    "The Secret Service is neither running nor startable through D-Bus. "
                    + _WHAT_TO_DO,
                )
            name = _secret_service_name(connection)
            path = getattr(backend, "preferred_collection", None)
            try:
                collection = (
                    secretstorage.Collection(connection, path)
                    if path
                    else secretstorage.Collection(connection)
                )
            except ItemNotFoundException:
                return KeyringStatus(
                    False,
                    name,
                    f"{name} has no default keyring collection. Create one (for example in "
                    f"Passwords and Keys), or {_ENV_HINT}.",
                )
            if collection.is_locked():
                label = _safe(collection.get_label) or "default"
                return KeyringStatus(
                    False,
                    name,
                    f"The '{label}' keyring in {name} is locked. Unlock it (log in to the "
                    f"desktop, or open Passwords and Keys), or {_ENV_HINT}.",
                )
    except Exception as error:
        return KeyringStatus(
            False,
            name,
            f"The Secret Service could not be reached over D-Bus ({_scrub(error)}). " + _WHAT_TO_DO,
        )
    return KeyringStatus(True, name, "")


def _secret_service_name(connection: Any) -> str:
    """ "GNOME Keyring (Secret Service)" when the daemon is recognised, else "Secret Service"."""
    try:
        from jeepney import DBusAddress, new_method_call

        bus = DBusAddress(
            "/org/freedesktop/DBus",
            bus_name="org.freedesktop.DBus",
            interface="org.freedesktop.DBus",
        )
        message = new_method_call(
            bus, "GetConnectionUnixProcessID", "s", ("org.freedesktop.secrets",)
        )
        reply = connection.send_and_get_reply(message, timeout=2)
        pid = int(reply.body[0])
        with open(f"/proc/{pid}/comm", encoding="utf-8") as handle:
            comm = handle.read().strip()
    except Exception:
        return "Secret Service"
    daemon = _SECRET_SERVICE_DAEMONS.get(comm)
    return f"{daemon} (Secret Service)" if daemon else "Secret Service"


def _safe(call: Any) -> str | None:
    try:
        return str(call())
    except Exception:
        return None
