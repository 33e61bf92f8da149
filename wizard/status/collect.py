"""Reads an account for `status`: every list paginated, reads concurrent, memory bounded.

What it reads, and why each read is the fewest that answer the question:

- the sub-accounts (one list), each one's locations (one list per sub-account), the
  applications (one list): Bandwidth does not paginate these three;
- per location: its SMS feature, and only when SMS is on its MMS feature and its application
  (Bandwidth refuses MMS and an application on a location without SMS, so without SMS both are
  known to be off); its numbers, 5,000 a page;
- 10DLC: the campaign list and the account's 10DLC number list, 250 a page, once for every
  local number (a number missing from it is on no campaign), instead of one lookup per number;
- toll-free verification: one lookup per toll-free number that could text (Bandwidth has no
  list of verification statuses); a toll-free number on a location without SMS needs none;
- failed messages: List Messages with ``messageStatus=FAILED`` over the window, 1,000 a page;
- each distinct callback URL: one unauthenticated POST (``wizard.callbacks.probe``).

Concurrency: every request passes the connection's `RequestGate` (at most N in flight, and
everyone paused until ``X-RateLimit-Reset`` after a 429). Locations and toll-free lookups are
worked through by N workers each, fed through bounded queues, so the number of tasks and the
pages held at once do not grow with the account. Numbers are counted page by page and dropped:
the report keeps counts and a few examples. The 10DLC number list is the one thing held whole
(a number and two short strings per registered number), since every location's page is
checked against it.

A read refused for a missing role stops further reads of that kind (one 403, not one per
location) and becomes a "could not check" finding; a read that fails otherwise is counted and
reported, and the rest of the walk goes on. Only the first lists (sub-accounts, applications)
failing for another reason end the run, as an error.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from wizard.bandwidth.campaigns import NumberRegistration
from wizard.bandwidth.capabilities import assess_credential
from wizard.bandwidth.errors import BandwidthError
from wizard.bandwidth.messaging import bandwidth_time
from wizard.callbacks.error_codes import explain_error_code
from wizard.callbacks.probe import ProbeResult, probe_callback_url, probe_client
from wizard.core.phone import NumberKind, number_kind
from wizard.status.checks import (
    SET_URL_FIX,
    callback_url_problem,
    judge_probe,
    local_readiness,
    toll_free_readiness,
)
from wizard.status.report import (
    ApplicationStatus,
    CallbackCheck,
    CredentialStatus,
    FailedCode,
    FailedMessages,
    LocationStatus,
    Readiness,
    SiteStatus,
    StatusReport,
)
from wizard.status.verdicts import build_verdicts

if TYPE_CHECKING:
    from wizard.bandwidth.auth import TokenClaims
    from wizard.bandwidth.dashboard import DashboardClient
    from wizard.bandwidth.gate import RequestGate
    from wizard.bandwidth.messaging import MessagingClient
    from wizard.bandwidth.models import Application, LocationNumber
    from wizard.bandwidth.platform import PlatformClient

FAILED_PAGE = 1000
"""Failed messages per List Messages page."""
FAILED_PAGES = 10
"""Pages read at most: Bandwidth's own window (limit plus offset) ends at 10,000."""

Probe = Callable[[str], Awaitable[ProbeResult]]


@dataclass
class StatusProgress:
    """How far a status run has got, for a progress line."""

    phase: str = "signing in"
    sites: int = 0
    locations: int = 0
    locations_done: int = 0
    numbers: int = 0
    toll_free_checked: int = 0
    toll_free_queued: int = 0
    callbacks_probed: int = 0
    requests: int = 0
    rate_limited: int = 0

    def line(self) -> str:
        parts = [self.phase]
        if self.locations:
            parts.append(f"locations {self.locations_done:,}/{self.locations:,}")
        if self.numbers:
            parts.append(f"numbers {self.numbers:,}")
        if self.toll_free_queued:
            parts.append(f"toll-free checked {self.toll_free_checked:,}/{self.toll_free_queued:,}")
        if self.callbacks_probed:
            parts.append(f"callback URLs probed {self.callbacks_probed}")
        parts.append(f"{self.requests:,} requests")
        if self.rate_limited:
            parts.append(f"{self.rate_limited} rate-limited")
        return " · ".join(parts)


@dataclass
class StatusSources:
    """What the collector reads through: the three API clients of one connection."""

    dashboard: DashboardClient
    platform: PlatformClient
    messaging: MessagingClient | None
    """None when messages cannot be listed (the guide's retired API)."""
    claims: TokenClaims | None
    client_id: str
    api_is_local: bool
    """The API is a sandbox on this machine (loopback callback URLs are reachable from it)."""
    requests: Callable[[], int] = lambda: 0
    """Requests sent so far (retries included)."""
    gate: RequestGate | None = None


@dataclass
class _Denied:
    """Kinds of read refused for a missing role (403), with the first refusal."""

    errors: dict[str, BandwidthError] = field(default_factory=dict)

    def __contains__(self, kind: str) -> bool:
        return kind in self.errors

    def add(self, kind: str, error: BandwidthError) -> None:
        self.errors.setdefault(kind, error)


READ_KINDS = {
    "sites": "sub-accounts and locations",
    "applications": "applications",
    "features": "locations' SMS, MMS and application settings",
    "numbers": "locations' numbers",
    "campaigns": "10DLC campaigns and registrations",
    "toll-free": "toll-free verification",
    "messages": "failed messages",
}
"""What each kind of read looks at, for "could not check" sentences."""


class StatusCollector:
    """One run over one account; `collect()` returns the report."""

    def __init__(
        self,
        sources: StatusSources,
        *,
        since: datetime,
        until: datetime,
        concurrency: int = 8,
        on_progress: Callable[[StatusProgress], None] | None = None,
        probe: Probe | None = None,
    ) -> None:
        self.sources = sources
        self.since, self.until = since, until
        self.workers = max(1, concurrency)
        self._on_progress = on_progress
        self._probe = probe
        self.progress = StatusProgress()
        self.denied = _Denied()
        self.failures: dict[str, list[str]] = {}
        """Kind of read -> what went wrong, per failed read (not refusals: `denied`)."""
        self._registrations: dict[str, tuple[str, str | None]] = {}
        """Ten digits -> (10DLC status, campaign id) for every number on a campaign."""
        self._campaigns: dict[str, str] = {}
        self._campaigns_read = asyncio.Event()
        self._site_order: dict[str, int] = {}
        self._location_order: dict[tuple[str, str], int] = {}

    # -- progress ----------------------------------------------------------------------------

    def _emit(self, phase: str | None = None) -> None:
        if phase is not None:
            self.progress.phase = phase
        self.progress.requests = self.sources.requests()
        gate = self.sources.gate
        self.progress.rate_limited = gate.rate_limited if gate is not None else 0
        if self._on_progress is not None:
            self._on_progress(self.progress)

    # -- failures ----------------------------------------------------------------------------

    def _failed(self, kind: str, error: BandwidthError, where: str = "") -> None:
        """A read that did not work: a missing role stops that kind of read, anything else
        is counted and the walk goes on."""
        if error.kind == "forbidden":
            self.denied.add(kind, error)
            return
        detail = error.message + (f" ({where})" if where else "")
        self.failures.setdefault(kind, []).append(detail)

    # -- the run -----------------------------------------------------------------------------

    async def collect(self) -> StatusReport:
        started = time.perf_counter()
        report = StatusReport(
            account_id=self.sources.dashboard.account_id, credential=self._credential()
        )
        locations: asyncio.Queue[LocationStatus | None] = asyncio.Queue(self.workers * 2)
        toll_free: asyncio.Queue[tuple[LocationStatus, str] | None] = asyncio.Queue(
            self.workers * 4
        )
        self._emit("reading the account")
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._read_campaigns(report))
                group.create_task(self._read_failed_messages(report))
                apps = group.create_task(self._read_applications(report))
                group.create_task(self._probe_callbacks(report, apps))
                location_workers = [
                    group.create_task(self._location_worker(locations, toll_free))
                    for _ in range(self.workers)
                ]
                toll_free_workers = [
                    group.create_task(self._toll_free_worker(toll_free))
                    for _ in range(self.workers)
                ]
                await self._walk_sites(report, locations)
                for _ in location_workers:
                    await locations.put(None)
                await asyncio.gather(*location_workers)
                for _ in toll_free_workers:
                    await toll_free.put(None)
        except BaseExceptionGroup as group_error:
            raise _first(group_error) from None
        report.locations.sort(
            key=lambda loc: (
                self._site_order.get(loc.site_id, 0),
                self._location_order.get((loc.site_id, loc.id), 0),
            )
        )
        linked: dict[str, int] = {}
        for location in report.locations:
            report.numbers.merge(location.numbers)
            if location.application_id:
                linked[location.application_id] = linked.get(location.application_id, 0) + 1
        for app in report.applications:
            app.linked_locations = linked.get(app.id, 0)
        report.campaigns = dict(self._campaigns)
        report.not_checked = [
            f"{READ_KINDS[kind]}: {error.message}" for kind, error in self.denied.errors.items()
        ]
        report.verdicts = build_verdicts(report, denied=self.denied.errors, failures=self.failures)
        report.requests = self.sources.requests()
        gate = self.sources.gate
        report.rate_limited = gate.rate_limited if gate is not None else 0
        report.seconds = time.perf_counter() - started
        self._emit("done")
        return report

    def _credential(self) -> CredentialStatus:
        claims = self.sources.claims
        roles = tuple(claims.roles) if claims is not None else ()
        assessed = assess_credential(roles, express=bool(claims and claims.express))
        return CredentialStatus(
            client_id=self.sources.client_id,
            accounts=tuple(claims.accounts) if claims is not None else (),
            roles=roles,
            capabilities={c.capability.value: c.granted for c in assessed.checks},
            build_trial=assessed.build_trial,
        )

    # -- sub-accounts and locations ------------------------------------------------------------

    async def _walk_sites(
        self, report: StatusReport, queue: asyncio.Queue[LocationStatus | None]
    ) -> None:
        dashboard = self.sources.dashboard
        try:
            sites = await dashboard.list_sites()
        except BandwidthError as error:
            if error.kind != "forbidden":
                raise
            self._failed("sites", error)
            return
        self._site_order = {site.id: index for index, site in enumerate(sites)}
        self.progress.sites = len(sites)
        self._emit("listing locations")
        counts: dict[str, int] = {}

        async def one_site(site: Any) -> None:
            try:
                found = await dashboard.list_locations(site.id)
            except BandwidthError as error:
                self._failed("sites", error, f"sub-account {site.id}")
                return
            counts[site.id] = len(found)
            self.progress.locations += len(found)
            for index, location in enumerate(found):
                self._location_order[(site.id, location.id)] = index
                status = LocationStatus(
                    site_id=site.id,
                    site_name=site.name,
                    id=location.id,
                    name=location.name,
                    is_default=location.is_default,
                )
                report.locations.append(status)
                await queue.put(status)
            self._emit()

        await asyncio.gather(*(one_site(site) for site in sites))
        report.sites = [SiteStatus(s.id, s.name, counts.get(s.id, 0)) for s in sites]
        self._emit("reading locations")

    async def _location_worker(
        self,
        queue: asyncio.Queue[LocationStatus | None],
        toll_free: asyncio.Queue[tuple[LocationStatus, str] | None],
    ) -> None:
        while (location := await queue.get()) is not None:
            await self._read_location(location, toll_free)
            self.progress.locations_done += 1
            self._emit()

    async def _read_location(
        self,
        location: LocationStatus,
        toll_free: asyncio.Queue[tuple[LocationStatus, str] | None],
    ) -> None:
        features = asyncio.create_task(self._read_features(location))
        try:
            if "numbers" not in self.denied:
                pages = self.sources.dashboard.iter_location_numbers(location.site_id, location.id)
                async for page in pages:
                    await features
                    await self._campaigns_read.wait()
                    await self._count(location, page, toll_free)
        except BandwidthError as error:
            location.numbers_read = False
            self._failed("numbers", error, f"location {location.id}")
        finally:
            await features

    async def _read_features(self, location: LocationStatus) -> None:
        if "features" in self.denied:
            return
        dashboard = self.sources.dashboard
        site, peer = location.site_id, location.id
        try:
            sms = await dashboard.get_sms(site, peer)
        except BandwidthError as error:
            self._failed("features", error, f"location {peer}")
            return
        location.sms = sms is not None
        if sms is None:
            # Bandwidth refuses MMS and an application on a location without SMS.
            location.mms = False
            return
        location.sms_protocol = sms.protocol
        location.sms_toll_free = sms.toll_free
        location.a2p_long_code = sms.a2p_long_code

        async def mms() -> None:
            try:
                location.mms = await dashboard.get_mms(site, peer) is not None
            except BandwidthError as error:
                self._failed("features", error, f"location {peer}")

        async def application() -> None:
            try:
                location.application_id = await dashboard.get_application_settings(site, peer)
            except BandwidthError as error:
                self._failed("features", error, f"location {peer}")

        await asyncio.gather(mms(), application())

    # -- numbers -------------------------------------------------------------------------------

    async def _count(
        self,
        location: LocationStatus,
        page: list[LocationNumber],
        toll_free: asyncio.Queue[tuple[LocationStatus, str] | None],
    ) -> None:
        tally = location.numbers
        campaigns_known = "campaigns" not in self.denied and "campaigns" not in self.failures
        for entry in page:
            ten = entry.number[-10:]
            e164 = "+1" + ten
            kind = number_kind(ten)
            if location.sms is False or entry.sms_enabled is False:
                tally.add(e164, Readiness.SMS_OFF, kind=kind.value)
            elif kind is NumberKind.LOCAL:
                if not campaigns_known:
                    tally.add(e164, Readiness.UNCHECKED, kind=kind.value)
                    continue
                found = self._registrations.get(ten)
                registration = _registration(e164, found)
                campaign = self._campaigns.get(found[1]) if found and found[1] else None
                tally.add(e164, local_readiness(registration, campaign), kind=kind.value)
            elif kind is NumberKind.TOLL_FREE:
                if location.sms is True and not location.sms_toll_free:
                    tally.add(e164, Readiness.TOLL_FREE_OFF, kind=kind.value)
                elif "toll-free" in self.denied:
                    tally.add(e164, Readiness.UNCHECKED, kind=kind.value)
                else:
                    self.progress.toll_free_queued += 1
                    await toll_free.put((location, e164))
            else:
                tally.add(e164, Readiness.OTHER_KIND, kind=kind.value)
        self.progress.numbers += len(page)
        self._emit()

    async def _toll_free_worker(
        self, queue: asyncio.Queue[tuple[LocationStatus, str] | None]
    ) -> None:
        platform = self.sources.platform
        while (item := await queue.get()) is not None:
            location, number = item
            if "toll-free" in self.denied:
                location.numbers.add(number, Readiness.UNCHECKED, kind="toll-free")
                continue
            try:
                status = await platform.get_toll_free_verification(number)
            except BandwidthError as error:
                self._failed("toll-free", error, number)
                location.numbers.add(number, Readiness.UNCHECKED, kind="toll-free")
            else:
                readiness, note = toll_free_readiness(status)
                location.numbers.add(number, readiness, kind="toll-free", note=note)
            self.progress.toll_free_checked += 1
            self._emit()

    async def _read_campaigns(self, report: StatusReport) -> None:
        platform = self.sources.platform
        try:
            campaigns = await platform.list_campaigns()
            self._campaigns = {c.campaign_id: c.status for c in campaigns}
            async for page in platform.iter_number_registrations():
                for row in page:
                    self._registrations[row.phone_number[-10:]] = (row.status, row.campaign_id)
        except BandwidthError as error:
            self._failed("campaigns", error)
        finally:
            self._campaigns_read.set()

    # -- applications and their callback URLs ----------------------------------------------------

    async def _read_applications(self, report: StatusReport) -> None:
        try:
            apps = await self.sources.dashboard.list_applications()
        except BandwidthError as error:
            if error.kind != "forbidden":
                raise
            self._failed("applications", error)
            return
        report.applications = [_application_status(app) for app in apps]

    async def _probe_callbacks(self, report: StatusReport, apps: asyncio.Task[None]) -> None:
        await apps
        local = self.sources.api_is_local
        plans: list[tuple[ApplicationStatus, str, str, str | None]] = []
        for app in report.applications:
            if app.is_messaging:
                plans.extend((app, url, side, user) for url, side, user in _callback_sides(app))
        if not plans:
            return
        self._emit("probing callback URLs")
        slots = asyncio.Semaphore(self.workers)
        answers: dict[str, asyncio.Task[ProbeResult]] = {}
        client = probe_client() if self._probe is None else None

        async def ask(url: str) -> ProbeResult:
            async with slots:
                if self._probe is not None:
                    result = await self._probe(url)
                else:
                    result = await probe_callback_url(url, client=client)
            self.progress.callbacks_probed += 1
            self._emit()
            return result

        try:
            asked: list[tuple[ApplicationStatus, str, str, str | None]] = []
            for app, url, side, user in plans:
                problem = callback_url_problem(url, api_is_local=local)
                if problem is not None:
                    app.callbacks.append(
                        CallbackCheck(
                            url, side, user, problem.category, problem.sentence, SET_URL_FIX
                        )
                    )
                    continue
                if url not in answers:
                    answers[url] = asyncio.create_task(ask(url))
                asked.append((app, url, side, user))
            for app, url, side, user in asked:
                result = await answers[url]
                judged = judge_probe(result, user=user)
                app.callbacks.append(
                    CallbackCheck(
                        url,
                        side,
                        user,
                        None if judged.ok else judged.category,
                        judged.message,
                        judged.fix,
                        judged.serious,
                        result.as_json(),
                    )
                )
        finally:
            if client is not None:
                await client.aclose()

    # -- failed messages ---------------------------------------------------------------------------

    async def _read_failed_messages(self, report: StatusReport) -> None:
        messaging = self.sources.messaging
        since, until = bandwidth_time(self.since), bandwidth_time(self.until)
        if messaging is None or not messaging.can_list_messages:
            self.failures.setdefault("messages", []).append(
                "the guide's retired messaging API cannot list messages"
            )
            return
        total = read = 0
        counts: dict[int, int] = {}
        newest: dict[int, Any] = {}
        try:
            async for page in messaging.iter_messages(
                max_pages=FAILED_PAGES,
                limit=FAILED_PAGE,
                message_status="FAILED",
                from_date_time=since,
                to_date_time=until,
                sort="receiveTime:desc",
            ):
                if page.total_count is not None:
                    total = max(total, page.total_count)
                for message in page.messages:
                    read += 1
                    code = message.error_code or 0
                    counts[code] = counts.get(code, 0) + 1
                    newest.setdefault(code, message)
        except BandwidthError as error:
            self._failed("messages", error)
            return
        codes = []
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            explained = explain_error_code(code)
            example = newest[code]
            codes.append(
                FailedCode(
                    code=code,
                    count=count,
                    meaning=explained.meaning,
                    next_step=explained.next_step,
                    latest=example.receive_time,
                    example_message_id=example.message_id,
                    example_from=example.source_tn,
                )
            )
        hours = round((self.until - self.since).total_seconds() / 3600, 2)
        report.failed_messages = FailedMessages(
            since=since,
            until=until,
            hours=hours,
            total=max(total, read),
            read=read,
            codes=tuple(codes),
        )


def _registration(e164: str, found: tuple[str, str | None] | None) -> NumberRegistration | None:
    return None if found is None else NumberRegistration(e164, found[0], found[1])


def _application_status(app: Application) -> ApplicationStatus:
    return ApplicationStatus(
        id=app.id,
        name=app.name,
        service_type=app.service_type,
        callback_url=app.callback_url,
        inbound_callback_url=app.inbound_callback_url,
        outbound_callback_url=app.outbound_callback_url,
        callback_user=app.callback_user,
        inbound_callback_user=app.inbound_callback_user,
        outbound_callback_user=app.outbound_callback_user,
    )


def _callback_sides(app: ApplicationStatus) -> list[tuple[str, str, str | None]]:
    """(url, side, user) for each URL Bandwidth would POST this application's events to: one
    for every event, or, for split URLs, delivery reports and received messages apart."""
    inbound = app.inbound_callback_url
    outbound = app.outbound_callback_url
    if inbound and outbound and inbound != outbound:
        return [
            (outbound, "status", app.outbound_callback_user or app.callback_user),
            (inbound, "inbound", app.inbound_callback_user or app.callback_user),
        ]
    url = outbound or app.callback_url or inbound
    user = app.callback_user or app.outbound_callback_user or app.inbound_callback_user
    return [(url, "all", user)]


def _first(group: BaseExceptionGroup[Any]) -> BaseException:
    """The first real error in a task group's failure (a cancelled sibling is not one)."""
    for error in group.exceptions:
        if isinstance(error, BaseExceptionGroup):
            return _first(error)
        if not isinstance(error, asyncio.CancelledError):
            return error
    return group.exceptions[0]
