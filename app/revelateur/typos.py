"""Typos in the long words of a request ("trotinettes" -> "trottinettes", "accupuncture"), put right against the
words of a checker's phrases. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from app.revelateur.phrases import Phrase, PhraseIndex

FUZZY_MIN = 8  # typos are forgiven in words this long ("trotinettes", "accupuncture")


@lru_cache(maxsize=65536)
def deletes(word: str) -> tuple[str, ...]:
    """``word`` with one letter left out, in every position."""
    return tuple(word[:i] + word[i + 1:] for i in range(len(word)))


class Typos:
    """Puts right a typo in a long word of a phrase ("trotinettes" -> "trottinettes", "accupuncture"): one
    letter added, left out or changed. Remembers its answers (words repeat from one request to the next)."""

    MEMO = 50_000

    def __init__(self, index: PhraseIndex, labelled: Iterable[Phrase]) -> None:
        targets = {form for phrase in labelled if len(phrase) == 1 and isinstance(phrase[0], frozenset)
                   for form in phrase[0] if len(form) >= FUZZY_MIN and form.isalpha()}
        fuzzy: dict[str, set[str]] = {}
        for target in targets:
            for key in (target, *deletes(target)):
                fuzzy.setdefault(key, set()).add(target)
        self._fuzzy = {k: tuple(v) for k, v in fuzzy.items()}
        self.heads = frozenset(t[:2] for t in targets)  # a typo keeps the first two letters
        self._known = index.known
        self._memo: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        """The phrase word ``word`` misspells, or None (``word`` is long and starts like one: see ``heads``)."""
        memo = self._memo
        if word in memo:
            return memo[word]
        if len(memo) > self.MEMO:
            memo.clear()
        right = memo[word] = None if word in self._known else self._closest(word)
        return right

    def _closest(self, word: str) -> str | None:
        candidates = set(self._fuzzy.get(word, ()))
        for variant in deletes(word):
            candidates.update(self._fuzzy.get(variant, ()))
        candidates = {c for c in candidates if c[:2] == word[:2] and _typo_inside(c, word) and _one_edit(c, word)}
        return min(candidates, key=lambda c: (abs(len(c) - len(word)), c)) if candidates else None


def _one_edit(right: str, word: str) -> bool:
    """Whether ``word`` is ``right`` with one letter added, left out, changed, or two letters swapped (the
    deletes of both words also meet for two edits: "dimanche" and "diamance")."""
    if len(right) == len(word):
        diff = [k for k, (a, b) in enumerate(zip(right, word, strict=True)) if a != b]
        return len(diff) <= 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and right[diff[0]] == word[diff[1]]
                                  and right[diff[1]] == word[diff[0]])
    short, long_ = sorted((right, word), key=len)
    k = next((k for k, (a, b) in enumerate(zip(short, long_, strict=False)) if a != b), len(short))
    return len(long_) == len(short) + 1 and short[k:] == long_[k + 1:]


def _typo_inside(right: str, word: str) -> bool:
    """Whether the two words differ before their last two letters: an ending that differs is another form of
    a word more often than a typo ("photographed" is no "photographer")."""
    same = next((k for k, (a, b) in enumerate(zip(right, word, strict=False)) if a != b), min(len(right), len(word)))
    return same < min(len(right), len(word)) - 2
