"""The decision log on an SQLite file: batches are written from the event loop's thread when the write lock
is free (app/sqlite_direct.py), through aiosqlite when another connection holds it; the WAL is checkpointed
into the database file as records accumulate. Through ``cadre serve``, HTTP and the database file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.checks import count_decisions
from tests.support.metrics import answered, scrape
from tests.support.resilience import Process, chat_body, frame_and_key, start_cadre
from tests.support.waiting import wait_until


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "cadre.db"


@pytest.fixture
def cadre(tmp_path: Path, database: Path, upstream_url: str) -> Iterator[Process]:
    process = start_cadre(tmp_path, f"sqlite:///{database}", upstream_url)
    yield process
    process.stop()


def send(client: httpx.Client, request_ids: list[str]) -> None:
    for rid in request_ids:
        r = client.post("/v1/chat/completions", json=chat_body(stream=False), headers={"x-request-id": rid})
        assert r.status_code == 200, r.text


def flush_waits(url: str, before: dict[str, float], sent: int) -> bool:
    """The ``sent`` requests made since ``before`` are answered and their records wait (buffered, or in the batch
    a flush holds), yet none was written."""
    now = scrape(url)
    return (answered(now) == answered(before) + sent and now["cadre_decision_buffer_depth"] == sent
            and now["cadre_decisions_written_total"] == before["cadre_decisions_written_total"])


def test_records_wait_for_a_write_lock_held_elsewhere_and_requests_keep_flowing(
        cadre: Process, database: Path) -> None:
    key, _ = frame_and_key(cadre.url)
    url = f"sqlite:///{database}"
    with httpx.Client(base_url=cadre.url, timeout=10.0, headers={"authorization": f"Bearer {key}"}) as c:
        send(c, ["warm-up"])
        assert wait_until(lambda: count_decisions(url, ["warm-up"]) == 1, timeout=10)

        before = scrape(cadre.url)
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer (a CLI, another worker) holds the write lock
        try:
            ids = [f"locked-{n}" for n in range(5)]
            send(c, ids)  # answered while the lock is held: the gateway does not wait on the database
            # The decision log's flush (every 0.1 s here) took the records from its buffer and waits on the lock.
            assert wait_until(lambda: flush_waits(cadre.url, before, len(ids)), timeout=10), scrape(cadre.url)
            waiting = count_decisions(url, ids)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert waiting == 0  # nothing could be written while the lock was held ...
        # ... and nothing was lost: aiosqlite's connection waited for it in its thread.
        assert wait_until(lambda: count_decisions(url, ids) == len(ids), timeout=10), cadre.output()
    assert "Traceback" not in cadre.output()


def test_the_wal_is_checkpointed_into_the_database_file(cadre: Process, database: Path) -> None:
    key, _ = frame_and_key(cadre.url)
    url = f"sqlite:///{database}"
    with httpx.Client(base_url=cadre.url, timeout=10.0, headers={"authorization": f"Bearer {key}"}) as c:
        send(c, ["first"])
        assert wait_until(lambda: count_decisions(url, ["first"]) == 1, timeout=10)
        before = database.stat().st_size
        ids = [f"load-{n}" for n in range(1100)]  # more than sqlite_direct.CHECKPOINT_ROWS records
        send(c, ids)
        assert wait_until(lambda: count_decisions(url, ids) == len(ids), timeout=20)
    # New pages live in the WAL until a checkpoint copies them into the file; SQLite's own automatic one
    # waits for 1000 pages, far more than these records take.
    assert wait_until(lambda: database.stat().st_size > before, timeout=10), (before, database.stat().st_size)
