"""From what `status` found to one line per problem, each with its fix.

Findings of one kind are one verdict however many things they concern (10,000 numbers on no
campaign is one problem with one fix, not 10,000 lines); the verdict names a few of them and
lists every id in ``subjects`` for scripts. Whether something is a problem (exit 4) or only a
warning follows one rule: a problem stops texts, their delivery reports, or the check itself;
a warning loses nothing today (an application no location uses, a number still being
provisioned, a handler that asks for no password).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from wizard.bandwidth.dashboard import (
    APPLICATIONS_ROLE,
    MESSAGING_ROLE,
    NUMBERS_ROLE,
    SUB_ACCOUNTS_ROLE,
)
from wizard.bandwidth.hints import API_CREDENTIALS_PLACE, delivery_hint, toll_free_decline_hint
from wizard.bandwidth.platform import CAMPAIGN_ROLE, TFV_ROLE
from wizard.core.phone import display
from wizard.status.report import (
    ApplicationStatus,
    LocationStatus,
    Readiness,
    Severity,
    StatusReport,
    Verdict,
)

NAMED = 3
"""Things named in a verdict's sentence; the rest are counted ("and 12 more")."""

ROLES = {
    "sites": SUB_ACCOUNTS_ROLE,
    "applications": APPLICATIONS_ROLE,
    "features": MESSAGING_ROLE,
    "numbers": NUMBERS_ROLE,
    "campaigns": CAMPAIGN_ROLE,
    "toll-free": TFV_ROLE,
    "messages": MESSAGING_ROLE,
}
"""The role each kind of read needs (the names a 403 gives)."""

WHAT_CANNOT_BE_CHECKED = {
    "sites": "the sub-accounts and their locations",
    "applications": "the applications and their callback URLs",
    "features": "the locations' SMS, MMS and application settings",
    "numbers": "the numbers on each location",
    "campaigns": "whether local numbers are on a registered 10DLC campaign",
    "toll-free": "whether toll-free numbers are verified",
    "messages": "recent failed messages",
}

ASSIGN_FIX = (
    "Assign them to a REGISTERED 10DLC campaign with a TN option order (the wizard's Ready to "
    "send step, or `band tnoption assign`; one order takes up to 5,000 numbers), then wait "
    "until they read SUCCESS."
)
SMS_FIX = (
    "Enable SMS (and MMS) on those locations and assign a messaging application (the wizard's "
    "SMS and MMS and Assign steps, or the Bandwidth App), or move the numbers to a location "
    "that has them."
)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _named(items: Sequence[str]) -> str:
    """'a, b, c' or 'a, b, c and 12 more'."""
    shown = ", ".join(items[:NAMED])
    rest = len(items) - NAMED
    return f"{shown} and {rest:,} more" if rest > 0 else shown


def _location_name(location: LocationStatus) -> str:
    return f"{location.name} ({location.id})" if location.name else location.id


def _app_name(app: ApplicationStatus) -> str:
    return f"“{app.name}” ({app.id})" if app.name else app.id


def build_verdicts(
    report: StatusReport,
    *,
    denied: Mapping[str, Any],
    failures: Mapping[str, Sequence[str]],
) -> list[Verdict]:
    """Every problem and warning in `report`, problems first, in the order a person would fix
    them: the credential, then locations, applications, numbers, and failed messages."""
    verdicts: list[Verdict] = []
    verdicts.extend(_credential(report, denied))
    verdicts.extend(_failures(failures))
    verdicts.extend(_locations(report))
    verdicts.extend(_applications(report))
    verdicts.extend(_numbers(report))
    verdicts.extend(_failed_messages(report))
    verdicts.extend(_nothing_set_up(report, denied))
    problems = [v for v in verdicts if v.severity is Severity.PROBLEM]
    return problems + [v for v in verdicts if v.severity is Severity.WARNING]


def _credential(report: StatusReport, denied: Mapping[str, Any]) -> Iterable[Verdict]:
    if report.credential.build_trial:
        yield Verdict(
            Severity.PROBLEM,
            "credential-build-trial",
            "This is a Bandwidth Build trial account: it is voice-only, so it cannot send or "
            "receive texts.",
            "Use a full Bandwidth account and an API Credential made there.",
        )
    for kind in denied:
        role = ROLES.get(kind, kind)
        yield Verdict(
            Severity.PROBLEM,
            f"cannot-check-{kind}",
            f"Could not check {WHAT_CANNOT_BE_CHECKED.get(kind, kind)}: the API Credential "
            f"lacks the {role} role.",
            f"Ask an account administrator to add the {role} role to this API Credential "
            f"({API_CREDENTIALS_PLACE}), then run status again.",
            (kind,),
        )


def _failures(failures: Mapping[str, Sequence[str]]) -> Iterable[Verdict]:
    for kind, details in failures.items():
        if not details:
            continue
        yield Verdict(
            Severity.PROBLEM,
            f"read-failed-{kind}",
            f"Could not check {WHAT_CANNOT_BE_CHECKED.get(kind, kind)}: "
            f"{_plural(len(details), 'read')} failed ({details[0]}).",
            "Run status again; if it fails the same way, the message above says what Bandwidth "
            "answered.",
            (kind,),
        )


def _locations(report: StatusReport) -> Iterable[Verdict]:
    apps = {app.id: app for app in report.applications}
    not_http = [
        loc for loc in report.locations if loc.sms and loc.sms_protocol.upper() not in ("HTTP", "")
    ]
    if not_http:
        yield Verdict(
            Severity.PROBLEM,
            "location-sms-not-http",
            f"SMS on {_plural(len(not_http), 'location')} is not on HTTP, which Messaging 2.0 "
            f"needs: {_named([_location_name(loc) for loc in not_http])}.",
            "Set the SMS feature's protocol to HTTP (the wizard's SMS and MMS step sends the "
            "body Bandwidth expects).",
            tuple(loc.id for loc in not_http),
        )
    unassigned = [
        loc for loc in report.locations if loc.sms and not loc.application_id and loc.numbers.total
    ]
    if unassigned:
        numbers = sum(loc.numbers.total for loc in unassigned)
        yield Verdict(
            Severity.PROBLEM,
            "location-no-application",
            f"{_plural(len(unassigned), 'location')} with SMS and {_plural(numbers, 'number')} "
            "have no messaging application, so their texts have no application to send "
            f"through or report to: {_named([_location_name(loc) for loc in unassigned])}.",
            "Assign a messaging application to each (the wizard's Assign application step, or "
            "applicationSettings in the Bandwidth App).",
            tuple(loc.id for loc in unassigned),
        )
    if report.applications:
        unknown = [
            loc
            for loc in report.locations
            if loc.application_id
            and (loc.application_id not in apps or not apps[loc.application_id].is_messaging)
        ]
        if unknown:
            pairs = [f"{_location_name(loc)} -> {loc.application_id}" for loc in unknown]
            yield Verdict(
                Severity.PROBLEM,
                "location-unknown-application",
                f"{_plural(len(unknown), 'location')} use an application that is not one of "
                f"this account's messaging applications: {_named(pairs)}.",
                "Assign one of the account's Messaging-V2 applications to them.",
                tuple(loc.id for loc in unknown),
            )


_URL_GROUPS = {
    "missing": "have no callback URL",
    "invalid": "have a callback URL that is not a URL",
    "placeholder": "have a placeholder callback URL (a documentation domain nobody receives on)",
    "reserved": "have a callback URL on a reserved name that never resolves on the internet",
    "loopback": "have a callback URL on this computer (loopback), which Bandwidth cannot reach",
    "private": "have a callback URL on a private network address, which Bandwidth cannot reach",
    "http": "have a plain http callback URL; Bandwidth sends credentials only over https",
    "unreachable": "have a callback URL that could not be reached",
    "timeout": "have a callback URL that did not answer within 10 s",
    "slow": "have a callback URL that answered after more than 10 s",
    "no-credentials": "have a callback URL that asks for a password the application does not have",
    "no-challenge": "have a callback URL that answers 401 without a Basic challenge, so "
    "Bandwidth never sends its credentials",
    "open": "have a callback URL that accepts events without asking for the callback password",
    "redirect": "have a callback URL that redirects elsewhere",
    "status": "have a callback URL that answers an event with an error",
}


def _applications(report: StatusReport) -> Iterable[Verdict]:
    messaging = [app for app in report.applications if app.is_messaging]
    groups: dict[tuple[str, Severity], list[tuple[ApplicationStatus, Any]]] = {}
    for app in messaging:
        for check in app.callbacks:
            if check.ok or check.category is None:
                continue
            linked = app.linked_locations > 0
            severity = Severity.PROBLEM if linked and check.serious else Severity.WARNING
            groups.setdefault((check.category, severity), []).append((app, check))
    for (category, severity), found in groups.items():
        apps = list(dict.fromkeys(app.id for app, _ in found))
        first_app, first = found[0]
        unused = "" if severity is Severity.PROBLEM or not first.serious else " (not linked)"
        if len(found) == 1:
            message = f"Application {_app_name(first_app)}{unused}: {first.problem}."
        else:
            first_url: dict[str, str] = {}
            for app, check in found:
                first_url.setdefault(app.id, f"{app.name or app.id}: {check.url}")
            named = _named(list(first_url.values()))
            adjective = "" if severity is Severity.PROBLEM or not first.serious else "unlinked "
            message = (
                f"{_plural(len(apps), adjective + 'application')} "
                f"{_URL_GROUPS.get(category, 'have a callback URL Bandwidth cannot use')}: "
                f"{named}."
            )
        yield Verdict(
            severity,
            f"callback-{category}",
            message,
            first.fix or "",
            tuple(apps),
        )
    unlinked = [app for app in messaging if app.linked_locations == 0]
    if unlinked:
        yield Verdict(
            Severity.WARNING,
            "application-unlinked",
            f"{_plural(len(unlinked), 'messaging application')} "
            f"{'is' if len(unlinked) == 1 else 'are'} linked to no location, so no number "
            f"sends through {'it' if len(unlinked) == 1 else 'them'}: "
            f"{_named([_app_name(app) for app in unlinked])}.",
            "Assign it to a location (the wizard's Assign application step), or delete it if "
            "nothing uses it.",
            tuple(app.id for app in unlinked),
        )


def _numbers_on(report: StatusReport, readiness: Readiness) -> tuple[int, list[LocationStatus]]:
    where = [loc for loc in report.locations if loc.numbers.count(readiness)]
    return report.numbers.count(readiness), where


def _examples(report: StatusReport, readiness: Readiness) -> str:
    shown = [display(n) for n in report.numbers.examples.get(readiness.value, [])]
    return f" (e.g. {', '.join(shown)})" if shown else ""


def _numbers(report: StatusReport) -> Iterable[Verdict]:
    def verdict(
        readiness: Readiness, severity: Severity, noun: str, verb: tuple[str, str], fix: str
    ) -> Verdict | None:
        """`noun` counted, then `verb` (singular, plural) saying what is wrong with it."""
        count, where = _numbers_on(report, readiness)
        if not count:
            return None
        places = _named([_location_name(loc) for loc in where])
        return Verdict(
            severity,
            f"numbers-{readiness.value}",
            f"{_plural(count, noun)}{_examples(report, readiness)} on "
            f"{_plural(len(where), 'location')} {verb[0] if count == 1 else verb[1]} "
            f"(locations: {places}).",
            fix,
            tuple(loc.id for loc in where),
        )

    campaigns_off = sorted(
        {cid for cid, status in report.campaigns.items() if status.upper() != "REGISTERED"}
    )
    off = f" ({', '.join(campaigns_off)})" if campaigns_off else ""
    tf_hint = delivery_hint("4795")
    decline = report.numbers.note(Readiness.DECLINED)
    because = f" ({decline.rstrip('.')})" if decline else ""
    found = [
        verdict(
            Readiness.SMS_OFF,
            Severity.PROBLEM,
            "number",
            (
                "cannot send or receive texts: SMS is off on its location (or on the number)",
                "cannot send or receive texts: SMS is off on their location (or on the number)",
            ),
            SMS_FIX,
        ),
        verdict(
            Readiness.TOLL_FREE_OFF,
            Severity.PROBLEM,
            "toll-free number",
            (
                "cannot text: its location's SMS feature does not allow toll-free (4403)",
                "cannot text: their location's SMS feature does not allow toll-free (4403)",
            ),
            "Turn TollFree on in those locations' SMS feature, or move the numbers to a "
            "location that allows toll-free.",
        ),
        verdict(
            Readiness.NO_CAMPAIGN,
            Severity.PROBLEM,
            "local number",
            (
                "is on no 10DLC campaign, so US carriers block its texts (4476)",
                "are on no 10DLC campaign, so US carriers block their texts (4476)",
            ),
            ASSIGN_FIX,
        ),
        verdict(
            Readiness.CAMPAIGN_NOT_REGISTERED,
            Severity.PROBLEM,
            "local number",
            (
                f"is on a campaign that is not REGISTERED{off}, so carriers refuse its texts",
                f"are on a campaign that is not REGISTERED{off}, so carriers refuse their texts",
            ),
            "Move them to a REGISTERED campaign with a TN option order, or get the campaign "
            "registered again (the Bandwidth App).",
        ),
        verdict(
            Readiness.CAMPAIGN_FAILED,
            Severity.PROBLEM,
            "local number",
            (
                "failed 10DLC provisioning on its campaign (FAILURE)",
                "failed 10DLC provisioning on their campaign (FAILURE)",
            ),
            "Assign them again with a TN option order; if it fails again, ask Bandwidth "
            "support with the numbers.",
        ),
        verdict(
            Readiness.NOT_VERIFIED,
            Severity.PROBLEM,
            "toll-free number",
            (
                "is not verified, so its texts are blocked (4795)",
                "are not verified, so their texts are blocked (4795)",
            ),
            tf_hint.next_step if tf_hint else "Submit the numbers for toll-free verification.",
        ),
        verdict(
            Readiness.DECLINED,
            Severity.PROBLEM,
            "toll-free number",
            (f"was declined verification{because}", f"were declined verification{because}"),
            toll_free_decline_hint(None, decline),
        ),
        verdict(
            Readiness.BLOCKED,
            Severity.PROBLEM,
            "toll-free number",
            ("is blocked by Bandwidth", "are blocked by Bandwidth"),
            "Ask Bandwidth support why (the verification status names the reason).",
        ),
        verdict(
            Readiness.PENDING_CAMPAIGN,
            Severity.WARNING,
            "local number",
            (
                "is still being provisioned on its 10DLC campaign (PROCESSING)",
                "are still being provisioned on their 10DLC campaign (PROCESSING)",
            ),
            "Nothing to do: they send once they read SUCCESS (ask Bandwidth support if it "
            "takes more than a few days).",
        ),
        verdict(
            Readiness.PENDING_VERIFICATION,
            Severity.WARNING,
            "toll-free number",
            (
                "is waiting for its verification review (PENDING)",
                "are waiting for their verification review (PENDING)",
            ),
            "Nothing to do but wait: review takes days, and texts are blocked until VERIFIED.",
        ),
    ]
    yield from (v for v in found if v is not None)


def _failed_messages(report: StatusReport) -> Iterable[Verdict]:
    failed = report.failed_messages
    if failed is None:
        return
    for code in failed.codes:
        hint = delivery_hint(code.code)
        meaning = hint.meaning if hint else code.meaning
        fix = hint.next_step if hint else code.next_step
        example = f", the latest from {display(code.example_from)}" if code.example_from else ""
        yield Verdict(
            Severity.PROBLEM,
            "messages-failed",
            f"{_plural(code.count, 'message')} failed with error {code.code} in the last "
            f"{failed.hours:g} h{example}: {meaning.rstrip('.')}.",
            fix,
            (str(code.code),),
        )


def _nothing_set_up(report: StatusReport, denied: Mapping[str, Any]) -> Iterable[Verdict]:
    if denied:
        return
    messaging = [app for app in report.applications if app.is_messaging]
    if not messaging and not report.numbers.total:
        yield Verdict(
            Severity.WARNING,
            "nothing-set-up",
            "Nothing is set up for messaging yet: the account has no messaging application "
            "and no numbers.",
            "Run `bw-wizard` (or `bw-wizard apply`) to set it up.",
        )
