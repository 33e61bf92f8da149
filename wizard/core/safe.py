"""Text that came from outside (a server, a callback, a config file) made safe to show.

A terminal obeys escape sequences, so no control character from the network may reach it; a
secret must never be stored next to plain settings. These are the only copies of those rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_SECRET_KEY = re.compile(r"pass(word|wd)|secret|token|api[_-]?key", re.IGNORECASE)
_NOT_SECRET_SUFFIXES = ("_url", "_uri")
_LEAF_TYPES = frozenset({str, int, float, bool, type(None)})


def printable(text: str) -> str:
    """`text` with every run of control characters (escape sequences, NULs, line breaks)
    replaced by one space, so a server's sentence stays one harmless line."""
    return _CONTROL.sub(" ", text)


def has_control(text: str) -> bool:
    """True when `text` holds a control character (a value that cannot be a name or a URL)."""
    return _CONTROL.search(text) is not None


def clip(text: str, width: int) -> str:
    """`text` made printable, its white space folded, and cut to `width` with an ellipsis."""
    flat = " ".join(printable(text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@functools.lru_cache(maxsize=1024)
def looks_like_secret_key(key: str) -> bool:
    """True for keys such as "password", "client_secret" or "messaging_token" (but not
    "oauth_token_url"): such values never go next to non-secret data."""
    lowered = key.lower()
    if lowered.endswith(_NOT_SECRET_SUFFIXES):
        return False
    return bool(_SECRET_KEY.search(lowered))


def secret_key_path(data: Any) -> str | None:
    """Where the first secret-looking key sits in nested data ("a.[0].token"), or None.

    Progress is checked before every save, so the walk builds a path only for the key it
    finds and skips plain values without further checks.
    """
    if type(data) in _LEAF_TYPES:
        return None
    if isinstance(data, Mapping):
        for key, value in data.items():
            if isinstance(key, str) and looks_like_secret_key(key):
                return key
            inner = secret_key_path(value)
            if inner is not None:
                return f"{key}.{inner}"
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            inner = secret_key_path(value)
            if inner is not None:
                return f"[{index}].{inner}"
    return None
