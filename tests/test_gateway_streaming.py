"""Streams are relayed event by event: the client holds the first content chunk while the upstream still
holds the rest (the fake upstream's "gated" mode waits, after its 2nd event, for the test to open the gate)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.gateway import ENDPOINTS, SLUG, Served, call, shared_cadre


@pytest.fixture(scope="module")
def served(tmp_path_factory, upstream_server) -> Iterator[Served]:
    with shared_cadre(tmp_path_factory, upstream_server[1]) as shared:
        yield shared


def _content(endpoint: str, event: Any) -> str | None:
    """The content text an event carries, if any."""
    if endpoint == "chat":
        return (event.choices[0].delta.content or None) if event.choices else None
    if endpoint == "completions":
        return event.choices[0].text or None if event.choices else None
    return event.delta if event.type == "response.output_text.delta" else None


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_first_chunk_arrives_before_the_upstream_sends_the_rest(served, upstream, endpoint):
    upstream.mode = "gated"
    texts: list[str] = []
    with served.client() as client:
        response = call(client, endpoint, stream=True, raw=True)
        assert response.headers["x-cadre-frame"] == f"{SLUG}@1"
        for event in response.parse():
            text = _content(endpoint, event)
            if text is None:
                continue
            if not texts:
                # The upstream is now holding its 3rd event: this chunk came through on its own.
                assert not upstream.gate.is_set()
                assert not upstream.stream_finished.is_set()
                upstream.gate.set()
            texts.append(text)
    assert texts == [f"tok{i} " for i in range(5)]
    assert upstream.gate_released_by_client is True
    assert upstream.stream_finished.wait(5)


def test_stream_events_keep_their_shape_and_order(served, upstream):
    """The relay is byte-transparent: what the upstream streams is what the client reads (raw SSE)."""
    with served.http() as http, http.stream("POST", "/v1/chat/completions", json={
            "model": "fake-model", "stream": True, "messages": [{"role": "user", "content": "hi"}]}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["x-cadre-frame"] == f"{SLUG}@1"
        body = r.read().decode()
    events = [block for block in body.split("\n\n") if block]
    assert events[-1] == "data: [DONE]"
    assert len(events) == 1 + 5 + 1 + 1  # role, 5 tokens, finish (with usage), [DONE]
    assert '"tok0 "' in events[1] and '"tok4 "' in events[5]
