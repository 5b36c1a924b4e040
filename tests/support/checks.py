"""Checks shared by the storage, API and resilience tests: the OpenAI error shape, a Cadre database read and
written behind Cadre's back (sqlite3 / asyncpg) to see what is really stored, and throwaway PostgreSQL
databases."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from app.storage.engine import is_sqlite

ERROR_FIELDS = {"message", "type", "param", "code"}

Row = tuple[Any, ...]
TABLES = ("frames", "frame_versions", "api_keys", "admin_tokens", "decisions", "cadre_state", "cadre_migrations")


def api_error(response: Any, status: int, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    """Assert ``response`` is an OpenAI-shaped error (French / English message); return its body."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body: dict[str, Any] = response.json()
    error = body["error"]
    if error.get("type") == "frame_refusal":  # in the frame's language, the other one in translations
        assert set(error) == {*ERROR_FIELDS, "language", "translations"}, error
        assert set(error["translations"]) == {"fr", "en"} - {error["language"]}, error
    else:
        assert set(error) == ERROR_FIELDS, error
        assert " / " in error["message"] or "\n\n" in error["message"], error["message"]  # French, then English
    assert isinstance(error["type"], str) and error["type"]
    if code is not None:
        assert error["code"] == code, error
    if param is not None:
        assert error["param"] == param, error
    return body


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database, url
    return Path(database)


def _pg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _pg(url: str, sql: str, fetch: bool) -> list[Row]:
    conn = await asyncpg.connect(_pg_dsn(url), timeout=5)  # a database that is away fails the read, fast
    try:
        if fetch:
            return [tuple(r) for r in await conn.fetch(sql)]
        await conn.execute(sql)
        return []
    finally:
        await conn.close()


def fetch(url: str, sql: str) -> list[Row]:
    """The rows of ``sql``, read straight from the database."""
    if is_sqlite(url):
        with contextlib.closing(sqlite3.connect(sqlite_path(url))) as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
    return asyncio.run(_pg(url, sql, fetch=True))


def execute(url: str, sql: str) -> None:
    """Run ``sql`` (committed), raising the driver's own error."""
    if is_sqlite(url):
        with contextlib.closing(sqlite3.connect(sqlite_path(url))) as conn:
            conn.execute(sql)
            conn.commit()
        return
    asyncio.run(_pg(url, sql, fetch=False))


def dump(url: str) -> str:
    """Every row of every Cadre table, as text (to look for a secret that must not be there)."""
    lines = []
    for table in TABLES:
        for row in fetch(url, f"SELECT * FROM {table}"):
            lines.append(f"{table}: {row!r}")
    return "\n".join(lines)


def sqlite_bytes(url: str) -> bytes:
    """The SQLite database's files (main file and write-ahead log), raw."""
    path = sqlite_path(url)
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def count_decisions(url: str, request_ids: list[str]) -> int:
    """How many of ``request_ids`` have a decision record in the database."""
    quoted = ",".join("'" + rid.replace("'", "''") + "'" for rid in request_ids)
    rows = fetch(url, f"SELECT count(DISTINCT request_id) FROM decisions WHERE request_id IN ({quoted})")
    return int(rows[0][0])


def require_postgres() -> str:
    """The URL of the PostgreSQL server the tests may create databases on; skip without one (fail under CI)."""
    url = os.environ.get("CADRE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but CADRE_TEST_POSTGRES_URL is not set: the PostgreSQL tests must run")
        pytest.skip("no PostgreSQL: set CADRE_TEST_POSTGRES_URL (.ci/run does)")
    return url


@contextlib.contextmanager
def blank_postgres(admin_url: str, prefix: str = "cadre_blank") -> Any:
    """A new, empty (unmigrated) PostgreSQL database; dropped afterwards. Yields its URL."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    asyncio.run(_pg(admin_url, f'CREATE DATABASE "{name}"', fetch=False))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_pg(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', fetch=False))
