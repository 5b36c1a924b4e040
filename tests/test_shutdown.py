"""Graceful shutdown of ``cadre serve``: SIGTERM while streams are in flight lets them finish, the process
exits 0, and the decision record of every one of those requests is in the database afterwards."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.checks import count_decisions
from tests.support.resilience import Process, data_lines, frame_and_key, read_stream, start_cadre, start_upstream
from tests.support.waiting import wait_until

STREAMS = 6
CHUNKS = 10  # with CHUNK_DELAY, a stream lasts about 2 s


@pytest.fixture
def upstream_process(tmp_path: Path) -> Iterator[Process]:
    process = start_upstream(tmp_path, chunks=CHUNKS, chunk_delay=0.2)
    yield process
    process.stop()


def test_sigterm_lets_streams_in_flight_finish_and_loses_no_record(tmp_path: Path,
                                                                  upstream_process: Process) -> None:
    database_url = f"sqlite:///{tmp_path}/cadre.db"
    cadre = start_cadre(tmp_path, database_url, upstream_process.url + "/v1")
    try:
        key, _ = frame_and_key(cadre.url)
        ids = [f"shutdown-{i}" for i in range(STREAMS)]
        results: dict[str, tuple[int, list[str]] | BaseException] = {}
        first_line = {rid: threading.Event() for rid in ids}

        def stream(rid: str) -> None:
            try:
                results[rid] = read_stream(cadre.url, key, rid, timeout=10.0, on_line=first_line[rid].set)
            except BaseException as exc:  # reported by the assertions below
                results[rid] = exc

        threads = [threading.Thread(target=stream, args=(rid,), daemon=True) for rid in ids]
        for t in threads:
            t.start()
        assert wait_until(lambda: all(e.is_set() for e in first_line.values()), timeout=10), \
            "the streams did not start"
        cadre.signal(signal.SIGTERM)  # every stream has bytes out and more to come
        for t in threads:
            t.join(timeout=30)
        assert not any(t.is_alive() for t in threads), "a stream never ended"
        returncode = cadre.wait(timeout=30)
    finally:
        cadre.stop()

    for rid in ids:
        result = results[rid]
        assert not isinstance(result, BaseException), f"{rid}: {result!r}\n{cadre.output()}"
        status, lines = result
        assert status == 200
        data = data_lines(lines)
        assert data[-1] == "[DONE]", f"{rid} was cut: {lines[-3:]}"
        content = [json.loads(d)["choices"][0]["delta"].get("content") for d in data[:-1]]
        assert [c for c in content if c] == [f"tok{i} " for i in range(CHUNKS)], f"{rid} lost chunks"
        assert not any(line.startswith("event: error") for line in lines)
    assert returncode == 0, cadre.output()
    assert count_decisions(database_url, ids) == STREAMS, "decision records lost at shutdown"


def test_streams_longer_than_the_grace_period_are_closed_and_recorded(tmp_path: Path) -> None:
    upstream = start_upstream(tmp_path, chunks=100, chunk_delay=0.2)  # a stream lasts about 20 s
    database_url = f"sqlite:///{tmp_path}/cadre.db"
    cadre = start_cadre(tmp_path, database_url, upstream.url + "/v1", shutdown_grace=1)
    try:
        key, _ = frame_and_key(cadre.url)
        ids = [f"grace-{i}" for i in range(3)]
        results: dict[str, tuple[int, list[str]] | BaseException] = {}
        first_line = {rid: threading.Event() for rid in ids}

        def stream(rid: str) -> None:
            try:
                results[rid] = read_stream(cadre.url, key, rid, timeout=30.0, on_line=first_line[rid].set)
            except BaseException as exc:  # a cut stream may end as an error: both are fine, a hang is not
                results[rid] = exc

        threads = [threading.Thread(target=stream, args=(rid,), daemon=True) for rid in ids]
        for t in threads:
            t.start()
        assert wait_until(lambda: all(e.is_set() for e in first_line.values()), timeout=10)
        cadre.signal(signal.SIGTERM)
        returncode = cadre.wait(timeout=15)  # well before the streams' 20 s
        for t in threads:
            t.join(timeout=10)
        assert not any(t.is_alive() for t in threads), "a stream was left hanging"
    finally:
        cadre.stop()
        upstream.stop()
    for rid in ids:
        result = results[rid]
        if not isinstance(result, BaseException):
            assert "[DONE]" not in data_lines(result[1]), f"{rid} cannot have finished in the grace period"
    assert returncode == 0, cadre.output()
    assert count_decisions(database_url, ids) == len(ids), "decision records lost at shutdown"
