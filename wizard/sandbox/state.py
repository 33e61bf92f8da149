"""Everything the sandbox holds, behind one lock, with seeded ids and bounded collections.

Routes are async but only touch the state in short synchronous sections under `lock` (never across
an await), so concurrent requests cannot interleave halfway through a change. A re-entrant
threading lock is used because tests may read the state from another thread.
"""

from __future__ import annotations

import random
import secrets
import string
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from wizard.sandbox import disconnects
from wizard.sandbox.clock import MANUAL, SandboxClock
from wizard.sandbox.compliance import ComplianceState
from wizard.sandbox.config import SandboxConfig, runtime_view
from wizard.sandbox.credentials import ApiCredential, sandbox_credentials
from wizard.sandbox.faults import FaultRegistry
from wizard.sandbox.orders import NumberPool, Outcome, status_at
from wizard.sandbox.ratelimit import RateLimiter
from wizard.sandbox.timestamps import iso
from wizard.sandbox.tokens import TokenBook

#: Bounded memory: creates beyond these answer with an error instead of growing without end.
MAX_SITES = 50
MAX_LOCATIONS = 500
MAX_APPLICATIONS = 200
MAX_ORDERS = 1000
MAX_IN_SERVICE = 20_000
"""Room for a seeded large account (10,000 numbers) and as many ordered on top of it."""

FIRST_LOCATION_ID = 500101


@dataclass
class Site:
    id: str
    name: str
    description: str | None = None
    customer_name: str | None = None
    address: dict[str, str] = field(default_factory=dict)


@dataclass
class SmsSettings:
    toll_free: bool
    short_code: bool
    protocol: str
    zones: tuple[bool, bool, bool, bool, bool]
    proxy_peer_id: str
    a2p_long_code: str | None = None
    """Location A2P settings (ON, OFF, DefaultOn, DefaultOff), only when the request set them."""
    a2p_message_class: str | None = None
    a2p_campaign_id: str | None = None
    proxy_peer_requested: str | None = None
    """A ProxyPeerId the request named (and the sandbox ignored), so tests can see it was sent."""


@dataclass
class MmsSettings:
    protocol: str
    proxy_peer_id: str


@dataclass
class Location:
    """A location (SIP peer): numbers live here, and so do the messaging settings."""

    id: str
    site_id: str
    name: str
    is_default: bool
    description: str | None = None
    sms: SmsSettings | None = None
    mms: MmsSettings | None = None
    application_id: str | None = None
    numbers: list[str] = field(default_factory=list)


@dataclass
class Creds:
    user_id: str
    password: str = field(repr=False)


@dataclass
class Application:
    id: str
    service_type: str
    name: str
    inbound_url: str | None = None
    outbound_url: str | None = None
    url_style: str = "CallbackUrl"
    """Which URL element the client used, so the echo mirrors it: CallbackUrl, MsgCallbackUrl
    or split (InboundCallbackUrl/OutboundCallbackUrl)."""
    inbound_creds: Creds | None = None
    outbound_creds: Creds | None = None
    creds_style: str = "CallbackCreds"
    requested_callback_types: list[str] = field(
        default_factory=lambda: ["message-delivered", "message-failed", "message-sending"]
    )
    voice_callback_url: str | None = None

    def public(self) -> dict[str, Any]:
        """No password ever leaves the sandbox, not even to /_sandbox/state."""
        return {
            "id": self.id,
            "service_type": self.service_type,
            "name": self.name,
            "inbound_callback_url": self.inbound_url,
            "outbound_callback_url": self.outbound_url,
            "callback_user_id": self.outbound_creds.user_id if self.outbound_creds else None,
            "has_callback_password": bool(self.outbound_creds and self.outbound_creds.password),
            "requested_callback_types": list(self.requested_callback_types),
        }


@dataclass
class Order:
    id: str
    site_id: str
    peer_id: str
    peer_id_given: bool
    created_by: str
    created_wall: float
    created_mono: float
    delay: float
    outcome: Outcome
    order_type: str = "area_code"
    """area_code (AreaCodeSearchAndOrderType), existing (ExistingTelephoneNumberOrderType) or
    toll_free (TollFreeWildCharSearchAndOrderType)."""
    area_code: str | None = None
    toll_free_pattern: str | None = None
    quantity: int = 1
    requested_numbers: list[str] = field(default_factory=list)
    customer_order_id: str | None = None
    name: str | None = None
    back_order_requested: bool = False
    partial_allowed: bool = True
    finalized: bool = False

    def status(self, now_mono: float) -> str:
        return status_at(now_mono - self.created_mono, self.delay, self.outcome.status)

    @property
    def complete_wall(self) -> float:
        return self.created_wall + self.delay


@dataclass
class Message:
    id: str
    owner: str
    application_id: str
    time: str
    segment_count: int
    to: list[str]
    from_number: str
    text: str
    media: list[str] | None = None
    tag: str | None = None
    priority: str = "default"
    direction: str = "out"
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per destination: the planned outcome and which callbacks were delivered."""
    created_wall: float = 0.0
    """Wall-clock seconds when it was accepted: List Messages filters and sorts by it."""

    def as_json(self) -> dict[str, Any]:
        """The 202 body, key order as the documented answer."""
        body: dict[str, Any] = {
            "id": self.id,
            "owner": self.owner,
            "applicationId": self.application_id,
            "time": self.time,
            "segmentCount": self.segment_count,
            "direction": self.direction,
            "to": list(self.to),
            "from": self.from_number,
            "text": self.text,
        }
        if self.media:
            body["media"] = list(self.media)
        if self.tag is not None:
            body["tag"] = self.tag
        body["priority"] = self.priority
        return body


class IdFactory:
    """Seeded ids: the same seed gives the same application, order and message ids."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"ids:{seed}")
        self._site = 10001
        self._location = FIRST_LOCATION_ID - 1
        self._message = 0

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def site_id(self) -> str:
        self._site += 1
        return str(self._site)

    def location_id(self) -> str:
        self._location += 1
        return str(self._location)

    def message_id(self) -> str:
        """Bandwidth's shape: 13 digits of 'time' and 16 lowercase letters and digits."""
        self._message += 1
        stamp = 1_600_000_000_000 + self._message * 7_919
        tail = "".join(self._rng.choice(string.ascii_lowercase + string.digits) for _ in range(16))
        return f"{stamp:013d}{tail}"


class SandboxState:
    """All sandbox data; create with a config, `reset()` to go back to the seeded start."""

    def __init__(
        self,
        config: SandboxConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        seeder: Callable[[SandboxState, Any], object] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.seeder = seeder
        """Builds the start-up large account on a reset (`wizard.sandbox.seed.seed_large`, handed
        in by the server: the seeder builds on this module, so this module cannot import it)."""
        self.initial_config = config
        self.identity = config.identity
        self.time = SandboxClock(manual=config.clock == MANUAL, monotonic=clock, wall=wall)
        """The sandbox's one clock: sleeps, elapsed time and timestamps (see clock.py)."""
        self.clock: Callable[[], float] = self.time
        """Monotonic seconds for orders and tokens; an embedder may swap in its own callable."""
        self.wall: Callable[[], float] = self.time.wall
        self.faults = FaultRegistry()
        self.credentials: tuple[ApiCredential, ...] = sandbox_credentials(self.identity)
        self.token_book = TokenBook(secrets.token_bytes(32))
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------

    def reset(self, *, with_large_account: bool = True) -> None:
        """Back to one site and nothing else (plus the start-up large account, if any, unless
        `with_large_account` is False); runtime config, faults, clock and limits back too."""
        with self.lock:
            self.config = replace(self.initial_config)
            self.ids = IdFactory(self.config.seed)
            self.pool = NumberPool(self.config.seed)
            self.sites: dict[str, Site] = {}
            self.locations: dict[str, Location] = {}
            self.applications: dict[str, Application] = {}
            self.orders: dict[str, Order] = {}
            self._pending_orders: list[str] = []
            self.in_service: dict[str, dict[str, str]] = {}
            self.allocated: set[str] = set()
            self.messages: OrderedDict[str, Message] = OrderedDict()
            self.callback_attempts: deque[dict[str, Any]] = deque(
                maxlen=self.config.max_callback_attempts
            )
            self._attempt_seq = 0
            self.request_counts: dict[str, int] = {}
            self.recent_requests: deque[dict[str, Any]] = deque(maxlen=self.config.max_request_log)
            self.token_book.clear()
            self.compliance = ComplianceState(self.config.seed)
            self.disconnects: dict[str, disconnects.Disconnect] = {}
            self.aging: set[str] = set()
            """Numbers this account disconnected: gone from service, never offered again."""
            self.time.restart(manual=self.config.clock == MANUAL)
            self.rate_limiter = RateLimiter(self.config.rate_limits, self.time)
            self.faults.clear()
            seeded = Site(
                id=self.identity.site_id,
                name=self.identity.site_name,
                description="The sub-account the guide assumes you already have",
                address={
                    "HouseNumber": "900",
                    "StreetName": "Main Campus Dr",
                    "City": "RALEIGH",
                    "StateCode": "NC",
                    "Zip": "27606",
                    "Country": "United States",
                    "AddressType": "Service",
                },
            )
            self.sites[seeded.id] = seeded
            large = self.config.large_account
            if with_large_account and large is not None and self.seeder is not None:
                self.seeder(self, large)
            self.generation = getattr(self, "generation", 0) + 1

    # -- orders ----------------------------------------------------------------------------

    def add_order(self, order: Order) -> None:
        with self.lock:
            self.orders[order.id] = order
            self._pending_orders.append(order.id)
            self.allocated.update(order.outcome.completed)
            self.allocated.update(order.outcome.failed)

    def advance(self) -> None:
        """Apply every order whose delay has passed: completed numbers go in service,
        disconnected numbers leave it."""
        with self.lock:
            disconnects.settle_due(self, self.clock())
            if not self._pending_orders:
                return
            now = self.clock()
            still_pending: list[str] = []
            for order_id in self._pending_orders:
                order = self.orders.get(order_id)
                if order is None:
                    continue
                if now - order.created_mono < order.delay:
                    still_pending.append(order_id)
                    continue
                self._finalize(order)
            self._pending_orders = still_pending

    def _finalize(self, order: Order) -> None:
        order.finalized = True
        location = self.locations.get(order.peer_id)
        for number in order.outcome.completed:
            self.in_service[number] = {
                "number": number,
                "site_id": order.site_id,
                "location_id": order.peer_id,
                "order_id": order.id,
            }
            if location is not None and number not in location.numbers:
                location.numbers.append(number)

    def location_of_number(self, number: str) -> Location | None:
        """The location a 10-digit in-service number belongs to."""
        with self.lock:
            self.advance()
            record = self.in_service.get(number)
            if record is None:
                return None
            return self.locations.get(record["location_id"])

    # -- messages and callbacks ------------------------------------------------------------

    def add_message(self, message: Message) -> None:
        with self.lock:
            self.messages[message.id] = message
            while len(self.messages) > self.config.max_messages:
                self.messages.popitem(last=False)

    def record_attempt(self, attempt: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self._attempt_seq += 1
            attempt = {"seq": self._attempt_seq, **attempt}
            self.callback_attempts.append(attempt)
            return attempt

    # -- request log -----------------------------------------------------------------------

    def record_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            key = f"{entry['method']} {entry['route']}"
            self.request_counts[key] = self.request_counts.get(key, 0) + 1
            self.recent_requests.append(entry)
            # Entries arrive when a request ends; keep them in the order the requests began.
            log = self.recent_requests
            index = len(log) - 1
            while index > 0 and _arrival(log[index - 1]) > _arrival(entry):
                log[index - 1], log[index] = log[index], log[index - 1]
                index -= 1

    # -- OAuth2 tokens ---------------------------------------------------------------------

    def issue_token(self, credential: ApiCredential, issuer: str) -> tuple[str, int]:
        """A signed JWT for `credential`, valid for `token_lifetime` seconds of sandbox clock."""
        with self.lock:
            lifetime = int(self.config.token_lifetime)
            issued = int(self.wall())
            claims = {
                "iss": issuer,
                "sub": credential.client_id,
                "aud": issuer,
                "client_id": credential.client_id,
                "jti": str(uuid.uuid4()),
                "iat": issued,
                "nbf": issued,
                "exp": issued + lifetime,
                "accounts": list(credential.accounts),
                "roles": list(credential.roles),
                "express": credential.express,
            }
            return self.token_book.issue(claims, self.clock() + lifetime), lifetime

    def token_claims(self, token: str) -> dict[str, Any] | None:
        """The claims of a live token this sandbox issued, else None."""
        with self.lock:
            return self.token_book.claims(token, self.clock())

    def token_valid(self, token: str) -> bool:
        return self.token_claims(token) is not None

    # -- the JSON view ---------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Everything held, as JSON-ready data, with no secret in it."""
        with self.lock:
            self.advance()
            now = self.clock()
            return {
                "identity": self.identity.public(),
                "config": runtime_view(self.config),
                "sites": [_site_json(site) for site in self.sites.values()],
                "locations": [_location_json(loc) for loc in self.locations.values()],
                "applications": [app.public() for app in self.applications.values()],
                "orders": [_order_json(order, now) for order in self.orders.values()],
                "numbers": list(self.in_service.values()),
                "messages": [
                    {**message.as_json(), "results": message.results}
                    for message in self.messages.values()
                ],
                "callback_attempts": list(self.callback_attempts),
                "requests": {
                    "counts": dict(self.request_counts),
                    "recent": list(self.recent_requests),
                },
                "faults": self.faults.describe(),
                "clock": self.time.describe(),
                "disconnects": [_disconnect_json(d, now) for d in self.disconnects.values()],
                "credentials": [credential.public() for credential in self.credentials],
                **self.compliance.snapshot(now),
            }


def _arrival(entry: dict[str, Any]) -> float:
    return float(entry.get("arrival", entry["time"]))


def _site_json(site: Site) -> dict[str, Any]:
    return {"id": site.id, "name": site.name, "description": site.description}


def _location_json(location: Location) -> dict[str, Any]:
    sms = location.sms
    mms = location.mms
    return {
        "id": location.id,
        "site_id": location.site_id,
        "name": location.name,
        "is_default": location.is_default,
        "sms": None
        if sms is None
        else {
            "toll_free": sms.toll_free,
            "short_code": sms.short_code,
            "protocol": sms.protocol,
            "zones": list(sms.zones),
            "proxy_peer_id": sms.proxy_peer_id,
            "proxy_peer_requested": sms.proxy_peer_requested,
            "a2p_long_code": sms.a2p_long_code,
            "a2p_campaign_id": sms.a2p_campaign_id,
        },
        "mms": None
        if mms is None
        else {"protocol": mms.protocol, "proxy_peer_id": mms.proxy_peer_id},
        "application_id": location.application_id,
        "numbers": list(location.numbers),
    }


def _order_json(order: Order, now: float) -> dict[str, Any]:
    status = order.status(now)
    final = status == order.outcome.status and now - order.created_mono >= order.delay
    return {
        "id": order.id,
        "customer_order_id": order.customer_order_id,
        "status": status,
        "final_status": order.outcome.status,
        "site_id": order.site_id,
        "location_id": order.peer_id,
        "area_code": order.area_code,
        "quantity": order.quantity,
        "completed_numbers": list(order.outcome.completed) if final else [],
        "failed_numbers": list(order.outcome.failed) if final else [],
        "created": iso(order.created_wall),
    }


def _disconnect_json(disconnect: disconnects.Disconnect, now: float) -> dict[str, Any]:
    return {
        "id": disconnect.id,
        "customer_order_id": disconnect.customer_order_id,
        "status": disconnect.status(now),
        "numbers": list(disconnect.numbers),
        "disconnected": list(disconnect.disconnected),
        "errors": [
            {"code": code, "description": text, "number": number}
            for code, text, number in disconnect.errors
        ],
        "created": iso(disconnect.created_wall),
    }
