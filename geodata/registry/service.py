"""The camera registry: the only code that reads or writes the database.

Every call takes the acting user (:class:`geodata.registry.access.Actor`) and is checked against
their role and wards here, not only in the UI. Every write is one transaction that also writes an
audit entry (who, when, action, before and after; chained and append-only, see
:mod:`geodata.registry.audit`), and so does every sign-in, failed or not. Updates carry the version
the caller read: when someone else saved in between, the update fails with :class:`ConflictError`
and nothing is written. Deleting a camera erases its owner's details, from the camera and from its
audit entries.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Engine, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from geodata.errors import ConflictError, InputError, NotFound, PermissionDenied
from geodata.i18n import Message
from geodata.io.exports import atomic_path
from geodata.layers.camerafields import (
    OWNER_FIELDS,
    REASON_MAX_LENGTH,
    ROLES,
    STATUSES,
    clean_camera,
    field_label,
    nfc,
    rows_text_problems,
    search_key,
    stored_text,
)
from geodata.registry import audit
from geodata.registry.access import (
    SYSTEM,
    SYSTEM_ACTOR,
    Actor,
    name_problems,
    password_problems,
    user_name,
    visible_rows,
)
from geodata.registry.audit import BrokenEntry, write_audit
from geodata.registry.db import SQLiteFile, engine_for, migrate, sqlite_path, storage_error
from geodata.registry.models import (
    AuditEntry,
    BoundarySet,
    Camera,
    SignInAttempt,
    User,
    UserWard,
    Ward,
    utc_now,
)
from geodata.registry.records import (
    RECORD_FIELDS,
    blank_record,
    bulk_insert,
    camera_points,
    camera_record,
    codes_unique,
    insert_cameras,
    refuse_taken_code,
    search_keys,
)
from geodata.registry.sessions import (
    REGISTRY_CREATED,
    Sessions,
    lock_registrations,
    lost_registry,
    marker_path,
    registry_identity,
)
from geodata.registry.signin import (
    HASHER,
    lock_end,
    name_key,
    password_matches,
)
from geodata.registry.wardassign import ward_problems, wards_at

log = logging.getLogger(__name__)

DUPLICATE_DISTANCE_M = 3.0
"""A camera of the same owner within this distance is the same camera."""
FEW_CHANGES = 2_000
"""Up to this many writes, :meth:`Registry.changed_cameras` names the cameras they changed."""
WARD_ACTIONS = ("wards.replace", "wards.current", "users.wards")
"""The audit actions that change the wards or who looks after which (the wards' revision)."""
_CURRENT = BoundarySet.is_current.is_(True)


class Registry:
    """The camera registry on one database.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        An engine whose database is migrated (see :meth:`open`).
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        path = sqlite_path(engine.url)
        self._session = Sessions(engine, SQLiteFile.of(path) if path else None)
        self._session.identity = registry_identity(self._session)
        self._ward_cache: dict[tuple[int, str | None], gpd.GeoDataFrame] = {}

    def _db(self, *, write: bool = False):
        """A session of the registry's database, for the registry's companion services in
        ``geodata`` (campaigns), which check the actor themselves; never for pages. With
        ``write``, one transaction committed when the block ends."""
        return self._session.begin() if write else self._session()

    @classmethod
    def open(cls, url: str | None = None) -> Registry:
        """Connect to ``url`` (default: ``DATABASE_URL`` or the SQLite file) and migrate it.

        A SQLite registry keeps its id in a file next to the database (:func:`marker_path`).
        When that file tells that a registry was kept here but the database is missing, or is
        a new one that was never used, nothing is created over it.

        Raises
        ------
        StorageError
            When the database is missing or damaged, or cannot be reached.
        """
        engine = engine_for(url)
        path = sqlite_path(engine.url)
        marker = marker_path(path) if path else None
        if marker is not None and marker.exists() and not path.exists():
            engine.dispose()
            raise lost_registry(marker)
        try:
            migrate(engine)
            registry = cls(engine)
            if marker is not None:
                registry._keep_marker(marker)
        except BaseException:
            engine.dispose()
            raise
        return registry

    def was_used(self) -> bool:
        """Whether anything was ever written: a user, a ward, a camera or any audit entry.

        Only a registry that was never used may be filled with the demo
        (:func:`geodata.registry.seeding.ensure_seeded`).
        """
        with self._session() as session:
            return bool(
                session.scalar(
                    select(
                        exists().where(AuditEntry.action != REGISTRY_CREATED)
                        | exists(select(User.id))
                        | exists(select(Ward.code))
                        | exists(select(Camera.id))
                    )
                )
            )

    def backup(self, actor: Actor, path) -> None:
        """Copy the whole SQLite registry, consistently while it is in use, to the file ``path``.

        District users only; audited. Written atomically (a failed backup leaves no file). A
        PostgreSQL registry is backed up with its own tools (``pg_dump``).
        """
        actor.require_district(Message("access.what.backup"))
        if self._session.file is None:
            raise InputError("error.backup.not_sqlite")
        with self._session.begin() as session:
            write_audit(session, actor, "registry.backup")
        source = self.engine.raw_connection()
        try:
            with atomic_path(Path(path)) as temporary:
                target = sqlite3.connect(temporary)
                try:
                    source.driver_connection.backup(target)
                finally:
                    target.close()
        except sqlite3.Error as error:
            raise storage_error(error) or error from None
        finally:
            source.close()

    def _keep_marker(self, marker: Path) -> None:
        """Write this registry's id next to its file, or refuse a new one in a used one's place."""
        kept = marker.read_text(encoding="utf-8").strip() if marker.exists() else None
        identity = self._session.identity
        if kept == identity.registry_id:
            return
        if kept is not None and not self.was_used():
            raise lost_registry(marker)
        if kept is not None:
            log.info("registry %s now in place of registry %s", identity.registry_id, kept)
        try:
            with atomic_path(marker) as temporary:
                temporary.write_text(identity.registry_id + "\n", encoding="utf-8")
        except OSError as error:  # a read-only folder: the registry still works, unguarded
            log.warning(
                "cannot write %s (%s): a deleted registry would not be noticed", marker, error
            )

    # ----------------------------------------------------------------------------------- users

    def add_user(
        self, actor: Actor, name: str, password: str, role: str, wards: Iterable[str] = ()
    ) -> Actor:
        """Create a user; district users only (the command line acts as :data:`SYSTEM`).

        The name is kept in its canonical form and the password must be strong enough (the
        rules: :mod:`geodata.registry.access`).
        """
        actor.require_district(Message("access.what.add_users"))
        name, wards = user_name(name), frozenset(nfc(w) for w in wards)
        problems = name_problems(name) + password_problems(password, name=name)
        if role not in ROLES:
            problems.append(Message("user.problem.role", roles=", ".join(ROLES), role=role))
        if role == "ward" and not wards:
            problems.append(Message("user.problem.no_ward"))
        with self._session.begin() as session:
            known = set(session.scalars(select(Ward.code).join(BoundarySet).where(_CURRENT)))
            unknown = sorted(wards - known)
            if unknown and not known:
                problems.append(Message("user.problem.no_wards_loaded"))
            elif unknown:
                problems.append(
                    Message(
                        "user.problem.unknown_wards",
                        codes=", ".join(unknown),
                        known=", ".join(sorted(known)),
                    )
                )
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                problems.append(Message("user.problem.exists", name=name))
            if problems:
                raise InputError("error.user.add", name=name, problems=problems)
            user = User(name=name, password_hash=HASHER.hash(password), role=role)
            user.wards = [UserWard(ward_code=code) for code in sorted(wards)]
            session.add(user)
            write_audit(
                session, actor, "user.add", detail=f"{name} ({role}; {', '.join(sorted(wards))})"
            )
        return Actor(name, role, wards)

    def authenticate(self, name: str, password: str, *, now: dt.datetime | None = None) -> Actor:
        """The user ``name`` if ``password`` is theirs, else :class:`PermissionDenied`.

        After :data:`SIGN_IN_FAILURES` failures for one name within :data:`SIGN_IN_WINDOW`,
        that name is refused for :data:`SIGN_IN_LOCK`, whatever the password, with the same
        message whether or not such a user exists; the attempts are kept in the database (so
        the limit holds across app processes). Every attempt is audited under the name as
        typed (canonical, see :func:`geodata.registry.access.user_name`): ``sign_in``,
        ``sign_in.failed``, ``sign_in.locked`` (the failure that locks) and ``sign_in.refused``.
        A name that does not exist costs the same work as one that does: one password check.
        """
        key = name_key(name)
        now = now or utc_now()
        with self._session.begin() as session:
            locked_until = lock_end(session, key, now)
            if locked_until is not None:
                write_audit(session, key, "sign_in.refused", at=now)
            else:
                user = session.scalar(select(User).where(User.name == key, User.active))
                accepted = password_matches(user, password)
                session.add(SignInAttempt(name_key=key, at=now, succeeded=accepted))
                if accepted:
                    actor = self._actor_of(session, user)
                    write_audit(session, key, "sign_in", at=now)
                else:
                    session.flush()
                    locked_until = lock_end(session, key, now)
                    failure = "sign_in.failed" if locked_until is None else "sign_in.locked"
                    write_audit(session, key, failure, at=now)
        if locked_until is not None:
            minutes = max(1, math.ceil((locked_until - now).total_seconds() / 60))
            raise PermissionDenied("error.sign_in.locked", minutes=minutes)
        if not accepted:
            raise PermissionDenied("error.sign_in")
        return actor

    def actor(self, name: str) -> Actor:
        """The active user ``name`` as an :class:`Actor`, without their password.

        For the command line, run by someone with access to the server's database (who could
        change any row anyway); the app signs users in with :meth:`authenticate`.

        Raises
        ------
        NotFound
            When no active user has that name.
        """
        with self._session() as session:
            user = session.scalar(select(User).where(User.name == name_key(name), User.active))
            if user is None:
                raise NotFound("error.user.unknown", name=name_key(name))
            return self._actor_of(session, user)

    @staticmethod
    def _actor_of(session: Session, user: User) -> Actor:
        """``user`` as an :class:`Actor`: their wards that are in the current boundary set (a
        ward gone with an earlier set is left out until the district maps it to new ones)."""
        codes = frozenset(w.ward_code for w in user.wards)
        current = set(session.scalars(select(Ward.code).join(BoundarySet).where(_CURRENT)))
        wards = codes & current if current else codes
        return Actor(user.name, user.role, frozenset(wards), scoped=bool(codes))

    def stale_scopes(self, actor: Actor) -> pd.DataFrame:
        """The wards users look after that the current boundary set no longer has: one row per
        user and ward (``user``, ``role``, ``ward_code``), by user. District users only.

        Until the district maps them (:meth:`map_scopes`), those users see nothing of those
        wards: never another ward by mistake.
        """
        actor.require_district(Message("access.what.add_users"))
        current = select(Ward.code).join(BoundarySet).where(_CURRENT)
        query = (
            select(User.name, User.role, UserWard.ward_code)
            .join(UserWard)
            .where(User.active, UserWard.ward_code.not_in(current))
            .order_by(User.name, UserWard.ward_code)
        )
        with self._session() as session:
            has_current = session.scalar(select(exists().where(_CURRENT)))
            rows = session.execute(query).all() if has_current else []
        return pd.DataFrame(rows, columns=["user", "role", "ward_code"])

    def map_scopes(self, actor: Actor, mapping: dict[str, Iterable[str]]) -> int:
        """Give every user who looks after an old ward the wards ``mapping`` names for it
        instead (codes of the current boundary set); returns how many users changed.

        District users only; one transaction with an audit entry.
        """
        actor.require_district(Message("access.what.add_users"))
        mapping = {nfc(old): sorted({nfc(code) for code in new}) for old, new in mapping.items()}
        with self._session.begin() as session:
            known = set(session.scalars(select(Ward.code).join(BoundarySet).where(_CURRENT)))
            unknown = sorted({code for new in mapping.values() for code in new} - known)
            if unknown:
                raise InputError("error.ward.unknown_codes", codes=unknown)
            holding = session.execute(
                select(UserWard.user_id, UserWard.ward_code).where(
                    UserWard.ward_code.in_(list(mapping))
                )
            ).all()
            have = {
                tuple(row) for row in session.execute(select(UserWard.user_id, UserWard.ward_code))
            }
            for user_id, old in holding:
                session.execute(
                    delete(UserWard).where(UserWard.user_id == user_id, UserWard.ward_code == old)
                )
                for code in mapping[old]:
                    if (user_id, code) not in have:
                        session.add(UserWard(user_id=user_id, ward_code=code))
                        have.add((user_id, code))
            changed = len({user_id for user_id, _ in holding})
            shown = "; ".join(f"{old} → {', '.join(new)}" for old, new in sorted(mapping.items()))
            write_audit(session, actor, "users.wards", detail=f"{changed} users: {shown}")
        return changed

    def user_count(self) -> int:
        """How many users exist."""
        with self._session() as session:
            return session.scalar(select(func.count(User.id)))

    # ----------------------------------------------------------------------------------- wards

    def load_boundary_set(
        self,
        actor: Actor,
        wards: gpd.GeoDataFrame,
        *,
        name: str,
        valid_from: dt.date | None = None,
        current: bool = True,
        illustrative: bool = False,
    ) -> int:
        """Keep ``wards`` as the boundary set ``name``; returns how many cameras moved ward.

        A set of that name already kept is replaced (a correction); other sets stay as they
        are. With ``current`` (or when the set replaced is the current one), the set becomes
        the current one: every camera's ward is assigned again from its location.

        Parameters
        ----------
        wards : GeoDataFrame
            ``ward_code``, ``ward_name`` and polygons, in any CRS.
        name : str, keyword-only
            The set's name (e.g. "2019 — 11 phường", "2025").
        valid_from : datetime.date, optional, keyword-only
            The date from which these boundaries hold.
        illustrative : bool, keyword-only
            Whether the set is no official boundary (shown as such everywhere).
        """
        actor.require_district(Message("access.what.replace_wards"))
        name = nfc(name.replace("\x00", "")).strip()[: BoundarySet.name.type.length]
        if not name:
            raise InputError("error.boundary_set.no_name")
        problems = ward_problems(wards)
        if problems:
            raise InputError("error.ward_layer.invalid", file=name, problems=problems)
        degrees = wards.to_crs("EPSG:4326")
        with self._session.begin() as session:
            kept = session.scalar(select(BoundarySet).where(BoundarySet.name == name))
            if kept is None:
                kept = BoundarySet(name=name, is_current=False)
                session.add(kept)
            else:
                session.execute(delete(Ward).where(Ward.boundary_set_id == kept.id))
            kept.valid_from, kept.illustrative = valid_from, illustrative
            kept.loaded_by, kept.loaded_at = actor.name, utc_now()
            session.flush()
            session.add_all(
                Ward(
                    boundary_set_id=kept.id,
                    code=str(code),
                    name=str(ward_name),
                    boundary_wkb=shapely.to_wkb(geometry),
                )
                for code, ward_name, geometry in zip(
                    degrees["ward_code"], degrees["ward_name"], degrees.geometry, strict=True
                )
            )
            moved = self._make_current(session, kept, degrees) if current or kept.is_current else 0
            write_audit(
                session,
                actor,
                "wards.replace",
                detail=f"{name}: {len(degrees)} wards, {moved} cameras moved",
            )
        return moved

    def use_boundary_set(self, actor: Actor, name: str) -> int:
        """Make the kept set ``name`` the current one (every camera's ward assigned again from
        its location); returns how many cameras moved ward. District users only."""
        actor.require_district(Message("access.what.replace_wards"))
        degrees = self.ward_frame(name)
        with self._session.begin() as session:
            chosen = session.scalar(select(BoundarySet).where(BoundarySet.name == name))
            moved = self._make_current(session, chosen, degrees)
            write_audit(session, actor, "wards.current", detail=f"{name}: {moved} cameras moved")
        return moved

    def _make_current(self, session: Session, chosen: BoundarySet, degrees) -> int:
        """Make ``chosen`` the current set and assign every camera the ward of ``degrees`` (its
        wards, EPSG:4326) it lies in; returns how many cameras moved ward."""
        session.execute(update(BoundarySet).values(is_current=False))
        chosen.is_current = True
        session.flush()
        rows = session.execute(select(Camera.id, Camera.lat, Camera.lon, Camera.ward_code)).all()
        new = wards_at(degrees, [r.lat for r in rows], [r.lon for r in rows])
        moved: dict[str | None, list[int]] = {}
        for row, code in zip(rows, new, strict=True):
            if row.ward_code != code:
                moved.setdefault(code, []).append(row.id)
        for code, ids in moved.items():
            session.execute(
                update(Camera)
                .where(Camera.id.in_(ids))
                .values(ward_code=code, version=Camera.version + 1)
            )
        return sum(len(ids) for ids in moved.values())

    def boundary_sets(self) -> pd.DataFrame:
        """Every kept boundary set, oldest first: ``name``, ``valid_from``, ``illustrative``,
        ``current``, ``wards`` (how many), ``loaded_by`` and ``loaded_at``."""
        query = (
            select(
                BoundarySet.name,
                BoundarySet.valid_from,
                BoundarySet.illustrative,
                BoundarySet.is_current.label("current"),
                func.count(Ward.code).label("wards"),
                BoundarySet.loaded_by,
                BoundarySet.loaded_at,
            )
            .join(Ward, Ward.boundary_set_id == BoundarySet.id, isouter=True)
            .group_by(BoundarySet.id)
            .order_by(BoundarySet.valid_from.is_(None), BoundarySet.valid_from, BoundarySet.id)
        )
        with self._session() as session:
            rows = session.execute(query).all()
        columns = ["name", "valid_from", "illustrative", "current", "wards", "loaded_by"]
        return pd.DataFrame(rows, columns=[*columns, "loaded_at"])

    def current_boundary_set(self) -> str | None:
        """The name of the current boundary set (None before any ward is loaded)."""
        with self._session() as session:
            return session.scalar(select(BoundarySet.name).where(_CURRENT))

    def other_boundary_set(self, actor: Actor, name: str | None) -> str | None:
        """``name`` when it is a kept set other than the current one that ``actor`` may ask
        for; None for the current set (or no name).

        Raises
        ------
        NotFound
            When no kept set has that name (the message lists those there are).
        PermissionDenied
            When a user who looks after some wards asks for another set: their wards are
            those of the current set.
        """
        if name is None or name == self.current_boundary_set():
            return None
        self._wards(name)  # a set of that name is kept
        if not actor.sees_all_wards:
            raise PermissionDenied(
                "error.boundary_set.scoped", actor=actor.name, current=self.current_boundary_set()
            )
        return name

    def ward_names(self, boundary_set: str | None = None) -> dict[str, str]:
        """Ward code → name in ``boundary_set`` (default: the current set)."""
        table = self._wards(boundary_set)
        return dict(zip(table["ward_code"], table["ward_name"], strict=True))

    def ward_codes_at(self, lats, lons, boundary_set: str | None = None) -> list[str | None]:
        """The code of the ward of ``boundary_set`` (default: the current set) holding each
        point (degrees), None outside every ward."""
        return wards_at(self._wards(boundary_set), lats, lons)

    def ward_frame(self, boundary_set: str | None = None) -> gpd.GeoDataFrame:
        """The wards (``ward_code``, ``ward_name``) of ``boundary_set`` (default: the current
        set) in EPSG:4326.

        Raises
        ------
        NotFound
            When no kept set has that name (the message lists those there are).
        """
        return self._wards(boundary_set).copy()

    def _wards(self, boundary_set: str | None) -> gpd.GeoDataFrame:
        """The wards of a set, read once per change of any set (in any process)."""
        key = (self.revision(WARD_ACTIONS), boundary_set)
        cached = self._ward_cache.get(key)
        if cached is not None:
            return cached
        chosen = _CURRENT if boundary_set is None else BoundarySet.name == boundary_set
        query = select(Ward.code, Ward.name, Ward.boundary_wkb).join(BoundarySet).where(chosen)
        with self._session() as session:
            rows = session.execute(query.order_by(Ward.code)).all()
            if boundary_set is not None and not rows:
                known = session.scalars(select(BoundarySet.name).order_by(BoundarySet.id)).all()
                if boundary_set not in known:
                    raise NotFound(
                        "error.boundary_set.unknown",
                        name=boundary_set,
                        known=", ".join(known) or Message("boundary_set.none"),
                    )
        table = gpd.GeoDataFrame(
            {"ward_code": [r[0] for r in rows], "ward_name": [r[1] for r in rows]},
            geometry=gpd.GeoSeries(shapely.from_wkb([r[2] for r in rows]), crs="EPSG:4326"),
        )
        kept = {k: v for k, v in self._ward_cache.items() if k[0] == key[0]}
        self._ward_cache = {**kept, key: table}
        return table

    # --------------------------------------------------------------------------------- cameras

    def register(self, actor: Actor, values: dict) -> dict:
        """Register one camera; returns its record. Refused outside the actor's wards."""
        clean = self._checked(values)
        with self._session() as session:
            refuse_taken_code(session, clean.get("external_code"))
        return self.register_many(actor, [clean], action="camera.register")[0]

    def register_many(
        self,
        actor: Actor,
        rows: list[dict],
        *,
        action: str = "camera.import",
        detail: str = "",
        checked_up_to: int | None = None,
    ) -> list[dict]:
        """Register already-checked cameras in one transaction (all or nothing).

        Each row is a clean dict (see :func:`geodata.layers.camerafields.clean_camera`); its texts
        are checked again (:func:`geodata.layers.camerafields.rows_text_problems`). Every row's ward
        is assigned from its location; the whole call is refused when any row lies outside the
        actor's wards. Registrations are serialised: the transaction holds the registry's write lock
        (SQLite) or its registration lock (PostgreSQL) from before it reads until it commits.

        Parameters
        ----------
        checked_up_to : int, optional, keyword-only
            The newest camera id the caller's duplicate check saw (0: none). When cameras were
            registered since, :class:`ConflictError` and nothing is written: they may be these.
        """
        if actor.role == "viewer":
            raise PermissionDenied("error.viewer.register", actor=actor.name)
        problems = rows_text_problems(rows)
        if problems:
            raise InputError("error.camera.new_values", problems=problems)
        wards = self.ward_codes_at([r["lat"] for r in rows], [r["lon"] for r in rows])
        for row, ward in zip(rows, wards, strict=True):
            actor.require_write(
                ward, Message("access.what.camera_at", lat=row["lat"], lon=row["lon"])
            )
        now = utc_now()
        records = [
            {
                **blank_record(),
                **row,
                "ward_code": ward,
                "version": 1,
                "created_by": actor.name,
                "created_at": now,
                "updated_by": actor.name,
                "updated_at": now,
            }
            for row, ward in zip(rows, wards, strict=True)
        ]
        keys = search_keys(records)
        with codes_unique(), self._session.begin() as session:
            lock_registrations(session)
            if checked_up_to is not None:
                since = session.scalar(
                    select(func.count(Camera.id)).where(Camera.id > checked_up_to)
                )
                if since:
                    raise ConflictError("error.camera.registered_meanwhile", count=since)
            if records:
                ids = insert_cameras(
                    session, [{**r, **k} for r, k in zip(records, keys, strict=True)]
                )
                for record, camera_id in zip(records, ids, strict=True):
                    record["id"] = camera_id
                stamps = dict.fromkeys(("created_at", "updated_at"), str(now))  # once, not per row
                entries = [
                    audit.entry(actor, action, r["id"], None, {**r, **stamps}, detail, at=now)
                    for r in records
                ]
                bulk_insert(session, AuditEntry.__table__, audit.chained(session, entries))
        names = self.ward_names()
        return [
            self._shown(actor, {**record, "ward_name": names.get(record["ward_code"])})
            for record in records
        ]

    def update(
        self,
        actor: Actor,
        camera_id: int,
        changes: dict,
        *,
        expected_version: int,
        action: str = "camera.update",
    ) -> dict:
        """Change fields of a camera read at ``expected_version``; returns the new record."""
        clean, problems = clean_camera(changes, partial=True)
        if problems:
            raise InputError(
                "error.camera.values", camera=camera_id, problems=[p.message() for p in problems]
            )
        for name in ("lat", "lon", "fov_deg", "range_m"):
            if name in clean and clean[name] is None:
                raise InputError("error.camera.emptied", camera=camera_id, field=field_label(name))
        if not actor.sees_owners and set(clean) & set(OWNER_FIELDS):
            raise PermissionDenied(
                "error.owner.change", actor=actor.name, role=Message(f"role.{actor.role}")
            )
        try:
            with codes_unique(), self._session.begin() as session:
                camera = self._writable(session, actor, camera_id, expected_version)
                if clean.get("external_code") is not None:
                    refuse_taken_code(session, clean["external_code"], but=camera_id)
                before = camera_record(camera)
                for name, value in clean.items():
                    setattr(camera, name, value)
                for name, value in search_keys([camera_record(camera)])[0].items():
                    setattr(camera, name, value)
                if {"lat", "lon"} & set(clean):
                    camera.ward_code = self.ward_codes_at([camera.lat], [camera.lon])[0]
                    actor.require_write(
                        camera.ward_code, Message("access.what.new_location", camera=camera_id)
                    )
                camera.updated_by, camera.updated_at = actor.name, utc_now()
                session.flush()
                write_audit(session, actor, action, camera_id, before, camera_record(camera))
                record = camera_record(camera)
        except StaleDataError as error:
            raise self._conflict(camera_id, expected_version) from error
        return self._shown(
            actor, {**record, "ward_name": self.ward_names().get(record["ward_code"])}
        )

    def set_status(
        self, actor: Actor, camera_id: int, status: str, *, expected_version: int
    ) -> dict:
        """Mark a camera active, broken or removed."""
        if status not in STATUSES:
            raise InputError("error.camera.status", statuses=", ".join(STATUSES), status=status)
        return self.update(
            actor,
            camera_id,
            {"status": status},
            expected_version=expected_version,
            action="camera.status",
        )

    def verify(
        self, actor: Actor, camera_id: int, *, expected_version: int, on: dt.date | None = None
    ) -> dict:
        """Record that the camera was checked on site (today unless ``on`` is given)."""
        return self.update(
            actor,
            camera_id,
            {"verified_on": on or dt.date.today()},
            expected_version=expected_version,
            action="camera.verify",
        )

    def delete(self, actor: Actor, camera_id: int, *, expected_version: int, reason: str) -> None:
        """Soft-delete a camera: it leaves every list and figure but stays in the audit log.

        Its owner's name, phone and address are erased, from the camera and from its audit
        entries (which stay, with a marker in their place:
        :func:`geodata.registry.audit.erase_personal`).
        """
        reason = stored_text(
            reason, name=Message("integrity.field.reason"), limit=REASON_MAX_LENGTH
        )
        try:
            with self._session.begin() as session:
                camera = self._writable(session, actor, camera_id, expected_version)
                before = camera_record(camera)
                camera.deleted_at = utc_now()
                camera.updated_by, camera.updated_at = actor.name, camera.deleted_at
                for name in audit.PERSONAL_FIELDS:
                    setattr(camera, name, None)
                camera.owner_key = ""
                session.flush()
                write_audit(session, actor, "camera.delete", camera_id, before, None, reason)
                audit.erase_personal(session, camera_id)
        except StaleDataError as error:
            raise self._conflict(camera_id, expected_version) from error

    def get(self, actor: Actor, camera_id: int) -> dict:
        """One camera's record (owner details only for those who may see them)."""
        with self._session() as session:
            camera = session.get(Camera, camera_id)
            if camera is None or camera.deleted_at is not None:
                raise NotFound("error.camera.not_found", camera=camera_id)
            actor.require_read(camera.ward_code, Message("access.what.camera", camera=camera_id))
            record = camera_record(camera)
        return self._shown(
            actor, {**record, "ward_name": self.ward_names().get(record["ward_code"])}
        )

    def cameras(
        self,
        actor: Actor,
        *,
        wards: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        types: Iterable[str] | None = None,
        not_verified_since: dt.date | None = None,
        text: str | None = None,
        outside_wards: bool = False,
        boundary_set: str | None = None,
        ids: Iterable[int] | None = None,
        fields: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The cameras the actor may see, filtered; one row per camera, ordered by id.

        ``text`` matches the address (house number, alley, street) and, for those who may see
        it, the owner's name and phone, case-insensitively. ``outside_wards`` keeps only cameras
        outside every ward. With ``boundary_set`` (a kept set other than the current one), each
        camera's ``ward_code`` and ``ward_name`` are those of that set's ward it lies in, and
        ``wards`` and ``outside_wards`` filter by them; who may see a camera still follows its
        ward in the current set. ``ids`` keeps only those cameras. ``fields`` are the record
        keys wanted (default all; ``id``, ``lat``, ``lon``, ``ward_code`` and ``ward_name``
        always come): reading fewer is quicker.
        """
        other = boundary_set is not None and boundary_set != self.current_boundary_set()
        wanted = {"id", "lat", "lon", "ward_code", *(RECORD_FIELDS if fields is None else fields)}
        stored = [name for name in RECORD_FIELDS if name != "ward_name" and name in wanted]
        query = (
            select(*(Camera.__table__.c[name] for name in stored))
            .where(Camera.deleted_at.is_(None))
            .order_by(Camera.id)
        )
        if not actor.sees_all_wards:
            query = query.where(Camera.ward_code.in_(sorted(actor.wards)))
        if wards is not None and not other:
            query = query.where(Camera.ward_code.in_(list(wards)))
        if outside_wards and not other:
            query = query.where(Camera.ward_code.is_(None))
        if ids is not None:
            query = query.where(Camera.id.in_(sorted(int(i) for i in ids)))
        if statuses is not None:
            query = query.where(Camera.status.in_(list(statuses)))
        if types is not None:
            query = query.where(Camera.camera_type.in_(list(types)))
        if not_verified_since is not None:
            query = query.where(
                or_(Camera.verified_on.is_(None), Camera.verified_on < not_verified_since)
            )
        if text:
            pattern = f"%{search_key(text)}%"
            columns = (
                [Camera.address_key, Camera.owner_key]
                if actor.sees_owners
                else [Camera.address_key]
            )
            query = query.where(or_(*(column.like(pattern) for column in columns)))
        with self._session() as session:
            table = pd.DataFrame(session.execute(query).all(), columns=stored)
        table.insert(stored.index("ward_code") + 1, "ward_name", None)
        table = visible_rows(actor, table)  # the rows were chosen by the query already
        if other:
            table["ward_code"] = self.ward_codes_at(table["lat"], table["lon"], boundary_set)
            if wards is not None:
                table = table[table["ward_code"].isin(list(wards))]
            if outside_wards:
                table = table[table["ward_code"].isna()]
            table = table.reset_index(drop=True)
        table["ward_name"] = table["ward_code"].map(self.ward_names(boundary_set))
        return table

    def camera_frame(self, actor: Actor, **filters) -> gpd.GeoDataFrame:
        """:meth:`cameras` as points in EPSG:4326 with the columns the coverage engine reads.

        A camera whose direction is unknown (no bearing and a view narrower than 360°) is left
        out: where it looks cannot be guessed. :func:`missing_bearing` counts them.
        """
        return camera_points(self.cameras(actor, **filters))

    def count(self) -> int:
        """How many cameras (not deleted) the registry holds, whoever may see them."""
        with self._session() as session:
            return session.scalar(select(func.count(Camera.id)).where(Camera.deleted_at.is_(None)))

    def identity_index(self, actor: Actor) -> pd.DataFrame:
        """What tells cameras apart, for the duplicate check of ``actor``'s import.

        Columns ``id``, ``external_code``, ``owner_name``, ``lat``, ``lon`` (WGS 84 degrees),
        ``deleted`` (deleted cameras keep their external code, which stays unique) and
        ``readable``: whether ``actor`` may read the camera. Every camera is listed, since codes
        are unique across wards and a camera may sit across a ward's edge; a camera that is not
        readable must never be named to ``actor`` (neither its id, code nor owner). Viewers,
        who import nothing, are refused.
        """
        if actor.role == "viewer":
            raise PermissionDenied("error.viewer.import", actor=actor.name)
        query = select(
            Camera.id,
            Camera.external_code,
            Camera.owner_name,
            Camera.lat,
            Camera.lon,
            Camera.deleted_at.is_not(None).label("deleted"),
            Camera.ward_code,
        ).order_by(Camera.id)
        with self._session() as session:
            rows = session.execute(query).all()
        index = pd.DataFrame(
            rows,
            columns=["id", "external_code", "owner_name", "lat", "lon", "deleted", "ward_code"],
        )
        index["readable"] = [actor.may_read(code) for code in index["ward_code"]]
        return index.drop(columns="ward_code")

    def revision(self, actions: tuple[str, ...] | None = None) -> int:
        """A number that grows with every write (the newest audit entry's id), for caches; with
        ``actions``, with every write of those actions only.

        Sign-ins are not writes: they leave it as it is.
        """
        chosen = (
            AuditEntry.action.not_in(audit.SIGN_IN_ACTIONS)
            if actions is None
            else AuditEntry.action.in_(actions)
        )
        query = select(AuditEntry.id).where(chosen).order_by(AuditEntry.id.desc()).limit(1)
        with self._session() as session:
            return session.scalar(query) or 0

    def changed_cameras(self, since: int, until: int) -> set[int] | None:
        """The ids of the cameras registered, changed or deleted by the writes after revision
        ``since`` up to ``until`` (:meth:`revision`), for caches that update what they hold;
        None when some write changed more than cameras (new ward boundaries re-assign them
        all) or more than :data:`FEW_CHANGES` cameras changed: work it all out again then."""
        query = select(AuditEntry.action, AuditEntry.camera_id).where(
            AuditEntry.id > since,
            AuditEntry.id <= until,
            AuditEntry.action.not_in(audit.SIGN_IN_ACTIONS),
        )
        with self._session() as session:
            rows = session.execute(query.limit(FEW_CHANGES + 1)).all()
        if len(rows) > FEW_CHANGES or any(action in WARD_ACTIONS for action, _ in rows):
            return None
        return {camera for action, camera in rows if action.startswith("camera.") and camera}

    def audit_entries(
        self, actor: Actor, *, camera_id: int | None = None, limit: int = 500
    ) -> pd.DataFrame:
        """The newest audit entries, newest first (district users see all; others their
        cameras' only).

        Columns ``seq``, ``at``, ``actor``, ``action``, ``camera_id``, ``before``, ``after``
        (records as JSON), ``detail`` and ``erased_at`` (when the owner details were erased;
        they read :data:`geodata.registry.audit.ERASED` since). Owner fields only for those who may
        see them.
        """
        if camera_id is None:
            actor.require_district(Message("access.what.audit_log"))
        else:
            self.get(actor, camera_id)
        query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
        if camera_id is not None:
            query = query.where(AuditEntry.camera_id == camera_id)
        with self._session() as session:
            return audit.entries_frame(session.scalars(query).all(), owners=actor.sees_owners)

    def verify_audit(self, actor: Actor) -> BrokenEntry | None:
        """The first audit entry where the chain is broken, or None when the log is intact.

        District users only. See :func:`geodata.registry.audit.verify`.
        """
        actor.require_district(Message("access.what.audit_log"))
        with self._session() as session:
            return audit.verify(session)

    def audit_fingerprint(self, actor: Actor) -> str:
        """The hash of the newest audit entry: written down elsewhere, it shows a later
        rewrite of the log up to that entry. District users only."""
        actor.require_district(Message("access.what.audit_log"))
        with self._session() as session:
            return audit.head_hash(session)

    def record_export(
        self, actor: Actor, *, count: int, with_owner: bool, purpose: str, target: str
    ) -> None:
        """Audit an export; one with owner details needs a stated purpose and owner rights."""
        purpose = nfc(purpose or "")
        if with_owner:
            if not actor.sees_owners:
                raise PermissionDenied(
                    "error.owner.export", actor=actor.name, role=Message(f"role.{actor.role}")
                )
            if len(purpose) < 5:
                raise InputError("error.owner.purpose")
        with self._session.begin() as session:
            write_audit(
                session,
                actor,
                "export.owners" if with_owner else "export",
                detail=json.dumps(
                    {"count": count, "purpose": purpose, "target": target}, ensure_ascii=False
                ),
            )

    # -------------------------------------------------------------------------------- helpers

    def _checked(self, values: dict) -> dict:
        clean, problems = clean_camera(values)
        if problems:
            raise InputError("error.camera.new_values", problems=[p.message() for p in problems])
        return clean

    def _writable(self, session: Session, actor: Actor, camera_id: int, expected_version: int):
        camera = session.get(Camera, camera_id)
        if camera is None or camera.deleted_at is not None:
            raise NotFound("error.camera.not_found", camera=camera_id)
        actor.require_write(camera.ward_code, Message("access.what.camera", camera=camera_id))
        if camera.version != expected_version:
            raise self._conflict(camera_id, expected_version, camera)
        return camera

    def _conflict(self, camera_id: int, expected: int, camera: Camera | None = None):
        if camera is None:
            with self._session() as session:
                camera = session.get(Camera, camera_id)
        return ConflictError(
            "error.camera.conflict",
            camera=camera_id,
            by=camera.updated_by,
            at=camera.updated_at,
            version=camera.version,
            expected=expected,
        )

    def _shown(self, actor: Actor, record: dict) -> dict:
        if actor.sees_owners:
            return record
        return {**record, **dict.fromkeys(OWNER_FIELDS)}


__all__ = [
    "DUPLICATE_DISTANCE_M",
    "SYSTEM",
    "SYSTEM_ACTOR",
    "Registry",
    "write_audit",
]
