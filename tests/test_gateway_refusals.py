"""The decision, seen from the official client: 401 for a bad key, 409 frame_missing / frame_unclear, the refusal's
shape and message, no retry by the SDK, and the "message" refusal style."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import openai
import pytest

from app.frames import rules as frame_rules
from app.frames.rules import lint_message
from tests.support import good_frame
from tests.support.gateway import CHAT, CONSOLE, ENDPOINTS, SLUG, RequestLog, Served, call, shared_cadre, start, text_of


def refused(served: Served, endpoint: str = "chat", stream: bool = False,
            key: str | None = None) -> tuple[openai.APIStatusError, RequestLog]:
    """Call with the SDK's default retries; return the error and what the SDK sent."""
    sent = RequestLog()
    client = served.client(key=key, max_retries=openai.DEFAULT_MAX_RETRIES, http_client=sent.http_client())
    with client, pytest.raises(openai.APIStatusError) as caught:
        call(client, endpoint, stream)
    return caught.value, sent


def assert_refusal_shape(error: openai.APIStatusError, status: int, type_: str, code: str) -> str:
    assert error.status_code == status
    body = error.response.json()
    assert set(body) == {"error"}
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
    assert "aucune version publiée" in message and "no published version" in message  # no language known yet
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


def test_archived_frame_is_frame_missing(serve, upstream):
    served = start(serve)
    with served.admin() as c:
        assert c.delete(f"/api/frames/{SLUG}").status_code == 200
    error, _ = refused(served)
    assert_refusal_shape(error, 409, "frame_refusal", "frame_missing")
    assert upstream.requests == []


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
def test_message_style_answers_with_the_refusal_as_assistant_text(unpublished, upstream, endpoint, stream):
    served = unpublished
    expected = _message_of(served, endpoint)
    message_key, _ = served.new_key(style="message")
    with served.client(key=message_key) as client:
        response = call(client, endpoint, stream, raw=True)
        assert response.status_code == 200
        assert response.headers["x-cadre-frame"] == f"{SLUG}@none"
        if stream:
            assert response.headers["content-type"].startswith("text/event-stream")
        text = text_of(endpoint, stream, response.parse())
    assert text == expected
    assert CONSOLE in text
    assert upstream.requests == []
    decision = served.decisions()["data"][0]
    assert (decision["outcome"], decision["code"], decision["endpoint"]) == ("refused", "frame_missing", endpoint)


def test_message_style_says_what_to_clarify_in_the_frame_language(serve, upstream, tighten_rules):
    served = start(serve, frame=good_frame("en", need=""))
    tighten_rules()
    expected = _message_of(served, "chat")
    message_key, _ = served.new_key(style="message")
    with served.client(key=message_key) as client:
        text = text_of("chat", True, call(client, "chat", stream=True))
    assert text == expected
    assert "“Need” is required" in text and CONSOLE in text
    assert upstream.requests == []


def test_message_style_still_gets_401_for_a_revoked_key(serve, upstream):
    served = start(serve, publish=False, style="message")
    with served.admin() as c:
        assert c.delete(f"/api/keys/{served.key_id}").status_code == 200
    error, _ = refused(served)
    assert isinstance(error, openai.AuthenticationError)
