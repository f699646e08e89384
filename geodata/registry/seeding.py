"""First start: fill a registry that was never used with the demo's wards and cameras."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import geopandas as gpd
import numpy as np

from geodata.errors import InputError
from geodata.io.crs import to_wgs84
from geodata.layers.contract import CAMERA_SPEC_COLUMNS
from geodata.layers.dataset import Dataset
from geodata.layers.demosets import DEMO_WARDS_SINCE, MERGED_SET, MERGED_SINCE, merged_demo_wards
from geodata.registry import arealayers
from geodata.registry.access import SYSTEM_ACTOR, password_problems
from geodata.registry.db import one_process_at_a_time
from geodata.registry.service import Registry

log = logging.getLogger(__name__)

SEEDER = SYSTEM_ACTOR


DEMO_TODAY = dt.date(2026, 11, 1)
"""The demo's dates are relative to this day, so that the demo never changes."""


def demo_camera_rows(cameras: gpd.GeoDataFrame, *, seed: int = 0) -> list[dict]:
    """The demo's cameras as registry rows (WGS84 lat/lon, external code = demo id, and the
    image width and mounting height where the demo states them).

    Installation dates fall in the three years before :data:`DEMO_TODAY`; about two thirds of
    the cameras were checked on site since, the others never.
    """
    points = to_wgs84(cameras).geometry
    rng = np.random.default_rng(seed)
    installed_days = rng.integers(30, 3 * 365, len(cameras))
    checked = rng.random(len(cameras)) < 2 / 3
    verified_days = (installed_days * rng.random(len(cameras))).astype(int)
    dates = [
        (
            DEMO_TODAY - dt.timedelta(days=int(installed)),
            DEMO_TODAY - dt.timedelta(days=int(verified)) if was_checked else None,
        )
        for installed, verified, was_checked in zip(
            installed_days, verified_days, checked, strict=True
        )
    ]
    rows = [
        {
            "lat": round(float(point.y), 7),
            "lon": round(float(point.x), 7),
            "bearing_deg": float(bearing),
            "fov_deg": float(fov),
            "range_m": float(reach),
            "status": str(status),
            "camera_type": str(kind) if kind in ("bullet", "dome", "ptz") else "other",
            "external_code": str(code),
            "installed_on": installed_on,
            "verified_on": verified_on,
        }
        for point, bearing, fov, reach, status, kind, code, (installed_on, verified_on) in zip(
            points,
            cameras["bearing_deg"],
            cameras["fov_deg"],
            cameras["range_m"],
            cameras["status"],
            cameras["camera_type"],
            cameras["camera_id"],
            dates,
            strict=True,
        )
    ]
    for column in CAMERA_SPEC_COLUMNS:  # the specs the demo states (a real list leaves some out)
        values = cameras[column].to_numpy(dtype=float) if column in cameras else []
        for row, value in zip(rows, values, strict=False):
            if np.isfinite(value):
                row[column] = int(value) if column == "horizontal_px" else float(value)
    return rows


def ensure_seeded(registry: Registry, demo: Dataset) -> bool:
    """Load the demo wards and cameras into a registry that was never used; returns whether it
    did.

    A registry that ever held a user, a ward, a camera or an audit entry is never seeded again,
    even when it holds nothing now (see :meth:`Registry.was_used`).
    """
    if registry.was_used():
        return False
    load_demo_boundaries(registry, demo)
    registry.register_many(
        SEEDER, demo_camera_rows(demo.cameras), action="camera.seed", detail=demo.name
    )
    log.info("seeded the registry with %d demo cameras", len(demo.cameras))
    return True


def load_demo_boundaries(registry: Registry, demo: Dataset) -> None:
    """The demo's two boundary sets: its 11 wards (current) and, not current, the illustrative
    merger of them into three (:data:`geodata.layers.demo.MERGED_WARDS`)."""
    registry.load_boundary_set(SEEDER, demo.wards, name=demo.name, valid_from=DEMO_WARDS_SINCE)
    ensure_demo_merger(registry, demo)


def ensure_demo_merger(registry: Registry, demo: Dataset) -> bool:
    """Add the demo's illustrative merged set to a registry on the demo's wards that lacks it
    (one filled before boundary sets were kept); returns whether it did."""
    if registry.current_boundary_set() != demo.name:
        return False
    if MERGED_SET in set(registry.boundary_sets()["name"]):
        return False
    registry.load_boundary_set(
        SEEDER,
        merged_demo_wards(demo.wards),
        name=MERGED_SET,
        valid_from=MERGED_SINCE,
        current=False,
        illustrative=True,
    )
    return True


def first_start(registry: Registry, demo: Dataset, admin_password: str | None) -> str | None:
    """What an app server does with the registry it opens, one server at a time (two started
    together on an empty database must not both fill it): the demo into a registry never used
    (:func:`ensure_seeded`), the demo's illustrative boundary set where it lacks it, layers an
    earlier version kept as files moved in, and the first user :func:`ensure_admin`; returns the
    admin's generated password, if one was generated.
    """
    with one_process_at_a_time(registry.engine):
        if not ensure_seeded(registry, demo):
            ensure_demo_merger(registry, demo)
        arealayers.adopt_layer_files(registry, SEEDER)
        return ensure_admin(registry, admin_password)


ADMIN_NAME = "admin"


def ensure_admin(registry: Registry, password: str | None = None) -> str | None:
    """Create the first district user ``admin`` when there are no users.

    Parameters
    ----------
    password : str, optional
        The admin's password (the app passes ``ADMIN_PASSWORD``); generated when missing.

    Returns
    -------
    str or None
        The generated password, to be shown once on the terminal (never logged); None when
        nothing was generated.

    Raises
    ------
    InputError
        When ``password`` is too weak (:func:`geodata.registry.access.password_problems`): nothing
        is created, and the message names the setting, not the password.
    """
    if registry.user_count():
        return None
    generated = None
    if password:
        problems = password_problems(password, name=ADMIN_NAME)
        if problems:
            raise InputError("error.admin_password", problems=problems)
    else:
        generated = secrets.token_urlsafe(12)
        while password_problems(generated, name=ADMIN_NAME):  # rarely: e.g. no digit nor "-"
            generated = secrets.token_urlsafe(12)
    registry.add_user(SEEDER, ADMIN_NAME, password or generated, "district")
    return generated
