"""The database engine from a user's URL: the async driver, the pool, SQLite's pragmas and its write lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

WRITE = "cadre_write"  # execution option of the transactions that write (see ``writer``)


def async_url(url: str) -> str:
    """Map a user's URL to the async driver Cadre uses: the driver is Cadre's business."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise ValueError(f"unsupported database URL scheme: {parsed.drivername!r} (sqlite or postgresql)")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    """Whether ``url`` names an SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str) -> AsyncEngine:
    """An async engine for ``url``; creates the SQLite file's folder on first use."""
    target = async_url(url)
    kwargs: dict[str, Any] = {}
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            # One writer at a time, readers that rarely meet (the request path reads from the cache): a
            # connection is a thread and a page cache; three stay open, up to ten more for a burst.
            kwargs.update(pool_size=3, max_overflow=10)
    else:
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True, pool_recycle=1800)
    engine = create_async_engine(target, **kwargs)
    if is_sqlite(url):
        fast_null_binding()
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def writer(engine: AsyncEngine) -> AsyncEngine:
    """``engine`` for transactions that write. On SQLite they take the write lock at BEGIN (BEGIN IMMEDIATE),
    as ``SELECT ... FOR UPDATE`` does on PostgreSQL: two publications wait for each other instead of both
    reading the same state, and nothing is committed before the transaction ends."""
    return engine.execution_options(**{WRITE: True})


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Cadre emits BEGIN itself (``_sqlite_begin``). The driver's own transactions start only at the first
    # INSERT or UPDATE, so a SAVEPOINT before it opened a transaction that its RELEASE committed halfway.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """Writers lock up front; readers get a consistent snapshot and never wait (WAL)."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def fast_null_binding() -> None:
    """Make sqlite3 bind None without a failed adapter lookup (process-wide: done when an SQLite engine is
    made, never at import).

    Python 3.11's sqlite3 looks up an adapter for every parameter that is not exactly int, float, str or
    bytearray; for None the lookup fails only after two attribute lookups that raise, which was half the cost of
    writing a decision row (4.3 -> 2.2 us a row, bench/README.md). With an adapter registered for NoneType it is
    one dict hit; the adapter ({}.get, a C call) returns None, still bound as NULL.
    """
    sqlite3.register_adapter(type(None), _NO_ADAPTATION.get)


_NO_ADAPTATION: dict[None, None] = {}
