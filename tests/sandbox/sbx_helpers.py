"""Shared helpers for the sandbox tests: the guide's .http samples, XML shapes, a Dashboard
client, the guide's eight requests, and waiting on conditions with a deadline (never sleeping
as a way to synchronise)."""

from __future__ import annotations

import json
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import xmltodict

from tests.waiting import wait_for

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "guide-samples"
CALLBACK_SAMPLES = Path(__file__).resolve().parent / "callback-samples"


# -- the guide's samples ------------------------------------------------------------------------


@dataclass
class Sample:
    first_line: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""

    @property
    def method(self) -> str:
        return self.first_line.split()[0]

    @property
    def url(self) -> str:
        return self.first_line.split()[1]

    @property
    def status(self) -> int:
        return int(self.first_line.split()[1])


def load_sample(name: str) -> Sample:
    """Split one of the guide's .http files into its first line, headers and body."""
    lines = (SAMPLES / name).read_text(encoding="utf-8").splitlines()
    sample = Sample(first_line=lines[0].strip())
    for index, line in enumerate(lines[1:], start=1):
        if line.startswith(("<", "{")):
            sample.body = "\n".join(lines[index:]).strip()
            break
        key, _, value = line.partition(":")
        sample.headers[key.strip()] = value.strip()
    return sample


def substitute(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def localise(url: str, base_url: str) -> str:
    """Point a guide URL at the sandbox."""
    return (
        url.replace("https://dashboard.bandwidth.com/api", base_url + "/api")
        .replace("https://api.catapult.inetwork.com/v2", base_url + "/v2")
        .replace("https://messaging.bandwidth.com/api/v2", base_url + "/api/v2")
    )


# -- XML structure ------------------------------------------------------------------------------


def element_paths(xml_text: str) -> list[str]:
    """Every element as a slash path, in document order, parsed with xmltodict."""
    parsed = xmltodict.parse(xml_text)
    paths: list[str] = []

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, prefix)
            return
        paths.append(prefix)
        if isinstance(node, dict):
            for key, value in node.items():
                if key.startswith(("@", "#")):
                    continue
                walk(value, f"{prefix}/{key}")

    for key, value in parsed.items():
        walk(value, key)
    return paths


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    iterator = iter(haystack)
    return all(item in iterator for item in needle)


def parse(xml_text: str) -> dict[str, Any]:
    return xmltodict.parse(xml_text)


# -- talking to the sandbox ---------------------------------------------------------------------

REGISTERED_CAMPAIGN = "CA1B2C3"
PENDING_CAMPAIGN = "CP4D5E6"
EXPIRED_CAMPAIGN = "CE7F8G9"
LIMITED = ("sandbox-limited", "sandbox-limited-secret")
BUILD = ("sandbox-build", "sandbox-build-secret")
MULTI = ("sandbox-multi", "sandbox-multi-secret")


def token_answer(base_url: str, client: tuple[str, str]) -> httpx.Response:
    return httpx.post(
        base_url + "/api/v1/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=client,
        timeout=10,
        trust_env=False,
    )


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, read the way Bandwidth's CLI reads it (no signature check)."""
    import base64

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class Bearer(httpx.Auth):
    """OAuth2 client credentials against the sandbox; a new token after a 401 (a reset forgets
    every token)."""

    def __init__(self, base_url: str, client: tuple[str, str]) -> None:
        self.base_url = base_url
        self.client = client
        self.token: str | None = None

    def fetch(self) -> str:
        answer = token_answer(self.base_url, self.client)
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["access_token"]
        return self.token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer " + (self.token or self.fetch())
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = "Bearer " + self.fetch()
            yield request


class Api:
    """A thin client for tests: Dashboard XML and today's JSON APIs with an OAuth2 token of
    `client` (the full account by default), and the control API."""

    def __init__(
        self,
        base_url: str,
        identity: Any,
        client: tuple[str, str] | None = None,
        clock: Callable[[float], None] | None = None,
    ) -> None:
        self.base_url = base_url
        self.identity = identity
        self.account = f"/api/accounts/{identity.account_id}"
        self.v2 = f"/api/v2/accounts/{identity.account_id}"
        self.http = httpx.Client(base_url=base_url, timeout=10, trust_env=False)
        self.auth = Bearer(base_url, client or (identity.client_id, identity.client_secret))
        self.basic = (identity.username, identity.password)
        """The retired API user: only accepted with legacy_api_users."""
        self._move_clock = clock
        """With a manually clocked sandbox: moves its clock past a delay before a wait."""

    def _elapse(self, seconds: float = 3.0) -> None:
        if self._move_clock is not None:
            self._move_clock(seconds)

    def close(self) -> None:
        self.http.close()

    def xml(self, method: str, path: str, body: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Content-Type": "application/xml; charset=utf-8"} if body is not None else {}
        kwargs.setdefault("auth", self.auth)
        return self.http.request(method, path, content=body, headers=headers, **kwargs)

    def json(self, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", self.auth)
        return self.http.request(method, path, json=body, **kwargs)

    def control(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.http.request(method, "/_sandbox" + path, json=body)

    def state(self) -> dict[str, Any]:
        return self.control("GET", "/state").json()

    def fault(self, **spec: Any) -> None:
        response = self.control("POST", "/faults", spec)
        assert response.status_code == 201, response.text

    def config(self, **values: Any) -> None:
        response = self.control("POST", "/config", values)
        assert response.status_code == 200, response.text

    # The guide's setup, one call per step, for tests that need a ready account.

    def create_app(
        self,
        name: str = "Production Server",
        url: str = "https://example.com/cb",
        user: str | None = "cb-user",
        password: str | None = "cb-pass",
    ) -> str:
        creds = (
            f"<CallbackCreds><UserId>{user}</UserId><Password>{password}</Password></CallbackCreds>"
            if user
            else ""
        )
        body = (
            f"<Application><ServiceType>Messaging-V2</ServiceType><AppName>{name}</AppName>"
            f"<CallbackUrl>{url}</CallbackUrl>{creds}</Application>"
        )
        response = self.xml("POST", self.account + "/applications", body)
        assert response.status_code == 201, response.text
        return parse(response.text)["ApplicationProvisioningResponse"]["Application"][
            "ApplicationId"
        ]

    def create_location(
        self, name: str = "Sandbox location", default: bool = True, site: str | None = None
    ) -> str:
        site = site or self.identity.site_id
        flag = str(default).lower()
        body = (
            f"<SipPeer><PeerName>{name}</PeerName><IsDefaultPeer>{flag}</IsDefaultPeer></SipPeer>"
        )
        response = self.xml("POST", f"{self.account}/sites/{site}/sippeers", body)
        assert response.status_code == 201, response.text
        return response.headers["Location"].rsplit("/", 1)[-1]

    def peer(self, location: str) -> str:
        return f"{self.account}/sites/{self.identity.site_id}/sippeers/{location}"

    def enable_sms(self, location: str) -> httpx.Response:
        return self.xml(
            "POST",
            self.peer(location) + "/products/messaging/features/sms",
            load_sample("3-enable-sms.request.http").body,
        )

    def enable_mms(self, location: str) -> httpx.Response:
        return self.xml(
            "POST",
            self.peer(location) + "/products/messaging/features/mms",
            load_sample("4-enable-mms.request.http").body,
        )

    def assign(self, location: str, app_id: str) -> httpx.Response:
        body = (
            "<ApplicationsSettings>"
            f"<HttpMessagingV2AppId>{app_id}</HttpMessagingV2AppId>"
            "</ApplicationsSettings>"
        )
        return self.xml(
            "PUT", self.peer(location) + "/products/messaging/applicationSettings", body
        )

    def order(
        self,
        location: str | None,
        area_code: str = "919",
        quantity: int = 1,
        customer_order_id: str | None = None,
        site: str | None = None,
    ) -> httpx.Response:
        site = site or self.identity.site_id
        peer = f"<PeerId>{location}</PeerId>" if location else ""
        customer = (
            f"<CustomerOrderId>{customer_order_id}</CustomerOrderId>" if customer_order_id else ""
        )
        body = (
            f"<Order>{customer}<AreaCodeSearchAndOrderType><AreaCode>{area_code}</AreaCode>"
            f"<Quantity>{quantity}</Quantity></AreaCodeSearchAndOrderType>"
            f"<SiteId>{site}</SiteId>{peer}</Order>"
        )
        return self.xml("POST", self.account + "/orders", body)

    def order_toll_free(self, location: str, pattern: str = "8**", quantity: int = 1) -> list[str]:
        """Order toll-free numbers by wildcard pattern; the ten-digit numbers once COMPLETE."""
        body = (
            f"<Order><TollFreeWildCharSearchAndOrderType><Quantity>{quantity}</Quantity>"
            f"<TollFreeWildCardPattern>{pattern}</TollFreeWildCardPattern>"
            f"</TollFreeWildCharSearchAndOrderType><SiteId>{self.identity.site_id}</SiteId>"
            f"<PeerId>{location}</PeerId></Order>"
        )
        created = self.xml("POST", self.v2 + "/orders", body)
        assert created.status_code == 201, created.text
        done = self.wait_order(parse(created.text)["OrderResponse"]["Order"]["id"])
        assert done["OrderStatus"] == "COMPLETE", done
        numbers = done["CompletedNumbers"]["TelephoneNumber"]
        numbers = numbers if isinstance(numbers, list) else [numbers]
        return [n["FullNumber"] for n in numbers]

    def wait_order(self, order_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Poll the order until its status is final; returns the parsed OrderResponse."""

        self._elapse()

        def final() -> dict[str, Any] | None:
            response = self.xml("GET", f"{self.account}/orders/{order_id}")
            assert response.status_code == 200, response.text
            body = parse(response.text)["OrderResponse"]
            return body if body["OrderStatus"] not in ("RECEIVED", "PROCESSING") else None

        return wait_for(final, timeout)

    def ready_account(
        self,
        url: str = "https://example.com/cb",
        user: str | None = "cb-user",
        password: str | None = "cb-pass",
        register: bool = True,
        area_code: str = "919",
        location_name: str = "Sandbox location",
    ) -> dict[str, str]:
        """Steps 1-7: an application, a location with SMS/MMS, the app assigned, one number;
        with `register`, the number also assigned to the REGISTERED campaign and provisioned
        (what a local number needs to deliver today)."""
        app_id = self.create_app(url=url, user=user, password=password)
        location = self.create_location(location_name)
        assert self.enable_sms(location).status_code == 201
        assert self.enable_mms(location).status_code == 201
        assert self.assign(location, app_id).status_code == 200
        created = self.order(location, area_code)
        assert created.status_code == 201, created.text
        order_id = parse(created.text)["OrderResponse"]["Order"]["id"]
        done = self.wait_order(order_id)
        number = done["CompletedNumbers"]["TelephoneNumber"]["FullNumber"]
        if register:
            self.register(number)
        return {"app_id": app_id, "location": location, "order_id": order_id, "number": number}

    # 10DLC: TN option orders and campaign status.

    def tn_option(
        self,
        numbers: list[str],
        campaign: str | None = REGISTERED_CAMPAIGN,
        message_class: str | None = "M",
        action: str | None = "asSpecified",
    ) -> httpx.Response:
        """POST /tnoptions assigning `numbers` (as written) to a campaign, the way
        Bandwidth/cli's `tnoption assign` builds the order."""
        parts = [
            f"<MessageClass>{message_class}</MessageClass>" if message_class else "",
            f"<CampaignId>{campaign}</CampaignId>" if campaign else "",
            f"<Action>{action}</Action>" if action else "",
        ]
        tns = "".join(f"<TelephoneNumber>{n}</TelephoneNumber>" for n in numbers)
        body = (
            "<TnOptionOrder><TnOptionGroups><TnOptionGroup><A2pSettings>"
            + "".join(parts)
            + f"</A2pSettings><TelephoneNumbers>{tns}</TelephoneNumbers></TnOptionGroup>"
            "</TnOptionGroups></TnOptionOrder>"
        )
        return self.xml("POST", self.v2 + "/tnoptions", body)

    def wait_tn_option(self, order_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Poll GET /tnoptions/{id} until its ProcessingStatus is final."""
        self._elapse()

        def final() -> dict[str, Any] | None:
            answer = self.xml("GET", f"{self.v2}/tnoptions/{order_id}")
            assert answer.status_code == 200, answer.text
            order = parse(answer.text)["TnOptionOrder"]
            return order if order["ProcessingStatus"] not in ("RECEIVED", "PROCESSING") else None

        return wait_for(final, timeout)

    def campaign_status(self, number: str) -> str | None:
        """The number's status on its campaign (ten digits in), None when not assigned."""
        answer = self.json("GET", f"{self.v2}/tendlc/phoneNumbers/+1{number}")
        if answer.status_code == 404:
            return None
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]["status"]

    def register(self, number: str, campaign: str = REGISTERED_CAMPAIGN) -> None:
        """Assign a ten-digit number to `campaign` and wait until it reads SUCCESS."""
        created = self.tn_option(["+1" + number], campaign)
        assert created.status_code == 201, created.text
        order_id = parse(created.text)["TnOptionOrderResponse"]["TnOptionOrder"]["OrderId"]
        assert self.wait_tn_option(order_id)["ProcessingStatus"] == "COMPLETE"
        self._elapse()
        wait_for(lambda: self.campaign_status(number) == "SUCCESS")

    def send(
        self,
        app_id: str,
        sender: str,
        to: list[str] | str,
        text: str = "Hello",
        legacy: bool = False,
        **extra: Any,
    ) -> httpx.Response:
        body = {"applicationId": app_id, "from": sender, "to": to, "text": text, **extra}
        if legacy:
            url = f"/v2/users/{self.identity.user_id}/messages"
            auth = (self.identity.token, self.identity.secret)
        else:
            url = f"/api/v2/users/{self.identity.account_id}/messages"
            auth = self.auth
        return self.http.post(
            url,
            content=json.dumps(body),
            auth=auth,
            headers={"Content-Type": "application/json; charset=utf-8"},
        )


def run_guide(base_url: str, identity: Any, client: httpx.Client) -> dict[str, httpx.Response]:
    """The guide's eight requests, verbatim from its samples with the ids substituted, as curl
    would send them (the 2018 API user over Basic: the sandbox must run with legacy_api_users).
    Returns each step's response by sample name."""
    values = {
        "accountId": identity.account_id,
        "account": identity.account_id,
        "subaccount": identity.site_id,
        "userId": identity.user_id,
    }
    dashboard_auth = (identity.username, identity.password)
    answers: dict[str, httpx.Response] = {}

    def send(
        name: str, auth: tuple[str, str], extra: dict[str, str] | None = None
    ) -> httpx.Response:
        sample = load_sample(f"{name}.request.http")
        merged = {**values, **(extra or {})}
        url = localise(substitute(sample.url, merged), base_url)
        body = substitute(sample.body, merged) if sample.body else None
        headers = {"Content-Type": sample.headers["Content-Type"]}
        response = client.request(sample.method, url, content=body, headers=headers, auth=auth)
        answers[name] = response
        return response

    created = send("1-create-application", dashboard_auth)
    app_id = parse(created.text)["ApplicationProvisioningResponse"]["Application"]["ApplicationId"]
    location = send("2-create-location", dashboard_auth).headers["Location"].rsplit("/", 1)[-1]
    values["location"] = location
    send("3-enable-sms", dashboard_auth)
    send("4-enable-mms", dashboard_auth)
    # The guide's sample carries an id from its own account; use the application just created.
    sample_app_id = "299ab22a-d7e6-4cf6-9f4d-2089efc0c031"
    sample = load_sample("5-assign-application.request.http")
    url = localise(substitute(sample.url, values), base_url)
    answers["5-assign-application"] = client.request(
        "PUT",
        url,
        content=sample.body.replace(sample_app_id, app_id),
        headers={"Content-Type": sample.headers["Content-Type"]},
        auth=dashboard_auth,
    )
    ordered = send("6-order-numbers", dashboard_auth)
    values["order"] = parse(ordered.text)["OrderResponse"]["Order"]["id"]

    def complete() -> httpx.Response | None:
        response = send("7-order-status", dashboard_auth)
        status = parse(response.text)["OrderResponse"]["OrderStatus"]
        return response if status == "COMPLETE" else None

    wait_for(complete, timeout=10)
    number = parse(answers["7-order-status"].text)["OrderResponse"]["CompletedNumbers"][
        "TelephoneNumber"
    ]["FullNumber"]
    send(
        "8-send-message",
        (identity.token, identity.secret),
        {
            "your-bandwidth-number": "+1" + number,
            "yourTN": "+19195550123",
            "your-application-id": app_id,
        },
    )
    answers["ids"] = httpx.Response(
        200,
        json={"app_id": app_id, "location": location, "order": values["order"], "number": number},
    )
    return answers


def check_guide_answers(answers: dict[str, httpx.Response], base_url: str, identity: Any) -> None:
    """Each answer has the status, headers and shape of the guide's sample response."""
    ids = answers["ids"].json()
    values = {
        "account": identity.account_id,
        "subaccount": identity.site_id,
        "location": ids["location"],
        "order": ids["order"],
    }

    def sample(name: str) -> Sample:
        return load_sample(f"{name}.response.http")

    # 1. Application: same elements in the same order, plus the API's later additions; the
    #    callback password is never echoed (the real API's behaviour; the 2018 sample shows it).
    answer, expected = answers["1-create-application"], sample("1-create-application")
    assert answer.status_code == expected.status == 201
    assert answer.headers["content-type"].startswith("application/xml")
    guide_paths = [p for p in element_paths(expected.body) if not p.endswith("/Password")]
    assert is_subsequence(guide_paths, element_paths(answer.text)), answer.text
    assert "Password" not in answer.text and "Your-Password" not in answer.text
    ours = parse(answer.text)["ApplicationProvisioningResponse"]["Application"]
    theirs = parse(expected.body)["ApplicationProvisioningResponse"]["Application"]
    for key in ("ServiceType", "AppName", "CallbackUrl"):
        assert ours[key] == theirs[key]
    assert ours["CallbackCreds"] == {"UserId": theirs["CallbackCreds"]["UserId"]}
    assert ours["MsgCallbackUrl"] == theirs["CallbackUrl"]
    assert ours["RequestedCallbackTypes"]["CallbackType"] == [
        "message-delivered",
        "message-failed",
        "message-sending",
    ]

    # 2. Location: 201, no body, the id only in the Location header.
    answer, expected = answers["2-create-location"], sample("2-create-location")
    assert answer.status_code == expected.status == 201
    assert answer.content == b""
    assert answer.headers["Location"] == localise(
        substitute(expected.headers["Location"], values), base_url
    )

    # 3-5. SMS, MMS, assignment: the guide's documents (ids substituted), element case included,
    #      but with the proxy peer Bandwidth picks today: the guide's 539692 is ignored.
    for name in ("3-enable-sms", "4-enable-mms"):
        answer, expected = answers[name], sample(name)
        assert answer.status_code == expected.status == 201, answer.text
        assert parse(answer.text) == parse(expected.body.replace("539692", "569238")), name
        assert element_paths(answer.text) == element_paths(expected.body)
    assert "<proxyPeerId>569238</proxyPeerId>" in answers["4-enable-mms"].text
    answer, expected = answers["5-assign-application"], sample("5-assign-application")
    assert answer.status_code == expected.status == 200, answer.text
    assert parse(answer.text) == parse(
        expected.body.replace("299ab22a-d7e6-4cf6-9f4d-2089efc0c031", ids["app_id"])
    )

    # 6. Order: Location header + OrderResponse with the order echoed, status RECEIVED.
    answer, expected = answers["6-order-numbers"], sample("6-order-numbers")
    assert answer.status_code == expected.status == 201
    assert answer.headers["Location"] == localise(
        substitute(expected.headers["Location"], values), base_url
    )
    assert element_paths(answer.text) == element_paths(substitute(expected.body, values))
    order = parse(answer.text)["OrderResponse"]
    assert order["OrderStatus"] == "RECEIVED"
    assert order["Order"]["id"] == ids["order"]
    assert order["Order"]["PeerId"] == ids["location"]
    assert order["Order"]["SiteId"] == identity.site_id
    assert order["Order"]["AreaCodeSearchAndOrderType"] == {"AreaCode": "910", "Quantity": "1"}
    assert (order["Order"]["BackOrderRequested"], order["Order"]["PartialAllowed"]) == (
        "false",
        "true",
    )

    # 7. Order status once COMPLETE: exactly the guide's elements.
    answer, expected = answers["7-order-status"], sample("7-order-status")
    assert answer.status_code == expected.status == 200
    assert element_paths(answer.text) == element_paths(substitute(expected.body, values))
    status = parse(answer.text)["OrderResponse"]
    assert status["OrderStatus"] == "COMPLETE"
    assert status["CompletedQuantity"] == "1" and status["FailedQuantity"] == "0"
    assert status["Summary"] == "1 number ordered in (910)"
    assert status["CompletedNumbers"]["TelephoneNumber"]["FullNumber"].startswith("910")
    assert status["CreatedByUser"] == identity.username

    # 8. Message: 202 with the documented JSON (a superset of the guide's sample).
    answer, expected = answers["8-send-message"], sample("8-send-message")
    assert answer.status_code == expected.status == 202, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body, guide = answer.json(), json.loads(expected.body)
    assert set(guide) <= set(body)
    assert body["direction"] == "out"
    assert body["to"] == ["+19195550123"]
    assert body["from"] == body["owner"] == "+1" + ids["number"]
    assert body["applicationId"] == ids["app_id"]
    assert body["text"] == "Good morning, this is a test message"
    assert body["segmentCount"] == 1 and body["priority"] == "default"


# -- toll-free verification ---------------------------------------------------------------------


def tfv_request(number: str, **changes: object) -> dict[str, Any]:
    """A valid VerificationRequest for `number`; `changes` set (or, with None, drop) fields,
    `a__b` naming `b` inside `a`."""
    body: dict[str, Any] = {
        "businessAddress": {
            "name": "Acme Sandbox",
            "addr1": "900 Main Campus Dr",
            "city": "Raleigh",
            "state": "NC",
            "zip": "27606",
            "url": "https://acme-example.com",
        },
        "businessContact": {
            "firstName": "Jane",
            "lastName": "Doe",
            "email": "jane@acme-example.com",
            "phoneNumber": "+19195550100",
        },
        "messageVolume": 1000,
        "phoneNumbers": [number],
        "useCase": "2FA",
        "useCaseSummary": "Login codes for Acme customers who asked for them.",
        "productionMessageContent": "Your Acme code is 123456.",
        "optInWorkflow": {
            "description": "Customers tick a box when they sign up.",
            "imageUrls": ["https://acme-example.com/opt-in.png"],
        },
        "businessEntityType": "SOLE_PROPRIETOR",
    }
    for path, value in changes.items():
        target = body
        *parents, last = path.split("__")
        for key in parents:
            target = target[key]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return body
