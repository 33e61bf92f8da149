"""5. Status on a large account: `bw-wizard status` vs a bare paginated httpx script.

One sandbox process seeded with the large account (10,000 numbers, 200 locations, 50
applications by default) serves both sides. The sandbox runs in a process of its own, as
Bandwidth is a server somewhere else: in this process its work would be charged to whichever
side holds the interpreter lock.

- The wizard side is `wizard.status.run.run_status`, what `bw-wizard status` runs, in this
  interpreter (sign-in, the whole walk, the verdicts, and its callback probes).
- The baseline is the floor for the same reads: one `httpx.AsyncClient` with the same number of
  connections, a semaphore of the same size around every request, every list paginated the
  same way, and no more parsing than deciding the next request needs (regular expressions over
  the XML). It makes the same conditional reads (MMS and the application only where SMS is on,
  a verification lookup only for toll-free numbers that could text).

Both sides' requests are counted by the sandbox itself (`/_sandbox/state`, sign-in and control
routes left out) and compared with the minimum the pagination needs, computed from what the
sandbox holds. Runs alternate (ABBA) after a warm-up pair.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.common import MIN_PAIRS, Result, Stats, alternate, ratio

TARGET = 1.3
CONCURRENCY = 8
LARGE = {"numbers": 10_000, "locations": 200, "applications": 50}
SMALL = {"numbers": 300, "locations": 12, "applications": 6}
"""The smoke test's account: every kind of read, in a second or two."""
START_TIMEOUT = 30.0
CLIENT_ID, CLIENT_SECRET = "sandbox-client", "sandbox-secret"
"""The sandbox's public demo credential."""

LOCATION_PAGE = 5000
REGISTRATION_PAGE = 250
CAMPAIGN_PAGE = 250
FAILED_PAGE = 1000
TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")


# -- the sandbox -------------------------------------------------------------------------------


@contextmanager
def sandbox_process(shape: dict[str, int]) -> Iterator[str]:
    """`python -m wizard.sandbox --port 0` seeded with `shape`; yields its base URL."""
    counts = ",".join(f"{k}={v}" for k, v in shape.items())
    proc = subprocess.Popen(
        [sys.executable, "-m", "wizard.sandbox", "--port", "0", "--large-account", counts],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        base = None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            found = re.search(r"running at (http://\S+)", line)
            if found:
                base = found.group(1).rstrip("/")
                break
        if base is None:
            proc.kill()
            raise RuntimeError(f"the sandbox did not start: {proc.stderr.read()[-300:]}")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def observe(control: httpx.Client) -> dict[str, Any]:
    return control.get("/_sandbox/state").json()


def api_counts(state: dict[str, Any]) -> dict[str, int]:
    """Requests per route, without the sign-in and the control routes."""
    return {
        route: count
        for route, count in state["requests"]["counts"].items()
        if "/_sandbox" not in route and "oauth2" not in route
    }


def minimum_requests(state: dict[str, Any]) -> int:
    """The fewest requests that read what status reads, from what the sandbox holds.

    1 list of sub-accounts, 1 of locations per sub-account, 1 of applications; 10DLC
    campaigns and registered numbers at 250 a page; failed messages at 1,000 a page (at least
    one page each); per location its SMS feature, and MMS plus application settings where SMS
    is on, and its numbers at 5,000 a page (a page shorter than that ends the list, so a full
    one costs one more); one verification lookup per toll-free number on a location whose SMS
    feature allows toll-free.
    """
    sites = len(state["sites"])
    now_registered = len(state.get("campaign_numbers") or [])
    campaigns = len(state.get("campaigns") or [])
    failed = sum(
        1
        for message in state["messages"]
        for result in (message.get("results") or {}).values()
        if result.get("planned") == "failed"
    )
    total = 1 + sites + 1
    total += max(1, math.ceil(campaigns / CAMPAIGN_PAGE))
    total += max(1, math.ceil(now_registered / REGISTRATION_PAGE))
    total += max(1, math.ceil(failed / FAILED_PAGE))
    for location in state["locations"]:
        sms = location.get("sms")
        numbers = location.get("numbers") or []
        total += 1 + (2 if sms else 0)
        total += len(numbers) // LOCATION_PAGE + 1
        if sms and sms.get("toll_free"):
            total += sum(1 for n in numbers if n[-10:][:3] in TOLL_FREE)
    return total


# -- the two sides -----------------------------------------------------------------------------


@dataclass
class StatusRun:
    seconds: float
    requests: int
    ok: bool
    problem: str = ""
    findings: dict[str, Any] = field(default_factory=dict)


class Sides:
    def __init__(self, base: str) -> None:
        self.base = base
        self.api = f"{base}/api/v2"
        self.control = httpx.Client(base_url=base, timeout=30, trust_env=False)
        state = observe(self.control)
        self.account = state["identity"]["account_id"]
        self.minimum = minimum_requests(state)

    def close(self) -> None:
        self.control.close()

    def _measure(self, work: Any) -> StatusRun:
        before = api_counts(observe(self.control))
        started = time.perf_counter()
        problem = ""
        findings: dict[str, Any] = {}
        try:
            findings = work()
        except Exception as error:  # reported in the table, not raised
            problem = f"{type(error).__name__}: {error}"
        seconds = time.perf_counter() - started
        after = api_counts(observe(self.control))
        sent = sum(after.values()) - sum(before.values())
        return StatusRun(seconds, sent, not problem, problem, findings)

    # The wizard: what `bw-wizard status` runs.

    def run_wizard(self) -> StatusRun:
        return self._measure(lambda: asyncio.run(self._wizard()))

    async def _wizard(self) -> dict[str, Any]:
        from wizard.bandwidth.transport import shared_ssl_context
        from wizard.sandbox.config import SandboxConfig
        from wizard.session.sandbox import sandbox_connection
        from wizard.session.session import Session
        from wizard.status.run import run_status

        shared_ssl_context.cache_clear()  # a fresh process builds its TLS context too
        conn, secrets = sandbox_connection(self.base, SandboxConfig().identity)
        session = Session(sandbox=True, conn=conn, secrets=secrets)
        report = await run_status(session, concurrency=CONCURRENCY)
        return {
            "numbers": report.numbers.total,
            "locations": len(report.locations),
            "applications": len(report.applications),
            "toll_free": report.numbers.toll_free,
            "problems": len(report.problems),
            "requests_counted": report.requests,
            "rate_limited": report.rate_limited,
        }

    # The floor: the same reads, bare.

    def run_script(self) -> StatusRun:
        return self._measure(lambda: asyncio.run(self._script()))

    async def _script(self) -> dict[str, Any]:
        token = httpx.post(
            f"{self.base}/api/v1/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(CLIENT_ID, CLIENT_SECRET),
            timeout=30,
            trust_env=False,
        ).json()["access_token"]
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        slots = asyncio.Semaphore(CONCURRENCY)
        account = f"{self.api}/accounts/{self.account}"
        seen = {"numbers": 0, "locations": 0, "toll_free": 0}
        async with httpx.AsyncClient(
            limits=limits,
            timeout=30,
            trust_env=False,
            headers={"Authorization": f"Bearer {token}"},
        ) as client:

            async def get(url: str, **params: Any) -> httpx.Response:
                async with slots:
                    return await client.get(url, params=params or None)

            async def pages_json(url: str, size: int) -> None:
                offset = 0
                while True:
                    rows = (await get(url, limit=size, offset=offset)).json()["data"]
                    offset += len(rows)
                    if len(rows) < size:
                        return

            async def failed() -> None:
                await get(
                    f"{self.api}/users/{self.account}/messages",
                    messageStatus="FAILED",
                    limit=FAILED_PAGE,
                )

            async def location(site: str, peer: str) -> None:
                base = f"{account}/sites/{site}/sippeers/{peer}"
                sms = await get(f"{base}/products/messaging/features/sms")
                toll_free = False
                if sms.status_code == 200:
                    toll_free = "<TollFree>true</TollFree>" in sms.text
                    await asyncio.gather(
                        get(f"{base}/products/messaging/features/mms"),
                        get(f"{base}/products/messaging/applicationSettings"),
                    )
                page = 1
                checks = []
                while True:
                    text = (await get(f"{base}/tns", page=page, size=LOCATION_PAGE)).text
                    numbers = re.findall(r"<FullNumber>(\d+)</FullNumber>", text)
                    seen["numbers"] += len(numbers)
                    if sms.status_code == 200 and toll_free:
                        for number in numbers:
                            if number[:3] in TOLL_FREE:
                                url = f"{account}/phoneNumbers/+1{number}/tollFreeVerification"
                                checks.append(get(url))
                    if len(numbers) < LOCATION_PAGE:
                        break
                    page += 1
                seen["toll_free"] += len(checks)
                await asyncio.gather(*checks)

            async def locations(site: str) -> None:
                text = (await get(f"{account}/sites/{site}/sippeers")).text
                peers = re.findall(r"<PeerId>(\d+)</PeerId>", text)
                seen["locations"] += len(peers)
                await asyncio.gather(*(location(site, peer) for peer in peers))

            async def walk() -> None:
                text = (await get(f"{account}/sites")).text
                sites = re.findall(r"<Id>(\d+)</Id>", text)
                await asyncio.gather(*(locations(site) for site in sites))

            await asyncio.gather(
                walk(),
                get(f"{account}/applications"),
                pages_json(f"{account}/tendlc/campaigns", CAMPAIGN_PAGE),
                pages_json(f"{account}/tendlc/phoneNumbers", REGISTRATION_PAGE),
                failed(),
            )
        return seen


def peak_memory(sides: Sides) -> float:
    """Peak memory Python allocated during one wizard run (MB, tracemalloc)."""
    tracemalloc.start()
    try:
        sides.run_wizard()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def run(
    pairs: int = MIN_PAIRS, *, warmup: int = 1, shape: dict[str, int] | None = None
) -> list[Result]:
    shape = shape or LARGE
    with sandbox_process(shape) as base:
        sides = Sides(base)
        try:
            script_runs, wizard_runs = alternate(
                pairs, sides.run_script, sides.run_wizard, warmup=warmup
            )
            memory = peak_memory(sides)
            minimum = sides.minimum
        finally:
            sides.close()
    problems = [r.problem for r in [*script_runs, *wizard_runs] if not r.ok]
    base_stats = Stats.of([r.seconds for r in script_runs])
    wizard_stats = Stats.of([r.seconds for r in wizard_runs])
    value = ratio(wizard_stats.median, base_stats.median)
    wizard_requests = sorted({r.requests for r in wizard_runs})
    script_requests = sorted({r.requests for r in script_runs})
    at_minimum = wizard_requests == [minimum] and script_requests == [minimum]
    findings = wizard_runs[-1].findings if wizard_runs else {}
    result = Result(
        key="status",
        title="5. Status, large account",
        metric=(
            f"`status` on {shape['numbers']:,} numbers, {shape['locations']} locations, "
            f"{shape['applications']} applications, {CONCURRENCY} in flight (requests: wizard "
            f"{wizard_requests}, script {script_requests}, minimum {minimum})"
        ),
        unit="s",
        baseline=base_stats,
        wizard=wizard_stats,
        ratio=value,
        target=f"ratio <= {TARGET}; requests = minimum",
        met=value <= TARGET and at_minimum and not problems,
        checks={
            "minimum": minimum,
            "wizard_requests": [r.requests for r in wizard_runs],
            "script_requests": [r.requests for r in script_runs],
            "problems": problems,
            "findings": findings,
            "peak_mb": memory,
            "pairs": len(wizard_runs),
        },
    )
    result.notes.append(
        f"Requests counted by the sandbox: wizard {wizard_requests}, script {script_requests}, "
        f"the minimum the pagination needs {minimum} (sign-in not counted)."
    )
    result.notes.append(
        f"The wizard's report: {findings.get('numbers', 0):,} numbers on "
        f"{findings.get('locations', 0)} locations, {findings.get('toll_free', 0)} toll-free, "
        f"{findings.get('applications', 0)} applications, {findings.get('problems', 0)} "
        f"problems; peak Python memory during a run {memory:.1f} MB (tracemalloc)."
    )
    if problems:
        result.notes.append(f"{len(problems)} run(s) failed: {problems[0]}")
    if value > TARGET:
        result.notes.append(
            f"Missed: status takes {value:.2f}x the script's time "
            f"({(wizard_stats.median - base_stats.median) * 1000:.0f} ms more per run)."
        )
    return [result]


def main() -> int:
    from benchmarks.common import report

    quick = "--quick" in sys.argv
    results = run(1, warmup=0, shape=SMALL) if quick else run()
    print(report(results))
    print(json.dumps(results[0].checks, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
