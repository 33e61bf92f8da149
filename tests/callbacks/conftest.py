"""Fixtures for the callback tests: receivers on free loopback ports, stopped after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.callbacks.helpers import ReceiverServer
from wizard.callbacks.receiver import CallbackReceiver

Start = Callable[..., Awaitable[tuple[CallbackReceiver, ReceiverServer]]]


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "log" / "callbacks.jsonl"


@pytest.fixture
async def start_receiver(log_path: Path) -> AsyncIterator[Start]:
    """`await start_receiver(**CallbackReceiver kwargs)` -> (receiver, server) on port 0."""
    servers: list[ReceiverServer] = []

    async def start(**kwargs: Any) -> tuple[CallbackReceiver, ReceiverServer]:
        kwargs.setdefault("log_path", log_path)
        receiver = CallbackReceiver(**kwargs)
        server = ReceiverServer(receiver, host="127.0.0.1", port=0)
        await server.start()
        servers.append(server)
        return receiver, server

    yield start
    for server in servers:
        await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
        yield client
