"""The fault matrix's table: filled in by the cells as they run, printed once at the end.

Kept apart from the test module so the root conftest's terminal-summary hook can print it
without importing (and so re-collecting) the tests. With pytest-xdist the cells run in the
workers: each hands its part over (`export`) and the controller joins them (`merge`).
"""

from __future__ import annotations

RESULTS: dict[tuple[str, str], str] = {}
"""(route, fault) -> "recovered, rerun ok" or "stopped: <kind>, rerun ok"."""

ROUTE_ORDER: list[str] = []
FAULT_ORDER: list[str] = []


def export() -> dict[str, list]:
    """This process's cells, in a form xdist can carry from a worker to the controller."""
    return {
        "results": [[route, fault, outcome] for (route, fault), outcome in RESULTS.items()],
        "routes": list(ROUTE_ORDER),
        "faults": list(FAULT_ORDER),
    }


def merge(part: dict[str, list] | None) -> None:
    """Add a worker's cells (see `export`) to this process's table."""
    if not part:
        return
    for route, fault, outcome in part["results"]:
        RESULTS[(route, fault)] = outcome
    for mine, theirs in ((ROUTE_ORDER, part["routes"]), (FAULT_ORDER, part["faults"])):
        if not mine:
            mine[:] = theirs


def table() -> list[str]:
    """The matrix as text lines: one row per route, one column per fault."""
    if not RESULTS:
        return []
    faults = [f for f in FAULT_ORDER if any(key[1] == f for key in RESULTS)]
    routes = [r for r in ROUTE_ORDER if any(key[0] == r for key in RESULTS)]
    cells = {key: _short(value) for key, value in RESULTS.items()}
    first = max(len(r) for r in routes)
    widths = [max(len(f), *(len(cells.get((r, f), "-")) for r in routes)) for f in faults]
    lines = [
        "  ".join([" " * first, *(f.ljust(w) for f, w in zip(faults, widths, strict=True))]),
    ]
    for route in routes:
        row = [cells.get((route, f), "-").ljust(w) for f, w in zip(faults, widths, strict=True)]
        lines.append("  ".join([route.ljust(first), *row]))
    lines.append(
        "(recovered: retried and finished in the same run; stopped: <kind>: the step failed with"
        " that kind and a hint; every cell then reran to the end with one application, one"
        " location, one order; lost: the request was carried out and its answer dropped, asked"
        " of creates only; -: not a cell)"
    )
    return lines


def _short(outcome: str) -> str:
    return outcome.removesuffix(", rerun ok").replace("stopped: ", "stop:")
