"""Where a URL points, judged from its text alone (no lookup)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_local_url(url: str) -> bool:
    """True for a loopback host (``localhost``, ``127.0.0.0/8``, ``::1``): this machine (the
    sandbox, a handler being written), never Bandwidth. Decides where retired username/password
    credentials may still be sent, and where a proxy from the environment must not be used."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
