"""Ordered, named schema migrations, recorded in ``cadre_migrations``; the same steps on SQLite and PostgreSQL.

``schema.py`` describes the latest schema; each step here changes the schema the steps before it left, and
never reads ``schema.py``'s tables (step 0001 creates the tables as they were when it was written). A test
migrates empty databases step by step and compares the result with ``schema.py`` (tests/test_migrations.py).

Databases created before 2026-12 ran a 0001 that created the tables as ``schema.py`` described them that
day: the steps after it check what exists before they change it (``_columns``, ``_indexes``), so they bring
those databases to the same schema too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from app.storage import schema
from app.storage.base import DATABASE_ERRORS
from app.storage.engine import create_engine, is_sqlite, writer
from app.storage.outcomes import SchemaBehind, StoreUnavailable

Step = Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    """The tables as the first release of Cadre created them (frozen: later steps change them)."""
    when = sa.DateTime(timezone=True)
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    first = sa.MetaData()
    sa.Table("frames", first,
             sa.Column("slug", sa.String(64), primary_key=True),
             sa.Column("draft", sa.Text, nullable=False),
             sa.Column("revision", sa.Integer, nullable=False),
             sa.Column("created_at", when, nullable=False),
             sa.Column("updated_at", when, nullable=False),
             sa.Column("updated_by", sa.String(200), nullable=False),
             sa.Column("archived_at", when, nullable=True))
    sa.Table("frame_versions", first,
             sa.Column("slug", sa.String(64), primary_key=True),
             sa.Column("version", sa.Integer, primary_key=True),
             sa.Column("frame", sa.Text, nullable=False),
             sa.Column("published_at", when, nullable=False),
             sa.Column("published_by", sa.String(200), nullable=False),
             sa.Column("rollback_of", sa.Integer, nullable=True))
    sa.Table("api_keys", first,
             sa.Column("id", sa.String(40), primary_key=True),
             sa.Column("frame", sa.String(64), nullable=False, index=True),
             sa.Column("name", sa.String(200), nullable=False),
             sa.Column("refusal_style", sa.String(16), nullable=False),
             sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
             sa.Column("secret_hint", sa.String(32), nullable=False),
             sa.Column("created_at", when, nullable=False),
             sa.Column("revoked_at", when, nullable=True))
    sa.Table("admin_tokens", first,
             sa.Column("id", big_id, primary_key=True, autoincrement=True),
             sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
             sa.Column("created_at", when, nullable=False))
    sa.Table("decisions", first,
             sa.Column("id", big_id, primary_key=True, autoincrement=True),
             sa.Column("at", when, nullable=False, index=True),
             sa.Column("request_id", sa.String(64), nullable=False),
             sa.Column("key_id", sa.String(40), nullable=True),
             sa.Column("frame", sa.String(64), nullable=True, index=True),
             sa.Column("frame_version", sa.Integer, nullable=True),
             sa.Column("endpoint", sa.String(64), nullable=False),
             sa.Column("model", sa.String(200), nullable=True),
             sa.Column("outcome", sa.String(16), nullable=False),
             sa.Column("code", sa.String(64), nullable=True),
             sa.Column("upstream_status", sa.Integer, nullable=True),
             sa.Column("latency_ms", sa.Float, nullable=False),
             sa.Column("prompt_tokens", sa.Integer, nullable=True),
             sa.Column("completion_tokens", sa.Integer, nullable=True),
             sa.Column("total_tokens", sa.Integer, nullable=True))
    sa.Table("cadre_state", first,
             sa.Column("name", sa.String(64), primary_key=True),
             sa.Column("value", sa.BigInteger, nullable=False))
    first.create_all(conn)


def _columns(conn: Connection, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns(table)}


def _indexes(conn: Connection, table: str) -> set[str]:
    return {ix["name"] for ix in sa.inspect(conn).get_indexes(table) if ix["name"]}


def _append_only_history(conn: Connection) -> None:
    """The database itself refuses to rewrite or delete a published version."""
    if conn.dialect.name == "sqlite":
        for op in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS frame_versions_no_{op.lower()} BEFORE {op} ON frame_versions "
                "BEGIN SELECT RAISE(ABORT, 'frame history is append-only'); END"
            )
        return
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION cadre_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'frame history is append-only'; END; $$ LANGUAGE plpgsql"
    )
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS frame_versions_append_only ON frame_versions")
    conn.exec_driver_sql(
        "CREATE TRIGGER frame_versions_append_only BEFORE UPDATE OR DELETE ON frame_versions "
        "FOR EACH ROW EXECUTE FUNCTION cadre_append_only()"
    )


def _decision_indexes(conn: Connection) -> None:
    """The console and the report read a frame's decisions by time."""
    if "ix_decisions_frame_at" not in _indexes(conn, "decisions"):
        conn.exec_driver_sql("CREATE INDEX ix_decisions_frame_at ON decisions (frame, at)")


def _rate_limits(conn: Connection) -> None:
    """Keys get a requests-per-minute limit; replicas add up their counts in ``rate_windows``."""
    if "rate_limit" not in _columns(conn, "api_keys"):
        conn.exec_driver_sql("ALTER TABLE api_keys ADD COLUMN rate_limit INTEGER")
    windows = sa.Table("rate_windows", sa.MetaData(),
                       sa.Column("key_id", sa.String(40), primary_key=True),
                       sa.Column("window", sa.BigInteger, primary_key=True),
                       sa.Column("requests", sa.BigInteger, nullable=False))
    windows.create(conn, checkfirst=True)


def _revelateur(conn: Connection) -> None:
    """The révélateur's columns (a frame's check policy; what the checks found in a decision), which the
    databases made by the first 0001 got from it; the single-column decision indexes that 0003's composite
    index replaced."""
    if "check_policy" not in _columns(conn, "frames"):
        conn.exec_driver_sql("ALTER TABLE frames ADD COLUMN check_policy VARCHAR(16) DEFAULT 'flag' NOT NULL")
    have = _columns(conn, "decisions")
    for name, kind in (("check_outcome", "VARCHAR(16)"), ("findings", "TEXT"), ("priority", "INTEGER"),
                       ("priority_source", "VARCHAR(16)"), ("excerpt", "VARCHAR(200)")):
        if name not in have:
            conn.exec_driver_sql(f"ALTER TABLE decisions ADD COLUMN {name} {kind}")
    for index in ("ix_decisions_at", "ix_decisions_frame"):
        if index in _indexes(conn, "decisions"):
            conn.exec_driver_sql(f"DROP INDEX {index}")


def _people(conn: Connection) -> None:
    """Named console accounts with roles, one-time invitations, and sessions kept server-side; the history
    names who wrote a version as well as who published it."""
    when = sa.DateTime(timezone=True)
    tables = sa.MetaData()
    sa.Table("people", tables,
             sa.Column("id", sa.String(40), primary_key=True),
             sa.Column("name", sa.String(60), nullable=False),
             sa.Column("name_key", sa.String(60), nullable=False, unique=True),
             sa.Column("role", sa.String(16), nullable=False),
             sa.Column("password_hash", sa.String(200), nullable=True),
             sa.Column("created_at", when, nullable=False),
             sa.Column("created_by", sa.String(200), nullable=False),
             sa.Column("removed_at", when, nullable=True))
    sa.Table("invitations", tables,
             sa.Column("token_hash", sa.String(64), primary_key=True),
             sa.Column("person_id", sa.String(40), nullable=False, index=True),
             sa.Column("created_at", when, nullable=False),
             sa.Column("expires_at", when, nullable=False),
             sa.Column("used_at", when, nullable=True))
    sa.Table("console_sessions", tables,
             sa.Column("id", sa.String(64), primary_key=True),
             sa.Column("person_id", sa.String(40), nullable=False, index=True),
             sa.Column("created_at", when, nullable=False),
             sa.Column("last_seen_at", when, nullable=False),
             sa.Column("expires_at", when, nullable=False),
             sa.Column("revoked_at", when, nullable=True),
             sa.Column("address", sa.String(64), nullable=False),
             sa.Column("agent", sa.String(200), nullable=False))
    tables.create_all(conn, checkfirst=True)
    if "drafted_by" not in _columns(conn, "frame_versions"):
        conn.exec_driver_sql("ALTER TABLE frame_versions ADD COLUMN drafted_by VARCHAR(200)")


STEPS: list[tuple[str, Step]] = [
    ("0001_initial", _initial),
    ("0002_append_only_history", _append_only_history),
    ("0003_decision_indexes", _decision_indexes),
    ("0004_rate_limits", _rate_limits),
    ("0005_revelateur", _revelateur),
    ("0006_people", _people),
]


def _pending(conn: Connection) -> list[tuple[str, Step]]:
    """The steps not recorded yet (all of them while ``cadre_migrations`` does not exist)."""
    if not sa.inspect(conn).has_table(schema.migrations_table.name):
        return list(STEPS)
    done = set(conn.execute(sa.select(schema.migrations_table.c.name)).scalars())
    return [(name, step) for name, step in STEPS if name not in done]


def _apply(conn: Connection) -> list[str]:
    if conn.dialect.name == "postgresql":
        # Two replicas starting together must not both migrate.
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
    schema.migrations_table.create(conn, checkfirst=True)
    applied = []
    for name, step in _pending(conn):
        step(conn)
        conn.execute(schema.migrations_table.insert().values(name=name, applied_at=dt.datetime.now(dt.UTC)))
        applied.append(name)
    return applied


async def migrate(engine: AsyncEngine) -> list[str]:
    """Apply the pending steps in order, in one transaction; return their names."""
    async with writer(engine).begin() as conn:
        return await conn.run_sync(_apply)


async def open_engine(url: str, migrate_sqlite: bool = True) -> AsyncEngine:
    """An engine for ``url``, its schema up to date: SQLite is migrated on the way (unless told not to);
    PostgreSQL must be migrated already (``cadre migrate``), or ``SchemaBehind`` names the missing steps."""
    try:
        engine = create_engine(url)
        if is_sqlite(url) and migrate_sqlite:
            await migrate(engine)
        elif waiting := await pending(engine):
            await engine.dispose()
            raise SchemaBehind(waiting)
    except DATABASE_ERRORS as exc:
        raise StoreUnavailable(type(exc).__name__) from exc
    return engine


async def pending(engine: AsyncEngine) -> list[str]:
    """Names of the steps not yet applied; looking changes nothing in the database."""
    async with engine.connect() as conn:
        return [name for name, _ in await conn.run_sync(_pending)]
