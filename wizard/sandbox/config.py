"""How a sandbox behaves: where it listens, how slow orders are, how callbacks are retried.

Kept apart from the server so the state and the routes can read it without importing uvicorn.
Only the fields in `RUNTIME_FIELDS` may be changed while running (POST /_sandbox/config);
/_sandbox/reset puts them back to what the sandbox was started with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.sandbox.identity import Identity
from wizard.sandbox.limits import RateLimit, bandwidth_limits

DEFAULT_PORT = 8960


@dataclass(frozen=True)
class LargeAccount:
    """The shape of a seeded large account (see `seed.py`); the defaults are the scale `status`
    must stay quick on."""

    numbers: int = 10_000
    locations: int = 200
    applications: int = 50
    sites: int = 4
    """Sub-accounts the locations are spread over, the built-in one included."""
    toll_free: int = 200
    """How many of `numbers` are toll-free, on their own locations (2% unless given)."""
    failed_messages: int = 6
    """Recent outbound messages that failed, for List Messages (as many again delivered)."""


@dataclass
class SandboxConfig:
    """Start-up settings; the defaults are those of `bw-wizard sandbox`."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    """0 picks a free port (tests, `bw-wizard --sandbox`)."""
    order_delay: float = 3.0
    """Seconds from order creation to its final status (RECEIVED -> PROCESSING -> final)."""
    seed: int = 0
    """Seeds ids and phone numbers so two runs with the same seed look the same."""
    identity: Identity = field(default_factory=Identity)
    inbound_reply: bool = False
    """After a message is delivered, the destination 'replies' with a message-received event."""
    http_messaging_enabled: bool = True
    """False makes the SMS feature fail with 13609, as on an account support has not enabled."""
    delivery_delay: float = 0.5
    """Seconds between message-sending and the final callback, so progress is visible."""
    callback_timeout: float = 10.0
    """A callback answer slower than this counts as failed and is retried (Bandwidth: 10 s)."""
    callback_retry_initial: float = 1.0
    """First pause before re-sending a failed callback; doubles after each failure."""
    callback_retry_max_interval: float = 60.0
    callback_retry_window: float = 600.0
    """Give up on a callback after this many seconds (Bandwidth keeps trying for 24 h)."""
    token_lifetime: int = 3600
    """`expires_in` of OAuth2 tokens, in seconds."""
    legacy_api_users: bool = False
    """True brings back 2018 API users (HTTP Basic username:password on every API) so the
    guide's requests replay as written; Bandwidth itself refuses them since 2026-12-02."""
    a2p_only: bool = False
    """The account has Bandwidth's A2pOnly feature: every location must have A2P on, so an SMS
    feature needs A2pLongCode ON/DefaultOn, a campaign id and a message class (13638 ...)."""
    tfv_delay: float | None = None
    """Seconds a toll-free verification stays PENDING before its decision; None: order_delay."""
    campaign_provisioning_delay: float | None = None
    """Seconds a number reads PROCESSING on its campaign after its TN option order completes
    (then SUCCESS); None: order_delay."""
    max_messages: int = 500
    """Bounded memory: older messages and callback attempts are forgotten beyond these caps."""
    max_callback_attempts: int = 2000
    max_request_log: int = 500
    clock: str = "real"
    """"real" follows the machine's time; "manual" stands still until POST /_sandbox/clock
    advances it (see `clock.py`)."""
    rate_limits: dict[str, RateLimit | None] = field(default_factory=bandwidth_limits)
    """Per request group (see `limits.py`); None means unlimited. Changeable at run time with
    POST /_sandbox/ratelimits."""
    large_account: LargeAccount | None = None
    """Seed a large account at start-up and on every reset (`--large-account`)."""


#: Fields POST /_sandbox/config may change, with the type each must have.
RUNTIME_FIELDS: dict[str, type | tuple[type, ...]] = {
    "order_delay": (int, float),
    "inbound_reply": bool,
    "http_messaging_enabled": bool,
    "delivery_delay": (int, float),
    "callback_timeout": (int, float),
    "callback_retry_initial": (int, float),
    "callback_retry_max_interval": (int, float),
    "callback_retry_window": (int, float),
    "token_lifetime": int,
    "legacy_api_users": bool,
    "a2p_only": bool,
    "tfv_delay": (int, float, type(None)),
    "campaign_provisioning_delay": (int, float, type(None)),
}


def runtime_view(config: SandboxConfig) -> dict[str, object]:
    """The changeable fields as JSON-ready values."""
    return {name: getattr(config, name) for name in RUNTIME_FIELDS}


def tfv_delay(config: SandboxConfig) -> float:
    return float(config.order_delay if config.tfv_delay is None else config.tfv_delay)


def provisioning_delay(config: SandboxConfig) -> float:
    delay = config.campaign_provisioning_delay
    return float(config.order_delay if delay is None else delay)
