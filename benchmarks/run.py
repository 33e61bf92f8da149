"""`make bench`: run the five benchmarks, print one table, keep it in benchmarks/README.md.

    .venv/bin/python benchmarks/run.py              # all five, >= 5 pairs each (~3-4 minutes)
    .venv/bin/python benchmarks/run.py --only startup receiver
    .venv/bin/python benchmarks/run.py --quick      # 1 pair, small bursts; README untouched

Targets are reported, never asserted: the exit code is 0 when every benchmark ran, whatever
its figures, and 1 when one of them could not run at all.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import (  # noqa: E402
    headless_flow,
    order_completion,
    receiver,
    startup,
    status,
)
from benchmarks.common import MIN_PAIRS, Result, report  # noqa: E402

README = Path(__file__).with_name("README.md")
START_MARK = "<!-- latest-run:start -->"
END_MARK = "<!-- latest-run:end -->"


def plans(quick: bool) -> dict[str, Callable[[], list[Result]]]:
    if quick:
        return {
            "startup": lambda: startup.run(1, warmup=0, profile=False),
            "headless_flow": lambda: headless_flow.run(1, warmup=0, want_profile=False),
            "receiver": lambda: receiver.run(1, events=500, warmup=0, no_fsync_runs=1),
            "order_completion": lambda: order_completion.run((0.3,)),
            "status": lambda: status.run(1, warmup=0, shape=status.SMALL),
        }
    return {
        "startup": lambda: startup.run(MIN_PAIRS),
        "headless_flow": lambda: headless_flow.run(7),
        "receiver": lambda: receiver.run(MIN_PAIRS),
        "order_completion": lambda: order_completion.run(),
        "status": lambda: status.run(),
    }


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}"


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {platform.python_version()}"]
    for name in ("textual", "httpx", "uvicorn", "starlette"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            continue
    return ", ".join(parts)


def latest_section(text: str, seconds: float) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{START_MARK}\n"
        f"{stamp} - {machine()} - {versions()} - `make bench` took {seconds:.0f} s.\n\n"
        f"{text.rstrip()}\n"
        f"{END_MARK}"
    )


def write_readme(section: str) -> None:
    if not README.exists():
        return
    text = README.read_text()
    pattern = re.compile(re.escape(START_MARK) + r".*?" + re.escape(END_MARK), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip() + "\n\n## Latest run\n\n" + section + "\n"
    README.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 pair each; README untouched")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--no-readme", action="store_true", help="do not update README.md")
    args = parser.parse_args(argv)
    todo = plans(args.quick)
    if args.only:
        unknown = sorted(set(args.only) - set(todo))
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {list(todo)}")
        todo = {name: plan for name, plan in todo.items() if name in args.only}
    started = time.perf_counter()
    results: list[Result] = []
    failed: list[str] = []
    for name, plan in todo.items():
        print(f"running {name}...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        try:
            results.extend(plan())
        except Exception:
            failed.append(name)
            print(f"{name} could not run:\n{traceback.format_exc()}", file=sys.stderr)
        print(f"  {name}: {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    text = report(results) if results else "(no results)"
    if failed:
        text += f"\n\nCould not run: {', '.join(failed)}."
    print(f"\nbw-wizard benchmarks - {machine()} - {versions()}\n")
    print(text)
    print(f"\n({seconds:.0f} s)")
    if not args.quick and not args.no_readme and not args.only and results:
        write_readme(latest_section(text, seconds))
        print(f"Table written to {README.relative_to(ROOT)}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
