"""How common a word is in general language: a single common word is weak evidence. Pure (the frequencies are
data read once per process).

A request that asks for what a refusal refuses mostly names it in a phrase ("ceramic coating"), in a rare word
("gorgonzola", "HMO"), or with two of its words together ("vente" near "vélos neufs"). A refusal found through
one common word alone ("office", "samedi", "restaurant", "online") is found as often in the business's own
work ("office opening hours", "le patron du restaurant d'à côté nous apporte ses chemises perso"): such a
finding is to check, not against the frame, unless the word stands with the refusal's own next word ("payroll
outsourcing"). How common a word is comes from wordfreq (frequencies of general French and English, from many
sources), not from a list written here; the line (``COMMON_ZIPF``) is measured in docs/decisions.md.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib.util import find_spec
from itertools import pairwise
from pathlib import Path

import msgpack

from app.frames.text import fold, split_words

# A word at least this common in French or English is common: Zipf 3.5 is about once in 300,000 words of text.
COMMON_ZIPF = 3.5
LANGUAGES = ("fr", "en")


@lru_cache(maxsize=len(LANGUAGES))
def common_words(language: str) -> frozenset[str]:
    """The folded words of ``language`` at least as common as ``COMMON_ZIPF`` (about 15,000 a language).

    Read from wordfreq's own data file, in its documented "cBpack" format (``wordfreq.read_cBpack``: a header,
    then one list of words per centibel of frequency, the most common first), without importing wordfreq:
    its modules cost 8 MB a worker, the words kept here about 5 MB."""
    spec = find_spec("wordfreq")
    if spec is None or spec.origin is None:
        raise RuntimeError("wordfreq is not installed (pip install cadre)")
    with gzip.open(Path(spec.origin).parent / "data" / f"small_{language}.msgpack.gz", "rb") as data:
        pack = msgpack.unpackb(data.read(), raw=False)
    if not isinstance(pack[0], dict) or pack[0].get("format") != "cB" or pack[0].get("version") != 1:
        raise RuntimeError(f"wordfreq's data is not in the format read here: {pack[0]!r}")
    last = round((9 - COMMON_ZIPF) * 100)  # Zipf is 9 plus the frequency in bels: bucket i is Zipf 9 - i/100
    return frozenset(fold(word) for bucket in pack[1:last + 2] for word in bucket if " " not in word)


def load() -> None:
    """Read the frequencies now: a frame is compiled off the request path, the first request then pays nothing."""
    for language in LANGUAGES:
        common_words(language)


def common(word: str) -> bool:
    """Whether a folded word is common in French or in English (a request may be in either)."""
    return any(word in common_words(language) for language in LANGUAGES)


def own_pairs(refusal: str, stop: frozenset[str]) -> frozenset[tuple[str, str]]:
    """Each two words of a refusal side by side, stop words left out ("payroll outsourcing", "vélo neuf")."""
    return frozenset(pairwise(_kept(split_words(fold(refusal)), stop)))


def in_pairs(words: list[str], pairs: frozenset[tuple[str, str]], stop: frozenset[str]) -> bool:
    """Whether a request's folded ``words`` hold two words of a refusal side by side, as the refusal has them."""
    return bool(pairs) and not pairs.isdisjoint(pairwise(_kept(words, stop)))


def _kept(words: list[str], stop: frozenset[str]) -> list[str]:
    return [w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words if w not in stop]
