"""A status report as plain text: a summary per area, the locations, then one line per finding.

Every line is made printable: names and URLs come from the account, and no escape sequence in
them may reach a terminal. Large accounts get the summary and the locations with findings;
`--json` has everything.
"""

from __future__ import annotations

from wizard.core.safe import clip, printable
from wizard.status.report import (
    LocationStatus,
    Readiness,
    StatusReport,
    Verdict,
)

LOCATIONS_LISTED = 20
"""Locations listed one per line; past this, only those with findings (up to the same
number) are."""

CAPABILITY_NAMES = {
    "messaging": "messaging",
    "numbers": "numbers",
    "sub_accounts": "sub-accounts",
    "app_management": "applications",
    "campaign_management": "10DLC campaigns",
    "tfv": "toll-free verification",
}


def _n(count: int) -> str:
    return f"{count:,}"


def numbers_cell(location: LocationStatus) -> str:
    """'50 numbers, 0 ready, 50 not ready' for one location."""
    tally = location.numbers
    if not location.numbers_read:
        return "numbers not read"
    numbers = f"{_n(tally.total)} number{'s' if tally.total != 1 else ''}"
    if tally.total:
        numbers += f", {_n(tally.ready)} ready"
        if tally.pending:
            numbers += f", {_n(tally.pending)} pending"
        if tally.not_ready:
            numbers += f", {_n(tally.not_ready)} not ready"
    return numbers


def yes_no(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def _location_line(location: LocationStatus, app_names: dict[str, str]) -> str:
    app = location.application_id
    app_shown = clip(app_names.get(app, app), 28) if app else "-"
    name = clip(location.name or location.id, 24)
    return (
        f"  {location.id:>8}  {name:<24}  SMS {yes_no(location.sms):<3}  "
        f"MMS {yes_no(location.mms):<3}  app {app_shown:<28}  {numbers_cell(location)}"
    )


def _has_findings(location: LocationStatus) -> bool:
    tally = location.numbers
    return bool(
        tally.not_ready
        or tally.count(Readiness.UNCHECKED)
        or not location.numbers_read
        or (location.sms and not location.application_id and tally.total)
    )


def verdict_lines(verdict: Verdict) -> list[str]:
    mark = "✗" if verdict.severity.value == "problem" else "!"
    return [printable(f"{mark} {verdict.message}"), printable(f"  fix: {verdict.fix}")]


def summary_rows(report: StatusReport) -> list[tuple[str, str]]:
    """(area, what was found) for each area: the text output and the Status screen's table."""
    credential = report.credential
    rows: list[tuple[str, str]] = []
    accounts = ", ".join(credential.accounts) or report.account_id
    can = [CAPABILITY_NAMES.get(k, k) for k, granted in credential.capabilities.items() if granted]
    cannot = [
        CAPABILITY_NAMES.get(k, k) for k, granted in credential.capabilities.items() if not granted
    ]
    rows.append(
        (
            "Credential",
            f"{credential.client_id or '?'}: account(s) {accounts}"
            + ("; a Bandwidth Build trial" if credential.build_trial else "")
            + f"; can: {', '.join(can) or 'nothing'}"
            + (f"; missing: {', '.join(cannot)}" if cannot else ""),
        )
    )
    locations = report.locations
    sms = sum(1 for loc in locations if loc.sms)
    mms = sum(1 for loc in locations if loc.mms)
    linked = sum(1 for loc in locations if loc.application_id)
    rows.append(
        (
            "Sub-accounts",
            f"{_n(len(report.sites))}; locations {_n(len(locations))}: {_n(sms)} with SMS, "
            f"{_n(mms)} with MMS, {_n(linked)} with an application",
        )
    )
    messaging = [app for app in report.applications if app.is_messaging]
    used = sum(1 for app in messaging if app.linked_locations)
    other = len(report.applications) - len(messaging)
    rows.append(
        (
            "Applications",
            f"{_n(len(report.applications))}: {_n(len(messaging))} messaging "
            f"({_n(used)} linked to a location)" + (f", {_n(other)} other" if other else ""),
        )
    )
    tally = report.numbers
    unchecked = tally.count(Readiness.UNCHECKED)
    rows.append(
        (
            "Numbers",
            f"{_n(tally.total)} ({_n(tally.local)} local, {_n(tally.toll_free)} toll-free): "
            f"{_n(tally.ready)} ready to send, {_n(tally.pending)} pending, "
            f"{_n(tally.not_ready)} not ready"
            + (f", {_n(unchecked)} not checked" if unchecked else ""),
        )
    )
    failed = report.failed_messages
    if failed is not None:
        codes = ", ".join(f"{c.code} x{c.count}" for c in failed.codes)
        rows.append(
            (
                "Failed texts",
                f"{_n(failed.total)} in the last {failed.hours:g} h"
                + (f" ({codes})" if codes else ""),
            )
        )
    if messaging:
        checks = [c for app in messaging for c in app.callbacks]
        good = sum(1 for c in checks if c.ok)
        probed = sum(1 for c in checks if c.probe is not None)
        rows.append(
            (
                "Callback URLs",
                f"{_n(len(checks))}: {_n(good)} as Bandwidth needs them; {_n(probed)} probed "
                "(an empty POST without credentials: no message is sent)",
            )
        )
    return [(area, printable(text)) for area, text in rows]


def listed_locations(report: StatusReport) -> tuple[str, list[LocationStatus]]:
    """The locations worth a line, and the heading that says which they are."""
    locations = report.locations
    if len(locations) <= LOCATIONS_LISTED:
        return "Locations", locations
    with_findings = [loc for loc in locations if _has_findings(loc)]
    shown = with_findings[:LOCATIONS_LISTED]
    return (
        f"Locations with findings ({_n(len(shown))} of {_n(len(with_findings))} shown; "
        "--json lists every location)",
        shown,
    )


def totals_line(report: StatusReport, *, seconds: bool = True) -> str:
    problems, warnings = len(report.problems), len(report.warnings)
    line = (
        f"{problems} problem{'s' if problems != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''} (exit {report.exit_code}); "
        f"{_n(report.requests)} requests"
    )
    if report.rate_limited:
        line += f", {report.rate_limited} rate-limited"
    return line + (f" in {report.seconds:.1f} s." if seconds else ".")


def render_text(report: StatusReport, *, sandbox: bool = False) -> list[str]:
    """The report as lines for a terminal (no trailing newlines)."""
    where = " (sandbox)" if sandbox else ""
    lines = [f"bw-wizard status: account {report.account_id}{where}"]
    lines.extend(f"{area:<14}{text}" for area, text in summary_rows(report))
    app_names = {app.id: app.name or app.id for app in report.applications}
    title, shown = listed_locations(report)
    if shown:
        lines.append("")
        lines.append(title + ":")
        lines.extend(printable(_location_line(loc, app_names)) for loc in shown)
    for sentence in report.not_checked:
        lines.append(printable(f"Not checked: {sentence}"))
    lines.append("")
    if not report.verdicts:
        lines.append("✓ Healthy: nothing to fix.")
    for verdict in report.verdicts:
        lines.extend(verdict_lines(verdict))
    lines.append("")
    lines.append(totals_line(report))
    return lines
