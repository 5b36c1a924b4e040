"""First end-to-end check: the official client through Cadre served by uvicorn to the fake upstream."""

import httpx
import openai

from tests.support import ADMIN, good_frame, new_key, put_frame


def test_chat_is_injected_end_to_end(serve, upstream):
    base = serve()
    with httpx.Client(base_url=base) as c:
        put_frame(c, "rustine", good_frame())
        secret = new_key(c, "rustine")
    client = openai.OpenAI(base_url=base + "/v1", api_key=secret, max_retries=0)
    answer = client.chat.completions.create(model="fake-model", messages=[
        {"role": "system", "content": "Tu es l'assistant marketing."},
        {"role": "user", "content": "Écris un post."}])
    assert answer.choices[0].message.content == upstream.reply_text
    sent = upstream.last("/chat/completions")
    assert sent.body["messages"][0]["role"] == "system"
    assert "Atelier Rustine" in sent.body["messages"][0]["content"]
    assert sent.body["messages"][1] == {"role": "system", "content": "Tu es l'assistant marketing."}
    assert sent.headers["authorization"] == "Bearer sk-upstream-SECRET-never-leak"
    stream = client.chat.completions.create(model="fake-model", stream=True,
                                            messages=[{"role": "user", "content": "hi"}])
    text = "".join(ch.choices[0].delta.content or "" for ch in stream if ch.choices)
    assert text == "tok0 tok1 tok2 tok3 tok4 "
    with httpx.Client(base_url=base) as c:
        assert c.get("/api/decisions", headers=ADMIN).json()["data"][0]["total_tokens"] == 49


def test_an_upstream_that_compresses_when_asked_still_gives_readable_answers(serve, upstream):
    """Upstreams behind a CDN gzip their JSON when the request accepts it; Cadre relays bodies as they come
    (no decompression on the hot path), so it must not ask for compression: the client reads the answer and
    the decision log has its usage."""
    upstream.compress = True
    base = serve()
    with httpx.Client(base_url=base) as c:
        put_frame(c, "rustine", good_frame())
        secret = new_key(c, "rustine")
    client = openai.OpenAI(base_url=base + "/v1", api_key=secret, max_retries=0)
    answer = client.chat.completions.create(model="fake-model",
                                            messages=[{"role": "user", "content": "Écris un post."}])
    assert answer.choices[0].message.content == upstream.reply_text
    assert "gzip" not in upstream.last("/chat/completions").headers.get("accept-encoding", "")
    with httpx.Client(base_url=base) as c:
        assert c.get("/api/decisions", headers=ADMIN).json()["data"][0]["total_tokens"] == 49
