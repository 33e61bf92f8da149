"""What a person (or a config file) decides; everything else the engine derives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class SetupInputs:
    """The inputs of every step, filled in by the screens or by `apply`'s config file.

    The defaults are what a screen starts with. `apply` uses one only inside a table the config
    has (an [application] without `name` is named "bw-wizard"); a missing table never falls back
    to them, and neither do the inputs that cost money or reach a person (the order's area code,
    the message's destinations), which the config must give. Every value is checked by
    `wizard.engine.validation` before it gets here.
    """

    site_id: str | None = None
    """An existing sub-account to use; when None, `new_site_name` is found or created."""
    new_site_name: str | None = None
    new_site_address: Mapping[str, str] = field(default_factory=dict)
    """The <Address> a new sub-account needs (HouseNumber, StreetName, City, StateCode, Zip,
    AddressType), in the Dashboard's names."""
    application_name: str = "bw-wizard"
    callback_url: str = ""
    callback_user: str | None = None
    callback_password: str | None = field(default=None, repr=False)
    """Secret: sent to Bandwidth once, kept in the keyring, never in progress or settings."""
    replace_split_callbacks: bool = False
    """Reusing an application made in the Bandwidth App with separate inbound and outbound
    callback URLs replaces both with one URL only when a person said so."""
    location_name: str = "bw-wizard"
    default_location: bool = True
    toll_free: bool = True
    short_code: bool = True
    area_code: str = "919"
    toll_free_pattern: str | None = None
    """Order toll-free numbers matching this wildcard pattern (``8**``, ``87*``) instead of
    local numbers in `area_code`."""
    quantity: int = 1
    order_timeout: float = 600.0
    """Seconds to watch an order before giving up (the order keeps going on Bandwidth's side)."""
    campaign_id: str | None = None
    """The REGISTERED 10DLC campaign a local number is assigned to (Ready to send)."""
    toll_free_verification: Mapping[str, str] | None = None
    """The toll-free verification request to submit for an unverified toll-free number, as the
    form holds it: Bandwidth's field names (``businessContact.email``) -> the text given
    (`wizard.engine.verification_rules`); the engine adds the order's numbers."""
    resubmit_verification: bool = False
    """Send the request again for a declined verification that allows it."""
    readiness_wait: float = 30.0
    """Seconds to wait for provisioning or review before saving "not yet" and stopping."""
    skip_readiness: bool = False
    """Go on without a readiness answer (a missing role, a short code); recorded as such."""
    send_anyway: bool = False
    """Send even though a check before the send failed; the override is recorded."""
    message_from: str | None = None
    """One of the ordered numbers; the first completed number when None."""
    message_to: Sequence[str] = ()
    message_text: str = ""
    media: Sequence[str] = ()
    tag: str | None = None
    priority: str | None = None
