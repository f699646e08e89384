"""A success message for the page whose action it reports, kept long enough to be read.

The action's run keeps the message and asks for a rerun; the page shows it from that run on.
Streamlit reruns a page by itself too: a map drawn anew reports its view, a rerun follows
within a second, and a message shown once would be gone before it is read. So the message
stays on its page for :data:`FLASH_KEPT_S` seconds after it was first shown, and leaves on
the first run after that or on another page.

Plain Python (no Streamlit): :mod:`geodata.ui.appstate` keeps it in the session's state.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

from geodata.i18n import Message

FLASH_KEY = "flash"
FLASH_KEPT_S = 10.0
"""How long a success message stays on its page through reruns, from its first showing."""


@dataclass
class Flash:
    """A kept message, and where and when (``time.monotonic()``) it was first shown."""

    message: Message
    page: str | None = None
    shown_at_s: float | None = None


def keep_flash(state: MutableMapping, message: Message) -> None:
    """Keep ``message`` for the next run (it replaces any message kept before)."""
    state[FLASH_KEY] = Flash(message)


def flash_to_show(state: MutableMapping, page: str, now_s: float) -> Message | None:
    """The message to show on ``page`` at ``now_s``, or None; a message whose time is over,
    or that was said on another page, is dropped."""
    kept = state.get(FLASH_KEY)
    if kept is None:
        return None
    if kept.shown_at_s is None:
        kept.page, kept.shown_at_s = page, now_s
    elif kept.page != page or now_s - kept.shown_at_s > FLASH_KEPT_S:
        del state[FLASH_KEY]
        return None
    return kept.message
