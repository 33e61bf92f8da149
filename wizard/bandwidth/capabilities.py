"""What a credential can do, from the roles in its access token, in sentences a person can act on.

The matching rules are Bandwidth's CLI's (``cmd/auth/status.go`` ``Capabilities``): role names
are compared case-insensitively by substring, unknown roles are ignored, and a capability
without a matching role is reported missing ("better to omit than to over-promise"). Each
missing capability names the later wizard step it blocks and what to ask an administrator for.

One capability is added to the CLI's list: sub-accounts, granted by the "Sub-Accounts" role
that Bandwidth's CLI asks for when listing sites (``cmd/site/list.go``), because the wizard's
Sub-account and Location steps need it and a missing one should be named before they fail.

A Bandwidth Build trial (``express`` in the token) is a verdict of its own: it is voice-only
and credit-based, so nothing the wizard sets up would work on it, whatever its roles say.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .hints import API_CREDENTIALS_PLACE, UPGRADE_URL


class Capability(StrEnum):
    """The capabilities the wizard's steps need; values are the CLI's ``--plain`` keys."""

    MESSAGING = "messaging"
    NUMBERS = "numbers"
    SUB_ACCOUNTS = "sub_accounts"
    APPLICATIONS = "app_management"
    CAMPAIGNS = "campaign_management"
    TOLL_FREE_VERIFICATION = "tfv"


#: capability -> the role-name substrings that grant it (lower case).
_MATCHES: dict[Capability, tuple[str, ...]] = {
    Capability.MESSAGING: ("messag", "sms"),
    Capability.NUMBERS: ("number",),
    Capability.SUB_ACCOUNTS: ("sub-account", "subaccount"),
    Capability.APPLICATIONS: ("application management", "app management"),
    Capability.CAMPAIGNS: ("campaign",),
    Capability.TOLL_FREE_VERIFICATION: ("tfv", "toll-free", "tollfree"),
}


@dataclass(frozen=True)
class _Wording:
    label: str
    role: str
    blocks: str


_WORDING: dict[Capability, _Wording] = {
    Capability.MESSAGING: _Wording(
        "Messaging",
        "Messaging",
        "The Enable SMS/MMS and Assign steps cannot change the location's messaging settings, "
        "and the Send step cannot send a message.",
    ),
    Capability.NUMBERS: _Wording(
        "Numbers",
        "Numbers",
        "The Order numbers step cannot search for or order phone numbers (local or "
        "toll-free), and the Ready to send step cannot read a number's details.",
    ),
    Capability.SUB_ACCOUNTS: _Wording(
        "Sub-accounts",
        "Sub-Accounts",
        "The Sub-account and Location steps cannot list or create sub-accounts and locations.",
    ),
    Capability.APPLICATIONS: _Wording(
        "Applications",
        "HTTP Application Management",
        "The Application step cannot create or update the messaging application, and the send "
        "check cannot see which locations it is linked to.",
    ),
    Capability.CAMPAIGNS: _Wording(
        "10DLC campaigns",
        "Campaign Management",
        "The Ready to send step cannot list 10DLC campaigns or check whether a local number is "
        "on one; a local number not on a registered campaign fails with error 4476.",
    ),
    Capability.TOLL_FREE_VERIFICATION: _Wording(
        "Toll-free verification",
        "TFV",
        "The Ready to send step cannot check or submit toll-free verification; an unverified "
        "toll-free number fails with error 4795.",
    ),
}

#: The order capabilities are shown in: the order the wizard's steps need them.
ORDER = (
    Capability.SUB_ACCOUNTS,
    Capability.APPLICATIONS,
    Capability.NUMBERS,
    Capability.CAMPAIGNS,
    Capability.TOLL_FREE_VERIFICATION,
    Capability.MESSAGING,
)


def capabilities_from_roles(roles: Iterable[str]) -> frozenset[Capability]:
    """The capabilities the roles grant, by the CLI's case-insensitive substring rules."""
    found: set[Capability] = set()
    for role in roles:
        name = str(role).lower()
        for capability, needles in _MATCHES.items():
            if any(needle in name for needle in needles):
                found.add(capability)
    return frozenset(found)


@dataclass(frozen=True)
class CapabilityCheck:
    """One capability: granted or not, and if not, what it blocks and what to ask for."""

    capability: Capability
    granted: bool
    label: str
    """How to name it on screen ("10DLC campaigns")."""
    role: str
    """The role to ask for, as Bandwidth names it ("Campaign Management")."""
    blocks: str
    """Which later step it blocks, as a sentence."""

    @property
    def ask(self) -> str:
        """What to ask an administrator for, as a sentence."""
        return (
            f"Ask an account administrator to add the {self.role} role to this API credential "
            f"({API_CREDENTIALS_PLACE})."
        )

    @property
    def sentence(self) -> str:
        """One line for the screen: granted, or blocked with the fix."""
        if self.granted:
            return f"{self.label}: yes."
        return f"{self.label}: missing. {self.blocks} {self.ask}"


BUILD_TRIAL_VERDICT = (
    "This is a Bandwidth Build trial account: it is voice-only and credit-based, so messaging, "
    "number ordering, 10DLC campaigns and toll-free verification are not available on it, and "
    "the wizard stops here without creating anything. To send texts you need a full Bandwidth "
    f"account ({UPGRADE_URL}); then create API Credentials there and sign in with them."
)


@dataclass(frozen=True)
class CredentialReport:
    """Everything the Verify step says about a credential."""

    checks: tuple[CapabilityCheck, ...]
    build_trial: bool = False

    @property
    def missing(self) -> tuple[CapabilityCheck, ...]:
        return tuple(c for c in self.checks if not c.granted)

    @property
    def verdict(self) -> str | None:
        """The Build trial sentence when the flow must stop before creating anything."""
        return BUILD_TRIAL_VERDICT if self.build_trial else None

    @property
    def can_continue(self) -> bool:
        """False only for a Build trial: missing roles block later steps, which the person may
        still walk into knowingly."""
        return not self.build_trial

    def check(self, capability: Capability) -> CapabilityCheck:
        return next(c for c in self.checks if c.capability == capability)


def assess_credential(roles: Iterable[str], *, express: bool = False) -> CredentialReport:
    """What the credential can do (``roles`` and ``express`` from :class:`TokenClaims`)."""
    granted = capabilities_from_roles(roles)
    checks = tuple(
        CapabilityCheck(
            capability=capability,
            granted=capability in granted,
            label=_WORDING[capability].label,
            role=_WORDING[capability].role,
            blocks=_WORDING[capability].blocks,
        )
        for capability in ORDER
    )
    return CredentialReport(checks=checks, build_trial=express)
