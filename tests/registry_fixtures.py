"""Registries on a fresh SQLite file and on a fresh PostgreSQL schema, for tests.

PostgreSQL is the machine's server at 127.0.0.1:5432 (user ``postgres``, database ``test``), or
``TEST_POSTGRES_URL``. Each registry gets its own schema, dropped afterwards. Without a server
the PostgreSQL cases skip with the reason, except under ``CI=true``, where they fail.
"""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from geodata.layers.demo import DEMO_NAME, build_demo
from geodata.registry.access import SYSTEM, Actor
from geodata.registry.service import Registry

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DISTRICT = Actor(SYSTEM, "district")
BACKENDS = ["sqlite", "postgresql"]


def postgres_schema_url() -> tuple[str, str]:
    """Create a fresh schema; returns (URL whose connections use it, schema name)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # no server: skip or fail below
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required under CI=true: {error}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}: {error}")
    admin.dispose()
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str) -> None:
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def registry_url(request, tmp_path):
    """The URL of an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.sqlite3'}"
        return
    url, schema = postgres_schema_url()
    yield url
    drop_schema(schema)


def _demo_registry(url: str) -> Registry:
    """A migrated, empty registry at ``url`` holding the demo's 11 ward boundaries."""
    opened = Registry.open(url)
    opened.load_boundary_set(DISTRICT, build_demo().wards, name=DEMO_NAME)
    return opened


@pytest.fixture
def registry(registry_url):
    """A migrated, empty registry holding the demo's 11 ward boundaries."""
    opened = _demo_registry(registry_url)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def registry_pair(tmp_path):
    """Two such registries, to compare what the backends store: (SQLite, PostgreSQL)."""
    url, schema = postgres_schema_url()
    opened = []
    try:
        opened.append(_demo_registry(f"sqlite:///{tmp_path / 'pair.sqlite3'}"))
        opened.append(_demo_registry(url))
        yield tuple(opened)
    finally:
        for each in opened:
            each.engine.dispose()
        drop_schema(schema)
