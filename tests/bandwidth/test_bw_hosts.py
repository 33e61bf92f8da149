"""Hosts: today's defaults, the test environment, the retired guide layout, a local sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from wizard.bandwidth import (
    CURRENT_HOSTS,
    GUIDE_HOSTS,
    TEST_HOSTS,
    Hosts,
    MessagingClient,
    hosts_for_environment,
    local_hosts,
)
from wizard.bandwidth.hosts import is_local_url, messaging_generation


def test_todays_defaults() -> None:
    assert CURRENT_HOSTS.dashboard_url == "https://api.bandwidth.com/api/v2"
    assert CURRENT_HOSTS.messaging_url == "https://messaging.bandwidth.com/api/v2"
    assert CURRENT_HOSTS.oauth_token_url == "https://api.bandwidth.com/api/v1/oauth2/token"
    # 10DLC and toll-free verification share the Dashboard's /api/v2 base and token.
    assert CURRENT_HOSTS.platform_url == CURRENT_HOSTS.dashboard_url
    assert CURRENT_HOSTS.messaging_token_url == CURRENT_HOSTS.oauth_token_url
    assert not CURRENT_HOSTS.retired and not CURRENT_HOSTS.messaging_is_production


def test_test_environment_keeps_messaging_on_production() -> None:
    assert TEST_HOSTS.dashboard_url == "https://test.api.bandwidth.com/api/v2"
    assert TEST_HOSTS.platform_url == "https://test.api.bandwidth.com/api/v2"
    assert TEST_HOSTS.oauth_token_url == "https://test.api.bandwidth.com/api/v1/oauth2/token"
    # Bandwidth has no messaging test host; a test-realm token is refused by production.
    assert TEST_HOSTS.messaging_url == CURRENT_HOSTS.messaging_url
    assert TEST_HOSTS.messaging_token_url == CURRENT_HOSTS.oauth_token_url
    assert TEST_HOSTS.messaging_is_production
    assert "production" in TEST_HOSTS.label


def test_guide_hosts_are_labelled_retired() -> None:
    assert GUIDE_HOSTS.messaging_url == "https://api.catapult.inetwork.com/v2"
    assert GUIDE_HOSTS.dashboard_url == "https://dashboard.bandwidth.com/api"
    assert GUIDE_HOSTS.retired and "retired" in GUIDE_HOSTS.label


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (None, CURRENT_HOSTS),
        ("", CURRENT_HOSTS),
        ("prod", CURRENT_HOSTS),
        ("PROD", CURRENT_HOSTS),
        ("test", TEST_HOSTS),
        (" uat ", TEST_HOSTS),
    ],
)
def test_hosts_for_environment(name: str | None, expected: Hosts) -> None:
    assert hosts_for_environment(name) is expected


def test_unknown_environment_is_refused_not_production() -> None:
    with pytest.raises(ValueError, match="staging"):
        hosts_for_environment("staging")


def test_local_hosts_are_laid_out_like_bandwidth_today_and_in_the_guide() -> None:
    current = local_hosts("http://127.0.0.1:8960/")
    assert current.dashboard_url == "http://127.0.0.1:8960/api/v2"
    assert current.platform_url == "http://127.0.0.1:8960/api/v2"
    assert current.messaging_url == "http://127.0.0.1:8960/api/v2"
    assert current.oauth_token_url == "http://127.0.0.1:8960/api/v1/oauth2/token"
    assert current.environment == "local" and not current.retired
    guide = local_hosts("http://127.0.0.1:8960", guide=True)
    assert guide.dashboard_url == "http://127.0.0.1:8960/api"
    assert guide.messaging_url == "http://127.0.0.1:8960/v2"
    assert guide.retired
    assert messaging_generation(current.messaging_url) == "current"
    assert messaging_generation(guide.messaging_url) == "guide"
    assert messaging_generation(GUIDE_HOSTS.messaging_url) == "guide"
    assert messaging_generation(CURRENT_HOSTS.messaging_url) == "current"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8960/api", True),
        ("http://127.9.9.9/api", True),
        ("http://localhost:1/x", True),
        ("http://sandbox.localhost/x", True),
        ("http://[::1]:8960/api", True),
        ("https://api.bandwidth.com/api/v2", False),
        ("https://localhost.example.com/api", False),
        ("http://10.0.0.5/api", False),
        ("not a url", False),
        ("http://[::1/api", False),
    ],
)
def test_is_local_url(url: str, local: bool) -> None:
    assert is_local_url(url) is local


async def test_messages_url_for_both_generations() -> None:
    async with MessagingClient(GUIDE_HOSTS.messaging_url, "u-1", None) as guide:
        assert guide.messages_url == "https://api.catapult.inetwork.com/v2/users/u-1/messages"
    async with MessagingClient(CURRENT_HOSTS.messaging_url + "/", "99", None) as current:
        assert current.messages_url == "https://messaging.bandwidth.com/api/v2/users/99/messages"


async def test_a_pool_for_plain_http_hosts_loads_no_ca_and_still_refuses_unverified_tls(
    sandbox: Any,
) -> None:
    """The sandbox's pool skips the CA bundle (start-up time), yet its TLS context verifies
    like any other: an https request through it could only fail, never go unchecked."""
    import ssl

    from tests.engine.helpers import sandbox_conn
    from wizard.session.connection import build_clients

    conn, secrets = sandbox_conn(sandbox)
    clients = build_clients(conn, secrets)
    try:
        await clients.dashboard.get_account()
        context = clients.pool.client._transport._pool._ssl_context  # httpx's own transport
        assert context.get_ca_certs() == []
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    finally:
        await clients.aclose()
