"""Bandwidth API clients: HTTP and XML only, no UI, no files, no global state.

Import what you need from here; the submodules are an implementation detail.
"""

from __future__ import annotations

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
