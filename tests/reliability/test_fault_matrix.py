"""Every route the flow uses x every way a server fails, injected by the sandbox over real HTTP.

Each cell runs the engine in-process against the shared sandbox, the way `apply` does against an
account, with the fault armed for the next matching request. The flow must either get past the
fault by itself (idempotent GETs and the applicationSettings PUT are retried) or stop at the
step that owns the route with the right kind and a hint. Then the fault is gone, a fresh engine
reruns with the same saved progress (read back from disk, as a new process would), and the
sandbox must hold exactly one application, one location, one order and one message: a POST
whose answer was lost must be found, not made again. The "lost" column makes that case exact for
every create: the sandbox carries the POST out, then drops the connection before answering. The
message lookup (List Messages), asked only on a rerun after an unanswered send, is a row too.

Time: retries use a fast policy with an injected sleep (the 429 wait asked for is still checked),
orders complete at once, and the timeout cells give only the faulted route a short read timeout,
so a whole cell takes well under a second.
"""

from __future__ import annotations

import asyncio
import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.engine.helpers import control, state
from tests.reliability import matrix
from tests.waiting import until
from wizard.bandwidth.auth import OAuth2ClientCredentials
from wizard.bandwidth.dashboard import DashboardClient
from wizard.bandwidth.errors import BandwidthError
from wizard.bandwidth.messaging import MessagingClient
from wizard.bandwidth.platform import PlatformClient
from wizard.bandwidth.transport import RetryPolicy
from wizard.core.errors import WizardError
from wizard.engine.events import Event, StepFailed
from wizard.engine.inputs import SetupInputs
from wizard.engine.polling import PollSchedule
from wizard.engine.runner import Engine
from wizard.engine.step import StepId
from wizard.sandbox.identity import Identity
from wizard.storage.progress import SavedProgressBook, load_progress

pytestmark = pytest.mark.timeout(30)

IDENTITY = Identity()
ACCOUNT = f"/api/v2/accounts/{IDENTITY.account_id}"
SITE = f"{ACCOUNT}/sites/{IDENTITY.site_id}"
FEATURES = f"{SITE}/sippeers/*/products/messaging"
PROFILE = "matrix"

#: Retries with no real waiting: the injected sleep records what it was asked for.
FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, max_total_wait=30.0)
CLIENT_TIMEOUT = 5.0
"""Generous for every request but the faulted one in a timeout cell."""
SHORT_TIMEOUT = 0.2
"""The faulted route's read timeout in a timeout cell; the sandbox holds that answer longer."""
HELD_FOR = 0.4


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    glob: str
    """fnmatch glob of the request path, as the sandbox's fault registry takes it."""
    template: str
    """The sandbox's route template, as its request log names it."""
    step: StepId
    """The step that stops when a fault here is not recovered."""
    phase: str = "fresh"
    absent: int | None = None
    """A status that is an answer here, not a failure (404: the number is on no campaign)."""
    """fresh: the fault meets a first run. resume: the route is only asked when a rerun checks
    recorded progress, so a first run goes as far as the order first. lookup: the order's
    answer was lost (only its CustomerOrderId is saved), so the rerun looks it up.
    message-lookup: a message POST was carried out but its answer lost (only the in-flight
    marker is saved), so the rerun asks List Messages before sending anything."""

    @property
    def retried(self) -> bool:
        """The contract: GETs and the applicationSettings PUT are retried, POSTs never."""
        return self.method == "GET" or (self.method == "PUT" and "applicationSettings" in self.glob)

    def recovers_from(self, fault: Fault) -> bool:
        """Retried and retryable; or a 429 on message create, which accepted nothing, so the
        client waits as asked and sends it again."""
        if fault.name == "429" and self.name == "POST messages":
            return True
        return self.retried and fault.retryable


T_ACCOUNT = "/api/v2/accounts/{account}"
T_SITE = T_ACCOUNT + "/sites/{site}"
T_PEER = T_SITE + "/sippeers/{peer}"
T_FEATURES = T_PEER + "/products/messaging"

ROUTES: tuple[Route, ...] = (
    Route("GET account", "GET", ACCOUNT, T_ACCOUNT, StepId.VERIFY),
    Route("GET sites", "GET", f"{ACCOUNT}/sites", f"{T_ACCOUNT}/sites", StepId.SUBACCOUNT),
    Route(
        "GET applications",
        "GET",
        f"{ACCOUNT}/applications",
        f"{T_ACCOUNT}/applications",
        StepId.APPLICATION,
    ),
    Route(
        "POST applications",
        "POST",
        f"{ACCOUNT}/applications",
        f"{T_ACCOUNT}/applications",
        StepId.APPLICATION,
    ),
    Route(
        "GET applications/{id}",
        "GET",
        f"{ACCOUNT}/applications/*",
        f"{T_ACCOUNT}/applications/{{application}}",
        StepId.APPLICATION,
        "resume",
    ),
    Route("GET sippeers", "GET", f"{SITE}/sippeers", f"{T_SITE}/sippeers", StepId.LOCATION),
    Route("POST sippeers", "POST", f"{SITE}/sippeers", f"{T_SITE}/sippeers", StepId.LOCATION),
    Route("GET sippeers/{id}", "GET", f"{SITE}/sippeers/*", T_PEER, StepId.LOCATION, "resume"),
    Route(
        "POST sms",
        "POST",
        f"{FEATURES}/features/sms",
        f"{T_FEATURES}/features/sms",
        StepId.SMS,
    ),
    Route(
        "GET sms",
        "GET",
        f"{FEATURES}/features/sms",
        f"{T_FEATURES}/features/sms",
        StepId.SMS,
        "resume",
    ),
    Route(
        "POST mms",
        "POST",
        f"{FEATURES}/features/mms",
        f"{T_FEATURES}/features/mms",
        StepId.MMS,
    ),
    Route(
        "GET mms",
        "GET",
        f"{FEATURES}/features/mms",
        f"{T_FEATURES}/features/mms",
        StepId.MMS,
        "resume",
    ),
    Route(
        "PUT applicationSettings",
        "PUT",
        f"{FEATURES}/applicationSettings",
        f"{T_FEATURES}/applicationSettings",
        StepId.ASSIGN,
    ),
    Route(
        "GET applicationSettings",
        "GET",
        f"{FEATURES}/applicationSettings",
        f"{T_FEATURES}/applicationSettings",
        StepId.ASSIGN,
        "resume",
    ),
    Route(
        "GET availableNumbers",
        "GET",
        f"{ACCOUNT}/availableNumbers",
        f"{T_ACCOUNT}/availableNumbers",
        StepId.ORDER,
    ),
    Route("POST orders", "POST", f"{ACCOUNT}/orders", f"{T_ACCOUNT}/orders", StepId.ORDER),
    Route(
        "GET orders?customerOrderId",
        "GET",
        f"{ACCOUNT}/orders",
        f"{T_ACCOUNT}/orders",
        StepId.ORDER,
        "lookup",
    ),
    Route(
        "GET orders/{id}",
        "GET",
        f"{ACCOUNT}/orders/*",
        f"{T_ACCOUNT}/orders/{{order}}",
        StepId.WAIT_ORDER,
    ),
    Route(
        "GET tendlc phoneNumbers/{tn}",
        "GET",
        f"{ACCOUNT}/tendlc/phoneNumbers/*",
        f"{T_ACCOUNT}/tendlc/phoneNumbers/{{number}}",
        StepId.READY,
        absent=404,
    ),
    Route(
        "GET campaign phoneNumbers",
        "GET",
        f"{ACCOUNT}/tendlc/campaigns/*/phoneNumbers",
        f"{T_ACCOUNT}/tendlc/campaigns/{{campaign}}/phoneNumbers",
        StepId.READY,
    ),
    Route("POST tnoptions", "POST", f"{ACCOUNT}/tnoptions", f"{T_ACCOUNT}/tnoptions", StepId.READY),
    Route(
        "GET tnoptions/{id}",
        "GET",
        f"{ACCOUNT}/tnoptions/*",
        f"{T_ACCOUNT}/tnoptions/{{order}}",
        StepId.READY,
    ),
    Route(
        "GET associatedsippeers",
        "GET",
        f"{ACCOUNT}/applications/*/associatedsippeers",
        f"{T_ACCOUNT}/applications/{{application}}/associatedsippeers",
        StepId.SEND,
    ),
    Route(
        "POST messages",
        "POST",
        f"/api/v2/users/{IDENTITY.account_id}/messages",
        "/api/v2/users/{account}/messages",
        StepId.SEND,
    ),
    Route(
        "GET messages (lookup)",
        "GET",
        f"/api/v2/users/{IDENTITY.account_id}/messages",
        "/api/v2/users/{account}/messages",
        StepId.SEND,
        "message-lookup",
    ),
)


@dataclass(frozen=True)
class Fault:
    name: str
    spec: dict[str, Any]
    retryable: bool
    """Whether a retried route gets past it (a read timeout is never retried: it is long)."""
    kind: str
    """The error kind when the flow stops on it."""
    hint_words: tuple[str, ...]
    """Any one of these must be in the hint."""


FAULTS: tuple[Fault, ...] = (
    Fault("500", {"kind": "status", "status": 500}, True, "server", ("try again",)),
    Fault("503", {"kind": "status", "status": 503}, True, "server", ("try again",)),
    Fault("429", {"kind": "rate_limit", "reset_after": 1}, True, "rate_limited", ("wait",)),
    Fault("timeout", {"kind": "delay", "delay": HELD_FOR}, False, "timeout", ("in time",)),
    Fault("drop", {"kind": "drop"}, True, "network", ("reach", "connect")),
    Fault("malformed", {"kind": "malformed"}, False, "general", ("base URL", "again")),
    # Twice: a first 401 makes the client fetch a new token and ask again once.
    Fault("401", {"kind": "status", "status": 401, "count": 2}, False, "auth", ("refused",)),
    # Carried out, then the connection dropped: the answer of a create that took effect is
    # lost. Only creates are asked (a GET loses nothing), and the rerun must find, not redo.
    Fault("lost", {"kind": "drop", "after": True}, False, "network", ("reach", "connect")),
)
ONLY_FOR_CREATES = frozenset({"lost"})

matrix.ROUTE_ORDER[:] = [route.name for route in ROUTES]
matrix.FAULT_ORDER[:] = [fault.name for fault in FAULTS]


# ------------------------------------------------------------------------------------------
# Running the engine the way `apply` does, with test-sized timeouts


class RouteTimeout(httpx.AsyncBaseTransport):
    """Gives one route the short read timeout a client configured with it would use, while every
    other request keeps a generous one, so only the faulted request can time out."""

    def __init__(self, method: str, glob: str, seconds: float) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._method = method
        self._glob = glob
        self._timeout = httpx.Timeout(seconds).as_dict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == self._method and fnmatch.fnmatchcase(request.url.path, self._glob):
            request.extensions["timeout"] = self._timeout
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Run:
    events: list[Event] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    error: WizardError | None = None

    @property
    def failed(self) -> list[StepFailed]:
        return [event for event in self.events if isinstance(event, StepFailed)]


def inputs_for(sandbox: Any) -> SetupInputs:
    return SetupInputs(
        site_id=IDENTITY.site_id,
        application_name="matrix app",
        callback_url="http://127.0.0.1:9/callbacks",
        location_name="matrix location",
        area_code="919",
        message_to=["+19195550100"],
        message_text="hello from the fault matrix",
        order_timeout=10.0,
        campaign_id="CA1B2C3",
    )


def book(sandbox: Any) -> SavedProgressBook:
    """The saved progress as a new process would load it."""
    return SavedProgressBook(load_progress(PROFILE, IDENTITY.account_id, sandbox.api_v2_url))


async def run_flow(
    sandbox: Any,
    *,
    until: StepId | None = None,
    short_timeout_for: Route | None = None,
) -> Run:
    run = Run()

    async def sleep(seconds: float) -> None:
        run.sleeps.append(seconds)
        await asyncio.sleep(0)

    def transport() -> httpx.AsyncBaseTransport | None:
        if short_timeout_for is None:
            return None
        return RouteTimeout(short_timeout_for.method, short_timeout_for.glob, SHORT_TIMEOUT)

    auth = OAuth2ClientCredentials(
        sandbox.oauth_token_url, IDENTITY.client_id, IDENTITY.client_secret
    )
    options: dict[str, Any] = {"timeout": CLIENT_TIMEOUT, "retry": FAST_RETRY, "sleep": sleep}
    dashboard = DashboardClient(
        sandbox.api_v2_url, IDENTITY.account_id, auth, transport=transport(), **options
    )
    messaging = MessagingClient(
        sandbox.messaging_url, IDENTITY.account_id, auth, transport=transport(), **options
    )
    platform = PlatformClient(
        sandbox.api_v2_url, IDENTITY.account_id, auth, transport=transport(), **options
    )
    engine = Engine(
        dashboard,
        messaging,
        book(sandbox),
        platform=platform,
        on_event=run.events.append,
        poll=PollSchedule(first=0.02, factor=1.5, cap=0.1),
    )
    try:
        await engine.run_all(inputs_for(sandbox), until=until)
    except WizardError as error:
        run.error = error
    finally:
        await dashboard.aclose()
        await messaging.aclose()
        await platform.aclose()
    return run


async def wait_for(sandbox: Any, condition, what: str, seconds: float = 5.0) -> dict[str, Any]:
    """Poll the sandbox's state until `condition(state)` holds, with a deadline."""

    def holding() -> dict[str, Any] | None:
        held = state(sandbox)
        return held if condition(held) else None

    return await until(holding, seconds, what)


def requests_to(held: dict[str, Any], route: Route) -> list[dict[str, Any]]:
    return [
        entry
        for entry in held["requests"]["recent"]
        if entry["method"] == route.method and entry["route"] == route.template
    ]


# ------------------------------------------------------------------------------------------
# The matrix


def cells() -> Iterator[Any]:
    for route in ROUTES:
        for fault in FAULTS:
            if fault.name in ONLY_FOR_CREATES and route.method != "POST":
                continue
            yield pytest.param(route, fault, id=f"{route.name}-{fault.name}")


@pytest.mark.parametrize(("route", "fault"), list(cells()))
async def test_fault_matrix(sandbox, route: Route, fault: Fault) -> None:
    control(sandbox, "config", {"order_delay": 0})
    await arrange(sandbox, route)
    seen_before = len(requests_to(state(sandbox), route))

    fault_spec = {"method": route.method, "path": route.glob, "count": 1, **fault.spec}
    sent_per_fault = fault_spec["count"]
    control(sandbox, "faults", fault_spec)
    faulted = await run_flow(sandbox, short_timeout_for=route if fault.name == "timeout" else None)
    if fault.name == "timeout":
        # The sandbox carries out a held request after the client gave up, as Bandwidth may:
        # wait for it to finish before the rerun so the counts below are exact.
        await wait_for(
            sandbox,
            lambda held: any(e["fault"] == "delay" for e in requests_to(held, route)),
            "the held request to finish",
        )
    held = state(sandbox)
    if fault.name == "401":
        # The client asks again only when the refused token was an older one: either way the
        # second 401, if unused, is cleared before the rerun.
        httpx.delete(f"{sandbox.base_url}/_sandbox/faults", timeout=10, trust_env=False)
    else:
        assert held["faults"] == [], f"the fault never met a request: {held['faults']}"
    mine = requests_to(held, route)[seen_before:]
    assert [e["fault"] for e in mine][:1] == [_logged_kind(fault)], mine

    recover = route.recovers_from(fault)
    if recover:
        assert faulted.error is None, f"expected a retry to get past it, got: {faulted.error}"
        answered = 200 <= mine[-1]["status"] < 300 or mine[-1]["status"] == route.absent
        assert mine[-1]["fault"] is None and answered, mine
        if fault.name == "429":
            assert max(faulted.sleeps) >= 0.5, "X-RateLimit-Reset was not honoured"
        outcome = "recovered"
    else:
        check_stop(faulted, route, fault)
        assert 1 <= len(mine) <= sent_per_fault, f"the failed request was sent again: {mine}"
        outcome = f"stopped: {fault.kind}"

    rerun = await run_flow(sandbox)
    assert rerun.error is None, f"the rerun after the fault cleared failed: {rerun.error}"
    check_one_of_each(sandbox, route, fault)

    matrix.RESULTS[(route.name, fault.name)] = f"{outcome}, rerun ok"
    print(f"{route.name:28} x {fault.name:9} -> {outcome}; rerun ok")


async def arrange(sandbox: Any, route: Route) -> None:
    """Bring the saved progress to where the route is first asked."""
    if route.phase == "fresh":
        return
    if route.phase == "resume":
        first = await run_flow(sandbox, until=StepId.READY)
        assert first.error is None, first.error
        return
    if route.phase == "message-lookup":
        # The message goes out but its answer is lost, as when the program dies mid-send.
        send = ROUTES[[r.name for r in ROUTES].index("POST messages")]
        control(
            sandbox, "faults", {"method": "POST", "path": send.glob, "kind": "drop", "after": True}
        )
        first = await run_flow(sandbox)
        assert isinstance(first.error, BandwidthError) and first.error.kind == "network"
        held = state(sandbox)
        assert len(held["messages"]) == 1 and held["faults"] == []
        assert (book(sandbox).get(StepId.SEND) or {}).get("sending"), "no in-flight marker"
        return
    # lookup: the order was placed but its answer was lost; only the reference is saved.
    first = await run_flow(sandbox, until=StepId.ORDER)
    assert first.error is None, first.error
    progress = book(sandbox)
    recorded = dict(progress.get(StepId.ORDER) or {})
    assert recorded.get("order_id")
    progress.record(StepId.ORDER, {"customer_order_id": recorded["customer_order_id"]})


def check_stop(run: Run, route: Route, fault: Fault) -> None:
    error = run.error
    assert error is not None, "the flow should have stopped"
    assert isinstance(error, BandwidthError), f"{type(error).__name__}: {error}"
    assert error.kind == fault.kind, f"kind {error.kind!r}: {error}"
    assert error.hint, f"no hint: {error}"
    assert any(word in error.hint for word in fault.hint_words), error.hint
    text = str(error)
    assert "Traceback" not in text and IDENTITY.password not in text, text
    assert "\n" not in text, text
    assert [(e.step, e.kind) for e in run.failed] == [(route.step, fault.kind)]


def check_one_of_each(sandbox: Any, route: Route, fault: Fault) -> None:
    held = state(sandbox)
    assert len(held["sites"]) == 1
    assert [a["name"] for a in held["applications"]] == ["matrix app"]
    assert len(held["locations"]) == 1
    location = held["locations"][0]
    assert location["sms"] and location["mms"], location
    assert location["application_id"] == held["applications"][0]["id"]
    assert len(held["orders"]) == 1
    assert held["orders"][0]["status"] == "COMPLETE"
    assert len(held["tn_option_orders"]) == 1, held["tn_option_orders"]
    # A message POST that timed out was still carried out by the sandbox (it only held the
    # answer): the rerun finds it with List Messages and adopts it instead of sending again.
    assert len(held["messages"]) == 1, held["messages"]
    recorded = book(sandbox).get(StepId.SEND) or {}
    assert [m["id"] for m in recorded.get("messages") or []] == [held["messages"][0]["id"]]
    assert "sending" not in recorded, "the in-flight marker must be gone once resolved"


def _logged_kind(fault: Fault) -> str:
    return str(fault.spec["kind"])
