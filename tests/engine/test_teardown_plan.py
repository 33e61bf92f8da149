"""How a teardown decides what is the wizard's, from saved progress alone (no request sent)."""

from __future__ import annotations

from typing import Any

from wizard.engine.book import MemoryProgress
from wizard.engine.step import StepId
from wizard.engine.teardown_plan import Resource, disconnect_reference, plan_teardown

BASE = "https://api.bandwidth.com/api/v2"


def _book(**steps: dict[str, Any]) -> MemoryProgress:
    book = MemoryProgress()
    names = {
        "subaccount": StepId.SUBACCOUNT,
        "application": StepId.APPLICATION,
        "location": StepId.LOCATION,
        "assign": StepId.ASSIGN,
        "order": StepId.ORDER,
        "wait": StepId.WAIT_ORDER,
    }
    for name, data in steps.items():
        book.record(names[name], data)
    return book


LOCATION = {"site_id": "10001", "location_id": "500101", "location_name": "L"}
APPLICATION = {"application_id": "app-1", "application_name": "A"}


def _resources(book: MemoryProgress) -> list[str]:
    plan = plan_teardown(book, account_id="9900000", dashboard_url=BASE)
    return [r.resource.value for r in plan.removals]


def test_everything_created_goes_in_bandwidths_order() -> None:
    book = _book(
        subaccount={"site_id": "10002", "site_name": "S", "created": True},
        application={**APPLICATION, "created": True},
        location={**LOCATION, "site_id": "10002", "created": True},
        assign={"application_id": "app-1"},
        order={"order_id": "o-1", "customer_order_id": "bw-wizard-0123456789abcdef"},
        wait={"order_id": "o-1", "numbers": ["9195551234", "9195551235"]},
    )
    plan = plan_teardown(book, account_id="9900000", dashboard_url=BASE)
    assert [r.resource for r in plan.removals] == list(Resource)
    assert plan.numbers == ("+19195551234", "+19195551235") and plan.kept == ()
    numbers = plan.removals[0]
    assert numbers.url == f"{BASE}/accounts/9900000/disconnects"
    assert "<TelephoneNumber>9195551235</TelephoneNumber>" in (numbers.body or "")
    assert plan.disconnect_reference == "bw-wizard-0123456789abcdef-dc"
    assert plan.removals[-1].url == f"{BASE}/accounts/9900000/sites/10002"


def test_reused_or_unflagged_resources_are_kept_with_their_reason() -> None:
    book = _book(
        subaccount={"site_id": "10001", "created": False},
        application={**APPLICATION, "created": False},
        location=dict(LOCATION),  # an older record without the flag
        assign={"application_id": "app-1"},
    )
    plan = plan_teardown(book, account_id="9900000", dashboard_url=BASE)
    assert plan.removals == ()
    reasons = {k.resource: k.why for k in plan.kept}
    assert "found by name and reused" in reasons[Resource.APPLICATION]
    assert "not recorded as created" in reasons[Resource.LOCATION]
    assert Resource.LINK in reasons and Resource.SUBACCOUNT in reasons


def test_an_application_of_the_wizards_on_a_reused_location_is_unlinked_first() -> None:
    book = _book(
        application={**APPLICATION, "created": True},
        location={**LOCATION, "created": False},
        assign={"application_id": "app-1"},
    )
    plan = plan_teardown(book, account_id="9900000", dashboard_url=BASE)
    assert [r.resource for r in plan.removals] == [Resource.LINK, Resource.APPLICATION]
    assert "Only if the location still names that application" in plan.removals[0].note


def test_numbers_unknown_until_the_order_is_read() -> None:
    assert _resources(_book(order={"order_id": "o-1"}))[0] == "numbers"
    plan = plan_teardown(
        _book(order={"customer_order_id": "bw-wizard-x"}), account_id="1", dashboard_url=BASE
    )
    assert not plan.numbers_known and plan.order_reference == "bw-wizard-x"
    assert "{numbers}" in (plan.removals[0].body or "")
    assert _resources(MemoryProgress()) == []


def test_the_disconnect_reference_fits_bandwidths_limit() -> None:
    long_reference = {"customer_order_id": "x" * 39, "order_id": "o-1"}
    for ordered in ({"customer_order_id": "bw-wizard-0123456789abcdef"}, long_reference, {}):
        reference = disconnect_reference(ordered, ("+19195551234",))
        assert len(reference) <= 40 and reference.replace("-", "").isalnum()
    assert disconnect_reference(long_reference) == disconnect_reference(long_reference)
