"""Hosts: the two generations as named defaults, and a sandbox laid out like Bandwidth."""

from __future__ import annotations

from wizard.bandwidth import CURRENT_HOSTS, GUIDE_HOSTS, MessagingClient, local_hosts
from wizard.bandwidth.hosts import messaging_generation


def test_named_defaults() -> None:
    assert CURRENT_HOSTS.dashboard_url == "https://dashboard.bandwidth.com/api"
    assert CURRENT_HOSTS.messaging_url == "https://messaging.bandwidth.com/api/v2"
    assert GUIDE_HOSTS.messaging_url == "https://api.catapult.inetwork.com/v2"
    assert GUIDE_HOSTS.oauth_token_url == CURRENT_HOSTS.oauth_token_url
    assert CURRENT_HOSTS.oauth_token_url == "https://api.bandwidth.com/api/v1/oauth2/token"


def test_local_hosts_and_generation() -> None:
    current = local_hosts("http://127.0.0.1:8960/")
    guide = local_hosts("http://127.0.0.1:8960", guide=True)
    assert current.dashboard_url == "http://127.0.0.1:8960/api"
    assert current.messaging_url == "http://127.0.0.1:8960/api/v2"
    assert guide.messaging_url == "http://127.0.0.1:8960/v2"
    assert current.oauth_token_url == "http://127.0.0.1:8960/api/v1/oauth2/token"
    assert messaging_generation(current.messaging_url) == "current"
    assert messaging_generation(guide.messaging_url) == "guide"
    assert messaging_generation(GUIDE_HOSTS.messaging_url) == "guide"
    assert messaging_generation(CURRENT_HOSTS.messaging_url) == "current"


async def test_messages_url_for_both_generations() -> None:
    async with MessagingClient(GUIDE_HOSTS.messaging_url, "u-1", None) as guide:
        assert guide.messages_url == "https://api.catapult.inetwork.com/v2/users/u-1/messages"
    async with MessagingClient(CURRENT_HOSTS.messaging_url + "/", "99", None) as current:
        assert current.messages_url == "https://messaging.bandwidth.com/api/v2/users/99/messages"
