"""Keys stay where they belong: the upstream key goes to the upstream only (never to a client, a header, a log
line or an error), and client keys never go upstream."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import UPSTREAM_KEY
from tests.support.gateway import CHAT, CapturedLogs, Served, closed_port_url, start

SECRET_PART = UPSTREAM_KEY.split("-", 1)[1]  # "upstream-SECRET-never-leak": caught even if cut or reworded
CHAT_BODY = {"model": "fake-model", "messages": CHAT}


def _every_kind_of_request(served: Served, upstream: Any) -> list[httpx.Response]:
    """One request of each kind Cadre answers, successes and failures, responses read in full."""
    answers = []
    with served.http() as http:
        def post(path: str, body: dict[str, Any], mode: str = "ok") -> None:
            upstream.mode = mode
            with http.stream("POST", path, json=body) as r:
                r.read()
                answers.append(r)

        post("/v1/chat/completions", CHAT_BODY)
        post("/v1/chat/completions", {**CHAT_BODY, "stream": True})
        post("/v1/completions", {"model": "fake-model", "prompt": "hi", "stream": True})
        post("/v1/responses", {"model": "fake-model", "input": "hi"})
        post("/v1/responses", {"model": "cadre-preview", "input": "hi"})
        post("/v1/embeddings", {"model": "e", "input": "hi"})
        post("/v1/chat/completions", CHAT_BODY, "error500")
        post("/v1/chat/completions", CHAT_BODY, "error429")
        post("/v1/chat/completions", CHAT_BODY, "error401")
        post("/v1/embeddings", {"model": "e", "input": "hi"}, "error401")
        post("/v1/chat/completions", {**CHAT_BODY, "stream": True}, "break")
        post("/v1/chat/completions", {"model": "m"})
        upstream.mode = "ok"
        answers.append(http.get("/v1/models"))
    with served.http(key="cadre_sk_unknown") as http:
        answers.append(http.post("/v1/chat/completions", json=CHAT_BODY))
    return answers


def _assert_clean(answers: list[httpx.Response]) -> None:
    for r in answers:
        seen = r.text + "".join(f"{k}: {v}\n" for k, v in r.headers.items())
        assert SECRET_PART not in seen, f"{r.request.url} answered with the upstream key"


def test_upstream_key_goes_upstream_as_bearer_and_client_keys_never_do(serve, upstream):
    served = start(serve)
    _every_kind_of_request(served, upstream)
    assert len(upstream.requests) >= 10
    for received in upstream.requests:
        assert received.headers.get("authorization") == f"Bearer {UPSTREAM_KEY}", received.path
        seen = str(received.body) + "".join(f"{k}: {v}\n" for k, v in received.headers.items())
        assert served.key not in seen and "cadre_sk_" not in seen, received.path


def test_without_an_upstream_key_no_authorization_goes_upstream(serve, upstream):
    served = start(serve, upstream_api_key=None)
    with served.http() as http:
        assert http.post("/v1/chat/completions", json=CHAT_BODY).status_code == 200
        assert http.post("/v1/embeddings", json={"model": "e", "input": "hi"}).status_code == 200
        assert http.get("/v1/models").status_code == 200
    assert len(upstream.requests) == 3
    assert all("authorization" not in received.headers for received in upstream.requests)


def test_upstream_key_never_reaches_a_client_nor_a_log(serve, upstream, tmp_path):
    with CapturedLogs() as logs:  # everything, DEBUG included, uvicorn's own loggers too
        served = start(serve)
        answers = _every_kind_of_request(served, upstream)
        timeout = start(serve, upstream_read_timeout=0.3, database_url=f"sqlite:///{tmp_path}/timeout.db")
        upstream.mode, upstream.delay = "slow", 1.0
        with timeout.http() as http:
            answers.append(http.post("/v1/chat/completions", json=CHAT_BODY))
        down = start(serve, upstream_base_url=closed_port_url(), database_url=f"sqlite:///{tmp_path}/down.db")
        with down.http() as http:
            answers.append(http.post("/v1/chat/completions", json=CHAT_BODY))
            answers.append(http.post("/v1/embeddings", json={"model": "e", "input": "hi"}))
            answers.append(http.get("/v1/models"))
    assert [r.status_code for r in answers[-4:]] == [504, 502, 502, 200]
    assert {r.status_code for r in answers} >= {200, 400, 401, 429, 500, 502, 504}
    _assert_clean(answers)
    assert len(logs.records) > 50  # the capture did see the servers at work
    assert SECRET_PART not in logs.text


def test_an_upstream_error_quoting_the_key_is_relayed_without_it(serve, upstream):
    served = start(serve)
    upstream.mode = "error401"
    with served.http() as http:
        chat = http.post("/v1/chat/completions", json=CHAT_BODY)
        embeddings = http.post("/v1/embeddings", json={"model": "e", "input": "hi"})
    for r in (chat, embeddings):
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "invalid_api_key"  # the upstream's answer, otherwise kept
        assert r.json()["error"]["message"].startswith("Incorrect API key provided: ")
        assert SECRET_PART not in r.text
        assert int(r.headers["content-length"]) == len(r.content)
