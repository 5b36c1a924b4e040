"""Tools people already use, plugged into Cadre by base URL (docs/integrations.md): LangChain's ChatOpenAI, and
how it and the official client show a message-style refusal (OpenAI's own refusal fields)."""

import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from tests.support import good_frame, new_key, put_frame
from tests.support.gateway import CHAT, CONSOLE, Served, shared_cadre


def test_langchain_chat_openai_goes_through_cadre(serve, upstream):
    base = serve()
    with httpx.Client(base_url=base) as c:
        put_frame(c, "rustine", good_frame())
        secret = new_key(c, "rustine")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # third-party import-time deprecations
        from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=base + "/v1", api_key=secret, model="fake-model", max_retries=0, timeout=10)
    answer = llm.invoke([("system", "Tu es l'assistant de l'atelier."), ("user", "Un post sur les freins.")])
    assert answer.content == upstream.reply_text
    sent = upstream.last("/chat/completions").body["messages"]
    assert "Atelier Rustine" in sent[0]["content"]
    assert sent[1:] == [{"role": "system", "content": "Tu es l'assistant de l'atelier."},
                        {"role": "user", "content": "Un post sur les freins."}]
    streamed = "".join(chunk.content for chunk in llm.stream("Un post sur les freins."))
    assert streamed == "tok0 tok1 tok2 tok3 tok4 "


# ------------------------------------------------------------------ refusals as LangChain and the SDK see them
class Post(BaseModel):
    """A structured answer a caller asks for."""

    title: str
    body: str


@pytest.fixture(scope="module")
def refusing(tmp_path_factory, upstream_server) -> Iterator[Served]:
    """Cadre whose frame is not published yet, with a key of refusal style ``message``."""
    with shared_cadre(tmp_path_factory, upstream_server[1], publish=False, style="message") as served:
        yield served


def _refusal_text(served: Served) -> str:
    """The refusal as an error-style key gets it: the text a message-style key must receive whole."""
    secret, _ = served.new_key(style="error")
    with served.http(secret) as http:
        r = http.post("/v1/chat/completions", json={"model": "fake-model", "messages": CHAT})
    assert r.status_code == 409
    text: str = r.json()["error"]["message"]
    assert CONSOLE in text
    return text


def _chat_openai(served: Served, **options: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # third-party import-time deprecations
        from langchain_openai import ChatOpenAI
    return ChatOpenAI(base_url=served.url + "/v1", api_key=served.key, model="fake-model", max_retries=0,
                      timeout=10, **options)


@pytest.mark.parametrize("api", ["chat", "responses"])
@pytest.mark.parametrize("streaming", [False, True], ids=["plain", "stream"])
def test_langchain_structured_output_raises_its_refusal_error_with_the_whole_text(refusing, upstream, api, streaming):
    from langchain_openai.chat_models.base import OpenAIRefusalError

    expected = _refusal_text(refusing)
    llm = _chat_openai(refusing, streaming=streaming, use_responses_api=api == "responses")
    structured = llm.with_structured_output(Post, method="json_schema")
    with pytest.raises(OpenAIRefusalError) as caught:
        if streaming:
            list(structured.stream("Un post sur les freins."))
        else:
            structured.invoke("Un post sur les freins.")
    assert str(caught.value) == expected  # the whole refusal, console link included: not a JSON parse error
    assert upstream.requests == []


def test_langchain_bind_tools_keeps_the_refusal_and_the_usage(refusing, upstream):
    expected = _refusal_text(refusing)
    answer = _chat_openai(refusing).bind_tools([Post]).invoke("Un post sur les freins.")
    assert answer.content == "" and answer.tool_calls == []
    assert answer.additional_kwargs["refusal"] == expected
    assert answer.usage_metadata["total_tokens"] == 0
    # Streamed on the Responses API the refusal is a content block of its own, usage at the end.
    streamed = _chat_openai(refusing, streaming=True, use_responses_api=True).bind_tools([Post]).invoke("Un post.")
    assert [block["refusal"] for block in streamed.content if block["type"] == "refusal"] == [expected]
    assert streamed.usage_metadata["total_tokens"] == 0
    # Streamed on chat completions, LangChain reads content and tool calls of each delta but not delta.refusal:
    # the refusal arrives (see the SDK test below) and LangChain drops it. docs/integrations.md says so.
    dropped = _chat_openai(refusing, streaming=True, stream_usage=True).bind_tools([Post]).invoke("Un post.")
    assert dropped.content == "" and dropped.usage_metadata["total_tokens"] == 0
    assert upstream.requests == []


@pytest.mark.parametrize("streaming", [False, True], ids=["plain", "stream"])
def test_official_client_parse_sets_message_refusal(refusing, upstream, streaming):
    expected = _refusal_text(refusing)
    with refusing.client() as client:
        if streaming:
            with client.chat.completions.stream(model="fake-model", messages=CHAT, response_format=Post,
                                                stream_options={"include_usage": True}) as stream:
                events = list(stream)
                final = stream.get_final_completion()
            assert "".join(e.delta for e in events if e.type == "refusal.delta") == expected
            assert final.usage is not None and final.usage.total_tokens == 0
        else:
            final = client.chat.completions.parse(model="fake-model", messages=CHAT, response_format=Post)
    message = final.choices[0].message
    assert (message.refusal, message.content, message.parsed) == (expected, None, None)
    assert upstream.requests == []
