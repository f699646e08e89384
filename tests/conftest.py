"""Shared fixtures: where the real test data lives."""

import os
from pathlib import Path

import pytest

from tests.registry_fixtures import registry, registry_url  # noqa: F401  (shared fixtures)

SHARED_GEODATA = Path(__file__).resolve().parent.parent.parent / "shared" / "geodata"


@pytest.fixture(scope="session")
def shared_geodata() -> Path:
    """../shared/geodata; skips when absent on a user's clone, fails under CI=true."""
    if not SHARED_GEODATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED_GEODATA} is missing; CI must have the real test data")
        pytest.skip(f"real test data not found at {SHARED_GEODATA}")
    return SHARED_GEODATA
