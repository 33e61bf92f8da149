"""What `bw-wizard status` found: plain records, free of HTTP, ready for text, JSON or a screen.

The report keeps counts and a few examples, never every number: a 10,000-number account fits in
a few kilobytes, and the collector can drop each page of numbers as soon as it is counted.
Every problem is a `Verdict`: one line saying what is wrong and one saying how to fix it, with
the ids it concerns, so the command, `--json` and the Status screen say exactly the same thing.
"""

from __future__ import annotations

from bisect import insort
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from wizard.core.errors import EXIT_CONFLICT, EXIT_OK

EXAMPLES_KEPT = 3
"""Numbers kept per reason and location, to name in a verdict; the rest are only counted."""


class Severity(StrEnum):
    PROBLEM = "problem"
    """Something that stops texts, their callbacks, or the check itself: exit 4."""
    WARNING = "warning"
    """Worth fixing, but nothing fails because of it (an application no location uses)."""


@dataclass(frozen=True)
class Verdict:
    """One finding: what is wrong, how to fix it, and which ids it concerns."""

    severity: Severity
    kind: str
    """A stable key for scripts: ``numbers-no-campaign``, ``callback-unreachable``, ..."""
    message: str
    fix: str
    subjects: tuple[str, ...] = ()
    """The ids it concerns (locations, applications, numbers, error codes), all of them."""

    def as_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "kind": self.kind,
            "message": self.message,
            "fix": self.fix,
            "subjects": list(self.subjects),
        }


class Readiness(StrEnum):
    """What a number's texts would meet today, from the checks Bandwidth offers in bulk."""

    READY = "ready"
    PENDING_CAMPAIGN = "pending-10dlc"
    """On a campaign, PROCESSING: it will send once the carriers have it."""
    PENDING_VERIFICATION = "pending-tfv"
    """Toll-free verification submitted and under review."""
    NO_CAMPAIGN = "no-campaign"
    CAMPAIGN_NOT_REGISTERED = "campaign-not-registered"
    CAMPAIGN_FAILED = "10dlc-failure"
    NOT_VERIFIED = "tfv-unverified"
    DECLINED = "tfv-declined"
    BLOCKED = "tfv-blocked"
    SMS_OFF = "sms-off"
    """SMS is off on the number's location (or on the number itself)."""
    TOLL_FREE_OFF = "toll-free-off"
    """A toll-free number on a location whose SMS feature does not allow toll-free."""
    UNCHECKED = "unchecked"
    """The check could not be made (a missing role, a failed read)."""
    OTHER_KIND = "other-kind"
    """Neither a US local nor a toll-free number: none of these checks apply."""


NOT_READY = frozenset(
    {
        Readiness.NO_CAMPAIGN,
        Readiness.CAMPAIGN_NOT_REGISTERED,
        Readiness.CAMPAIGN_FAILED,
        Readiness.NOT_VERIFIED,
        Readiness.DECLINED,
        Readiness.BLOCKED,
        Readiness.SMS_OFF,
        Readiness.TOLL_FREE_OFF,
    }
)
PENDING = frozenset({Readiness.PENDING_CAMPAIGN, Readiness.PENDING_VERIFICATION})


@dataclass
class NumberTally:
    """Numbers counted by readiness, with a few examples of each reason.

    The examples are the lowest numbers of each reason, not the first seen: lookups finish in
    any order, and the same account must give the same report.
    """

    total: int = 0
    local: int = 0
    toll_free: int = 0
    by_readiness: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    """Readiness -> its lowest EXAMPLES_KEPT numbers (E.164), in order."""
    notes: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Readiness -> (number, the reason Bandwidth gave for it) for its lowest such number."""

    def add(self, number: str, readiness: Readiness, *, kind: str, note: str = "") -> None:
        self.total += 1
        if kind == "toll-free":
            self.toll_free += 1
        elif kind == "local":
            self.local += 1
        self.by_readiness[readiness.value] += 1
        if readiness is not Readiness.READY:
            self._keep(readiness.value, [number])
        if note:
            self._note(readiness.value, number, note)

    def _keep(self, reason: str, numbers: list[str]) -> None:
        kept = self.examples.setdefault(reason, [])
        for number in numbers:
            if len(kept) < EXAMPLES_KEPT or number < kept[-1]:
                insort(kept, number)
                del kept[EXAMPLES_KEPT:]

    def _note(self, reason: str, number: str, note: str) -> None:
        current = self.notes.get(reason)
        if current is None or number < current[0]:
            self.notes[reason] = (number, note)

    def note(self, readiness: Readiness) -> str:
        """The reason Bandwidth gave, for the lowest number it gave one for ("" if none)."""
        found = self.notes.get(readiness.value)
        return found[1] if found else ""

    def merge(self, other: NumberTally) -> None:
        self.total += other.total
        self.local += other.local
        self.toll_free += other.toll_free
        self.by_readiness.update(other.by_readiness)
        for reason, numbers in other.examples.items():
            self._keep(reason, numbers)
        for reason, (number, note) in other.notes.items():
            self._note(reason, number, note)

    def count(self, readiness: Readiness) -> int:
        return self.by_readiness.get(readiness.value, 0)

    @property
    def ready(self) -> int:
        return self.count(Readiness.READY)

    @property
    def pending(self) -> int:
        return sum(self.count(r) for r in PENDING)

    @property
    def not_ready(self) -> int:
        return sum(self.count(r) for r in NOT_READY)

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "local": self.local,
            "toll_free": self.toll_free,
            "ready": self.ready,
            "pending": self.pending,
            "not_ready": self.not_ready,
            "by_readiness": dict(sorted(self.by_readiness.items())),
            "examples": {k: list(v) for k, v in sorted(self.examples.items())},
        }


@dataclass
class LocationStatus:
    """One location (SIP peer): its messaging features, its application and its numbers."""

    site_id: str
    site_name: str
    id: str
    name: str
    is_default: bool = False
    sms: bool | None = None
    """SMS feature on; None when it could not be read."""
    sms_protocol: str = ""
    sms_toll_free: bool = False
    """The SMS feature allows toll-free numbers."""
    a2p_long_code: str | None = None
    mms: bool | None = None
    application_id: str | None = None
    numbers: NumberTally = field(default_factory=NumberTally)
    numbers_read: bool = True
    """False when the location's number list could not be read."""

    def as_json(self) -> dict[str, Any]:
        return {
            "site_id": self.site_id,
            "site_name": self.site_name,
            "id": self.id,
            "name": self.name,
            "is_default": self.is_default,
            "sms": self.sms,
            "sms_protocol": self.sms_protocol or None,
            "sms_toll_free": self.sms_toll_free,
            "a2p_long_code": self.a2p_long_code,
            "mms": self.mms,
            "application_id": self.application_id,
            "numbers": self.numbers.as_json(),
        }


@dataclass(frozen=True)
class CallbackCheck:
    """One callback URL of an application: what is wrong with it, from the URL or from what
    the probe heard (None when it answered as Bandwidth needs)."""

    url: str
    side: str
    """``all`` (one URL for every event), ``status`` (delivery reports) or ``inbound``
    (message-received), for an application with split URLs."""
    user: str | None
    """The callback user Bandwidth would send after a challenge (never the password)."""
    category: str | None = None
    """Why it is wrong, as a key (``placeholder``, ``unreachable``, ``no-challenge``...)."""
    problem: str | None = None
    """Why it is wrong, as a sentence."""
    fix: str | None = None
    serious: bool = True
    """False when events still arrive (a handler that asks for no credentials)."""
    probe: dict[str, Any] | None = None
    """What the probe heard (``ProbeResult.as_json``), when it was asked."""

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "side": self.side,
            "user": self.user,
            "ok": self.ok,
            "category": self.category,
            "problem": self.problem,
            "fix": self.fix,
            "probe": self.probe,
        }


@dataclass
class ApplicationStatus:
    """One application: its callback URLs and how many locations use it."""

    id: str
    name: str
    service_type: str
    callback_url: str = ""
    inbound_callback_url: str = ""
    outbound_callback_url: str = ""
    callback_user: str | None = None
    inbound_callback_user: str | None = None
    outbound_callback_user: str | None = None
    linked_locations: int = 0
    callbacks: list[CallbackCheck] = field(default_factory=list)

    @property
    def is_messaging(self) -> bool:
        return self.service_type.lower().startswith("messaging")

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "service_type": self.service_type,
            "callback_url": self.callback_url or None,
            "inbound_callback_url": self.inbound_callback_url or None,
            "outbound_callback_url": self.outbound_callback_url or None,
            "callback_user": self.callback_user,
            "inbound_callback_user": self.inbound_callback_user,
            "outbound_callback_user": self.outbound_callback_user,
            "linked_locations": self.linked_locations,
            "callbacks": [c.as_json() for c in self.callbacks],
        }


@dataclass(frozen=True)
class FailedCode:
    """Failed messages of one error code."""

    code: int
    count: int
    meaning: str
    next_step: str
    latest: str = ""
    """receiveTime of the newest one."""
    example_message_id: str = ""
    example_from: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "count": self.count,
            "meaning": self.meaning,
            "next_step": self.next_step,
            "latest": self.latest or None,
            "example_message_id": self.example_message_id or None,
            "example_from": self.example_from or None,
        }


@dataclass(frozen=True)
class FailedMessages:
    """Bandwidth's List Messages, ``messageStatus=FAILED``, over the window."""

    since: str
    until: str
    hours: float
    """The window's length, for sentences ("in the last 24 h")."""
    total: int
    """How many failed in the window (Bandwidth's ``totalCount``)."""
    read: int
    """How many of them were read (pages are capped)."""
    codes: tuple[FailedCode, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "hours": self.hours,
            "total": self.total,
            "read": self.read,
            "by_code": [c.as_json() for c in self.codes],
        }


@dataclass(frozen=True)
class CredentialStatus:
    """The signed-in API Credential, from its access token."""

    client_id: str
    accounts: tuple[str, ...]
    roles: tuple[str, ...]
    capabilities: dict[str, bool]
    build_trial: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "accounts": list(self.accounts),
            "roles": list(self.roles),
            "capabilities": dict(self.capabilities),
            "build_trial": self.build_trial,
        }


@dataclass(frozen=True)
class SiteStatus:
    id: str
    name: str
    locations: int

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "locations": self.locations}


@dataclass
class StatusReport:
    """Everything one status run found about one account."""

    account_id: str
    credential: CredentialStatus
    sites: list[SiteStatus] = field(default_factory=list)
    locations: list[LocationStatus] = field(default_factory=list)
    applications: list[ApplicationStatus] = field(default_factory=list)
    numbers: NumberTally = field(default_factory=NumberTally)
    campaigns: dict[str, str] = field(default_factory=dict)
    """10DLC campaign id -> status, as Bandwidth lists them."""
    failed_messages: FailedMessages | None = None
    verdicts: list[Verdict] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    """Sentences naming what could not be looked at, and why."""
    requests: int = 0
    """HTTP requests sent to Bandwidth (retries included; the callback probes are not)."""
    rate_limited: int = 0
    """429 answers met (each one paused every request until its reset)."""
    seconds: float = 0.0

    @property
    def problems(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.severity is Severity.PROBLEM]

    @property
    def warnings(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.severity is Severity.WARNING]

    @property
    def healthy(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        """As `apply`'s: 0 healthy, 4 (conflict: "stop and fix") when problems were found."""
        return EXIT_OK if self.healthy else EXIT_CONFLICT

    def as_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "healthy": self.healthy,
            "exit_code": self.exit_code,
            "problems": [v.as_json() for v in self.problems],
            "warnings": [v.as_json() for v in self.warnings],
            "not_checked": list(self.not_checked),
            "credential": self.credential.as_json(),
            "sites": [s.as_json() for s in self.sites],
            "locations": [loc.as_json() for loc in self.locations],
            "applications": [a.as_json() for a in self.applications],
            "numbers": self.numbers.as_json(),
            "campaigns": dict(sorted(self.campaigns.items())),
            "failed_messages": self.failed_messages.as_json() if self.failed_messages else None,
            "requests": self.requests,
            "rate_limited": self.rate_limited,
            "seconds": round(self.seconds, 3),
        }
