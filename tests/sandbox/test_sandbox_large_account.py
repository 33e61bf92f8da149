"""The seeded large account: the counts `status` must stay quick on, the mix of problems it must
notice, determinism from the seed, and the start-up flag."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from sbx_helpers import parse
from sbx_scale import ScaleApi, listed

from wizard.sandbox.config import LargeAccount, SandboxConfig
from wizard.sandbox.seed import TOLL_FREE_AREA_CODES, seed_large
from wizard.sandbox.server import SandboxThread
from wizard.sandbox.state import SandboxState


@pytest.fixture
def api(sandbox):
    client = ScaleApi(sandbox.base_url, sandbox.identity)
    yield client
    client.close()


def test_the_default_large_account(api):
    seeded = api.seed()
    assert {k: v for k, v in seeded.items() if k not in ("generation", "took_ms")} == {
        "sites": 4,
        "locations": 200,
        "applications": 50,
        "numbers": 10_000,
        "toll_free": 200,
        "messages": 12,
        "failed_messages": 6,
    }
    assert seeded["took_ms"] < 1000  # a budget with a wide margin (it takes a few tens of ms)
    state = api.state()
    numbers = [n["number"] for n in state["numbers"]]
    assert len(numbers) == len(set(numbers)) == 10_000
    locations = state["locations"]
    assert len(locations) == 200 and len(state["sites"]) == 4
    assert sum(len(loc["numbers"]) for loc in locations) == 10_000
    assert Counter(loc["site_id"] for loc in locations) == {s["id"]: 50 for s in state["sites"]}
    toll_free = [n for n in numbers if n[:3] in TOLL_FREE_AREA_CODES]
    assert len(toll_free) == 200
    by_location = {loc["id"]: loc for loc in locations}
    for record in state["numbers"]:
        sms = by_location[record["location_id"]]["sms"]
        if record["number"][:3] in TOLL_FREE_AREA_CODES:
            assert sms is not None and sms["toll_free"], record

    # The mix status must notice: features off, apps unlinked, placeholder and loopback URLs.
    sms_on = [loc for loc in locations if loc["sms"]]
    assert 0 < len(sms_on) < 200
    assert 0 < sum(1 for loc in sms_on if loc["mms"]) < len(sms_on)
    assert 0 < sum(1 for loc in sms_on if loc["application_id"]) < len(sms_on)
    assert all(loc["application_id"] is None for loc in locations if not loc["sms"])
    apps = state["applications"]
    linked = {loc["application_id"] for loc in locations if loc["application_id"]}
    messaging = [a for a in apps if a["service_type"] == "Messaging-V2"]
    assert 0 < len(linked) < len(messaging) < len(apps)
    urls = [a["inbound_callback_url"] for a in messaging]
    assert any("example.com" in url for url in urls)
    assert any(url.startswith("http://localhost") for url in urls)
    assert any(a["inbound_callback_url"] != a["outbound_callback_url"] for a in messaging)
    assert all(not a["has_callback_password"] or a["callback_user_id"] for a in messaging)

    # Recent failures for List Messages, with their codes.
    sender_numbers = {m["from"] for m in state["messages"]}
    assert sender_numbers <= {"+1" + n for n in numbers}
    failed = api.http.get(
        f"/api/v2/users/{api.identity.account_id}/messages",
        params={"messageStatus": "FAILED"},
        auth=api.auth,
    ).json()
    assert failed["totalCount"] == 6
    assert {row["errorCode"] for row in failed["messages"]} >= {4476, 4720}


def test_numbers_ordered_on_top_of_a_large_account_and_never_offered_twice(api):
    api.seed(numbers=3000, locations=30, applications=5)
    state = api.state()
    seeded = {n["number"] for n in state["numbers"]}
    area = Counter(n[:3] for n in seeded if n[:3] not in TOLL_FREE_AREA_CODES).most_common(1)[0]
    offered = parse(
        api.xml(
            "GET", f"{api.account}/availableNumbers", params={"areaCode": area[0], "quantity": 500}
        ).text
    )
    offered_numbers = listed(offered["SearchResult"]["TelephoneNumberList"]["TelephoneNumber"])
    assert len(offered_numbers) == 500 and not seeded & set(offered_numbers)
    location = next(loc for loc in state["locations"] if loc["site_id"] == api.identity.site_id)
    api.freeze()
    ordered = api.order_now(location["id"], quantity=2, area_code=area[0])
    assert len(api.state()["numbers"]) == 3002 and not seeded & set(ordered)


def test_associated_locations_of_seeded_applications(api):
    api.seed(numbers=200, locations=20, applications=10)
    state = api.state()
    for app in state["applications"]:
        answer = api.xml("GET", f"{api.account}/applications/{app['id']}/associatedsippeers")
        assert answer.status_code == 200
        peers = parse(answer.text)["AssociatedSipPeersResponse"]["AssociatedSipPeers"]
        found = {p["PeerId"] for p in listed(peers["AssociatedSipPeer"])} if peers else set()
        assert found == {
            loc["id"] for loc in state["locations"] if loc["application_id"] == app["id"]
        }


def _shape(state: SandboxState) -> dict[str, object]:
    """Everything seeded, minus times (which follow the clock)."""
    snapshot = state.snapshot()
    messages = [{k: v for k, v in m.items() if k not in ("time",)} for m in snapshot["messages"]]
    return {
        "sites": snapshot["sites"],
        "locations": snapshot["locations"],
        "applications": snapshot["applications"],
        "numbers": snapshot["numbers"],
        "messages": messages,
    }


def test_the_same_seed_gives_the_same_account_and_another_seed_another():
    shape = LargeAccount(numbers=800, locations=16, applications=9, sites=3, toll_free=40)

    def seeded(seed: int) -> dict[str, object]:
        state = SandboxState(SandboxConfig(seed=seed), seeder=seed_large)
        seed_large(state, shape)
        return _shape(state)

    first, again, other = seeded(7), seeded(7), seeded(8)
    assert first == again
    assert first["numbers"] != other["numbers"]
    assert first["applications"] != other["applications"]


@pytest.mark.parametrize(
    "body",
    [
        {"numbers": -1},
        {"numbers": 10**6},
        {"locations": 0},
        {"applications": "5"},
        {"toll_free": 11, "numbers": 10},
        {"phones": 3},
        [1, 2],
    ],
)
def test_bad_seed_requests_are_refused(api, body):
    answer = api.control("POST", "/seed", body)
    assert answer.status_code == 400 and answer.json()["error"]


def test_the_start_up_large_account_comes_back_on_every_reset():
    shape = LargeAccount(numbers=300, locations=12, applications=5, sites=2, toll_free=6)
    with (
        SandboxThread(SandboxConfig(port=0, seed=3, large_account=shape)) as server,
        httpx.Client(base_url=server.base_url, trust_env=False, timeout=10) as http,
    ):
        before = http.get("/_sandbox/state").json()
        assert len(before["numbers"]) == 300 and len(before["locations"]) == 12
        http.post("/_sandbox/reset").raise_for_status()
        after = http.get("/_sandbox/state").json()
    assert after["numbers"] == before["numbers"]
    assert after["applications"] == before["applications"]
