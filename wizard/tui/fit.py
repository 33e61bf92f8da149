"""Which layout a terminal size gets: the supported minimum, and when the sidebar steps aside.

Below 80x24 a step no longer fits (the Next button and the send page's counter fall off the
screen), so the screens make way for one notice that says how big the terminal must be, rather
than a half-drawn form. Under 100 columns the sidebar's 24 columns are worth more to the form
and the event log than the list of steps, so it hides by itself; F9 shows or hides it at any
size, and that choice is kept until F9 is pressed again.
"""

from __future__ import annotations

MIN_WIDTH = 80
MIN_HEIGHT = 24
SIDEBAR_AUTO_WIDTH = 100
"""Narrower than this, the sidebar is hidden unless the person asked for it (F9)."""

TOO_SMALL = "-too-small"
SIDEBAR_HIDDEN = "-sidebar-hidden"


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


def sidebar_hidden(width: int, chosen: bool | None) -> bool:
    """`chosen` is the person's F9 choice (True: shown), None until F9 was pressed."""
    if chosen is not None:
        return not chosen
    return width < SIDEBAR_AUTO_WIDTH


def too_small_text(width: int, height: int) -> str:
    return (
        f"Terminal too small: {width}x{height}.\n\n"
        f"bw-wizard needs at least {MIN_WIDTH} columns and {MIN_HEIGHT} rows. Enlarge the "
        "window (or make the font smaller); the step comes back as it was.\n\nCtrl+Q quits."
    )
