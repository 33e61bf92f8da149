"""Find a public HTTPS address for the callback receiver, from a local ngrok agent if one runs.

Bandwidth can only POST callbacks to a public HTTPS URL, and the receiver listens on loopback.
The usual bridge is a tunnel; ngrok's agent answers on http://127.0.0.1:4040/api/tunnels, so
when it is there the wizard can offer its address instead of asking the user to copy it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

__all__ = ["NGROK_API_URL", "TunnelLookup", "explain_no_tunnel", "find_public_url"]

#: Where a local ngrok agent publishes its tunnels.
NGROK_API_URL = "http://127.0.0.1:4040/api/tunnels"


@dataclass(frozen=True)
class TunnelLookup:
    """The outcome of looking for a tunnel: an address to offer, or what to do instead."""

    public_url: str | None
    """The tunnel's https base address (https://abc.ngrok.app), or None."""
    callback_url: str | None
    """`public_url` followed by the receiver's path, ready for the application's callback URL."""
    explanation: str
    """Two sentences for the screen: what was found, or what the user should do."""


def explain_no_tunnel(port: int | None = None, path: str = "/callbacks") -> str:
    """The two sentences shown when no tunnel was found."""
    target = str(port) if port else "<receiver port>"
    return (
        "Bandwidth can only deliver callbacks to a public HTTPS address, and no ngrok agent was "
        "found on this computer (http://127.0.0.1:4040). "
        f"Start a tunnel to the receiver, for example `ngrok http {target}`, and use its https "
        f"address followed by {path} as the application's callback URL."
    )


async def find_public_url(
    *,
    local_port: int | None = None,
    path: str = "/callbacks",
    api_url: str = NGROK_API_URL,
    timeout: float = 0.5,
    transport: httpx.AsyncBaseTransport | None = None,
) -> TunnelLookup:
    """Ask a local ngrok agent for its https tunnel, preferring one that forwards to `local_port`.

    Never raises: no agent, a slow agent or an odd answer all mean "no tunnel", because this is
    a convenience and must not hold up the wizard (hence the short timeout).
    """
    try:
        async with httpx.AsyncClient(timeout=timeout, transport=transport) as client:
            response = await client.get(api_url)
        data = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        data = None
    return _choose(data, local_port, path)


def _choose(data: object, local_port: int | None, path: str) -> TunnelLookup:
    tunnels = data.get("tunnels") if isinstance(data, dict) else None
    candidates: list[tuple[str, str]] = []
    for tunnel in tunnels if isinstance(tunnels, list) else []:
        if not isinstance(tunnel, dict):
            continue
        public = tunnel.get("public_url")
        if not isinstance(public, str) or not public.lower().startswith("https://"):
            continue
        config = tunnel.get("config")
        addr = config.get("addr") if isinstance(config, dict) else None
        candidates.append((public.rstrip("/"), addr if isinstance(addr, str) else ""))
    if not candidates:
        return TunnelLookup(None, None, explain_no_tunnel(local_port, path))
    matching = [c for c in candidates if local_port and _port_of(c[1]) == local_port]
    public, addr = (matching or candidates)[0]
    callback_url = public + (path if path.startswith("/") else "/" + path)
    if local_port and not matching:
        explanation = (
            f"An ngrok tunnel was found at {public}, but it forwards to {addr or 'another port'}, "
            f"not to this receiver on port {local_port}. "
            f"Restart it with `ngrok http {local_port}` or use it only if it reaches the receiver."
        )
    else:
        explanation = (
            f"An ngrok tunnel forwards {public} to this computer. "
            f"Use {callback_url} as the application's callback URL so Bandwidth can reach the "
            "receiver."
        )
    return TunnelLookup(public, callback_url, explanation)


def _port_of(addr: str) -> int | None:
    """The port in an ngrok `config.addr` ("http://localhost:8970", "localhost:8970", "8970")."""
    if addr.isdigit():
        return int(addr)
    try:
        port = urlsplit(addr if "://" in addr else "//" + addr).port
    except ValueError:
        return None
    return port
