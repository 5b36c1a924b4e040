"""The request check of the révélateur (``app.checks``), through its pure API, and its evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.frames.model import Frame, Lexicon
from app.frames.records import Hit
from app.revelateur.checker import Checker, compile_checker
from app.revelateur.eval_report import format_report
from app.revelateur.evaluation import evaluate

EVAL_DIR = Path(__file__).resolve().parents[1] / "frames" / "eval"


def checker(**fields: Any) -> Checker:
    """A compiled checker for a frame made of ``fields``."""
    return compile_checker(Frame(**fields))


def items(found: list[Hit]) -> list[str]:
    return [h.item for h in found]


@pytest.fixture(scope="module")
def bikes() -> Checker:
    """The issue's example: a bike repair workshop that refuses to sell new bikes."""
    return checker(
        language="fr",
        offer="Réparation et entretien de vélos de ville et de vélos électriques, revente de vélos d'occasion",
        audience="Cyclistes du quotidien à Grenoble",
        refusals=["Pas de vente de vélos neufs", "Pas de devis par téléphone", "Pas de promotions ni de soldes"],
        lexicon=Lexicon(banned=["imbattable", "low-cost"]),
    )


@pytest.fixture(scope="module")
def groomer() -> Checker:
    return checker(
        language="en",
        offer="Dog grooming: bath, hand-stripping, clipping, de-shedding, nails and ears",
        audience="Owners of double-coated dogs in Bristol",
        refusals=["No cat grooming", "No shaving double-coated breeds", "No walk-in appointments"],
        lexicon=Lexicon(banned=["pamper", "fur baby", "cheap"]),
    )


# ------------------------------------------------------------------------------------- the issue examples


def test_catches_new_bikes_for_sale_in_other_words(bikes: Checker) -> None:
    found = bikes.check("une annonce pour nos VTT neufs en promotion")
    assert "Pas de vente de vélos neufs" in items(found)
    hit = next(h for h in found if h.item == "Pas de vente de vélos neufs")
    assert hit.kind == "refusal"
    assert hit.field == "refusals[0]"
    assert "VTT neufs" in hit.excerpt


def test_the_offer_itself_fits(bikes: Checker) -> None:
    assert bikes.check("un post sur la révision d'un vélo électrique") == []


def test_explaining_the_refusal_fits(bikes: Checker) -> None:
    assert bikes.check("explique à un client pourquoi nous ne vendons pas de vélos neufs") == []


# ---------------------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize("text", [
    "Rédige une annonce : on vend des vélos neufs cette semaine",
    "Écris un post : nos vélos neufs sont vendus avec un antivol",
    "Prépare une fiche pour vendre un VTT neuf",
    "Rédige un mail : un client veut acheter une bicyclette neuve",
])
def test_french_inflection(bikes: Checker, text: str) -> None:
    assert items(bikes.check(text)) == ["Pas de vente de vélos neufs"]


@pytest.mark.parametrize("text", [
    "ÉCRIS UNE ANNONCE POUR NOS VÉLOS NEUFS",
    "ecris une annonce pour nos velos neufs",
    "Écris une annonce pour nos ve\u0301los neufs",  # a decomposed accent
])
def test_case_and_accents(bikes: Checker, text: str) -> None:
    assert items(bikes.check(text)) == ["Pas de vente de vélos neufs"]


def test_english_inflection() -> None:
    shop = checker(language="en", offer="Bike repair and servicing", audience="Commuters in Leeds",
                   refusals=["No sale of new bikes"])
    for text in ("Write an ad: we're selling brand new e-bikes", "Draft a post: new road bikes sold here",
                 "Write a listing for the new mountain bike we sell"):
        assert items(shop.check(text)) == ["No sale of new bikes"], text
    assert shop.check("Write a post about servicing your bike before winter") == []


def test_a_typo_in_a_long_word_is_forgiven() -> None:
    workshop = checker(language="fr", offer="Réparation de vélos", audience="Cyclistes",
                       refusals=["Pas de réparation de trottinettes électriques"])
    assert items(workshop.check("on répare les trotinettes maintenant")) == [
        "Pas de réparation de trottinettes électriques"]


def test_a_word_with_another_ending_is_no_typo() -> None:
    books = checker(language="en", offer="Monthly bookkeeping and VAT returns for independent shops and cafés",
                    audience="Owners of shops and cafés in Leeds",
                    refusals=["No clients outside hospitality and retail"])
    assert books.check("Explain to a new client what we need each month: receipts photographed, bank feed on") == []
    assert items(books.check("Write a proposal for monthly bookkeeping for a photgrapher's studio")) == [
        "No clients outside hospitality and retail"]


def test_a_price_in_euros_is_read(bikes: Checker) -> None:
    assert items(bikes.check("Écris un post : révision complète à 49 € au lieu de 95 €")) == [
        "Pas de promotions ni de soldes"]


def test_a_phrase_names_the_families_of_its_words() -> None:
    designer = checker(language="fr", offer="Création de sites vitrines pour artisans", audience="Artisans du bâtiment",
                       refusals=["Pas de création de logo"])
    assert items(designer.check("Propose trois idées de logo pour un électricien")) == ["Pas de création de logo"]
    assert designer.check("Explique au carreleur comment placer le logo qu'il a déjà") == []


def test_a_phrase_does_not_run_over_punctuation(groomer: Checker) -> None:
    assert groomer.check("Write a FAQ answer: 'Do you take walk-ins?' No, appointments only") == []


# -------------------------------------------------------------------------------------------- negation


@pytest.mark.parametrize("text", [
    "Rédige un mail qui dit que nous ne faisons pas de devis par téléphone",
    "Rédige la FAQ « Vous faites des devis au téléphone ? » : non, et pourquoi",
    "Un client demande si on donne un prix au téléphone : aide-moi à lui répondre que non",
])
def test_french_negation_and_reported_questions_fit(bikes: Checker, text: str) -> None:
    assert bikes.check(text) == []


def test_french_phone_quote_is_caught(bikes: Checker) -> None:
    found = bikes.check("Écris le script du standard : annoncer le tarif de la réparation au téléphone")
    assert items(found) == ["Pas de devis par téléphone"]


@pytest.mark.parametrize("text", [
    "Write a sign: sorry, we don't take walk-ins, please book online",
    "Write a post explaining why we never shave huskies",
    "Reply to a customer who asked if we groom cats: politely say no",
    "Write a policy: walk-ins are not something we offer",
])
def test_english_negation_fits(groomer: Checker, text: str) -> None:
    assert groomer.check(text) == []


@pytest.mark.parametrize(("text", "item"), [
    ("Write a flyer: walk-ins welcome every Friday, no booking needed", "No walk-in appointments"),
    ("Write an offer: a summer shave-down for your husky", "No shaving double-coated breeds"),
    ("Write a post: we now groom kittens on Tuesdays", "No cat grooming"),
])
def test_english_refusals_are_caught(groomer: Checker, text: str, item: str) -> None:
    assert items(groomer.check(text)) == [item]


@pytest.mark.parametrize("text", [
    "Reply to a customer who wants her husky shaved: we don't, but we can de-shed him",
    "Reply to a customer whose neighbour wants her cat groomed: sorry, we only groom dogs",
    "Write a post explaining the difference between clipping and shaving",
])
def test_saying_no_in_other_words_fits(groomer: Checker, text: str) -> None:
    assert groomer.check(text) == []


@pytest.mark.parametrize("text", [
    "Des promos ? Jamais. Écris l'affiche de nos tarifs d'atelier",
    "Mon client a acheté un vélo neuf sur internet : propose-lui une révision",
    "Écris un article : faut-il acheter un vélo neuf ou d'occasion ?",
])
def test_french_answers_and_explanations_fit(bikes: Checker, text: str) -> None:
    assert bikes.check(text) == []


def test_a_marketing_imperative_is_no_denial(bikes: Checker) -> None:
    assert items(bikes.check("Écris une affiche : promos sur les antivols, ne les ratez pas")) == [
        "Pas de promotions ni de soldes"]
    assert items(bikes.check("Écris un post : ne ratez pas nos soldes d'été")) == ["Pas de promotions ni de soldes"]


def test_agreeing_to_a_customer_makes_the_request_ours(groomer: Checker) -> None:
    assert items(groomer.check("A customer asked if we groom cats: reply yes, Thursday at 10 is fine")) == [
        "No cat grooming"]
    assert groomer.check("A customer asked if we groom cats: reply no, kindly") == []


# ---------------------------------------------------------------------------------------- banned terms


@pytest.mark.parametrize(("text", "item"), [
    ("Écris une accroche : des révisions à prix imbattables", "imbattable"),
    ("Rédige une pub pour notre formule low cost", "low-cost"),
    ("Rédige une pub pour notre formule lowcost", "low-cost"),
])
def test_french_banned_terms(bikes: Checker, text: str, item: str) -> None:
    found = bikes.check(text)
    assert items(found) == [item]
    assert found[0].kind == "lexicon"
    assert found[0].field.startswith("lexicon.banned[")


@pytest.mark.parametrize(("text", "item"), [
    ("Write a gift voucher: a pampering session at Scruffs", "pamper"),
    ("Write a post about our fur babies of the month", "fur baby"),
    ("Write a leaflet: the cheapest groom in Bristol", "cheap"),
])
def test_english_banned_terms(groomer: Checker, text: str, item: str) -> None:
    assert items(groomer.check(text)) == [item]


@pytest.mark.parametrize("text", [
    "Write a bio for the salon, avoid the word 'pamper'",
    "Reply to a review that says 'cheap and friendly', thanking them",
])
def test_banned_terms_quoted_as_words_fit(groomer: Checker, text: str) -> None:
    assert groomer.check(text) == []


def test_banned_field_names_its_position(groomer: Checker) -> None:
    [hit] = groomer.check("Write a post: pawsome fur baby of the week")
    assert (hit.item, hit.field) == ("fur baby", "lexicon.banned[1]")


# ---------------------------------------------------------------------------------- offer words, many


@pytest.mark.parametrize("text", [
    "Écris un post sur nos vélos d'occasion révisés et garantis six mois",
    "post insta : avant/après d'un vélo cargo qu'on a remis à neuf",
    "Explique comment changer des plaquettes de frein neuves",
    "Rédige une offre d'emploi pour un mécanicien cycle",
])
def test_offer_words_do_not_trigger(bikes: Checker, text: str) -> None:
    assert bikes.check(text) == []


def test_de_shedding_a_double_coat_is_the_offer(groomer: Checker) -> None:
    assert groomer.check("Write a post about de-shedding a double coat in spring") == []


def test_several_refusals_in_text_order(bikes: Checker) -> None:
    found = bikes.check("Écris une affiche pour les soldes d'été, et une annonce pour nos vélos neufs à vendre")
    assert items(found) == ["Pas de promotions ni de soldes", "Pas de vente de vélos neufs"]
    assert [h.field for h in found] == ["refusals[2]", "refusals[0]"]


def test_an_empty_frame_finds_nothing() -> None:
    empty = compile_checker(Frame())
    assert empty.check("Écris une annonce pour nos vélos neufs en promotion") == []
    assert empty.check("") == []


def test_a_refusal_outside_the_families_matches_its_own_words() -> None:
    florist = checker(language="fr", offer="Bouquets de saison", audience="Particuliers de Nantes",
                      refusals=["Pas de mariages"])
    assert items(florist.check("Rédige une offre pour les mariages de l'été")) == ["Pas de mariages"]
    assert florist.check("Rédige un post sur nos bouquets de pivoines") == []


def test_a_long_text(bikes: Checker) -> None:
    filler = "Nous réparons les vélos de ville, les vélos cargo et les vélos électriques à Grenoble. " * 60
    text = filler + "Pour finir, rédige une annonce pour les VTT neufs qu'on vient de recevoir."
    assert len(text) > 5000
    [hit] = bikes.check(text)
    assert hit.item == "Pas de vente de vélos neufs"
    assert len(hit.excerpt) <= 200
    assert "VTT neufs" in hit.excerpt
    assert hit.as_dict() == {"item": hit.item, "kind": "refusal", "field": "refusals[0]", "excerpt": hit.excerpt}


def test_excerpts_stay_short(bikes: Checker) -> None:
    text = "x" * 3000 + " une annonce pour nos vélos neufs " + "y" * 3000
    [hit] = bikes.check(text)
    assert len(hit.excerpt) <= 200
    assert "vélos neufs" in hit.excerpt


# ---------------------------------------------------------------------------------- slots of a refusal


@pytest.fixture(scope="module")
def accountant() -> Checker:
    """An accountant whose refusal names two families: income tax returns, and the private person who files one
    (a family that "déclaration de revenus" also belongs to)."""
    return checker(
        language="fr",
        offer="Tenue comptable, déclaration 2035 et déclarations de TVA pour les professions libérales",
        audience="Professionnels de santé et du droit installés en libéral",
        refusals=["Pas de missions de paie", "Pas de comptabilité de SCI ni de LMNP",
                  "Pas de déclarations de revenus de particuliers"],
    )


@pytest.mark.parametrize("text", [
    "Un particulier m'a demandé nos tarifs pour la tenue comptable de son cabinet de kiné : rédige une réponse",
    "Un particulier veut nous confier la tenue comptable de son cabinet d'ostéopathe : écris-lui une proposition",
    "Écris un mail d'accueil à un jeune kiné qui s'installe en libéral avec sa famille",
])
def test_one_word_does_not_fill_two_slots(accountant: Checker, text: str) -> None:
    assert accountant.check(text) == []


@pytest.mark.parametrize("text", [
    "Écris une annonce : vos impôts de particulier, on s'occupe de tout pour 60 €",
    "Propose à l'épouse d'un client de remplir sa déclaration de revenus, forfait 80 €",
])
def test_a_refusal_of_two_families_still_hits(accountant: Checker, text: str) -> None:
    assert items(accountant.check(text)) == ["Pas de déclarations de revenus de particuliers"]


def test_a_word_of_the_offers_family_is_not_required(accountant: Checker) -> None:
    """"comptabilité" repeats the offer's "tenue comptable": the SCI alone makes the refusal."""
    assert items(accountant.check("Rédige la lettre de mission pour la SCI familiale du Dr Morel")) == [
        "Pas de comptabilité de SCI ni de LMNP"]


# -------------------------------------------------------------------------------------------- evaluation


def test_evaluate_dev_split_structure() -> None:
    report = evaluate(EVAL_DIR, "dev")
    assert set(report.by_language) == {"fr", "en", "all"}
    every, fr, en = report.scores("all"), report.scores("fr"), report.scores("en")
    assert every.total == len(report.cases) == fr.total + en.total
    assert every.tp + every.fn == sum(c.label == "off_frame" for c in report.cases)
    for s in report.by_language.values():
        assert 0 <= s.precision <= 1 and 0 <= s.recall <= 1 and 0 <= s.f1 <= 1 and 0 <= s.item_accuracy <= 1
    assert "precision" in format_report([report])


@pytest.fixture
def tiny_eval(tmp_path: Path) -> Path:
    """A hand-made set with known outcomes: 3 tp (one naming the wrong item), 1 fp, 1 fn, 2 tn."""
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "boulangerie.yaml").write_text(
        "# a tiny frame\nslug: boulangerie\nlanguage: fr\noffer: Pains au levain vendus en boutique\n"
        "audience: Habitants du quartier\nrefusals: [Pas de livraison à domicile]\nlexicon:\n  banned: [premium]\n",
        encoding="utf-8")
    rows = [
        ("Écris un post pour nos croissants premium", "off_frame", "premium"),  # tp
        ("Lance notre service de livraison à domicile", "off_frame", "Pas de livraison à domicile"),  # tp
        ("Écris une annonce pour la livraison à domicile", "off_frame", "premium"),  # tp, wrong item
        ("Un post sur notre pain premium", "fits", None),  # fp (labelled fits on purpose)
        ("Écris un post sur nos horaires", "off_frame", "Pas de livraison à domicile"),  # fn
        ("Rédige les horaires d'été", "fits", None),  # tn
        ("Merci à nos clients fidèles", "fits", None),  # tn
    ]
    for split in ("dev", "test"):
        lines = [json.dumps({"frame": "boulangerie", "text": t, "label": lab, "item": it, "note": None})
                 for t, lab, it in rows]
        (tmp_path / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_evaluate_counts_and_scores(tiny_eval: Path) -> None:
    report = evaluate(tiny_eval, "dev")
    s = report.scores("fr")
    assert (s.tp, s.fp, s.fn, s.tn) == (3, 1, 1, 2)
    assert s.precision == pytest.approx(3 / 4)
    assert s.recall == pytest.approx(3 / 4)
    assert s.f1 == pytest.approx(3 / 4)
    assert s.item_accuracy == pytest.approx(2 / 3)
    assert report.scores("en").total == 0 and report.scores("en").precision == 0.0
    assert report.scores("all") == s
    assert sorted(c.error or "" for c in report.errors) == ["false_negative", "false_positive", "wrong_item"]
    assert evaluate(tiny_eval, "all").scores("all").tp == 6


def test_format_report_lists_errors(tiny_eval: Path) -> None:
    text = format_report([evaluate(tiny_eval, "dev")], errors=True)
    assert "0.750" in text
    assert "errors: 3" in text
    assert "[false_positive] boulangerie: Un post sur notre pain premium" in text


def test_unknown_split_is_refused(tiny_eval: Path) -> None:
    with pytest.raises(ValueError, match="unknown split"):
        evaluate(tiny_eval, "train")


# ------------------------------------------------------------------ words no family knows (issue 13)
@pytest.fixture(scope="module")
def winery() -> Checker:
    """A trade the word families were not written for: every refusal word is literal."""
    return checker(language="fr", offer="Vins rouges et blancs du domaine, vendus à la cave et expédiés",
                   audience="Amateurs de vin", refusals=["Pas de vins effervescents", "Pas de livraison express",
                                                         "Pas de stages intensifs de dégustation"])


def test_a_literal_refusal_word_matches_its_family(winery: Checker) -> None:
    assert items(winery.check("Une fiche pour notre vin effervescent rosé")) == ["Pas de vins effervescents"]
    assert items(winery.check("Annonce : l'effervescence de nos bulles du Jura")) == ["Pas de vins effervescents"]
    assert items(winery.check("Écris qu'on peut livrer en express demain")) == ["Pas de livraison express"]
    assert winery.check("Écris un post sur nos vins rouges") == []


def test_a_literal_refusal_also_hits_without_its_shortest_word_unless_it_has_a_watch_list(winery: Checker) -> None:
    assert items(winery.check("Un programme de dégustation intensive sur un week-end")) == [
        "Pas de stages intensifs de dégustation"]
    listed = checker(language="fr", offer="Vins du domaine", audience="Amateurs de vin",
                     refusals=["Pas de stages intensifs de dégustation"],
                     watch=[{"refusal": "Pas de stages intensifs de dégustation", "words": ["bootcamp"]}])
    assert listed.check("Un programme de dégustation intensive sur un week-end") == []
    assert items(listed.check("Un bootcamp vin pour les cavistes")) == ["Pas de stages intensifs de dégustation"]


def test_watch_words_hit_alone_in_either_language_but_not_denied_or_talked_about() -> None:
    wine = checker(language="fr", offer="Vins du domaine", audience="Amateurs de vin",
                   refusals=["Pas de vins effervescents", "Pas de création de logo"],
                   watch=[{"refusal": "Pas de vins effervescents", "words": ["crémant", "sparkling wine"]},
                          {"refusal": "Pas de création de logo", "words": ["logo", "identité visuelle"]}])
    assert items(wine.check("Fiche produit de nos crémants")) == ["Pas de vins effervescents"]
    assert items(wine.check("A product page for our sparkling wines")) == ["Pas de vins effervescents"]
    assert wine.check("Réponds que nous ne faisons pas de crémant") == []
    assert wine.check("Mets le logo du domaine en bas de l'étiquette") == []  # "logo" repeats part of its refusal
    assert items(wine.check("Propose une identité visuelle pour la cave")) == ["Pas de création de logo"]


def test_non_and_sans_inside_a_refusal() -> None:
    translator = checker(language="fr", offer="Traductions juridiques", audience="Avocats",
                         refusals=["Pas de traductions non relues"])
    assert items(translator.check("Livre la traduction non relue ce soir")) == ["Pas de traductions non relues"]
    assert translator.check("Livre la traduction relue ce soir") == []
