"""/v1/embeddings passes through: a key is required, a frame is not (nothing is generated), the body goes
upstream as the client wrote it and the answer comes back as the upstream wrote it."""

from __future__ import annotations

import openai
import pytest

from tests.support import UPSTREAM_KEY
from tests.support.gateway import RequestLog, closed_port_url, start


def test_embeddings_pass_through_without_a_published_frame(serve, upstream):
    served = start(serve, publish=False)  # a frame without a published version: generation would be refused
    sent = RequestLog()
    with served.client(http_client=sent.http_client()) as client:
        answer = client.embeddings.create(model="text-embedding-3-small", input=["Réparer", "rouler"],
                                          dimensions=3, extra_body={"x_vendor": True})
    assert answer.data[0].embedding == [0.1, 0.2, 0.3]
    assert answer.model == "fake-embed"
    received = upstream.last("/embeddings")
    assert received.body == sent.last_body()  # no frame, nothing added or removed
    assert received.headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
    decision = served.decisions()["data"][0]
    assert (decision["endpoint"], decision["outcome"], decision["model"], decision["upstream_status"],
            decision["frame"], decision["key_id"]) == ("embeddings", "forwarded", "text-embedding-3-small", 200,
                                                      served.slug, served.key_id)


@pytest.mark.parametrize("key", ["cadre_sk_unknown", None], ids=["unknown", "revoked"])
def test_embeddings_need_a_valid_key(serve, upstream, key):
    served = start(serve)
    if key is None:
        with served.admin() as c:
            assert c.delete(f"/api/keys/{served.key_id}").status_code == 200
    with served.client(key=key) as client, pytest.raises(openai.AuthenticationError) as caught:
        client.embeddings.create(model="e", input="hi")
    assert caught.value.code == "invalid_api_key"
    assert upstream.requests == []


def test_embeddings_upstream_error_is_kept(serve, upstream):
    served = start(serve)
    upstream.mode = "error500"
    with served.client() as client, pytest.raises(openai.InternalServerError) as caught:
        client.embeddings.create(model="e", input="hi")
    assert caught.value.response.json()["error"]["code"] == "boom"
    decision = served.decisions()["data"][0]
    assert (decision["outcome"], decision["code"], decision["upstream_status"]) == ("failed", "upstream_error", 500)


def test_embeddings_upstream_down_is_502(serve, upstream):
    served = start(serve, upstream_base_url=closed_port_url())
    with served.client() as client, pytest.raises(openai.APIStatusError) as caught:
        client.embeddings.create(model="e", input="hi")
    assert caught.value.status_code == 502
    assert caught.value.code == "upstream_unavailable"
