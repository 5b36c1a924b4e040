"""The upstream process killed (SIGKILL) in the middle of streams: every client gets an SSE error event and a
closed stream, never a hang; the requests that follow get 502 upstream_unavailable."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.resilience import Process, chat_body, frame_and_key, read_stream, start_cadre, start_upstream
from tests.support.waiting import wait_until

STREAMS = 5


@pytest.fixture
def cadre_and_upstream(tmp_path: Path) -> Iterator[tuple[Process, Process]]:
    upstream = start_upstream(tmp_path, chunks=40, chunk_delay=0.1)  # streams of about 4 s: killed midway
    cadre = start_cadre(tmp_path, f"sqlite:///{tmp_path}/cadre.db", upstream.url + "/v1")
    yield cadre, upstream
    cadre.stop()
    upstream.stop()


def test_streams_end_with_an_error_event_and_new_requests_get_502(
        cadre_and_upstream: tuple[Process, Process]) -> None:
    cadre, upstream = cadre_and_upstream
    key, _ = frame_and_key(cadre.url)
    ids = [f"killed-{i}" for i in range(STREAMS)]
    results: dict[str, tuple[int, list[str]] | BaseException] = {}
    seen = {rid: threading.Event() for rid in ids}

    def stream(rid: str) -> None:
        try:  # every read bounded: a stream Cadre leaves open ends in ReadTimeout, reported below
            results[rid] = read_stream(cadre.url, key, rid, timeout=8.0, on_line=seen[rid].set)
        except BaseException as exc:
            results[rid] = exc

    threads = [threading.Thread(target=stream, args=(rid,), daemon=True) for rid in ids]
    for t in threads:
        t.start()
    assert wait_until(lambda: all(e.is_set() for e in seen.values()), timeout=10), "the streams did not start"
    upstream.popen.kill()
    upstream.wait(timeout=10)
    for t in threads:
        t.join(timeout=20)
    assert not any(t.is_alive() for t in threads), "a client still waits"

    for rid in ids:
        result = results[rid]
        assert not isinstance(result, BaseException), f"{rid}: {result!r}"
        status, lines = result
        assert status == 200  # the stream had started: the failure can only come as an event
        assert "data: [DONE]" not in lines, f"{rid} was not cut: the upstream died too late"
        assert lines[-2] == "event: error", f"{rid} ended without an error event: {lines[-3:]}"
        error = json.loads(lines[-1].removeprefix("data: "))["error"]
        assert error["type"] == "upstream_error" and error["code"], error

    with httpx.Client(base_url=cadre.url, timeout=10.0, headers={"authorization": f"Bearer {key}"}) as c:
        for _ in range(3):
            for stream_it in (False, True):
                r = c.post("/v1/chat/completions", json=chat_body(stream=stream_it))
                assert r.status_code == 502, r.text
                assert r.json()["error"]["code"] == "upstream_unavailable"
