"""The migration steps, run on empty databases (SQLite and PostgreSQL), give exactly the schema that
``app/storage/schema.py`` describes; so do they on a database made by an earlier release, whose first step
created the tables from the schema of its day."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.storage import migrations, schema
from app.storage.engine import create_engine
from tests.support.checks import blank_postgres, require_postgres
from tests.support.cli import cadre


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/cadre.db"
    else:
        with blank_postgres(require_postgres()) as url:
            yield url


def differences(url: str) -> list[Any]:
    """What alembic finds different between the database at ``url`` and ``schema.metadata``."""
    async def compare() -> list[Any]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True,
                                                           "compare_server_default": True}),
                    schema.metadata))
        finally:
            await engine.dispose()
    return asyncio.run(compare())


def run(url: str, step: Any) -> None:
    async def apply() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(step)
        finally:
            await engine.dispose()
    asyncio.run(apply())


def migrate(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    done = cadre("migrate", database_url=url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done


def test_the_steps_on_an_empty_database_give_the_schema(empty_database: str, tmp_path: Path) -> None:
    done = migrate(empty_database, tmp_path)
    for name, _ in migrations.STEPS:
        assert name in done.stdout
    assert differences(empty_database) == []


def test_the_first_step_alone_is_not_the_schema(empty_database: str) -> None:
    """The comparison sees a difference when there is one: after the first step only, columns are missing."""
    run(empty_database, migrations.STEPS[0][1])
    found = differences(empty_database)
    added = {(d[0], d[3].name) for d in found if isinstance(d, tuple) and d[0] == "add_column"}
    assert ("add_column", "check_policy") in added and ("add_column", "rate_limit") in added


def test_a_database_made_by_an_earlier_release_is_brought_to_the_schema(empty_database: str,
                                                                           tmp_path: Path) -> None:
    """Until 2026-12 the first step created the tables as the schema was that day, with every later column:
    the steps after it must find them there and change nothing but what is missing."""
    def earlier_release(conn: sa.Connection) -> None:
        schema.metadata.create_all(conn, tables=[t for t in schema.metadata.sorted_tables
                                                 if t.name != "rate_windows"])
        conn.exec_driver_sql("CREATE INDEX ix_decisions_at ON decisions (at)")
        for name, step in migrations.STEPS[1:4]:
            if name != "0001_initial":
                step(conn)
        conn.execute(schema.migrations_table.insert(), [
            {"name": name, "applied_at": dt.datetime.now(dt.UTC)} for name, _ in migrations.STEPS[:4]])

    run(empty_database, earlier_release)
    done = migrate(empty_database, tmp_path)
    assert "0005_revelateur" in done.stdout and "0001_initial" not in done.stdout
    assert differences(empty_database) == []
