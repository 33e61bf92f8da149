"""The engine against the sandbox over loopback: the whole guide, resumed, never duplicated."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.engine.helpers import control, inputs, make_engine, state
from wizard.bandwidth.errors import BandwidthError
from wizard.core.errors import WizardError
from wizard.engine.book import MemoryProgress
from wizard.engine.events import OrderStatusChanged, RequestSent, StepDone, StepFailed
from wizard.engine.registry import ORDER_OF_STEPS
from wizard.engine.step import StepId
from wizard.engine.steps.location import recorded_location


def posts(sandbox) -> Counter:
    """Every create and change the account received (signing in again changes nothing)."""
    recent = state(sandbox)["requests"]["recent"]
    return Counter(
        f"{r['method']} {r['path']}"
        for r in recent
        if r["method"] in ("POST", "PUT") and not r["path"].endswith("/oauth2/token")
    )


async def test_whole_guide_then_rerun_creates_nothing(sandbox) -> None:
    progress = MemoryProgress()
    engine, clients, events = make_engine(sandbox, progress)
    async with clients.dashboard, clients.messaging:
        results = await engine.run_all(inputs(sandbox))
    assert list(results) == list(ORDER_OF_STEPS)
    held = state(sandbox)
    assert len(held["applications"]) == 1
    assert len(held["locations"]) == 1
    assert len(held["orders"]) == 1
    assert len(held["messages"]) == 1
    assert results[StepId.WAIT_ORDER]["status"] == "COMPLETE"
    statuses = [e.status for e in events if isinstance(e, OrderStatusChanged)]
    assert statuses[-1] == "COMPLETE" and statuses[0] in ("RECEIVED", "PROCESSING")
    assert all(isinstance(e.url, str) for e in events if isinstance(e, RequestSent))

    before = posts(sandbox)
    engine2, clients2, events2 = make_engine(sandbox, progress)
    async with clients2.dashboard, clients2.messaging:
        await engine2.run_all(inputs(sandbox))
    assert posts(sandbox) == before, "a rerun must not create or change anything"
    done = [e for e in events2 if isinstance(e, StepDone)]
    assert len(done) == len(ORDER_OF_STEPS) and all(e.reused for e in done)


async def test_lost_progress_reuses_application_and_location_by_name(sandbox) -> None:
    engine, clients, _ = make_engine(sandbox)
    async with clients.dashboard, clients.messaging:
        await engine.run_all(inputs(sandbox), until=StepId.ASSIGN)
    engine2, clients2, _events = make_engine(sandbox, MemoryProgress())
    async with clients2.dashboard, clients2.messaging:
        results = await engine2.run_all(inputs(sandbox), until=StepId.ASSIGN)
    held = state(sandbox)
    assert len(held["applications"]) == 1 and len(held["locations"]) == 1
    assert results[StepId.APPLICATION]["created"] is False
    assert results[StepId.LOCATION]["created"] is False


async def test_order_found_again_by_customer_order_id(sandbox) -> None:
    """The order POST went through but its answer was lost: the rerun must not order again."""
    progress = MemoryProgress()
    engine, clients, _ = make_engine(sandbox, progress)
    async with clients.dashboard, clients.messaging:
        await engine.run_all(inputs(sandbox), until=StepId.ASSIGN)
        site, location = recorded_location(engine)
        progress.record(StepId.ORDER, {"customer_order_id": "lost-answer-1"})
        await clients.dashboard.create_order(site, location, "919", 1, "lost-answer-1")
        data = await engine.run_step(StepId.ORDER, inputs(sandbox))
    assert len(state(sandbox)["orders"]) == 1
    assert data["customer_order_id"] == "lost-answer-1"


async def test_partial_order_goes_on_with_completed_numbers(sandbox) -> None:
    engine, clients, _ = make_engine(sandbox)
    async with clients.dashboard, clients.messaging:
        results = await engine.run_all(
            inputs(sandbox, area_code="222", quantity=2), until=StepId.WAIT_ORDER
        )
    waited = results[StepId.WAIT_ORDER]
    assert waited["status"] == "PARTIAL"
    assert len(waited["numbers"]) == 1 and len(waited["failed_numbers"]) == 1
    assert waited["errors"], "PARTIAL must say why the other numbers failed"


@pytest.mark.parametrize(
    ("area_code", "kind", "word"),
    [("333", "order_failed", "FAILED"), ("444", "order_backordered", "BACKORDERED")],
)
async def test_failed_and_backordered_orders_stop_with_reasons(
    sandbox, area_code: str, kind: str, word: str
) -> None:
    engine, clients, events = make_engine(sandbox)
    async with clients.dashboard, clients.messaging:
        with pytest.raises(WizardError) as caught:
            await engine.run_all(inputs(sandbox, area_code=area_code), until=StepId.WAIT_ORDER)
    assert caught.value.kind == kind
    assert word in caught.value.message
    failed = [e for e in events if isinstance(e, StepFailed)]
    assert failed and failed[-1].step is StepId.WAIT_ORDER and failed[-1].hint


async def test_no_numbers_in_area_code_is_not_found(sandbox) -> None:
    engine, clients, _ = make_engine(sandbox)
    async with clients.dashboard, clients.messaging:
        with pytest.raises(WizardError) as caught:
            await engine.run_all(inputs(sandbox, area_code="777"), until=StepId.ORDER)
    assert caught.value.kind == "not_found"
    assert state(sandbox)["orders"] == []


async def test_order_timeout_is_reported_and_resumable(sandbox) -> None:
    control(sandbox, "config", {"order_delay": 30})
    progress = MemoryProgress()
    engine, clients, _ = make_engine(sandbox, progress)
    async with clients.dashboard, clients.messaging:
        with pytest.raises(WizardError) as caught:
            await engine.run_all(inputs(sandbox, order_timeout=0.3), until=StepId.WAIT_ORDER)
    assert caught.value.kind == "timeout"
    assert progress.get(StepId.ORDER)["order_id"], "the order must be remembered for the rerun"


async def test_http_messaging_disabled_gives_13609_hint(sandbox) -> None:
    control(sandbox, "config", {"http_messaging_enabled": False})
    engine, clients, events = make_engine(sandbox)
    async with clients.dashboard, clients.messaging:
        with pytest.raises(BandwidthError) as caught:
            await engine.run_all(inputs(sandbox), until=StepId.SMS)
    assert caught.value.code == "13609"
    assert "support" in caught.value.hint.lower()
    assert isinstance(events[-1], StepFailed) and events[-1].step is StepId.SMS


async def test_a_wrong_client_secret_is_an_auth_failure_on_the_first_step(sandbox) -> None:
    engine, clients, events = make_engine(sandbox, client_id="nobody")
    async with clients.dashboard, clients.messaging:
        with pytest.raises(BandwidthError) as caught:
            await engine.run_all(inputs(sandbox))
    assert caught.value.kind == "auth"
    assert [e.step for e in events if isinstance(e, StepFailed)] == [StepId.VERIFY]
    assert state(sandbox)["applications"] == []


async def test_first_pending_follows_progress_and_the_api(sandbox) -> None:
    progress = MemoryProgress()
    engine, clients, _ = make_engine(sandbox, progress)
    async with clients.dashboard, clients.messaging:
        assert await engine.first_pending() is StepId.VERIFY
        await engine.run_all(inputs(sandbox), until=StepId.LOCATION)
        assert await engine.first_pending() is StepId.SMS
        control(sandbox, "reset", {})  # the account lost what we made: redo from there
        assert await engine.first_pending() is StepId.APPLICATION


async def test_guide_generation_sends_with_token_and_secret(sandbox) -> None:
    engine, clients, _ = make_engine(
        sandbox, generation="guide", messaging_url=sandbox.legacy_messaging_url
    )
    async with clients.dashboard, clients.messaging:
        results = await engine.run_all(inputs(sandbox))
    sent = state(sandbox)["messages"]
    assert sent and sent[0]["id"] == results[StepId.SEND]["last_message_id"]


def test_failed_order_reasons_are_said_once_each_and_printable() -> None:
    from wizard.bandwidth.models import Order
    from wizard.core.errors import WizardError
    from wizard.engine.steps.wait_order import judge_order as _judge_order

    order = Order(
        id="o-1",
        status="FAILED",
        errors=(("5005", "unavailable"), ("5005", "unavailable"), ("5018", "none\x1b[2Jleft")),
    )
    with pytest.raises(WizardError) as caught:
        _judge_order(order)
    message = caught.value.message
    assert "unavailable (code 5005, 2 numbers)" in message
    assert message.count("unavailable") == 1
    assert "\x1b" not in message and "none [2Jleft (code 5018)" in message
