"""``cadre-preview``: with no upstream at all, any OpenAI client gets back the exact JSON body Cadre would send
upstream, frame included; /v1/models lists it (with the upstream's models when there is one)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.support.gateway import (
    ENDPOINTS,
    SLUG,
    RequestLog,
    Served,
    call,
    closed_port_url,
    shared_cadre,
    start,
    text_of,
)

NO_UPSTREAM = {"upstream_base_url": "https://api.openai.com/v1", "upstream_api_key": None}  # the install default


def _injected(endpoint: str, client_body: dict[str, Any], frame: str) -> dict[str, Any]:
    """What Cadre sends upstream for ``client_body``, written out by hand."""
    body = dict(client_body)
    if endpoint == "chat":
        body["messages"] = [{"role": "system", "content": frame}, *body["messages"]]
    elif endpoint == "completions":
        body["prompt"] = f"{frame}\n\n{body['prompt']}"
    else:
        given = body["input"]
        body["input"] = [{"role": "system", "content": frame},
                         *([{"role": "user", "content": given}] if isinstance(given, str) else given)]
    return body


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory, upstream_server) -> Iterator[Served]:
    """A Cadre as installed: no upstream key, the default OpenAI base URL (never called here), a frame published."""
    with shared_cadre(tmp_path_factory, upstream_server[1], **NO_UPSTREAM) as served:
        yield served


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_preview_answers_with_the_body_that_would_go_upstream(fresh_install, upstream, endpoint, stream):
    served = fresh_install
    sent = RequestLog()
    with served.client(http_client=sent.http_client()) as client:
        response = call(client, endpoint, stream, raw=True, model="cadre-preview")
        assert response.status_code == 200
        assert response.headers["x-cadre-frame"] == f"{SLUG}@1"
        text = text_of(endpoint, stream, response.parse())
    preview = json.loads(text)
    assert preview == _injected(endpoint, sent.last_body(), served.prompt())
    assert preview["model"] == "cadre-preview"
    assert upstream.requests == []
    decision = served.decisions()["data"][0]
    assert (decision["outcome"], decision["model"], decision["upstream_status"]) == ("forwarded", "cadre-preview",
                                                                                     None)


def test_preview_works_with_an_unreachable_upstream(serve, upstream):
    served = start(serve, upstream_base_url=closed_port_url())
    with served.client() as client:
        answer = client.chat.completions.create(model="cadre-preview", messages=[{"role": "user", "content": "hi"}])
    assert json.loads(answer.choices[0].message.content or "")["messages"][0]["content"] == served.prompt()


def test_preview_never_calls_a_configured_upstream(serve, upstream):
    served = start(serve)
    with served.client() as client:
        call(client, "chat", model="cadre-preview")
        list(call(client, "responses", stream=True, model="cadre-preview"))
    assert upstream.requests == []


def test_preview_is_refused_like_any_model_without_a_published_frame(serve, upstream):
    served = start(serve, publish=False, **NO_UPSTREAM)
    with served.client() as client, pytest.raises(openai.ConflictError) as caught:
        call(client, "chat", model="cadre-preview")
    assert caught.value.code == "frame_missing"


def _listed(served: Served) -> tuple[str, list[str]]:
    with served.client() as client:
        page = client.models.with_raw_response.list()
        return page.headers["x-cadre-upstream"], [m.id for m in page.parse()]


def test_models_lists_cadre_preview_when_no_upstream_is_configured(fresh_install, upstream):
    assert _listed(fresh_install) == ("not-configured", ["cadre-preview"])
    assert upstream.requests == []


def test_models_lists_cadre_preview_when_the_upstream_is_unreachable(serve, upstream):
    assert _listed(start(serve, upstream_base_url=closed_port_url())) == ("unavailable", ["cadre-preview"])


def test_models_lists_the_upstream_models_and_cadre_preview(serve, upstream):
    served = start(serve)
    with served.client() as client:
        assert [m.id for m in client.models.list()] == ["fake-model", "cadre-preview"]
    assert upstream.last("/models").headers["authorization"] == "Bearer sk-upstream-SECRET-never-leak"


def test_models_needs_a_key(serve, upstream):
    served = start(serve)
    with served.client(key="cadre_sk_unknown") as client, pytest.raises(openai.AuthenticationError):
        client.models.list()
    assert upstream.requests == []
