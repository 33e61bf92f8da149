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
    from .auth import (
        BasicAuth,
        OAuth2ClientCredentials,
        TokenClaims,
        basic_auth,
        decode_claims,
    )
    from .campaigns import (
        Campaign,
        NumberRegistration,
    )
    from .capabilities import (
        Capability,
        CapabilityCheck,
        CredentialReport,
        assess_credential,
        capabilities_from_roles,
    )
    from .dashboard import DashboardClient
    from .errors import (
        KINDS,
        BandwidthConnectionError,
        BandwidthError,
        FieldError,
    )
    from .gate import RequestGate
    from .hints import (
        DELIVERY_HINTS,
        DeliveryHint,
        delivery_hint,
        toll_free_decline_hint,
    )
    from .hosts import (
        CURRENT_HOSTS,
        GUIDE_HOSTS,
        TEST_HOSTS,
        Hosts,
        hosts_for_environment,
        local_hosts,
    )
    from .messaging import MessagingClient
    from .models import (
        Account,
        Address,
        Application,
        AssociatedLocation,
        Location,
        LocationNumber,
        MessagingSettings,
        MmsSettings,
        Order,
        OrderError,
        RequestInfo,
        SentMessage,
        Site,
        SmsSettings,
        TnDetails,
        TnOptionError,
        TnOptionOrder,
        TnOptionWarning,
    )
    from .platform import PlatformClient
    from .signin import sign_in
    from .transport import (
        DEFAULT_TIMEOUT,
        NO_RETRY,
        ConnectionPool,
        RetryPolicy,
    )
    from .verification import (
        BusinessAddress,
        BusinessContact,
        OptInWorkflow,
        TollFreeStatus,
        TollFreeSubmission,
    )

#: Public name -> the submodule that defines it.
_HOME: dict[str, str] = {
    "BasicAuth": "auth",
    "OAuth2ClientCredentials": "auth",
    "TokenClaims": "auth",
    "basic_auth": "auth",
    "decode_claims": "auth",
    "Campaign": "campaigns",
    "NumberRegistration": "campaigns",
    "Capability": "capabilities",
    "CapabilityCheck": "capabilities",
    "CredentialReport": "capabilities",
    "assess_credential": "capabilities",
    "capabilities_from_roles": "capabilities",
    "DashboardClient": "dashboard",
    "RequestGate": "gate",
    "KINDS": "errors",
    "BandwidthConnectionError": "errors",
    "BandwidthError": "errors",
    "FieldError": "errors",
    "DELIVERY_HINTS": "hints",
    "DeliveryHint": "hints",
    "delivery_hint": "hints",
    "toll_free_decline_hint": "hints",
    "CURRENT_HOSTS": "hosts",
    "GUIDE_HOSTS": "hosts",
    "TEST_HOSTS": "hosts",
    "Hosts": "hosts",
    "hosts_for_environment": "hosts",
    "local_hosts": "hosts",
    "MessagingClient": "messaging",
    "Account": "models",
    "Address": "models",
    "Application": "models",
    "AssociatedLocation": "models",
    "Location": "models",
    "LocationNumber": "models",
    "MessagingSettings": "models",
    "MmsSettings": "models",
    "Order": "models",
    "OrderError": "models",
    "RequestInfo": "models",
    "SentMessage": "models",
    "Site": "models",
    "SmsSettings": "models",
    "TnDetails": "models",
    "TnOptionError": "models",
    "TnOptionOrder": "models",
    "TnOptionWarning": "models",
    "PlatformClient": "platform",
    "sign_in": "signin",
    "DEFAULT_TIMEOUT": "transport",
    "NO_RETRY": "transport",
    "ConnectionPool": "transport",
    "RetryPolicy": "transport",
    "BusinessAddress": "verification",
    "BusinessContact": "verification",
    "OptInWorkflow": "verification",
    "TollFreeStatus": "verification",
    "TollFreeSubmission": "verification",
}

__all__ = [
    "CURRENT_HOSTS",
    "DEFAULT_TIMEOUT",
    "DELIVERY_HINTS",
    "GUIDE_HOSTS",
    "KINDS",
    "NO_RETRY",
    "TEST_HOSTS",
    "Account",
    "Address",
    "Application",
    "AssociatedLocation",
    "BandwidthConnectionError",
    "BandwidthError",
    "BasicAuth",
    "BusinessAddress",
    "BusinessContact",
    "Campaign",
    "Capability",
    "CapabilityCheck",
    "ConnectionPool",
    "CredentialReport",
    "DashboardClient",
    "DeliveryHint",
    "FieldError",
    "Hosts",
    "Location",
    "LocationNumber",
    "MessagingClient",
    "MessagingSettings",
    "MmsSettings",
    "NumberRegistration",
    "OAuth2ClientCredentials",
    "OptInWorkflow",
    "Order",
    "OrderError",
    "PlatformClient",
    "RequestGate",
    "RequestInfo",
    "RetryPolicy",
    "SentMessage",
    "Site",
    "SmsSettings",
    "TnDetails",
    "TnOptionError",
    "TnOptionOrder",
    "TnOptionWarning",
    "TokenClaims",
    "TollFreeStatus",
    "TollFreeSubmission",
    "assess_credential",
    "basic_auth",
    "capabilities_from_roles",
    "decode_claims",
    "delivery_hint",
    "hosts_for_environment",
    "local_hosts",
    "sign_in",
    "toll_free_decline_hint",
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
