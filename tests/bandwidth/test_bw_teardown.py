"""The Dashboard client's teardown methods against the sandbox: disconnect orders, the deletes,
"already gone" (404) as False, Bandwidth's refusals while something still depends on a resource,
and finding a disconnect order again by its CustomerOrderId after its answer was lost.

Orders and disconnects run on the sandbox's clock with the session's short order delay; waits
poll a condition with a deadline.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from wizard.bandwidth.auth import OAuth2ClientCredentials
from wizard.bandwidth.dashboard import DashboardClient
from wizard.bandwidth.errors import BandwidthError
from wizard.bandwidth.hosts import local_hosts
from wizard.bandwidth.models import DisconnectOrder
from wizard.bandwidth.signin import sign_in
from wizard.bandwidth.transport import RetryPolicy

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, max_total_wait=5.0)


@pytest.fixture
async def dash(sandbox: Any) -> AsyncIterator[DashboardClient]:
    hosts = local_hosts(sandbox.base_url)
    identity = sandbox.identity
    auth = OAuth2ClientCredentials(
        hosts.oauth_token_url, identity.client_id, identity.client_secret
    )
    await sign_in(auth)
    async with DashboardClient(
        hosts.dashboard_url, identity.account_id, auth, retry=FAST
    ) as client:
        yield client


async def _control(sandbox: Any, path: str, body: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=sandbox.base_url, timeout=10, trust_env=False) as c:
        response = await c.post(f"/_sandbox/{path}", json=body)
        assert response.status_code < 300, response.text


async def _setup(dash: DashboardClient, site: str, quantity: int = 2) -> tuple[str, str, list[str]]:
    """An application linked to a new location with SMS, MMS and `quantity` numbers."""
    suffix = uuid.uuid4().hex[:6]
    app = await dash.create_application(f"app-{suffix}", "https://example.com/cb")
    location = await dash.create_location(site, f"loc-{suffix}", True)
    await dash.enable_sms(site, location.id)
    await dash.enable_mms(site, location.id)
    await dash.assign_application(site, location.id, app.id)
    order = await dash.create_order(site, location.id, "919", quantity, f"c-{suffix}")
    done = await _eventually(lambda: dash.get_order(order.id))
    assert done.status == "COMPLETE"
    return app.id, location.id, list(done.completed_numbers)


async def _eventually(probe: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value.is_final:
            return value
        assert time.monotonic() < deadline, f"still {value.status} after {timeout} s"
        await asyncio.sleep(0.02)


async def _disconnect(dash: DashboardClient, numbers: list[str], cid: str) -> DisconnectOrder:
    order = await dash.create_disconnect(numbers, cid)
    assert order.status == "RECEIVED" and order.id and order.customer_order_id == cid
    return await _eventually(lambda: dash.get_disconnect(order.id))


async def test_a_setup_comes_apart_in_reverse_order_and_a_second_pass_finds_it_gone(
    sandbox: Any, dash: DashboardClient
) -> None:
    site = sandbox.identity.site_id
    app_id, location_id, numbers = await _setup(dash, site)
    assert all([await dash.is_in_service(n) for n in numbers])

    done = await _disconnect(dash, numbers, "bw-wizard-test-dc")
    assert done.status == "COMPLETE" and sorted(done.disconnected) == sorted(numbers)
    assert sorted(done.gone) == sorted(numbers) and done.problems == ()
    assert not any([await dash.is_in_service(n) for n in numbers])

    assert await dash.remove_application_link(site, location_id) is True
    assert await dash.get_application_settings(site, location_id) is None
    assert await dash.delete_mms(site, location_id) is True
    assert await dash.delete_sms(site, location_id) is True
    assert await dash.delete_location(site, location_id) is True
    assert await dash.delete_application(app_id) is True

    # Everything again: each is "already gone" (404), never an error.
    assert await dash.delete_mms(site, location_id) is False
    assert await dash.delete_sms(site, location_id) is False
    assert await dash.delete_location(site, location_id) is False
    assert await dash.delete_application(app_id) is False
    assert await dash.remove_application_link(site, location_id) is False


async def test_a_second_disconnect_fails_with_already_gone_errors_only(
    sandbox: Any, dash: DashboardClient
) -> None:
    _, _, numbers = await _setup(dash, sandbox.identity.site_id, quantity=1)
    await _disconnect(dash, numbers, "first")
    again = await _disconnect(dash, numbers, "second")
    assert again.status == "FAILED" and again.disconnected == ()
    assert [e.code for e in again.errors] == ["5074"]
    assert again.problems == () and again.gone == tuple(numbers)
    stranger = await _disconnect(dash, ["9195550111"], "third")
    assert [e.code for e in stranger.errors] == ["5076"] and stranger.problems == ()


async def test_bandwidth_refuses_deletes_while_something_depends_on_them(
    sandbox: Any, dash: DashboardClient
) -> None:
    site = sandbox.identity.site_id
    app_id, location_id, _ = await _setup(dash, site, quantity=1)
    refusals = {
        "13622": dash.delete_sms(site, location_id),  # MMS still on
        "13613": dash.delete_location(site, location_id),  # SMS still on
        "12107": dash.delete_application(app_id),  # still linked to the location
    }
    for code, attempt in refusals.items():
        with pytest.raises(BandwidthError) as raised:
            await attempt
        assert raised.value.code == code and raised.value.status == 400
    await dash.delete_mms(site, location_id)
    with pytest.raises(BandwidthError) as raised:
        await dash.delete_sms(site, location_id)  # numbers still on the location
    assert raised.value.code == "13673"


async def test_a_disconnect_whose_answer_was_lost_is_found_by_its_customer_order_id(
    sandbox: Any, dash: DashboardClient
) -> None:
    assert await dash.find_disconnect_by_customer_order_id("nothing-yet") is None  # 404 list
    _, _, numbers = await _setup(dash, sandbox.identity.site_id, quantity=1)
    await _disconnect(dash, ["9195550111"], "someone-else")
    await _control(
        sandbox,
        "faults",
        {"method": "POST", "path": "/api/v2/accounts/*/disconnects", "kind": "drop", "after": True},
    )
    with pytest.raises(BandwidthError):
        await dash.create_disconnect(numbers, "bw-wizard-lost-answer")
    found = await dash.find_disconnect_by_customer_order_id("bw-wizard-lost-answer")
    assert found is not None and found.customer_order_id == "bw-wizard-lost-answer"
    assert found.numbers == tuple(numbers)
    assert await dash.find_disconnect_by_customer_order_id("never-used") is None
