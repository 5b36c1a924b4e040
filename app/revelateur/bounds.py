"""Lines a refusal draws with a number, and the quantities a request names against them. Pure.

"Pas de plateaux pour plus de 40 personnes", "No unsupervised climbers under 16", "No tenancies shorter than
six months", "Pas de chantiers de moins de 30 000 € de travaux": the refusal refuses what lies beyond a line.
A request that names a quantity of the same kind ("un plateau pour 60 personnes", "a four-month let") is beyond
it or within it ("40 personnes", "a 16-year-old"); the words alone cannot tell. Numbers written in words are
read by text2num ("quarante", "twenty-five"); units of one kind are compared in one measure (weeks and months
in days, grams and kilos in kilos, guests and people as people).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from text_to_num import alpha2digit

from app.frames.text import fold

# Comparators, folded: the refusal refuses what is above ("plus de 40") or below ("moins de 16") the number.
_ABOVE = {
    "fr": ("plus de", "plus d", "au dela de", "superieur a", "superieure a", "superieurs a",
           "superieures a", "depassant", "plus que"),
    "en": ("more than", "over", "above", "longer than", "larger than", "bigger than", "greater than", "beyond",
           "exceeding", "upwards of", "older than", "heavier than"),
}
_BELOW = {
    "fr": ("moins de", "moins d", "inferieur a", "inferieure a", "inferieurs a", "inferieures a", "en dessous de",
           "sous les", "moins que"),
    "en": ("under", "less than", "fewer than", "shorter than", "below", "smaller than", "younger than",
           "lighter than"),
}
# A request's own "up to 40" or "au moins 5": a quantity that reaches that far, not beyond.
_UP_TO = ("jusqu a", "jusqu au", "au maximum", "maximum", "max", "pas plus de", "pas plus d", "up to", "at most",
          "no more than")
_AT_LEAST = ("au moins", "minimum", "min", "a partir de", "a partir d", "at least", "no less than")
# What ends the words before a request's number when it reaches that far and no further ("moins de", "up to"),
# or that far and beyond ("plus de", "at least"), in either language: a request may be in the other one.
_UP_TO_ENDS = tuple(" " + c for c in (*_BELOW["fr"], *_BELOW["en"], *_UP_TO))
_AT_LEAST_ENDS = tuple(" " + c for c in (*_ABOVE["fr"], *_ABOVE["en"], *_AT_LEAST))

# Units of one kind in one measure (people; days; kilos; money): general language, both languages.
_UNITS: dict[str, tuple[str, float]] = {}
for _kind, _factor, _names in (
    ("people", 1.0, "personne personnes pers invite invites invitees convive convives couvert couverts participant "
                    "participants people persons person guests guest pax covers attendees diners adultes adults"),
    ("days", 365.0, "an ans annee annees year years yr yrs yo"),
    ("days", 30.0, "mois month months"),
    ("days", 7.0, "semaine semaines sem week weeks wk wks"),
    ("days", 1.0, "jour jours j day days"),
    ("hours", 1.0, "heure heures h hour hours hr hrs"),
    ("nights", 1.0, "nuit nuits nuitee nuitees night nights"),
    ("kilos", 1.0, "kg kilo kilos kilogramme kilogrammes kilogram kilograms"),
    ("kilos", 0.001, "g gramme grammes gram grams"),
    ("money", 1.0, "euros euro eur pounds pound gbp"),
):
    for _name in _names.split():
        _UNITS.setdefault(_name, (_kind, _factor))
AGE = "age"  # a bound with no unit ("under 16") is an age, in days like a duration in years
_PER = frozenset({"a", "per", "par", "each", "an", "every", "chaque"})
_YEARS = "days"  # the kind of "ans", "years"
_BETWEEN = frozenset({"a", "to", "et", "and", "ou", "or", "jusqu", "au"})
# A day of a month is a date, not a quantity: "jusqu'au 31 mars", "until 12 June"
_MONTHS = frozenset({"janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
                     "novembre", "decembre", "january", "february", "march", "april", "may", "june", "july", "august",
                     "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                     "sep", "sept", "oct", "nov", "dec"})
_FOR = frozenset({"for", "pendant", "depuis", "durant"})  # "for ten years", "depuis 12 ans": how long, not how old
_WORDS_FROM = 2  # numbers in words are read from "deux", "two" (text2num's default starts at 3); "un", "one" are
# articles as often as numbers
_TOKEN = re.compile(r"\d+(?:[ \u00a0\u202f.,]\d{3})*(?:[.,]\d+)?|[a-z]+")
_NUMBER = re.compile(r"\d")
_SPACES = re.compile(r"[ \u00a0\u202f]")
_THOUSANDS = re.compile(r"\d{1,3}([.,]\d{3})+")


class Side(Enum):
    BEYOND = "beyond"  # a quantity the refusal refuses
    WITHIN = "within"  # quantities of that kind, none refused


@dataclass(frozen=True)
class Bound:
    """A line: the refusal refuses quantities of ``kind`` above (or below) ``value``, in the kind's measure."""

    value: float
    above: bool
    kind: str  # "people", "days", ... or "w:<word>" for a unit of the refusal's own ("storeys", "produits")
    words: frozenset[str]  # the refusal's words that draw the line (comparator, number, unit)

    def side(self, text: str, language: str) -> tuple[Side, int] | None:
        """Whether ``text`` names a quantity of this kind beyond the line (and the word where), or only
        quantities within it; None when it names none."""
        found = quantities(text, language, self.kind)
        if not found:
            return None
        for low, high, at in found:
            if (low, high) == ((float("-inf"), self.value) if self.above else (self.value, float("inf"))):
                return Side.WITHIN, at  # the line itself ("à partir de 4 ans", "40 maximum"): the request applies it
        for low, high, at in found:
            if (high > self.value) if self.above else (low < self.value):
                return Side.BEYOND, at
        return Side.WITHIN, found[0][2]


def bound(refusal: str, language: str) -> Bound | None:
    """The line ``refusal`` draws with a number, or None ("No screenings starting after 9pm" draws a time:
    None)."""
    tokens = _tokens(refusal, language)
    for i in range(len(tokens)):
        for above, comparators in ((True, _ABOVE[language]), (False, _BELOW[language])):
            for comparator in comparators:
                size = comparator.count(" ") + 1
                if " ".join(tokens[i:i + size]) != comparator or i + size >= len(tokens):
                    continue
                value = _value(tokens[i + size])
                if value is None:
                    continue
                unit = tokens[i + size + 1] if i + size + 1 < len(tokens) else ""
                kind, factor = _unit(unit)
                if (kind, factor) == _UNITS["ans"]:
                    kind = AGE  # "moins de 18 ans", "plus de trente ans": how old, never "pendant 3 semaines"
                rate = tokens[i + size + 2:i + size + 4]  # "5 kg a week", "6 dogs a day", "3 nuits par an"
                per = [rate[1]] if len(rate) == 2 and rate[0] in _PER and rate[1] in _UNITS else []
                return Bound(value * factor, above, kind, frozenset([*comparator.split(), unit, *per]) - {""})
    return None


def quantities(text: str, language: str, kind: str) -> list[tuple[float, float, int]]:
    """The quantities of ``kind`` ``text`` names, each as the least and the most it may be, with the index of
    its number among the text's words: "60 personnes" (60, 60), "moins de 16 ans" (-inf, 16), "jusqu'à 12 ans"
    (-inf, 12), "de 6 à 40 personnes" (6, 6) and (40, 40), "a 16-year-old" (16, 16)."""
    tokens = _tokens(text, language)
    found: list[tuple[float, float, int]] = []
    for i, token in enumerate(tokens):
        value = _value(token)
        if value is None:
            continue
        before = " " + " ".join(tokens[max(0, i - 3):i])  # whole words: "moreover 5" is not "over 5"
        below = before.endswith(_UP_TO_ENDS)
        above = not below and before.endswith(_AT_LEAST_ENDS)
        unit = _unit_after(tokens, i)
        if unit is None and i > 0 and tokens[i - 1] in ("euros", "pounds"):
            unit = ("money", 1.0)
        if unit is not None and unit[0].startswith("w:") and unit[0][2:] in _MONTHS:
            continue  # "31 mars" (its unit "w:mar"), "12 June": a date
        if kind == AGE and (unit is None or unit[0].startswith("w:")) and (
                below or above or (i > 0 and tokens[i - 1] in ("aged", "agee", "age", "ages", "agees"))):
            unit = ("days", 365.0)  # "aged 14", "kids under 12": an age
        if unit is None or unit[0] != (_YEARS if kind == AGE else kind) or (kind == AGE and unit[1] < 30):
            continue  # an age is in years or months: "2 days before the party" is not one
        if unit == _UNITS["ans"] and (_of_something(tokens, i) or (i > 0 and tokens[i - 1] in _FOR)):
            continue  # "dix ans de métier", "hosted our students for ten years": a length of time, not an age
        amount = value * unit[1]
        low = float("-inf") if below else amount
        high = float("inf") if above else amount
        found.append((low, high, i))
    return found


def _of_something(tokens: tuple[str, ...], i: int) -> bool:
    """Whether the years after the number at ``i`` are years of something ("10 ans de métier", "ten years in
    business")."""
    j = i + 1
    while j < len(tokens) and tokens[j] not in _UNITS:
        j += 1
    return j + 1 < len(tokens) and tokens[j + 1] in ("de", "d", "of", "in")


def is_number(word: str, language: str) -> bool:
    """Whether a folded word is a number, in digits or in words ("40", "six", "quarante")."""
    return word[:1].isdigit() or _NUMBER.search(_converted(word, language)) is not None


@lru_cache(maxsize=1024)
def _converted(word: str, language: str) -> str:
    return str(alpha2digit(word, language, threshold=_WORDS_FROM))


@lru_cache(maxsize=64)  # a request is read once for each line of its frame
def _tokens(text: str, language: str) -> tuple[str, ...]:
    """Folded words and numbers (words made digits, "30 000" one number) of ``text``."""
    spaced = text.replace("-", " - ").replace("–", " - ")
    return tuple(_TOKEN.findall(fold(alpha2digit(spaced, language, threshold=_WORDS_FROM))))


def _value(token: str) -> float | None:
    if not token[0].isdigit():
        return None
    digits = _SPACES.sub("", token)
    if _THOUSANDS.fullmatch(digits):  # "30.000", "30,000": thousands
        digits = digits.replace(".", "").replace(",", "")
    try:
        return float(digits.replace(",", "."))
    except ValueError:
        return None


def _unit(word: str) -> tuple[str, float]:
    """The kind and factor of a unit word; a word of the refusal's own is its own kind; none is an age."""
    if not word:
        return AGE, 365.0
    if word in _UNITS:
        return _UNITS[word]
    return "w:" + _singular(word), 1.0


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _unit_after(tokens: tuple[str, ...], i: int) -> tuple[str, float] | None:
    """The unit of the number at ``i``: the first word after it, across a range ("6 à 40 personnes") and the
    "-year-old" of an age. Two numbers side by side are two quantities ("12 June 2027, 5 faces"): the first
    has no unit."""
    j = i + 1
    while True:
        k = j
        while k < len(tokens) and tokens[k] in _BETWEEN:
            k += 1
        if k == j or k >= len(tokens) or _value(tokens[k]) is None:
            break
        j = k + 1  # across a range: "6 à 40", "between 6 and 40"
    if j >= len(tokens) or _value(tokens[j]) is not None:
        return None
    word = tokens[j]
    if word in _UNITS:
        return _UNITS[word]
    return "w:" + _singular(word), 1.0
