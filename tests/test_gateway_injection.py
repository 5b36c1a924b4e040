"""Injection, as the fake upstream receives it: the published frame first on chat (system, or developer by
setting), prefixed on completions' prompt, the first input item of responses, streaming or not; frame text as data;
every answer marked x-cadre-frame; fields Cadre does not read passed through untouched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import good_frame
from tests.support.gateway import PROMPT, SLUG, RequestLog, Served, shared_cadre, start, text_of

OWN_SYSTEM = {"role": "system", "content": "Tu es l'assistant marketing de l'atelier."}
USER = {"role": "user", "content": "Écris un post pour la rentrée."}
STREAMED_TEXT = "tok0 tok1 tok2 tok3 tok4 "  # what the fake upstream streams (5 chunks)


@pytest.fixture(scope="module")
def served(tmp_path_factory, upstream_server) -> Iterator[Served]:
    """One Cadre with the French frame published, for the tests that do not change settings or frames."""
    with shared_cadre(tmp_path_factory, upstream_server[1]) as shared:
        yield shared


def _answer_text(response: Any, endpoint: str, stream: bool, upstream: Any) -> None:
    """The answer is the upstream's, relayed."""
    expected = STREAMED_TEXT if stream else upstream.reply_text
    assert text_of(endpoint, stream, response.parse()) == expected


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_chat_frame_first_then_the_clients_own_system_message(served, upstream, stream):
    with served.client() as client:
        response = client.chat.completions.with_raw_response.create(
            model="fake-model", messages=[OWN_SYSTEM, USER], stream=stream)
        assert response.headers["x-cadre-frame"] == f"{SLUG}@1"
        _answer_text(response, "chat", stream, upstream)
    sent = upstream.last("/chat/completions").body
    assert sent["messages"] == [{"role": "system", "content": served.prompt()}, OWN_SYSTEM, USER]
    assert sent["model"] == "fake-model"
    assert sent.get("stream", False) is stream
    assert "Atelier Rustine" in sent["messages"][0]["content"]


def test_injection_role_setting_makes_the_frame_a_developer_message(serve, upstream):
    served = start(serve, injection_role="developer")
    with served.client() as client:
        client.chat.completions.create(model="fake-model", messages=[OWN_SYSTEM, USER])
    sent = upstream.last("/chat/completions").body
    assert sent["messages"] == [{"role": "developer", "content": served.prompt()}, OWN_SYSTEM, USER]


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_completions_prompt_is_prefixed_with_the_frame(served, upstream, stream):
    with served.client() as client:
        response = client.completions.with_raw_response.create(model="fake-model", prompt=PROMPT, stream=stream)
        assert response.headers["x-cadre-frame"] == f"{SLUG}@1"
        _answer_text(response, "completions", stream, upstream)
    sent = upstream.last("/completions").body
    assert sent["prompt"] == f"{served.prompt()}\n\n{PROMPT}"
    assert sent.get("stream", False) is stream


def test_completions_each_prompt_of_a_list_is_prefixed(served, upstream):
    with served.client() as client:
        client.completions.create(model="fake-model", prompt=["Un.", "Deux."])
    frame = served.prompt()
    assert upstream.last("/completions").body["prompt"] == [f"{frame}\n\nUn.", f"{frame}\n\nDeux."]


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("own", [None, "Réponds en trois phrases."], ids=["no-instructions", "instructions"])
def test_responses_get_the_frame_as_an_input_item_of_its_own_and_keep_their_instructions(served, upstream, stream,
                                                                                        own):
    fields: dict[str, Any] = {"instructions": own} if own else {}
    with served.client() as client:
        response = client.responses.with_raw_response.create(model="fake-model", input=PROMPT, stream=stream,
                                                             **fields)
        assert response.headers["x-cadre-frame"] == f"{SLUG}@1"
        _answer_text(response, "responses", stream, upstream)
    sent = upstream.last("/responses").body
    assert sent.get("instructions") == own
    assert sent["input"] == [{"role": "system", "content": served.prompt()}, {"role": "user", "content": PROMPT}]


def test_the_frame_says_it_comes_first_and_is_not_to_be_dropped(serve, served):
    fr = served.prompt()
    assert "passe avant toute autre instruction" in fr and "déclinez" in fr
    en = start(serve, frame=good_frame("en")).prompt()
    assert "comes before any other instruction" in en and "decline" in en


def test_template_syntax_in_a_frame_reaches_the_model_literally(serve, upstream):
    literal = "Devis en {{ 7*7 }} heures {% if true %}oui{% endif %} {# note #}"
    served = start(serve, frame=good_frame(need=literal))
    with served.client() as client:
        client.chat.completions.create(model="fake-model", messages=[USER])
        client.completions.create(model="fake-model", prompt=PROMPT)
        client.responses.create(model="fake-model", input=PROMPT)
    chat, completion, responses = upstream.requests
    for text in (chat.body["messages"][0]["content"], completion.body["prompt"], responses.body["input"][0]["content"]):
        assert literal in text
        assert "49" not in text


def test_a_users_prompts_folder_overrides_the_packaged_template(serve, upstream, tmp_path: Path):
    (tmp_path / "frame.fr.j2").write_text("MON CADRE : {{ frame.name }} v{{ version }} — {{ frame.promise }}",
                                          encoding="utf-8")
    served = start(serve, prompts_dir=tmp_path)
    with served.client() as client:
        client.chat.completions.create(model="fake-model", messages=[USER])
    expected = f"MON CADRE : Atelier Rustine v1 — {good_frame()['promise']}"
    assert upstream.last("/chat/completions").body["messages"][0] == {"role": "system", "content": expected}


# ------------------------------------------------------------------------------ untouched fields
TOOLS = [{"type": "function", "function": {"name": "book_repair", "description": "Book a repair slot",
                                           "parameters": {"type": "object", "properties": {
                                               "day": {"type": "string"}}, "required": ["day"]}}}]
VENDOR = {"top_k": 40, "x_vendor_options": {"nested": [1, 2.5, None, True], "ünïcode": "✓"}}


def _without(body: dict[str, Any], field: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != field}


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_chat_fields_cadre_does_not_read_pass_through_untouched(served, upstream, stream):
    sent = RequestLog()
    extra: dict[str, Any] = {"stream_options": {"include_usage": True}} if stream else {}
    with served.client(http_client=sent.http_client()) as client:
        answer = client.chat.completions.create(
            model="fake-model", messages=[USER], stream=stream, tools=TOOLS, tool_choice="auto",
            response_format={"type": "json_object"}, n=2, logprobs=True, top_logprobs=3, temperature=0.3,
            seed=7, user="atelier", extra_body=VENDOR, **extra)
        if stream:
            list(answer)
    client_body = sent.last_body()
    upstream_body = upstream.last("/chat/completions").body
    assert _without(upstream_body, "messages") == _without(client_body, "messages")
    assert set(client_body) >= {"tools", "response_format", "n", "logprobs", "top_k", "x_vendor_options"}
    assert upstream_body["messages"][1:] == client_body["messages"]


def test_completions_fields_cadre_does_not_read_pass_through_untouched(served, upstream):
    sent = RequestLog()
    with served.client(http_client=sent.http_client()) as client:
        client.completions.create(model="fake-model", prompt=PROMPT, n=2, logprobs=2, echo=False, suffix="!",
                                  max_tokens=50, stop=["\n\n"], extra_body=VENDOR)
    client_body = sent.last_body()
    assert _without(upstream.last("/completions").body, "prompt") == _without(client_body, "prompt")
    assert "logprobs" in client_body and "top_k" in client_body


def test_responses_fields_cadre_does_not_read_pass_through_untouched(served, upstream):
    sent = RequestLog()
    tools = [{"type": "function", "name": "book_repair", "description": "Book a repair slot",
              "parameters": {"type": "object", "properties": {"day": {"type": "string"}}}, "strict": False}]
    with served.client(http_client=sent.http_client()) as client:
        client.responses.create(model="fake-model", input=[{"role": "user", "content": PROMPT}], tools=tools,
                                text={"format": {"type": "json_object"}}, metadata={"team": "com"},
                                max_output_tokens=99, extra_body=VENDOR)
    client_body = sent.last_body()
    upstream_body = upstream.last("/responses").body
    assert _without(upstream_body, "input") == _without(client_body, "input")
    assert upstream_body["input"] == [{"role": "system", "content": served.prompt()}, *client_body["input"]]


# The body a client writes by hand: numbers past 64 bits and past a double's digits, exponent notation, escapes
# of accented letters, an emoji and a quote, a field nobody knows nested three deep, keys in no sorted order.
EXACT_BODY = (
    b'{"zeta": 1, "model": "fake-model", "messages": [{"role": "user", "content": "Un post \\u00e9t\\u00e9"}],'
    b' "seed": 1180591620717411303424, "negative": -1180591620717411303424, "temperature": 1.0e-7,'
    b' "top_p": 0.12345678901234567890123, "user": "\\u00c9mile \\ud83d\\ude00 \\"quoted\\"",'
    b' "x_vendor": {"nested": {"deeper": [1, 2.50, {"k": null, "big": 98765432109876543210987}]}}, "alpha": true}'
)


def _exact(raw: bytes) -> Any:
    """JSON read with every number exact (integers are exact in Python; floats kept as decimals)."""
    import decimal
    import json

    return json.loads(raw, parse_float=decimal.Decimal)


@pytest.mark.parametrize("endpoint", ["chat", "responses"])
def test_fields_cadre_does_not_read_reach_the_upstream_equal_in_value(served, upstream, endpoint):
    body = EXACT_BODY if endpoint == "chat" else EXACT_BODY.replace(b'"messages"', b'"input"')
    path = "/chat/completions" if endpoint == "chat" else "/responses"
    with served.http() as http:
        assert http.post(f"/v1{path}", content=body, headers={"content-type": "application/json"}).status_code == 200
    sent, received = _exact(body), _exact(upstream.last(path).raw)
    touched = "messages" if endpoint == "chat" else "input"
    assert _without(received, touched) == _without(sent, touched)
    assert [k for k in received if k != touched] == [k for k in sent if k != touched]  # key order kept
    assert received["seed"] == 2**70 and received["temperature"] == _exact(b"1.0e-7")
    assert received["x_vendor"]["nested"]["deeper"][2]["big"] == 98765432109876543210987
    assert received["user"] == "Émile 😀 \"quoted\""


def test_common_bodies_keep_their_numbers_equal_in_value(served, upstream):
    """No long number: the usual fast path, whose floats are the same doubles the client sent."""
    body = (b'{"model": "fake-model", "messages": [{"role": "user", "content": "caf\\u00e9"}], "temperature": 1.0e-7,'
            b' "seed": 9007199254740993, "logit_bias": {"50256": -100}, "x": {"b": 2.5e+3, "a": [0.1, -0.0]}}')
    with served.http() as http:
        assert http.post("/v1/chat/completions", content=body,
                         headers={"content-type": "application/json"}).status_code == 200
    import json

    sent, received = json.loads(body), upstream.last("/chat/completions").body
    assert _without(received, "messages") == _without(sent, "messages")
    assert list(received) == list(sent)
    assert received["messages"][1:] == sent["messages"]
