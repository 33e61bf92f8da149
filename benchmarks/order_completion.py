"""4. Order completion: from the sandbox marking an order COMPLETE to the engine reporting it.

The engine is built the way `apply` builds it (`wizard.session.connection.build_engine`, the default
`PollSchedule`: 0.5 s, then x1.5 up to 5 s) and runs the steps up to "wait for order" against a
`SandboxThread` in this process. Each run uses a different order delay, so completion falls at a
different point of the polling schedule. The sandbox completes an order at creation +
order_delay (its own monotonic clock, which is this process's); the engine reports it when it
emits OrderStatusChanged(COMPLETE). The lag between the two must be at most the poll interval
that was running when the order completed.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

from benchmarks.common import Result, Stats, bench_dirs, isolated_process_env

DELAYS = (0.5, 1.0, 2.0, 3.0, 4.5, 0.3)
"""`apply --sandbox`'s default (0.5), the TUI's (3.0), and points in between the polls."""


@dataclass
class CompletionRun:
    delay: float
    completed_at: float
    """Seconds after the order's creation at which the sandbox marks it COMPLETE."""
    reported_at: float
    """Seconds after the order's creation at which the engine reported COMPLETE."""
    interval: float
    """The poll interval running when the order completed (0 if the first poll saw it)."""
    polls: int
    status: str

    @property
    def lag(self) -> float:
        return self.reported_at - self.completed_at

    @property
    def met(self) -> bool:
        return self.status == "COMPLETE" and self.lag <= self.interval


async def _one(sandbox: Any, delay: float) -> CompletionRun:
    from wizard.engine.book import MemoryProgress
    from wizard.engine.events import OrderPolled, OrderStatusChanged
    from wizard.engine.inputs import SetupInputs
    from wizard.engine.step import StepId
    from wizard.session.connection import build_engine
    from wizard.session.sandbox import sandbox_connection

    async with httpx.AsyncClient(base_url=sandbox.base_url, trust_env=False) as control:
        (await control.post("/_sandbox/reset")).raise_for_status()
        (await control.post("/_sandbox/config", json={"order_delay": delay})).raise_for_status()

    seen: list[tuple[float, Any]] = []

    def sink(event: Any) -> None:
        if isinstance(event, OrderPolled | OrderStatusChanged):
            seen.append((time.monotonic(), event))

    conn, secrets = sandbox_connection(sandbox.base_url, sandbox.config.identity)
    engine, clients = build_engine(conn, secrets, MemoryProgress(), on_event=sink)
    inputs = SetupInputs(
        site_id=sandbox.config.identity.site_id,
        callback_url="http://127.0.0.1:9/callbacks",
        area_code="919",
        order_timeout=60.0,
    )
    try:
        results = await engine.run_all(inputs, until=StepId.WAIT_ORDER)
    finally:
        await clients.aclose()
    order_id = results[StepId.ORDER]["order_id"]
    order = sandbox.state.orders[order_id]
    created = order.created_mono
    completed = created + order.delay
    reported = next(
        (t for t, e in seen if isinstance(e, OrderStatusChanged) and e.status == "COMPLETE"),
        None,
    )
    polls = [(t, e) for t, e in seen if isinstance(e, OrderPolled)]
    # The interval in effect: the wait announced by the last poll that still saw it unfinished.
    before = [e.next_poll or 0.0 for t, e in polls if t < completed and e.status != "COMPLETE"]
    return CompletionRun(
        delay=delay,
        completed_at=completed - created,
        reported_at=(reported if reported is not None else time.monotonic()) - created,
        interval=before[-1] if before else 0.0,
        polls=len(polls),
        status=polls[-1][1].status if polls else "?",
    )


def run(delays: tuple[float, ...] = DELAYS) -> list[Result]:
    from wizard.sandbox.server import SandboxConfig, SandboxThread

    config = SandboxConfig(port=0, delivery_delay=60.0, callback_retry_initial=60.0)
    with bench_dirs("order") as dirs, isolated_process_env(dirs), SandboxThread(config) as sandbox:
        runs = [asyncio.run(_one(sandbox, delay)) for delay in delays]
    lags = Stats.of([r.lag for r in runs])
    worst = max(runs, key=lambda r: r.lag / r.interval if r.interval else 0.0)
    worst_ratio = worst.lag / worst.interval if worst.interval else 0.0
    result = Result(
        key="order_completion",
        title="4. Order completion",
        metric="lag from the sandbox's COMPLETE to OrderStatusChanged(COMPLETE), default polls",
        unit="s",
        wizard=lags,
        ratio=worst_ratio,
        target="lag <= poll interval, every run",
        met=all(r.met for r in runs),
        checks={
            "runs": len(runs),
            "statuses": [r.status for r in runs],
            "lags": [r.lag for r in runs],
            "intervals": [r.interval for r in runs],
        },
    )
    result.notes.append(
        "The ratio column is the worst run's lag divided by the poll interval it fell in."
    )
    rows = [
        "order delay  completed  reported   lag      poll interval  polls  lag <= interval",
    ]
    for r in runs:
        rows.append(
            f"{r.delay:>8.1f} s  {r.completed_at:>7.3f} s  {r.reported_at:>6.3f} s  "
            f"{r.lag * 1000:>5.0f} ms  {r.interval:>10.3f} s  {r.polls:>5}  "
            f"{'yes' if r.met else 'NO'}"
        )
    result.details.append("\n".join(rows))
    missed = [r for r in runs if not r.met]
    if missed:
        result.notes.append(
            f"Missed in {len(missed)} run(s): the engine reported the order more than one poll "
            "interval after it completed (see the per-run table)."
        )
    return [result]


if __name__ == "__main__":
    from benchmarks.common import report

    print(report(run()))
