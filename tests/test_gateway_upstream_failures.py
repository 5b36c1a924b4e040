"""Upstream failures, mapped to OpenAI-shaped answers: down -> 502, slow -> 504, its own 4xx/5xx kept as they
are, a stream broken midway -> an SSE error event and a closed stream; a client leaving cancels the upstream."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from tests.support.gateway import CHAT, SLUG, CapturedLogs, Served, call, closed_port_url, shared_cadre, sse_events
from tests.support.waiting import wait_until

READ_TIMEOUT = 0.5  # upstream_read_timeout of these tests; "slow" upstreams wait four times as long
FAKE_500 = {"error": {"message": "upstream exploded", "type": "server_error", "param": None, "code": "boom"}}
FAKE_429 = {"error": {"message": "slow down", "type": "rate_limit", "param": None, "code": "rate_limited"}}


def _error_of(served: Served, stream: bool = False, endpoint: str = "chat") -> openai.APIStatusError:
    with served.client() as client, pytest.raises(openai.APIStatusError) as caught:
        call(client, endpoint, stream)  # a stream that starts would not raise: these fail before any byte
    return caught.value


def _assert_cadre_error(error: openai.APIStatusError, status: int, code: str) -> None:
    assert error.status_code == status
    body = error.response.json()
    assert body["error"]["type"] == "upstream_error"
    assert body["error"]["code"] == code
    assert " / " in body["error"]["message"]  # French, then English


def _recorded(served: Served, request_id: str) -> list[dict[str, Any]]:
    """The client_disconnected record of ``request_id`` (empty until written)."""
    return [d for d in served.decisions(code="client_disconnected")["data"] if d["request_id"] == request_id]


def _last_decision(served: Served) -> dict[str, Any]:
    decision: dict[str, Any] = served.decisions()["data"][0]
    return decision


@pytest.fixture(scope="module")
def served(tmp_path_factory, upstream_server) -> Iterator[Served]:
    """One Cadre in front of the fake upstream, which each test sets to fail its own way."""
    with shared_cadre(tmp_path_factory, upstream_server[1], upstream_read_timeout=READ_TIMEOUT) as shared:
        yield shared


@pytest.fixture(scope="module")
def down(tmp_path_factory, upstream_server) -> Iterator[Served]:
    """One Cadre whose upstream is a port where nothing listens."""
    with shared_cadre(tmp_path_factory, upstream_server[1], upstream_base_url=closed_port_url()) as shared:
        yield shared


# ------------------------------------------------------------------------------------- down / slow
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_upstream_down_is_502_upstream_unavailable(down, upstream, stream):
    error = _error_of(down, stream)
    _assert_cadre_error(error, 502, "upstream_unavailable")
    decision = _last_decision(down)
    assert (decision["outcome"], decision["code"], decision["upstream_status"]) == ("failed", "upstream_unavailable",
                                                                                     None)


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_upstream_slower_than_the_read_timeout_is_504(served, upstream, stream):
    upstream.mode, upstream.delay = "slow", READ_TIMEOUT * 4
    error = _error_of(served, stream)
    _assert_cadre_error(error, 504, "upstream_timeout")
    assert len(upstream.requests) == 1
    assert (_last_decision(served)["outcome"], _last_decision(served)["code"]) == ("failed", "upstream_timeout")


def test_upstream_stalling_midway_ends_the_stream_with_a_timeout_event(served, upstream):
    upstream.chunk_delay = READ_TIMEOUT * 4
    with served.http() as http, http.stream("POST", "/v1/chat/completions",
                                            json={"model": "m", "stream": True, "messages": CHAT}) as r:
        events = sse_events(r.iter_lines())
    assert events[-1][0] == "error"
    assert events[-1][1]["error"]["code"] == "upstream_timeout"
    assert _last_decision(served)["code"] == "upstream_timeout"


# ----------------------------------------------------------------------------- upstream's own errors
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_upstream_500_keeps_its_status_and_body(served, upstream, stream):
    upstream.mode = "error500"
    error = _error_of(served, stream)
    assert isinstance(error, openai.InternalServerError)
    assert error.status_code == 500
    assert error.response.json() == FAKE_500
    assert error.response.headers["x-cadre-frame"] == f"{SLUG}@1"
    decision = _last_decision(served)
    assert (decision["upstream_status"], decision["code"]) == (500, "upstream_error")


def test_upstream_429_keeps_retry_after(served, upstream):
    upstream.mode = "error429"
    error = _error_of(served)
    assert isinstance(error, openai.RateLimitError)
    assert error.response.json() == FAKE_429
    assert error.response.headers["retry-after"] == "7"
    assert _last_decision(served)["upstream_status"] == 429


# ----------------------------------------------------------------------------------- broken stream
def test_stream_broken_midway_ends_with_an_error_event_and_closes(served, upstream):
    upstream.mode = "break"
    with served.http() as http, http.stream("POST", "/v1/chat/completions",
                                            json={"model": "m", "stream": True, "messages": CHAT}) as r:
        assert r.status_code == 200
        events = sse_events(r.iter_lines())  # returns: the response was closed, no hang
    names = [name for name, _ in events]
    assert names[:3] == [None, None, None]  # what the upstream sent before breaking came through
    assert names[-1] == "error"
    error = events[-1][1]
    assert set(error["error"]) == {"message", "type", "param", "code"}
    assert error["error"]["code"] == "upstream_stream_broken"
    decision = _last_decision(served)
    assert (decision["outcome"], decision["code"]) == ("failed", "upstream_stream_broken")


@pytest.mark.parametrize("endpoint", ["chat", "responses"])
def test_official_client_raises_on_a_broken_stream(served, upstream, endpoint):
    upstream.mode = "break"
    received = []
    with served.client() as client, pytest.raises(openai.APIError) as caught:
        for event in call(client, endpoint, stream=True):
            received.append(event)
    assert received  # the events before the break were delivered
    assert "upstream" in str(caught.value.message).lower()
    assert isinstance(caught.value.body, dict) and caught.value.body["code"] == "upstream_stream_broken"


# ------------------------------------------------------------------------------------ client leaves
def test_client_disconnect_cancels_the_upstream_request(served, upstream):
    upstream.chunks, upstream.chunk_delay = 100, 0.1
    with CapturedLogs(logging.WARNING) as logs:
        with served.http() as http, http.stream("POST", "/v1/chat/completions", headers={
                "x-request-id": "leaves-mid-stream"}, json={"model": "m", "stream": True, "messages": CHAT}) as r:
            first = next(r.iter_lines())
            assert first.startswith("data: ")
        # Leaving the block closed the connection mid-stream.
        assert upstream.stream_cancelled.wait(5)
        assert not upstream.stream_finished.is_set()
        decision = wait_until(lambda: _recorded(served, "leaves-mid-stream"))
        assert decision, "the disconnect was not recorded"
    assert decision[0]["frame"] == SLUG
    assert logs.errors() == []  # a client leaving is normal: no error, no traceback in the logs


def test_client_leaving_while_the_upstream_thinks_is_recorded_quietly(served, upstream):
    upstream.mode, upstream.delay = "slow", READ_TIMEOUT * 2
    with CapturedLogs(logging.WARNING) as logs:
        with served.http() as http, pytest.raises(httpx.ReadTimeout):  # the client gives up first
            http.post("/v1/chat/completions", json={"model": "m", "messages": CHAT}, timeout=READ_TIMEOUT / 2,
                      headers={"x-request-id": "leaves-while-waiting"})
        decision = wait_until(lambda: _recorded(served, "leaves-while-waiting"))
        assert decision, "the disconnect was not recorded"
    assert (decision[0]["frame"], decision[0]["upstream_status"]) == (SLUG, None)
    assert logs.errors() == []
