"""What a person (or a config file) decides; everything else the engine derives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class SetupInputs:
    """The inputs of every step, filled in by the screens or by `apply`'s config file."""

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
    location_name: str = "bw-wizard"
    default_location: bool = True
    toll_free: bool = True
    short_code: bool = True
    area_code: str = "919"
    quantity: int = 1
    order_timeout: float = 600.0
    """Seconds to watch an order before giving up (the order keeps going on Bandwidth's side)."""
    message_from: str | None = None
    """One of the ordered numbers; the first completed number when None."""
    message_to: Sequence[str] = ()
    message_text: str = ""
    media: Sequence[str] = ()
    tag: str | None = None
    priority: str | None = None
