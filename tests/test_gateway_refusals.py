"""The decision, seen from the official client: 401 for a bad key, 409 frame_missing / frame_unclear, the refusal's
shape and message, no retry by the SDK, and the "message" refusal style."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import openai
import pytest

from app.frames import rules as frame_rules
from app.frames.rules import lint_message
from tests.support import good_frame
from tests.support.gateway import (
    CHAT,
    CONSOLE,
    ENDPOINTS,
    SLUG,
    RequestLog,
    Served,
    call,
    refusal_of,
    shared_cadre,
    start,
    text_of,
)


def refused(served: Served, endpoint: str = "chat", stream: bool = False,
            key: str | None = None) -> tuple[openai.APIStatusError, RequestLog]:
    """Call with the SDK's default retries; return the error and what the SDK sent."""
    sent = RequestLog()
    client = served.client(key=key, max_retries=openai.DEFAULT_MAX_RETRIES, http_client=sent.http_client())
    with client, pytest.raises(openai.APIStatusError) as caught:
        call(client, endpoint, stream)
    return caught.value, sent


def assert_refusal_shape(error: openai.APIStatusError, status: int, type_: str, code: str) -> str:
    """The OpenAI shape; a frame refusal adds the message's ``language`` and the other language's text in
    ``translations``, never glued into ``message``."""
    assert error.status_code == status
    body = error.response.json()
    assert set(body) == {"error"}
    if type_ == "frame_refusal":
        assert set(body["error"]) == {"message", "type", "param", "code", "language", "translations"}
        other = {"fr": "en", "en": "fr"}[body["error"]["language"]]
        assert set(body["error"]["translations"]) == {other}
        assert body["error"]["translations"][other] not in body["error"]["message"]
    else:
        assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["type"] == type_
    assert body["error"]["code"] == code
    assert body["error"]["param"] is None
    message: str = body["error"]["message"]
    assert message
    return message


@pytest.fixture(scope="module")
def unpublished(tmp_path_factory, upstream_server) -> Iterator[Served]:
    """One Cadre whose frame has a draft but no published version, shared by the tests that only read it."""
    with shared_cadre(tmp_path_factory, upstream_server[1], publish=False) as served:
        yield served


@pytest.fixture
def tighten_rules(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make today's clarity rules stricter than the ones a version was published under: "need" turns from
    recommended into required. The rule is registered with ``app.frame.rule`` (the linter's extension point),
    the way a newer Cadre would ship it; the rule list is restored after the test."""

    def need_required(frame: frame_rules.Frame, ctx: frame_rules.Context) -> Iterator[frame_rules.Finding]:
        if not frame.need.strip():
            yield frame_rules.Finding("need", "required", "error", lint_message("required", ctx.language, "need"))

    def tighten() -> None:
        monkeypatch.setattr(frame_rules, "RULES", list(frame_rules.RULES))
        frame_rules.rule(need_required)

    return tighten


# ---------------------------------------------------------------------------------------------- 401
def test_unknown_key_is_401_invalid_api_key_in_one_request(serve, upstream):
    served = start(serve)
    error, sent = refused(served, key="cadre_sk_not-a-real-key")
    assert isinstance(error, openai.AuthenticationError)
    assert_refusal_shape(error, 401, "authentication_error", "invalid_api_key")
    assert len(sent.sent) == 1
    assert upstream.requests == []
    assert [d["code"] for d in served.decisions()["data"]] == ["invalid_api_key"]


def test_revoked_key_is_401_at_once(serve, upstream):
    served = start(serve)
    with served.client() as client:
        call(client, "chat")  # the key is now cached by the gateway
    with served.admin() as c:
        assert c.delete(f"/api/keys/{served.key_id}").status_code == 200
    error, sent = refused(served)
    assert isinstance(error, openai.AuthenticationError)
    assert_refusal_shape(error, 401, "authentication_error", "invalid_api_key")
    assert len(sent.sent) == 1
    assert len(upstream.requests) == 1  # only the call made before the revocation


def test_missing_bearer_is_401(serve, upstream):
    served = start(serve)
    with served.http() as http:
        r = http.post("/v1/chat/completions", json={"model": "m", "messages": CHAT}, headers={"authorization": ""})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_api_key"
    assert upstream.requests == []


# ------------------------------------------------------------------------------------ frame_missing
def test_frame_missing_is_409_with_console_link_and_no_retry(serve, upstream):
    served = start(serve, publish=False)
    error, sent = refused(served)
    assert isinstance(error, openai.ConflictError)
    message = assert_refusal_shape(error, 409, "frame_refusal", "frame_missing")
    assert error.response.headers["x-should-retry"] == "false"
    assert error.response.headers["x-cadre-frame"] == f"{SLUG}@none"
    assert CONSOLE in message
    # The business by its name, in the draft's language; the draft passes the rules, so it only waits for publishing.
    assert message == ("Cadre refuse de générer : le cadre de « Atelier Rustine » n'a encore aucune version "
                       f"publiée. Son brouillon est prêt : publiez-le ici : {CONSOLE}")
    english = error.response.json()["error"]["translations"]["en"]
    assert "“Atelier Rustine” has no published version yet" in english and CONSOLE in english
    # The official client, with its default retries, made exactly one request, and Cadre saw exactly one.
    assert len(sent.sent) == 1
    assert [(d["outcome"], d["code"]) for d in served.decisions()["data"]] == [("refused", "frame_missing")]
    assert upstream.requests == []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_frame_missing_on_every_endpoint(unpublished, upstream, endpoint, stream):
    served = unpublished
    error, sent = refused(served, endpoint, stream)
    assert_refusal_shape(error, 409, "frame_refusal", "frame_missing")
    assert len(sent.sent) == 1
    assert served.decisions()["data"][0]["endpoint"] == endpoint
    assert upstream.requests == []


@pytest.mark.parametrize(("language", "expected", "translated"), [
    ("fr", ["« Atelier Rustine » n'a encore aucune version publiée", "Ce qui bloque la publication",
            "(1) « Promesse » est obligatoire", "(2) "], "What blocks its draft from being published"),
    ("en", ["“Bright Ledger” has no published version yet", "What blocks its draft from being published",
            "(1) “Promise” is required", "(2) "], "Ce qui bloque la publication"),
])
def test_frame_missing_lists_what_blocks_the_draft_in_its_language(serve, upstream, language, expected, translated):
    draft = good_frame(language, promise="", refusals=[])  # two errors: no promise, no refusal
    served = start(serve, frame=draft, publish=False)
    error, _ = refused(served)
    message = assert_refusal_shape(error, 409, "frame_refusal", "frame_missing")
    with served.admin() as c:
        blocking = [f["message"] for f in c.get(f"/api/frames/{SLUG}").json()["draft_findings"]
                    if f["severity"] == "error"]
    assert len(blocking) == 2
    for finding in blocking:  # the draft's own findings, word for word, not a generic list of fields
        assert finding.rstrip(".") in message
    for text in expected:
        assert text in message
    assert "(3)" not in message and CONSOLE in message
    assert translated not in message
    other = error.response.json()["error"]["translations"]
    assert translated in next(iter(other.values())) and CONSOLE in next(iter(other.values()))
    assert upstream.requests == []


def test_archived_frame_is_frame_missing_saying_it_is_archived(serve, upstream):
    served = start(serve, frame=good_frame("en"))
    with served.admin() as c:
        assert c.delete(f"/api/frames/{SLUG}").status_code == 200
    error, _ = refused(served)
    message = assert_refusal_shape(error, 409, "frame_refusal", "frame_missing")
    assert message.startswith("Cadre refuses to generate: the frame of “Bright Ledger” is archived")
    assert f"cadre frame unarchive {SLUG}" in message and CONSOLE in message
    assert "est archivé" in error.response.json()["error"]["translations"]["fr"]
    assert upstream.requests == []
    with served.admin() as c:
        assert c.post(f"/api/frames/{SLUG}/unarchive").json()["archived_at"] is None
    with served.client() as client:
        assert call(client, "chat").choices[0].message.content == upstream.reply_text


# ------------------------------------------------------------------------------------ frame_unclear
@pytest.mark.parametrize(("language", "expected", "foreign"), [
    ("fr", ["n'est pas clair", "« Besoin » est obligatoire"], "is not clear"),
    ("en", ["is not clear", "“Need” is required"], "n'est pas clair"),
])
def test_frame_unclear_names_the_fields_in_the_frame_language(serve, upstream, tighten_rules, language, expected,
                                                               foreign):
    served = start(serve, frame=good_frame(language, need=""))  # "need" is only recommended: publishable
    tighten_rules()  # the published version no longer passes today's rules
    error, sent = refused(served)
    message = assert_refusal_shape(error, 409, "frame_refusal", "frame_unclear")
    assert error.response.headers["x-should-retry"] == "false"
    assert error.response.headers["x-cadre-frame"] == f"{SLUG}@1"
    for text in expected:
        assert text in message
    assert foreign not in message
    assert foreign in error.response.json()["error"]["translations"][{"fr": "en", "en": "fr"}[language]]
    assert good_frame(language)["name"] in message and f"« {SLUG} »" not in message and f"“{SLUG}”" not in message
    assert CONSOLE in message
    assert ".." not in message
    assert len(sent.sent) == 1
    decisions = served.decisions()["data"]
    assert [(d["outcome"], d["code"], d["frame_version"]) for d in decisions] == [("refused", "frame_unclear", 1)]
    assert upstream.requests == []


def test_frame_unclear_clears_once_fixed_and_published(serve, upstream, tighten_rules):
    served = start(serve, frame=good_frame(need=""))
    tighten_rules()
    refused(served)
    with served.admin() as c:
        assert c.put(f"/api/frames/{SLUG}/draft", json=good_frame()).status_code == 200
        assert c.post(f"/api/frames/{SLUG}/publish").status_code == 200
    with served.client() as client:
        answer = client.chat.completions.with_raw_response.create(model="fake-model", messages=CHAT)
    assert answer.headers["x-cadre-frame"] == f"{SLUG}@2"
    assert len(upstream.requests) == 1


# ------------------------------------------------------------------------------ refusal_style "message"
def _message_of(served: Served, endpoint: str) -> str:
    error, _ = refused(served, endpoint)
    return str(error.response.json()["error"]["message"])


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_message_style_answers_with_an_openai_refusal(unpublished, upstream, endpoint, stream):
    served = unpublished
    expected = _message_of(served, endpoint)
    message_key, _ = served.new_key(style="message")
    with served.client(key=message_key) as client:
        response = call(client, endpoint, stream, raw=True)
        assert response.status_code == 200
        assert response.headers["x-cadre-frame"] == f"{SLUG}@none"
        if stream:
            assert response.headers["content-type"].startswith("text/event-stream")
        text = refusal_of(endpoint, stream, response.parse())
    assert text == expected
    assert CONSOLE in text
    assert upstream.requests == []
    decision = served.decisions()["data"][0]
    assert (decision["outcome"], decision["code"], decision["endpoint"]) == ("refused", "frame_missing", endpoint)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_text_style_answers_with_the_refusal_as_the_answers_text(unpublished, upstream, endpoint, stream):
    """For chat tools that show neither HTTP errors nor OpenAI's refusal fields (many read only the content)."""
    served = unpublished
    expected = _message_of(served, endpoint)
    text_key, _ = served.new_key(style="text")
    with served.client(key=text_key) as client:
        response = call(client, endpoint, stream, raw=True)
        assert response.status_code == 200
        answer = response.parse()
        if endpoint == "chat" and not stream:
            assert answer.choices[0].message.refusal is None
        assert text_of(endpoint, stream, answer) == expected
    assert upstream.requests == []
    assert served.decisions()["data"][0]["code"] == "frame_missing"


@pytest.mark.parametrize("endpoint", ["chat", "completions"])
@pytest.mark.parametrize("asked", [True, False], ids=["usage", "no-usage"])
def test_message_style_stream_ends_with_usage_when_asked(unpublished, upstream, endpoint, asked):
    served = unpublished
    message_key, _ = served.new_key(style="message")
    options = {"stream_options": {"include_usage": True}} if asked else {}
    with served.client(key=message_key) as client:
        chunks = list(call(client, endpoint, stream=True, **options))
    with_usage = [c for c in chunks if c.usage is not None]
    if asked:
        assert chunks[-1].choices == [] and with_usage == [chunks[-1]]
        assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (0, 0)
    else:
        assert with_usage == [] and all(c.choices for c in chunks)


def test_message_style_says_what_to_clarify_in_the_frame_language(serve, upstream, tighten_rules):
    served = start(serve, frame=good_frame("en", need=""))
    tighten_rules()
    expected = _message_of(served, "chat")
    message_key, _ = served.new_key(style="message")
    with served.client(key=message_key) as client:
        text = refusal_of("chat", True, call(client, "chat", stream=True))
    assert text == expected
    assert "“Need” is required" in text and CONSOLE in text
    assert "n'est pas clair" not in text
    assert upstream.requests == []


def test_message_style_still_gets_401_for_a_revoked_key(serve, upstream):
    served = start(serve, publish=False, style="message")
    with served.admin() as c:
        assert c.delete(f"/api/keys/{served.key_id}").status_code == 200
    error, _ = refused(served)
    assert isinstance(error, openai.AuthenticationError)
