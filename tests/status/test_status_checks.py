"""The judgements status makes, rule by rule: callback URLs, probe answers, number states, the
tally's examples, and how findings become one verdict line each."""

from __future__ import annotations

import random

import pytest

from wizard.bandwidth.campaigns import NumberRegistration
from wizard.bandwidth.verification import TollFreeStatus
from wizard.callbacks.probe import ProbeResult
from wizard.status.checks import (
    callback_url_problem,
    judge_probe,
    local_readiness,
    toll_free_readiness,
)
from wizard.status.report import (
    ApplicationStatus,
    CallbackCheck,
    CredentialStatus,
    LocationStatus,
    NumberTally,
    Readiness,
    Severity,
    StatusReport,
)
from wizard.status.verdicts import build_verdicts


@pytest.mark.parametrize(
    ("url", "local", "category"),
    [
        ("", False, "missing"),
        ("ftp://hooks.acme.com/cb", False, "invalid"),
        ("https://", False, "invalid"),
        ("https://example.com/callbacks", False, "placeholder"),
        ("https://hooks.example.org/cb", True, "placeholder"),
        ("https://hooks.acme-sandbox.test/bandwidth/01", False, "reserved"),
        ("https://printer.local/cb", False, "reserved"),
        ("http://localhost:3000/cb", False, "loopback"),
        ("http://127.0.0.1:8970/callbacks", False, "loopback"),
        ("https://[::1]/cb", False, "loopback"),
        ("http://10.1.2.3/cb", False, "private"),
        ("https://192.168.1.20/cb", False, "private"),
        ("http://hooks.acme.com/cb", False, "http"),
        ("https://hooks.acme.com/cb", False, None),
        ("https://hooks.acme.com:8443/bandwidth?x=1", False, None),
        # Against a sandbox on this machine, loopback and plain http are how its receiver runs.
        ("http://localhost:3000/cb", True, None),
        ("http://127.0.0.1:8970/callbacks", True, None),
        ("http://hooks.acme.com/cb", True, None),
    ],
)
def test_callback_url_problems(url: str, local: bool, category: str | None) -> None:
    problem = callback_url_problem(url, api_is_local=local)
    assert (problem.category if problem else None) == category
    if problem is not None:
        assert problem.sentence


def _probe(**fields: object) -> ProbeResult:
    values: dict[str, object] = {"url": "https://hooks.acme.com/cb", "seconds": 0.05}
    values.update(fields)
    return ProbeResult(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("result", "user", "ok", "category", "serious"),
    [
        (_probe(status=401, challenge="Basic"), "u", True, "ok", True),
        (_probe(status=401, challenge="Basic"), None, False, "no-credentials", True),
        (_probe(status=401, challenge="Bearer"), "u", False, "no-challenge", True),
        (_probe(status=401), "u", False, "no-challenge", True),
        (_probe(status=200), None, True, "ok", True),
        (_probe(status=204), "u", False, "open", False),
        (_probe(status=302, location="https://x/cb"), "u", False, "redirect", True),
        (_probe(status=500), "u", False, "status", True),
        (_probe(status=404), None, False, "status", True),
        (_probe(status=200, seconds=12.5), None, False, "slow", True),
        (
            _probe(seconds=None, error="no answer within 10 s", timed_out=True),
            "u",
            False,
            "timeout",
            True,
        ),
        (
            _probe(seconds=None, error="the connection was refused"),
            None,
            False,
            "unreachable",
            True,
        ),
    ],
)
def test_probe_answers_judged_for_the_application(
    result: ProbeResult, user: str | None, ok: bool, category: str, serious: bool
) -> None:
    judged = judge_probe(result, user=user)
    assert (judged.ok, judged.category, judged.serious) == (ok, category, serious)
    assert (judged.message is None) == ok and (judged.fix is None) == ok


@pytest.mark.parametrize(
    ("status", "campaign_status", "expected"),
    [
        (None, None, Readiness.NO_CAMPAIGN),
        ("SUCCESS", "REGISTERED", Readiness.READY),
        ("PROCESSING", "REGISTERED", Readiness.PENDING_CAMPAIGN),
        ("SUCCESS", "EXPIRED", Readiness.CAMPAIGN_NOT_REGISTERED),
        ("FAILURE", "REGISTERED", Readiness.CAMPAIGN_FAILED),
        ("SUCCESS", None, Readiness.READY),
    ],
)
def test_local_readiness(
    status: str | None, campaign_status: str | None, expected: Readiness
) -> None:
    registration = None if status is None else NumberRegistration("+19195550100", status, "CA1B2C3")
    assert local_readiness(registration, campaign_status) is expected


def test_toll_free_readiness() -> None:
    number = "+18335550100"
    assert toll_free_readiness(None) == (Readiness.NOT_VERIFIED, "")
    assert toll_free_readiness(TollFreeStatus(number, "VERIFIED"))[0] is Readiness.READY
    assert toll_free_readiness(TollFreeStatus(number, "PENDING"))[0] is (
        Readiness.PENDING_VERIFICATION
    )
    assert toll_free_readiness(TollFreeStatus(number, "UNVERIFIED"))[0] is Readiness.NOT_VERIFIED
    declined = TollFreeStatus(
        number, "UNVERIFIED", decline_reason="Gambling", denial_status_code=511
    )
    assert toll_free_readiness(declined) == (Readiness.DECLINED, "Gambling")
    blocked = TollFreeStatus(number, "VERIFIED", blocked=True, blocked_reason="spam")
    assert toll_free_readiness(blocked) == (Readiness.BLOCKED, "spam")


def test_examples_are_the_lowest_numbers_whatever_order_they_come_in() -> None:
    numbers = [f"+1919555{n:04d}" for n in range(40)]
    tallies = []
    for seed in (1, 2):
        shuffled = numbers[:]
        random.Random(seed).shuffle(shuffled)
        tally = NumberTally()
        for number in shuffled:
            tally.add(number, Readiness.NO_CAMPAIGN, kind="local", note=f"why {number}")
        tallies.append(tally)
    first, second = tallies
    assert first.examples == second.examples == {"no-campaign": numbers[:3]}
    assert first.note(Readiness.NO_CAMPAIGN) == f"why {numbers[0]}"
    merged = NumberTally()
    merged.merge(first)
    other = NumberTally()
    other.add("+19195540000", Readiness.NO_CAMPAIGN, kind="local")
    merged.merge(other)
    assert merged.examples["no-campaign"] == ["+19195540000", *numbers[:2]]
    assert merged.total == 41 and merged.local == 41 and merged.not_ready == 41


# -- verdicts ----------------------------------------------------------------------------------


def _report(numbers: int, apps: int = 1) -> StatusReport:
    credential = CredentialStatus("client", ("9900000",), (), {"messaging": True})
    report = StatusReport("9900000", credential)
    location = LocationStatus("10001", "site", "500101", "Main", sms=True, mms=True)
    for index in range(numbers):
        location.numbers.add(f"+1919555{index:04d}", Readiness.NO_CAMPAIGN, kind="local")
    location.application_id = "app-0"
    report.locations = [location]
    report.numbers.merge(location.numbers)
    for index in range(apps):
        app = ApplicationStatus(f"app-{index}", f"App {index}", "Messaging-V2")
        app.linked_locations = 1 if index == 0 else 0
        url = f"https://example.com/{index}"
        app.callbacks = [CallbackCheck(url, "all", None, "placeholder", f"{url} is bad", "fix")]
        report.applications.append(app)
    return report


def test_one_number_or_many_read_right() -> None:
    (one,) = [
        v
        for v in build_verdicts(_report(1), denied={}, failures={})
        if v.kind == "numbers-no-campaign"
    ]
    assert one.message.startswith("1 local number (e.g. +1 919-555-0000) on 1 location is on no")
    (many,) = [
        v
        for v in build_verdicts(_report(1200), denied={}, failures={})
        if v.kind == "numbers-no-campaign"
    ]
    assert many.message.startswith("1,200 local numbers (e.g. +1 919-555-0000, ")
    assert " are on no 10DLC campaign" in many.message
    assert many.subjects == ("500101",) and many.severity is Severity.PROBLEM


def test_a_bad_callback_is_a_problem_only_where_a_location_uses_the_application() -> None:
    verdicts = build_verdicts(_report(1, apps=3), denied={}, failures={})
    by = {(v.kind, v.severity): v for v in verdicts}
    linked = by[("callback-placeholder", Severity.PROBLEM)]
    assert linked.subjects == ("app-0",)
    assert linked.message.startswith("Application “App 0” (app-0): https://example.com/0")
    unlinked = by[("callback-placeholder", Severity.WARNING)]
    assert unlinked.subjects == ("app-1", "app-2")
    assert unlinked.message.startswith("2 unlinked applications have a placeholder callback URL")
    assert by[("application-unlinked", Severity.WARNING)].subjects == ("app-1", "app-2")
    # Problems come first, then warnings.
    severities = [v.severity for v in verdicts]
    assert severities == sorted(severities, key=lambda s: s is Severity.WARNING)


def test_a_refused_read_is_a_problem_naming_the_role() -> None:
    verdicts = build_verdicts(_report(0, apps=0), denied={"campaigns": object()}, failures={})
    (refused,) = [v for v in verdicts if v.kind == "cannot-check-campaigns"]
    assert "Campaign Management role" in refused.message and "administrator" in refused.fix
    failed = build_verdicts(
        _report(0, apps=0), denied={}, failures={"numbers": ["boom (location 1)", "boom"]}
    )
    (read,) = [v for v in failed if v.kind == "read-failed-numbers"]
    assert "2 reads failed (boom (location 1))" in read.message
