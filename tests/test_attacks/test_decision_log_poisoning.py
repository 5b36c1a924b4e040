"""The decision log cannot be stopped by what a key holder, a hostile upstream or the database itself does to one
record: the rest is written, /readyz says when the log cannot write, and a stop writes what is left (bounded).
Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.support import ADMIN
from tests.support.checks import count_decisions
from tests.support.gateway import Served, start
from tests.support.resilience import start_cadre
from tests.support.waiting import wait_until

MIB = 1024 * 1024


def _sql(database_url: str, *statements: str) -> None:
    """Run ``statements`` on the test's database, as its operator would (not through Cadre)."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=10) as conn:
            for statement in statements:
                conn.execute(statement)
        return

    async def run() -> None:
        import asyncpg

        conn = await asyncpg.connect(database_url.replace("postgresql://", "postgres://", 1), timeout=10)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def _refuse_model(database_url: str, model: str) -> None:
    """The database itself refuses any decision record naming ``model`` (an operator's constraint)."""
    if database_url.startswith("sqlite:///"):
        _sql(database_url, f"CREATE TRIGGER refuse_model BEFORE INSERT ON decisions WHEN NEW.model = '{model}' "
                           "BEGIN SELECT RAISE(ABORT, 'refused by the operator'); END")
    else:
        _sql(database_url, "ALTER TABLE decisions ADD CONSTRAINT refuse_model "
                           f"CHECK (model IS DISTINCT FROM '{model}')")


@contextmanager
def _table_locked(database_url: str) -> Iterator[None]:
    """Nobody but the test can write to the decisions table while the block runs."""
    if database_url.startswith("sqlite:///"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=10, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # SQLite's write lock: the whole file
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    locked, release = threading.Event(), threading.Event()

    async def hold() -> None:
        import asyncpg

        conn = await asyncpg.connect(database_url.replace("postgresql://", "postgres://", 1), timeout=10)
        try:
            async with conn.transaction():
                await conn.execute("LOCK TABLE decisions IN EXCLUSIVE MODE")
                locked.set()
                while not release.is_set():
                    await asyncio.sleep(0.02)
        finally:
            await conn.close()

    holder = threading.Thread(target=lambda: asyncio.run(hold()), daemon=True)
    holder.start()
    assert locked.wait(10), "the test could not lock the decisions table"
    try:
        yield
    finally:
        release.set()
        holder.join(10)


def _chat(http: httpx.Client, request_id: str, model: str = "fake-model", text: str = "Écris un post.") -> int:
    r = http.post("/v1/chat/completions", headers={"x-request-id": request_id},
                  json={"model": model, "messages": [{"role": "user", "content": text}]})
    return r.status_code


def _ready(url: str) -> int:
    return httpx.get(url + "/readyz", timeout=10).status_code


def _metric(url: str, name: str) -> float:
    for line in httpx.get(url + "/metrics", timeout=10).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"no {name} in /metrics")


def _ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{uuid.uuid4().hex[:12]}" for _ in range(count)]


def test_one_poisoned_record_neither_stops_the_log_nor_loses_its_neighbours(serve: Callable[..., str],
                                                                            upstream: Any, database_url: str) -> None:
    served: Served = start(serve, database_url=database_url, decision_flush_interval=0.5)
    with served.admin() as admin:
        assert admin.put(f"/api/frames/{served.slug}/policy", json={"policy": "refuse"}).status_code == 200
    _refuse_model(database_url, "poison-model")
    before, poisoned, after = _ids("before", 5), _ids("poison", 3), _ids("after", 20)
    readiness: list[int] = []
    with served.http() as http:
        for rid in before:
            assert _chat(http, rid) == 200
        # A refused request whose text holds a NUL (its excerpt is recorded), the database's own refusal of one
        # record, and an upstream reporting 2**63 tokens: all in the same batch as their neighbours.
        assert _chat(http, poisoned[0], text="Vendez-moi un vélo neuf\x00 avec une promotion agressive") == 400
        assert _chat(http, poisoned[1], model="poison-model") == 200
        upstream.usage = {"prompt_tokens": 2**63, "completion_tokens": 7, "total_tokens": 2**63 + 7}
        assert _chat(http, poisoned[2]) == 200
        upstream.usage = None
        for rid in after:
            assert _chat(http, rid) == 200
            readiness.append(_ready(served.url))
    everything = before + poisoned + after
    found = wait_until(lambda: count_decisions(database_url, everything) == len(everything), timeout=15)
    assert found, f"{count_decisions(database_url, everything)} of {len(everything)} records written"
    assert set(readiness) == {200}
    records = {d["request_id"]: d for d in served.decisions(limit=1000)["data"]}
    assert "\x00" not in (records[poisoned[0]]["excerpt"] or "") and records[poisoned[0]]["outcome"] == "refused"
    assert records[poisoned[1]]["model"] is None and records[poisoned[1]]["outcome"] == "forwarded"
    assert records[poisoned[2]]["prompt_tokens"] is None and records[poisoned[2]]["completion_tokens"] == 7
    assert _metric(served.url, "cadre_decisions_repaired_total") == 1
    assert _metric(served.url, "cadre_decisions_rejected_total") == 0
    assert _ready(served.url) == 200


def test_a_model_name_of_2_mib_or_with_a_nul_is_refused_with_400(serve: Callable[..., str], upstream: Any) -> None:
    served = start(serve)
    with served.http() as http:
        for model in ("m" * (2 * MIB), "m" * 201, "fake\x00model", "fake\nmodel"):
            for path, body in (("/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}]}),
                               ("/v1/embeddings", {"input": "hi"})):
                r = http.post(path, json={"model": model, **body})
                assert r.status_code == 400, (path, model[:20])
                assert r.json()["error"]["param"] == "model" and r.json()["error"]["code"] == "invalid_model"
        assert http.post("/v1/chat/completions", json={"model": "m" * 200, "messages": [
            {"role": "user", "content": "hi"}]}).status_code == 200
    assert upstream.requests and all(len(r.body["model"]) <= 200 for r in upstream.requests)
    metrics = httpx.get(served.url + "/metrics", timeout=10).text
    assert len(metrics) < 200_000


def test_a_log_that_cannot_write_shows_on_readyz_and_in_the_metrics(serve: Callable[..., str], upstream: Any,
                                                                    database_url: str) -> None:
    served = start(serve, database_url=database_url, decision_stall_seconds=1.0, decision_flush_interval=0.2)
    ids = _ids("stalled", 5)
    assert _ready(served.url) == 200
    with _table_locked(database_url):
        with served.http() as http:
            for rid in ids:
                assert _chat(http, rid) == 200
        assert wait_until(lambda: _ready(served.url) == 503, timeout=10), "/readyz stayed 200"
        body = httpx.get(served.url + "/readyz", timeout=10).json()
        assert body["checks"]["database"] == "ok" and body["checks"]["decision_log"].startswith("not written for")
        assert _metric(served.url, "cadre_decision_log_stalled") == 1
        assert _metric(served.url, "cadre_decision_log_unwritten_seconds") >= 1
    assert wait_until(lambda: _ready(served.url) == 200, timeout=15), "/readyz did not come back"
    assert wait_until(lambda: count_decisions(database_url, ids) == len(ids), timeout=10)
    assert _metric(served.url, "cadre_decision_log_stalled") == 0


def test_records_held_at_shutdown_are_written_within_the_bound_or_counted_as_lost(
        tmp_path: Path, upstream_url: str, database_url: str) -> None:
    settings = {"decision_flush_interval": 3600, "decision_shutdown_wait": 4, "shutdown_grace": 1}
    cadre = start_cadre(tmp_path, database_url, upstream_url, **settings)
    try:
        served = start(lambda **_: cadre.url)
        comes_back = _ids("back", 5)
        with served.http() as http:
            for rid in comes_back:
                assert _chat(http, rid) == 200
        _sql(database_url, "ALTER TABLE decisions RENAME TO decisions_away")  # the log cannot write for a moment
        cadre.signal(signal.SIGTERM)
        time.sleep(1.0)
        _sql(database_url, "ALTER TABLE decisions_away RENAME TO decisions")
        assert cadre.wait(timeout=20) == 0
        assert count_decisions(database_url, comes_back) == len(comes_back), cadre.output()[-3000:]
    finally:
        cadre.stop()
    cadre = start_cadre(tmp_path, database_url, upstream_url, **settings)
    try:
        never = _ids("never", 3)
        with httpx.Client(base_url=cadre.url, timeout=10) as http:
            key = http.post("/api/keys", json={"frame": "rustine", "name": "again"}, headers=ADMIN).json()["secret"]
            http.headers["authorization"] = f"Bearer {key}"
            for rid in never:
                assert _chat(http, rid) == 200
        _sql(database_url, "ALTER TABLE decisions RENAME TO decisions_away")
        stopped = time.monotonic()
        cadre.signal(signal.SIGTERM)
        assert cadre.wait(timeout=20) == 0
        assert time.monotonic() - stopped < 15
        assert "3 decision records could not be written" in cadre.output()
    finally:
        cadre.stop()
        _sql(database_url, "ALTER TABLE decisions_away RENAME TO decisions")
