"""Words and phrases of the request check: folding, inflected forms, the phrase syntax, the phrase index. Pure.

A phrase is a tuple of slots, one per word: the set of forms the word may take ("vendre" also "vendons",
"vendu"), a prefix ("surgel*"), or any word ("_"). The index finds, left to right, the longest phrase that
starts at each word of a request and gives its labels (the concepts, banned terms and cues it stands for).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from app.frames.text import fold, split_words
from app.revelateur.concepts import VOCABULARIES

Slot = frozenset[str] | str | None  # the forms a word may take, a prefix, or any word
Phrase = tuple[Slot, ...]
Labels = frozenset[str]
Entry = tuple[Phrase, Labels]
Found = tuple[int, int, Labels]  # a phrase found in a request: first word, end, labels


_VOWELS = frozenset("aeiouy")

_FR_ER = ("e", "es", "ent", "ons", "ez", "ais", "ait", "aient", "ions", "iez", "ant", "ee", "ees", "era", "erai",
          "eras", "erons", "erez", "eront", "erait", "eraient", "a", "ai", "erent")
_FR_IR = ("is", "it", "issons", "issez", "issent", "issais", "issait", "issaient", "issant", "i", "ie", "ies", "ira",
          "irons", "iront", "irait")
_FR_RE = ("s", "", "ons", "ez", "ent", "u", "ue", "us", "ues", "ant", "ais", "ait", "aient", "ra", "rons", "rez",
          "ront", "rait", "e", "es")


# ---------------------------------------------------------------------------------------- inflection


@lru_cache(maxsize=16384)
def forms(word: str, language: str, kind: str = "word") -> frozenset[str]:
    """The inflected forms a folded ``word`` may take: plural, feminine, verb forms; a "noun" (a line of
    business: "vet", not "vetting") takes no verb forms; a "term" (a banned term) also its -er, -est, -ly; a
    "literal" (a word of a refusal or a watch list, written in any form) the forms of its family: its base
    ("effervescents" -> "effervescent") and the nouns, verbs and adjectives derived from it ("livraison" ->
    "livrer", "delivery" -> "deliver", "motorised" -> "motorized")."""
    if kind == "literal":
        if not word.isalpha() or len(word) < 4:
            return forms(word, language)
        return frozenset().union(*(forms(base, language) for base in related(word, language)))
    if not word.isalpha():
        return frozenset({word, word + "s"})
    found = _fr_forms(word, kind) if language == "fr" else _en_forms(word, kind)
    found.update(VOCABULARIES[language].irregular.get(word, ()))
    if kind == "term" and len(word) >= 5:  # "prix cassés" is also "prix cassé"
        for base in _bases(word, language) - {word}:
            found |= forms(base, language, "noun")
    return frozenset(found)


def _fr_forms(w: str, kind: str) -> set[str]:
    found = {w}
    if len(w) < 3:
        return found
    if w[-1] not in "sxz":
        found.add(w + "s")
    if w.endswith(("au", "eu")):
        found.add(w + "x")
    if w.endswith("al"):
        found |= {w[:-2] + "aux", w + "e", w + "es"}
    elif w.endswith("f"):
        found |= {w[:-1] + "ve", w[:-1] + "ves"}
    elif w.endswith("eux"):
        found |= {w[:-1] + "se", w[:-1] + "ses"}
    elif w.endswith(("el", "en")):
        found |= {w + w[-1] + "e", w + w[-1] + "es"}
    found |= {w + "e", w + "es"}  # feminine, and "é" -> "ée", "ées" once accents are gone
    if kind == "noun":
        return found | ({w[:-2] + "ere", w[:-2] + "eres"} if w.endswith("er") else set())
    if w.endswith("er") and len(w) >= 5:
        found |= {w[:-2] + "ere", w[:-2] + "eres"} | {w[:-2] + e for e in _FR_ER}
    elif w.endswith("ir") and len(w) >= 5:
        found |= {w[:-2] + e for e in _FR_IR}
    elif w.endswith(("dre", "tre")) and len(w) >= 6:
        found |= {w[:-2] + e for e in _FR_RE}
    return found


def _en_forms(w: str, kind: str) -> set[str]:
    found = {w, w + "s"}
    if len(w) < 3:
        return found
    if w.endswith(("s", "x", "z", "ch", "sh")):
        found.add(w + "es")
    ends_y = w.endswith("y") and w[-2] not in _VOWELS
    if ends_y:
        found |= {w[:-1] + "ies", w[:-1] + "ied"}
    if kind == "noun":
        return found
    found |= {w + "d", w[:-1] + "ing"} if w.endswith("e") else {w + "ed", w + "ing"}
    if len(w) <= 4 and w[-1] not in _VOWELS and w[-1] not in "wx" and w[-2] in _VOWELS and w[-3] not in _VOWELS:
        found |= {w + w[-1] + "ed", w + w[-1] + "ing"}  # clip -> clipped, clipping
    if kind == "term":
        base = w[:-1] if w.endswith("e") else w[:-1] + "i" if ends_y else w
        found |= {base + "er", base + "est", base + "ly"}
    return found


# (ending, replacement) pairs: a word ending so may come from, or lead to, the same word ending otherwise.
_FR_BASES = (("aux", "al"), ("eaux", "eau"), ("s", ""), ("x", ""), ("es", ""), ("e", ""), ("ees", "er"),
             ("ee", "er"), ("es", "er"), ("e", "er"))
_FR_FAMILY = (("ation", "er"), ("ateur", "er"), ("atrice", "er"), ("aison", "er"), ("age", "er"), ("ement", "er"),
              ("eur", "er"), ("euse", "er"), ("ence", "ent"), ("ent", "ence"), ("ance", "ant"), ("ant", "ance"),
              ("ique", "ie"), ("ie", "ique"), ("if", "ion"), ("ive", "ion"))
_EN_BASES = (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"))
_EN_FAMILY = (("ery", "er"), ("ation", "e"), ("ation", ""), ("tion", "te"), ("ment", ""), ("al", "e"), ("al", ""),
              ("ence", "ent"), ("ent", "ence"), ("ance", "ant"), ("ant", "ance"), ("ance", ""), ("ised", "ized"),
              ("ized", "ised"), ("ise", "ize"), ("ize", "ise"), ("iser", "izer"), ("izer", "iser"),
              ("ising", "izing"), ("izing", "ising"))


@lru_cache(maxsize=16384)
def related(word: str, language: str) -> frozenset[str]:
    """``word``, its likely bases (plural, feminine, participle taken off) and the words of its family one
    derivation away; words of fewer than 4 letters are not made. Over-generation only adds forms that requests
    seldom hold."""
    family = _FR_FAMILY if language == "fr" else _EN_FAMILY
    found = set(_bases(word, language))
    for base in list(found):
        for end, repl in family:
            if base.endswith(end) and len(base) - len(end) + len(repl) >= 4:
                found.add(base[:len(base) - len(end)] + repl)
    return frozenset(found)


def _bases(word: str, language: str) -> frozenset[str]:
    """``word`` and its likely bases: plural, feminine, participle taken off (never fewer than 4 letters)."""
    found = {word}
    for end, repl in _FR_BASES if language == "fr" else _EN_BASES:
        if word.endswith(end) and len(word) - len(end) + len(repl) >= 4:
            found.add(word[:len(word) - len(end)] + repl)
    return frozenset(found)


@lru_cache(maxsize=65536)
def phrases(text: str, language: str, kind: str = "word", joined: bool = False) -> tuple[Phrase, ...]:
    """The phrase(s) for a written ``text``: "low-cost" is also "lowcost"; ``joined``: "fur baby" -> "furbaby"."""
    variants = [text]
    if "-" in text:
        variants.append(text.replace("-", ""))
    if joined and len(split_words(fold(text))) == 2:
        variants.append("".join(split_words(fold(text))))
    out: list[Phrase] = []
    for variant in variants:
        slots: list[Slot] = []
        for piece in fold(variant).split():
            if piece == "_":
                slots.append(None)
            elif piece.startswith("="):
                slots.append(frozenset({piece[1:]}))
            elif piece.endswith("*") and len(piece) > 4:
                slots.append(piece[:-1])
            else:
                slots += [forms(w, language, kind) for w in split_words(piece)]
        if slots and slots[0] is not None:
            out.append(tuple(slots))
    return tuple(out)


# ------------------------------------------------------------------------------------------ the index


def _fits(slot: Slot, word: str) -> bool:
    if slot is None:
        return True
    if isinstance(slot, str):
        return word.startswith(slot)
    return word in slot


@dataclass
class Starts:
    """The labels of the phrases of an index, by what a request must hold for them to be there: a word
    (``heads``: one-word phrases, and longer ones when nothing narrower can be said), two words in a row
    (``pairs``), two words with one between (``skips``), or a word that starts with four letters (``prefixes``).
    Every word that may start a phrase is a key of ``heads``, with no label when it only starts longer ones."""

    heads: dict[str, set[str]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    skips: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    prefixes: dict[str, set[str]] = field(default_factory=dict)

    def head(self, form: str) -> set[str]:
        """The labels of ``form`` as a head, made empty the first time."""
        return self.heads.setdefault(form, set())


class PhraseIndex:
    """Phrases by their first two words; ``scan`` takes the longest phrase at each position, left to right."""

    def __init__(self, entries: Mapping[Phrase, Labels]) -> None:
        self.single: dict[str, Labels] = {}  # one-word phrases, by form
        self.pairs: dict[str, dict[str, list[Entry]]] = {}  # longer phrases, by first then second form
        self.loose: dict[str, list[Entry]] = {}  # longer phrases whose second word is "_" or a prefix
        self.prefixes: dict[str, list[tuple[str, Entry]]] = {}  # phrases that start with a prefix, by 4 letters
        same: dict[Labels, Labels] = {}  # one object per distinct set of labels: checkers stay small
        for phrase, labels in entries.items():
            head, entry = phrase[0], (phrase, same.setdefault(labels, labels))
            if isinstance(head, str):
                self.prefixes.setdefault(head[:4], []).append((head, entry))
            elif head is not None:
                for form in head:
                    self._add(form, entry, same)
        self.heads: dict[str, tuple[Labels | None, dict[str, list[Entry]] | None, list[Entry] | None]] = {
            form: (self.single.get(form), self.pairs.get(form), self.loose.get(form))
            for form in {*self.single, *self.pairs, *self.loose}}
        self.known = frozenset(w for p in entries for s in p if isinstance(s, frozenset) for w in s)
        self.size = max(map(len, entries), default=1)  # words in the longest phrase

    def _add(self, form: str, entry: Entry, same: dict[Labels, Labels]) -> None:
        phrase, labels = entry
        second = phrase[1] if len(phrase) > 1 else None
        if len(phrase) == 1:
            merged = self.single.get(form, frozenset()) | labels
            self.single[form] = same.setdefault(merged, merged)
        elif isinstance(second, frozenset):
            by_second = self.pairs.setdefault(form, {})
            for other in second:
                by_second.setdefault(other, []).append(entry)
        else:
            self.loose.setdefault(form, []).append(entry)

    def starts(self) -> Starts:
        """What the words of a request say, at a glance, about the phrases it may hold (see ``Starts``)."""
        found = Starts()
        for form, labels in self.single.items():
            found.head(form).update(labels)
        for form, by_second in self.pairs.items():
            found.head(form)
            for second, entries in by_second.items():
                for _, labels in entries:
                    found.pairs.setdefault((form, second), set()).update(labels)
        for form, loose in self.loose.items():
            for phrase, labels in loose:
                third = phrase[2] if len(phrase) > 2 and phrase[1] is None else None
                if isinstance(third, frozenset):  # "at _ flat": "at" and "flat", two words apart
                    found.head(form)
                    for other in third:
                        found.skips.setdefault((form, other), set()).update(labels)
                else:
                    found.head(form).update(labels)
        for key, prefixed in self.prefixes.items():
            for _, (_, labels) in prefixed:
                found.prefixes.setdefault(key, set()).update(labels)
        return found

    def scan(self, words: list[str], starts: Iterable[int], clause: list[int] | None = None) -> list[Found]:
        """(start, end, labels) of the phrases found, longest first, not overlapping; ``starts``: the positions,
        in order, of the words that may start a phrase (the others are skipped without a look-up); ``clause``:
        the clause of each word, when a phrase must not run over a punctuation mark ("No, appointments")."""
        found: list[Found] = []
        heads, prefixes, n, after = self.heads, self.prefixes, len(words), 0
        for i in starts:
            if i < after:
                continue
            entry = heads.get(words[i])
            if entry is not None and entry[2] is None and not (prefixes and words[i][:4] in prefixes) and (
                    entry[1] is None or i + 1 == n or words[i + 1] not in entry[1]
                    or (clause is not None and clause[i + 1] != clause[i])):
                best, labels = 1, entry[0]  # the common case: a single word
            else:
                best, labels = self._longest(words, i, clause)
            if labels is not None:
                found.append((i, i + best, labels))
                after = i + best
        return found

    def _longest(self, words: list[str], i: int, clause: list[int] | None) -> tuple[int, Labels | None]:
        word, n = words[i], min(len(words), i + self.size)
        if clause is not None:  # the phrase ends with the clause
            n = next((k for k in range(i + 1, n) if clause[k] != clause[i]), n)
        labels, pairs, loose = self.heads.get(word, (None, None, None))
        best = 1 if labels is not None else 0
        candidates: list[Entry] = []
        if i + 1 < n:
            if pairs:
                candidates += pairs.get(words[i + 1], ())
            if loose:
                candidates += loose
        for head, entry in self.prefixes.get(word[:4], ()) if self.prefixes else ():
            if word.startswith(head):
                if len(entry[0]) == 1 and best == 0:
                    best, labels = 1, entry[1]
                candidates.append(entry)
        for phrase, labs in candidates:
            size = len(phrase)
            if size >= best and i + size <= n and all(_fits(phrase[k], words[i + k]) for k in range(1, size)):
                # Two phrases of one length over the same words (a family's and a watch list's, written with
                # other forms) both name their labels; a cue or a neutral phrase keeps the words to itself.
                if size > best or labels is None:
                    labels = labs
                elif not any(v[0] == "~" for v in (*labels, *labs)):
                    labels = labels | labs
                best = size
        return best, labels


class IndexBuilder:
    """Collects phrases and their labels; one phrase may carry several labels."""

    def __init__(self, language: str, inherit: bool = False) -> None:
        self.language = language
        self.inherit = inherit  # a longer phrase also names the concepts of its words (see ``build``)
        self.entries: dict[Phrase, set[str]] = {}

    def add(self, texts: Iterable[str], label: str, kind: str = "word", joined: bool = False,
            language: str | None = None) -> None:
        """Add the phrases of ``texts`` under ``label`` (``kind``: see ``forms``; ``language``: of the words'
        inflections, the index's by default)."""
        for text in texts:
            for phrase in phrases(text, language or self.language, kind, joined):
                self.entries.setdefault(phrase, set()).add(label)

    def build(self) -> PhraseIndex:
        """The index of every phrase added. With ``inherit``, a longer phrase also names the concepts of the
        words it is made of ("idées de logo" is an idea and a logo; "tree removal" a tree and its removal),
        unless it is a cue, a neutral phrase ("remis à neuf" is no new bike) or a banned term: the index takes
        the longest phrase at each position, so its words would otherwise be lost to the other concepts."""
        if not self.inherit:
            return PhraseIndex({p: frozenset(labels) for p, labels in self.entries.items()})
        by_word: dict[str, set[str]] = {}
        for phrase, labels in self.entries.items():
            head = phrase[0]
            if len(phrase) == 1 and isinstance(head, frozenset):
                content = {v for v in labels if v[:2] in ("c:", "l:")}
                for form in head if content else ():
                    by_word.setdefault(form, set()).update(content)
        built: dict[Phrase, Labels] = {}
        for phrase, labels in self.entries.items():
            if len(phrase) > 1 and not any(v[0] == "~" or v[:2] == "b:" for v in labels):
                labels = labels | {v for slot in phrase if isinstance(slot, frozenset)
                                   for form in slot & by_word.keys() for v in by_word[form]}
            built[phrase] = frozenset(labels)
        return PhraseIndex(built)


# ------------------------------------------------------------------------------------------------ typos
