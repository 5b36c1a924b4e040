"""Ordered, named schema migrations, recorded in ``cadre_migrations``; the same steps on SQLite and PostgreSQL.

``db.py`` describes the latest schema. A step that changes it later must be idempotent (inspect before
altering), because step 0001 creates the tables as ``db.py`` describes them on a fresh database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from app.storage import schema as db
from app.storage.base import DATABASE_ERRORS
from app.storage.outcomes import SchemaBehind, StoreUnavailable

Step = Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    db.metadata.create_all(conn, tables=[
        db.frames, db.frame_versions, db.api_keys, db.admin_tokens, db.decisions, db.state,
    ])


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
    existing = {ix["name"] for ix in sa.inspect(conn).get_indexes("decisions")}
    if "ix_decisions_frame_at" not in existing:
        sa.Index("ix_decisions_frame_at", db.decisions.c.frame, db.decisions.c.at).create(conn)


def _rate_limits(conn: Connection) -> None:
    """Keys get a requests-per-minute limit; replicas add up their counts in ``rate_windows``."""
    columns = {c["name"] for c in sa.inspect(conn).get_columns("api_keys")}
    if "rate_limit" not in columns:
        conn.exec_driver_sql("ALTER TABLE api_keys ADD COLUMN rate_limit INTEGER")
    db.rate_windows.create(conn, checkfirst=True)


def _console_sessions(conn: Connection) -> None:
    """Console sessions live in the database: a sign-out or a token reset ends them on every replica."""
    db.console_sessions.create(conn, checkfirst=True)


STEPS: list[tuple[str, Step]] = [
    ("0001_initial", _initial),
    ("0002_append_only_history", _append_only_history),
    ("0003_decision_indexes", _decision_indexes),
    ("0004_rate_limits", _rate_limits),
    ("0005_console_sessions", _console_sessions),
]


def _pending(conn: Connection) -> list[tuple[str, Step]]:
    """The steps not recorded yet (all of them while ``cadre_migrations`` does not exist)."""
    if not sa.inspect(conn).has_table(db.migrations_table.name):
        return list(STEPS)
    done = set(conn.execute(sa.select(db.migrations_table.c.name)).scalars())
    return [(name, step) for name, step in STEPS if name not in done]


def _apply(conn: Connection) -> list[str]:
    if conn.dialect.name == "postgresql":
        # Two replicas starting together must not both migrate.
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
    db.migrations_table.create(conn, checkfirst=True)
    applied = []
    for name, step in _pending(conn):
        step(conn)
        conn.execute(db.migrations_table.insert().values(name=name, applied_at=dt.datetime.now(dt.UTC)))
        applied.append(name)
    return applied


async def migrate(engine: AsyncEngine) -> list[str]:
    """Apply the pending steps in order, in one transaction; return their names."""
    async with db.writer(engine).begin() as conn:
        return await conn.run_sync(_apply)


async def open_engine(url: str, migrate_sqlite: bool = True) -> AsyncEngine:
    """An engine for ``url``, its schema up to date: SQLite is migrated on the way (unless told not to);
    PostgreSQL must be migrated already (``cadre migrate``), or ``SchemaBehind`` names the missing steps."""
    try:
        engine = db.create_engine(url)
        if db.is_sqlite(url) and migrate_sqlite:
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
