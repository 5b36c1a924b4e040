"""Shared fixtures: Cadre over a temporary database (in-process, or served by uvicorn on 127.0.0.1), a real
fake upstream on 127.0.0.1, and a real PostgreSQL when CADRE_TEST_POSTGRES_URL names one."""

from __future__ import annotations

import asyncio
import copy
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.storage import migrations
from app.storage import schema as db
from tests.fake_upstream import FakeUpstream

ADMIN_TOKEN = "test-admin-token-0123456789-abcdefghijkl"
ADMIN = {"authorization": f"Bearer {ADMIN_TOKEN}"}
ROOT = Path(__file__).resolve().parent.parent

GOOD_FR: dict[str, Any] = {
    "name": "Atelier Rustine",
    "offer": "Réparation et entretien de vélos, sur place à Lyon 7e",
    "audience": "Cyclistes du quotidien qui vont travailler à vélo dans Lyon",
    "need": "Ne jamais rester plus de deux jours sans leur vélo",
    "promise": "Votre vélo réparé en 48 heures, ou le prêt d'un vélo offert.",
    "priorities": ["Réparations rapides et fiables", "Fidéliser les cyclistes du quartier"],
    "refusals": ["Pas de vente de vélos neufs", "Pas de réparation de trottinettes électriques",
                 "Pas de promotions agressives"],
    "alternatives": ["Les grandes enseignes de sport", "Réparer soi-même avec des tutoriels"],
    "proof": ["1 200 vélos réparés en 2025", "Note de 4,8 sur 5 (310 avis)"],
    "voice": {"tone": "Direct, chaleureux et concret", "address": "vous"},
    "lexicon": {"preferred": ["réparer", "rouler"], "banned": ["low-cost"]},
    "language": "fr",
}

GOOD_EN: dict[str, Any] = {
    "name": "Bright Ledger",
    "offer": "Monthly bookkeeping and VAT returns for independent restaurants in Bristol",
    "audience": "Owners of independent restaurants in Bristol with 5 to 30 staff",
    "need": "Knowing their real margin every month without doing the books at night",
    "promise": "Your books closed by the 5th of every month, with one page on your margin.",
    "priorities": ["Books closed on time every month", "Clear margin reports owners actually read"],
    "refusals": ["No payroll outsourcing", "No tax avoidance schemes", "No clients outside hospitality"],
    "alternatives": ["A spreadsheet on Sunday nights", "A generalist accountant once a year"],
    "proof": ["42 restaurants served since 2021"],
    "voice": {"tone": "Plain and friendly", "address": "none"},
    "lexicon": {"preferred": ["margin"], "banned": ["synergy"]},
    "language": "en",
}


def good_frame(language: str = "fr", **changes: Any) -> dict[str, Any]:
    """A frame that passes the linter, with ``changes`` applied."""
    frame = copy.deepcopy(GOOD_FR if language == "fr" else GOOD_EN)
    frame.update(changes)
    return frame


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """A real uvicorn server on 127.0.0.1 in a background thread."""

    def __init__(self, app: Any, port: int | None = None, **config: Any) -> None:
        self.port = port or free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on", **config))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


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
def _pg_admin_url() -> str | None:
    return os.environ.get("CADRE_TEST_POSTGRES_URL")


def require_postgres() -> str:
    url = _pg_admin_url()
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but CADRE_TEST_POSTGRES_URL is not set: the PostgreSQL tests must run")
        pytest.skip("no PostgreSQL: set CADRE_TEST_POSTGRES_URL (.ci/run does)")
    return url


async def _pg_exec(admin_url: str, sql: str) -> None:
    import asyncpg

    url = admin_url.replace("postgresql://", "postgres://", 1)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test, dropped afterwards."""
    admin = require_postgres()
    name = f"cadre_test_{secrets.token_hex(6)}"
    asyncio.run(_pg_exec(admin, f'CREATE DATABASE "{name}"'))
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_migrate(url))
    yield url
    asyncio.run(_pg_exec(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": sqlite_url, "admin_token": ADMIN_TOKEN, "public_url": "http://cadre.test",
            "upstream_base_url": upstream_url, "upstream_api_key": "sk-upstream-SECRET-never-leak",
            "upstream_read_timeout": 5.0, "upstream_connect_timeout": 2.0, "cache_check_interval": 0.2,
            "decision_flush_interval": 0.1,
        }
        values.update(overrides)
        return Settings(**values)
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


def put_frame(c: Any, slug: str, frame: dict[str, Any], publish: bool = True) -> dict[str, Any]:
    """Save (and publish) a frame through the management API; returns the frame's state."""
    r = c.put(f"/api/frames/{slug}/draft", json=frame, headers=ADMIN)
    assert r.status_code == 200, r.text
    if publish:
        r = c.post(f"/api/frames/{slug}/publish", headers=ADMIN)
        assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def new_key(c: Any, frame: str, style: str = "error", name: str = "test") -> str:
    r = c.post("/api/keys", json={"frame": frame, "name": name, "refusal_style": style}, headers=ADMIN)
    assert r.status_code == 201, r.text
    secret: str = r.json()["secret"]
    return secret
