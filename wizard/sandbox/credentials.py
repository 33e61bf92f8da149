"""The sandbox's API Credentials (OAuth2 clients) and the extra accounts they can see.

Since 2026-12-02 an API Credential (client id + secret, made in the Bandwidth App under Account >
API Credentials) is the only way into Bandwidth's APIs; each one has an account scope and roles,
which the token carries as `accounts`, `roles` and `express`. The sandbox ships one credential per
situation a client must handle, all public demo data:

- the full account: every role on the main account (the client id and secret of `Identity`);
- a credential without the Campaign Management and TFV roles (10DLC and toll-free checks 403);
- a Bandwidth Build trial: `express` true on its own account, voice-only;
- a credential that can see two accounts (the main one and a small second one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.sandbox import roles
from wizard.sandbox.identity import Identity

SECOND_ACCOUNT_ID = "9900001"
BUILD_ACCOUNT_ID = "9900002"


@dataclass(frozen=True)
class ApiCredential:
    """One OAuth2 client: what its token will say about it."""

    client_id: str
    client_secret: str = field(repr=False)
    accounts: tuple[str, ...]
    roles: tuple[str, ...]
    express: bool = False
    label: str = ""
    """What the credential is for, shown in `--help`, the banner and /_sandbox/state."""

    def public(self) -> dict[str, Any]:
        """Everything but the secret."""
        return {
            "client_id": self.client_id,
            "accounts": list(self.accounts),
            "roles": list(self.roles),
            "express": self.express,
            "label": self.label,
        }


@dataclass(frozen=True)
class SeededAccount:
    """An account other than the main one: it exists, with one sub-account, and nothing else."""

    account_id: str
    company_name: str
    site_id: str
    site_name: str
    account_type: str = "Business"


def sandbox_credentials(identity: Identity) -> tuple[ApiCredential, ...]:
    """The credentials the token endpoint accepts, the full account's first."""
    main = identity.account_id
    limited = tuple(r for r in roles.EVERY_ROLE if r not in (roles.CAMPAIGNS, roles.TOLL_FREE))
    return (
        ApiCredential(
            identity.client_id,
            identity.client_secret,
            accounts=(main,),
            roles=roles.EVERY_ROLE,
            label="full account, every role",
        ),
        ApiCredential(
            "sandbox-limited",
            "sandbox-limited-secret",
            accounts=(main,),
            roles=limited,
            label="no Campaign Management, no TFV role",
        ),
        ApiCredential(
            "sandbox-build",
            "sandbox-build-secret",
            accounts=(BUILD_ACCOUNT_ID,),
            roles=(roles.APPLICATIONS, roles.VOICE, roles.WEBRTC),
            express=True,
            label="Bandwidth Build trial (express): voice only",
        ),
        ApiCredential(
            "sandbox-multi",
            "sandbox-multi-secret",
            accounts=(main, SECOND_ACCOUNT_ID),
            roles=roles.EVERY_ROLE,
            label=f"two accounts: {main} and {SECOND_ACCOUNT_ID}",
        ),
    )


def seeded_accounts() -> dict[str, SeededAccount]:
    """The accounts besides the main one, by id."""
    return {
        SECOND_ACCOUNT_ID: SeededAccount(
            SECOND_ACCOUNT_ID, "Sandbox Second Account", "20001", "Second account sub-account"
        ),
        BUILD_ACCOUNT_ID: SeededAccount(
            BUILD_ACCOUNT_ID, "Sandbox Build Trial", "30001", "Build trial sub-account", "Build"
        ),
    }
