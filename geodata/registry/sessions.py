"""The registry's sessions and its identity.

A registry has an id, kept in its first audit entry (``registry.created``) and, for a SQLite
file, in a marker file beside it (:func:`marker_path`). Every write transaction first checks
that the database is still the one the registry opened, so a replaced or deleted database is
refused instead of written to. Registrations are serialised: by SQLite's write lock, or by a
PostgreSQL advisory lock (:func:`lock_registrations`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from geodata.errors import StorageError
from geodata.registry.access import (
    SYSTEM_ACTOR,
)
from geodata.registry.audit import write_audit
from geodata.registry.db import SQLiteFile, writer
from geodata.registry.models import AuditEntry

log = logging.getLogger(__name__)

REGISTRY_CREATED = "registry.created"
"""The audit action of a registry's first entry, whose detail is the registry's id."""

REGISTRATION_LOCK = 0x43435456
"""The PostgreSQL advisory lock key that serialises registrations ("CCTV")."""


def marker_path(database: Path) -> Path:
    """The file next to a SQLite registry that keeps its id: it tells that a registry was here."""
    return database.with_name(database.name + ".registry-id")


@dataclass(frozen=True)
class Identity:
    """The registry's id and the audit entry that holds it (read at open)."""

    entry_id: int
    registry_id: str


class Sessions:
    """The registry's sessions: reads, and write transactions (``begin``) that hold the write
    lock on SQLite and first check that the database is still the one the registry opened."""

    identity: Identity | None = None

    def __init__(self, engine: Engine, file: SQLiteFile | None):
        self.file = file
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(writer(engine), expire_on_commit=False)

    def __call__(self) -> Session:
        if self.file is not None:
            self.file.check()
        return self._read()

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One write transaction, committed when the block ends without an error."""
        if self.file is not None:
            self.file.check()
        with self._write.begin() as session:
            if self.identity is not None:
                kept = session.scalar(
                    select(AuditEntry.detail).where(AuditEntry.id == self.identity.entry_id)
                )
                if kept != self.identity.registry_id:
                    raise StorageError("error.storage.replaced")
            yield session


def registry_identity(sessions: Sessions) -> Identity:
    """The registry's id: the detail of its first ``registry.created`` entry (written if none)."""
    query = (
        select(AuditEntry.id, AuditEntry.detail)
        .where(AuditEntry.action == REGISTRY_CREATED)
        .order_by(AuditEntry.id)
        .limit(1)
    )
    with sessions() as session:
        entry = session.execute(query).first()
    if entry is None:
        with sessions.begin() as session:
            lock_registrations(session)
            entry = session.execute(query).first()  # another process may have been quicker
            if entry is None:
                write_audit(session, SYSTEM_ACTOR, REGISTRY_CREATED, detail=uuid.uuid4().hex)
                session.flush()
                entry = session.execute(query).first()
    return Identity(entry.id, entry.detail)


def lost_registry(marker: Path) -> StorageError:
    log.info("%s tells that a registry was kept here; its database is missing or new", marker)
    return StorageError("error.storage.lost", marker=marker.name)


def lock_registrations(session: Session) -> None:
    """Hold the registration lock until ``session`` commits (SQLite: its write lock already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(REGISTRATION_LOCK)))
