"""The decision log: every gateway request recorded (forwarded, refused, failed) with its key, frame, version,
endpoint, model, code, upstream status, latency and usage; read through GET /api/decisions, filtered, paged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.support import ADMIN, good_frame
from tests.support.gateway import SLUG, Served, call, shared_cadre, start

FIELDS = {"id", "at", "request_id", "key_id", "frame", "frame_version", "endpoint", "model", "outcome", "code",
          "upstream_status", "latency_ms", "prompt_tokens", "completion_tokens", "total_tokens",
          "check_outcome", "findings", "priority", "priority_source", "excerpt"}


def _summary(d: dict[str, Any]) -> tuple[Any, ...]:
    return (d["endpoint"], d["model"], d["outcome"], d["code"], d["upstream_status"],
            (d["prompt_tokens"], d["completion_tokens"], d["total_tokens"]))


@pytest.fixture(scope="module")
def logged(tmp_path_factory, upstream_server) -> Iterator[tuple[Served, str]]:
    """A Cadre that saw one request of each kind: forwarded (plain and streamed, three endpoints), failed,
    refused. Returns it with the id of the key bound to "vide", a frame without a published version. The tests
    using it only read the log."""
    upstream = upstream_server[0]
    upstream.reset()
    with shared_cadre(tmp_path_factory, upstream_server[1], upstream_read_timeout=0.3) as served:
        with served.admin() as c:
            assert c.put("/api/frames/vide/draft", json=good_frame()).status_code == 200
        other_secret, other_id = served.new_key(frame="vide")
        with served.client() as client:
            call(client, "chat")
            list(call(client, "chat", stream=True))
            list(call(client, "responses", stream=True))
            list(call(client, "completions", stream=True))
            upstream.mode = "error500"
            with pytest.raises(openai.InternalServerError):
                call(client, "completions")
            upstream.mode, upstream.delay = "slow", 1.0
            with pytest.raises(openai.APIStatusError):
                call(client, "responses", model="slow-model")
            upstream.reset()
        with served.client(key=other_secret) as client, pytest.raises(openai.ConflictError):
            call(client, "chat", model="other-model")
        with served.client(key="cadre_sk_unknown") as client, pytest.raises(openai.AuthenticationError):
            call(client, "chat")
        yield served, other_id


def test_every_request_is_recorded_with_its_details(logged):
    served, other_id = logged
    records = served.decisions()["data"]
    assert all(set(d) == FIELDS for d in records)
    assert [_summary(d) for d in records] == [  # latest first
        ("chat", None, "failed", "invalid_api_key", None, (None, None, None)),  # refused before the body is read
        ("chat", "other-model", "refused", "frame_missing", None, (None, None, None)),
        ("responses", "slow-model", "failed", "upstream_timeout", None, (None, None, None)),
        ("completions", "fake-model", "failed", "upstream_error", 500, (None, None, None)),
        ("completions", "fake-model", "forwarded", None, 200, (None, None, None)),  # its stream has no usage
        ("responses", "fake-model", "forwarded", None, 200, (42, 5, 47)),  # from response.completed
        ("chat", "fake-model", "forwarded", None, 200, (42, 7, 49)),  # from the stream's final chunk
        ("chat", "fake-model", "forwarded", None, 200, (42, 7, 49)),
    ]
    unknown, refused, *ours = records
    assert (unknown["key_id"], unknown["frame"], unknown["frame_version"]) == (None, None, None)
    assert (refused["key_id"], refused["frame"], refused["frame_version"]) == (other_id, "vide", None)
    assert {(d["key_id"], d["frame"], d["frame_version"]) for d in ours} == {(served.key_id, SLUG, 1)}
    assert all(d["latency_ms"] > 0 for d in records)
    assert len({d["request_id"] for d in records}) == len(records)
    assert len({d["id"] for d in records}) == len(records)


def test_request_id_is_the_clients_when_given(serve, upstream):
    served = start(serve)
    with served.http() as http:
        r = http.post("/v1/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
                      headers={"x-request-id": "my-trace-123"})
    assert r.headers["x-request-id"] == "my-trace-123"
    assert served.decisions()["data"][0]["request_id"] == "my-trace-123"


def test_filters_by_frame_outcome_and_code(logged):
    served, _ = logged
    assert {d["frame"] for d in served.decisions(frame="vide")["data"]} == {"vide"}
    assert len(served.decisions(frame=SLUG)["data"]) == 6
    assert [d["code"] for d in served.decisions(outcome="refused")["data"]] == ["frame_missing"]
    assert len(served.decisions(outcome="forwarded")["data"]) == 4
    assert {d["code"] for d in served.decisions(outcome="failed")["data"]} == {
        "invalid_api_key", "upstream_timeout", "upstream_error"}
    assert [d["model"] for d in served.decisions(code="upstream_timeout")["data"]] == ["slow-model"]
    assert served.decisions(frame=SLUG, outcome="refused")["data"] == []


def test_since_keeps_the_later_records(logged):
    served, _ = logged
    records = served.decisions()["data"]
    middle = records[3]
    later = served.decisions(since=middle["at"])["data"]
    assert [d["id"] for d in later] == [d["id"] for d in records if d["at"] >= middle["at"]]
    assert middle["id"] in [d["id"] for d in later]
    assert served.decisions(since="2999-01-01T00:00:00")["data"] == []
    assert len(served.decisions(since="2000-01-01T00:00:00Z")["data"]) == len(records)


def test_pages_with_before(logged):
    served, _ = logged
    everything = [d["id"] for d in served.decisions()["data"]]
    seen: list[int] = []
    before = None
    for _ in range(10):  # bounded: 8 records, 3 per page
        page = served.decisions(limit=3, before=before)
        seen += [d["id"] for d in page["data"]]
        before = page["next_before"]
        if before is None:
            break
    assert seen == everything
    assert before is None


def test_decisions_need_the_admin_token(logged):
    served, _ = logged
    with served.http(key=ADMIN["authorization"][7:]) as http:
        assert http.get("/api/decisions", params={"outcome": "maybe"}).status_code == 400
    with served.http() as http:  # a client key is not the admin token (then this address waits: the throttle)
        assert http.get("/api/decisions").status_code == 401


@pytest.mark.parametrize(("endpoint", "usage"), [("chat", (42, 7, 49)), ("responses", (42, 5, 47))])
def test_stream_usage_is_read_when_its_event_arrives_in_pieces(serve, upstream, endpoint, usage):
    """The network may cut an event anywhere (here inside the word "usage"): the usage is still recorded."""
    served = start(serve)
    upstream.split_usage = True
    with served.client() as client:
        list(call(client, endpoint, stream=True))
    decision = served.decisions()["data"][0]
    assert (decision["prompt_tokens"], decision["completion_tokens"], decision["total_tokens"]) == usage
