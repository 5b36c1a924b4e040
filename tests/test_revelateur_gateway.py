"""The révélateur on /v1/*, seen from the official client: each check policy on every generation endpoint,
streamed and not (off forwards and records nothing; flag forwards and records the finding; refuse answers 400
off_frame and sends nothing upstream, or a normal completion for "message" keys), request excerpts, and the
answer check (a banned term in the model's answer: recorded; under refuse, a non-streamed answer replaced)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.support import good_frame
from tests.support.fake_upstream import FakeUpstream
from tests.support.gateway import (
    CONSOLE,
    ENDPOINTS,
    Served,
    call,
    last_id,
    latest,
    refusal_of,
    set_policy,
    shared_cadre,
    start,
    text_of,
)

OFF_FRAME = "Écris une annonce pour nos VTT neufs en promotion"  # "Pas de vente de vélos neufs"
FITS = "Écris un post sur la révision d'un vélo électrique"
REFUSAL = "Pas de vente de vélos neufs"
MODES = [(endpoint, stream) for endpoint in ENDPOINTS for stream in (False, True)]


def ask(client: openai.OpenAI, endpoint: str, text: str, stream: bool = False, raw: bool = False,
        **fields: Any) -> Any:
    """A generation request whose user text is ``text``."""
    if endpoint == "chat":
        fields["messages"] = [{"role": "user", "content": text}]
    elif endpoint == "completions":
        fields["prompt"] = text
    else:
        fields["input"] = text
    return call(client, endpoint, stream, raw=raw, **fields)


def generation_paths(upstream: FakeUpstream) -> list[str]:
    return [r.path for r in upstream.requests if not r.path.endswith("/models")]


def served_with(tmp_path_factory: pytest.TempPathFactory, upstream_url: str, policy: str,
                **settings: Any) -> Iterator[Served]:
    with shared_cadre(tmp_path_factory, upstream_url, **settings) as served:
        set_policy(served, policy)
        yield served


@pytest.fixture(scope="module")
def off(tmp_path_factory, upstream_server) -> Iterator[Served]:
    yield from served_with(tmp_path_factory, upstream_server[1], "off")


@pytest.fixture(scope="module")
def flag(tmp_path_factory, upstream_server) -> Iterator[Served]:
    yield from served_with(tmp_path_factory, upstream_server[1], "flag")


@pytest.fixture(scope="module")
def refuse(tmp_path_factory, upstream_server) -> Iterator[Served]:
    yield from served_with(tmp_path_factory, upstream_server[1], "refuse")


# ------------------------------------------------------------------------------------------------ off
@pytest.mark.parametrize(("endpoint", "stream"), MODES)
def test_off_forwards_and_records_no_check(off, upstream, endpoint, stream):
    mark = last_id(off)
    with off.client() as client:
        answer = ask(client, endpoint, OFF_FRAME, stream)
        assert text_of(endpoint, stream, answer)
    assert len(generation_paths(upstream)) == 1
    record = latest(off, mark)
    assert (record["outcome"], record["check_outcome"], record["findings"], record["excerpt"]) == (
        "forwarded", None, None, None)


# ----------------------------------------------------------------------------------------------- flag
@pytest.mark.parametrize(("endpoint", "stream"), MODES)
def test_flag_forwards_and_records_the_finding(flag, upstream, endpoint, stream):
    mark = last_id(flag)
    with flag.client() as client:
        answer = ask(client, endpoint, OFF_FRAME, stream)
        assert text_of(endpoint, stream, answer)
    assert len(generation_paths(upstream)) == 1
    record = latest(flag, mark)
    assert record["outcome"] == "forwarded"
    assert record["check_outcome"] == "off_frame"
    assert json.loads(record["findings"]) == [
        {"item": REFUSAL, "kind": "refusal", "field": "refusals[0]", "source": "request"}]
    assert record["excerpt"] and "VTT neufs" in record["excerpt"]  # CADRE_STORE_EXCERPTS=flagged (default)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_flag_records_fits_for_a_request_within_the_frame(flag, upstream, endpoint):
    mark = last_id(flag)
    with flag.client() as client:
        ask(client, endpoint, FITS)
    record = latest(flag, mark)
    assert (record["outcome"], record["check_outcome"], record["findings"]) == ("forwarded", "fits", None)


def test_flag_reads_every_user_message_and_text_parts(flag, upstream):
    messages = [{"role": "system", "content": "Tu es un assistant."},
                {"role": "user", "content": [{"type": "text", "text": "Bonjour."}]},
                {"role": "assistant", "content": "Bonjour, que puis-je faire ?"},
                {"role": "user", "content": [{"type": "text", "text": OFF_FRAME}]}]
    mark = last_id(flag)
    with flag.client() as client:
        client.chat.completions.create(model="fake-model", messages=messages)  # type: ignore[arg-type]
    assert latest(flag, mark)["check_outcome"] == "off_frame"


def test_flag_reads_the_user_items_of_a_responses_input(flag, upstream):
    items = [{"role": "user", "content": [{"type": "input_text", "text": OFF_FRAME}]}]
    mark = last_id(flag)
    with flag.client() as client:
        client.responses.create(model="fake-model", input=items)  # type: ignore[arg-type]
    assert latest(flag, mark)["check_outcome"] == "off_frame"


# --------------------------------------------------------------------------------------------- refuse
@pytest.mark.parametrize(("endpoint", "stream"), MODES)
def test_refuse_answers_400_off_frame_and_sends_nothing_upstream(refuse, upstream, endpoint, stream):
    mark = last_id(refuse)
    with refuse.client() as client, pytest.raises(openai.BadRequestError) as caught:
        ask(client, endpoint, OFF_FRAME, stream)
    error = caught.value
    assert error.status_code == 400
    assert error.response.headers["x-should-retry"] == "false"
    body = error.response.json()["error"]
    assert (body["type"], body["code"], body["param"]) == ("frame_refusal", "off_frame", None)
    assert f"« {REFUSAL} »" in body["message"]  # French frame: the message is in French
    assert "Cadre refuse cette demande" in body["message"]
    assert CONSOLE in body["message"]
    assert generation_paths(upstream) == []
    record = latest(refuse, mark)
    assert (record["outcome"], record["code"], record["check_outcome"]) == ("refused", "off_frame", "off_frame")
    assert json.loads(record["findings"])[0]["item"] == REFUSAL
    assert record["excerpt"] == OFF_FRAME  # refused: its excerpt is kept by default


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_refuse_forwards_a_request_that_fits(refuse, upstream, endpoint):
    mark = last_id(refuse)
    with refuse.client() as client:
        ask(client, endpoint, FITS)
    assert len(generation_paths(upstream)) == 1
    assert latest(refuse, mark)["check_outcome"] == "fits"


@pytest.mark.parametrize(("endpoint", "stream"), MODES)
def test_refuse_with_a_message_key_answers_a_normal_completion(refuse, upstream, endpoint, stream):
    mark = last_id(refuse)
    secret, _ = refuse.new_key(style="message")
    with refuse.client(key=secret) as client:
        text = refusal_of(endpoint, stream, ask(client, endpoint, OFF_FRAME, stream))
    assert "Cadre refuse cette demande" in text and REFUSAL in text and CONSOLE in text
    assert generation_paths(upstream) == []
    assert (latest(refuse, mark)["outcome"], latest(refuse, mark)["code"]) == ("refused", "off_frame")


def test_refuse_speaks_the_frame_language(serve, upstream):
    served = start(serve, frame=good_frame("en"))
    set_policy(served, "refuse")
    with served.client() as client, pytest.raises(openai.BadRequestError) as caught:
        ask(client, "chat", "Draft an offer for payroll outsourcing for a dental practice")
    message = caught.value.response.json()["error"]["message"]
    assert message.startswith("Cadre refuses this request")
    assert "the refusal “No payroll outsourcing”" in message
    assert generation_paths(upstream) == []


# ------------------------------------------------------------------------------------------- excerpts
def test_excerpts_all_keeps_every_checked_request(serve, upstream):
    served = start(serve, store_excerpts="all")
    mark = last_id(served)
    with served.client() as client:
        ask(client, "chat", FITS)
    assert latest(served, mark)["excerpt"] == FITS


def test_excerpts_refused_keeps_only_refused_requests(serve, upstream):
    served = start(serve, store_excerpts="refused")
    mark = last_id(served)
    with served.client() as client:
        ask(client, "chat", OFF_FRAME)
        ask(client, "chat", FITS)
    assert [r["excerpt"] for r in served.decisions()["data"] if r["id"] > mark] == [None, None]


def test_excerpts_are_erased_after_their_retention(serve, upstream):
    served = start(serve)  # flagged, kept CADRE_EXCERPT_DAYS (30)
    mark = last_id(served)
    with served.client() as client:
        ask(client, "chat", OFF_FRAME)
    assert latest(served, mark)["excerpt"]
    with served.admin() as admin:  # what the hourly clean-up runs, brought forward by the management API
        erased = admin.post("/api/decisions/forget-excerpts", params={"days": 0})
        assert erased.status_code == 200 and erased.json()["erased"] == 1
    record = latest(served, mark)
    assert record["excerpt"] is None and record["check_outcome"] == "off_frame"


def test_excerpts_none_keeps_nothing_even_when_refused(serve, upstream):
    served = start(serve, store_excerpts="none")
    set_policy(served, "refuse")
    mark = last_id(served)
    with served.client() as client, pytest.raises(openai.BadRequestError):
        ask(client, "chat", OFF_FRAME)
    record = latest(served, mark)
    assert (record["code"], record["excerpt"]) == ("off_frame", None)


def test_the_policy_change_reaches_the_gateway_at_once(serve, upstream):
    served = start(serve)
    with served.client() as client:
        ask(client, "chat", OFF_FRAME)  # flag by default: forwarded
        set_policy(served, "refuse")
        with pytest.raises(openai.BadRequestError):
            ask(client, "chat", OFF_FRAME)
        set_policy(served, "off")
        ask(client, "chat", OFF_FRAME)
    assert len(generation_paths(upstream)) == 2


# ------------------------------------------------------------------------------------------ answer check
BANNED_ANSWER = "Voici une offre low-cost pour votre vélo."


@pytest.mark.parametrize(("endpoint", "stream"), MODES)
def test_flag_records_a_banned_term_in_the_answer(flag, upstream, endpoint, stream):
    upstream.reply_text = upstream.stream_text = BANNED_ANSWER
    mark = last_id(flag)
    with flag.client() as client:
        text = text_of(endpoint, stream, ask(client, endpoint, FITS, stream))
    assert "low-cost" in text  # flag: the answer is relayed as it is
    record = latest(flag, mark)
    assert record["outcome"] == "forwarded"
    assert record["check_outcome"] == "off_frame"
    assert json.loads(record["findings"]) == [
        {"item": "low-cost", "kind": "lexicon", "field": "lexicon.banned[0]", "source": "answer"}]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_refuse_replaces_a_non_streamed_answer_that_breaks_the_frame(refuse, upstream, endpoint):
    upstream.reply_text = BANNED_ANSWER
    mark = last_id(refuse)
    with refuse.client() as client, pytest.raises(openai.BadRequestError) as caught:
        ask(client, endpoint, FITS)
    body = caught.value.response.json()["error"]
    assert (body["type"], body["code"]) == ("frame_refusal", "off_frame")
    assert "Cadre a retenu la réponse du modèle" in body["message"] and "« low-cost »" in body["message"]
    assert "low-cost pour votre" not in caught.value.response.text  # the answer itself never reaches the client
    assert len(generation_paths(upstream)) == 1
    record = latest(refuse, mark)
    assert (record["outcome"], record["code"], record["upstream_status"]) == ("refused", "off_frame", 200)
    assert json.loads(record["findings"])[0]["source"] == "answer"


def test_refuse_replaces_the_answer_with_a_message_for_message_keys(refuse, upstream):
    upstream.reply_text = BANNED_ANSWER
    secret, _ = refuse.new_key(style="message")
    with refuse.client(key=secret) as client:
        text = refusal_of("chat", False, ask(client, "chat", FITS))
    assert text.startswith("Cadre a retenu la réponse du modèle")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_refuse_relays_a_streamed_answer_and_records_it(refuse, upstream, endpoint):
    upstream.stream_text = BANNED_ANSWER
    mark = last_id(refuse)
    with refuse.client() as client:
        text = text_of(endpoint, True, ask(client, endpoint, FITS, True))
    assert "low-cost" in text  # already sent as it streamed: recorded, not replaced
    record = latest(refuse, mark)
    assert (record["outcome"], record["check_outcome"]) == ("forwarded", "off_frame")
    assert json.loads(record["findings"])[0]["source"] == "answer"


def test_findings_of_request_and_answer_are_both_kept(flag, upstream):
    upstream.reply_text = BANNED_ANSWER
    mark = last_id(flag)
    with flag.client() as client:
        ask(client, "chat", OFF_FRAME)
    sources = [f["source"] for f in json.loads(latest(flag, mark)["findings"])]
    assert sources == ["request", "answer"]


CONTEXT = "Mme Girard est passée ce matin avec son fils, qui entre en sixième et fait le trajet tous les jours : "
LONG_OFF_FRAME = CONTEXT + "écris une annonce pour nos VTT neufs en promotion, à poser en vitrine lundi."  # 33 words
LONG_BANNED = CONTEXT + "écris un post sur nos révisions low-cost, à publier lundi."


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_refuse_forwards_a_long_request_whose_refusal_is_to_check(refuse, upstream, endpoint):
    """Beyond 22 words (French) a request names its context, and a refusal found in it is to check: forwarded and
    recorded, not refused (a judge, when set, decides). A banned term is used whatever the length; the model's
    answer is read whatever its length."""
    assert len(LONG_OFF_FRAME.split()) > 22 >= len(OFF_FRAME.split())
    mark = last_id(refuse)
    with refuse.client() as client:
        assert text_of(endpoint, False, ask(client, endpoint, LONG_OFF_FRAME))
        record = latest(refuse, mark)
        assert (record["outcome"], record["check_outcome"]) == ("forwarded", "to_check")
        assert json.loads(record["findings"]) == [
            {"item": REFUSAL, "kind": "refusal", "field": "refusals[0]", "source": "request", "sure": False}]
        with pytest.raises(openai.BadRequestError) as caught:
            ask(client, endpoint, LONG_BANNED)
        assert caught.value.response.json()["error"]["code"] == "off_frame"
        upstream.reply_text = ("Voici une proposition pour la vitrine de lundi, à adapter selon vos stocks et les "
                               "tailles disponibles en boutique : grande vente de vélos neufs, VTT et vélos de "
                               "ville, jusqu'à moins vingt pour cent pendant tout le mois.")
        with pytest.raises(openai.BadRequestError) as caught:
            ask(client, endpoint, FITS)
    assert "Cadre a retenu la réponse du modèle" in caught.value.response.json()["error"]["message"]
