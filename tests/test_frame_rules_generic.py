"""The clarity rules that catch vague frames: a promise made only of superlatives or generic claims, and
priorities that are every business's goal, in French and English (with what stays allowed)."""

from __future__ import annotations

import pytest

from app.frames.model import Frame
from app.frames.rules import lint
from tests.support import good_frame


def codes(**changes: object) -> list[tuple[str, str]]:
    language = str(changes.pop("language", "fr"))
    frame = Frame.model_validate(good_frame(language, **changes))
    return [(f.field, f.code) for f in lint(frame) if f.code in ("promise_generic", "priority_generic")]


@pytest.mark.parametrize(("language", "promise"), [
    ("fr", "Le meilleur service au meilleur prix."),
    ("fr", "Qualité et satisfaction client"),
    ("fr", "Un service professionnel, réactif et de proximité."),
    ("en", "The best service at the best price."),
    ("en", "Quality and customer satisfaction, always."),
])
def test_a_promise_of_generic_claims_only_is_an_error(language, promise):
    assert codes(language=language, promise=promise) == [("promise", "promise_generic")]
    frame = Frame.model_validate(good_frame(language, promise=promise))
    message = next(f.message for f in lint(frame) if f.code == "promise_generic")
    assert ("vérifier" if language == "fr" else "check") in message  # it says how to make it concrete


@pytest.mark.parametrize(("language", "promise"), [
    ("fr", "Votre vélo réparé en 48 heures, ou le prêt d'un vélo offert."),
    ("fr", "Le meilleur prix de Lyon sur les révisions de vélos, ou la différence remboursée."),
    ("en", "Your books closed by the 5th of every month, with one page on your margin."),
])
def test_a_promise_with_something_to_check_passes(language, promise):
    assert codes(language=language, promise=promise) == []


@pytest.mark.parametrize(("language", "priorities", "flagged"), [
    ("fr", ["Satisfaire nos clients"], ["priorities[0]"]),
    ("fr", ["Réparations rapides et fiables", "Se développer"], ["priorities[1]"]),
    ("fr", ["Augmenter le chiffre d'affaires", "Fidéliser nos clients"], ["priorities[0]", "priorities[1]"]),
    ("en", ["Satisfy our customers", "Grow the business"], ["priorities[0]", "priorities[1]"]),
])
def test_priorities_that_are_generic_goals_are_errors(language, priorities, flagged):
    assert codes(language=language, priorities=priorities) == [(f, "priority_generic") for f in flagged]


@pytest.mark.parametrize(("language", "priorities"), [
    ("fr", ["Réparations rapides et fiables", "Fidéliser les cyclistes du quartier"]),
    ("fr", ["Développer l'atelier mobile dans les entreprises de Lyon 7e"]),
    ("en", ["Books closed on time every month", "Grow the number of restaurants served in Bristol"]),
])
def test_priorities_that_name_who_or_what_pass(language, priorities):
    assert codes(language=language, priorities=priorities) == []
