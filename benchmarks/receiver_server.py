"""The server half of the receiver benchmark, in its own process (so it has a core and a GIL to
itself, as the wizard's receiver would next to a load generator that is not in the wizard).

    python benchmarks/receiver_server.py receiver|bare LOG_PATH [--no-fsync]

`receiver` serves the real `wizard.callbacks.CallbackReceiver` (Basic auth, fsynced JSONL log);
`bare` serves a bare Starlette endpoint through the very same `CallbackServer`, so both run under
identical uvicorn settings. The callback password comes from BW_BENCH_CALLBACK_PASSWORD, never
argv. Prints `PORT n`, serves until a line arrives on stdin, then prints `BENCH {json}` with
its peak RSS (VmHWM) and CPU time. `--no-fsync` makes os.fsync a no-op in this process only: it
exists to show what fsync costs, never to measure the product.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

BARE_ANSWER = b'{"accepted":1,"duplicates":0}'


class BareEndpoint:
    """A bare Starlette app dressed as a receiver (`path`, `history`) for AppServer."""

    path = "/callbacks"

    def __init__(self) -> None:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import Response
        from starlette.routing import Route

        async def callbacks(request: Request) -> Response:
            await request.body()
            return Response(BARE_ANSWER, status_code=200, media_type="application/json")

        self.app = Starlette(routes=[Route(self.path, callbacks, methods=["POST"])])
        self.history: tuple[Any, ...] = ()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def close(self) -> None:
        pass


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _status_kb(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process, in KiB; 0 where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _peak_kb() -> int:
    """Peak RSS of this program. ru_maxrss is the fallback only: on Linux it survives exec, so a
    child started by a big parent reports the parent's peak."""
    return _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def serve(kind: str, log_path: Path) -> dict[str, Any]:
    from wizard.callbacks.receiver import CallbackReceiver
    from wizard.session.serve import AppServer

    if kind == "receiver":
        password = os.environ.get("BW_BENCH_CALLBACK_PASSWORD", "")
        app: Any = CallbackReceiver(username="bw-wizard", password=password, log_path=log_path)
    else:
        app = BareEndpoint()
    server = AppServer(app, host="127.0.0.1", port=0)
    await server.start()
    rss_before = _status_kb("VmRSS")
    cpu_before = _cpu()
    print(f"PORT {server.port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    cpu_after = _cpu()
    history = len(app.history)
    duplicates = getattr(app, "duplicates_ignored", 0)
    last_error = getattr(app, "last_error", None)
    peak = _peak_kb()
    await server.stop()
    return {
        "peak_kb": peak,
        "rss_before_kb": rss_before,
        "cpu_s": cpu_after - cpu_before,
        "history": history,
        "duplicates_ignored": duplicates,
        "last_error": last_error,
    }


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] not in ("receiver", "bare"):
        print("usage: receiver_server.py receiver|bare LOG_PATH [--no-fsync]", file=sys.stderr)
        return 2
    if "--no-fsync" in argv:
        os.fsync = lambda fd: None  # benchmark-only: shows what durability costs
    started = time.perf_counter()
    stats = asyncio.run(serve(argv[1], Path(argv[2])))
    stats["lifetime_s"] = time.perf_counter() - started
    print("BENCH " + json.dumps(stats), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
