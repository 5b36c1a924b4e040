"""The fixtures, and only them (the helpers live in tests/support): Cadre over a temporary database (in-process,
or served by uvicorn on 127.0.0.1), a real fake upstream on 127.0.0.1, and a real PostgreSQL when
CADRE_TEST_POSTGRES_URL names one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.storage import engine as db
from app.storage import migrations
from tests.support import ServerThread, cadre_settings
from tests.support.checks import blank_postgres, require_postgres
from tests.support.fake_upstream import FakeUpstream


@pytest.fixture(scope="session")
def upstream_server() -> Iterator[tuple[FakeUpstream, str]]:
    fake = FakeUpstream()
    server = ServerThread(fake).start()
    yield fake, server.url + "/v1"
    server.stop()


@pytest.fixture
def upstream(upstream_server: tuple[FakeUpstream, str]) -> FakeUpstream:
    """The recording fake upstream, reset for this test."""
    fake, _ = upstream_server
    fake.reset()
    return fake


@pytest.fixture
def upstream_url(upstream_server: tuple[FakeUpstream, str]) -> str:
    return upstream_server[1]


# ------------------------------------------------------------------------------------------ databases
@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test, dropped afterwards."""
    with blank_postgres(require_postgres(), prefix="cadre_test") as url:
        asyncio.run(_migrate(url))
        yield url


async def _migrate(url: str) -> None:
    engine = db.create_engine(url)
    try:
        await migrations.migrate(engine)
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/cadre.db"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/cadre.db"


# ------------------------------------------------------------------------------------------------ apps
@pytest.fixture
def make_settings(sqlite_url: str, upstream_url: str) -> Callable[..., Settings]:
    """Settings over this test's SQLite database and the fake upstream (overrides as keywords)."""
    def make(**overrides: Any) -> Settings:
        return cadre_settings(sqlite_url, upstream_url, **overrides)
    return make


@pytest.fixture
def client(make_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    """Cadre in-process over a temporary SQLite database."""
    with TestClient(create_app(make_settings())) as c:
        yield c


@pytest.fixture
def serve(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., str]]:
    """Start Cadre with uvicorn on 127.0.0.1 (settings overrides as keywords); returns its base URL."""
    servers: list[ServerThread] = []

    def start(**overrides: Any) -> str:
        server = ServerThread(create_app(make_settings(**overrides))).start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def api(make_settings: Callable[..., Settings], database_url: str) -> Iterator[TestClient]:
    """Cadre in-process over a fresh database, SQLite then PostgreSQL (``database_url``)."""
    with TestClient(create_app(make_settings(database_url=database_url))) as c:
        yield c
