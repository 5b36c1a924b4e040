"""The upstream client holds a number of connections per upstream at most, queues the requests beyond them
(boundedly, with a clear 503), and ends a request that goes past its total deadline."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.fake_upstream import REPLY_TEXT
from tests.support.gateway import CHAT, start
from tests.support.tcp_servers import TcpServer

ANSWER = json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": "fake-model",
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": REPLY_TEXT},
                                  "finish_reason": "stop"}]}).encode()


class CountingUpstream(TcpServer):
    """A raw keep-alive upstream that answers every request after ``delay`` seconds and counts the connections
    open at once (``most``) and accepted in all (``connections``)."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.open = self.most = self.requests = 0
        self._lock = threading.Lock()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            self.open += 1
            self.most = max(self.most, self.open)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                await reader.readexactly(length)
                self.requests += 1
                await asyncio.sleep(self.delay)
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%b"
                             % (len(ANSWER), ANSWER))
                await writer.drain()
        finally:
            with self._lock:
                self.open -= 1


async def _many(url: str, key: str, count: int) -> list[int]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits,
                                 headers={"authorization": f"Bearer {key}"}) as client:
        answers = await asyncio.gather(*(client.post("/v1/chat/completions", json={"model": "m", "messages": CHAT})
                                         for _ in range(count)))
    return [r.status_code for r in answers]


def test_200_concurrent_requests_with_a_cap_of_10_never_open_more_than_10_sockets(serve: Any) -> None:
    counting = CountingUpstream(delay=0.05).start()
    try:
        served = start(serve, upstream_base_url=f"http://127.0.0.1:{counting.port}/v1", upstream_max_connections=10)
        statuses = asyncio.run(asyncio.wait_for(_many(served.url, served.key, 200), 120))
        print(f"{counting.requests} requests, {counting.connections} connections accepted, {counting.most} at once")
        assert statuses == [200] * 200
        assert counting.requests == 200
        assert counting.most <= 10 and counting.connections <= 10
    finally:
        counting.stop()


def test_requests_beyond_the_connections_and_the_queue_get_a_clear_503(serve: Any) -> None:
    counting = CountingUpstream(delay=3.0)
    counting.start()
    try:
        served = start(serve, upstream_base_url=f"http://127.0.0.1:{counting.port}/v1", upstream_max_connections=1,
                       upstream_max_waiting=1, upstream_connect_timeout=1.0)
        answers: dict[str, httpx.Response] = {}

        def send(name: str) -> None:
            with served.http() as http:
                answers[name] = http.post("/v1/chat/completions", json={"model": "m", "messages": CHAT})

        first = threading.Thread(target=send, args=("in flight",))
        first.start()
        deadline = time.monotonic() + 10
        while counting.requests < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        waiting = threading.Thread(target=send, args=("waiting",))
        waiting.start()
        time.sleep(0.2)
        send("beyond the queue")
        for thread in (first, waiting):
            thread.join(20)
        assert answers["in flight"].status_code == 200
        for name in ("waiting", "beyond the queue"):
            r = answers[name]
            assert r.status_code == 503, (name, r.text)
            assert r.json()["error"]["code"] == "upstream_busy" and r.headers["x-should-retry"] == "true"
            assert r.headers["retry-after"] == "1"
        assert "trop de requêtes attendent" in answers["beyond the queue"].json()["error"]["message"]
        assert "trop longtemps" in answers["waiting"].json()["error"]["message"]
        assert counting.connections == 1 and counting.requests == 1
        assert {d["code"] for d in served.decisions(outcome="failed")["data"]} == {"upstream_busy"}
    finally:
        counting.stop()


def test_a_request_past_its_total_deadline_is_ended(serve: Any, upstream: Any, tmp_path: Path) -> None:
    served = start(serve, upstream_total_timeout=1.0, upstream_read_timeout=10.0)
    upstream.mode, upstream.delay = "slow", 4.0
    with served.http() as http:
        r = http.post("/v1/chat/completions", json={"model": "fake-model", "messages": CHAT})
    assert r.status_code == 504 and r.json()["error"]["code"] == "upstream_timeout"
    assert "CADRE_UPSTREAM_TOTAL_TIMEOUT" in r.json()["error"]["message"]
    upstream.mode, upstream.chunks, upstream.chunk_delay = "ok", 200, 0.05  # a stream of ten seconds
    with served.http() as http, http.stream("POST", "/v1/chat/completions",
                                            json={"model": "fake-model", "messages": CHAT, "stream": True}) as s:
        lines = [line for line in s.iter_lines() if line]
    assert "event: error" in lines, lines[-3:]
    error = json.loads(lines[lines.index("event: error") + 1].removeprefix("data: "))
    assert error["error"]["code"] == "upstream_timeout"
    assert sum(1 for line in lines if '"content"' in line) < 100  # cut off well before its end
