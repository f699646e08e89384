"""Shared fixtures: where the real test data lives."""

import os
from pathlib import Path

import pytest

from tests.registry_fixtures import (  # noqa: F401  (shared fixtures)
    registry,
    registry_pair,
    registry_url,
)

ADMIN_PASSWORD = "district-test-pass-2026"
"""The password the app gives its first user ``admin`` during tests."""

SHARED_GEODATA = Path(__file__).resolve().parent.parent.parent / "shared" / "geodata"


@pytest.fixture(scope="session")
def shared_geodata() -> Path:
    """../shared/geodata; skips when absent on a user's clone, fails under CI=true."""
    if not SHARED_GEODATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED_GEODATA} is missing; CI must have the real test data")
        pytest.skip(f"real test data not found at {SHARED_GEODATA}")
    return SHARED_GEODATA


@pytest.fixture(scope="session", autouse=True)
def isolated_data_dir(tmp_path_factory):
    """Every test run keeps its database and caches in a temporary folder, never in ./data.

    The app's first user ``admin`` gets :data:`ADMIN_PASSWORD`.
    """
    saved = {
        key: os.environ.get(key) for key in ("CCTV_DATA_DIR", "DATABASE_URL", "ADMIN_PASSWORD")
    }
    os.environ["CCTV_DATA_DIR"] = str(tmp_path_factory.mktemp("cctv-data"))
    os.environ["ADMIN_PASSWORD"] = ADMIN_PASSWORD
    os.environ.pop("DATABASE_URL", None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
