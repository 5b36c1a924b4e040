"""Text normalisation shared by the clarity rules and the request checks: the one ``fold``, the one word
splitter, the one stemmer. Pure."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

WORD = re.compile(r"[a-z0-9]+")  # a word of a folded text
_APOSTROPHE = re.compile(r"\b[ldjtmnsc]'|\bqu'", re.IGNORECASE)
_COMBINING = re.compile("[\u0300-\u036f]")
_PLUS = re.compile(r"(?<=\d)\+")
# Every byte that is not a folded letter or digit becomes a space: one C-level pass splits a folded text into
# exactly the words WORD finds (bytes of other characters, all >= 0x80 in UTF-8, are separators too).
_SEPARATORS = bytes(c if chr(c).isascii() and (chr(c).islower() or chr(c).isdigit()) else 32 for c in range(256))


# C0 and C1 control characters (NUL included) and lone surrogates, which no database text column takes as they are.
_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]+")


def printable(text: str) -> str:
    """``text`` with control characters (NUL, line breaks ...) and lone surrogates turned into one space each run:
    what a client wrote, made fit to be stored and shown."""
    return _UNSTORABLE.sub(" ", text) if not text.isprintable() else text


def fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes made plain, "œ" and "æ" in two letters, "€" and "£"
    spelled: 'Vélos NEUFS à 499 €' -> 'velos neufs a 499  euros ', "11+" -> "11plus". The same length for most
    text."""
    low = text.lower()
    if not low.isascii():
        low = low.replace("’", "'").replace("‘", "'").replace("œ", "oe").replace("æ", "ae")
        if "€" in low or "£" in low:  # a price is a word ("499 €" is "499 euros"): the length changes, rarely
            low = low.replace("€", " euros ").replace("£", " pounds ")
        low = _COMBINING.sub("", unicodedata.normalize("NFKD", low))
    if "+" in low:  # "11+", "18+": a name, not the number ("Year 11")
        low = _PLUS.sub("plus", low)
    return low


def split_words(folded: str) -> list[str]:
    """The words of a folded text (runs of letters and digits), as ``WORD.findall`` finds them, faster."""
    return folded.encode().translate(_SEPARATORS).decode().split()


def words(text: str) -> list[str]:
    """Folded words of ``text``, elisions removed ("l'offre" -> "offre")."""
    return split_words(_APOSTROPHE.sub(" ", fold(text)))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude French/English stem: enough to match plurals and common inflections."""
    w = word
    if len(w) <= 3:
        return w
    for suffix in ("issements", "issement", "ements", "ement", "ations", "ation", "ements", "ings", "ing",
                   "euses", "euse", "eurs", "eur", "ives", "ive", "ies", "ees", "ee", "es", "s", "x", "e"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if w.endswith("ed") and len(w) > 5:
        w = w[:-2]
    return w


def stems(text: str, ignore: frozenset[str] = frozenset()) -> list[str]:
    """Stems of the words of ``text``, without the words in ``ignore`` (folded stop words)."""
    return [stem(w) for w in words(text) if w not in ignore]


def without_clauses(text: str, openers: tuple[str, ...]) -> str:
    """``text`` minus its subordinate clauses: from an opener ("who", "où" ...) to the next , ; ( ) or end.

    Openers are matched as written, accents kept ("où" opens a clause, "ou" does not).
    """
    if not openers:
        return text
    return _clause_pattern(openers).sub(" ", text.replace("’", "'"))


@lru_cache(maxsize=16)
def _clause_pattern(openers: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(o) for o in sorted(openers, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)[^,;()]*", re.IGNORECASE)


_TERMINAL = re.compile(r"([.!?…]+)[\"'»”’)\]]*$")
_OPENING = "«\"“‘'([¿¡"


def sentence_count(text: str, abbreviations: frozenset[str], titles: frozenset[str]) -> int:
    """How many sentences ``text`` holds: a . ! ? … followed by more text ends one, except after an
    abbreviation followed by a lower-case word ("48 h. ou remboursé", "5 p.m. on"), after a title or an
    initial followed by a name ("M. Martin", "J. Smith"), and in numbers ("4.8", "12.50").
    """
    tokens = text.split()
    count = 1
    for token, following in pairwise(tokens):
        end = _TERMINAL.search(token)
        if not end:
            continue
        mark, word = end.group(1), fold(token[: end.start()].lstrip(_OPENING))
        starts = following.lstrip(_OPENING)[:1]
        if "!" in mark or "?" in mark:
            ends = True
        elif starts.islower():  # "48 h. ou", "5 p.m. on", "vite… et bien" go on
            ends = mark == "." and word not in abbreviations and "." not in word
        elif starts.isupper():  # "M. Martin", "J. Smith" go on
            ends = not token[:1].isupper() or (len(word) != 1 and word not in titles)
        else:
            ends = True
        count += ends
    return count


def excerpt_around(text: str, folded: str, char: int, size: int = 200) -> str:
    """At most ``size`` characters of ``text`` around the character ``char`` of its folded form, on one line."""
    if len(folded) != len(text):  # a ligature or a decomposed accent changed lengths: place it roughly
        char = round(char * len(text) / max(1, len(folded)))
    start = max(0, char - 80)
    if start:
        space = text.find(" ", start, char)
        start = space + 1 if space >= 0 else start
    piece = " ".join(printable(text[start:start + size]).split())
    if start + size < len(text):
        piece = piece[:size - 1].rsplit(" ", 1)[0] + "…"
    return ("…" + piece)[:size] if start else piece[:size]
