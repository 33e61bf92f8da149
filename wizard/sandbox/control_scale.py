"""Control routes for time, scale and rate limits (JSON, sandbox-only, no credentials).

- `GET /_sandbox/clock`: the clock's mode, its time, how many sleepers wait and when the next
  one is due.
- `POST /_sandbox/clock`: `{"mode": "manual"|"real"}` freezes or resumes time;
  `{"advance": seconds}` moves it forward; `{"next": true}` moves it to the next pending
  sleeper (a callback pause, an injected delay). Combinable; applied in that order. Orders,
  disconnects and tokens need no sleeper: advancing past their delay is enough.
- `POST /_sandbox/seed`: reset, then seed a large account (`{"numbers", "locations",
  "applications", "sites", "toll_free", "failed_messages"}`, all optional); answers what was
  created and how long it took.
- `GET /_sandbox/ratelimits`: the limits per group and the buckets in use.
- `POST /_sandbox/ratelimits`: `{"group": {"limit": n, "period": s, "burst": n} | null}` changes
  some groups (null = unlimited); `/_sandbox/reset` restores the start-up limits.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wizard.sandbox.callbacks import CallbackDispatcher
from wizard.sandbox.clock import MODES
from wizard.sandbox.control import PREFIX, _json_body, _problem
from wizard.sandbox.limits import GROUPS, RateLimit
from wizard.sandbox.responses import json_response
from wizard.sandbox.seed import large_account_from_json, seed_large
from wizard.sandbox.state import SandboxState


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


async def _object(request: Request) -> dict[str, Any] | Response:
    try:
        body = await _json_body(request)
    except ValueError:
        return _problem(400, "The body must be JSON.")
    if not isinstance(body, dict):
        return _problem(400, "The body must be a JSON object.")
    return body


# -- the clock ----------------------------------------------------------------------------------


async def get_clock(request: Request) -> Response:
    return json_response(_state(request).time.describe())


async def set_clock(request: Request) -> Response:
    state = _state(request)
    body = await _object(request)
    if isinstance(body, Response):
        return body
    unknown = set(body) - {"mode", "advance", "next"}
    if unknown:
        return _problem(400, f"Unknown field {sorted(unknown)[0]}; use mode, advance or next.")
    mode = body.get("mode")
    if mode is not None and mode not in MODES:
        return _problem(400, f"mode must be one of {', '.join(MODES)}.")
    advance = body.get("advance", 0)
    if isinstance(advance, bool) or not isinstance(advance, (int, float)) or advance < 0:
        return _problem(400, "advance must be a number of seconds, 0 or more.")
    jump = body.get("next", False)
    if not isinstance(jump, bool):
        return _problem(400, "next must be true or false.")
    clock = state.time
    if mode is not None:
        clock.set_mode(mode)
    try:
        due = clock.advance(float(advance)) if advance else 0
    except ValueError as exc:
        return _problem(400, str(exc))
    moved = float(advance)
    if jump:
        moved += clock.advance_to_next()
    # Settle what the new time made due now, so the next read sees it at once.
    state.advance()
    return json_response({**clock.describe(), "advanced": round(moved, 6), "due": due})


# -- the large account --------------------------------------------------------------------------


async def seed(request: Request) -> Response:
    state = _state(request)
    dispatcher: CallbackDispatcher = request.app.state.dispatcher
    body = await _object(request)
    if isinstance(body, Response):
        return body
    try:
        shape = large_account_from_json(body)
    except ValueError as exc:
        return _problem(400, str(exc))
    await dispatcher.cancel_all()
    started = time.perf_counter()
    with state.lock:
        state.reset(with_large_account=False)
        seeded = seed_large(state, shape)
    took = time.perf_counter() - started
    return json_response(
        {**seeded.as_json(), "generation": state.generation, "took_ms": round(took * 1000, 1)},
        201,
    )


# -- rate limits --------------------------------------------------------------------------------


async def get_rate_limits(request: Request) -> Response:
    return json_response(_state(request).rate_limiter.describe())


async def set_rate_limits(request: Request) -> Response:
    state = _state(request)
    body = await _object(request)
    if isinstance(body, Response):
        return body
    changes: dict[str, RateLimit | None] = {}
    for group, value in body.items():
        if group not in GROUPS:
            return _problem(400, f"{group} is not a rate-limit group ({', '.join(GROUPS)}).")
        try:
            changes[group] = None if value is None else RateLimit.from_json(value)
        except ValueError as exc:
            return _problem(400, f"{group}: {exc}")
    state.rate_limiter.set_limits(changes)
    return json_response(state.rate_limiter.describe())


ROUTES = [
    Route(PREFIX + "/clock", get_clock, methods=["GET"]),
    Route(PREFIX + "/clock", set_clock, methods=["POST"]),
    Route(PREFIX + "/seed", seed, methods=["POST"]),
    Route(PREFIX + "/ratelimits", get_rate_limits, methods=["GET"]),
    Route(PREFIX + "/ratelimits", set_rate_limits, methods=["POST"]),
]
