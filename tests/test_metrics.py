"""/metrics: the Prometheus counters and histograms move as requests are made, streams open are counted, the
decision buffer's depth is shown; the text parses as the Prometheus exposition format."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest

from tests.support import good_frame
from tests.support.gateway import TIMEOUT, call, start
from tests.support.metrics import scrape
from tests.support.waiting import wait_until


def requests_total(endpoint: str, outcome: str, code: str, model: str) -> str:
    return f'cadre_requests_total{{endpoint="{endpoint}",outcome="{outcome}",code="{code}",model="{model}"}}'


def test_counters_move_as_requests_are_made(serve, upstream):
    served = start(serve)
    before = scrape(served.url)
    assert not any(name.startswith("cadre_requests_total") for name in before)
    with served.client() as client:
        for _ in range(3):
            call(client, "chat")
        list(call(client, "completions", stream=True))
    with served.client(key="cadre_sk_unknown") as client, pytest.raises(openai.AuthenticationError):
        call(client, "chat")
    after = scrape(served.url)
    assert after[requests_total("chat", "forwarded", "", "fake-model")] == 3
    assert after[requests_total("completions", "forwarded", "", "fake-model")] == 1
    assert after[requests_total("chat", "failed", "invalid_api_key", "")] == 1
    # Histograms: one observation per request, cumulative buckets ending at the count.
    assert after['cadre_request_duration_seconds_count{endpoint="chat"}'] == 4
    assert after['cadre_request_duration_seconds_bucket{endpoint="chat",le="+Inf"}'] == 4
    assert after['cadre_upstream_duration_seconds_count{endpoint="chat"}'] == 3  # the refused one went nowhere
    assert after['cadre_added_duration_seconds_count{endpoint="completions"}'] == 1
    buckets = [v for k, v in after.items() if k.startswith('cadre_request_duration_seconds_bucket{endpoint="chat"')]
    assert buckets == sorted(buckets) and buckets[-1] == 4
    assert 0 < after['cadre_added_duration_seconds_sum{endpoint="chat"}'] \
        <= after['cadre_request_duration_seconds_sum{endpoint="chat"}']
    assert after["cadre_streams_open"] == 0
    with served.client() as client:
        call(client, "chat")
        client.embeddings.create(model="embed-model", input="bonjour")
    after = scrape(served.url)
    assert after[requests_total("chat", "forwarded", "", "fake-model")] == 4
    assert after[requests_total("embeddings", "forwarded", "", "embed-model")] == 1
    assert after['cadre_upstream_duration_seconds_count{endpoint="embeddings"}'] == 1


def test_refusals_by_code_and_unknown_models_capped(serve, upstream):
    served = start(serve, frame=good_frame(), publish=False)  # a frame with nothing published: 409
    with served.client() as client, pytest.raises(openai.ConflictError):
        call(client, "responses", model="gpt-x")
    assert scrape(served.url)[requests_total("responses", "refused", "frame_missing", "gpt-x")] == 1


def test_streams_open_while_relaying(serve, upstream):
    served = start(serve)
    upstream.mode = "gated"  # the upstream holds its 3rd event until the gate opens
    with served.client() as client:
        stream = call(client, "chat", stream=True)
        next(iter(stream))
        assert wait_until(lambda: scrape(served.url)["cadre_streams_open"] == 1)
        upstream.gate.set()
        list(stream)
    assert wait_until(lambda: scrape(served.url)["cadre_streams_open"] == 0)


def test_decision_buffer_depth_and_written(serve, upstream):
    served = start(serve, decision_flush_interval=3600.0)  # nothing is written until shutdown or a read
    with served.client() as client:
        for _ in range(2):
            call(client, "chat")
    samples = scrape(served.url)
    assert samples["cadre_decision_buffer_depth"] == 2
    assert samples["cadre_decisions_dropped_total"] == 0
    served.decisions()  # a read flushes first
    samples = scrape(served.url)
    assert samples["cadre_decision_buffer_depth"] == 0
    assert samples["cadre_decisions_written_total"] == 2
    assert samples["cadre_decision_buffer_capacity"] == 50_000


def test_requests_missing_the_same_cache_entry_share_one_database_read(serve, upstream):
    """Twenty requests with a key the process has not seen yet, at once: one read of the key, one of the frame
    (a cold start or a burst after a change must not send every request to the database)."""
    served = start(serve)
    secret, _ = served.new_key()  # made through the API: the process's cache is dropped
    before = scrape(served.url)["cadre_cache_reads_total"]
    barrier = threading.Barrier(20)

    def one(_: int) -> int:
        with served.http(key=secret) as http:
            barrier.wait(timeout=TIMEOUT)
            return http.post("/v1/chat/completions", json={
                "model": "fake-model", "messages": [{"role": "user", "content": "Écris un post."}]}).status_code

    with ThreadPoolExecutor(20) as pool:
        assert list(pool.map(one, range(20))) == [200] * 20
    assert scrape(served.url)["cadre_cache_reads_total"] - before == 2  # the key, then its frame
