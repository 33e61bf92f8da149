"""Outbound message callbacks, delivered the way Bandwidth delivers them.

Each event is POSTed alone as a JSON array with `Content-Type: application/json; charset=utf-8`
and `User-Agent: BandwidthAPI/v2` (api-docs webhooks.mdx). An SMS is told as delivered or failed
after the delivery delay; `message-sending` comes first only for MMS. Basic auth is a
challenge: the first POST carries no Authorization; only a 401 with `WWW-Authenticate: Basic`
makes the sandbox repeat it with the application's callback credentials. A non-2xx answer, an
error, or an answer slower than `callback_timeout` is retried with doubling pauses until
`callback_retry_window` has passed. Every HTTP attempt is recorded with its answer (never the
password). All of it runs in background tasks, so the 202 to the sender is never held up.

Pauses and the retry window run on the sandbox's clock (`state.time`), so a test with a manual
clock releases the next callback by advancing time. The per-attempt `callback_timeout` stays a
real socket timeout: it bounds how long the receiver takes to answer, which only real time can.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Coroutine
from typing import Any

import httpx

from wizard.sandbox.state import Application, Creds, Message, SandboxState, iso

USER_AGENT = "BandwidthAPI/v2"
_ANSWER_SNIPPET = 200


class CallbackDispatcher:
    """Owns the callback tasks and the HTTP client of one running sandbox."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._tasks: set[asyncio.Task[Any]] = set()
        self._client: httpx.AsyncClient | None = None

    # -- task management -------------------------------------------------------------------

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        """Run in the background of the server's loop; the caller never waits for it."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def busy(self) -> int:
        return len(self._tasks)

    async def close(self) -> None:
        """Cancel pending deliveries (stop or reset) and close the HTTP client."""
        await self.cancel_all()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def cancel_all(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # trust_env=False: a developer's HTTP(S)_PROXY must not swallow local callbacks.
            self._client = httpx.AsyncClient(trust_env=False, follow_redirects=False)
        return self._client

    # -- one event ---------------------------------------------------------------------------

    async def deliver(
        self,
        app: Application,
        event: dict[str, Any],
        *,
        inbound: bool = False,
        message_id: str | None = None,
    ) -> str:
        """Deliver one event until it is accepted or the retry window closes.

        Returns 'delivered', 'gave_up' or 'skipped' (no URL, or a type the app did not ask for).
        """
        url = app.inbound_url if inbound else app.outbound_url
        creds = app.inbound_creds if inbound else app.outbound_creds
        kind = event.get("type", "")
        message_id = message_id or event.get("message", {}).get("id")
        if not url or (not inbound and kind not in app.requested_callback_types):
            self._record(message_id, kind, url, 0, "none", None, None, None, 0.0, "skipped", "")
            return "skipped"
        body = json.dumps([event]).encode("utf-8")
        clock = self.state.time
        started = clock.monotonic()
        cycle = 0
        while True:
            cycle += 1
            if await self._cycle(url, body, creds, message_id, kind, cycle):
                return "delivered"
            config = self.state.config
            pause = min(
                config.callback_retry_initial * 2 ** (cycle - 1), config.callback_retry_max_interval
            )
            if clock.monotonic() - started + pause > config.callback_retry_window:
                self._record(
                    message_id, kind, url, cycle, "none", None, None, None, 0.0, "gave_up", ""
                )
                return "gave_up"
            await clock.sleep(pause)

    async def _cycle(
        self,
        url: str,
        body: bytes,
        creds: Creds | None,
        message_id: str | None,
        kind: str,
        cycle: int,
    ) -> bool:
        """One delivery attempt: without credentials, then with them if challenged."""
        status, challenge = await self._post(url, body, None, message_id, kind, cycle, creds)
        if status == 401 and creds is not None and challenge.lower().startswith("basic"):
            status, _ = await self._post(url, body, creds, message_id, kind, cycle, creds)
        return status is not None and 200 <= status < 300

    async def _post(
        self,
        url: str,
        body: bytes,
        send_creds: Creds | None,
        message_id: str | None,
        kind: str,
        cycle: int,
        known_creds: Creds | None,
    ) -> tuple[int | None, str]:
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
        if send_creds is not None:
            token = f"{send_creds.user_id}:{send_creds.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
        timeout = float(self.state.config.callback_timeout)
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        challenge = ""
        answer = ""
        try:
            response = await self._http().post(
                url, content=body, headers=headers, timeout=httpx.Timeout(timeout)
            )
            status = response.status_code
            challenge = response.headers.get("www-authenticate", "")
            answer = response.text[:_ANSWER_SNIPPET]
        except httpx.TimeoutException:
            error = f"no answer within {timeout:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: could not deliver"
        duration = (time.monotonic() - started) * 1000
        if status is not None and 200 <= status < 300:
            outcome = "delivered"
        elif (
            status == 401
            and send_creds is None
            and known_creds
            and challenge.lower().startswith("basic")
        ):
            outcome = "challenged"
        else:
            outcome = "failed"
        self._record(
            message_id,
            kind,
            url,
            cycle,
            "basic" if send_creds else "none",
            status,
            error,
            challenge or None,
            duration,
            outcome,
            answer,
        )
        return status, challenge

    def _record(
        self,
        message_id: str | None,
        kind: str,
        url: str | None,
        cycle: int,
        authorization: str,
        status: int | None,
        error: str | None,
        challenge: str | None,
        duration_ms: float,
        outcome: str,
        answer: str,
    ) -> None:
        self.state.record_attempt(
            {
                "time": iso(self.state.wall()),
                "message_id": message_id,
                "event_type": kind,
                "url": url,
                "attempt": cycle,
                "authorization": authorization,
                "status": status,
                "error": error,
                "www_authenticate": challenge,
                "answer": answer,
                "duration_ms": round(duration_ms, 1),
                "outcome": outcome,
            }
        )

    # -- whole messages ------------------------------------------------------------------------

    async def run_message(self, message: Message, app: Application) -> None:
        """message-sending for each MMS destination, then after a pause delivered or failed for
        each destination; with no pause when every destination was refused outright (4405,
        4403, 4452: no carrier involved)."""
        first: list[tuple[str, dict[str, Any]]] = []
        final: list[tuple[str, dict[str, Any]]] = []
        now = self.state.wall()
        for destination in message.to:
            plan = message.results[destination]
            if plan["sending"]:
                first.append(
                    (destination, status_event("message-sending", message, destination, now=now))
                )
            if plan["planned"] == "delivered":
                final.append(
                    (destination, status_event("message-delivered", message, destination, now=now))
                )
            else:
                final.append(
                    (
                        destination,
                        status_event(
                            "message-failed",
                            message,
                            destination,
                            error_code=plan["error_code"],
                            description=plan["description"],
                            now=now,
                        ),
                    )
                )
        for destination, event in first:
            await self._deliver_and_note(app, message, destination, event)
        if any(not message.results[d].get("refused") for d in message.to):
            await self.state.time.sleep(float(self.state.config.delivery_delay))
        for destination, event in final:
            event["time"] = iso(self.state.wall())
            await self._deliver_and_note(app, message, destination, event)
        delivered = [d for d in message.to if message.results[d]["planned"] == "delivered"]
        if delivered and self.state.config.inbound_reply:
            await self.state.time.sleep(float(self.state.config.delivery_delay))
            reply = received_event(
                self.state,
                app,
                sender=delivered[0],
                owner=message.from_number,
                text=f"Reply from the sandbox to: {message.text[:60]}",
            )
            await self.deliver(app, reply, inbound=True, message_id=message.id)

    async def _deliver_and_note(
        self, app: Application, message: Message, destination: str, event: dict[str, Any]
    ) -> None:
        result = await self.deliver(app, event)
        with self.state.lock:
            message.results[destination]["callbacks"][event["type"]] = result


def _message_part(message: Message) -> dict[str, Any]:
    """The `message` object inside status callbacks; Bandwidth blanks the text there."""
    part: dict[str, Any] = {
        "id": message.id,
        "owner": message.owner,
        "applicationId": message.application_id,
        "time": message.time,
        "segmentCount": message.segment_count,
        "direction": message.direction,
        "to": list(message.to),
        "from": message.from_number,
        "text": "",
    }
    if message.media:
        part["media"] = list(message.media)
    if message.tag is not None:
        part["tag"] = message.tag
    return part


_DESCRIPTIONS = {
    "message-sending": "Message is sending to carrier",
    "message-delivered": "ok",
}


def status_event(
    kind: str,
    message: Message,
    destination: str,
    *,
    error_code: int | None = None,
    description: str | None = None,
    now: float,
) -> dict[str, Any]:
    """One status event; `now` is the sandbox's wall time (the event's `time`)."""
    event: dict[str, Any] = {
        "type": kind,
        "time": iso(now),
        "description": description or _DESCRIPTIONS.get(kind, ""),
        "to": destination,
    }
    if error_code is not None:
        event["errorCode"] = error_code
    event["message"] = _message_part(message)
    return event


def received_event(
    state: SandboxState, app: Application, *, sender: str, owner: str, text: str
) -> dict[str, Any]:
    """An inbound message-received event: `sender` texted the account's number `owner`."""
    with state.lock:
        message_id = state.ids.message_id()
    now = iso(state.wall())
    return {
        "type": "message-received",
        "time": now,
        "description": "Incoming message received",
        "to": owner,
        "message": {
            "id": message_id,
            "time": now,
            "to": [owner],
            "from": sender,
            "text": text,
            "applicationId": app.id,
            "owner": owner,
            "direction": "in",
            "segmentCount": 1,
        },
    }
