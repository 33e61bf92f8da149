"""Helpers for the sandbox's scale features: its clock, rate limits, large account, teardown."""

from __future__ import annotations

from typing import Any

import httpx
from sbx_helpers import Api, parse


class ScaleApi(Api):
    """The tests' Dashboard client plus the control routes for time, limits and seeding."""

    def clock(self, **body: Any) -> dict[str, Any]:
        """POST /_sandbox/clock with `body` (or GET without one)."""
        response = self.control("POST", "/clock", body) if body else self.control("GET", "/clock")
        assert response.status_code == 200, response.text
        return response.json()

    def freeze(self) -> dict[str, Any]:
        return self.clock(mode="manual")

    def advance(self, seconds: float) -> dict[str, Any]:
        return self.clock(advance=seconds)

    def limits(self, **groups: Any) -> dict[str, Any]:
        response = (
            self.control("POST", "/ratelimits", groups)
            if groups
            else self.control("GET", "/ratelimits")
        )
        assert response.status_code == 200, response.text
        return response.json()

    def seed(self, **counts: Any) -> dict[str, Any]:
        response = self.control("POST", "/seed", counts)
        assert response.status_code == 201, response.text
        return response.json()

    def site(self, site_id: str) -> str:
        return f"{self.account}/sites/{site_id}"

    def peer_of(self, location: dict[str, Any]) -> str:
        return f"{self.account}/sites/{location['site_id']}/sippeers/{location['id']}"

    def order_now(self, location: str, quantity: int = 1, area_code: str = "919") -> list[str]:
        """Order numbers and move the (frozen) clock past the order's delay; returns them."""
        created = self.order(location, area_code, quantity)
        assert created.status_code == 201, created.text
        order_id = parse(created.text)["OrderResponse"]["Order"]["id"]
        self.advance(self.state()["config"]["order_delay"])
        done = parse(self.xml("GET", f"{self.account}/orders/{order_id}").text)["OrderResponse"]
        assert done["OrderStatus"] == "COMPLETE", done
        found = done["CompletedNumbers"]["TelephoneNumber"]
        found = found if isinstance(found, list) else [found]
        return [item["FullNumber"] for item in found]

    def ready_account(
        self,
        url: str = "https://example.com/cb",
        user: str | None = "cb-user",
        password: str | None = "cb-pass",
    ) -> dict[str, str]:
        """Steps 1-7 as `Api.ready_account`, with the clock frozen and moved past the order
        instead of waited for; the clock stays frozen for the test."""
        self.freeze()
        app_id = self.create_app(url=url, user=user, password=password)
        location = self.create_location()
        assert self.enable_sms(location).status_code == 201
        assert self.enable_mms(location).status_code == 201
        assert self.assign(location, app_id).status_code == 200
        (number,) = self.order_now(location)
        return {"app_id": app_id, "location": location, "number": number}

    def disconnect(
        self, numbers: list[str], customer_order_id: str | None = None
    ) -> httpx.Response:
        customer = (
            f"<CustomerOrderId>{customer_order_id}</CustomerOrderId>" if customer_order_id else ""
        )
        listed = "".join(f"<TelephoneNumber>{n}</TelephoneNumber>" for n in numbers)
        body = (
            f"<DisconnectTelephoneNumberOrder>{customer}<DisconnectTelephoneNumberOrderType>"
            f"<TelephoneNumberList>{listed}</TelephoneNumberList>"
            "</DisconnectTelephoneNumberOrderType></DisconnectTelephoneNumberOrder>"
        )
        return self.xml("POST", self.account + "/disconnects", body)

    def disconnect_status(self, order_id: str) -> dict[str, Any]:
        answer = self.xml("GET", f"{self.account}/disconnects/{order_id}")
        assert answer.status_code == 200, answer.text
        return parse(answer.text)["DisconnectTelephoneNumberOrderResponse"]


def listed(value: Any) -> list[Any]:
    """xmltodict gives one child as a value and several as a list; always a list here."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def response_status(answer: httpx.Response, wrapper: str) -> tuple[str | None, str]:
    status = parse(answer.text)[wrapper]["ResponseStatus"]
    return status.get("ErrorCode"), status["Description"]
