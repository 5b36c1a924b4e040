"""Bad request bodies get a 400 or 413 in the OpenAI error shape, never a 500, and never reach the upstream."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.support.gateway import CapturedLogs, Served, shared_cadre, start

CHAT_PATH, COMPLETIONS_PATH, RESPONSES_PATH, EMBEDDINGS_PATH = (
    "/v1/chat/completions", "/v1/completions", "/v1/responses", "/v1/embeddings")
NAMES = {CHAT_PATH: "chat", COMPLETIONS_PATH: "completions", RESPONSES_PATH: "responses", EMBEDDINGS_PATH: "embeddings"}
LIMIT = 4096  # max_body_bytes for these tests

# (path, raw body, expected code, expected param)
BAD_BODIES: list[tuple[str, bytes, str, str | None]] = [
    (CHAT_PATH, b"", "invalid_json", None),
    (CHAT_PATH, b"not json", "invalid_json", None),
    (CHAT_PATH, b'{"model": "m", "messages": [', "invalid_json", None),
    (CHAT_PATH, b'\xff\xfe{"model": "m"}', "invalid_json", None),
    (CHAT_PATH, b"[" * 1500 + b"]" * 1500, "invalid_json", None),  # deeper than the parser allows
    (CHAT_PATH, b'[{"model": "m", "messages": []}]', "invalid_json", None),
    (CHAT_PATH, b'"a string"', "invalid_json", None),
    (CHAT_PATH, b"null", "invalid_json", None),
    (CHAT_PATH, b'{"messages": [{"role": "user", "content": "hi"}]}', "missing_model", "model"),
    (CHAT_PATH, b'{"model": 42, "messages": [{"role": "user", "content": "hi"}]}', "invalid_type", "model"),
    (CHAT_PATH, b'{"model": "", "messages": [{"role": "user", "content": "hi"}]}', "invalid_type", "model"),
    (CHAT_PATH, b'{"model": "m"}', "missing_messages", "messages"),
    (CHAT_PATH, b'{"model": "m", "messages": "hi"}', "invalid_type", "messages"),
    (CHAT_PATH, b'{"model": "m", "messages": []}', "invalid_type", "messages"),
    (CHAT_PATH, b'{"model": "m", "messages": ["hi"]}', "invalid_type", "messages[0]"),
    (CHAT_PATH, b'{"model": "m", "messages": [{"content": "hi"}]}', "invalid_type", "messages[0]"),
    (CHAT_PATH, b'{"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": "yes"}', "invalid_type",
     "stream"),
    (CHAT_PATH, b'{"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": 1}', "invalid_type",
     "stream"),
    (COMPLETIONS_PATH, b'{"model": "m"}', "missing_prompt", "prompt"),
    (COMPLETIONS_PATH, b'{"model": "m", "prompt": 12}', "invalid_type", "prompt"),
    (COMPLETIONS_PATH, b'{"model": "m", "prompt": [1, 2, 3]}', "invalid_prompt", "prompt"),  # token ids
    (RESPONSES_PATH, b'{"model": "m"}', "missing_input", "input"),
    (RESPONSES_PATH, b'{"model": "m", "input": {"role": "user"}}', "invalid_type", "input"),
    (RESPONSES_PATH, b'{"model": "m", "input": "hi", "instructions": ["x"]}', "invalid_type", "instructions"),
    (EMBEDDINGS_PATH, b"{", "invalid_json", None),
    (EMBEDDINGS_PATH, b'{"input": "hi"}', "missing_model", "model"),
    (EMBEDDINGS_PATH, b'{"model": "e"}', "missing_input", "input"),
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory, upstream_server) -> Iterator[Served]:
    with shared_cadre(tmp_path_factory, upstream_server[1], max_body_bytes=LIMIT) as served:
        yield served


@pytest.fixture
def served(shared, upstream) -> Iterator[Served]:
    with CapturedLogs(logging.WARNING) as logs:
        yield shared
    assert logs.errors() == []  # no traceback: every bad body is an expected answer
    assert upstream.requests == []  # and none of it reached the upstream


@pytest.mark.parametrize(("path", "raw", "code", "param"), BAD_BODIES,
                         ids=[f"{NAMES[p]}-{c}-{i}" for i, (p, _, c, _) in enumerate(BAD_BODIES)])
def test_bad_body_is_a_400_in_the_openai_shape(served, path, raw, code, param):
    with served.http() as http:
        r = http.post(path, content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"error": {"message": r.json()["error"]["message"], "type": "invalid_request_error",
                                  "param": param, "code": code}}
    assert " / " in r.json()["error"]["message"]  # French, then English
    decision = served.decisions()["data"][0]
    assert (decision["outcome"], decision["code"]) == ("failed", code)


@pytest.mark.parametrize("path", [CHAT_PATH, EMBEDDINGS_PATH])
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_over_max_body_bytes_is_413(served, path, chunked):
    body = b'{"model": "m", "input": "' + b"x" * LIMIT + b'", "messages": [{"role": "user", "content": "hi"}]}'
    content = iter([body[:1000], body[1000:]]) if chunked else body  # chunked: no content-length to trust
    with served.http() as http:
        r = http.post(path, content=content, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large"
    assert r.json()["error"]["type"] == "invalid_request_error"


def test_a_body_just_under_the_limit_is_forwarded(serve, upstream):
    served = start(serve, max_body_bytes=LIMIT)
    head, tail = b'{"model": "m", "messages": [{"role": "user", "content": "', b'"}]}'
    body = head + b"x" * (LIMIT - len(head) - len(tail)) + tail
    assert len(body) == LIMIT
    with served.http() as http:
        r = http.post(CHAT_PATH, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200
    assert len(upstream.requests) == 1


def test_unknown_endpoint_and_wrong_method_are_openai_shaped(served):
    with served.http() as http:
        unknown = http.post("/v1/nothing-here", json={"model": "m"})
        wrong_method = http.get(CHAT_PATH)
    assert unknown.status_code == wrong_method.status_code == 404
    assert unknown.json()["error"]["type"] == "not_found_error"
    assert wrong_method.json()["error"]["code"] == "unknown_url"


def test_a_bad_key_is_checked_before_the_body(served):
    with served.http(key="cadre_sk_nope") as http:
        r = http.post(CHAT_PATH, content=b"not json")
    assert r.status_code == 401
