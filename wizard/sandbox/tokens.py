"""OAuth2 access tokens as Bandwidth issues them today: signed JWTs whose payload a client reads.

The official CLI (Bandwidth/cli cmd/auth/login.go) decodes the payload without checking the
signature and takes `accounts`, `roles` and `express` from it, so the sandbox must hand out real
three-part base64url tokens. It signs them with HS256 and a key only it knows, so it recognises
its own tokens (a token edited by a client no longer verifies), and it keeps each token's expiry
on the sandbox clock, so a test that moves that clock expires a token without waiting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections import OrderedDict
from typing import Any

#: Bounded memory: the oldest tokens are forgotten (and then refused) beyond this many.
MAX_TOKENS = 1000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(claims: dict[str, Any], key: bytes) -> str:
    """`header.payload.signature`, base64url without padding, as RFC 7519 writes it."""
    header = {"alg": "HS256", "typ": "JWT", "kid": "bw-sandbox"}
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64(json.dumps(claims, separators=(",", ":")).encode())
    )
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + _b64(signature)


def decode(token: str, key: bytes) -> dict[str, Any] | None:
    """The payload of a token this key signed, or None for anything else."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    signing_input = (parts[0] + "." + parts[1]).encode("ascii", errors="replace")
    expected = hmac.new(key, signing_input, hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(expected, _unb64(parts[2])):
            return None
        payload = json.loads(_unb64(parts[1]))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


class TokenBook:
    """The tokens this sandbox issued and when each expires on the sandbox clock."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._expiry: OrderedDict[str, float] = OrderedDict()

    def issue(self, claims: dict[str, Any], expires_at: float) -> str:
        """Sign `claims` (which carry a unique `jti`) and remember when they stop being valid."""
        token = encode(claims, self._key)
        self._expiry[str(claims["jti"])] = expires_at
        while len(self._expiry) > MAX_TOKENS:
            self._expiry.popitem(last=False)
        return token

    def claims(self, token: str, now: float) -> dict[str, Any] | None:
        """The claims of a live token issued here; None when forged, unknown or expired."""
        payload = decode(token, self._key)
        if payload is None:
            return None
        expiry = self._expiry.get(str(payload.get("jti")))
        if expiry is None or now >= expiry:
            return None
        return payload

    def clear(self) -> None:
        self._expiry.clear()

    def __len__(self) -> int:
        return len(self._expiry)
