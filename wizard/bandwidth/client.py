"""What every Bandwidth API client shares: one `HttpCore` (requests, retries, errors) over a
connection pool that clients of the same host may share, and the async context manager.

The clients differ only in the API they name in errors, the media type they accept and the
methods they offer; keeping the plumbing here keeps their constructors identical.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Self
from urllib.parse import quote

from .transport import ConnectionPool, HttpCore, OnRequest, RetryPolicy, Sleep

if TYPE_CHECKING:  # httpx loads with the first request (wizard.bandwidth.transport)
    import httpx


def path_segment(value: str) -> str:
    """One path segment, quoted so an id can never change the path."""
    return quote(str(value), safe="")


class ApiClient:
    """An async client for one Bandwidth API, for one account (or messaging user)."""

    API: ClassVar[str]
    """How errors and hints name the API ("dashboard", "platform", "messaging")."""
    ACCEPT: ClassVar[str]

    def __init__(
        self,
        base_url: str,
        account_id: str,
        auth: httpx.Auth | None,
        *,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_request: OnRequest | None = None,
        sleep: Sleep | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
        pool: ConnectionPool | None = None,
        **core_options: Any,
    ) -> None:
        self.account_id = str(account_id)
        self._core = HttpCore(
            base_url,
            auth,
            api=self.API,
            accept=self.ACCEPT,
            timeout=timeout,
            retry=retry,
            transport=transport,
            on_request=on_request,
            sleep=sleep,
            clock=clock,
            rng=rng,
            pool=pool,
            **core_options,
        )

    @property
    def base_url(self) -> str:
        return self._core.base_url

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (unless another client owns it)."""
        await self._core.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, account_id={self.account_id!r})"

    def _path(self, *parts: str) -> str:
        return "/".join(["accounts", path_segment(self.account_id), *parts])
