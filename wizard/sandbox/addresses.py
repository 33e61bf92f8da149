"""A sub-account's `<Address>`, checked as Bandwidth checks it today.

Creating a site requires an address with HouseNumber, StreetName, City, StateCode, Zip and an
AddressType of Billing or Service (api-docs `programmatic-setup.mdx`); the 2018 guide created
sites without one. The codes are those of numbers errors.mdx (AdminValidationError 12529-12579).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

#: (element, code when missing); in the order Bandwidth reports them.
REQUIRED = (
    ("HouseNumber", 12536),
    ("StreetName", 12538),
    ("City", 12540),
    ("StateCode", 12542),
    ("Zip", 12644),
    ("AddressType", 12554),
)
ADDRESS_TYPES = ("Billing", "Service")
MAX_LENGTHS = {
    "HouseNumber": (45, 12537),
    "StreetName": (200, 12539),
    "City": (100, 12541),
    "HouseSuffix": (45, 12547),
    "AddressLine2": (200, 12550),
    "Zip": (5, 12551),
    "PlusFour": (4, 12552),
    "County": (45, 12553),
}


class AddressInvalid(ValueError):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def site_address(site: ET.Element) -> dict[str, str]:
    """The site's address as element -> text; raises AddressInvalid with Bandwidth's code."""
    element = site.find("Address")
    if element is None:
        raise AddressInvalid(12546, "Address is required")
    address = {child.tag: (child.text or "").strip() for child in element}
    for tag, code in REQUIRED:
        if not address.get(tag):
            raise AddressInvalid(code, f"{tag} is required")
    for tag, (limit, code) in MAX_LENGTHS.items():
        value = address.get(tag, "")
        if len(value) > limit:
            raise AddressInvalid(
                code, f"{tag} '{value}' is too long. Max length {limit} characters"
            )
    state = address["StateCode"]
    if len(state) != 2 or not state.isalpha():
        raise AddressInvalid(
            12543,
            f"StateCode '{state}' is invalid. It is must be abbreviation of the two characters",
        )
    if address["AddressType"] not in ADDRESS_TYPES:
        raise AddressInvalid(
            12579, "AddressType is not valid. Valid values: " + ", ".join(ADDRESS_TYPES)
        )
    address.setdefault("Country", "United States")
    return address
