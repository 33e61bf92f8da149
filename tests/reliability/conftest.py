"""Prints the fault matrix after the run (also without -s), when any of its cells ran."""

from __future__ import annotations

from tests.reliability import matrix


def pytest_terminal_summary(terminalreporter) -> None:
    lines = matrix.table()
    if not lines:
        return
    terminalreporter.section("fault matrix (route x fault -> outcome, then rerun)")
    for line in lines:
        terminalreporter.write_line(line)
