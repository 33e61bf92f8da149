"""End to end against the sandbox over loopback: a sent message's callbacks pass the challenge,
arrive, are tied to the right message, survive a redelivery and a receiver restart."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import xmltodict

from tests.callbacks.helpers import ReceiverServer, log_lines
from tests.waiting import until
from wizard.callbacks.receiver import CallbackReceiver
from wizard.callbacks.tracker import MessageTracker

CB_USER = "bw-wizard"
DELIVERED, FAILS_4432 = "+19195550123", "+19195554432"

SMS_FEATURE = (
    "<SipPeerSmsFeature><SipPeerSmsFeatureSettings><TollFree>true</TollFree>"
    "<ShortCode>true</ShortCode><Protocol>HTTP</Protocol><Zone1>true</Zone1><Zone2>false</Zone2>"
    "<Zone3>false</Zone3><Zone4>false</Zone4><Zone5>false</Zone5></SipPeerSmsFeatureSettings>"
    "<HttpSettings /></SipPeerSmsFeature>"
)


class Account:
    """Just enough of the guide's steps, as raw HTTP, to get a number that can send."""

    def __init__(self, client: httpx.AsyncClient, sandbox: Any) -> None:
        self.client = client
        self.identity = sandbox.identity
        self.account = f"/api/v2/accounts/{self.identity.account_id}"
        self.headers: dict[str, str] = {}

    async def sign_in(self) -> None:
        """An API Credential's bearer token: the only sign-in Bandwidth accepts today."""
        answer = await self.client.post(
            "/api/v1/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(self.identity.client_id, self.identity.client_secret),
        )
        assert answer.status_code == 200, answer.text
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}

    async def xml(self, method: str, path: str, body: str | None = None) -> httpx.Response:
        headers = {"Content-Type": "application/xml; charset=utf-8"} if body else {}
        response = await self.client.request(
            method, path, content=body, headers={**headers, **self.headers}
        )
        assert response.status_code < 300, response.text
        return response

    async def ready(self, callback_url: str, password: str) -> tuple[str, str]:
        """Application (with CallbackCreds), location, SMS, assignment, one number on the
        sandbox's REGISTERED 10DLC campaign (else its texts fail with 4476)."""
        await self.sign_in()
        created = await self.xml(
            "POST",
            self.account + "/applications",
            "<Application><ServiceType>Messaging-V2</ServiceType><AppName>cb test</AppName>"
            f"<MsgCallbackUrl>{callback_url}</MsgCallbackUrl><CallbackCreds><UserId>{CB_USER}</UserId>"
            f"<Password>{password}</Password></CallbackCreds></Application>",
        )
        app_id = xmltodict.parse(created.text)["ApplicationProvisioningResponse"]["Application"][
            "ApplicationId"
        ]
        site = f"{self.account}/sites/{self.identity.site_id}"
        peer = await self.xml(
            "POST",
            site + "/sippeers",
            "<SipPeer><PeerName>cb test</PeerName><IsDefaultPeer>true</IsDefaultPeer></SipPeer>",
        )
        location = peer.headers["Location"].rsplit("/", 1)[-1]
        messaging = f"{site}/sippeers/{location}/products/messaging"
        await self.xml("POST", messaging + "/features/sms", SMS_FEATURE)
        await self.xml(
            "PUT",
            messaging + "/applicationSettings",
            f"<ApplicationsSettings><HttpMessagingV2AppId>{app_id}</HttpMessagingV2AppId>"
            "</ApplicationsSettings>",
        )
        order = await self.xml(
            "POST",
            self.account + "/orders",
            "<Order><AreaCodeSearchAndOrderType><AreaCode>919</AreaCode><Quantity>1</Quantity>"
            f"</AreaCodeSearchAndOrderType><SiteId>{self.identity.site_id}</SiteId>"
            f"<PeerId>{location}</PeerId></Order>",
        )
        order_id = xmltodict.parse(order.text)["OrderResponse"]["Order"]["id"]
        done: dict[str, Any] = {}

        async def settled() -> bool:
            answer = await self.xml("GET", f"{self.account}/orders/{order_id}")
            body = xmltodict.parse(answer.text)["OrderResponse"]
            done.update(body)
            return body["OrderStatus"] not in ("RECEIVED", "PROCESSING")

        await until(settled, 10, "the order to settle")
        assert done["OrderStatus"] == "COMPLETE"
        number = "+1" + done["CompletedNumbers"]["TelephoneNumber"]["FullNumber"]
        await self.xml(
            "POST",
            self.account + "/tnoptions",
            "<TnOptionOrder><TnOptionGroups><TnOptionGroup><Sms>on</Sms><A2pSettings>"
            "<Action>asSpecified</Action><CampaignId>CA1B2C3</CampaignId>"
            "<MessageClass>Campaign-E</MessageClass></A2pSettings><TelephoneNumbers>"
            f"<TelephoneNumber>{number}</TelephoneNumber></TelephoneNumbers></TnOptionGroup>"
            "</TnOptionGroups></TnOptionOrder>",
        )

        async def registered() -> bool:
            path = f"{self.account}/tendlc/phoneNumbers/{number}"
            answer = await self.client.get(path, headers=self.headers)
            return answer.status_code == 200 and answer.json()["data"]["status"] == "SUCCESS"

        await until(registered, 10, "the number's campaign assignment")
        return app_id, number

    async def send(self, app_id: str, sender: str, to: list[str], text: str) -> dict[str, Any]:
        response = await self.client.post(
            f"/api/v2/users/{self.identity.account_id}/messages",
            json={"applicationId": app_id, "from": sender, "to": to, "text": text},
            headers=self.headers,
        )
        assert response.status_code == 202, response.text
        return response.json()

    async def config(self, **values: Any) -> dict[str, Any]:
        response = await self.client.post("/_sandbox/config", json=values)
        assert response.status_code == 200, response.text
        return response.json()

    async def attempts(self, message_id: str) -> list[dict[str, Any]]:
        state = (await self.client.get("/_sandbox/state")).json()
        return [a for a in state["callback_attempts"] if a["message_id"] == message_id]


async def test_a_sent_message_is_followed_to_its_outcome(sandbox, log_path):
    password = secrets.token_urlsafe(24)
    tracker = MessageTracker()
    receiver = CallbackReceiver(
        username=CB_USER, password=password, log_path=log_path, on_event=tracker.apply
    )
    async with (
        ReceiverServer(receiver) as server,
        httpx.AsyncClient(base_url=sandbox.base_url, timeout=10, trust_env=False) as client,
    ):
        account = Account(client, sandbox)
        app_id, sender = await account.ready(server.url, password)
        await account.config(inbound_reply=True)
        sent = await account.send(app_id, sender, [DELIVERED, FAILS_4432], "Hello")
        timeline = tracker.record_sent(
            sent["id"], sent["to"], from_number=sent["from"], text="Hello", time=sent["time"]
        )
        await until(lambda: timeline.done and timeline.replies, timeout=10)
        attempts: list[dict[str, Any]] = []

        async def all_five_recorded() -> bool:
            # The sandbox notes an attempt once it has read our answer, just after we emit.
            attempts[:] = await account.attempts(sent["id"])
            return [a["outcome"] for a in attempts].count("delivered") >= 3

        await until(all_five_recorded, 10, "the sandbox to record every attempt")

    assert timeline.outcomes == {DELIVERED: "delivered", FAILS_4432: "failed"}
    assert timeline.status == "failed"
    stages = [(entry.stage, entry.to) for entry in timeline.entries if entry.stage != "received"]
    assert stages[0] == ("accepted", f"{DELIVERED}, {FAILS_4432}")
    # An SMS goes straight from accepted to its outcome: message-sending is for MMS only.
    assert sorted(stages[1:]) == [("delivered", DELIVERED), ("failed", FAILS_4432)]
    failed = next(entry for entry in timeline.entries if entry.stage == "failed")
    assert failed.error_code == 4432 and "country" in failed.explanation.meaning
    (reply,) = timeline.replies
    assert reply.from_number == DELIVERED and reply.to == sender
    assert reply.text and "Hello" in reply.text
    # Every callback passed the challenge: first without credentials (401), then with them.
    assert all(event.authenticated for event in receiver.history)
    outcomes = [a["outcome"] for a in attempts]
    assert outcomes == ["challenged", "delivered"] * 3
    assert password not in str(attempts)
    assert len(log_lines(log_path)) == len(receiver.history) == 3


class HoldsFirstDelivery(CallbackReceiver):
    """Answers the first message-delivered only after Bandwidth (the sandbox) has given up on
    it and sent it again: the at-least-once redelivery the receiver must recognise."""

    held = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def hold_then_send(message: dict[str, Any]) -> None:
            if (
                message["type"] == "http.response.start"
                and message["status"] == 200
                and not self.held
                and any(e.type == "message-delivered" for e in self.history)
            ):
                self.held = True
                await until(lambda: self.duplicates_ignored >= 1, timeout=10)
            await send(message)

        await super().__call__(scope, receive, hold_then_send)


async def test_a_redelivery_is_shown_once_and_a_restart_remembers(sandbox, log_path):
    password = secrets.token_urlsafe(24)
    seen = []
    receiver = HoldsFirstDelivery(
        username=CB_USER, password=password, log_path=log_path, on_event=seen.append
    )
    async with (
        ReceiverServer(receiver) as server,
        httpx.AsyncClient(base_url=sandbox.base_url, timeout=10, trust_env=False) as client,
    ):
        account = Account(client, sandbox)
        app_id, sender = await account.ready(server.url, password)
        await account.config(callback_timeout=0.3)
        sent = await account.send(app_id, sender, [DELIVERED], "Once")
        await until(lambda: receiver.duplicates_ignored >= 1, timeout=10)
        attempts = await account.attempts(sent["id"])
    delivered_tries = [a for a in attempts if a["event_type"] == "message-delivered"]
    assert {a["attempt"] for a in delivered_tries} >= {1, 2}
    assert [e.type for e in seen] == ["message-delivered"]
    assert len(log_lines(log_path)) == 1

    restarted = CallbackReceiver(username=CB_USER, password=password, log_path=log_path)
    tracker = MessageTracker()
    tracker.apply_all(restarted.history)
    timeline = tracker.get(sent["id"])
    assert timeline is not None and timeline.status == "delivered"
    assert [e.stage for e in timeline.entries] == ["delivered"]
