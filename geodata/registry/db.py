"""Database connections: SQLite by default, PostgreSQL by URL, migrated on open.

The embedded default is a SQLite file in the data folder, in WAL mode with foreign keys on; set
``DATABASE_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``) for PostgreSQL.
Alembic migrations in ``geodata/registry/migrations`` are applied every time a database is opened.
On PostgreSQL, :func:`copy_rows` writes many rows at once with psycopg's binary ``COPY``.

Safeguards of the SQLite file:

- SQLite creates the file only on the engine's first connection; later connections open it
  read-write only, so a file deleted while the app runs is never silently replaced by an empty
  one.
- Transactions are begun explicitly: ``BEGIN IMMEDIATE`` on a :func:`writer` engine, which
  takes the database's write lock before the transaction reads anything (what it checks stays
  true until it commits), plain ``BEGIN`` otherwise.
- :class:`SQLiteFile` remembers which file the registry opened, so that writes into a file that
  was deleted or replaced meanwhile are refused.

Errors of the database that a user can do something about (missing, damaged, full disk,
read-only, busy, unreachable server) are raised as :class:`~geodata.errors.StorageError` with a
catalogue message; statement parameters are never shown in errors or logs (they hold owners'
names and phones).
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from geodata import settings
from geodata.errors import StorageError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
WRITE_OPTION = "registry_write"
"""The execution option of a :func:`writer` engine."""
COPY_OPTION = "registry_copy"
"""The execution option of the ``COPY … FROM STDIN`` of :func:`copy_rows`: its columns' types."""


def engine_for(url: str | None = None) -> Engine:
    """A SQLAlchemy engine for ``url`` (default: :func:`geodata.settings.database_url`)."""
    url = url or settings.database_url()
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(parsed)
        options = {"creator": _connector(path)} if path else {"connect_args": {"timeout": 30}}
        engine = create_engine(parsed, hide_parameters=True, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "handle_error", _sqlite_error)
        return engine
    engine = create_engine(parsed, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine, "handle_error", _server_error)
    event.listen(engine, "do_executemany", _copy_stream)
    event.listen(engine, "do_execute", _copy_one)
    return engine


def copy_rows(connection: Connection, table: Table, names: list[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of the columns ``names``) into ``table`` with one binary
    ``COPY … FROM STDIN`` of psycopg (PostgreSQL only).

    psycopg sends each value in the binary form of its column's type, as the database's
    catalogue names it: no value is written as text and parsed back (no escaping of tabs,
    newlines or backslashes to get wrong), and a value the column cannot hold as it is (a
    fraction for a whole number) is refused, not rounded. The rows go through the engine like
    a statement's parameters (``exec_driver_sql`` with :data:`COPY_OPTION`, streamed by
    :func:`_copy_stream`): in ``connection``'s transaction, refused with the engine's errors
    (a unique external code taken is an ``IntegrityError``, a lost server a
    :class:`~geodata.errors.StorageError`), their values never logged.
    """
    quote = connection.dialect.identifier_preparer.quote
    where = connection.dialect.identifier_preparer.format_table(table)
    types = dict(connection.exec_driver_sql(_COLUMN_TYPES, {"table": where}).all())
    connection.exec_driver_sql(
        f"COPY {where} ({', '.join(map(quote, names))}) FROM STDIN (FORMAT BINARY)",
        rows,
        execution_options={COPY_OPTION: [types[name] for name in names]},
    )


_COLUMN_TYPES = """SELECT attname, atttypid FROM pg_attribute
WHERE attrelid = %(table)s::regclass AND attnum > 0 AND NOT attisdropped"""
"""A PostgreSQL table's columns and their types (oids)."""


def _copy_stream(cursor, statement: str, rows, context) -> bool:
    """Run the executemany of :func:`copy_rows` as psycopg's COPY (the column types are the
    value of :data:`COPY_OPTION`); False for any other statement, which the driver runs."""
    types = context.execution_options.get(COPY_OPTION)
    if types is None:
        return False
    with cursor.copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)
    return True


def _copy_one(cursor, statement: str, row, context) -> bool:
    """:func:`_copy_stream` of a single row (which the engine runs with ``execute``)."""
    return _copy_stream(cursor, statement, (row,), context)


def writer(engine: Engine) -> Engine:
    """``engine`` for write transactions (on SQLite they take the write lock when they begin)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def sqlite_path(url) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


def _connector(path: Path):
    """A DB-API connect function: the file may be created by the first connection only."""
    created = path.exists()

    def connect() -> sqlite3.Connection:
        nonlocal created
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = "rw" if created else "rwc"
        connection = sqlite3.connect(
            f"{path.as_uri()}?mode={mode}", uri=True, timeout=30, check_same_thread=False
        )
        created = True
        return connection

    return connect


def _sqlite_pragmas(connection, _record) -> None:
    connection.isolation_level = None  # transactions are begun by _sqlite_begin
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL's recommended level: never corrupts
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


_SQLITE_ERRORS = {
    sqlite3.SQLITE_CANTOPEN: "error.storage.missing",
    sqlite3.SQLITE_NOTADB: "error.storage.damaged",
    sqlite3.SQLITE_CORRUPT: "error.storage.damaged",
    sqlite3.SQLITE_FULL: "error.storage.full",
    sqlite3.SQLITE_IOERR: "error.storage.io",
    sqlite3.SQLITE_READONLY: "error.storage.read_only",
    sqlite3.SQLITE_PERM: "error.storage.read_only",
    sqlite3.SQLITE_BUSY: "error.storage.busy",
    sqlite3.SQLITE_LOCKED: "error.storage.busy",
}
"""SQLite's primary result codes a user can do something about → catalogue key."""


def _sqlite_error(context) -> None:
    """A SQLite failure of the storage as a :class:`StorageError` (its details only logged)."""
    path = sqlite_path(context.engine.url) if context.engine is not None else None
    error = storage_error(context.original_exception, path=path)
    if error is not None:
        raise error from context.original_exception


def storage_error(error: BaseException, *, path: Path | None = None) -> StorageError | None:
    """The :class:`StorageError` of a failure of SQLite's storage (None for any other error).

    A database file that exists but cannot be opened (``path``) is one that may not be written
    here (a read-only file system or folder: WAL mode needs to write next to it).
    """
    code = getattr(error, "sqlite_errorcode", None)
    key = _SQLITE_ERRORS.get(code & 0xFF) if isinstance(code, int) else None
    if key == "error.storage.missing" and path is not None and path.exists():
        key = "error.storage.read_only"
    if key is None and type(error) is sqlite3.DatabaseError:  # "file is not a database"
        key = "error.storage.damaged"
    if key is None:
        return None
    log.info("registry database: %s (%s)", error, getattr(error, "sqlite_errorname", ""))
    return StorageError(key)


def _server_error(context) -> None:
    """A lost or refused connection to the database server as a :class:`StorageError`."""
    error = context.original_exception
    if context.is_pre_ping:
        return
    if context.is_disconnect or isinstance(error, context.dialect.loaded_dbapi.OperationalError):
        log.info("registry database server: %s", type(error).__name__)
        raise StorageError("error.storage.unavailable") from error


@dataclass(frozen=True)
class SQLiteFile:
    """Which file a registry opened: its device and inode, to tell it from a later one.

    A file that was deleted, moved away or replaced (restored from a backup, copied over)
    while the app runs is no longer the one its connections write into.
    """

    path: Path
    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> SQLiteFile:
        """The file now at ``path``."""
        status = path.stat()
        return cls(path, status.st_dev, status.st_ino)

    def check(self) -> None:
        """Raise :class:`StorageError` unless ``path`` is still this file."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            raise StorageError("error.storage.missing") from None
        if (status.st_dev, status.st_ino) != (self.device, self.inode):
            raise StorageError("error.storage.replaced")


def migrate(engine: Engine) -> None:
    """Bring the database's schema up to the newest migration (one process at a time)."""
    from alembic import command  # only here: a tenth of a second a command need not wait
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with one_process_at_a_time(engine), engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


START_LOCK = 0x43435453
"""The PostgreSQL advisory lock key of :func:`one_process_at_a_time` ("CCTS")."""


@contextmanager
def one_process_at_a_time(engine: Engine) -> Iterator[None]:
    """Run the block in one process at a time on this database: migrating it, and filling it
    on first start (two app servers started together on an empty database must not both).

    PostgreSQL: a session advisory lock on a connection of its own. SQLite: an exclusive lock
    on the file ``<database>.lock`` beside it. An in-memory database has one process anyway.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(select(func.pg_advisory_lock(START_LOCK)))
            try:
                yield
            finally:
                connection.execute(select(func.pg_advisory_unlock(START_LOCK)))
                connection.commit()
        return
    path = sqlite_path(engine.url)
    if path is None:
        yield
        return
    try:
        handle = path.with_name(path.name + ".lock").open("a")
    except OSError:  # a read-only folder: no process can write there to race with
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


DATABASE_ERRORS = (SQLAlchemyError,)
"""What the database library raises when a database refuses or cannot be reached: the CLI
says it in one line, and nothing outside the registry needs to know the library."""


def shown_url(url: str | None) -> str:
    """A database URL as it may be shown and logged: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, TypeError, ValueError):
        return repr(url)
