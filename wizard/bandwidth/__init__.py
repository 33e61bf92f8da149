"""Bandwidth API clients: HTTP and XML only, no UI, no files, no global state.

Import what you need from here; the submodules are an implementation detail.

Names are resolved on first use (PEP 562): the first screen of the wizard needs only the hosts
and error types, and loading every client (httpx, the XML codec) up front made it wait for
modules no request had asked for yet.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .auth import BasicAuth, OAuth2ClientCredentials, basic_auth
    from .dashboard import DashboardClient
    from .errors import KINDS, BandwidthConnectionError, BandwidthError, FieldError
    from .hosts import CURRENT_HOSTS, GUIDE_HOSTS, Hosts, local_hosts
    from .messaging import MessagingClient
    from .models import (
        Account,
        Application,
        Location,
        MmsSettings,
        Order,
        OrderError,
        RequestInfo,
        SentMessage,
        Site,
        SmsSettings,
    )
    from .transport import DEFAULT_TIMEOUT, NO_RETRY, RetryPolicy

#: Public name -> the submodule that defines it.
_HOME: dict[str, str] = {
    "BasicAuth": "auth",
    "OAuth2ClientCredentials": "auth",
    "basic_auth": "auth",
    "DashboardClient": "dashboard",
    "KINDS": "errors",
    "BandwidthConnectionError": "errors",
    "BandwidthError": "errors",
    "FieldError": "errors",
    "CURRENT_HOSTS": "hosts",
    "GUIDE_HOSTS": "hosts",
    "Hosts": "hosts",
    "local_hosts": "hosts",
    "MessagingClient": "messaging",
    "Account": "models",
    "Application": "models",
    "Location": "models",
    "MmsSettings": "models",
    "Order": "models",
    "OrderError": "models",
    "RequestInfo": "models",
    "SentMessage": "models",
    "Site": "models",
    "SmsSettings": "models",
    "DEFAULT_TIMEOUT": "transport",
    "NO_RETRY": "transport",
    "RetryPolicy": "transport",
}

__all__ = [
    "CURRENT_HOSTS",
    "DEFAULT_TIMEOUT",
    "GUIDE_HOSTS",
    "KINDS",
    "NO_RETRY",
    "Account",
    "Application",
    "BandwidthConnectionError",
    "BandwidthError",
    "BasicAuth",
    "DashboardClient",
    "FieldError",
    "Hosts",
    "Location",
    "MessagingClient",
    "MmsSettings",
    "OAuth2ClientCredentials",
    "Order",
    "OrderError",
    "RequestInfo",
    "RetryPolicy",
    "SentMessage",
    "Site",
    "SmsSettings",
    "basic_auth",
    "local_hosts",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        # Not ours: AttributeError lets `from wizard.bandwidth import xml` import the submodule.
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
