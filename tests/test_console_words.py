"""What the decisions page and the report say, pure: decisions in words, a label per check outcome (a new
outcome needs only its line in app/messages/console.py), and priorities attributed by the frame's own words."""

from __future__ import annotations

import json

from app.console.views import decision_story
from app.frames.model import Frame
from app.messages import formats as strings
from app.revelateur.priorities import compile_priorities
from tests.support import good_frame


def row(**values: object) -> dict[str, object]:
    base: dict[str, object] = {"outcome": "forwarded", "code": None, "check_outcome": "fits", "findings": None,
                               "frame_version": 3}
    return {**base, **values}


def test_each_decision_in_words():
    hit = json.dumps([{"item": "Pas de vente de vélos neufs", "kind": "refusal", "source": "request"},
                      {"item": "low-cost", "kind": "lexicon", "source": "request"}])
    assert decision_story(row(), "fr").text == "Envoyée à l'IA avec le cadre (v3)."
    against = decision_story(row(check_outcome="off_frame", findings=hit), "fr")
    assert (against.kind, against.text.replace("\u00a0", " ")) == (  # French: no-break spaces inside « »
        "against", "Envoyée à l'IA, mais va contre « Pas de vente de vélos neufs », le mot banni « low-cost ».")
    refused = decision_story(row(outcome="refused", code="off_frame", check_outcome="off_frame", findings=hit), "en")
    assert refused.text == "Refused: goes against “Pas de vente de vélos neufs”, the banned word “low-cost”."
    assert decision_story(row(outcome="refused", code="frame_missing", check_outcome=None), "fr").text == (
        "Refusée\u00a0: aucun cadre publié.")
    assert decision_story(row(outcome="failed", code="upstream_timeout", check_outcome=None), "en").text == (
        "No answer: AI too slow.")


def test_a_label_per_check_outcome_and_a_fallback_for_a_new_one():
    assert set(strings.CHECK_OUTCOMES) >= {"fits", "off_frame"}
    assert strings.check_label("off_frame", "fr") == "contre le cadre"
    assert strings.check_label("fits", "en") == "within the frame"
    assert decision_story(row(check_outcome="some_new_outcome"), "fr").check == "some_new_outcome"


def test_priorities_attributed_by_the_frames_own_words():
    words = compile_priorities(Frame.model_validate(good_frame()))
    assert words.best("Écris un post sur nos réparations express et fiables") == 1
    assert words.best("Une newsletter pour fidéliser les cyclistes du quartier") == 2
    assert words.best("Écris un poème sur la mer") is None  # not attributed, not "no priority"
    english = compile_priorities(Frame.model_validate(good_frame("en")))
    assert english.best("Draft a margin report that owners will actually read") == 2
