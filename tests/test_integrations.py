"""Tools people already use, plugged into Cadre by base URL (docs/integrations.md): LangChain's ChatOpenAI."""

import warnings

import httpx

from tests.support import good_frame, new_key, put_frame


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
