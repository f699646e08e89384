"""Camera records as the database keeps them: rows written in batches, read back as dicts.

A camera's external code is unique (ignoring case, deleted cameras included):
:func:`refuse_taken_code` says so before a write and :func:`codes_unique` turns the
database's refusal of a racing write into a conflict. :func:`camera_points` gives the
registry's cameras to the engine, leaving out those whose direction is unknown
(:func:`missing_bearing`).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geodata.errors import ConflictError, InputError
from geodata.layers.camerafields import (
    ADDRESS_KEY_FIELDS,
    FIELDS,
    OWNER_KEY_FIELDS,
    SPEC_SOURCE_FIELDS,
    camera_specs,
    search_key,
)
from geodata.registry.db import copy_rows
from geodata.registry.models import Camera

log = logging.getLogger(__name__)

RECORD_FIELDS = (
    "id",
    *(f.name for f in FIELDS),
    "ward_code",
    "ward_name",
    "version",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
)
"""The keys of a camera record as the registry returns it."""

ENGINE_FIELDS = (
    "id",
    "lat",
    "lon",
    "camera_type",
    "status",
    "bearing_deg",
    "fov_deg",
    "range_m",
    "ward_code",
    "ward_name",
    *SPEC_SOURCE_FIELDS,
)
"""The record keys :func:`camera_points` reads: a registry read for the engine alone asks for
only these (``Registry.cameras(..., fields=ENGINE_FIELDS)``)."""


def refuse_taken_code(session: Session, code: str | None, *, but: int | None = None) -> None:
    """Refuse an external code another camera has (ignoring case; deleted cameras too)."""
    if code is None:
        return
    query = select(Camera.id).where(
        or_(Camera.external_code == code, func.lower(Camera.external_code) == code.lower())
    )
    if but is not None:
        query = query.where(Camera.id != but)
    holder = session.scalar(query.limit(1))
    if holder is not None:
        raise InputError("error.camera.code_taken", code=code, camera=holder)


@contextmanager
def codes_unique():
    """A write refused by the database's unique external codes, as a conflict (no SQL shown).

    The code was free when checked and taken by someone else before this write committed.
    """
    try:
        yield
    except IntegrityError as error:
        log.info("write refused by a unique constraint: %s", type(error.orig).__name__)
        raise ConflictError("error.camera.code_taken_meanwhile") from None


def camera_points(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """A :meth:`Registry.cameras` table as EPSG:4326 points with the engine's columns.

    The columns are :data:`~geodata.layers.contract.CAMERA_COLUMNS` and
    :data:`~geodata.layers.contract.CAMERA_SPEC_COLUMNS` (:func:`camera_specs`: the stated
    image width, else the one of ``resolution_mp``; NaN where unknown). Cameras whose direction
    is unknown (:func:`missing_bearing`) are left out.
    """
    table = table[~missing_bearing(table)]
    return gpd.GeoDataFrame(
        {
            "camera_id": table["id"].astype(str),
            "camera_type": table["camera_type"].astype(str),
            "status": table["status"].astype(str),
            "bearing_deg": table["bearing_deg"].fillna(0.0).astype(float),
            "fov_deg": table["fov_deg"].astype(float),
            "range_m": table["range_m"].astype(float),
            "ward_name": table["ward_name"].astype(object).fillna("").astype(str),
            **camera_specs(table),
        },
        geometry=shapely.points(
            table["lon"].to_numpy(dtype=float), table["lat"].to_numpy(dtype=float)
        ),
        crs="EPSG:4326",
    )


def with_rows_replaced(table: pd.DataFrame, fresh: pd.DataFrame, ids) -> pd.DataFrame:
    """A :meth:`Registry.cameras` table with the cameras ``ids`` as they are in ``fresh`` (the
    same columns; a camera of ``ids`` missing from it was deleted), ordered by id."""
    kept = table[~table["id"].isin(list(ids))]
    merged = pd.concat([kept, fresh], ignore_index=True) if len(fresh) else kept
    return merged.sort_values("id", kind="stable").reset_index(drop=True)


def missing_bearing(table: pd.DataFrame) -> pd.Series:
    """Which cameras of a :meth:`Registry.cameras` table have no bearing but need one."""
    return table["bearing_deg"].isna() & (table["fov_deg"].astype(float) < 360.0)


def insert_cameras(session: Session, rows: list[dict]) -> list[int]:
    """Insert camera rows in one batch; their new ids, in order.

    An ordered ``INSERT … RETURNING`` of many rows runs row by row on SQLite and in a slow
    sorted form on PostgreSQL, so the ids are found otherwise: PostgreSQL draws them from the
    table's sequence first; SQLite gives new rows the ids after the largest one, and from its
    first insert until the commit this transaction holds the database's only write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(Camera.__tablename__, "id")
        ids = sorted(
            session.scalars(
                select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))
            )
        )
        rows = [{**row, "id": camera_id} for row, camera_id in zip(rows, ids, strict=True)]
        bulk_insert(session, Camera.__table__, rows)
        return ids
    bulk_insert(session, Camera.__table__, rows)
    last = session.scalar(select(func.max(Camera.id)))
    return list(range(last - len(rows) + 1, last + 1))


def bulk_insert(session: Session, table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) in one go of the driver: on SQLite one
    ``executemany`` of a statement compiled once, on PostgreSQL one binary ``COPY``
    (:func:`~geodata.registry.db.copy_rows`: a third of the CPU time of a statement per row,
    in this process and in the server).

    Each column's values go through the column type's own conversion (dates as SQLite keeps
    them, for instance): what Core's insert does per row, without building a parameter dict
    per row, which is most of its time for many rows. The rows must give every column that has
    a Python-side default.
    """
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    order = list(compiled.positiontup) if compiled.positional else names
    defaulted = set(order) - set(names)  # Core fills these per row; this insert does not
    if defaulted:
        raise ValueError(f"{table.name}: rows must give {sorted(defaulted)}")
    converters = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in order
    ]
    columns = [
        _converted([row[name] for row in rows], convert)
        for name, convert in zip(order, converters, strict=True)
    ]
    values = list(zip(*columns, strict=True))
    if dialect.name == "postgresql":
        copy_rows(connection, table, order, values)
        return
    if not compiled.positional:
        values = [dict(zip(order, row, strict=True)) for row in values]
    connection.exec_driver_sql(compiled.string, values)


def _converted(values: list, convert) -> list:
    """``values`` through a column type's ``convert`` (None: as they are), each distinct once."""
    if convert is None:
        return values
    done = {value: convert(value) for value in set(values)}
    return [done[value] for value in values]


def search_keys(records: list[dict]) -> list[dict]:
    """The accent-insensitive search columns of each record, worked out column by column.

    Ward lists repeat streets and owner names, so each distinct value is keyed once.
    """
    columns = {}
    for column, fields in (("address_key", ADDRESS_KEY_FIELDS), ("owner_key", OWNER_KEY_FIELDS)):
        parts = [_keyed([record.get(name) for record in records]) for name in fields]
        columns[column] = [" ".join(filter(None, row)) for row in zip(*parts, strict=True)]
    return [dict(zip(columns, keys, strict=True)) for keys in zip(*columns.values(), strict=True)]


def _keyed(values: list) -> list[str]:
    """:func:`search_key` of each value, each distinct value once."""
    keys = {value: search_key(value) for value in set(values)}
    return [keys[value] for value in values]


def blank_record() -> dict:
    return {field.name: None for field in FIELDS}


def camera_record(camera: Camera) -> dict:
    return {name: getattr(camera, name) for name in RECORD_FIELDS if name != "ward_name"}
