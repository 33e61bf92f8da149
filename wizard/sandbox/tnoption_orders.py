"""TN option orders (the Dashboard's `/tnoptions`): how a number is assigned to a 10DLC campaign.

A `<TnOptionOrder>` carries groups of numbers, each with the options to apply; the one that
matters for messaging is `<A2pSettings>` (`Action asSpecified`, `CampaignId`, `MessageClass`),
which is how Bandwidth/cli's `tnoption assign` connects a number to a campaign. A malformed order
is refused at once (400, `ResponseStatus`); everything about the numbers themselves is decided
when the order is created and revealed when it has been processed, in the `ErrorList` of the GET,
per number, exactly as number orders are: RECEIVED, PROCESSING, then COMPLETE, PARTIAL or FAILED.
Codes are those of `site/docs/numbers/errors.mdx` (OrderErrorType and AdminError).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wizard.sandbox.orders import status_at
from wizard.sandbox.state import iso
from wizard.sandbox.tollfree import is_toll_free
from wizard.sandbox.xml import el, leaf, text_of

if TYPE_CHECKING:
    from wizard.sandbox.state import SandboxState

ACTIONS = ("asSpecified", "off", "systemDefault", "unchanged", "delete")
"""A2pSettings actions of numbers.yml CreateTnOptionOrder; `delete` removes the campaign."""
CLEARING_ACTIONS = ("off", "systemDefault", "delete")
MAX_NUMBERS = 1000

#: Test area code: a TN option order's A2P step fails for numbers in it, as when the
#: campaign registry is unreachable (the order ends FAILED, or PARTIAL beside other numbers).
REGISTRY_FAILURE_AREA_CODE = "223"

_CAMPAIGN_ID = re.compile(r"[A-Za-z0-9 _.\-]{1,64}")
_CUSTOMER_ORDER_ID = re.compile(r"[A-Za-z0-9 \-]{1,40}")
_TEN_DIGITS = re.compile(r"[2-9][0-9]{9}")

ERROR_INVALID_NUMBER = 5070, "Telephone number is invalid."
ERROR_NOT_ON_ACCOUNT = 5076, "Number does not belong to this account."
ERROR_NO_SMS = 5145, "SMS messaging should be enabled on location"
ERROR_LOCATION_ENFORCED = (
    5133,
    "A2P provisioning for Long Code telephone numbers requires permissive A2P Long Code value "
    "('DefaultOn' or 'DefaultOff') to be set on corresponding Sip peer",
)
ERROR_REGISTRY = 12184, "A call to the campaign registry service has failed."


class OrderInvalid(Exception):
    """The whole order is refused before it is created (HTTP 400)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class A2pRequest:
    action: str
    campaign_id: str | None
    message_class: str | None


@dataclass
class OptionGroup:
    numbers: list[str]
    """As the request wrote them: ten digits or E.164."""
    a2p: A2pRequest | None
    echo: list[ET.Element] = field(default_factory=list)
    """The group's other options, echoed back unchanged."""


@dataclass
class TnOptionOrder:
    id: str
    account_id: str
    created_by: str
    created_wall: float
    created_mono: float
    delay: float
    provisioning_delay: float
    """Seconds a number stays PROCESSING on its campaign after the order completes."""
    groups: list[OptionGroup]
    customer_order_id: str | None = None
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    """(code, description, number as written) for each number that failed."""
    applied: list[tuple[str, OptionGroup]] = field(default_factory=list)
    """(ten-digit number, group) for each number the order will change."""
    finalized: bool = False

    @property
    def final_status(self) -> str:
        if not self.errors:
            return "COMPLETE"
        return "PARTIAL" if self.applied else "FAILED"

    def status(self, now: float) -> str:
        return status_at(now - self.created_mono, self.delay, self.final_status)

    def done(self, now: float) -> bool:
        return now - self.created_mono >= self.delay

    @property
    def complete_mono(self) -> float:
        return self.created_mono + self.delay

    @property
    def complete_wall(self) -> float:
        return self.created_wall + self.delay

    @property
    def numbers(self) -> list[str]:
        return [number for group in self.groups for number in group.numbers]


def ten_digits(number: str) -> str | None:
    """`+19195551234`, `19195551234` or `9195551234` as ten digits; None when not a NANP number."""
    digits = number[1:] if number.startswith("+") else number
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if _TEN_DIGITS.fullmatch(digits) else None


def parse_order(root: ET.Element) -> tuple[str | None, list[OptionGroup]]:
    """Validate the request; raises OrderInvalid with the code Bandwidth answers."""
    customer_order_id = text_of(root, "CustomerOrderId") or None
    if customer_order_id is not None and not _CUSTOMER_ORDER_ID.fullmatch(customer_order_id):
        raise OrderInvalid(
            5052,
            "Customer order ID is invalid. Only alphanumeric values, dashes and spaces are "
            "allowed. Max length is 40 characters.",
        )
    group_elements = root.findall("TnOptionGroups/TnOptionGroup")
    if not group_elements:
        raise OrderInvalid(1003, "TnOptionGroups is required")
    groups = [_parse_group(group) for group in group_elements]
    numbers = [n for g in groups for n in g.numbers]
    if len(numbers) > MAX_NUMBERS:
        raise OrderInvalid(
            5095,
            f"The count of telephone numbers in order exceeds the maximum size of {MAX_NUMBERS}",
        )
    if len({ten_digits(n) or n for n in numbers}) != len(numbers):
        raise OrderInvalid(5093, "Order cannot contain duplicate telephone numbers")
    return customer_order_id, groups


def _parse_group(group: ET.Element) -> OptionGroup:
    numbers = [
        (item.text or "").strip() for item in group.findall("TelephoneNumbers/TelephoneNumber")
    ]
    if not numbers:
        raise OrderInvalid(5073, "Telephone number is required.")
    a2p_element = group.find("A2pSettings")
    echo = [child for child in group if child.tag not in ("A2pSettings", "TelephoneNumbers")]
    if a2p_element is None and not echo:
        raise OrderInvalid(
            5115, f"At least one of the TN option attributes must be applied for {numbers[0]}"
        )
    a2p = None if a2p_element is None else _parse_a2p(a2p_element)
    return OptionGroup(numbers=numbers, a2p=a2p, echo=echo)


def _parse_a2p(settings: ET.Element) -> A2pRequest:
    action = text_of(settings, "Action") or "asSpecified"
    if action not in ACTIONS:
        raise OrderInvalid(
            5138,
            "Action value is invalid. Valid values are: 'unchanged', 'systemDefault', 'off', "
            "'asSpecified'.",
        )
    campaign_id = text_of(settings, "CampaignId") or None
    message_class = text_of(settings, "MessageClass") or None
    if action != "asSpecified":
        for name, value in (("CampaignId", campaign_id), ("MessageClass", message_class)):
            if value is not None:
                raise OrderInvalid(
                    5134,
                    f"Attribute {name} is incompatible with such 'Action' values: "
                    "'off, systemDefault, unchanged'",
                )
        return A2pRequest(action, None, None)
    if campaign_id is None:
        raise OrderInvalid(1003, "CampaignId is required")
    if not _CAMPAIGN_ID.fullmatch(campaign_id):
        raise OrderInvalid(
            12822,
            f"A2P Campaign ID '{campaign_id}' is not valid. Needs to be between 1 and 64 "
            "characters. Only alphanumeric values, dashes, underscores and dots are allowed.",
        )
    if message_class is None:
        raise OrderInvalid(1003, "MessageClass is required")
    if message_class.upper() == "P":
        raise OrderInvalid(12824, "Message Class should not be 'P' as that is a protected class.")
    return A2pRequest(action, campaign_id, message_class)


def plan(order: TnOptionOrder, state: SandboxState) -> None:
    """Decide, now, what the order will do to each number; revealed when it completes."""
    for group in order.groups:
        for written in group.numbers:
            problem = _problem(written, group, state)
            if problem is None:
                order.applied.append((ten_digits(written) or written, group))
            else:
                order.errors.append((*problem, written))


def _problem(written: str, group: OptionGroup, state: SandboxState) -> tuple[int, str] | None:
    number = ten_digits(written)
    if number is None:
        return ERROR_INVALID_NUMBER
    if number not in state.in_service:
        return ERROR_NOT_ON_ACCOUNT
    a2p = group.a2p
    if a2p is None or a2p.action != "asSpecified":
        return None
    location = state.locations.get(state.in_service[number]["location_id"])
    if location is None or location.sms is None:
        return ERROR_NO_SMS
    if not is_toll_free(number) and location.sms.a2p_long_code in ("ON", "OFF"):
        return ERROR_LOCATION_ENFORCED
    campaign = state.compliance.campaigns.get(a2p.campaign_id or "")
    if campaign is None:
        return (
            12128,
            f"A2P Campaign ID '{a2p.campaign_id}' was not found in list of authorized Campaign IDs",
        )
    if campaign.status != "REGISTERED":
        return 12192, f"A2P Campaign ID '{a2p.campaign_id}' is not active"
    if number.startswith(REGISTRY_FAILURE_AREA_CODE):
        return ERROR_REGISTRY
    return None


# -- XML ------------------------------------------------------------------------------------------


def _group_xml(group: OptionGroup) -> ET.Element:
    a2p = group.a2p
    return el(
        "TnOptionGroup",
        group.echo,
        None
        if a2p is None
        else el(
            "A2pSettings",
            leaf("MessageClass", a2p.message_class),
            leaf("CampaignId", a2p.campaign_id),
            el("Action", text=a2p.action),
        ),
        el("TelephoneNumbers", [el("TelephoneNumber", text=n) for n in group.numbers]),
    )


def order_xml(order: TnOptionOrder, now: float) -> ET.Element:
    """`<TnOptionOrder>` as numbers.yml shows it; the ErrorList fills once processing ends."""
    done = order.done(now)
    errors = order.errors if done else []
    return el(
        "TnOptionOrder",
        el("OrderCreateDate", text=iso(order.created_wall)),
        el("AccountId", text=order.account_id),
        el("CreatedByUser", text=order.created_by),
        el("OrderId", text=order.id),
        leaf("CustomerOrderId", order.customer_order_id),
        el("LastModifiedDate", text=iso(order.complete_wall if done else order.created_wall)),
        el("ProcessingStatus", text=order.status(now)),
        el("TnOptionGroups", [_group_xml(group) for group in order.groups]),
        el(
            "ErrorList",
            [
                el(
                    "Error",
                    el("Code", text=code),
                    el("Description", text=description),
                    el("TelephoneNumber", text=number),
                )
                for code, description, number in errors
            ],
        ),
    )
