"""Storage on SQLite and a real PostgreSQL: `cadre migrate` (a real process), start-up on fresh and unmigrated
databases, the default SQLite file, the append-only history enforced by the database itself, all-or-nothing
publication, and values that come back exactly as written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.storage import engine as db
from app.storage import migrations
from tests.support import ADMIN, good_frame, put_frame
from tests.support.checks import TABLES, api_error, blank_postgres, execute, fetch, require_postgres, sqlite_path
from tests.support.cli import cadre

STEP_NAMES = [name for name, _ in migrations.STEPS]


@pytest.fixture(params=["sqlite", "postgres"])
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nothing has touched yet: an SQLite path in a folder that does not exist, or a new, empty
    PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/not-yet/cadre.db"
    else:
        with blank_postgres(require_postgres()) as url:
            yield url


def applied(url: str) -> list[str]:
    """Recorded migration names, in the order they were applied."""
    rows = fetch(url, "SELECT name, applied_at FROM cadre_migrations")
    return [name for name, _ in sorted(rows, key=lambda row: (str(row[1]), STEP_NAMES.index(row[0])))]


def user_tables(url: str) -> set[str]:
    if db.is_sqlite(url):
        rows = fetch(url, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = fetch(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
    return {row[0] for row in rows}


# ------------------------------------------------------------------------------------------- migrations
def test_cadre_migrate_applies_the_named_steps_in_order_once(blank_database_url: str, tmp_path: Path) -> None:
    assert sorted(STEP_NAMES) == STEP_NAMES and len(set(STEP_NAMES)) == len(STEP_NAMES)
    first = cadre("migrate", database_url=blank_database_url, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [f"applied {name}" for name in STEP_NAMES]
    assert applied(blank_database_url) == STEP_NAMES
    assert user_tables(blank_database_url) >= set(TABLES)
    recorded = fetch(blank_database_url, "SELECT name, applied_at FROM cadre_migrations ORDER BY name")

    again = cadre("migrate", database_url=blank_database_url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "schema up to date"
    assert fetch(blank_database_url, "SELECT name, applied_at FROM cadre_migrations ORDER BY name") == recorded
    assert not (tmp_path / "cadre-data").exists()  # the URL given was used, not the default


def test_the_app_refuses_an_unmigrated_postgresql(make_settings: Callable[..., Any], tmp_path: Path) -> None:
    with blank_postgres(require_postgres()) as url:
        app = create_app(make_settings(database_url=url))
        with pytest.raises(RuntimeError, match=r"cadre migrate") as refused, TestClient(app):
            pass
        assert all(name in str(refused.value) for name in STEP_NAMES)
        assert user_tables(url) == set()  # looking did not change anything
        assert cadre("migrate", database_url=url, cwd=tmp_path).returncode == 0
        with TestClient(create_app(make_settings(database_url=url))) as c:
            assert c.get("/api/frames", headers=ADMIN).status_code == 200


def test_sqlite_migrates_itself_on_first_start(make_settings: Callable[..., Any], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/deep/er/cadre.db"
    with TestClient(create_app(make_settings(database_url=url))) as c:
        put_frame(c, "rustine", good_frame())
    assert sqlite_path(url).is_file()
    assert applied(url) == STEP_NAMES
    with TestClient(create_app(make_settings(database_url=url))) as c:  # and starts again over it
        assert c.get("/api/frames/rustine", headers=ADMIN).json()["published"]["version"] == 1
    assert applied(url) == STEP_NAMES


def test_the_default_database_is_a_sqlite_file_under_cadre_data(make_settings: Callable[..., Any], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    default = Settings.model_fields["database_url"].default
    assert default == "" and Settings.model_fields["data_dir"].default == Path("cadre-data")  # cadre.db in it
    by_command = tmp_path / "by-command"
    by_command.mkdir()
    r = cadre("migrate", cwd=by_command)
    assert r.returncode == 0, r.stderr
    assert (by_command / "cadre-data" / "cadre.db").is_file()
    assert applied(f"sqlite:///{by_command}/cadre-data/cadre.db") == STEP_NAMES

    by_start = tmp_path / "by-start"
    by_start.mkdir()
    monkeypatch.chdir(by_start)
    monkeypatch.delenv("CADRE_DATABASE_URL", raising=False)
    settings = make_settings(database_url=default)
    assert settings.database_url == f"sqlite:///{by_start}/cadre-data/cadre.db"  # made absolute when read
    with TestClient(create_app(settings)) as c:
        put_frame(c, "rustine", good_frame())
    assert fetch(f"sqlite:///{by_start}/cadre-data/cadre.db", "SELECT slug FROM frames") == [("rustine",)]


def test_database_urls_name_the_database_and_cadre_picks_the_driver() -> None:
    assert db.async_url("sqlite:///./cadre-data/cadre.db") == "sqlite+aiosqlite:///./cadre-data/cadre.db"
    assert db.async_url("postgresql://u:p%40ss@db:5433/cadre") == "postgresql+asyncpg://u:p%40ss@db:5433/cadre"
    assert db.async_url("postgres://u@db/cadre") == "postgresql+asyncpg://u@db/cadre"
    assert db.async_url("postgresql+psycopg2://u@db/cadre") == "postgresql+asyncpg://u@db/cadre"
    with pytest.raises(ValueError, match="sqlite or postgresql"):
        db.async_url("mysql://u@db/cadre")


# ---------------------------------------------------------------------------------------- history, atomicity
def test_the_database_itself_refuses_to_rewrite_history(make_settings: Callable[..., Any],
                                                         database_url: str) -> None:
    with TestClient(create_app(make_settings(database_url=database_url))) as c:
        put_frame(c, "rustine", good_frame())
        put_frame(c, "rustine", good_frame(name="Atelier Rustine & fils"))
    before = fetch(database_url, "SELECT * FROM frame_versions ORDER BY version")
    refused = (sqlite3.DatabaseError, asyncpg.PostgresError)
    for sql in ["UPDATE frame_versions SET published_by = 'mallory'",
                "UPDATE frame_versions SET frame = '{}' WHERE version = 1",
                "DELETE FROM frame_versions WHERE version = 2",
                "DELETE FROM frame_versions"]:
        with pytest.raises(refused, match="append-only"):
            execute(database_url, sql)
    assert fetch(database_url, "SELECT * FROM frame_versions ORDER BY version") == before
    # Appending is what the history is for.
    execute(database_url, "INSERT INTO frame_versions (slug, version, frame, published_at, published_by) "
                          "VALUES ('rustine', 3, '{}', CURRENT_TIMESTAMP, 'test')")
    assert len(fetch(database_url, "SELECT * FROM frame_versions")) == 3


def _fail_generation_bumps(url: str) -> None:
    """Make the last statement of every write (the generation bump) fail, as a crash would."""
    if db.is_sqlite(url):
        execute(url, "CREATE TRIGGER test_fail BEFORE UPDATE ON cadre_state "
                     "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END")
    else:
        execute(url, "CREATE FUNCTION test_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION "
                     "'simulated failure'; END; $$ LANGUAGE plpgsql; CREATE TRIGGER test_fail BEFORE UPDATE ON "
                     "cadre_state FOR EACH ROW EXECUTE FUNCTION test_fail()")


def test_publish_and_rollback_are_all_or_nothing(make_settings: Callable[..., Any], database_url: str) -> None:
    frames_row = "SELECT slug, draft, revision, updated_at, updated_by FROM frames"
    with TestClient(create_app(make_settings(database_url=database_url))) as c:
        put_frame(c, "rustine", good_frame())
        c.put("/api/frames/rustine/draft", json=good_frame(name="Atelier Rustine & fils"), headers=ADMIN)
        versions, frame = fetch(database_url, "SELECT * FROM frame_versions"), fetch(database_url, frames_row)
        _fail_generation_bumps(database_url)
        api_error(c.post("/api/frames/rustine/publish", headers=ADMIN), 503, "database_unavailable")
        api_error(c.post("/api/frames/rustine/rollback", json={"version": 1}, headers=ADMIN), 503,
                  "database_unavailable")
        assert fetch(database_url, "SELECT * FROM frame_versions") == versions
        assert fetch(database_url, frames_row) == frame
        execute(database_url, "DROP TRIGGER test_fail" + ("" if db.is_sqlite(database_url) else " ON cadre_state"))
        r = c.post("/api/frames/rustine/publish", headers=ADMIN)
        assert r.status_code == 200 and r.json()["published"]["version"] == 2  # no number was burnt


def test_values_come_back_exactly_as_written(make_settings: Callable[..., Any], database_url: str) -> None:
    frame = good_frame(
        name="Café « L'Œuf » — 東京 🚲", offer="Brunchs végétariens, 12 couverts, à Montréal (Québec)",
        promise="Un brunch servi en 10 minutes, sinon le café est offert.", review_by="2999-12-31",
        refusals=["Pas de livraison", "Pas de « formules » à 9,90 €", "Pas de réservation de groupe > 8"],
        secondary_audiences=["Télétravailleurs du quartier"], voice={"tone": "Tutoiement\ttranquille", "address": "tu"})
    with TestClient(create_app(make_settings(database_url=database_url))) as c:
        state = put_frame(c, "cafe-oeuf", frame)
        back = c.get("/api/frames/cafe-oeuf", headers=ADMIN).json()
    assert back["draft"] == back["published"]["frame"] == state["published"]["frame"]
    assert {k: back["draft"][k] for k in frame} == frame
    for stamp in (back["created_at"], back["updated_at"], back["published"]["published_at"]):
        assert dt.datetime.fromisoformat(stamp).utcoffset() == dt.timedelta(0)
