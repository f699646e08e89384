"""What a server process keeps between reruns: each user's views at a data revision, worked
out once however many sessions ask, and the newest shared tables whatever their revision.

Plain Python (no Streamlit): :mod:`geodata.ui.appstate` holds one of each per process.
"""

from __future__ import annotations

import threading

from geodata.registry.access import Actor


class UserViews:
    """What has been worked out for each signed-in user (their cameras, coverage, previews),
    for the data revision it was worked out at.

    Shared by the user's sessions in this server process; a new revision replaces a user's
    views, and :meth:`forget` drops them all when the user signs out or their session expires
    (nothing about them stays in memory).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._views: dict[Actor, tuple[object, dict]] = {}
        self._working: dict[tuple, threading.Lock] = {}

    def get(self, actor: Actor, revisions, key, compute):
        """The view ``key`` of ``actor`` at ``revisions``, worked out by ``compute()`` once:
        sessions asking for it meanwhile wait for it rather than work it out again."""
        kept = self._kept(actor, revisions, key)
        if kept is not None:
            return kept[0]
        with self._lock:
            working = self._working.setdefault((actor, revisions, key), threading.Lock())
        try:
            with working:
                kept = self._kept(actor, revisions, key)
                if kept is not None:
                    return kept[0]
                value = compute()
                self._keep(actor, revisions, key, value)
                return value
        finally:
            with self._lock:
                self._working.pop((actor, revisions, key), None)

    def _kept(self, actor: Actor, revisions, key) -> tuple | None:
        """``(value,)`` of the view kept for these, or None."""
        with self._lock:
            kept = self._views.get(actor)
            if kept is not None and kept[0] == revisions and key in kept[1]:
                return (kept[1][key],)
        return None

    def _keep(self, actor: Actor, revisions, key, value) -> None:
        with self._lock:
            kept = self._views.get(actor)
            if kept is None or kept[0] != revisions:
                kept = (revisions, {})
                self._views[actor] = kept
            kept[1][key] = value

    def forget(self, actor: Actor) -> None:
        """Drop every view of ``actor``."""
        with self._lock:
            self._views.pop(actor, None)

    def holds(self, actor: Actor) -> bool:
        """Whether any view of ``actor`` is kept."""
        with self._lock:
            return actor in self._views


class Latest:
    """The newest shared table and coverage of this process, whatever their revision: what a
    new revision updates rather than works out again when only a few cameras changed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._kept: dict = {}

    def get(self, key):
        """``(revisions, value)`` kept for ``key``, or None."""
        with self._lock:
            return self._kept.get(key)

    def keep(self, key, revisions, value):
        """Keep ``value`` as the newest for ``key``, unless a newer one is kept; returns it."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or kept[0] <= revisions:
                self._kept[key] = (revisions, value)
        return value
