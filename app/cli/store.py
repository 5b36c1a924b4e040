"""The database of one CLI command: opened (SQLite migrated on the way), said where it is, closed afterwards."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy.engine import make_url

from app.config import Settings
from app.messages import both
from app.storage import migrations
from app.storage.outcomes import SchemaBehind
from app.storage.store import Store


def where(settings: Settings) -> str:
    """Where the database is, for people: the SQLite file's absolute path, or the URL without its password."""
    file = settings.sqlite_file()
    if file is not None:
        return str(file)
    return make_url(settings.database_url).render_as_string(hide_password=True)


def announce(settings: Settings) -> None:
    """Say on stderr which database the command uses, and that it is new and empty when it is about to be made
    (a command run from another folder than the server's would otherwise work on a database of its own)."""
    file = settings.sqlite_file()
    if file is not None and not file.exists():
        print(f"cadre: {both('cli.new_database', path=file)}", file=sys.stderr)
    else:
        print(f"cadre: {both('cli.database')}: {where(settings)}", file=sys.stderr)


def is_new(settings: Settings) -> bool:
    """The SQLite file does not exist yet."""
    file: Path | None = settings.sqlite_file()
    return file is not None and not file.exists()


@contextlib.asynccontextmanager
async def store_of(settings: Settings) -> AsyncIterator[Store]:
    """The store for one command, closed afterwards (a CadreError reaches ``main``, which prints it)."""
    announce(settings)
    store = await open_store(settings)
    try:
        yield store
    finally:
        await store.close()


async def open_store(settings: Settings, migrate_sqlite: bool = True) -> Store:
    """The store of ``settings``; SQLite is migrated on the way, PostgreSQL must be migrated already."""
    try:
        return Store(await migrations.open_engine(settings.database_url, migrate_sqlite))
    except SchemaBehind as exc:
        raise SystemExit(f"cadre: {both('error.schema_behind', steps=exc)}") from None
