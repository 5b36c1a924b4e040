"""The upstream key never reaches a client, whatever form an upstream sends it back in: plain, \\u-escaped JSON,
masked as OpenAI quotes a wrong key, in a gzip or deflate encoded error, in headers, in a streamed error event,
in a 200 answer, in the models list."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support import UPSTREAM_KEY
from tests.support.fake_upstream import LEAKS
from tests.support.gateway import Served, shared_cadre

SECRET_PART = UPSTREAM_KEY.split("-", 1)[1]  # "upstream-SECRET-never-leak"
# OpenAI's masked form, and any run of asterisks ending with the key's last four characters.
MASKED = re.compile(re.escape(UPSTREAM_KEY[:3]) + r"\S{0,64}?\*{3,}\S{0,200}?" + re.escape(UPSTREAM_KEY[-4:]))
TAIL = re.compile(r"\*{3,}\S{0,8}" + re.escape(UPSTREAM_KEY[-4:]))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, upstream_server: Any) -> Iterator[Served]:
    with shared_cadre(tmp_path_factory, upstream_server[1]) as shared:
        yield shared


def _received(response: httpx.Response) -> list[str]:
    """Everything the client got, in every reading: the bytes (httpx uncompresses them when they came with a
    content-encoding, as a client would), the JSON decoded (escapes undone), every header."""
    raw = response.content
    seen = [raw.decode("utf-8", "replace"), *(f"{k}: {v}" for k, v in response.headers.multi_items())]
    for line in [raw, *raw.split(b"\n")]:
        text = line.decode("utf-8", "replace").removeprefix("data: ")
        try:
            seen.append(json.dumps(json.loads(text), ensure_ascii=False))
        except ValueError:
            continue
    return seen


def _assert_clean(response: httpx.Response, what: str) -> None:
    for text in _received(response):
        assert UPSTREAM_KEY not in text and SECRET_PART not in text, (what, text[:300])
        assert not MASKED.search(text) and not TAIL.search(text), (what, text[:300])


CHAT = {"model": "fake-model", "messages": [{"role": "user", "content": "Écris un post."}]}


@pytest.mark.parametrize("leak", LEAKS)
def test_the_upstream_key_sent_back_in_any_form_reaches_no_client(served: Served, upstream: Any, leak: str) -> None:
    upstream.leak = leak
    answers: list[tuple[str, httpx.Response]] = []
    with served.http() as http:
        for what, path, body in (("chat", "/v1/chat/completions", CHAT),
                                 ("chat streamed", "/v1/chat/completions", {**CHAT, "stream": True}),
                                 ("completions", "/v1/completions", {"model": "fake-model", "prompt": "Écris."}),
                                 ("responses", "/v1/responses", {"model": "fake-model", "input": "Écris."}),
                                 ("embeddings", "/v1/embeddings", {"model": "fake-model", "input": "Écris."})):
            with http.stream("POST", path, json=body) as r:
                r.read()
                answers.append((what, r))
        answers.append(("models", http.get("/v1/models")))
    assert len(upstream.requests) >= 6
    for what, response in answers:
        _assert_clean(response, f"{leak}: {what}")
    statuses = {what: r.status_code for what, r in answers}
    if leak in ("plain", "escaped", "masked", "gzip"):
        assert statuses["chat"] == statuses["embeddings"] == 401  # the upstream's answer, relayed without the key
    if leak == "deflate":
        assert statuses["chat"] == 500
    if leak == "headers":
        chat = dict(answers)["chat"]
        assert chat.headers["x-ratelimit-remaining-requests"] == "99"  # an allowed header, and no key in it
        assert "x-debug-key" not in chat.headers and "set-cookie" not in chat.headers
        assert "x-ratelimit-limit-requests" not in chat.headers and "openai-organization" not in chat.headers
    if leak in ("gzip", "deflate"):
        chat = dict(answers)["chat"]
        assert "content-encoding" not in chat.headers  # uncompressed by Cadre, then cleaned
        assert chat.json()["error"]["code"] == "invalid_api_key"
        assert chat.json()["error"]["message"].startswith("Incorrect API key provided: ")
    if leak == "models":
        models = dict(answers)["models"].json()["data"]
        assert {m["id"] for m in models} >= {"fake-model", "cadre-preview"}


def test_a_stream_quoting_the_key_still_streams_its_events(served: Served, upstream: Any) -> None:
    upstream.leak = "stream"
    with served.http() as http, http.stream("POST", "/v1/chat/completions", json={**CHAT, "stream": True}) as r:
        lines = [line for line in r.iter_lines() if line]
    assert lines[0].startswith("data: ") and "event: error" in lines and lines[-1] == "data: [DONE]"
    assert all(UPSTREAM_KEY not in line and SECRET_PART not in line for line in lines)
