"""What every benchmark shares: alternating runs, statistics, isolation and the result table.

Baseline and wizard runs alternate inside one process invocation (ABBA order, after a warm-up
pair), so a machine that gets slower or faster during the run shifts both sides alike instead of
whichever happened to run last. Medians are what the ratios use; min-max shows the spread.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import statistics
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
"""The repository root (benchmarks/ lives directly under it)."""

MIN_PAIRS = 5
"""The issue asks for at least five baseline/wizard pairs per benchmark in a full run."""

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Stats:
    """A handful of measurements of one side."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        if not values:
            raise ValueError("no measurements")
        return cls(tuple(float(v) for v in values))

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def show(self, unit: str) -> str:
        """'412 ms (398-431 ms)', '2,310 ev/s (2,250-2,400 ev/s)', '331 ms (9.6 ms-2.14 s)'."""
        low, high = fmt(self.min, unit), fmt(self.max, unit)
        if low.split(" ")[-1] == high.split(" ")[-1]:
            low = fmt(self.min, unit, bare=True)
        return f"{fmt(self.median, unit)} ({low}-{high})"


def fmt(value: float, unit: str, *, bare: bool = False) -> str:
    """A number in its unit, with milliseconds for short times; `bare` drops the unit."""
    if unit == "s":
        if abs(value) >= 1.0:
            text, shown = f"{value:.2f}", "s"
        elif abs(value) >= 0.01:
            text, shown = f"{value * 1000:.0f}", "ms"
        else:
            text, shown = f"{value * 1000:.1f}", "ms"
    elif unit == "ev/s":
        text, shown = f"{value:,.0f}", "ev/s"
    else:
        text, shown = f"{value:.3g}", unit
    return text if bare else f"{text} {shown}"


@dataclass
class Result:
    """One row of the table, plus what is printed under it."""

    key: str
    title: str
    metric: str
    unit: str
    wizard: Stats
    baseline: Stats | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    notes: list[str] = field(default_factory=list)
    """Short sentences printed under the table (why a target was missed, caveats)."""
    details: list[str] = field(default_factory=list)
    """Blocks printed after the notes: per-run tables, profiles."""
    checks: dict[str, Any] = field(default_factory=dict)
    """Correctness facts (events lost, request counts...) the smoke test asserts on."""

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "-"
        return "met" if self.met else "MISSED"


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.inf


def alternate(
    pairs: int,
    baseline: Callable[[], T],
    wizard: Callable[[], U],
    *,
    warmup: int = 1,
) -> tuple[list[T], list[U]]:
    """Run both sides `pairs` times, alternating (ABBA...), after `warmup` discarded pairs.

    Warm-up pairs fill the OS page cache and Python's bytecode cache, so the first measured
    run is not charged for compiling modules nobody compiles twice.
    """
    base_runs, wizard_runs = interleave(pairs, [baseline, wizard], warmup=warmup)
    return base_runs, wizard_runs  # type: ignore[return-value]


def interleave(
    rounds: int, sides: Sequence[Callable[[], Any]], *, warmup: int = 1
) -> list[list[Any]]:
    """Each side once per round, the order reversed every other round; warm-up rounds first."""
    for _ in range(warmup):
        for side in sides:
            side()
    runs: list[list[Any]] = [[] for _ in sides]
    for index in range(rounds):
        order = list(range(len(sides)))
        if index % 2:
            order.reverse()
        for position in order:
            runs[position].append(sides[position]())
    return runs


# -- isolation ------------------------------------------------------------------------------------


@contextlib.contextmanager
def scoped_env(**values: str | None) -> Iterator[None]:
    """Set (or, with None, remove) environment variables, and put them back afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass(frozen=True)
class BenchDirs:
    root: Path
    config: Path
    state: Path
    data: Path

    def env(self) -> dict[str, str]:
        return {
            "BW_WIZARD_CONFIG_DIR": str(self.config),
            "BW_WIZARD_STATE_DIR": str(self.state),
            "BW_WIZARD_DATA_DIR": str(self.data),
            "BW_WIZARD_KEYRING_SERVICE": f"bw-wizard-bench-{uuid.uuid4().hex[:12]}",
        }


@contextlib.contextmanager
def bench_dirs(prefix: str) -> Iterator[BenchDirs]:
    """Fresh config/state/data dirs, so a benchmark never touches the developer's own files.

    Kept on the same disk as the developer's data (not a tmpfs) when possible, because the
    wizard fsyncs what it writes and a RAM disk would flatter it.
    """
    base = Path(os.environ.get("BW_BENCH_TMP") or tempfile.gettempdir())
    root = Path(tempfile.mkdtemp(prefix=f"bw-bench-{prefix}-", dir=base))
    dirs = BenchDirs(root, root / "config", root / "state", root / "data")
    try:
        yield dirs
    finally:
        shutil.rmtree(root, ignore_errors=True)


def clean_env(dirs: BenchDirs) -> dict[str, str]:
    """os.environ without any BW_ setting of the developer's, pointed at `dirs`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BW_")}
    env.update(dirs.env())
    return env


@contextlib.contextmanager
def isolated_process_env(dirs: BenchDirs, **extra: str) -> Iterator[None]:
    """This process's BW_ variables replaced by `dirs` (+ `extra`) for the duration."""
    removed = {k: None for k in os.environ if k.startswith("BW_")}
    with scoped_env(**removed), scoped_env(**dirs.env(), **extra):
        yield


# -- the table ------------------------------------------------------------------------------------


def table(results: Sequence[Result]) -> str:
    """The results as a Markdown table (what `make bench` prints and the README keeps)."""
    header = (
        "| benchmark | metric | baseline median (min-max) | wizard median (min-max) "
        "| ratio | target | result |"
    )
    lines = [header, "|---|---|---|---|---|---|---|"]
    for result in results:
        base = result.baseline.show(result.unit) if result.baseline else "-"
        shown_ratio = f"{result.ratio:.2f}" if result.ratio is not None else "-"
        lines.append(
            f"| {result.title} | {result.metric} | {base} | {result.wizard.show(result.unit)} "
            f"| {shown_ratio} | {result.target or '-'} | {result.verdict} |"
        )
    return "\n".join(lines)


def report(results: Sequence[Result]) -> str:
    """The table, then each row's notes and details."""
    parts = [table(results)]
    for result in results:
        if not result.notes and not result.details:
            continue
        parts.append(f"\n{result.title}:")
        parts.extend(f"- {note}" for note in result.notes)
        for block in result.details:
            parts.append("\n```\n" + block.rstrip() + "\n```")
    return "\n".join(parts)
