"""What the clients hand back: small frozen records, free of XML and HTTP.

Steps and screens read these instead of parsed XML dictionaries, so a change in how Bandwidth
nests an element touches ``xml.py`` only. They are frozen so a record can be shared between a
worker and a screen without anyone editing it underneath the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

#: Order statuses after which nothing will change any more.
FINAL_ORDER_STATUSES = frozenset({"COMPLETE", "PARTIAL", "FAILED"})


@dataclass(frozen=True)
class RequestInfo:
    """A request about to be sent, for "request sent" events and the request preview.

    The body has every ``<Password>`` masked, so it can be shown and logged as is.
    """

    method: str
    url: str
    body: str
    """Request body as text with secrets masked; empty for a GET."""
    attempt: int = 1
    """1 for the first try, 2+ for retries, so a UI can say "retrying"."""

    @property
    def body_text_masked(self) -> str:
        """The contract's name for :attr:`body`."""
        return self.body


@dataclass(frozen=True)
class Account:
    """The account the Dashboard credentials opened; proves the credentials work."""

    id: str
    company_name: str = ""
    account_type: str = ""


@dataclass(frozen=True)
class Site:
    """A sub-account (site): the container for locations and numbers."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Application:
    """A Messaging-V2 application: where Bandwidth POSTs message events.

    The callback password is never kept: the real API does not echo it and the wizard keeps
    secrets only in the keyring.
    """

    id: str
    name: str
    service_type: str = ""
    callback_url: str = ""
    callback_user: str | None = None
    callback_types: tuple[str, ...] = ()
    """``RequestedCallbackTypes`` when the API reports them (message-delivered, ...)."""


@dataclass(frozen=True)
class Location:
    """A location (SIP peer) on a sub-account: numbers and messaging settings hang off it."""

    id: str
    name: str
    site_id: str
    is_default: bool = False
    description: str = ""


@dataclass(frozen=True)
class SmsSettings:
    """The SMS feature of a location, as the API reports it."""

    toll_free: bool
    short_code: bool
    protocol: str
    zones: tuple[bool, bool, bool, bool, bool]
    """Zone1..Zone5; the guide wants (True, False, False, False, False)."""
    proxy_peer_id: str | None = None

    @property
    def is_http(self) -> bool:
        """True when SMS goes over HTTP, which Messaging 2.0 needs."""
        return self.protocol.upper() == "HTTP"


@dataclass(frozen=True)
class MmsSettings:
    """The MMS feature of a location, as the API reports it."""

    protocol: str
    proxy_peer_id: str | None = None

    @property
    def is_http(self) -> bool:
        """True when MMS goes over HTTP."""
        return self.protocol.upper() == "HTTP"


class OrderError(NamedTuple):
    """One reason an order (or part of it) failed: ``(code, description)``."""

    code: str
    description: str


@dataclass(frozen=True)
class Order:
    """A number order. PARTIAL and FAILED are normal answers here: the caller decides."""

    id: str
    status: str
    """RECEIVED, PROCESSING, COMPLETE, PARTIAL, FAILED or BACKORDERED."""
    customer_order_id: str | None = None
    completed_numbers: tuple[str, ...] = ()
    failed_numbers: tuple[str, ...] = ()
    errors: tuple[OrderError, ...] = ()
    area_code: str | None = None
    quantity: int | None = None
    site_id: str | None = None
    location_id: str | None = None
    name: str | None = None
    created: str | None = None
    """``OrderCreateDate`` as sent (ISO 8601 text)."""

    @property
    def is_final(self) -> bool:
        """True once the status will not change any more (BACKORDERED may still complete)."""
        return self.status in FINAL_ORDER_STATUSES


@dataclass(frozen=True)
class SentMessage:
    """The messaging API's 202 answer: accepted for delivery, not yet delivered."""

    id: str
    owner: str
    application_id: str
    time: str
    to: tuple[str, ...]
    from_number: str
    text: str
    segment_count: int | None = None
    tag: str | None = None
    priority: str | None = None
    media: tuple[str, ...] = ()
    direction: str = "out"
