"""Text normalisation shared by the clarity rules and the request checks. Pure."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE = re.compile(r"\b[ldjtmnsc]'|\bqu'", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case, strip accents and typographic apostrophes: 'Vélos NEUFS' -> 'velos neufs'."""
    text = text.replace("’", "'").replace("œ", "oe").replace("Œ", "oe")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Folded words of ``text``, elisions removed ("l'offre" -> "offre")."""
    return _WORD.findall(_APOSTROPHE.sub(" ", fold(text)))


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
