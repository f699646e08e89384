"""The registry's tables (SQLAlchemy 2 declarative models).

Locations are WGS84 latitude/longitude (the registry is an edge: what ward staff type and what
other tools read); ward boundaries are stored as WKB in EPSG:4326. Every camera carries a
``version`` for optimistic locking: an update made from a stale copy fails instead of silently
overwriting someone else's change.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utc_now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Base class of the registry's tables."""


class User(Base):
    """A person who signs in: a role and, for ward users, the wards they look after."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    wards: Mapped[list[UserWard]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class UserWard(Base):
    """One ward a user looks after."""

    __tablename__ = "user_wards"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    ward_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    user: Mapped[User] = relationship(back_populates="wards")


class SignInAttempt(Base):
    """One attempt to sign in, kept to refuse a name after too many failures (across processes).

    ``name_key`` is the name as typed, NFC and case-folded, whether or not such a user exists.
    """

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_key: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    __table_args__ = (Index("ix_sign_in_attempts_name_at", "name_key", "at"),)


class BoundarySet(Base):
    """A set of ward boundaries as they stood from a date ("2019 — 11 phường", "2025").

    Every set loaded is kept, so that a past year's figures can be worked out again on the
    wards of that year; exactly one set is current: the one cameras, ward users and new
    campaigns are assigned in. ``illustrative`` marks a set that is no official boundary (the
    demo's merged wards).
    """

    __tablename__ = "boundary_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    loaded_by: Mapped[str] = mapped_column(String(120))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Ward(Base):
    """A ward of one boundary set: its code (unique within the set), name and boundary."""

    __tablename__ = "ward_boundaries"

    boundary_set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    boundary_wkb: Mapped[bytes] = mapped_column(LargeBinary)


class LayerFeature(Base):
    """One feature of an area layer (roads, hotspots, buildings): its shape in EPSG:4326 (WKB)
    and its columns (JSON). A layer is replaced as a whole."""

    __tablename__ = "layer_features"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    layer: Mapped[str] = mapped_column(String(16), index=True)
    position: Mapped[int] = mapped_column(Integer)
    geometry_wkb: Mapped[bytes] = mapped_column(LargeBinary)
    properties: Mapped[str] = mapped_column(Text)


class AreaSetting(Base):
    """A setting of the area as the district chose it (the key routes), as JSON."""

    __tablename__ = "area_settings"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Camera(Base):
    """A privately owned camera registered by ward staff."""

    __tablename__ = "cameras"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    bearing_deg: Mapped[float | None] = mapped_column(Float)
    fov_deg: Mapped[float] = mapped_column(Float)
    range_m: Mapped[float] = mapped_column(Float)
    camera_type: Mapped[str] = mapped_column(String(16), default="other")
    mount_height_m: Mapped[float | None] = mapped_column(Float)
    night_vision: Mapped[bool | None] = mapped_column(Boolean)
    night_range_m: Mapped[float | None] = mapped_column(Float)
    resolution_mp: Mapped[float | None] = mapped_column(Float)
    horizontal_px: Mapped[int | None] = mapped_column(Integer)
    recording: Mapped[bool | None] = mapped_column(Boolean)
    retention_days: Mapped[int | None] = mapped_column(Integer)
    police_connected: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), default="active")
    installed_on: Mapped[dt.date | None] = mapped_column(Date)
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    house_number: Mapped[str | None] = mapped_column(String(64))
    alley: Mapped[str | None] = mapped_column(String(120))
    street: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    ward_code: Mapped[str | None] = mapped_column(String(32), index=True)
    owner_name: Mapped[str | None] = mapped_column(String(200))
    owner_phone: Mapped[str | None] = mapped_column(String(40))
    owner_address: Mapped[str | None] = mapped_column(String(300))
    consent_share: Mapped[bool | None] = mapped_column(Boolean)
    consent_share_on: Mapped[dt.date | None] = mapped_column(Date)
    consent_live: Mapped[bool | None] = mapped_column(Boolean)
    address_key: Mapped[str] = mapped_column(Text, default="")
    owner_key: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_cameras_status", "status"),)


class AuditEntry(Base):
    """One write, sign-in or sensitive read: who, when, what, and the record before and after.

    Append-only and hash-chained; owners' details kept apart in ``personal`` so that they can
    be erased (see :mod:`geodata.registry.audit`).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(32))
    camera_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    personal: Mapped[str | None] = mapped_column(Text)
    personal_salt: Mapped[str | None] = mapped_column(String(32))
    personal_digest: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_audit_log_action_id", "action", "id"),)


class AuditHead(Base):
    """The newest audit entry's number and hash (one row, ``id`` 1): the chain's end."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))


class Campaign(Base):
    """An installation campaign: recommended sites to mobilise households at, by a deadline."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    ward_codes: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    covered_before_m: Mapped[float] = mapped_column(Float)
    planned_m: Mapped[float] = mapped_column(Float)
    upper_bound_m: Mapped[float] = mapped_column(Float)
    length_m: Mapped[float] = mapped_column(Float)
    settings: Mapped[str] = mapped_column(Text, default="{}")
    boundary_set_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class CampaignTarget(Base):
    """One recommended camera of a campaign, and how far the ward has got with it."""

    __tablename__ = "campaign_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    ward_code: Mapped[str | None] = mapped_column(String(32), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    bearing_deg: Mapped[float] = mapped_column(Float)
    fov_deg: Mapped[float] = mapped_column(Float)
    range_m: Mapped[float] = mapped_column(Float)
    template: Mapped[str] = mapped_column(String(32))
    gain_m: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
