"""The révélateur's request check: a request against a frame's refusals and banned terms. Pure, no I/O.

``compile_checker(frame)`` runs once per published version: it reads each refusal into groups of concept slots
(``app.refusal_groups``) and builds one phrase index (``app.phrases``) with every inflected form of the concepts,
banned terms and cues it needs. ``Checker.check(text)`` splits the request into words once, and most requests
stop there (the fast path: their words, and their words two by two, cannot make any hit). The others are read
for their clauses and quotes, scanned for phrases, read for their cues (``app.cues``), then decided:

- a banned term hits when it is used, not quoted as a word ("avoid the word X", a review that says "...");
- a refusal hits when all its slots appear near each other, affirmed: not under a negation ("nous ne vendons
  pas de vélos neufs"), not in someone else's words (a customer's quoted question), in a request that does not
  talk about the refusal ("explain why", "say no and recommend ...").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice, pairwise
from typing import Literal, TypeVar

from app.frames.model import Frame
from app.frames.records import Hit
from app.frames.text import WORD, excerpt_around, fold, split_words
from app.frames.text import words as text_words
from app.frames.wordlists import WORDLISTS
from app.revelateur.bounds import Bound, Side, bound
from app.revelateur.commonness import common, in_pairs, load, own_pairs
from app.revelateur.concepts import VOCABULARIES
from app.revelateur.cues import CUES, NEG, Marks, cue_phrases, layout, marks, occurrences
from app.revelateur.phrases import Found, IndexBuilder, Labels, PhraseIndex
from app.revelateur.places import beyond, place_limited, street
from app.revelateur.refusal_groups import (
    CLIENT_WORK,
    QUANTITY,
    Group,
    context_stems,
    groups,
    partial_words,
    sector_labels,
)
from app.revelateur.typos import FUZZY_MIN, Typos

Kind = Literal["refusal", "lexicon"]

WINDOW = 15  # words within which the slots of a refusal must appear together
# Words beyond which a request's refusal found is to check, not against the frame: a longer request names its
# context (the customer, the place, what happened), and what it names is less often what it asks for. French
# says as much in about 12% more words. Measured in docs/decisions.md ("Fifth session on issue 13"); an answer
# is not a request, and a banned term is used whatever the length.
LONG = {"en": 20, "fr": 22}
EXCERPT = 200
OFFER = "~offer"  # a word of the frame's offer: with "outside" refusals, the request is about our work
OUTSIDE = "o:"  # "hors de la métropole", "outside Norfolk": with what a place limit limits, the limit itself
_MEMO = 10_000
_K = TypeVar("_K")
_POSSESSIVES = frozenset({"our", "my", "notre", "nos", "mon", "ma", "mes"})


@dataclass(frozen=True)
class _Rule:
    item: str
    kind: Kind
    field: str
    label: str  # banned terms: the label of the term
    groups: tuple[Group, ...] = ()
    # A place limit ("Pas de leçons hors de la métropole de Rennes"): the label of what it limits ("leçons"). A
    # hit on its watch list alone (a place: "Saint-Malo") is sure only with that nearby; else it is to check.
    limits: str | None = None
    # A line drawn with a number ("plus de 40 personnes"): a request that names quantities of its kind, all
    # within it ("40 personnes"), does not hit the refusal; one beyond it fills the refusal's QUANTITY slot.
    line: Bound | None = None
    pairs: frozenset[tuple[str, str]] = frozenset()  # its own words side by side: one common word is not alone


class Checker:
    """A frame's refusals and banned terms, compiled; ``check`` a request against them."""

    def __init__(self, language: str, rules: list[_Rule], index: PhraseIndex, typos: Typos) -> None:
        self.language = language
        self.rules = tuple(rules)
        self._breaks = VOCABULARIES[language].breaks
        self._stop = WORDLISTS[language].stop
        self._sectors = sector_labels(language)
        self._index = index
        self._typos = typos
        starts = index.starts()
        self._heads = _content(starts.heads, keep_empty=True)
        self._head_words = frozenset(self._heads)
        self._pairs = _content(starts.pairs)
        self._pair_keys = frozenset(self._pairs)
        self._skips = _content(starts.skips)
        self._skip_keys = frozenset(self._skips)
        # First words of those pairs: most requests hold none, and skip pairing their words at all.
        self._pair_firsts = frozenset(first for first, _ in self._pair_keys)
        self._skip_firsts = frozenset(first for first, _ in self._skip_keys)
        self._prefixes = _content(starts.prefixes)
        self._plain: set[str] = set()  # words seen that start no phrase and spell no phrase word wrong
        self._possible: dict[frozenset[str], bool] = {}  # the fast path's answer, per set of labels present

    def check(self, text: str, *, answer: bool = False) -> list[Hit]:
        """The refusals and banned terms ``text`` runs into, in the order they appear in it (``answer``: the
        model's answer rather than a request, read whatever its length)."""
        if not text or not self.rules:
            return []
        folded = fold(text)
        words = split_words(folded)
        unique = set(words)
        starts, present, fixes = self._heads_in(unique)
        if fixes:
            words = [fixes.get(w, w) for w in words]
            unique = set(words)
        if not self._may_hit(present) and not self._may_hit(present | self._pair_labels(words, unique)):
            return []
        where = layout(folded)
        found = self._index.scan(words, [i for i, w in enumerate(words) if w in starts], where.clause)
        if all(labels <= CUES for _, _, labels in found):
            return []
        seen = marks(found, words, where, self._breaks)
        affirmed, denied = occurrences(found, seen)
        hits: list[tuple[int, _Rule, bool]] = []
        long = not answer and len(text.split()) > LONG[self.language]
        for rule in self.rules:
            sure = True
            if rule.kind == "lexicon":
                at = self._banned_at(rule, affirmed)
            else:
                named = affirmed
                if rule.line is not None and (side := rule.line.side(text, self.language)) is not None:
                    if side[0] is Side.WITHIN:
                        continue
                    named = {**affirmed, QUANTITY: [side[1]]}
                made = self._refusal_at(rule, named, denied, words)
                found_at = made[0] if made else None
                at = None if found_at is None or _talked_about(found_at, where.clause, seen) else found_at[0]
                if made is not None and at is not None and rule.limits is None:  # a place limit: see below
                    sure = not _weak(made[1], named, found, words) or in_pairs(words, rule.pairs, self._stop)
                if found_at is not None and at is not None and rule.limits is not None:
                    sure = sure and _near([list(found_at), affirmed.get(rule.limits, [])]) is not None
                    if (not sure and street(words, at, self.language)) or seen.talk:
                        # "Cheltenham Road", "rue de Vendée": a street of the town, not the place; "Reply to a
                        # customer in Glossop: sorry, that's outside our area": the place is the one declined
                        at = None
            if at is not None:
                hits.append((at, rule, sure and (rule.kind == "lexicon" or not long)))
        hits.sort(key=lambda h: h[0])
        return [Hit(r.item, r.kind, r.field, excerpt_around(text, folded, where.char_of(folded, at), EXCERPT), sure)
                for at, r, sure in hits]

    def talks(self, text: str) -> bool:
        """Whether ``text`` talks about a refusal rather than asking for it: explains it, declines it, says what
        we do not do ("explique pourquoi nous ne vendons pas de vélos neufs"). The semantic stage asks this of a
        request it finds close to a refusal: applying or explaining a refusal fits the frame."""
        if not text:
            return False
        folded = fold(text)
        words = split_words(folded)
        starts, _, fixes = self._heads_in(set(words))
        if fixes:
            words = [fixes.get(w, w) for w in words]
        where = layout(folded)
        found = self._index.scan(words, [i for i, w in enumerate(words) if w in starts], where.clause)
        seen = marks(found, words, where, self._breaks)
        _, denied = occurrences(found, seen)
        return (seen.talk and seen.talk_clauses is None) or bool(denied)  # a soft cue ("plutôt") is not enough

    def _heads_in(self, unique: set[str]) -> tuple[set[str], set[str], dict[str, str]]:
        """The words that may start a phrase, the labels (cues left out) of the phrases a word alone makes
        present, and the typos put right. Set operations do most of it; a word is looked at one by one only the
        first time it is seen, or when it starts a prefix phrase or is a typo."""
        starts = unique & self._head_words
        heads, prefixes, typos, plain = self._heads, self._prefixes, self._typos, self._plain
        present: set[str] = set().union(*map(heads.__getitem__, starts))
        if prefixes:
            for word in starts:
                if word[:4] in prefixes:
                    present |= prefixes[word[:4]]
        fixes: dict[str, str] = {}
        for word in unique - starts - plain:
            if prefixes and word[:4] in prefixes:
                present |= prefixes[word[:4]]
                starts.add(word)
            elif len(word) >= FUZZY_MIN and word[:2] in typos.heads and (right := typos.correct(word)):
                fixes[word] = right
                if right in heads:
                    present |= heads[right]
                    starts.add(right)
            else:
                if len(plain) > Typos.MEMO:
                    plain.clear()
                plain.add(word)
        return starts, present, fixes

    def _pair_labels(self, words: list[str], unique: set[str]) -> set[str]:
        """The labels of the longer phrases whose first two words (or first and third, around "_") the request
        holds in that order (``unique``: the set of ``words``)."""
        found: set[str] = set()
        if self._pairs and not unique.isdisjoint(self._pair_firsts):
            found = found.union(*map(self._pairs.__getitem__, self._pair_keys.intersection(pairwise(words))))
        if self._skips and not unique.isdisjoint(self._skip_firsts):
            skips = zip(words, islice(words, 2, None), strict=False)
            found = found.union(*map(self._skips.__getitem__, self._skip_keys.intersection(skips)))
        return found

    def _may_hit(self, present: set[str]) -> bool:
        """The fast path: False when labels ``present`` cannot make any hit, so the full reading (phrases,
        clauses, quotes, negations) is skipped. A banned term needs its label, a refusal every slot of one of
        its groups; cues alone never make a hit. A necessary condition only: whatever passes gets the full
        check. Requests bring few distinct sets of labels: the answer is remembered per set."""
        if not present:
            return False
        key = frozenset(present)
        possible = self._possible.get(key)
        if possible is None:
            if len(self._possible) > _MEMO:
                self._possible.clear()
            possible = self._possible[key] = any(self._possible_hit(rule, present) for rule in self.rules)
        return possible

    def _possible_hit(self, rule: _Rule, present: set[str]) -> bool:
        """Whether labels ``present`` somewhere in a request could make ``rule`` hit (order and cues ignored)."""
        if rule.kind == "lexicon":
            return rule.label in present
        for group in rule.groups:
            if group.outside is not None:
                if not present.isdisjoint(self._sectors - group.outside):
                    return True
            elif all(QUANTITY in slot or not slot.isdisjoint(present) for slot in (*group.required, *group.negated)):
                return True  # a quantity is read only in the full reading
        return False

    @staticmethod
    def _banned_at(rule: _Rule, affirmed: Mapping[str, list[int]]) -> int | None:
        positions = affirmed.get(rule.label)
        return positions[0] if positions else None

    def _refusal_at(self, rule: _Rule, affirmed: Mapping[str, list[int]], denied: Mapping[str, list[int]],
                    words: list[str]) -> tuple[tuple[int, ...], Group] | None:
        """The positions of the words that make ``rule`` hit (the first one first) and the group they fill, or
        None."""
        for group in rule.groups:
            if any(not slot.isdisjoint(denied) for slot in group.required):
                return None  # the request denies what the refusal names: it talks about it
            if group.outside is not None:
                at = self._outside_at(group.outside, affirmed, words)
            elif any(slot.isdisjoint(affirmed) for slot in group.required) or any(
                    slot.isdisjoint(denied) for slot in group.negated):
                continue
            else:
                lists = [_positions(slot, affirmed) for slot in group.required]
                lists += [_positions(slot, denied) for slot in group.negated]
                at = _near(lists) if lists and all(lists) else None
            if at is not None:
                return at, group
        return None

    def _outside_at(self, allowed: Labels, affirmed: Mapping[str, list[int]],
                    words: list[str]) -> tuple[int, ...] | None:
        """A business of a sector the refusal leaves out, named as the one we would work for."""
        found = sorted(p for label in self._sectors - allowed for p in affirmed.get(label, ())
                       if not _possessed(words, p))
        context = _positions(frozenset({CLIENT_WORK, OFFER}), affirmed)
        return _near([found, context]) if found and context else None


def _content(by_key: Mapping[_K, set[str]], keep_empty: bool = False) -> dict[_K, frozenset[str]]:
    """The labels that make hits (not the cues, which start with "~"), by key; keys left with none dropped."""
    same: dict[frozenset[str], frozenset[str]] = {}  # one object per distinct set of labels: checkers stay small
    kept = {key: same.setdefault(content, content) for key, labels in by_key.items()
            if (content := frozenset(v for v in labels if v[0] != "~")) or keep_empty}
    return kept


def _possessed(words: list[str], at: int) -> bool:
    """"our accountant", "a client's solicitor": a business that is not the client."""
    before = words[max(0, at - 2):at]
    return bool(before) and (before[-1] in _POSSESSIVES or (len(before) == 2 and before[1] == "s"
                                                          and before[0] in {"client", "customer"}))


def _weak(group: Group, affirmed: Mapping[str, list[int]], found: list[Found], words: list[str]) -> bool:
    """Whether a hit rests on one common word alone ("office", "samedi"; ``app.revelateur.commonness``)."""
    met = set(_positions(group.required[0], affirmed)) if len(group.required) == 1 else set()
    named = {" ".join(words[start:end]) for start, end, _ in found if start in met}
    return (len(named) == 1 and group.outside is None and not group.negated and QUANTITY not in group.required[0]
            and common(next(iter(named))))


def _positions(slot: Labels, where: Mapping[str, list[int]]) -> list[int]:
    return sorted(p for label in slot for p in where.get(label, ()))


def _near(lists: list[list[int]]) -> tuple[int, ...] | None:
    """Positions, one of each list, within WINDOW of a position of the shortest list (the first position
    first); None when there are none."""
    anchor = min(lists, key=len)
    for p in anchor:
        if all(any(abs(q - p) <= WINDOW for q in other) for other in lists):
            chosen = sorted(min(q for q in other if abs(q - p) <= WINDOW) for other in lists)
            return tuple(chosen)
    return None


def _talked_about(positions: tuple[int, ...], clause: list[int], seen: Marks) -> bool:
    """Whether a talk cue speaks for the clause of one of the words of a hit: "explique pourquoi nous ne
    vendons pas de vélos neufs" talks about the refusal; in "une annonce pour des vélos neufs, plutôt courte"
    the cue belongs to another clause and the hit stands."""
    return seen.talks_about(clause[p] for p in positions)


# ------------------------------------------------------------------------------------------- compiling


def compile_checker(frame: Frame) -> Checker:
    """Compile a frame's refusals, watch lists and banned terms once; the checker then runs on every request."""
    language, vocab = frame.language, VOCABULARIES[frame.language]
    context = context_stems(frame)
    watched = watch_words(frame)
    limited = {refusal: place_limited(refusal, language) for refusal in frame.refusals}
    rules: list[_Rule] = []
    for i, refusal in enumerate(frame.refusals):
        found = groups(refusal, language, context, guess=not watched.get(refusal)) if refusal.strip() else ()
        if watched.get(refusal):
            partial = partial_words(watched[refusal], refusal, found, language)
            watched[refusal] = [w for w in watched[refusal] if w not in partial]
        limits = None
        if limited.get(refusal):  # the limit in its own words: "livraison possible hors de Grand Chambéry"
            found = (*found, Group((frozenset({f"a:{i}"}), frozenset({f"{OUTSIDE}{i}"}))))
        if watched.get(refusal):
            found = (*found, Group((frozenset({f"w:{i}"}),)))  # any one watched word hits the refusal
            if limited.get(refusal):
                limits = f"a:{i}"
        if found:
            rules.append(_Rule(refusal, "refusal", f"refusals[{i}]", "", found, limits, bound(refusal, language),
                               own_pairs(refusal, WORDLISTS[language].stop)))
    for j, term in enumerate(frame.lexicon.banned):
        if WORD.search(fold(term)):
            rules.append(_Rule(term, "lexicon", f"lexicon.banned[{j}]", f"b:{j}"))
    outside = any(g.outside is not None for r in rules for g in r.groups)
    builder = IndexBuilder(language, inherit=True)
    for label in sorted(_labels_used(rules, language, outside)):
        if label.startswith("c:"):
            concept = vocab.concepts[label[2:]]
            builder.add(concept.phrases, label, "noun" if concept.sector else "word")
        elif label.startswith("l:"):
            builder.add([label[2:]], label, "literal")
    for i, refusal in enumerate(frame.refusals):
        if limited.get(refusal):
            builder.add(limited[refusal], f"a:{i}", "literal")
            builder.add(beyond(refusal, language), f"{OUTSIDE}{i}")
        for other in VOCABULARIES:  # a watched word may be of the other language ("sparkling" for a French frame)
            builder.add(watched.get(refusal, ()), f"w:{i}", "literal" if other == language else "word", language=other)
    if outside:
        stop = WORDLISTS[language].stop
        builder.add([w for w in text_words(frame.offer) if w not in stop and len(w) > 2], OFFER)
    for j, term in enumerate(frame.lexicon.banned):
        builder.add([term], f"b:{j}", "term", joined=True)
    for cues, label in cue_phrases(vocab):
        builder.add(cues, label)
    for other, words in VOCABULARIES.items():  # a request in the other language says no in its own words:
        if other != language:  # its cues of two words or more ("politely decline"), seldom words of this one
            for cues, label in cue_phrases(words):
                builder.add([c for c in cues if " " in c.strip()], label, language=other)
            builder.add([f"={p}" for p in words.particles], NEG, language=other)  # its "never", "jamais"
    index = builder.build()
    load()
    labelled = [p for p, labels in builder.entries.items() if any(v[:2] in ("c:", "l:", "b:", "w:") for v in labels)]
    return Checker(language, rules, index, Typos(index, labelled))


def watch_words(frame: Frame) -> dict[str, list[str]]:
    """The words watched for each refusal of ``frame``, by the refusal's text (lists for a refusal that is no
    longer in the frame watch nothing; two lists for one refusal are one; a bare number watches nothing: "11"
    would hit "Year 11" and "9-11")."""
    found: dict[str, list[str]] = {}
    for entry in frame.watch:
        if entry.refusal in frame.refusals:
            words = found.setdefault(entry.refusal, [])
            words += [w for w in entry.words if w not in words and _watchable(w)]
    return found


def _watchable(word: str) -> bool:
    found = split_words(fold(word))
    return bool(found) and not (len(found) == 1 and found[0].isdigit())


def _labels_used(rules: list[_Rule], language: str, outside: bool) -> set[str]:
    """Concept and literal labels the refusals need, with every sector and our work for "outside" refusals."""
    used = {label for r in rules for g in r.groups for slot in (*g.required, *g.negated) for label in slot}
    if outside:
        used |= sector_labels(language) | {CLIENT_WORK}
    return used
