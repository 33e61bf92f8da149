"""Engine test helpers: an engine wired to the shared sandbox, and its state as JSON."""

from __future__ import annotations

from typing import Any

import httpx

from wizard.engine.book import MemoryProgress, ProgressBook
from wizard.engine.events import Event
from wizard.engine.inputs import SetupInputs
from wizard.engine.polling import PollSchedule
from wizard.engine.runner import Engine
from wizard.session.connection import ConnectionSettings, Secrets, build_engine
from wizard.session.sandbox import sandbox_connection


def sandbox_conn(sandbox: Any) -> tuple[ConnectionSettings, Secrets]:
    return sandbox_connection(sandbox.base_url, sandbox.config.identity)


def make_engine(
    sandbox: Any, progress: ProgressBook | None = None, **conn_changes: Any
) -> tuple[Engine, Any, list[Event]]:
    conn, secrets = sandbox_conn(sandbox)
    if conn_changes:
        conn = ConnectionSettings(**{**conn.__dict__, **conn_changes})
    events: list[Event] = []
    engine, clients = build_engine(
        conn,
        secrets,
        progress if progress is not None else MemoryProgress(),
        on_event=events.append,
        poll=PollSchedule(first=0.05, factor=1.5, cap=0.2),
    )
    return engine, clients, events


def inputs(sandbox: Any, **changes: Any) -> SetupInputs:
    values: dict[str, Any] = {
        "site_id": sandbox.config.identity.site_id,
        "callback_url": "http://127.0.0.1:9/callbacks",
        "message_to": ["+19195550100"],
        "message_text": "hello",
        "order_timeout": 10.0,
        "campaign_id": "CA1B2C3",
    }
    values.update(changes)
    return SetupInputs(**values)


def state(sandbox: Any) -> dict[str, Any]:
    return httpx.get(f"{sandbox.base_url}/_sandbox/state", timeout=10, trust_env=False).json()


def account_client(sandbox: Any) -> httpx.Client:
    """An HTTP client signed in as the sandbox's identity, for changing the account behind the
    wizard's back (as someone in the Bandwidth App would)."""
    from tests.sandbox.sbx_helpers import Bearer

    identity = sandbox.config.identity
    return httpx.Client(
        base_url=sandbox.api_v2_url,
        auth=Bearer(sandbox.base_url, (identity.client_id, identity.client_secret)),
        timeout=10,
        trust_env=False,
    )


def control(sandbox: Any, path: str, body: Any) -> None:
    response = httpx.post(f"{sandbox.base_url}/_sandbox/{path}", json=body, timeout=10)
    response.raise_for_status()
