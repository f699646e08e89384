"""The audit log: append-only, hash-chained, with owners' personal details erasable.

Design
------
Every entry gets the next sequence number ``seq`` and an ``entry_hash``: the SHA-256 of the
previous entry's hash (64 zeros for the first) and of the entry's own canonical content
(:func:`canonical`: ``seq``, moment, actor, action, camera, before, after, detail and
``personal_digest``). The table ``audit_head`` holds the newest ``seq`` and hash; a writer
updates it first, so writers take their turn (the row is locked until their commit) and the
chain never forks. :func:`verify` recomputes the chain: an entry changed, removed or inserted,
or entries cut off the end, break it from there on. On SQLite and PostgreSQL a trigger refuses
every ``DELETE`` of an entry and every ``UPDATE`` except the erasure below.

An owner's name, phone and address (:data:`PERSONAL_FIELDS`) are not copied into ``before`` and
``after``: these keep the placeholder :data:`PERSONAL` in their place, and the values live in
``personal`` (JSON), with a random ``personal_salt`` and ``personal_digest`` = SHA-256 of salt
and ``personal``. The chain hashes the digest, not the values. When a camera is deleted its
owner's details are erased from all its entries (Decree 13/2023/NĐ-CP, the data subject's
erasure): ``personal`` and the salt become NULL and ``erased_at`` is set; the entry and the
chain stay, and without the salt the digest cannot be used to confirm a guessed name. An entry
whose details are erased verifies only when its camera has a ``camera.delete`` entry.

The chain shows changes made behind the application's back by someone who cannot also rewrite
every later hash and ``audit_head``; someone with full database access can. Keeping the head
hash (:meth:`geodata.registry.service.Registry.audit_fingerprint`) outside the server, e.g. in the
district's weekly report, makes a rewrite before that point show.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import NamedTuple

import orjson
import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from geodata.i18n import Message, catalogue, datetime, text
from geodata.layers.camerafields import OWNER_FIELDS, OWNER_KEY_FIELDS
from geodata.registry.access import Actor
from geodata.registry.models import AuditEntry, AuditHead, utc_now

PERSONAL_FIELDS = OWNER_KEY_FIELDS
"""The fields of a camera that name or reach its owner: kept apart, erased with the camera."""
PERSONAL = "[personal]"
"""What ``before`` and ``after`` hold in place of a personal field's value."""
ERASED = "[erased]"
"""What a personal field reads as once the camera's owner details are erased."""
GENESIS = "0" * 64
"""The hash before the first entry."""
CHAINED = (
    "seq", "at", "actor", "action", "camera_id", "before", "after", "detail", "personal_digest"
)  # fmt: skip
"""The columns of an entry its hash covers, in order (:func:`canonical`)."""
SIGN_IN_ACTIONS = ("sign_in", "sign_in.failed", "sign_in.locked", "sign_in.refused")
"""Actions about signing in, not about the data (they do not change the data's revision)."""


class BrokenEntry(NamedTuple):
    """The first entry where the audit chain does not hold, and why (a catalogue message)."""

    seq: int
    entry_id: int | None
    reason: Message


def entry(
    actor: Actor | str,
    action: str,
    camera_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    detail: str | None = None,
    *,
    at: dt.datetime | None = None,
) -> dict:
    """An audit entry's values before it is chained (see :func:`chained`).

    ``actor`` is an :class:`~geodata.registry.access.Actor` or, for sign-ins, the name as typed;
    ``before`` and ``after`` are camera records (dicts), their personal fields kept apart.
    """
    personal = {
        side: {name: record[name] for name in PERSONAL_FIELDS if record.get(name) is not None}
        for side, record in (("before", before), ("after", after))
        if record is not None
    }
    personal = {side: values for side, values in personal.items() if values}
    return {
        "at": at or utc_now(),
        "actor": actor.name if isinstance(actor, Actor) else actor,
        "action": action,
        "camera_id": camera_id,
        "before": _record_json(before),
        "after": _record_json(after),
        "detail": detail,
        "personal": _dumps(personal) if personal else None,
    }


def chained(session: Session, entries: list[dict]) -> list[dict]:
    """``entries`` (from :func:`entry`) as rows to insert, numbered and hashed after the
    newest entry; moves ``audit_head`` on in ``session``'s transaction (locking it)."""
    if not entries:
        return []
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
    seq, previous = session.execute(
        select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == 1)
    ).one()
    rows = []
    for values in entries:
        seq += 1
        salt = secrets.token_hex(16) if values["personal"] is not None else None
        row = {**values, "seq": seq, "personal_salt": salt, "erased_at": None}
        row["personal_digest"] = _digest(salt, values["personal"])
        row["entry_hash"] = previous = link(previous, canonical(row))
        rows.append(row)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, entry_hash=previous))
    return rows


def write_audit(session: Session, actor: Actor | str, action: str, *values, **named) -> None:
    """Add an audit entry to ``session``'s transaction: who, what, and the record before/after.

    ``values`` and ``named`` are those of :func:`entry` after ``action``.
    """
    rows = chained(session, [entry(actor, action, *values, **named)])
    for row in rows:
        session.add(AuditEntry(**row))


def erase_personal(session: Session, camera_id: int) -> int:
    """Erase the owner details in every entry of camera ``camera_id``; returns how many.

    The entries stay, with :data:`PERSONAL` where the details were; the chain still verifies.
    """
    session.flush()
    result = session.execute(
        update(AuditEntry)
        .where(AuditEntry.camera_id == camera_id, AuditEntry.personal.is_not(None))
        .values(personal=None, personal_salt=None, erased_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def canonical(row) -> bytes:
    """The content of an entry that its hash covers, as bytes (JSON, fixed order).

    ``row`` is a mapping or an :class:`~geodata.registry.models.AuditEntry`.
    """
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    at = get("at")
    at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    values = {name: get(name) for name in CHAINED}
    values["at"] = at.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return _dumps(list(values.values())).encode()


def link(previous: str, content: bytes) -> str:
    """The hash of an entry with ``content`` after the entry hashed ``previous`` (hex)."""
    return hashlib.sha256(previous.encode() + b"\n" + content).hexdigest()


def verify(session: Session) -> BrokenEntry | None:
    """The first entry where the chain does not hold (in ``seq`` order), or None when it holds.

    Checked for each entry: its number follows the previous one's, its hash is that of the
    previous hash and its content, its personal details match their digest (or, erased, its
    camera was deleted); and ``audit_head`` names the last entry.
    """
    deleted = set(
        session.scalars(select(AuditEntry.camera_id).where(AuditEntry.action == "camera.delete"))
    )
    previous, seq = GENESIS, 0
    for row in _in_order(session):
        seq += 1
        if row.seq != seq:
            return BrokenEntry(seq, row.id, Message("audit.broken.missing", seq=seq))
        previous = link(previous, canonical(row))
        if row.entry_hash != previous:
            return BrokenEntry(seq, row.id, Message("audit.broken.changed", seq=seq))
        if row.personal is not None and _digest(row.personal_salt, row.personal) != (
            row.personal_digest
        ):
            return BrokenEntry(seq, row.id, Message("audit.broken.personal", seq=seq))
        erased = row.personal_digest is not None and row.personal is None
        if erased and row.camera_id not in deleted:
            return BrokenEntry(seq, row.id, Message("audit.broken.erased", seq=seq))
    head_seq, head_hash = session.execute(
        select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == 1)
    ).one()
    if (head_seq, head_hash) != (seq, previous):
        return BrokenEntry(seq + 1, None, Message("audit.broken.cut", seq=seq + 1))
    return None


def _in_order(session: Session, *, batch: int = 2000):
    """Every entry in ``seq`` order, read ``batch`` at a time (and let go of after)."""
    last = 0
    while True:
        query = select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq)
        rows = session.scalars(query.limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1].seq
        session.expunge_all()


def head_hash(session: Session) -> str:
    """The newest entry's hash (the whole log's fingerprint, to keep outside the server)."""
    return session.scalar(select(AuditHead.entry_hash).where(AuditHead.id == 1))


def shown_record(row: AuditEntry, side: str, *, owners: bool) -> str | None:
    """The record ``before`` or ``after`` of an entry as JSON, as ``owners`` may read it.

    Personal fields get their values back (or :data:`ERASED`); without ``owners`` every owner
    field is None.
    """
    stored = getattr(row, side)
    if stored is None:
        return None
    record = orjson.loads(stored)
    personal = orjson.loads(row.personal).get(side, {}) if row.personal is not None else {}
    for name in PERSONAL_FIELDS:
        if name in record:
            record[name] = personal.get(name, ERASED if row.erased_at is not None else None)
    if not owners:
        record = {name: value for name, value in record.items() if name not in OWNER_FIELDS}
    return _dumps(record)


def audit_table(entries: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit page's table: number, moment (local time), user, action, camera, detail."""
    return pd.DataFrame(
        {
            text("audit.column.seq", lang): entries["seq"].astype(int),
            text("audit.column.at", lang): [datetime(at, lang) for at in entries["at"]],
            text("audit.column.actor", lang): entries["actor"],
            text("audit.column.action", lang): [
                _action_label(action, lang) for action in entries["action"]
            ],
            text("audit.column.camera", lang): entries["camera_id"].astype("Int64"),
            text("audit.column.erased", lang): [
                text("audit.erased_yes", lang) if pd.notna(at) else ""
                for at in entries["erased_at"]
            ],
        }
    )


def _action_label(action: str, lang: str) -> str:
    key = f"audit.action.{action}"
    return text(key, lang) if key in catalogue(lang) else action


def _record_json(record: dict | None) -> str | None:
    """A record as the audit log keeps it: JSON of the fields that have a value, personal
    fields as :data:`PERSONAL`."""
    if record is None:
        return None
    kept = {
        name: PERSONAL if name in PERSONAL_FIELDS else value
        for name, value in record.items()
        if value is not None
    }
    return _dumps(kept)


def _dumps(value) -> str:
    return orjson.dumps(value, default=str, option=orjson.OPT_SORT_KEYS).decode()


def _digest(salt: str | None, personal: str | None) -> str | None:
    if personal is None:
        return None
    return hashlib.sha256(f"{salt}\n{personal}".encode()).hexdigest()


ENTRY_COLUMNS = ("seq", "at", "actor", "action", "camera_id", "before", "after", "detail")
"""The columns of :func:`entries_frame`, with ``erased_at`` after them."""


def entries_frame(rows: Iterable[AuditEntry], *, owners: bool) -> pd.DataFrame:
    """Audit entries as a table (newest first as given), owner details as ``owners`` allows."""
    columns = [*ENTRY_COLUMNS, "erased_at"]
    return pd.DataFrame(
        [
            {
                **{name: getattr(row, name) for name in columns},
                "before": shown_record(row, "before", owners=owners),
                "after": shown_record(row, "after", owners=owners),
            }
            for row in rows
        ],
        columns=columns,
    )
