"""What a teardown removes, decided from saved progress alone: what the wizard created, nothing
else, in the reverse of the order it was built.

Each step records whether it created its resource or found one and reused it (``created``).
How each resource is judged:

- numbers: always the wizard's (the order step never adopts numbers): the completed numbers of
  the order it placed, or, when the order's outcome was never recorded, that order's numbers as
  Bandwidth reports them when the teardown runs. They go through a disconnect order, which is
  irreversible and stops their billing.
- the application link, MMS and SMS: settings of the location. On a location the wizard created
  they all go (whatever state they are in, since the location cannot be deleted while SMS is
  on). On a reused location they stay, except the link when it names an application the wizard
  created, which cannot be deleted while a location uses it.
- location, application, sub-account: removed when recorded ``created: true``; a record without
  that flag (or ``false``) means found and reused, so it stays.

The order is Bandwidth's: numbers first (SMS cannot be removed while the location has numbers,
13673; the location cannot be deleted while numbers remain, 13555), then the link, MMS (SMS
cannot go while MMS is on, 13622), SMS (the location cannot go while SMS is on, 13613), the
location, the application (refused while a location uses it, 12107) and the sub-account
(refused while it has locations, 12031).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from wizard.bandwidth import xml as bwxml
from wizard.bandwidth.models import national, us_e164
from wizard.engine.book import ProgressBook
from wizard.engine.plan import segment
from wizard.engine.step import StepId

TEARDOWN_KEY = "teardown"
"""The progress record of a teardown in flight: the disconnect's CustomerOrderId (saved before
the POST, so a rerun finds the order instead of disconnecting twice) and then its order id."""

NUMBER_STEPS = (StepId.SEND, StepId.READY, StepId.WAIT_ORDER, StepId.ORDER)
"""What the numbers' records are: forgotten once the numbers are out of service."""


class Resource(StrEnum):
    """What a teardown may remove, in the order it removes them."""

    NUMBERS = "numbers"
    LINK = "application-link"
    MMS = "mms"
    SMS = "sms"
    LOCATION = "location"
    APPLICATION = "application"
    SUBACCOUNT = "subaccount"


@dataclass(frozen=True)
class Removal:
    """One resource to remove and the request that removes it."""

    resource: Resource
    title: str
    """What goes, for a person: "Disconnect 1 number (+19195551234)"."""
    method: str
    url: str
    body: str | None
    why: str
    """Why the wizard owns it (how the decision was made)."""
    note: str = ""
    """What happens around the request (reads first, polling after)."""
    ids: Mapping[str, str] = field(default_factory=dict)
    """The ids the request names (site_id, location_id, application_id)."""
    what: str = ""
    """The resource as a noun phrase, for outcomes: "MMS on location 500101"."""


@dataclass(frozen=True)
class Kept:
    """Something the setup uses that the teardown leaves alone, and why."""

    resource: Resource
    what: str
    why: str


@dataclass(frozen=True)
class TeardownPlan:
    """Everything a teardown would do for one account's saved progress."""

    account_id: str
    dashboard_url: str
    removals: tuple[Removal, ...] = ()
    kept: tuple[Kept, ...] = ()
    numbers: tuple[str, ...] = ()
    """The numbers to disconnect (E.164), when progress names them."""
    order_id: str | None = None
    """The number order whose numbers are read when the teardown runs (its outcome was never
    recorded)."""
    order_reference: str | None = None
    """The CustomerOrderId of a number order whose answer never came (no order id recorded)."""
    disconnect_reference: str | None = None
    """The disconnect order's CustomerOrderId: derived from the number order, so a dry run shows
    the exact body and every rerun looks for the same disconnect order."""

    @property
    def is_empty(self) -> bool:
        return not self.removals

    @property
    def numbers_known(self) -> bool:
        """False when the numbers are only known once the number order is read."""
        return bool(self.numbers) or self.removal(Resource.NUMBERS) is None

    def removal(self, resource: Resource) -> Removal | None:
        return next((r for r in self.removals if r.resource is resource), None)


def plan_teardown(book: ProgressBook, *, account_id: str, dashboard_url: str) -> TeardownPlan:
    """The plan for what `book` records (no request is sent to decide it)."""
    base = f"{dashboard_url.rstrip('/')}/accounts/{segment(account_id)}"

    def record(step: StepId | str) -> Mapping[str, Any]:
        return book.get(step) or {}  # type: ignore[arg-type]

    removals: list[Removal] = []
    kept: list[Kept] = []

    numbers, order_id, order_ref = _numbers(record(StepId.WAIT_ORDER), record(StepId.ORDER))
    pending = record(TEARDOWN_KEY)
    if not numbers and pending.get("numbers"):
        numbers = tuple(us_e164(str(n)) for n in pending["numbers"])
        order_id = order_ref = None
    reference = str(pending.get("disconnect_customer_order_id") or "") or disconnect_reference(
        record(StepId.ORDER), numbers
    )
    if numbers or order_id or order_ref:
        removals.append(_disconnect(base, numbers, order_id, order_ref, reference))

    location = record(StepId.LOCATION)
    application = record(StepId.APPLICATION)
    site_id = str(location.get("site_id") or record(StepId.SUBACCOUNT).get("site_id") or "")
    location_id = str(location.get("location_id") or "")
    app_id = str(application.get("application_id") or "")
    location_ours = bool(location_id) and location.get("created") is True
    app_ours = bool(app_id) and application.get("created") is True
    features = f"{base}/sites/{segment(site_id)}/sippeers/{segment(location_id)}/products/messaging"
    where = {"site_id": site_id, "location_id": location_id}

    link = record(StepId.ASSIGN)
    if location_ours or (app_ours and link and location_id):
        why = (
            "the location is the wizard's"
            if location_ours
            else f"it names application {app_id}, which the wizard created and which cannot be "
            "deleted while a location uses it"
        )
        note = "" if location_ours else "Only if the location still names that application."
        removals.append(
            Removal(
                Resource.LINK,
                f"Unlink the messaging application from location {location_id}",
                "PUT",
                f"{features}/applicationSettings",
                bwxml.APPLICATION_SETTINGS_REMOVE_XML,
                why,
                note,
                {**where, "application_id": app_id},
                f"the link from location {location_id} to application {app_id}",
            )
        )
    elif link and location_id:
        kept.append(
            Kept(
                Resource.LINK,
                f"the link from location {location_id} to application {app_id}",
                "neither the location nor the application was created by the wizard",
            )
        )
    if location_ours:
        for resource, name, step in (
            (Resource.MMS, "MMS", StepId.MMS),
            (Resource.SMS, "SMS", StepId.SMS),
        ):
            removals.append(
                Removal(
                    resource,
                    f"Remove {name} from location {location_id}",
                    "DELETE",
                    f"{features}/features/{resource.value}",
                    None,
                    "the location is the wizard's, and cannot be deleted while "
                    + ("MMS is on (SMS cannot go first)" if step is StepId.MMS else "SMS is on"),
                    ids=where,
                    what=f"{name} on location {location_id}",
                )
            )
        removals.append(
            Removal(
                Resource.LOCATION,
                f"Delete location {location_id} ({location.get('location_name') or '?'})",
                "DELETE",
                f"{base}/sites/{segment(site_id)}/sippeers/{segment(location_id)}",
                None,
                "the wizard created it (recorded created: true)",
                ids=where,
                what=f"location {location_id} ({location.get('location_name') or '?'})",
            )
        )
    elif location_id:
        reused = "found by name and reused" if "created" in location else "not recorded as created"
        kept.append(
            Kept(
                Resource.LOCATION,
                f"location {location_id} ({location.get('location_name') or '?'}) with its "
                "SMS and MMS settings",
                f"{reused}, so not the wizard's to delete",
            )
        )
    if app_ours:
        removals.append(
            Removal(
                Resource.APPLICATION,
                f"Delete application {app_id} ({application.get('application_name') or '?'})",
                "DELETE",
                f"{base}/applications/{segment(app_id)}",
                None,
                "the wizard created it (recorded created: true)",
                ids={"application_id": app_id},
                what=f"application {app_id} ({application.get('application_name') or '?'})",
            )
        )
    elif app_id:
        reused = (
            "found by name and reused" if "created" in application else "not recorded as created"
        )
        kept.append(
            Kept(
                Resource.APPLICATION,
                f"application {app_id} ({application.get('application_name') or '?'})",
                f"{reused}, so not the wizard's to delete",
            )
        )
    subaccount = record(StepId.SUBACCOUNT)
    sub_id = str(subaccount.get("site_id") or "")
    if sub_id and subaccount.get("created") is True:
        removals.append(
            Removal(
                Resource.SUBACCOUNT,
                f"Delete sub-account {sub_id} ({subaccount.get('site_name') or '?'})",
                "DELETE",
                f"{base}/sites/{segment(sub_id)}",
                None,
                "the wizard created it (recorded created: true)",
                ids={"site_id": sub_id},
                what=f"sub-account {sub_id} ({subaccount.get('site_name') or '?'})",
            )
        )
    elif sub_id:
        kept.append(
            Kept(
                Resource.SUBACCOUNT,
                f"sub-account {sub_id} ({subaccount.get('site_name') or '?'})",
                "chosen from the account's sub-accounts, not created by the wizard",
            )
        )
    return TeardownPlan(
        account_id=account_id,
        dashboard_url=dashboard_url,
        removals=tuple(removals),
        kept=tuple(kept),
        numbers=numbers,
        order_id=order_id,
        order_reference=order_ref,
        disconnect_reference=reference,
    )


def _numbers(
    waited: Mapping[str, Any], ordered: Mapping[str, Any]
) -> tuple[tuple[str, ...], str | None, str | None]:
    """(numbers, order id to read, CustomerOrderId to look up): whichever progress holds."""
    numbers = tuple(us_e164(str(n)) for n in waited.get("numbers") or () if n)
    if numbers:
        return numbers, None, None
    order_id = str(ordered.get("order_id") or waited.get("order_id") or "") or None
    if order_id:
        return (), order_id, None
    reference = str(ordered.get("customer_order_id") or "") or None
    return (), None, reference


def disconnect_reference(ordered: Mapping[str, Any], numbers: tuple[str, ...] = ()) -> str:
    """The disconnect order's CustomerOrderId: the number order's own reference with ``-dc``
    (``bw-wizard-<16 hex>-dc``, 29 characters: Bandwidth allows 40 of letters, digits, dashes
    and spaces), or one derived from the order id or the numbers for older progress."""
    reference = str(ordered.get("customer_order_id") or "")
    if reference and len(reference) <= 37:
        return f"{reference}-dc"
    seed = str(ordered.get("order_id") or "") or ",".join(sorted(numbers))
    return "bw-wizard-dc-" + hashlib.sha256(seed.encode()).hexdigest()[:16]


def _disconnect(
    base: str,
    numbers: tuple[str, ...],
    order_id: str | None,
    order_ref: str | None,
    reference: str,
) -> Removal:
    if numbers:
        count = f"{len(numbers)} number{'s' if len(numbers) != 1 else ''}"
        title = f"Disconnect {count} ({', '.join(numbers)})"
        body = bwxml.disconnect_xml(list(numbers), reference)
    else:
        which = f"order {order_id}" if order_id else f"the order with CustomerOrderId {order_ref}"
        title = f"Disconnect the numbers of {which} (read when the teardown runs)"
        body = bwxml.dumps(
            {
                "DisconnectTelephoneNumberOrder": {
                    "CustomerOrderId": reference,
                    "DisconnectTelephoneNumberOrderType": {
                        "TelephoneNumberList": {"TelephoneNumber": "{numbers}"}
                    },
                }
            }
        )
    return Removal(
        Resource.NUMBERS,
        title,
        "POST",
        f"{base}/disconnects",
        body,
        "the wizard ordered these numbers; disconnecting is irreversible and stops their billing",
        "First GET .../inserviceNumbers/{tn} for each number (one already out of service is "
        "left out), then GET .../disconnects/{id} until the order ends.",
        {"numbers": ",".join(national(n) for n in numbers)} if numbers else {},
        "the numbers",
    )
