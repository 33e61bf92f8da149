"""The benchmark scripts still run, in a tiny mode, and still prove what they must prove.

Only structure and correctness are asserted (nothing lost or duplicated, request counts that
add up, every run finished); never a time or a ratio, which depend on the machine. The figures
themselves come from `make bench`.
"""

from __future__ import annotations

import math

import pytest

from benchmarks import headless_flow, order_completion, receiver, startup, status
from benchmarks.common import Result, bench_dirs, report

pytestmark = pytest.mark.timeout(90)


def _well_formed(result: Result) -> None:
    assert result.wizard.values
    assert all(math.isfinite(v) and v >= 0 for v in result.wizard.values)
    if result.baseline is not None:
        assert all(math.isfinite(v) and v > 0 for v in result.baseline.values)
        assert result.ratio is not None and result.ratio > 0
    assert result.title in report([result])


def test_startup_reaches_the_first_screen_in_fresh_processes() -> None:
    [result] = startup.run(1, warmup=0, profile=False)
    _well_formed(result)
    assert result.checks["fallback"] is False, result.notes
    assert result.checks["failures"] == []
    assert result.checks["pairs"] == 1
    assert "?" not in result.checks["screens"]


def test_the_screens_only_diagnostic_starts_with_nothing_to_start() -> None:
    with bench_dirs("smoke") as dirs:
        run = startup.spawn("screens", dirs)
    assert run.ok, run.error
    assert run.screen == "WelcomeScreen"
    assert {"imported", "first_screen", "ready", "idle", "exited_app"} <= run.marks.keys()


def test_headless_flow_sends_the_scripts_requests_plus_order_polls() -> None:
    [result] = headless_flow.run(1, warmup=0, want_profile=False)
    _well_formed(result)
    checks = result.checks
    assert checks["problems"] == []
    assert checks["mismatches"] == []
    assert checks["counts_equal"] is True
    assert checks["wrong_state"] == []
    polls = checks["wizard_polls"]
    assert all(p >= 1 for p in polls)
    assert checks["wizard_requests"] == [
        s + p for s, p in zip(checks["script_requests"], polls, strict=True)
    ]


def test_receiver_burst_loses_and_duplicates_nothing() -> None:
    results = receiver.run(1, events=200, warmup=0, no_fsync_runs=1)
    assert [r.key for r in results] == ["receiver", "receiver_no_fsync"]
    for result in results:
        _well_formed(result)
    checks = results[0].checks
    assert checks["not_acknowledged_runs"] == []
    assert checks["acknowledged"] == [200, 200, 200]
    assert checks["logged"] == [200, 200]
    assert checks["lost"] == 0
    assert checks["duplicated"] == 0


def test_order_completion_is_reported_after_the_sandbox_completes_it() -> None:
    [result] = order_completion.run((0.3,))
    _well_formed(result)
    assert result.checks["statuses"] == ["COMPLETE"]
    assert all(lag >= 0 for lag in result.checks["lags"])
    assert result.details and "0.3 s" in result.details[0]


def test_status_reads_a_seeded_account_with_the_fewest_requests_on_both_sides() -> None:
    [result] = status.run(1, warmup=0, shape=status.SMALL)
    _well_formed(result)
    checks = result.checks
    assert checks["problems"] == []
    assert checks["wizard_requests"] == [checks["minimum"]]
    assert checks["script_requests"] == [checks["minimum"]]
    findings = checks["findings"]
    assert findings["numbers"] == status.SMALL["numbers"]
    assert findings["locations"] == status.SMALL["locations"]
    assert findings["applications"] == status.SMALL["applications"]
    assert findings["requests_counted"] == checks["minimum"]
    assert checks["peak_mb"] > 0
