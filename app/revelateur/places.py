"""Place limits ("Pas de leçons hors de la métropole de Rennes", "No deliveries outside Sheffield"): what a refusal
limits, the area it names, the phrases that go past it, and the streets a request names after a place. Pure.
"""

from __future__ import annotations

from app.frames.text import fold, split_words
from app.frames.wordlists import WORDLISTS
from app.revelateur.concepts import VOCABULARIES
from app.revelateur.refusal_groups import groups

OUTSIDE_WORDS = {"fr": ("hors", "en dehors", "au-delà"), "en": ("outside", "beyond")}
# Words that name an area, whichever: "hors du département", "outside the county" (not "outside the shop").
AREAS = {"fr": ("département", "région", "métropole", "ville", "commune", "agglomération", "agglo", "zone",
                 "secteur", "périmètre", "canton"),
          "en": ("county", "city", "area", "region", "borough", "district", "town", "zone", "patch")}


def place_limited(refusal: str, language: str) -> list[str]:
    """What a refusal limits to an area, when it is a place limit ("No weddings outside Norfolk" -> ["weddings"]):
    the words before its exception word ("outside", "hors"), without the refusal's "no"; [] for other refusals
    and for a sector limit ("No clients outside hospitality"), which the families read."""
    words = split_words(fold(refusal))
    vocab, stop = VOCABULARIES[language], WORDLISTS[language].stop
    cut = next((k for k, w in enumerate(words) if w in vocab.exceptions), None)
    if not cut or any(g.outside is not None for g in groups(refusal, language, frozenset(), guess=False)):
        return []
    return [w for w in words[:cut] if w not in stop and w not in vocab.negations and len(w) > 2]


def area_words(refusal: str, language: str) -> list[str]:
    """The words of the area a place limit names ("No weddings outside Norfolk" -> ["norfolk"]): after its
    exception word, without small words."""
    words = split_words(fold(refusal))
    vocab, stop = VOCABULARIES[language], WORDLISTS[language].stop
    cut = next((k for k, w in enumerate(words) if w in vocab.exceptions), None)
    return [] if cut is None else [w for w in words[cut + 1:] if w not in stop and len(w) > 2]


_MEASURES = {
    "fr": frozenset({"moins", "plus", "avant", "apres", "au-dela", "seul", "seule", "minimum", "maximum", "deux",
                     "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "douze", "mois", "semaine",
                     "semaines", "jours", "heures", "ans", "nuit", "nuits"}),
    "en": frozenset({"under", "less", "fewer", "more", "longer", "shorter", "over", "before", "after", "minimum",
                     "maximum", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                     "twelve", "months", "weeks", "days", "hours", "years", "dark", "night"}),
}


def measured(refusal: str, language: str) -> bool:
    """Whether a refusal draws a line a meaning cannot see: a place ("outside Norfolk"), a size, a time or an
    age ("under 5 kg a week", "less than three months before", "moins de 16 ans", "after dark"). Close to such a
    refusal in meaning is close to the offer itself (the same weddings, lessons, house calls): the semantic stage
    leaves it to the words (watch lists) and the judge."""
    words = split_words(fold(refusal))
    return bool(place_limited(refusal, language)) or any(w.isdigit() or w in _MEASURES[language] for w in words)


def beyond(refusal: str, language: str) -> list[str]:
    """The phrases that go past a place limit: its exception word before, within three words, the area it names
    or any word for an area ("hors des Bouches-du-Rhône", "outside the county")."""
    areas = [*area_words(refusal, language), *AREAS[language]]
    return [f"{word}{' _' * gap} {area}" for word in OUTSIDE_WORDS[language] for gap in range(3) for area in areas]


_STREETS = {
    # not "close", "way", "drive", "walk": "a job in Preston, close to the M6" names Preston
    "en": frozenset({"road", "rd", "street", "lane", "avenue", "ave", "crescent", "terrace", "grove", "gardens",
                     "square", "parade"}),
    "fr": frozenset({"rue", "avenue", "av", "boulevard", "bd", "chemin", "allee", "impasse", "quai", "place",
                     "cours", "route", "passage"}),
}


def street(words: list[str], at: int, language: str) -> bool:
    """Whether the place at ``at`` names a street: "Cheltenham Road" (the street word within the two words
    after it), "rue de Vendée", "avenue de Paris" (before it)."""
    if language == "en":
        return any(w in _STREETS["en"] for w in words[at + 1:at + 3])
    before = words[max(0, at - 2):at]
    return bool(before) and (before[-1] in _STREETS["fr"] or (
        len(before) == 2 and before[0] in _STREETS["fr"] and before[1] in {"de", "du", "des", "d"}))
