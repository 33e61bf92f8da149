"""Tiny XML helpers for the sandbox's side of the wire.

The sandbox keeps its own helpers (instead of sharing the wizard's client code) so that a bug in
the client can never be mirrored by the emulator and go unnoticed. Element names are matched
case-sensitively, as the real Dashboard API does: the guide's `Protocol` and `protocol` differ.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

#: Bandwidth opens every XML answer with this declaration.
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

Child = ET.Element | None | Iterable["Child"]


class XmlBodyError(ValueError):
    """The request body is not XML the sandbox can read."""


def parse(body: bytes) -> ET.Element:
    """Parse a request body, refusing DTDs so no entity expansion can blow up memory."""
    if not body.strip():
        raise XmlBodyError("the request body is empty")
    head = body[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in body.upper():
        raise XmlBodyError("DTDs and entities are not accepted")
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise XmlBodyError(f"the request body is not well-formed XML ({exc})") from None


def el(tag: str, *children: Child, text: str | int | bool | None = None) -> ET.Element:
    """Build an element; None children are skipped so optional parts read naturally."""
    element = ET.Element(tag)
    if text is not None:
        element.text = _text(text)
    _append(element, children)
    return element


def leaf(tag: str, value: str | int | bool | None) -> ET.Element | None:
    """An element holding one value, or None (skipped by `el`) when there is no value."""
    if value is None:
        return None
    return el(tag, text=value)


def render(root: ET.Element) -> bytes:
    """Serialise with Bandwidth's declaration, indented for people reading curl output."""
    ET.indent(root, space="    ")
    return (DECLARATION + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")


def text_of(parent: ET.Element, path: str) -> str | None:
    """The stripped text at `path`, "" for an empty element, None when the element is absent."""
    found = parent.find(path)
    if found is None:
        return None
    return (found.text or "").strip()


def parse_bool(value: str | None) -> bool | None:
    """Bandwidth booleans are the words true/false; anything else is 'not a boolean'."""
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None


def _text(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(element: ET.Element, children: Iterable[Child]) -> None:
    for child in children:
        if child is None:
            continue
        if isinstance(child, ET.Element):
            element.append(child)
        else:
            _append(element, child)
