"""A large account, seeded at once: the scale `bw-wizard status` must stay correct and quick on.

Everything comes from the sandbox seed and the requested shape, so the same seed and counts give
the same ids, names, numbers and settings on every run (ids come from the state's seeded id
factory, so seed right after a reset, as `/_sandbox/seed` and `--large-account` do).

What it holds, and why each part is there (each is something `status` must notice):
- sub-accounts: the built-in one and `sites - 1` more, each with a service address;
- locations spread round-robin over the sites, the first on each site the default; most have SMS
  on, some of those MMS too, most SMS ones linked to an application, and a few with SMS off;
- the numbers spread over the locations; the toll-free ones (833/844/855/866/877/888/800) on
  their own locations, whose SMS feature allows toll-free;
- applications: Messaging-V2 with real-looking HTTPS URLs and credentials, some with placeholder
  (`example.com`) or loopback URLs, some with split inbound/outbound URLs, a few Voice-V2, and
  some linked to no location at all;
- recent outbound messages, some failed (a 10DLC, a toll-free, a carrier and an opt-out code),
  as many delivered, for List Messages.

It builds the records directly (no HTTP, no per-item validation), which is what makes 10,000
numbers take a few tens of milliseconds. Numbers are drawn from the same per-area-code generator
that search and orders use and are marked allocated, so no search ever offers a seeded number.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from wizard.sandbox.config import LargeAccount
from wizard.sandbox.state import (
    MAX_APPLICATIONS,
    MAX_IN_SERVICE,
    MAX_LOCATIONS,
    MAX_SITES,
    Application,
    Creds,
    Location,
    Message,
    MmsSettings,
    SandboxState,
    Site,
    SmsSettings,
    iso,
)

LOCAL_AREA_CODES = ("919", "984", "704", "980", "336", "252", "910", "828", "415", "512", "312")
TOLL_FREE_AREA_CODES = ("833", "844", "855", "866", "877", "888", "800")
PROXY_PEER_ID = "569238"
"""The proxy peer Bandwidth picks today (programmatic-setup.mdx's example answer)."""

PLACEHOLDER_URLS = ("https://example.com/callbacks", "http://localhost:3000/bandwidth/callbacks")

#: (errorCode, description) for the seeded failed messages, from site/docs/messaging/errors.mdx
#: (4476 from Bandwidth's 10DLC support articles).
FAILURES = (
    (4476, "source number not registered to a 10DLC campaign"),
    (4720, "invalid-destination-address"),
    (4775, "destination-rejected-due-to-user-opt-out"),
    (4470, "rejected-spam-detected"),
    (9902, "delivery-receipt-expired"),
)
TOLL_FREE_FAILURE = (4795, "tfn-not-verified")

#: Bounds so a seeded account always leaves room for what a test creates on top of it.
LIMITS = {
    "numbers": (0, MAX_IN_SERVICE - 5_000),
    "locations": (1, MAX_LOCATIONS - 50),
    "applications": (0, MAX_APPLICATIONS - 50),
    "sites": (1, MAX_SITES - 10),
    "toll_free": (0, MAX_IN_SERVICE - 5_000),
    "failed_messages": (0, 100),
}


def large_account_from_json(data: Any) -> LargeAccount:
    """Validate a POST /_sandbox/seed body (every field optional); ValueError with a sentence."""
    if not isinstance(data, dict):
        raise ValueError("The body must be a JSON object of counts.")
    unknown = set(data) - set(LIMITS)
    if unknown:
        raise ValueError(f"Unknown field {sorted(unknown)[0]}; use {', '.join(LIMITS)}.")
    values: dict[str, int] = {}
    for name, (low, high) in LIMITS.items():
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{name} must be a whole number from {low} to {high}.")
        values[name] = value
    if "toll_free" not in values:  # keep the default share (2%) when only numbers is given
        values["toll_free"] = values.get("numbers", LargeAccount.numbers) // 50
    shape = LargeAccount(**values)
    if shape.toll_free > shape.numbers:
        raise ValueError("toll_free cannot be more than numbers.")
    return shape


@dataclass(frozen=True)
class Seeded:
    """What was created, for the control route's answer."""

    sites: int
    locations: int
    applications: int
    numbers: int
    toll_free: int
    messages: int
    failed_messages: int

    def as_json(self) -> dict[str, int]:
        return dict(self.__dict__)


def seed_large(state: SandboxState, shape: LargeAccount) -> Seeded:
    """Add the large account to a freshly reset state (holds the state lock throughout)."""
    with state.lock:
        rng = random.Random(f"large:{state.config.seed}")
        sites = _sites(state, shape.sites)
        locations = _locations(state, rng, sites, shape)
        apps = _applications(state, rng, shape.applications)
        _link(rng, locations, apps)
        numbers = _numbers(state, rng, locations, shape)
        messages, failed = _messages(state, rng, locations, numbers, shape.failed_messages)
        return Seeded(
            sites=len(sites),
            locations=len(locations),
            applications=len(apps),
            numbers=sum(len(loc.numbers) for loc in locations),
            toll_free=shape.toll_free,
            messages=messages,
            failed_messages=failed,
        )


def _sites(state: SandboxState, count: int) -> list[Site]:
    sites = [state.sites[state.identity.site_id]] if state.identity.site_id in state.sites else []
    cities = (("RALEIGH", "NC", "27606"), ("DENVER", "CO", "80202"), ("AUSTIN", "TX", "78701"))
    while len(sites) < count:
        index = len(sites)
        city, state_code, zip_code = cities[index % len(cities)]
        site = Site(
            id=state.ids.site_id(),
            name=f"Region {index + 1:02d}",
            description="Seeded sub-account",
            address={
                "HouseNumber": str(100 + index),
                "StreetName": "Main St",
                "City": city,
                "StateCode": state_code,
                "Zip": zip_code,
                "Country": "United States",
                "AddressType": "Service",
            },
        )
        state.sites[site.id] = site
        sites.append(site)
    return sites


def _toll_free_locations(shape: LargeAccount) -> int:
    """Locations that hold the toll-free numbers: about their share, at least one if any."""
    if shape.toll_free == 0 or shape.numbers == 0:
        return 0
    share = round(shape.locations * shape.toll_free / shape.numbers)
    return min(shape.locations, max(1, share))


def _locations(
    state: SandboxState, rng: random.Random, sites: list[Site], shape: LargeAccount
) -> list[Location]:
    toll_free_from = shape.locations - _toll_free_locations(shape)
    locations: list[Location] = []
    for index in range(shape.locations):
        site = sites[index % len(sites)]
        toll_free = index >= toll_free_from
        sms_on = toll_free or rng.random() < 0.85
        location = Location(
            id=state.ids.location_id(),
            site_id=site.id,
            name=f"{'Toll-free' if toll_free else 'Location'} {index + 1:03d}",
            is_default=index < len(sites),
            description="Seeded location",
        )
        if sms_on:
            location.sms = SmsSettings(
                toll_free=toll_free,
                short_code=False,
                protocol="HTTP",
                zones=(True, False, False, False, False),
                proxy_peer_id=PROXY_PEER_ID,
            )
            if rng.random() < 0.6:
                location.mms = MmsSettings(protocol="HTTP", proxy_peer_id=PROXY_PEER_ID)
        state.locations[location.id] = location
        locations.append(location)
    return locations


def _applications(state: SandboxState, rng: random.Random, count: int) -> list[Application]:
    apps: list[Application] = []
    for index in range(count):
        number = index + 1
        if index % 10 == 9:
            app = Application(
                id=state.ids.uuid(),
                service_type="Voice-V2",
                name=f"Voice app {number:02d}",
                voice_callback_url=f"https://voice.acme-sandbox.test/calls/{number:02d}",
                requested_callback_types=[],
            )
        else:
            url = f"https://hooks.acme-sandbox.test/bandwidth/{number:02d}"
            if index % 7 == 3:
                url = PLACEHOLDER_URLS[index % 2]
            creds = (
                Creds(user_id=f"hook-user-{number:02d}", password=f"pw-{rng.getrandbits(48):012x}")
                if url.startswith("https://") and "example.com" not in url
                else None
            )
            split = index % 11 == 4
            app = Application(
                id=state.ids.uuid(),
                service_type="Messaging-V2",
                name=f"Messaging app {number:02d}",
                inbound_url=url,
                outbound_url=url.replace("/bandwidth/", "/bandwidth/status/") if split else url,
                url_style="split" if split else "MsgCallbackUrl",
                inbound_creds=creds,
                outbound_creds=creds,
                creds_style="split" if split else "CallbackCreds",
            )
        state.applications[app.id] = app
        apps.append(app)
    return apps


def _link(rng: random.Random, locations: list[Location], apps: list[Application]) -> None:
    """Most SMS locations get one of the first ~70% of messaging apps; the rest stay unlinked."""
    messaging = [app for app in apps if app.service_type == "Messaging-V2"]
    linkable = messaging[: max(1, (len(messaging) * 7) // 10)] if messaging else []
    if not linkable:
        return
    turn = 0
    for location in locations:
        if location.sms is None or rng.random() >= 0.9:
            continue
        location.application_id = linkable[turn % len(linkable)].id
        turn += 1


def _numbers(
    state: SandboxState, rng: random.Random, locations: list[Location], shape: LargeAccount
) -> list[str]:
    toll_free_locations = [loc for loc in locations if loc.sms and loc.sms.toll_free]
    local_locations = [loc for loc in locations if loc not in toll_free_locations] or locations
    generators: dict[str, Any] = {}
    taken = state.allocated

    def draw(area_code: str) -> str:
        generator = generators.get(area_code)
        if generator is None:
            generator = generators[area_code] = state.pool.candidates(area_code)
        for number in generator:
            if number not in taken:
                taken.add(number)
                return number
        raise RuntimeError("number generator ran dry")  # unreachable: it never ends

    local_codes = {loc.id: rng.choice(LOCAL_AREA_CODES) for loc in local_locations}
    placed: list[str] = []

    def place(count: int, targets: list[Location], toll_free: bool) -> None:
        for index in range(count):
            location = targets[index % len(targets)]
            area_code = (
                TOLL_FREE_AREA_CODES[index % len(TOLL_FREE_AREA_CODES)]
                if toll_free
                else local_codes.get(location.id, LOCAL_AREA_CODES[0])
            )
            number = draw(area_code)
            location.numbers.append(number)
            state.in_service[number] = {
                "number": number,
                "site_id": location.site_id,
                "location_id": location.id,
                "order_id": None,
            }
            placed.append(number)

    place(shape.toll_free, toll_free_locations or locations, toll_free=True)
    place(shape.numbers - shape.toll_free, local_locations, toll_free=False)
    return placed


def _messages(
    state: SandboxState,
    rng: random.Random,
    locations: list[Location],
    numbers: list[str],
    failed_count: int,
) -> tuple[int, int]:
    """`failed_count` failed and as many delivered outbound messages over the last hours."""
    senders = [
        (loc, loc.numbers[0])
        for loc in locations
        if loc.numbers and loc.sms is not None and loc.application_id
    ]
    if not senders or not numbers:
        return 0, 0
    now = state.wall()
    made = failed = 0
    for index in range(failed_count * 2):
        location, sender = senders[index % len(senders)]
        fails = index % 2 == 0
        toll_free = location.sms is not None and location.sms.toll_free
        code, description = (
            TOLL_FREE_FAILURE if toll_free else FAILURES[(index // 2) % len(FAILURES)]
        )
        accepted = now - 3600 + index * 97 + rng.random()
        destination = f"+1919555{rng.randint(1000, 9999):04d}"
        message = Message(
            id=state.ids.message_id(),
            owner="+1" + sender,
            application_id=location.application_id or "",
            time=iso(accepted),
            segment_count=1,
            to=[destination],
            from_number="+1" + sender,
            text="Seeded message",
            created_wall=accepted,
        )
        message.results = {
            destination: {
                "planned": "failed" if fails else "delivered",
                "error_code": code if fails else None,
                "description": description if fails else "ok",
                "sending": True,
                "callbacks": {},
            }
        }
        state.add_message(message)
        made += 1
        failed += int(fails)
    return made, failed
