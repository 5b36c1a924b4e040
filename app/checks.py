"""The révélateur's request check: a request against a frame's refusals and banned terms. Pure, no I/O.

``compile_checker(frame)`` runs once per published version. It reads each refusal into groups of concepts
(``app.concepts`` families, or the refusal's own words), keeps what makes the refusal distinct from the offer
("Pas de vente de vélos neufs" in a bike-repair frame: *vente* and *neuf*, not *vélo*), and builds one phrase
index with every inflected form. ``Checker.check(text)`` folds and scans the request once, then decides:

- a banned term hits when it is used, not quoted as a word ("avoid the word X", a review that says "...");
- a refusal hits when all its concepts appear near each other, affirmed: not under a negation ("nous ne
  vendons pas de vélos neufs"), not in someone else's words (a customer's quoted question), in a request
  that does not talk about the refusal ("explain why", "say no and recommend ...").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Literal

from app.concepts import VOCABULARIES, Concept, Vocabulary
from app.frame import Frame
from app.text import stem
from app.text import words as text_words
from app.wordlists import WORDLISTS

Kind = Literal["refusal", "lexicon"]
Slot = frozenset[str] | str | None  # the forms a word may take, a prefix, or any word
Phrase = tuple[Slot, ...]
Labels = frozenset[str]
Entry = tuple[Phrase, Labels]

SCOPE = 7  # words a negation reaches, within its clause
BACK_SCOPE = 4  # words before "are not" that it denies
WINDOW = 15  # words within which the concepts of a refusal must appear together
REPORT_REACH = 12  # words of reported speech after "asked if"
MENTION_REACH = 4  # words after "the word" that are quoted as words
FUZZY_MIN = 8  # typos are forgiven in words this long ("trotinettes", "accupuncture")
EXCERPT = 200

NEG, NEG_BACK, TALK, REPORT, MENTION, OFFER = "~neg", "~negback", "~talk", "~report", "~mention", "~offer"
CUES = frozenset({NEG, NEG_BACK, TALK, REPORT, MENTION})
CLIENT_WORK = "c:client_work"

_COMBINING = re.compile("[\u0300-\u036f]")
_JOINER = re.compile(r"(?<=[a-z0-9])'(?=[a-z0-9])")  # "l'offre", "don't": an apostrophe inside a word
_TOKEN = re.compile(r"[a-z0-9]+|\n|[^\sa-z0-9]")
_WORD = re.compile(r"[a-z0-9]+")
_LONG = re.compile(r"[a-z0-9]{8,}")  # FUZZY_MIN letters or more
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_OPEN, _CLOSE, _TOGGLE = frozenset("«“"), frozenset("»”"), frozenset("\"'`")
_STOPS = frozenset(".,;:!?()[]{}…|\n—•")
_SPLITS = frozenset(",;:()[]/|")
_VOWELS = frozenset("aeiouy")
_POSSESSIVES = frozenset({"our", "my", "notre", "nos", "mon", "ma", "mes"})

_FR_ER = ("e", "es", "ent", "ons", "ez", "ais", "ait", "aient", "ions", "iez", "ant", "ee", "ees", "era", "erai",
          "eras", "erons", "erez", "eront", "erait", "eraient", "a", "ai", "erent")
_FR_IR = ("is", "it", "issons", "issez", "issent", "issais", "issait", "issaient", "issant", "i", "ie", "ies", "ira",
          "irons", "iront", "irait")
_FR_RE = ("s", "", "ons", "ez", "ent", "u", "ue", "us", "ues", "ant", "ais", "ait", "aient", "ra", "rons", "rez",
          "ront", "rait", "e", "es")


@dataclass(frozen=True)
class Hit:
    """One refusal or banned term the request runs into, and where."""

    item: str  # the refusal or banned term, exactly as the frame writes it
    kind: Kind
    field: str  # "refusals[2]", "lexicon.banned[0]"
    excerpt: str  # the request around the match, at most 200 characters

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"item": self.item, "kind": self.kind, "field": self.field, "excerpt": self.excerpt}


@dataclass(frozen=True)
class _Group:
    """One way to hit a refusal: every slot (any of its labels) affirmed near the others."""

    required: tuple[Labels, ...]
    negated: tuple[Labels, ...] = ()  # "No treatment without an assessment": these must appear denied
    outside: Labels | None = None  # "No clients outside hospitality": the sectors that are allowed


@dataclass(frozen=True)
class _Rule:
    item: str
    kind: Kind
    field: str
    label: str  # banned terms: the label of the term
    groups: tuple[_Group, ...] = ()


# ------------------------------------------------------------------------------------------ text basics


def _fold(text: str) -> str:
    """Lower case, no accents, apostrophes inside words turned to spaces; same length for common text."""
    low = text.lower()
    if not low.isascii():
        low = low.replace("’", "'").replace("‘", "'").replace("œ", "oe").replace("æ", "ae")
        low = _COMBINING.sub("", unicodedata.normalize("NFKD", low))
    return _JOINER.sub(" ", low) if "'" in low else low


@dataclass
class _Request:
    """A request read once: its words, their clause, and the quotes (start, end, holds a question)."""

    words: list[str]
    clause: list[int]
    quotes: list[list[int]]


_SPLITTER = re.compile("([" + re.escape("".join(sorted(_STOPS | _OPEN | _CLOSE | _TOGGLE))) + "])")


def _read(folded: str) -> _Request:
    """Split a folded text into words, clauses (between punctuation marks) and quotes."""
    words: list[str] = []
    clause: list[int] = []
    quotes: list[list[int]] = []
    cid, open_quote = 0, -1
    for k, part in enumerate(_SPLITTER.split(folded)):
        if not k % 2:  # the text between two marks
            found = _WORD.findall(part)
            words += found
            clause += [cid] * len(found)
            continue
        cid += 1
        if part in _OPEN or (part in _TOGGLE and open_quote < 0):
            open_quote = len(quotes)
            quotes.append([len(words), len(words), 0])
        elif part in _CLOSE or part in _TOGGLE:
            if open_quote >= 0:
                quotes[open_quote][1] = len(words)
                open_quote = -1
        elif part == "?" and open_quote >= 0:
            quotes[open_quote][2] = 1
    if open_quote >= 0:
        quotes[open_quote][1] = len(words)
    return _Request(words, clause, quotes)


@lru_cache(maxsize=65536)
def _deletes(word: str) -> tuple[str, ...]:
    """``word`` with one letter left out, in every position."""
    return tuple(word[:i] + word[i + 1:] for i in range(len(word)))


# ---------------------------------------------------------------------------------------- inflection


@lru_cache(maxsize=16384)
def _forms(word: str, language: str, adjective: bool = False) -> frozenset[str]:
    """The inflected forms a folded ``word`` may take: plural, feminine, verb forms (and -er/-est for terms)."""
    if not word.isalpha():
        return frozenset({word, word + "s"})
    found = _fr_forms(word) if language == "fr" else _en_forms(word, adjective)
    found.update(VOCABULARIES[language].irregular.get(word, ()))
    return frozenset(found)


def _fr_forms(w: str) -> set[str]:
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
    if w.endswith("er") and len(w) >= 5:
        found |= {w[:-2] + "ere", w[:-2] + "eres"} | {w[:-2] + e for e in _FR_ER}
    elif w.endswith("ir") and len(w) >= 5:
        found |= {w[:-2] + e for e in _FR_IR}
    elif w.endswith(("dre", "tre")) and len(w) >= 6:
        found |= {w[:-2] + e for e in _FR_RE}
    return found


def _en_forms(w: str, adjective: bool) -> set[str]:
    found = {w, w + "s"}
    if len(w) < 3:
        return found
    if w.endswith(("s", "x", "z", "ch", "sh")):
        found.add(w + "es")
    ends_y = w.endswith("y") and w[-2] not in _VOWELS
    if ends_y:
        found |= {w[:-1] + "ies", w[:-1] + "ied"}
    found |= {w + "d", w[:-1] + "ing"} if w.endswith("e") else {w + "ed", w + "ing"}
    if len(w) <= 4 and w[-1] not in _VOWELS and w[-1] not in "wx" and w[-2] in _VOWELS and w[-3] not in _VOWELS:
        found |= {w + w[-1] + "ed", w + w[-1] + "ing"}  # clip -> clipped, clipping
    if adjective:
        base = w[:-1] if w.endswith("e") else w[:-1] + "i" if ends_y else w
        found |= {base + "er", base + "est", base + "ly"}
    return found


def _phrases(text: str, language: str, adjective: bool = False, joined: bool = False) -> list[Phrase]:
    """The phrase(s) for a written ``text``: "low-cost" is also "lowcost"; ``joined``: "fur baby" -> "furbaby"."""
    variants = [text]
    if "-" in text:
        variants.append(text.replace("-", ""))
    if joined and len(_WORD.findall(_fold(text))) == 2:
        variants.append("".join(_WORD.findall(_fold(text))))
    out: list[Phrase] = []
    for variant in variants:
        slots: list[Slot] = []
        for piece in _fold(variant).split():
            if piece == "_":
                slots.append(None)
            elif piece.startswith("="):
                slots.append(frozenset({piece[1:]}))
            elif piece.endswith("*") and len(piece) > 4:
                slots.append(piece[:-1])
            else:
                slots += [_forms(w, language, adjective) for w in _WORD.findall(piece)]
        if slots and slots[0] is not None:
            out.append(tuple(slots))
    return out


# ------------------------------------------------------------------------------------------ the index


def _fits(slot: Slot, word: str) -> bool:
    if slot is None:
        return True
    if isinstance(slot, str):
        return word.startswith(slot)
    return word in slot


class _Index:
    """Phrases by their first two words; ``scan`` takes the longest phrase at each position, left to right."""

    def __init__(self, phrases: Mapping[Phrase, Labels]) -> None:
        self.single: dict[str, Labels] = {}  # one-word phrases, by form
        self.pairs: dict[str, dict[str, list[Entry]]] = {}  # longer phrases, by first then second form
        self.loose: dict[str, list[Entry]] = {}  # longer phrases whose second word is "_" or a prefix
        self.prefixes: dict[str, list[tuple[str, Entry]]] = {}  # phrases that start with a prefix
        for phrase, labels in phrases.items():
            head = phrase[0]
            if isinstance(head, str):
                self.prefixes.setdefault(head[:4], []).append((head, (phrase, labels)))
            elif head is not None:
                for form in head:
                    self._add(form, phrase, labels)
        self.heads: dict[str, tuple[Labels | None, dict[str, list[Entry]] | None, list[Entry] | None]] = {
            form: (self.single.get(form), self.pairs.get(form), self.loose.get(form))
            for form in {*self.single, *self.pairs, *self.loose}}
        self.known = frozenset(w for p in phrases for s in p if isinstance(s, frozenset) for w in s)

    def _add(self, form: str, phrase: Phrase, labels: Labels) -> None:
        second = phrase[1] if len(phrase) > 1 else None
        if len(phrase) == 1:
            self.single[form] = self.single.get(form, frozenset()) | labels
        elif isinstance(second, frozenset):
            by_second = self.pairs.setdefault(form, {})
            for other in second:
                by_second.setdefault(other, []).append((phrase, labels))
        else:
            self.loose.setdefault(form, []).append((phrase, labels))

    def scan(self, words: list[str]) -> list[tuple[int, int, Labels]]:
        """(start, end, labels) of the phrases found, longest first, not overlapping."""
        found: list[tuple[int, int, Labels]] = []
        heads, prefixes, n, i = self.heads, self.prefixes, len(words), 0
        while i < n:
            word = words[i]
            entry = heads.get(word)
            if entry is not None and entry[2] is None and (i + 1 == n or entry[1] is None or words[i + 1]
                                                           not in entry[1]) and not prefixes:
                best, labels = 1, entry[0]  # the common case: a single word, or nothing
            elif entry is None and not (prefixes and word[:4] in prefixes):
                i += 1
                continue
            else:
                best, labels = self._longest(words, i, n)
            if labels is None:
                i += 1
                continue
            found.append((i, i + best, labels))
            i += best
        return found

    def _longest(self, words: list[str], i: int, n: int) -> tuple[int, Labels | None]:
        word = words[i]
        labels, pairs, loose = self.heads.get(word, (None, None, None))
        best = 1 if labels is not None else 0
        candidates: list[Entry] = []
        if i + 1 < n:
            if pairs:
                candidates += pairs.get(words[i + 1], ())
            if loose:
                candidates += loose
        elif not self.prefixes:
            return best, labels
        for head, entry in self.prefixes.get(word[:4], ()):
            if word.startswith(head):
                if len(entry[0]) == 1 and best == 0:
                    best, labels = 1, entry[1]
                candidates.append(entry)
        for phrase, labs in candidates:
            size = len(phrase)
            if size > best and i + size <= n and all(_fits(phrase[k], words[i + k]) for k in range(1, size)):
                best, labels = size, labs
        return best, labels


class _IndexBuilder:
    """Collects phrases and their labels; one phrase may carry several labels."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.phrases: dict[Phrase, set[str]] = {}

    def add(self, texts: Iterable[str], label: str, adjective: bool = False, joined: bool = False) -> None:
        for text in texts:
            for phrase in _phrases(text, self.language, adjective, joined):
                self.phrases.setdefault(phrase, set()).add(label)

    def build(self) -> _Index:
        return _Index({p: frozenset(labels) for p, labels in self.phrases.items()})


@lru_cache(maxsize=4)
def _refusal_index(language: str) -> _Index:
    """Every concept of the language, by its phrases and keys: reads the words of a refusal."""
    builder = _IndexBuilder(language)
    for name, concept in VOCABULARIES[language].concepts.items():
        if "c:" + name != CLIENT_WORK:  # a helper of "outside" refusals, not something a refusal names
            builder.add((*concept.phrases, *concept.keys), "c:" + name)
    return builder.build()


# ---------------------------------------------------------------------------------- reading a refusal


@dataclass(frozen=True)
class _Item:
    labels: Labels
    words: tuple[str, ...]


def _skipped(language: str) -> frozenset[str]:
    vocab, wordlist = VOCABULARIES[language], WORDLISTS[language]
    single_negations = {n for n in vocab.negations if " " not in n}
    return wordlist.stop | wordlist.negations | vocab.light | vocab.connectors | single_negations


def _refusal_parts(text: str, language: str) -> list[tuple[str, list[_Item]]]:
    """The refusal cut into parts (mode, items): "normal" alternatives, "inverted" (after "without"),
    "exception" (after "outside")."""
    vocab, skipped = VOCABULARIES[language], _skipped(language)
    cuts: set[int] = set()
    words: list[str] = []
    for tok in _TOKEN.findall(_fold(text)):
        if tok[0] in _ALNUM:
            words.append(tok)
        elif tok in _SPLITS:
            cuts.add(len(words))
    starts = {s: (e, labels) for s, e, labels in _refusal_index(language).scan(words)}
    parts: list[tuple[str, list[_Item]]] = []
    mode, current = "normal", list[_Item]()
    i = 0
    while i < len(words):
        word = words[i]
        if i in cuts or word in vocab.connectors or word in vocab.exceptions or (
                word in vocab.inner_negations and (current or parts)):
            if current:
                parts.append((mode, current))
                current = []
            mode = "exception" if word in vocab.exceptions else "inverted" if word in vocab.inner_negations else mode
        if i in starts:
            end, labels = starts[i]
            current.append(_Item(labels, tuple(words[i:end])))
            i = end
            continue
        if word not in skipped and word not in vocab.exceptions and len(word) > 1:
            current.append(_Item(frozenset({"l:" + word}), (word,)))
        i += 1
    if current:
        parts.append((mode, current))
    return parts


def _is_context(item: _Item, context: frozenset[str], stop: frozenset[str]) -> bool:
    """Whether the item only repeats the offer or the audience ("vélos" in a bike-repair frame)."""
    content = [w for w in item.words if w not in stop]
    return bool(content) and all(stem(w) in context for w in content)


def _needs(labels: Labels, concepts: Mapping[str, Concept]) -> list[Labels]:
    names = {concepts[label[2:]].needs for label in labels if label.startswith("c:")} - {""}
    return [frozenset({"c:" + name}) for name in sorted(names)]


def _groups(text: str, language: str, context: frozenset[str]) -> tuple[_Group, ...]:
    """The ways a request can hit the refusal ``text``."""
    concepts, stop = VOCABULARIES[language].concepts, WORDLISTS[language].stop
    parts = _refusal_parts(text, language)
    by_mode: dict[str, list[list[_Item]]] = {"normal": [], "inverted": [], "exception": []}
    for mode, items in parts:
        by_mode[mode].append(items)
    if by_mode["exception"]:
        allowed = frozenset(label for items in by_mode["exception"] for item in items for label in item.labels
                            if label.startswith("c:") and concepts[label[2:]].sector)
        return (_Group((), outside=allowed),) if allowed else ()
    if by_mode["inverted"]:
        required = tuple(item.labels for items in by_mode["normal"] for item in items)
        negated = tuple(item.labels for items in by_mode["inverted"] for item in items)
        return (_Group(required, negated),) if negated else ()
    groups: list[_Group] = []
    for items in by_mode["normal"]:
        core = [item.labels for item in items if not _is_context(item, context, stop)]
        core += [need for labels in core for need in _needs(labels, concepts) if need not in core]
        group = _Group(tuple(core))
        if core and group not in groups:
            groups.append(group)
    return tuple(groups)


def _context_stems(frame: Frame) -> frozenset[str]:
    """Stems of the offer and the audiences: what a refusal shares with them does not make it distinct."""
    stop = WORDLISTS[frame.language].stop
    text = " ".join([frame.offer, frame.audience, *frame.secondary_audiences])
    return frozenset(stem(w) for w in text_words(text) if w not in stop)


# -------------------------------------------------------------------------------------------- checker


@dataclass(frozen=True)
class _Marks:
    """What the cues of a request say about each word."""

    negated: list[bool]
    reported: list[bool]
    mentioned: list[bool]
    talk: bool


class Checker:
    """A frame's refusals and banned terms, compiled; ``check`` a request against them."""

    def __init__(self, language: str, rules: list[_Rule], index: _Index, fuzzy: dict[str, frozenset[str]]) -> None:
        self.language = language
        self.rules = tuple(rules)
        self._vocab: Vocabulary = VOCABULARIES[language]
        self._index = index
        self._fuzzy = fuzzy
        self._fuzzy_heads = frozenset(t[:2] for targets in fuzzy.values() for t in targets)
        self._corrections: dict[str, str | None] = {}  # memo: words repeat from one request to the next
        self._heads, self._prefix_labels = _content_heads(index)
        self._possible_memo: dict[frozenset[str], bool] = {}

    def check(self, text: str) -> list[Hit]:
        """The refusals and banned terms ``text`` runs into, in the order they appear in it."""
        if not text or not self.rules:
            return []
        folded = _fold(text)
        if not self._may_hit(folded):
            return []
        request = _read(folded)
        words = self._correct(request.words, _LONG.findall(folded))
        found = self._index.scan(words)
        if not found:
            return []
        marks = _marks(found, request, self._vocab.breaks)
        affirmed, denied = _occurrences(found, marks)
        hits: list[tuple[int, _Rule]] = []
        for rule in self.rules:
            if rule.kind == "lexicon":
                at = self._banned_at(rule, affirmed)
            else:
                at = None if marks.talk else self._refusal_at(rule, affirmed, denied, words)
            if at is not None:
                hits.append((at, rule))
        hits.sort(key=lambda h: h[0])
        return [Hit(r.item, r.kind, r.field, _excerpt(text, folded, at)) for at, r in hits]

    def _may_hit(self, folded: str) -> bool:
        """The fast path: False when the request's words cannot make any hit, so the full reading (clauses,
        quotes, negations) is skipped. A word brings the labels of every phrase it may start; a banned term
        needs its label, a refusal every slot of one of its groups. Cues alone (a negation, "explain why")
        never make a hit. A necessary condition only: whatever passes gets the full check."""
        heads, prefixes, fuzzy_heads, memo = self._heads, self._prefix_labels, self._fuzzy_heads, self._corrections
        present: set[str] = set()
        for word in set(_WORD.findall(folded)):
            labels = heads.get(word)
            if labels is None and len(word) >= FUZZY_MIN and word[:2] in fuzzy_heads:
                if word not in memo:
                    if len(memo) > 50_000:
                        memo.clear()
                    memo[word] = self._closest(word)
                right = memo[word]
                labels = heads.get(right) if right is not None else None
            if labels is not None:
                present |= labels
            if prefixes and word[:4] in prefixes:
                present |= prefixes[word[:4]]
        if not present:
            return False
        # Requests bring few distinct label sets (a common word heads some phrase of most frames): remember
        # the answer per set rather than walking every rule's groups again.
        key = frozenset(present)
        possible = self._possible_memo.get(key)
        if possible is None:
            if len(self._possible_memo) > 10_000:
                self._possible_memo.clear()
            possible = self._possible_memo[key] = any(_possible(rule, present) for rule in self.rules)
        return possible

    def _correct(self, words: list[str], long_words: list[str]) -> list[str]:
        """Words with a typo in a long concept word put right ("trotinettes" -> "trottinettes")."""
        if not self._fuzzy:
            return words
        memo = self._corrections
        wrong = {}
        for word in set(long_words):
            if word not in memo:
                if len(memo) > 50_000:
                    memo.clear()
                memo[word] = self._closest(word)
            right = memo[word]
            if right is not None:
                wrong[word] = right
        return [wrong.get(w, w) for w in words] if wrong else words

    def _closest(self, word: str) -> str | None:
        """The concept word ``word`` misspells (one letter added, left out or changed), if any."""
        if word[:2] not in self._fuzzy_heads or word in self._index.known:
            return None
        candidates = set(self._fuzzy.get(word, ()))
        for variant in _deletes(word):
            candidates.update(self._fuzzy.get(variant, ()))
        candidates = {c for c in candidates if c[:2] == word[:2]}
        return min(candidates, key=lambda c: (abs(len(c) - len(word)), c)) if candidates else None

    @staticmethod
    def _banned_at(rule: _Rule, affirmed: Mapping[str, list[int]]) -> int | None:
        positions = affirmed.get(rule.label)
        return positions[0] if positions else None

    def _refusal_at(self, rule: _Rule, affirmed: Mapping[str, list[int]], denied: Mapping[str, list[int]],
                    words: list[str]) -> int | None:
        for group in rule.groups:
            if any(label in denied for slot in group.required for label in slot):
                return None  # the request denies what the refusal names: it talks about it
            if group.outside is not None:
                at = self._outside_at(group.outside, affirmed, words)
            else:
                lists = [_positions(slot, affirmed) for slot in group.required]
                lists += [_positions(slot, denied) for slot in group.negated]
                at = _near(lists) if lists and all(lists) else None
            if at is not None:
                return at
        return None

    def _outside_at(self, allowed: Labels, affirmed: Mapping[str, list[int]], words: list[str]) -> int | None:
        """A business of a sector the refusal leaves out, named as the one we would work for."""
        sectors = {"c:" + name for name, c in self._vocab.concepts.items() if c.sector} - allowed
        found = sorted(p for label in sectors for p in affirmed.get(label, ()) if not _possessed(words, p))
        context = _positions(frozenset({CLIENT_WORK, OFFER}), affirmed)
        return _near([found, context]) if found and context else None


def _content_heads(index: _Index) -> tuple[dict[str, Labels], dict[str, Labels]]:
    """For the fast path: the labels (cues left out) of every phrase a word may start, by the word, and by the
    first four letters of a prefix phrase."""
    heads: dict[str, set[str]] = {}
    for form, labels in index.single.items():
        heads.setdefault(form, set()).update(labels)
    for form, by_second in index.pairs.items():
        for entries in by_second.values():
            for _, labels in entries:
                heads.setdefault(form, set()).update(labels)
    for form, entries in index.loose.items():
        for _, labels in entries:
            heads.setdefault(form, set()).update(labels)
    prefixes: dict[str, set[str]] = {}
    for key, prefixed in index.prefixes.items():
        for _, (_, phrase_labels) in prefixed:
            prefixes.setdefault(key, set()).update(phrase_labels)

    def content(found: dict[str, set[str]]) -> dict[str, Labels]:
        kept = {k: frozenset(v for v in labels if not v.startswith("~")) for k, labels in found.items()}
        return {k: labels for k, labels in kept.items() if labels}

    return content(heads), content(prefixes)


def _possible(rule: _Rule, present: set[str]) -> bool:
    """Whether labels ``present`` somewhere in a request could make ``rule`` hit (order and cues ignored)."""
    if rule.kind == "lexicon":
        return rule.label in present
    for group in rule.groups:
        if group.outside is not None:
            return True  # any sector word: let the full check judge
        if all(not slot.isdisjoint(present) for slot in (*group.required, *group.negated)):
            return True
    return False


def _possessed(words: list[str], at: int) -> bool:
    """"our accountant", "a client's solicitor": a business that is not the client."""
    before = words[max(0, at - 2):at]
    return bool(before) and (before[-1] in _POSSESSIVES or (len(before) == 2 and before[1] == "s"
                                                          and before[0] in {"client", "customer"}))


def _positions(slot: Labels, where: Mapping[str, list[int]]) -> list[int]:
    return sorted(p for label in slot for p in where.get(label, ()))


def _near(lists: list[list[int]]) -> int | None:
    """The first position of the shortest list that has a position of every other list within WINDOW."""
    anchor = min(lists, key=len)
    for p in anchor:
        if all(any(abs(q - p) <= WINDOW for q in other) for other in lists):
            return min(min(q for q in other if abs(q - p) <= WINDOW) for other in lists)
    return None


def _marks(found: list[tuple[int, int, Labels]], request: _Request, breaks: frozenset[str]) -> _Marks:
    """Negation scopes, reported speech, words quoted as words, and whether the request talks about a refusal.

    A scope ends with its clause: at a punctuation mark, or at a word such as "but", "et".
    """
    words, clause, quotes = request.words, request.clause, request.quotes
    n = len(words)
    negated, reported, mentioned = [False] * n, [False] * n, [False] * n
    talk = False
    for start, end, labels in found:
        if NEG in labels:
            for j in range(end, min(n, end + SCOPE)):
                if clause[j] != clause[start] or words[j] in breaks:
                    break
                negated[j] = True
        if NEG_BACK in labels:
            for j in range(start - 1, max(-1, start - 1 - BACK_SCOPE), -1):
                if clause[j] != clause[start] or words[j + 1] in breaks:
                    break
                negated[j] = True
        if TALK in labels:
            talk = True
        if REPORT in labels:
            quote = next((q for q in quotes if end <= q[0] <= end + 2), None)
            span = range(quote[0], quote[1]) if quote else range(end, min(n, end + REPORT_REACH))
            for j in span:
                if quote is None and (clause[j] != clause[end - 1] or words[j] in breaks):
                    break
                reported[j] = True
        if MENTION in labels:
            for j in range(end, min(n, end + MENTION_REACH)):
                mentioned[j] = True
            for q in quotes:
                if end <= q[0] <= end + 3:
                    mentioned[q[0]:q[1]] = [True] * (q[1] - q[0])
    for q in quotes:
        if q[2]:  # a quoted question is someone else's ("« Vous réparez les trottinettes ? »")
            reported[q[0]:q[1]] = [True] * (q[1] - q[0])
    return _Marks(negated, reported, mentioned, talk)


def _occurrences(found: list[tuple[int, int, Labels]],
                 marks: _Marks) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Positions of each label, affirmed and denied; reported words count for neither."""
    affirmed: dict[str, list[int]] = {}
    denied: dict[str, list[int]] = {}
    for start, _, labels in found:
        for label in labels:
            if label in CUES:
                continue
            if label.startswith("b:"):
                if not (marks.reported[start] or marks.mentioned[start]):
                    affirmed.setdefault(label, []).append(start)
            elif marks.reported[start]:
                continue
            elif marks.negated[start]:
                denied.setdefault(label, []).append(start)
            else:
                affirmed.setdefault(label, []).append(start)
    return affirmed, denied


def _excerpt(text: str, folded: str, at: int) -> str:
    """At most EXCERPT characters of ``text`` around its word number ``at``."""
    char = next((m.start() for m in islice(_WORD.finditer(folded), at, at + 1)), 0)
    if len(folded) != len(text):  # a ligature or a decomposed accent changed lengths: place it roughly
        char = round(char * len(text) / max(1, len(folded)))
    start = max(0, char - 80)
    if start:
        space = text.find(" ", start, char)
        start = space + 1 if space >= 0 else start
    piece = " ".join(text[start:start + EXCERPT].split())
    if start + EXCERPT < len(text):
        piece = piece[:EXCERPT - 1].rsplit(" ", 1)[0] + "…"
    return ("…" + piece)[:EXCERPT] if start else piece[:EXCERPT]


# ------------------------------------------------------------------------------------------- compiling


def compile_checker(frame: Frame) -> Checker:
    """Compile a frame's refusals and banned terms once; the checker then runs on every request."""
    language, vocab = frame.language, VOCABULARIES[frame.language]
    context = _context_stems(frame)
    rules: list[_Rule] = []
    for i, refusal in enumerate(frame.refusals):
        groups = _groups(refusal, language, context) if refusal.strip() else ()
        if groups:
            rules.append(_Rule(refusal, "refusal", f"refusals[{i}]", "", groups))
    for j, term in enumerate(frame.lexicon.banned):
        if _WORD.search(_fold(term)):
            rules.append(_Rule(term, "lexicon", f"lexicon.banned[{j}]", f"b:{j}"))
    builder = _IndexBuilder(language)
    for label in sorted(_labels_used(rules, vocab)):
        if label.startswith("c:"):
            builder.add(vocab.concepts[label[2:]].phrases, label)
        elif label.startswith("l:"):
            builder.add([label[2:]], label)
    if any(g.outside is not None for r in rules for g in r.groups):
        stop = WORDLISTS[language].stop
        builder.add([w for w in text_words(frame.offer) if w not in stop and len(w) > 2], OFFER)
    for j, term in enumerate(frame.lexicon.banned):
        builder.add([term], f"b:{j}", adjective=True, joined=True)
    for cues, label in ((vocab.negations, NEG), (vocab.post_negations, NEG_BACK), (vocab.talk, TALK),
                        (vocab.reported, REPORT),
                        (vocab.mention, MENTION), (vocab.neutral, "~neutral")):
        builder.add(cues, label)
    index = builder.build()
    return Checker(language, rules, index, _fuzzy_map(builder.phrases))


def _labels_used(rules: list[_Rule], vocab: Vocabulary) -> set[str]:
    """Concept and literal labels the refusals need, with what they need, and every sector for "outside"."""
    used = {label for r in rules for g in r.groups for slot in (*g.required, *g.negated) for label in slot}
    if any(g.outside is not None for r in rules for g in r.groups):
        used |= {"c:" + name for name, c in vocab.concepts.items() if c.sector} | {CLIENT_WORK}
    return used


def _fuzzy_map(phrases: Mapping[Phrase, set[str]]) -> dict[str, frozenset[str]]:
    """Long single words of concepts and banned terms, by themselves and with one letter left out."""
    targets = {form for phrase, labels in phrases.items() if len(phrase) == 1 and isinstance(phrase[0], frozenset)
               and any(label[:2] in ("c:", "l:", "b:") for label in labels)
               for form in phrase[0] if len(form) >= FUZZY_MIN and form.isalpha()}
    fuzzy: dict[str, set[str]] = {}
    for target in targets:
        for key in (target, *_deletes(target)):
            fuzzy.setdefault(key, set()).add(target)
    return {k: frozenset(v) for k, v in fuzzy.items()}
