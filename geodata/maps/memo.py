"""What a map draws, worked out once per object it is drawn from.

Maps are built anew on every rerun (a folium map changes when rendered), but what they draw
comes from objects that live as long as their data revision: a summary's route coverage, its
cameras, the area's roads. :func:`kept_for` keeps what was worked out from such an object for
as long as the object lives, and forgets it with it.
"""

from __future__ import annotations

import threading
import weakref

_KEPT: dict[tuple[int, object], tuple[weakref.ref, object]] = {}
_LOCK = threading.Lock()


def kept_for(owner, key, compute):
    """``compute()``, worked out once for ``owner`` and ``key`` while ``owner`` lives.

    Parameters
    ----------
    owner : object
        What the value is worked out from (any object a weak reference can point at).
    key : hashable
        Which value of ``owner`` (the options it was worked out with).
    compute : callable
        Works the value out.
    """
    slot = (id(owner), key)
    with _LOCK:
        kept = _KEPT.get(slot)
    if kept is not None and kept[0]() is owner:
        return kept[1]
    value = compute()
    with _LOCK:
        _KEPT[slot] = (weakref.ref(owner, lambda _: _forget(slot)), value)
    return value


def _forget(slot) -> None:
    with _LOCK:
        _KEPT.pop(slot, None)
