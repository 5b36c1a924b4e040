"""Every clarity rule firing and not firing, in French and English, through ``POST /api/lint``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import ADMIN, good_frame

Finding = dict[str, str]


def lint(client: TestClient, frame: dict[str, Any], **params: str) -> list[Finding]:
    """The findings the API returns for ``frame`` (checking the response's shape on the way)."""
    r = client.post("/api/lint", json=frame, headers=ADMIN, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    findings: list[Finding] = body["findings"]
    for f in findings:
        assert set(f) == {"field", "code", "severity", "message"}
        assert f["severity"] in ("error", "warning")
    assert body["errors"] == sum(f["severity"] == "error" for f in findings)
    assert body["warnings"] == sum(f["severity"] == "warning" for f in findings)
    severities = [f["severity"] for f in findings]
    assert severities == sorted(severities), "errors come first"
    return findings


def lint_with(client: TestClient, language: str, **changes: Any) -> list[Finding]:
    """The findings for the good frame of ``language`` with ``changes``."""
    return lint(client, good_frame(language, **changes))


def of(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f["code"] == code]


def error(field: str, code: str, message: str) -> Finding:
    return {"field": field, "code": code, "severity": "error", "message": message}


def warning(field: str, code: str, message: str) -> Finding:
    return {"field": field, "code": code, "severity": "warning", "message": message}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_good_frames_have_nothing_to_clarify(client: TestClient, language: str) -> None:
    assert lint_with(client, language) == []


# ------------------------------------------------------------------------------------ required fields
REQUIRED = {
    ("fr", "name"): "« Nom » est obligatoire : écrivez-le en une phrase concrète.",
    ("fr", "offer"): "« Offre » est obligatoire : écrivez-le en une phrase concrète.",
    ("fr", "audience"): "« Public visé » est obligatoire : écrivez-le en une phrase concrète.",
    ("fr", "promise"): "« Promesse » est obligatoire : écrivez-le en une phrase concrète.",
    ("en", "name"): "“Name” is required: write it as one concrete sentence.",
    ("en", "offer"): "“Offer” is required: write it as one concrete sentence.",
    ("en", "audience"): "“Audience” is required: write it as one concrete sentence.",
    ("en", "promise"): "“Promise” is required: write it as one concrete sentence.",
}


@pytest.mark.parametrize(("language", "field"), list(REQUIRED))
@pytest.mark.parametrize("value", ["", "   \n ", None], ids=["empty", "blank", "absent"])
def test_a_required_field_missing_is_an_error(client: TestClient, language: str, field: str,
                                              value: str | None) -> None:
    frame = good_frame(language)
    if value is None:
        del frame[field]
    else:
        frame[field] = value
    assert lint(client, frame) == [error(field, "required", REQUIRED[language, field])]


def test_an_empty_frame_lists_every_missing_decision(client: TestClient) -> None:
    codes = {(f["field"], f["code"]) for f in lint(client, {})}
    assert {("name", "required"), ("offer", "required"), ("audience", "required"), ("promise", "required"),
            ("priorities", "priorities_count"), ("refusals", "refusal_missing"), ("need", "need_missing"),
            ("proof", "proof_missing"), ("alternatives", "alternatives_missing")} == codes


# --------------------------------------------------------------------------------------- placeholders
@pytest.mark.parametrize(("language", "value"), [
    ("fr", "TBD"), ("fr", "À définir"), ("fr", "à définir."), ("fr", "?"), ("fr", "..."), ("fr", "…"),
    ("fr", "xxx"), ("fr", "XXXXX"), ("fr", "Lorem ipsum dolor sit amet"), ("fr", "à préciser"), ("fr", "—"),
    ("fr", "Réparation de vélos (tarifs à définir)"), ("fr", "Atelier TODO"),
    ("en", "TBD"), ("en", "To be defined"), ("en", "?"), ("en", "..."), ("en", "xxx"), ("en", "lorem"),
    ("en", "Bookkeeping for restaurants (TBC)"), ("en", "n/a"),
])
def test_a_placeholder_is_an_error(client: TestClient, language: str, value: str) -> None:
    message = {
        "fr": f"« Offre » contient un texte provisoire (« {value} ») : remplacez-le par une vraie décision.",
        "en": f"“Offer” holds a placeholder (“{value}”): replace it with a real decision.",
    }[language]
    assert lint_with(client, language, offer=value) == [error("offer", "placeholder", message)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_placeholders_are_found_in_list_items_and_the_voice(client: TestClient, language: str) -> None:
    frame = good_frame(language)
    frame["refusals"] = [*frame["refusals"][:1], "TBD", *frame["refusals"][1:]]
    frame["proof"] = ["xxx"]
    frame["voice"] = {"tone": "???", "address": "vous"}
    found = of(lint(client, frame), "placeholder")
    assert [(f["field"], f["severity"]) for f in found] == [
        ("refusals[1]", "error"), ("proof[0]", "error"), ("voice.tone", "error")]
    label = {"fr": "« Refus » contient un texte provisoire", "en": "“Refusals” holds a placeholder"}[language]
    assert found[0]["message"].startswith(label)


@pytest.mark.parametrize(("language", "field", "value"), [
    ("fr", "name", "Studio XXL"),
    ("fr", "need", "Savoir combien coûte la réparation avant de laisser son vélo ?"),
    ("fr", "offer", "Réparation de vélos... et de vélos cargo"),
    ("fr", "offer", "Taxis vélo et livraisons express dans Lyon"),
    ("en", "need", "Knowing their margin every month, not just at year end?"),
    ("en", "offer", "Cakes to be delivered anywhere in Leeds"),
    ("en", "name", "Box & Co"),
])
def test_real_text_with_question_marks_or_xs_is_not_a_placeholder(client: TestClient, language: str, field: str,
                                                                   value: str) -> None:
    assert of(lint_with(client, language, **{field: value}), "placeholder") == []


# ------------------------------------------------------------------------------------------- audience
EVERYONE_FR = ["Tout le monde", "Tous publics", "Toutes les entreprises", "Le grand public", "tout public",
               "N'importe qui ayant un vélo", "Particuliers, associations, entreprises : tout le monde",
               "Toutes les entreprises, quelle que soit leur taille", "Toute personne qui a un vélo"]
EVERYONE_EN = ["Everyone", "Anyone with a bike", "All businesses", "The general public", "everybody in Bristol",
               "All businesses that sell online", "Restaurants, cafés and really anyone who eats out"]


@pytest.mark.parametrize(("language", "audience"), [("fr", a) for a in EVERYONE_FR] + [("en", a) for a in EVERYONE_EN])
def test_an_audience_of_everyone_is_an_error(client: TestClient, language: str, audience: str) -> None:
    message = {
        "fr": f"« Public visé » s'adresse à tout le monde (« {audience} ») : nommez qui vous servez vraiment.",
        "en": f"“Audience” addresses everyone (“{audience}”): name who you really serve.",
    }[language]
    assert lint_with(client, language, audience=audience) == [error("audience", "audience_everyone", message)]


@pytest.mark.parametrize(("language", "audience"), [("fr", "Tout le monde"), ("en", "Anyone at all")])
def test_a_secondary_audience_of_everyone_is_an_error(client: TestClient, language: str, audience: str) -> None:
    found = lint_with(client, language, secondary_audiences=["Les clubs de cyclisme du Rhône", audience])
    label = {"fr": "« Publics secondaires » s'adresse à tout le monde",
             "en": "“Secondary audiences” addresses everyone"}
    assert [(f["field"], f["code"], f["severity"]) for f in found] == [
        ("secondary_audiences[1]", "audience_everyone", "error")]
    assert found[0]["message"].startswith(label[language])


@pytest.mark.parametrize(("language", "audience"), [
    ("fr", "Familles lyonnaises où tout le monde va à l'école à vélo"),
    ("fr", "Parents du 7e qui veulent que tout le monde roule en sécurité"),
    ("fr", "Cyclistes du quotidien qui vont travailler à vélo dans Lyon"),
    ("fr", "Commerçants du quartier ouverts tous les jours"),
    ("en", "Restaurant owners who don't want anyone else touching their books"),
    ("en", "Small bakeries where everyone does a bit of everything"),
    ("en", "Owners of independent restaurants in Bristol with 5 to 30 staff"),
])
def test_a_named_audience_is_not_everyone(client: TestClient, language: str, audience: str) -> None:
    assert lint_with(client, language, audience=audience,
                     secondary_audiences=[audience]) == []


# ---------------------------------------------------------------------------------------------- offer
@pytest.mark.parametrize(("language", "offer"), [
    ("fr", "Services"), ("fr", "Des solutions sur mesure"), ("fr", "Accompagnement et conseil personnalisés"),
    ("fr", "Conseil en stratégie"), ("fr", "Nous vous accompagnons dans tous vos projets"),
    ("fr", "Des solutions digitales innovantes pour booster votre croissance"),
    ("en", "Services"), ("en", "Tailored solutions"), ("en", "Strategic consulting services"),
    ("en", "We help businesses grow"), ("en", "End-to-end digital transformation"),
])
def test_an_offer_of_generic_words_only_is_an_error(client: TestClient, language: str, offer: str) -> None:
    message = {
        "fr": f"L'offre n'est faite que de mots génériques (« {offer} ») : dites ce que vous vendez concrètement.",
        "en": f"The offer is made only of generic words (“{offer}”): say what you concretely sell.",
    }[language]
    assert lint_with(client, language, offer=offer) == [error("offer", "offer_generic", message)]


@pytest.mark.parametrize(("language", "offer"), [
    ("fr", "Services de réparation de vélos à Lyon"),
    ("fr", "Conseil en gestion de patrimoine pour médecins libéraux"),
    ("fr", "Accompagnement à la création d'entreprise pour artisans du bâtiment"),
    ("fr", "Solutions de paiement pour les marchés de plein air"),
    ("en", "Bookkeeping services for restaurants"),
    ("en", "Consulting on kitchen hygiene audits"),
    ("en", "Tailored wedding cakes, delivered in Leeds"),
])
def test_a_concrete_offer_may_contain_a_generic_word(client: TestClient, language: str, offer: str) -> None:
    assert lint_with(client, language, offer=offer) == []


# -------------------------------------------------------------------------------------------- promise
@pytest.mark.parametrize(("language", "promise", "count"), [
    ("fr", "Réparé en 48 h. Sinon, un vélo de prêt.", 2),
    ("fr", "Un rendez-vous sous 48 h ? C'est promis !", 2),
    ("fr", "Réparé vite. Réparé bien. Réparé à Lyon.", 3),
    ("fr", "Votre vélo réparé. 4,8 sur 5 de moyenne.", 2),
    ("en", "Books closed by the 5th. Every month. No excuses.", 3),
    ("en", "Your books closed on time! Or your month is free.", 2),
])
def test_a_promise_of_several_sentences_is_an_error(client: TestClient, language: str, promise: str,
                                                    count: int) -> None:
    message = {"fr": f"La promesse tient en une seule phrase ; elle en compte {count}.",
               "en": f"The promise must be one sentence; it has {count}."}[language]
    assert lint_with(client, language, promise=promise) == [error("promise", "promise_sentences", message)]


@pytest.mark.parametrize(("language", "promise"), [
    ("fr", "Votre vélo réparé en 48 h. ou le prêt d'un vélo offert."),
    ("fr", "Votre vélo réparé en 48 h."),
    ("fr", "Une note de 4.8 sur 5, ou la révision suivante offerte."),
    ("fr", "Un devis à 49.90 € pour tout vélo, réparé sous 2 jours."),
    ("fr", "M. Martin répare votre vélo sous 48 h, ou le prêt d'un vélo offert."),
    ("fr", "Votre vélo réparé sous 48 h… ou un vélo de prêt."),
    ("en", "Your books closed by 5 p.m. on the 5th, every month."),
    ("en", "Rated 4.9 by 200 owners: books closed by the 5th, or the month is free."),
    ("en", "Dr. Patel reviews your margin report within 2.5 days."),
])
def test_abbreviations_and_decimals_do_not_end_the_promise(client: TestClient, language: str, promise: str) -> None:
    assert lint_with(client, language, promise=promise) == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_promise_over_200_characters_is_an_error(client: TestClient, language: str) -> None:
    words = ("Votre vélo réparé sous 48 h" + ", puis révisé et rendu propre" * 10)
    at_limit, too_long = words[:199] + ".", words[:200] + "."
    assert (len(at_limit), len(too_long)) == (200, 201)
    assert lint_with(client, language, promise=at_limit) == []
    message = {"fr": "La promesse dépasse 200 caractères (201) : resserrez-la.",
               "en": "The promise is over 200 characters (201): tighten it."}[language]
    assert lint_with(client, language, promise=too_long) == [error("promise", "promise_too_long", message)]


# ----------------------------------------------------------------------------------------- priorities
SIX = ["Réparer vite", "Réparer bien", "Fidéliser le quartier", "Former un apprenti", "Ouvrir le samedi",
       "Publier les tarifs"]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("items", "count"), [([], 0), (["", " "], 0), (SIX[:4], 4), (SIX, 6)],
                         ids=["none", "blank", "four", "six"])
def test_zero_or_more_than_three_priorities_is_an_error(client: TestClient, language: str, items: list[str],
                                                       count: int) -> None:
    message = {"fr": f"Il faut de 1 à 3 priorités classées ; il y en a {count}.",
               "en": f"There must be 1 to 3 ranked priorities; there are {count}."}[language]
    assert lint_with(client, language, priorities=items) == [error("priorities", "priorities_count", message)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_one_to_three_priorities_are_fine(client: TestClient, language: str) -> None:
    three = {"fr": ["Réparer vite", "Réparer bien", "Fidéliser le quartier"],
             "en": ["Close books on time", "Explain the margin", "Keep clients for years"]}[language]
    for n in (1, 2, 3):
        assert lint_with(client, language, priorities=three[:n]) == []


@pytest.mark.parametrize(("language", "priorities", "message"), [
    ("fr", ["Réparations rapides", "Fidéliser le quartier", "réparations rapides !"],
     "La priorité « réparations rapides ! » apparaît deux fois."),
    ("fr", ["Réparation rapide", "Réparations rapides"], "La priorité « Réparations rapides » apparaît deux fois."),
    ("en", ["Books closed on time", "books closed on time."],
     "The priority “books closed on time.” appears twice."),
])
def test_a_duplicate_priority_is_an_error(client: TestClient, language: str, priorities: list[str],
                                          message: str) -> None:
    field = f"priorities[{len(priorities) - 1}]"
    assert lint_with(client, language, priorities=priorities) == [error(field, "priority_duplicate", message)]


# ------------------------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Aucun refus : écrivez au moins une chose à laquelle vous dites non."),
    ("en", "No refusal: write at least one thing you say no to."),
])
@pytest.mark.parametrize("refusals", [[], ["", "  "]], ids=["none", "blank"])
def test_no_refusal_is_an_error(client: TestClient, language: str, message: str, refusals: list[str]) -> None:
    assert lint_with(client, language, refusals=refusals) == [error("refusals", "refusal_missing", message)]


CONTRADICTIONS = [
    ("fr", "Développer la vente de vélos neufs", "Pas de vente de vélos neufs"),
    ("fr", "Vendre des vélos neufs", "Pas de vente de vélos neufs"),
    ("fr", "Lancer des promotions agressives chaque mois", "Pas de promotions agressives"),
    ("fr", "Développer la livraison à domicile", "Jamais de livraison"),
    ("fr", "Accepter les urgences du soir", "Pas d'urgences le soir"),
    ("en", "Win more wedding cake orders", "No wedding cakes"),
    ("en", "Sign payroll outsourcing clients", "No payroll outsourcing"),
    ("en", "Open a second office outside Bristol", "No offices outside Bristol"),
]


@pytest.mark.parametrize(("language", "priority", "refusal"), CONTRADICTIONS)
def test_a_priority_that_pursues_a_refusal_is_an_error(client: TestClient, language: str, priority: str,
                                                       refusal: str) -> None:
    frame = good_frame(language)
    frame["priorities"] = [frame["priorities"][0], priority]
    frame["refusals"] = [*frame["refusals"], refusal]
    message = {"fr": f"La priorité « {priority} » contredit le refus « {refusal} ».",
               "en": f"The priority “{priority}” contradicts the refusal “{refusal}”."}[language]
    assert lint(client, frame) == [error("priorities[1]", "priority_contradicts_refusal", message)]


@pytest.mark.parametrize(("language", "priority", "refusal"), [
    ("fr", "Vendre des pièces détachées pour vélos", "Pas de vente de vélos neufs"),  # shares "vélos" only
    ("fr", "Réparer vite les vélos électriques", "Pas de réparation de trottinettes électriques"),
    ("fr", "Ne plus vendre de vélos neufs", "Pas de vente de vélos neufs"),  # moves away: agrees
    ("fr", "Réduire les promotions", "Pas de promotions agressives"),
    ("fr", "Fidéliser les clients de Lyon", "Pas de clients hors de Lyon"),  # keeps what the refusal spares
    ("en", "Sell wedding cake toppers", "No wedding catering"),
    ("en", "Grow our client base in hospitality", "No clients outside hospitality"),
    ("en", "Stop taking rush orders", "No rush orders"),
])
def test_a_close_priority_that_does_not_contradict(client: TestClient, language: str, priority: str,
                                                   refusal: str) -> None:
    frame = good_frame(language)
    frame["priorities"] = [frame["priorities"][0], priority]
    frame["refusals"] = [*frame["refusals"], refusal]
    assert lint(client, frame) == []


# ------------------------------------------------------------------------------- secondary audiences
@pytest.mark.parametrize(("language", "audiences", "message"), [
    ("fr", ["Clubs de cyclisme", "Livreurs à vélo", "Étudiants de Lyon 2"],
     "Deux publics secondaires au plus ; il y en a 3."),
    ("en", ["Cafés", "Food trucks", "Wine bars", "Bakeries"], "At most two secondary audiences; there are 4."),
])
def test_more_than_two_secondary_audiences_is_an_error(client: TestClient, language: str, audiences: list[str],
                                                       message: str) -> None:
    assert lint_with(client, language, secondary_audiences=audiences) == [
        error("secondary_audiences", "secondary_audiences_count", message)]
    assert lint_with(client, language, secondary_audiences=audiences[:2]) == []
    assert lint_with(client, language, secondary_audiences=[*audiences[:2], "", " "]) == []


# ------------------------------------------------------------------------------------------- warnings
@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Moins de 3 refus (2) : un cadre clair dit non à plusieurs choses."),
    ("en", "Fewer than 3 refusals (2): a clear frame says no to several things."),
])
def test_fewer_than_three_refusals_is_a_warning(client: TestClient, language: str, message: str) -> None:
    refusals = good_frame(language)["refusals"]
    assert lint_with(client, language, refusals=refusals[:2]) == [warning("refusals", "refusals_few", message)]
    assert of(lint_with(client, language, refusals=refusals[:1]), "refusals_few")[0]["message"] == \
        message.replace("(2)", "(1)")
    assert lint_with(client, language, refusals=refusals[:3]) == []


@pytest.mark.parametrize(("language", "field", "empty", "message"), [
    ("fr", "need", "", "Le besoin auquel l'offre répond n'est pas écrit (recommandé)."),
    ("fr", "proof", [], "Aucune preuve (références, chiffres, avis) : la promesse n'est pas étayée (recommandé)."),
    ("fr", "alternatives", [""], "Les alternatives de vos clients (ce qu'ils feraient sans vous) ne sont pas écrites "
     "(recommandé)."),
    ("en", "need", "  ", "The need the offer answers is not written (recommended)."),
    ("en", "proof", [""], "No proof (references, figures, reviews): the promise is unsupported (recommended)."),
    ("en", "alternatives", [], "Your customers' alternatives (what they would do without you) are not written "
     "(recommended)."),
])
def test_a_missing_recommended_field_is_a_warning(client: TestClient, language: str, field: str, empty: Any,
                                                  message: str) -> None:
    assert lint_with(client, language, **{field: empty}) == [warning(field, f"{field}_missing", message)]


@pytest.mark.parametrize(("language", "message"), [
    ("fr", "La date de revue (2025-03-31) est passée : relisez le cadre."),
    ("en", "The review date (2025-03-31) has passed: read the frame again."),
])
def test_a_review_date_in_the_past_is_a_warning(client: TestClient, language: str, message: str) -> None:
    frame = good_frame(language, review_by="2025-03-31")
    assert lint(client, frame, today="2025-04-01") == [warning("review_by", "review_overdue", message)]
    assert lint(client, frame, today="2025-03-31") == []
    assert lint(client, frame, today="2024-12-01") == []
    assert lint(client, good_frame(language, review_by=None), today="2030-01-01") == []


@pytest.mark.parametrize(("language", "banned", "field", "changes", "message"), [
    ("fr", ["low-cost"], "offer", {"offer": "Réparation de vélos low cost à Lyon"},
     "« Offre » emploie le terme banni « low-cost »."),
    ("fr", ["promo"], "priorities[1]", {"priorities": ["Réparer vite", "Des promos chaque mois"]},
     "« Priorités » emploie le terme banni « promo »."),
    ("fr", ["pas cher"], "voice.tone", {"voice": {"tone": "Direct et pas cher", "address": "tu"}},
     "« Voix » emploie le terme banni « pas cher »."),
    ("en", ["synergy"], "promise", {"promise": "Real synergy between your books and your kitchen."},
     "“Promise” uses the banned term “synergy”."),
    ("en", ["best-in-class"], "proof[0]", {"proof": ["Best in class reviews"]},
     "“Proof” uses the banned term “best-in-class”."),
])
def test_a_banned_term_used_in_the_frame_is_a_warning(client: TestClient, language: str, banned: list[str],
                                                      field: str, changes: dict[str, Any], message: str) -> None:
    frame = good_frame(language, **changes)
    frame["lexicon"] = {"preferred": [], "banned": banned}
    assert lint(client, frame) == [warning(field, "banned_term_used", message)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_banned_term_only_in_the_lexicon_or_inside_a_word_is_fine(client: TestClient, language: str) -> None:
    frame = good_frame(language, offer={"fr": "Réparation de vélos et promotion du vélotaf à Lyon",
                                        "en": "Monthly bookkeeping and promotional budgets for restaurants"}[language])
    frame["lexicon"] = {"preferred": ["promo"], "banned": ["promo", "cost"]}
    assert lint(client, frame) == []


def test_errors_and_warnings_together_errors_first(client: TestClient) -> None:
    found = lint_with(client, "fr", offer="Services", need="", proof=[], refusals=["Pas de vente de vélos neufs"])
    assert [(f["code"], f["severity"]) for f in found] == [
        ("offer_generic", "error"), ("refusals_few", "warning"), ("need_missing", "warning"),
        ("proof_missing", "warning")]


@pytest.mark.parametrize(("language", "other"), [("fr", "en"), ("en", "fr")])
def test_messages_follow_the_frame_language_not_the_text(client: TestClient, language: str, other: str) -> None:
    """An English frame written with French examples still gets English messages, and vice versa."""
    frame = good_frame(other, audience={"fr": "Tout le monde", "en": "Everyone"}[other])
    frame["language"] = language
    [finding] = lint(client, frame)
    assert finding["code"] == "audience_everyone"
    assert finding["message"].startswith({"fr": "« Public visé »", "en": "“Audience”"}[language])


# ------------------------------------------------------------------------------------------ bad input
def _error_shape(r: Any, status: int = 400) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["type"] == "invalid_request_error"
    assert " / " in body["error"]["message"], "French / English"
    return body["error"]


@pytest.mark.parametrize(("changes", "param"), [
    ({"colour": "bleu"}, "colour"),
    ({"voice": {"tone": "Calme", "volume": 3}}, "voice.volume"),
    ({"lexicon": {"banned": [], "forbidden": ["x"]}}, "lexicon.forbidden"),
])
def test_an_unknown_field_is_a_400_naming_it(client: TestClient, changes: dict[str, Any], param: str) -> None:
    r = client.post("/api/lint", json=good_frame("fr", **changes), headers=ADMIN)
    err = _error_shape(r)
    assert err["code"] == "unknown_field"
    assert err["param"] == param


@pytest.mark.parametrize(("changes", "param"), [
    ({"priorities": "Réparer vite"}, "priorities"),
    ({"priorities": [1, 2]}, "priorities.0"),
    ({"name": 42}, "name"),
    ({"offer": None}, "offer"),
    ({"review_by": "demain"}, "review_by"),
    ({"language": "de"}, "language"),
    ({"voice": {"tone": "Calme", "address": "ils"}}, "voice.address"),
    ({"voice": "calme"}, "voice"),
    ({"lexicon": {"banned": "low-cost"}}, "lexicon.banned"),
    ({"secondary_audiences": {"a": 1}}, "secondary_audiences"),
    ({"offer": "x" * 2001}, "offer"),
    ({"refusals": [f"Pas de {i}" for i in range(31)]}, "refusals"),
])
def test_a_wrong_type_is_a_400_never_a_500(client: TestClient, changes: dict[str, Any], param: str) -> None:
    frame = {**good_frame("fr"), **changes}
    r = client.post("/api/lint", json=frame, headers=ADMIN)
    assert _error_shape(r)["param"] == param


@pytest.mark.parametrize("body", [b"{", b"", b"[]", b'"frame"', b"null", b"\xff\xfe"],
                         ids=["truncated", "empty", "list", "string", "null", "not-utf8"])
def test_a_body_that_is_not_a_frame_is_a_400(client: TestClient, body: bytes) -> None:
    r = client.post("/api/lint", content=body, headers={**ADMIN, "content-type": "application/json"})
    _error_shape(r)


def test_a_bad_today_is_a_400(client: TestClient) -> None:
    r = client.post("/api/lint", json=good_frame(), headers=ADMIN, params={"today": "hier"})
    assert _error_shape(r)["param"] == "today"


def test_lint_needs_the_admin_token(client: TestClient) -> None:
    r = client.post("/api/lint", json=good_frame())
    assert r.status_code == 401
    assert r.json()["error"]["type"] == "authentication_error"
