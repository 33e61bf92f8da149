"""What the clients hand back: small frozen records, free of XML and HTTP.

Steps and screens read these instead of parsed XML dictionaries, so a change in how Bandwidth
nests an element touches ``xml.py`` only. They are frozen so a record can be shared between a
worker and a screen without anyone editing it underneath the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

#: Order statuses after which nothing will change any more (number orders and TN option
#: orders alike).
FINAL_ORDER_STATUSES = frozenset({"COMPLETE", "PARTIAL", "FAILED"})

#: The site address types Bandwidth accepts (programmatic-setup.mdx).
ADDRESS_TYPES = ("Billing", "Service")

#: USPS state codes: the 50 states, DC and the territories Bandwidth numbers serve.
US_STATE_CODES = frozenset(
    re.findall(
        r"[A-Z]{2}",
        "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
        "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR VI GU AS MP",
    )
)


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
class Address:
    """A sub-account's address: Bandwidth refuses a new ``<Site>`` without one.

    Required: house number, street name, city, two-letter state code, ZIP and the address
    type (Billing or Service); the rest is optional (programmatic-setup.mdx, numbers SDK
    ``models/maps/address.py``).
    """

    house_number: str
    street_name: str
    city: str
    state_code: str
    zip: str
    address_type: str = "Billing"
    house_prefix: str = ""
    house_suffix: str = ""
    pre_directional: str = ""
    street_suffix: str = ""
    post_directional: str = ""
    address_line2: str = ""
    plus_four: str = ""
    county: str = ""
    country: str = ""

    #: (attribute, Bandwidth's element) in the order the Dashboard documents them.
    ELEMENTS = (
        ("house_number", "HouseNumber"),
        ("house_prefix", "HousePrefix"),
        ("house_suffix", "HouseSuffix"),
        ("pre_directional", "PreDirectional"),
        ("street_name", "StreetName"),
        ("street_suffix", "StreetSuffix"),
        ("post_directional", "PostDirectional"),
        ("address_line2", "AddressLine2"),
        ("city", "City"),
        ("state_code", "StateCode"),
        ("zip", "Zip"),
        ("plus_four", "PlusFour"),
        ("county", "County"),
        ("country", "Country"),
        ("address_type", "AddressType"),
    )
    REQUIRED = ("house_number", "street_name", "city", "state_code", "zip", "address_type")

    def elements(self) -> dict[str, str]:
        """The ``<Address>`` children to send: every field that is set, in Bandwidth's order."""
        out: dict[str, str] = {}
        for attr, element in self.ELEMENTS:
            value = str(getattr(self, attr)).strip()
            if value:
                out[element] = value
        return out

    @classmethod
    def from_elements(cls, values: dict[str, str]) -> Address:
        """An address from ``{"HouseNumber": ..., ...}`` (Bandwidth's element names)."""
        by_element = {element: attr for attr, element in cls.ELEMENTS}
        kwargs = {by_element[k]: str(v) for k, v in values.items() if k in by_element}
        for attr in cls.REQUIRED:
            kwargs.setdefault(attr, "")
        return cls(**kwargs)

    def problems(self) -> list[str]:
        """What Bandwidth would refuse, as plain sentences; empty when it can be sent."""
        out = []
        names = {
            "house_number": "house number",
            "street_name": "street name",
            "city": "city",
            "state_code": "state",
            "zip": "ZIP code",
            "address_type": "address type",
        }
        for attr in self.REQUIRED:
            if not str(getattr(self, attr)).strip():
                out.append(f"The address needs a {names[attr]}.")
        state = self.state_code.strip()
        if state and state.upper() not in US_STATE_CODES:
            out.append("The state must be a US two-letter state code, such as NC.")
        zip_code = self.zip.strip()
        if zip_code and not re.fullmatch(r"\d{5}", zip_code):
            out.append("The ZIP code must be five digits.")
        kind = self.address_type.strip()
        if kind and kind not in ADDRESS_TYPES:
            out.append("The address type must be Billing or Service.")
        return out


@dataclass(frozen=True)
class Site:
    """A sub-account (site): the container for locations and numbers."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Application:
    """A Messaging-V2 application: where Bandwidth POSTs message events.

    Bandwidth reports an application's callbacks in up to three overlapping forms: the
    deprecated ``CallbackUrl``, ``MsgCallbackUrl`` (what today's docs write), and the
    ``InboundCallbackUrl``/``OutboundCallbackUrl`` pair with their own creds (what the
    Bandwidth App may set, with two different URLs). All are kept, so a caller can tell a
    single-URL application from a split one and never replace a split one without asking.

    The callback password is never kept: the real API does not echo it and the wizard keeps
    secrets only in the keyring.
    """

    id: str
    name: str
    service_type: str = ""
    callback_url: str = ""
    """The one URL for every message event: ``MsgCallbackUrl`` or ``CallbackUrl``, or the
    inbound/outbound URL when both are the same. For a split application, the URL Bandwidth
    reports in the deprecated fields (empty when it reports none)."""
    callback_user: str | None = None
    """``CallbackCreds``/``MsgCallbackCreds`` user, or the inbound/outbound one when they agree."""
    callback_types: tuple[str, ...] = ()
    """``RequestedCallbackTypes`` when the API reports them (message-delivered, ...)."""
    inbound_callback_url: str = ""
    """``InboundCallbackUrl``: where message-received events go."""
    outbound_callback_url: str = ""
    """``OutboundCallbackUrl``: where message-sending/-delivered/-failed events go."""
    inbound_callback_user: str | None = None
    outbound_callback_user: str | None = None

    @property
    def is_split(self) -> bool:
        """True when inbound and outbound events go to different URLs or use different users:
        a configuration one ``MsgCallbackUrl`` would silently overwrite."""
        inbound, outbound = self.inbound_callback_url, self.outbound_callback_url
        if inbound and outbound and inbound != outbound:
            return True
        users = (self.inbound_callback_user, self.outbound_callback_user)
        return all(users) and users[0] != users[1]

    @property
    def status_callback_url(self) -> str:
        """Where delivery reports (message-delivered, message-failed) are sent."""
        return self.outbound_callback_url or self.callback_url or self.inbound_callback_url


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
    """The HTTP proxy peer Bandwidth picked, as its answer says; None when it said none."""
    a2p_long_code: str | None = None
    """Location-wide ``A2pLongCode`` (ON, OFF, DefaultOn, DefaultOff) when set."""
    a2p_message_class: str | None = None
    a2p_campaign_id: str | None = None

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
    number_errors: tuple[tuple[str, OrderError], ...] = ()
    """``(telephone number, reason)`` for each error that names the number it is about (a
    PARTIAL order's ``<Error><TelephoneNumber>``): why that number in particular failed."""
    area_code: str | None = None
    quantity: int | None = None
    toll_free_pattern: str | None = None
    """``TollFreeWildCardPattern`` of a toll-free order (``8**``), None for an area-code one."""
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


@dataclass(frozen=True)
class OrderListPage:
    """One page of ``GET /orders``: its entries and the ``page`` value of the next page."""

    entries: tuple[dict[str, str], ...]
    next_page: str | None
    total: int | None = None


@dataclass(frozen=True)
class TnOptionError:
    """One problem in a TN option order, usually about one number."""

    code: str
    description: str
    telephone_number: str | None = None


@dataclass(frozen=True)
class TnOptionWarning:
    """A warning Bandwidth attached to a number ("SMS is already Enabled ...")."""

    telephone_number: str | None
    description: str


#: TN option order statuses (numbers.yml GetTnOptionOrder).
TN_OPTION_STATUSES = ("RECEIVED", "PROCESSING", "COMPLETE", "PARTIAL", "FAILED")


@dataclass(frozen=True)
class TnOptionOrder:
    """A TN option order: here, assigning numbers to a 10DLC campaign (``A2pSettings``).

    PARTIAL and FAILED are normal answers: ``errors`` says which number failed and why.
    """

    id: str
    status: str
    """``ProcessingStatus``: RECEIVED, PROCESSING, COMPLETE, PARTIAL or FAILED."""
    numbers: tuple[str, ...] = ()
    """Every number the order named, as Bandwidth echoes them."""
    campaign_id: str | None = None
    message_class: str | None = None
    action: str | None = None
    customer_order_id: str | None = None
    errors: tuple[TnOptionError, ...] = ()
    warnings: tuple[TnOptionWarning, ...] = ()
    created: str | None = None
    last_modified: str | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_ORDER_STATUSES

    @property
    def failed_numbers(self) -> tuple[str, ...]:
        """Numbers an error names (all of them when the order FAILED without naming any)."""
        named = tuple(dict.fromkeys(e.telephone_number for e in self.errors if e.telephone_number))
        if not named and self.status == "FAILED":
            return self.numbers
        return named

    @property
    def completed_numbers(self) -> tuple[str, ...]:
        """Numbers done once the order is COMPLETE or PARTIAL; empty before that."""
        if self.status not in ("COMPLETE", "PARTIAL"):
            return ()
        failed = {_digits(n) for n in self.failed_numbers}
        return tuple(n for n in self.numbers if _digits(n) not in failed)

    def errors_for(self, number: str) -> tuple[TnOptionError, ...]:
        """The errors about one number (matched on its last ten digits)."""
        key = _digits(number)
        return tuple(
            e for e in self.errors if e.telephone_number and _digits(e.telephone_number) == key
        )


def _digits(number: str) -> str:
    """The national ten digits of a US number however it is written (+1..., 1..., 10 digits)."""
    only = "".join(c for c in number if c.isdigit())
    return only[-10:]


def us_e164(number: str) -> str:
    """``+1`` and ten digits for a North American number written any common way; anything
    else (already E.164 elsewhere, or not a number) is returned trimmed, for Bandwidth to judge.

    The TN option and platform APIs want E.164; the Dashboard's paths and lists use ten digits
    (:func:`national`).
    """
    text = number.strip()
    only = "".join(c for c in text if c.isdigit())
    if len(only) == 10 and not text.startswith("+"):
        return "+1" + only
    if len(only) == 11 and only.startswith("1"):
        return "+" + only
    return text


def national(number: str) -> str:
    """The ten digits the Dashboard uses for a North American number (``9195551234``)."""
    only = "".join(c for c in number if c.isdigit())
    if len(only) == 11 and only.startswith("1"):
        return only[1:]
    return only


@dataclass(frozen=True)
class MessagingSettings:
    """A number's messaging settings in ``tndetails`` (numbers.yml TnDetailsMessagingSettings;
    the numbers SDK adds ``CampaignFullyProvisioned``)."""

    sms_enabled: bool | None = None
    campaign_id: str | None = None
    message_class: str | None = None
    a2p_state: str | None = None
    """OFF, SYSTEM_DEFAULT or OVERRIDDEN (an ``A2pSettings`` TN option set it)."""
    campaign_fully_provisioned: bool | None = None


@dataclass(frozen=True)
class TnDetails:
    """``GET /tns/{tn}/tndetails``: where a number lives and how it may message."""

    number: str
    status: str = ""
    """Inservice, ..."""
    account_id: str | None = None
    site_id: str | None = None
    location_id: str | None = None
    location_name: str | None = None
    messaging: MessagingSettings | None = None


@dataclass(frozen=True)
class LocationNumber:
    """One number of a location's list (``GET .../sippeers/{p}/tns``, ReadSipPeerTns)."""

    number: str
    """Ten digits, as the Dashboard lists them."""
    sms_enabled: bool | None = None
    """``MessagingSettings/SmsEnabled``; None when the list left it out."""


@dataclass(frozen=True)
class AssociatedLocation:
    """A location an application is linked to (``associatedsippeers``)."""

    site_id: str
    location_id: str
    site_name: str = ""
    location_name: str = ""


#: Per-number disconnect errors that mean "already gone": the number is no longer in service on
#: the account (errors.mdx 5074), or it was never the account's (5076). A teardown rerun after a
#: crash meets exactly these, so they are finished work, not failures.
DISCONNECT_ALREADY_GONE = frozenset({"5074", "5076"})


@dataclass(frozen=True)
class DisconnectError:
    """Why one number of a disconnect order was not disconnected."""

    code: str
    description: str
    telephone_number: str | None = None

    @property
    def already_gone(self) -> bool:
        return self.code in DISCONNECT_ALREADY_GONE


@dataclass(frozen=True)
class DisconnectOrder:
    """A disconnect order (numbers.yml CreateDisconnectOrder / ReadDisconnectOrder).

    It goes RECEIVED, PROCESSING, then COMPLETE, PARTIAL or FAILED; PARTIAL and FAILED list a
    ``<Error>`` per number, which is data for the caller, not a failure of the request.
    """

    id: str
    status: str
    numbers: tuple[str, ...] = ()
    """Every number the order named, as Bandwidth echoes them (ten digits)."""
    disconnected: tuple[str, ...] = ()
    """``DisconnectedTelephoneNumberList``: the numbers this order took out of service."""
    errors: tuple[DisconnectError, ...] = ()
    customer_order_id: str | None = None
    created: str | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_ORDER_STATUSES

    @property
    def problems(self) -> tuple[DisconnectError, ...]:
        """The errors that leave a number in service (anything but "already gone")."""
        return tuple(e for e in self.errors if not e.already_gone)

    @property
    def gone(self) -> tuple[str, ...]:
        """Numbers out of service once the order is final: disconnected now or before."""
        if not self.is_final:
            return ()
        earlier = tuple(e.telephone_number for e in self.errors if e.already_gone)
        return tuple(dict.fromkeys((*self.disconnected, *(n for n in earlier if n))))
