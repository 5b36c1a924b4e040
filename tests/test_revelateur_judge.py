"""The révélateur's judge (CADRE_JUDGE_MODEL) against the scripted fake upstream: under refuse it decides before
anything is forwarded (fits: forwarded with its priority; off-frame: 400 off_frame, the generation never sent;
no answer: fail open or closed), under flag it runs after the answer and its finding reaches the decision
late; answers are cached by frame version and request; nothing of it runs without the setting; the upstream key
never shows in what it reports."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from app.frames.model import Frame
from app.revelateur.judge import read_verdict
from tests.support import UPSTREAM_KEY, good_frame
from tests.support.fake_upstream import FakeUpstream
from tests.support.gateway import CapturedLogs, Served, call, set_policy, shared_cadre, start
from tests.support.waiting import wait_until

JUDGE = "judge-model"
REFUSAL = "Pas de promotions agressives"  # refusals[2] of the test frame
PUSHY = "Écris un SMS à tous nos clients : dernière chance, tout doit disparaître ce soir !"  # the local check passes
OFF = json.dumps({"fits": False, "priority": None, "refusal": REFUSAL, "why": "C'est une promotion agressive."})
FITS_2 = json.dumps({"fits": True, "priority": 2, "refusal": None, "why": "Cela fidélise le quartier."})
_n = itertools.count(1)


def fresh(text: str = "Rédige un post sur la révision des freins avant l'hiver") -> str:
    """``text`` made unique, so that no earlier test's judge answer is in the cache for it."""
    return f"{text} (n° {next(_n)})"


@pytest.fixture(scope="module")
def judged(tmp_path_factory, upstream_server) -> Iterator[Served]:
    """Cadre with a judge that has time to answer (fail open, the default)."""
    with shared_cadre(tmp_path_factory, upstream_server[1], judge_model=JUDGE, judge_timeout=5.0) as cadre:
        yield cadre


def chat(served: Served, text: str, headers: dict[str, str] | None = None, stream: bool = False) -> httpx.Response:
    """One chat request (read to its end); the raw HTTP response."""
    body: dict[str, Any] = {"model": "fake-model", "messages": [{"role": "user", "content": text}], "stream": stream}
    with served.http() as http:
        return http.post("/v1/chat/completions", json=body, headers=headers or {})


def decision(served: Served, response: httpx.Response, timeout: float = 5.0) -> dict[str, Any]:
    """The decision of ``response``, once it is in the log (bounded poll)."""
    request_id = response.headers["x-request-id"]
    found = wait_until(lambda: [d for d in served.decisions(limit=50)["data"] if d["request_id"] == request_id],
                     timeout)
    assert found, f"no decision for {request_id}"
    record: dict[str, Any] = found[0]
    return record


def findings(record: dict[str, Any]) -> list[dict[str, Any]]:
    return json.loads(record["findings"]) if record["findings"] else []


def judge_prompt(upstream: FakeUpstream) -> str:
    content: str = upstream.judge_requests[-1].body["messages"][0]["content"]
    return content


# -------------------------------------------------------------------------------------------- refuse
def test_a_request_that_fits_is_forwarded_with_the_judges_priority(judged, upstream):
    set_policy(judged, "refuse")
    upstream.judge_answer = FITS_2
    text = fresh()
    r = chat(judged, text)
    assert r.status_code == 200, r.text
    record = decision(judged, r)
    assert (record["outcome"], record["check_outcome"], record["findings"]) == ("forwarded", "fits", None)
    assert (record["priority"], record["priority_source"]) == (2, "judge")
    assert len(upstream.judge_requests) == 1 and len(upstream.requests) == 1
    sent = upstream.judge_requests[0].body
    assert (sent["model"], sent["temperature"], sent["stream"]) == (JUDGE, 0, False)
    assert sent["max_tokens"] <= 300 and "response_format" not in sent
    prompt = judge_prompt(upstream)  # the frame's data and the request, in the frame's language
    assert text in prompt and REFUSAL in prompt and "1. Réparations rapides et fiables" in prompt
    assert "UNIQUEMENT" in prompt
    # The generation itself went out as usual: the frame injected, the client's model.
    assert upstream.requests[0].body["model"] == "fake-model"


def test_a_declared_priority_wins_over_the_judges(judged, upstream):
    set_policy(judged, "refuse")
    upstream.judge_answer = FITS_2
    record = decision(judged, chat(judged, fresh(), {"x-cadre-priority": "1"}))
    assert (record["priority"], record["priority_source"]) == (1, "header")


@pytest.mark.parametrize("endpoint", ["chat", "completions", "responses"])
@pytest.mark.parametrize("stream", [False, True])
def test_off_frame_under_refuse_is_refused_before_the_upstream(judged, upstream, endpoint, stream):
    set_policy(judged, "refuse")
    upstream.judge_answer = OFF
    text = fresh(PUSHY)
    fields: dict[str, Any] = ({"messages": [{"role": "user", "content": text}]} if endpoint == "chat"
                              else {"prompt": text} if endpoint == "completions" else {"input": text})
    with judged.client() as client, pytest.raises(openai.BadRequestError) as caught:
        answer = call(client, endpoint, stream, **fields)
        if stream:
            list(answer)
    error = caught.value
    assert error.status_code == 400
    assert (error.body["code"], error.body["type"]) == ("off_frame", "frame_refusal")
    assert REFUSAL in error.body["message"] and "C'est une promotion agressive." in error.body["message"]
    assert error.response.headers["x-should-retry"] == "false"
    assert upstream.requests == []  # the generation never reached the upstream
    assert len(upstream.judge_requests) == 1
    record = decision(judged, error.response)
    assert (record["outcome"], record["code"], record["check_outcome"]) == ("refused", "off_frame", "off_frame")
    assert findings(record) == [{"item": REFUSAL, "kind": "refusal", "field": "refusals[2]", "source": "judge",
                                 "why": "C'est une promotion agressive."}]


def test_the_judge_is_not_asked_when_the_local_check_already_refused(judged, upstream):
    set_policy(judged, "refuse")
    r = chat(judged, fresh("Écris une annonce pour nos VTT neufs en promotion"))
    assert (r.status_code, r.json()["error"]["code"]) == (400, "off_frame")
    assert upstream.judge_requests == [] and upstream.requests == []
    assert [f["source"] for f in findings(decision(judged, r))] == ["request"]


def test_a_message_key_gets_the_judges_refusal_as_a_message(judged, upstream):
    set_policy(judged, "refuse")
    upstream.judge_answer = OFF
    secret, _ = judged.new_key(style="message")
    with judged.client(key=secret) as client:
        answer = client.chat.completions.create(model="fake-model",
                                                messages=[{"role": "user", "content": fresh(PUSHY)}])
    assert answer.choices[0].message.content is None
    assert REFUSAL in str(answer.choices[0].message.refusal)
    assert upstream.requests == []


# ------------------------------------------------------------------------------------ cache, sharing
def test_a_second_identical_request_is_answered_from_the_cache(judged, upstream):
    set_policy(judged, "refuse")
    upstream.judge_answer = FITS_2
    text = fresh()
    first, second = chat(judged, text), chat(judged, text)
    assert (first.status_code, second.status_code) == (200, 200)
    assert len(upstream.judge_requests) == 1  # one judge call for both
    assert len(upstream.requests) == 2
    assert (decision(judged, second)["priority"], decision(judged, second)["priority_source"]) == (2, "judge")
    assert chat(judged, fresh()).status_code == 200  # another text: another call
    assert len(upstream.judge_requests) == 2


def test_identical_requests_in_flight_share_one_judge_call(judged, upstream):
    set_policy(judged, "refuse")
    upstream.judge_delay = 0.5
    text = fresh()
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(chat(judged, text).status_code)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert statuses == [200, 200, 200]
    assert len(upstream.judge_requests) == 1


# ---------------------------------------------------------------------------------------------- flag
@pytest.mark.parametrize("stream", [False, True])
def test_under_flag_the_judge_runs_after_the_answer_and_its_finding_arrives_late(judged, upstream, stream):
    set_policy(judged, "flag")
    upstream.judge_answer, upstream.judge_delay = OFF, 1.0
    r = chat(judged, fresh(PUSHY), stream=stream)
    assert r.status_code == 200
    assert upstream.judge_answered == 0  # the client has its whole answer; the judge has not answered yet
    assert len(upstream.requests) == 1
    record = decision(judged, r)  # held until the judge answered: when it shows, the finding is in it
    assert upstream.judge_answered == 1
    assert (record["outcome"], record["check_outcome"]) == ("forwarded", "off_frame")
    # Excerpts are kept for flagged and refused requests (the default): the judge's sentence goes with them.
    found = findings(record)
    assert [{k: v for k, v in f.items() if k != "why"} for f in found] == [
        {"item": REFUSAL, "kind": "refusal", "field": "refusals[2]", "source": "judge"}]
    assert found[0].get("why") and record["excerpt"]


def test_under_flag_the_judge_attributes_the_priority(judged, upstream):
    set_policy(judged, "flag")
    upstream.judge_answer = FITS_2
    record = decision(judged, chat(judged, fresh()))
    assert (record["outcome"], record["check_outcome"], record["findings"]) == ("forwarded", "fits", None)
    assert (record["priority"], record["priority_source"]) == (2, "judge")


def test_under_flag_no_answer_is_recorded_and_changes_nothing_else(judged, upstream):
    set_policy(judged, "flag")
    upstream.judge_mode = "garbage"
    r = chat(judged, fresh())
    assert r.status_code == 200
    record = decision(judged, r)
    assert (record["outcome"], record["code"], record["check_outcome"]) == ("forwarded", None, "fits")
    assert findings(record) == [{"item": None, "kind": "judge_unavailable", "field": None, "source": "judge",
                                 "reason": "invalid_answer"}]


def test_under_off_there_is_no_judge(judged, upstream):
    set_policy(judged, "off")
    r = chat(judged, fresh(PUSHY))
    assert r.status_code == 200
    record = decision(judged, r)
    assert (record["check_outcome"], record["priority"]) == (None, None)
    assert upstream.judge_requests == []


def test_the_check_endpoint_returns_the_judges_priority_and_finding(judged, upstream):
    upstream.judge_answer = json.dumps({"fits": False, "priority": 2, "refusal": REFUSAL, "why": "Trop agressif."})
    with judged.admin() as c:
        r = c.post(f"/api/frames/{judged.slug}/check", json={"prompt": fresh(PUSHY)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["outcome"], body["priority"]) == ("off_frame", 2)
    assert body["findings"] == [{"item": REFUSAL, "kind": "refusal", "field": "refusals[2]", "source": "judge",
                                 "why": "Trop agressif."}]
    assert body["judge"] == {"answered": True, "fits": False, "priority": 2, "refusal": REFUSAL,
                             "why": "Trop agressif."}
    assert upstream.requests == []  # nothing forwarded


# ------------------------------------------------------------------------------- no answer in time
def test_a_judge_timeout_fails_open_by_default(serve, upstream):
    served = start(serve, judge_model=JUDGE, judge_timeout=0.3)
    set_policy(served, "refuse")
    upstream.judge_delay = 2.0
    r = chat(served, fresh())
    assert r.status_code == 200, r.text  # forwarded without the judge's answer
    assert len(upstream.requests) == 1
    record = decision(served, r)
    assert (record["outcome"], record["code"]) == ("forwarded", "judge_unavailable")
    assert findings(record) == [{"item": None, "kind": "judge_unavailable", "field": None, "source": "judge",
                                 "reason": "timeout"}]
    with served.admin() as c:  # the check endpoint: no answer, so no priority; the local result stands
        body = c.post(f"/api/frames/{served.slug}/check", json={"prompt": fresh()}).json()
    assert (body["outcome"], body["priority"], body["judge"]) == ("fits", None, {"answered": False,
                                                                                   "reason": "timeout"})
    assert wait_until(lambda: upstream.judge_answered == 2, 5.0)  # let the fake finish before the next test


def test_a_judge_timeout_fails_closed_when_asked(serve, upstream):
    served = start(serve, judge_model=JUDGE, judge_timeout=0.3, judge_fail="closed")
    set_policy(served, "refuse")
    upstream.judge_delay = 2.0
    r = chat(served, fresh())
    assert r.status_code == 503
    error = r.json()["error"]
    assert (error["code"], error["type"]) == ("judge_unavailable", "server_error")
    assert "Réessayez" in error["message"] and "Try again" in error["message"] and "timeout" in error["message"]
    assert r.headers["x-should-retry"] == "true"
    assert upstream.requests == []  # nothing forwarded
    record = decision(served, r)
    assert (record["outcome"], record["code"]) == ("refused", "judge_unavailable")
    assert wait_until(lambda: upstream.judge_answered == 1, 5.0)


def test_the_upstream_key_never_shows_in_what_the_judge_reports(serve, upstream):
    served = start(serve, judge_model=JUDGE, judge_fail="closed")
    upstream.judge_mode = "error401"  # the upstream quotes the key it got
    with CapturedLogs() as logs:
        set_policy(served, "refuse")
        r = chat(served, fresh())
        assert r.status_code == 503
        assert "upstream_error" in r.json()["error"]["message"]
        record = decision(served, r)
        set_policy(served, "flag")
        flagged = decision(served, chat(served, fresh()))
        with served.admin() as c:
            checked = c.post(f"/api/frames/{served.slug}/check", json={"prompt": fresh()})
    assert len(upstream.judge_requests) == 3
    assert upstream.judge_requests[0].headers["authorization"] == f"Bearer {UPSTREAM_KEY}"  # it was sent
    for text in (r.text, json.dumps(record), json.dumps(flagged), checked.text, logs.text):
        assert UPSTREAM_KEY not in text
    assert "judge call failed" in logs.text and "401" in logs.text


# -------------------------------------------------------------------------------------- no judge set
def test_without_a_judge_model_the_judge_is_never_called(serve, upstream):
    served = start(serve)
    for policy in ("flag", "refuse"):
        set_policy(served, policy)
        record = decision(served, chat(served, fresh(PUSHY)))
        assert (record["outcome"], record["priority"], record["findings"]) == ("forwarded", None, None)
    with served.admin() as c:
        body = c.post(f"/api/frames/{served.slug}/check", json={"prompt": fresh(PUSHY)}).json()
    assert (body["outcome"], body["priority"], body["judge"]) == ("fits", None, None)
    assert upstream.judge_requests == []
    assert [r.body["model"] for r in upstream.requests] == ["fake-model", "fake-model"]


# ------------------------------------------------------------------------------ reading the answers
FRAME = Frame(**good_frame())


def test_the_answer_is_read_bare_in_a_code_fence_or_with_text_around():
    for content in (OFF, f"```json\n{OFF}\n```", f"Voici : {OFF} Voilà."):
        verdict = read_verdict(content, FRAME)
        assert verdict is not None
        assert (verdict.fits, verdict.refusal, verdict.index) == (False, REFUSAL, 2)


def test_the_refusal_must_be_one_of_the_frame_and_the_priority_one_of_its_ranks():
    def answer(**fields: Any) -> str:
        return json.dumps({"fits": False, "priority": None, "refusal": REFUSAL, "why": "x", **fields})

    loose = read_verdict(answer(refusal="  pas de PROMOTIONS agressives. "), FRAME)
    assert loose is not None and loose.refusal == REFUSAL  # the item exactly as the frame writes it
    assert read_verdict(answer(refusal="Pas de vente de voitures"), FRAME) is None  # not an item: no answer
    assert read_verdict(answer(refusal=None), FRAME) is None  # off the frame, naming nothing: no answer
    ranked = read_verdict(json.dumps({"fits": True, "priority": "2"}), FRAME)
    assert ranked is not None and ranked.priority == 2
    outside = read_verdict(json.dumps({"fits": True, "priority": 3}), FRAME)  # the frame has 2 priorities
    assert outside is not None and outside.priority is None
    for bad in ("", "pas de JSON", "{fits: true}", '{"fits": "yes"}', "[true]", '{"priority": 1}'):
        assert read_verdict(bad, FRAME) is None
