"""1. Start-up: a whole process, from exec to the first screen ready and idle, then exit.

Baseline: a bare Textual app with a Header, an Input and a Footer. Wizard: `bw-wizard --sandbox`
minus the human (the same parser, context and App, run headless; ready means the in-process
sandbox is up and the Welcome screen's Start button is enabled). Each run is a fresh
subprocess; `startup_child.py` is the program both sides run.

When the ratio misses its target, the profile that shows why is printed: where the wizard's
process spends its time (phases) and the modules it imports that the bare app does not
(`python -X importtime`), heaviest first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import (
    MIN_PAIRS,
    BenchDirs,
    Result,
    Stats,
    alternate,
    bench_dirs,
    clean_env,
    fmt,
    ratio,
)

CHILD = Path(__file__).with_name("startup_child.py")
TARGET = 1.3
CHILD_TIMEOUT = 60.0
SCREENS_RUNS = 3
"""Runs of the screens-only diagnostic (printed when the target is missed)."""
PHASES = (
    ("interpreter", "started"),
    ("imports + App built", "imported"),
    ("run -> first screen (start-up worker too)", "first_screen"),
    ("first screen -> ready", "ready"),
    ("ready -> idle (layout, render)", "idle"),
    ("App exit (on_unmount, shutdown)", "exited_app"),
)


@dataclass
class StartupRun:
    seconds: float
    """Process wall time, from spawn to exit."""
    marks: dict[str, float] = field(default_factory=dict)
    """Seconds after spawn at which each phase ended."""
    ok: bool = True
    error: str | None = None
    screen: str | None = None


def child_env(dirs: BenchDirs) -> dict[str, str]:
    """The children's environment: `clean_env`, with a bytecode cache of their own.

    A shell with PYTHONDONTWRITEBYTECODE=1 (some dev and CI setups) would otherwise make every
    run compile each module that has no .pyc yet from source: the wizard's own modules paid
    that on every run while Textual's came precompiled from pip. With PYTHONPYCACHEPREFIX
    both sides compile everything once, in the warm-up pair, into the benchmark's temp dir,
    and load bytecode afterwards, as an installed program does; the tree is left untouched.
    """
    env = clean_env(dirs)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(dirs.root / "pycache")
    return env


def spawn(side: str, dirs: BenchDirs, *, extra_args: tuple[str, ...] = ()) -> StartupRun:
    """One fresh process of `side`; its wall time and phase marks."""
    command = [sys.executable, *extra_args, str(CHILD), side]
    env = child_env(dirs)
    wall0 = time.time()
    start = time.perf_counter()
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=env,
        cwd=dirs.root,
        check=False,
    )
    seconds = time.perf_counter() - start
    line = next(
        (line for line in reversed(proc.stdout.splitlines()) if line.startswith("BENCH ")), None
    )
    if proc.returncode != 0 or line is None:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return StartupRun(seconds, ok=False, error=f"exit {proc.returncode}: {tail}")
    data: dict[str, Any] = json.loads(line.removeprefix("BENCH "))
    marks = {
        name: float(value) - wall0
        for name, value in data.items()
        if isinstance(value, float) and name not in ("ready_ok",)
    }
    marks["process_exit"] = seconds
    error = data.get("error")
    ok = data.get("ready_ok", True) is True and not error
    return StartupRun(seconds, marks, ok=ok, error=error, screen=data.get("screen"))


def spawn_help(dirs: BenchDirs, code: str | None = None) -> StartupRun:
    """Fallback when the screens cannot start: `python -m wizard --help` (or `-c code`)."""
    start = time.perf_counter()
    command = ["-m", "wizard", "--help"] if code is None else ["-c", code]
    proc = subprocess.run(
        [sys.executable, *command],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=child_env(dirs),
        cwd=dirs.root,
        check=False,
    )
    return StartupRun(time.perf_counter() - start, ok=proc.returncode == 0)


def run(pairs: int = MIN_PAIRS, *, warmup: int = 1, profile: bool = True) -> list[Result]:
    with bench_dirs("startup") as dirs:
        base_runs, wizard_runs = alternate(
            pairs, lambda: spawn("bare", dirs), lambda: spawn("wizard", dirs), warmup=warmup
        )
        fallback = not any(r.ok for r in wizard_runs)
        if fallback:
            broken = wizard_runs[0]
            base_runs, wizard_runs = alternate(
                pairs, lambda: spawn("bare", dirs), lambda: spawn_help(dirs), warmup=0
            )
        failures = [r.error for r in [*base_runs, *wizard_runs] if not r.ok]
        base = Stats.of([r.seconds for r in base_runs])
        wiz = Stats.of([r.seconds for r in wizard_runs])
        value = ratio(wiz.median, base.median)
        result = Result(
            key="startup",
            title="1. Start-up",
            metric="process start -> first screen ready and idle -> exit",
            unit="s",
            baseline=base,
            wizard=wiz,
            ratio=value,
            target=f"ratio <= {TARGET}",
            met=value <= TARGET and not failures and not fallback,
            checks={
                "failures": failures,
                "fallback": fallback,
                "screens": sorted({r.screen or "?" for r in wizard_runs}),
                "pairs": len(wizard_runs),
            },
        )
        if fallback:
            result.metric = "`python -m wizard --help` (screens could not start)"
            imports = Stats.of(
                [spawn_help(dirs, "import wizard.tui.app").seconds for _ in range(3)]
            )
            result.notes.append(
                f"The wizard's first screen could not start ({broken.error}); measured "
                "`python -m wizard --help` against the bare app instead. A process importing "
                f"wizard.tui.app takes {imports.show('s')}."
            )
            return [result]
        if failures:
            result.notes.append(f"{len(failures)} run(s) failed: {failures[0]}")
        screens_runs: list[StartupRun] = []
        if not result.met and profile:
            screens_runs = [spawn("screens", dirs) for _ in range(SCREENS_RUNS)]
            screens_runs = [r for r in screens_runs if r.ok]
        result.details.append(phase_table(base_runs, wizard_runs, screens_runs))
        if not result.met:
            result.notes.append(
                f"Missed: the wizard takes {value:.2f}x the bare app's time. The phases show "
                "where the time goes; the import profile shows what the first screen loads "
                "that the bare app does not."
            )
            if screens_runs:
                screens = Stats.of([r.seconds for r in screens_runs]).median
                result.checks["screens_only_s"] = screens
                result.notes.append(
                    f"Screens only (diagnostic: the same App and Welcome screen over a context "
                    f"with nothing to start, {len(screens_runs)} runs): {fmt(screens, 's')}, "
                    f"{ratio(screens, base.median):.2f}x the bare app. Of the "
                    f"{fmt(wiz.median - base.median, 's')} the wizard takes over the bare app, "
                    f"{fmt(screens - base.median, 's')} is the first screen itself (its "
                    "modules, Textual compose, styles, layout and render) and "
                    f"{fmt(wiz.median - screens, 's')} the start-up work (in-process sandbox, "
                    "callback receiver, engine)."
                )
            if profile:
                result.details.append(import_profile(dirs))
        return [result]


def phase_table(
    base_runs: list[StartupRun],
    wizard_runs: list[StartupRun],
    screens_runs: list[StartupRun] | None = None,
) -> str:
    """Median time spent in each phase, both sides (seconds after spawn -> phase lengths),
    plus the screens-only diagnostic when it ran."""

    def lengths(runs: list[StartupRun]) -> list[float]:
        out: list[float] = []
        for _, key in [*PHASES, ("process exit", "process_exit")]:
            values = [r.marks.get(key) for r in runs if r.ok]
            out.append(Stats.of([v for v in values if v is not None]).median if values else 0.0)
        return [b - a for a, b in zip([0.0, *out[:-1]], out, strict=True)]

    names = [name for name, _ in PHASES] + ["process teardown"]
    base, wiz = lengths(base_runs), lengths(wizard_runs)
    screens = lengths(screens_runs) if screens_runs else None
    head = f"{'phase (median ms)':<42} {'bare':>6}   {'wizard':>6}  {'extra':>6}"
    rows = [head + (f"   {'screens only':>12}" if screens else "")]
    for index, (name, b, w) in enumerate(zip(names, base, wiz, strict=True)):
        row = f"{name:<42} {b * 1000:6.0f}   {w * 1000:6.0f}  {(w - b) * 1000:+6.0f}"
        if screens:
            row += f"   {screens[index] * 1000:12.0f}"
        rows.append(row)
    total = f"{'total':<42} {sum(base) * 1000:6.0f}   {sum(wiz) * 1000:6.0f}"
    if screens:
        total += f"  {'':>6}   {sum(screens) * 1000:12.0f}"
    rows.append(total)
    return "\n".join(rows)


def _importtime(side: str, dirs: BenchDirs) -> dict[str, tuple[int, int, int]]:
    """module -> (self us, cumulative us, depth), from `python -X importtime`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", str(CHILD), side],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=child_env(dirs),
        cwd=dirs.root,
        check=False,
    )
    modules: dict[str, tuple[int, int, int]] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        try:
            own, cumulative, name = line.split(":", 1)[1].split("|")
            depth = (len(name) - len(name.lstrip(" "))) // 2
            modules.setdefault(name.strip(), (int(own), int(cumulative), depth))
        except ValueError:
            continue
    return modules


def import_profile(dirs: BenchDirs, top: int = 15) -> str:
    """What the wizard imports that the bare app does not, heaviest first."""
    wizard = _importtime("wizard", dirs)
    bare = _importtime("bare", dirs)
    extra = {name: v for name, v in wizard.items() if name not in bare}
    own_total = sum(v[0] for v in wizard.values()) / 1000
    bare_total = sum(v[0] for v in bare.values()) / 1000
    extra_total = sum(v[0] for v in extra.values()) / 1000
    rows = [
        f"python -X importtime: wizard {own_total:.0f} ms of imports, bare app "
        f"{bare_total:.0f} ms; {len(extra)} modules ({extra_total:.0f} ms) only the wizard loads.",
        "",
        "top wizard-only imports by cumulative time (ms; self ms; depth):",
    ]
    heaviest = sorted(extra.items(), key=lambda item: -item[1][1])[:top]
    for name, (own, cumulative, depth) in heaviest:
        rows.append(f"  {cumulative / 1000:7.1f}  {own / 1000:6.1f}  d{depth}  {name}")
    by_package: Counter[str] = Counter()
    for name, (own, _, _) in extra.items():
        by_package[name.split(".")[0]] += own
    rows.append("")
    rows.append("wizard-only import time by top-level package (self ms):")
    rows.append(
        "  " + ", ".join(f"{pkg} {us / 1000:.0f}" for pkg, us in by_package.most_common(10))
    )
    return "\n".join(rows)


if __name__ == "__main__":
    from benchmarks.common import report

    print(report(run()))
