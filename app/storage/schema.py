"""Database engine from a user URL, and the tables as the latest migration leaves them."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# Python 3.11's sqlite3 looks up an adapter for every parameter that is not exactly int, float, str or bytearray;
# for None the lookup fails only after two attribute lookups that raise, which was half the cost of writing a
# decision row (4.3 -> 2.2 us a row, bench/README.md). With an adapter registered for NoneType it is one dict
# hit; the adapter ({}.get, a C call) returns None, still bound as NULL.
_NO_ADAPTATION: dict[None, None] = {}
sqlite3.register_adapter(type(None), _NO_ADAPTATION.get)

WRITE = "cadre_write"  # execution option of the transactions that write (see ``writer``)
metadata = sa.MetaData()
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)

frames = sa.Table(
    "frames", metadata,
    sa.Column("slug", sa.String(64), primary_key=True),
    sa.Column("draft", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.Column("updated_at", When, nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("archived_at", When, nullable=True),
    sa.Column("check_policy", sa.String(16), nullable=False, server_default="flag"),  # off | flag | refuse
)

frame_versions = sa.Table(
    "frame_versions", metadata,
    sa.Column("slug", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("frame", sa.Text, nullable=False),
    sa.Column("published_at", When, nullable=False),
    sa.Column("published_by", sa.String(200), nullable=False),
    sa.Column("rollback_of", sa.Integer, nullable=True),
)

api_keys = sa.Table(
    "api_keys", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("frame", sa.String(64), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("refusal_style", sa.String(16), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("secret_hint", sa.String(32), nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.Column("revoked_at", When, nullable=True),
    sa.Column("rate_limit", sa.Integer, nullable=True),  # requests per minute; None: no limit (0004)
)

# Requests per key and per minute, summed over every replica (app/ratelimit.py); old windows are deleted.
rate_windows = sa.Table(
    "rate_windows", metadata,
    sa.Column("key_id", sa.String(40), primary_key=True),
    sa.Column("window", sa.BigInteger, primary_key=True),  # minutes since the Unix epoch
    sa.Column("requests", sa.BigInteger, nullable=False),
)

admin_tokens = sa.Table(
    "admin_tokens", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", When, nullable=False),
)

# Console sign-ins (0005): a sign-out or a new admin token ends them for every replica at once.
console_sessions = sa.Table(
    "console_sessions", metadata,
    sa.Column("session_hash", sa.String(64), primary_key=True),  # sha256 of the cookie's session id
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.Column("expires_at", When, nullable=False),
)

decisions = sa.Table(
    "decisions", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("at", When, nullable=False),  # indexed with `frame` (0003); the log pages by id
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("key_id", sa.String(40), nullable=True),
    sa.Column("frame", sa.String(64), nullable=True),  # indexed with `at` (0003)
    sa.Column("frame_version", sa.Integer, nullable=True),
    sa.Column("endpoint", sa.String(64), nullable=False),
    sa.Column("model", sa.String(200), nullable=True),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("code", sa.String(64), nullable=True),
    sa.Column("upstream_status", sa.Integer, nullable=True),
    sa.Column("latency_ms", sa.Float, nullable=False),
    sa.Column("prompt_tokens", sa.Integer, nullable=True),
    sa.Column("completion_tokens", sa.Integer, nullable=True),
    sa.Column("total_tokens", sa.Integer, nullable=True),
    # The révélateur (issue 5): what the checks found, which priority the request served, an excerpt.
    sa.Column("check_outcome", sa.String(16), nullable=True),  # fits | off_frame | None (not checked)
    sa.Column("findings", sa.Text, nullable=True),  # JSON list of {item, kind, field, source, excerpt?}
    sa.Column("priority", sa.Integer, nullable=True),  # 1..3, None = unattributed
    sa.Column("priority_source", sa.String(16), nullable=True),  # header | metadata | judge
    sa.Column("excerpt", sa.String(200), nullable=True),  # per CADRE_STORE_EXCERPTS
)

state = sa.Table(
    "cadre_state", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

migrations_table = sa.Table(
    "cadre_migrations", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("applied_at", When, nullable=False),
)


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
