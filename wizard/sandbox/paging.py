"""Pagination as the Dashboard API does it: `page`/`size` query parameters and `<Links>`.

numbers.yml uses two kinds of `page`:
- a page number, from 1 (ReadInserviceTns: page default 1, size default 300; ReadSipPeerTns:
  page default 1, size default 5000, and no `<Links>` in its answer);
- the key of the first record of the page, with "1" for the first page (ReadDisconnectOrders:
  "The disconnect order-id of the first record on the page", size default 300, maximum 5000;
  ListTnsByGet and ListOrders' `next` links carry a TN or an order id as `page`).

Links read `Link=<url>;rel="first";` (numbers.yml's examples, e.g. AddressesResponse) and carry
the request's other query parameters, so a client can follow `next` without knowing the filters.
`last` and `previous` appear only where a page number makes them cheap (numbers.yml's
PaginationLinks: "If more results exist than specified by 'size', this link return the last
page"). Clients such as bandwidth-numbers-sdk read only the `page` parameter out of a link.

Validation codes are AdminValidationError's (site/docs/numbers/errors.mdx): 13056 'page'
parameter should be numeric, 13057 'size' parameter should be numeric, 13058 page and size must
be greater than or equal to 1.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from wizard.sandbox.xml import el

MAX_PAGE_SIZE = 5000
"""numbers.yml's largest documented page (ReadDisconnectOrders `maximum: 5000`, ReadSipPeerTns
default 5000); the sandbox uses it as the cap of every numbered list."""

T = TypeVar("T")


class PageError(ValueError):
    """A `page` or `size` the Dashboard refuses; carries its error code."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class Page:
    """A numbered page: `number` from 1, `size` items per page."""

    number: int
    size: int

    def slice(self, items: Sequence[T]) -> Sequence[T]:
        start = (self.number - 1) * self.size
        return items[start : start + self.size]

    def count(self, total: int) -> int:
        """How many pages `total` items fill (at least 1)."""
        return max(1, math.ceil(total / self.size))


def _whole(name: str, raw: str, code: int) -> int:
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise PageError(code, f"'{name}' parameter should be numeric")
    return int(text)


def size_of(query: Mapping[str, str], default: int, maximum: int = MAX_PAGE_SIZE) -> int:
    """The requested `size`; larger than `maximum` is served as `maximum` (the links say so)."""
    raw = query.get("size")
    if raw is None:
        return default
    size = _whole("size", raw, 13057)
    if size < 1:
        raise PageError(13058, "page and size must be greater than or equal to 1")
    return min(size, maximum)


def numbered_page(query: Mapping[str, str], default_size: int) -> Page:
    """`page` as a page number (default 1) and `size`."""
    size = size_of(query, default_size)
    raw = query.get("page")
    number = 1 if raw is None else _whole("page", raw, 13056)
    if number < 1:
        raise PageError(13058, "page and size must be greater than or equal to 1")
    return Page(number, size)


def link(base: str, query: Mapping[str, str], page: str | int, size: int, rel: str) -> str:
    """One `<first>`/`<next>`... text: `Link=<url?...&page=P&size=S>;rel="next";`."""
    params = {k: v for k, v in query.items() if k not in ("page", "size")}
    params.update({"page": str(page), "size": str(size)})
    return f'Link=<{base}?{urlencode(params)}>;rel="{rel}";'


def numbered_links(base: str, query: Mapping[str, str], page: Page, total: int) -> ET.Element:
    """`<Links>` for a numbered list: first always; previous, next and last when they exist."""
    last = page.count(total)
    items = [el("first", text=link(base, query, 1, page.size, "first"))]
    if page.number > 1:
        previous = min(page.number - 1, last)
        items.append(el("previous", text=link(base, query, previous, page.size, "previous")))
    if page.number < last:
        items.append(el("next", text=link(base, query, page.number + 1, page.size, "next")))
        items.append(el("last", text=link(base, query, last, page.size, "last")))
    return el("Links", items)


def keyed_page(keys: Sequence[str], first: str, size: int) -> tuple[int, str | None]:
    """Where a keyed page starts in `keys` and the key that starts the next page.

    `first` is "1" for the first page, else a key this list handed out; an unknown key starts
    at the end (an empty page), as a record that has gone away would.
    """
    if first == "1":
        start = 0
    else:
        start = next((i for i, key in enumerate(keys) if key == first), len(keys))
    following = start + size
    return start, keys[following] if following < len(keys) else None


def keyed_links(base: str, query: Mapping[str, str], size: int, next_key: str | None) -> ET.Element:
    """`<Links>` for a keyed list: first always, next while there is more."""
    items = [el("first", text=link(base, query, 1, size, "first"))]
    if next_key is not None:
        items.append(el("next", text=link(base, query, next_key, size, "next")))
    return el("Links", items)
