"""Passwords and sign-in throttling, kept in the database so that every app process agrees.

Passwords are hashed with Argon2 (:data:`HASHER`); an unknown name is checked against a hash
no password matches, so it takes as long as a known one. A name is locked after
:data:`SIGN_IN_FAILURES` failures within :data:`SIGN_IN_WINDOW`, for :data:`SIGN_IN_LOCK`.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from geodata.registry.access import (
    user_name,
)
from geodata.registry.models import SignInAttempt, User

HASHER = PasswordHasher()

SIGN_IN_FAILURES = 5
"""Failed sign-ins for one name, within :data:`SIGN_IN_WINDOW`, that lock the name."""

SIGN_IN_WINDOW = dt.timedelta(minutes=15)

SIGN_IN_LOCK = dt.timedelta(minutes=15)
"""How long a locked name is refused."""


@functools.cache
def no_user_hash() -> str:
    """A hash no password matches: checked for unknown names, so they take as long as known
    ones (made on the first sign-in, not when the command line starts)."""
    return HASHER.hash(secrets.token_urlsafe(16))


def password_matches(user: User | None, password: str) -> bool:
    try:
        HASHER.verify(user.password_hash if user is not None else no_user_hash(), password)
    except VerificationError:
        return False
    return user is not None


def _utc(moment: dt.datetime) -> dt.datetime:
    """A moment read back from the database as timezone-aware UTC (SQLite drops the zone)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def lock_end(session: Session, key: str, now: dt.datetime) -> dt.datetime | None:
    """Until when the name ``key`` is refused, or None when it is not.

    A name is locked from its :data:`SIGN_IN_FAILURES`-th failure within
    :data:`SIGN_IN_WINDOW` (counting only failures since its last success) for
    :data:`SIGN_IN_LOCK`. Attempts older than both are forgotten.
    """
    horizon = now - SIGN_IN_WINDOW - SIGN_IN_LOCK
    session.execute(
        delete(SignInAttempt)
        .where(SignInAttempt.name_key == key, SignInAttempt.at < horizon)
        .execution_options(synchronize_session=False)
    )
    rows = session.execute(
        select(SignInAttempt.at, SignInAttempt.succeeded)
        .where(SignInAttempt.name_key == key)
        .order_by(SignInAttempt.at, SignInAttempt.id)
    ).all()
    failures: list[dt.datetime] = []
    for at, succeeded in rows:
        failures = [] if succeeded else [*failures, _utc(at)]
    start = None
    for first, last in zip(failures, failures[SIGN_IN_FAILURES - 1 :], strict=False):
        if last - first <= SIGN_IN_WINDOW:
            start = last
    if start is None or now >= start + SIGN_IN_LOCK:
        return None
    return start + SIGN_IN_LOCK


def name_key(name: str) -> str:
    """A typed user name as looked up and audited: canonical, printable, at most 120 long."""
    return "".join(ch for ch in user_name(name) if ch.isprintable())[:120]
