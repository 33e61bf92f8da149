"""The paginated reads a health check needs, against the sandbox: a location's numbers, the
account's 10DLC numbers, and failed messages, each walked page by page to its end with no
request more than the pages need.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from test_against_sandbox_today import (
    REGISTERED,
    Connection,
    _control,
    _local_number,
    _location,
    eventually,
)

from wizard.bandwidth import DashboardClient, MessagingClient, PlatformClient, RequestInfo


class Counted:
    """The three clients again, each request announced into `sent`."""

    def __init__(self, conn: Connection) -> None:
        self.sent: list[RequestInfo] = []
        hosts, account = conn.hosts, conn.account_id
        self.dash = DashboardClient(
            hosts.dashboard_url, account, conn.auth, on_request=self.sent.append
        )
        self.platform = PlatformClient(
            hosts.platform_url, account, conn.auth, on_request=self.sent.append
        )
        self.messaging = MessagingClient(
            hosts.messaging_url, account, conn.auth, on_request=self.sent.append
        )

    async def aclose(self) -> None:
        for client in (self.dash, self.platform, self.messaging):
            await client.aclose()


@pytest.fixture
async def counted(sandbox: Any) -> AsyncIterator[tuple[Connection, Counted]]:
    async with Connection(sandbox) as conn:
        clients = Counted(conn)
        try:
            yield conn, clients
        finally:
            await clients.aclose()


async def _one_location(sandbox: Any, numbers: int) -> dict[str, Any]:
    """Seed one sub-account with one location holding `numbers` numbers; its state entry."""
    await _control(
        sandbox,
        "POST",
        "seed",
        numbers=numbers,
        locations=1,
        applications=1,
        sites=1,
        toll_free=0,
        failed_messages=0,
    )
    state = await _control(sandbox, "GET", "state")
    (location,) = state["locations"]
    return location


@pytest.mark.parametrize(
    ("numbers", "size", "pages", "requests"),
    [(7, 3, [3, 3, 1], 3), (6, 3, [3, 3], 3), (7, 8, [7], 1), (0, 5, [], 1)],
)
async def test_a_location_s_numbers_are_read_page_by_page(
    sandbox: Any,
    counted: tuple[Connection, Counted],
    numbers: int,
    size: int,
    pages: list[int],
    requests: int,
) -> None:
    location = await _one_location(sandbox, numbers)
    _, clients = counted
    seen: list[list[Any]] = [
        page
        async for page in clients.dash.iter_location_numbers(
            location["site_id"], location["id"], page_size=size
        )
    ]
    assert [len(page) for page in seen] == pages
    # A full last page costs one more request, which finds the list ended.
    assert len(clients.sent) == requests
    assert [entry.number for page in seen for entry in page] == location["numbers"]
    sms_on = location["sms"] is not None
    assert all(entry.sms_enabled is sms_on for page in seen for entry in page)
    assert all("page=" in info.url and f"size={size}" in info.url for info in clients.sent)


async def test_the_account_s_10dlc_numbers_come_in_pages(
    counted: tuple[Connection, Counted],
) -> None:
    conn, clients = counted
    location = await _location(conn)
    numbers = [await _local_number(conn, location) for _ in range(3)]
    order = await conn.dash.create_tn_option_order(
        numbers, REGISTERED, customer_order_id=f"p-{uuid.uuid4().hex[:8]}"
    )
    done = await eventually(lambda: conn.dash.get_tn_option_order(order.id), lambda o: o.is_final)
    assert done.status == "COMPLETE"

    pages = [page async for page in clients.platform.iter_number_registrations(page_size=2)]
    assert [len(page) for page in pages] == [2, 1]
    assert len(clients.sent) == 2
    found = {row.phone_number[-10:]: row for page in pages for row in page}
    assert set(found) == {n[-10:] for n in numbers}
    assert {row.campaign_id for row in found.values()} == {REGISTERED}
    assert {row.status for row in found.values()} <= {"PROCESSING", "SUCCESS"}


async def test_no_registered_numbers_is_one_empty_page(counted: tuple[Connection, Counted]) -> None:
    _, clients = counted
    pages = [page async for page in clients.platform.iter_number_registrations()]
    assert pages == []
    assert len(clients.sent) == 1


async def test_failed_messages_follow_the_page_token(
    sandbox: Any, counted: tuple[Connection, Counted]
) -> None:
    seeded = await _control(
        sandbox, "POST", "seed", numbers=40, locations=8, applications=3, failed_messages=3
    )
    assert seeded["failed_messages"] == 3
    _, clients = counted
    pages = [
        page
        async for page in clients.messaging.iter_messages(
            max_pages=5, limit=2, message_status="FAILED"
        )
    ]
    assert [len(page.messages) for page in pages] == [2, 1]
    assert {m.status for page in pages for m in page.messages} == {"FAILED"}
    assert all(m.error_code for page in pages for m in page.messages)
    assert pages[0].total_count == 3

    clients.sent.clear()
    capped = [
        page
        async for page in clients.messaging.iter_messages(
            max_pages=1, limit=2, message_status="FAILED"
        )
    ]
    assert len(capped) == 1 and len(clients.sent) == 1
