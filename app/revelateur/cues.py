"""What the cues of a request say about its words: denied ("nous ne vendons pas de vélos neufs"), someone
else's ("a customer asked if ..."), quoted as words ("avoid the word X"); and whether the request talks about
a refusal ("explain why", "say no", "we don't.", "Surgelés ? Jamais.") rather than asking for what it
refuses, or agrees to what a customer asked ("reply yes"). Pure.

A cue is a phrase of the language's ``Vocabulary`` found by the same index as the concepts, under a label
that starts with "~". Scopes end with their clause: at a punctuation mark, or at a word such as "but", "et".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice, repeat

from app.frames.text import WORD
from app.revelateur.concepts import Vocabulary
from app.revelateur.phrases import Found

NEG, NEG_BACK, TALK, REPORT, MENTION, AGREE = "~neg", "~negback", "~talk", "~report", "~mention", "~agree"
SOFT = "~soft"  # talk for its own clause and those after it: "désolé, ...", not "..., plutôt courte."
NEUTRAL = "~neutral"  # a phrase that looks like a concept but is not one ("remis à neuf"): it only takes room
CUES = frozenset({NEG, NEG_BACK, TALK, SOFT, REPORT, MENTION, AGREE, NEUTRAL})

SCOPE = 7  # words a negation reaches, within its clause
BACK_SCOPE = 4  # words before "are not" that it denies
REPORT_REACH = 12  # words of reported speech after "asked if"
REPORT_TO_QUOTE = 6  # words between "l'avis" and the quote it introduces ("l'avis Google de Sandrine : « ... »"),
REPORT_IN_CLAUSE = 15  # or within its own clause ("l'avis de Mme Berthelot qui écrit que la maison a été « ... »")
MENTION_REACH = 6  # words after "the word" that are quoted as words, within their clause ("sans dire que la porte
# sera inviolable"), or the words of the first quote that opens as close ("sans les mots à la mode comme « zen »)

_OPEN, _CLOSE, _TOGGLE = frozenset("«“"), frozenset("»”"), frozenset("\"'`")
_STOPS = frozenset(".,;:!?()[]{}…|\n—•")
_SPLITTER = re.compile("([" + re.escape("".join(sorted(_STOPS | _OPEN | _CLOSE | _TOGGLE))) + "])")
_JOINER = re.compile(r"(?<=[a-z0-9])'(?=[a-z0-9])")  # "l'offre", "don't": an apostrophe inside a word


def cue_phrases(vocab: Vocabulary) -> Iterator[tuple[tuple[str, ...], str]]:
    """The cue phrases of a language, each with its label."""
    yield vocab.negations, NEG
    yield vocab.post_negations, NEG_BACK
    yield vocab.talk, TALK
    yield vocab.soft_talk, SOFT
    yield vocab.reported, REPORT
    yield vocab.mention, MENTION
    yield vocab.agree, AGREE
    yield vocab.neutral, NEUTRAL


@dataclass
class Layout:
    """Where a request's clauses and quotes are: the clause of each word, each quote as [start, end, holds a
    question], and where each clause starts (its first word, its first character)."""

    clause: list[int]
    quotes: list[list[int]]
    first_word: list[int]
    first_char: list[int]
    answers: set[int]  # the clauses that follow a question mark ("Surgelés ? Jamais.")

    def char_of(self, folded: str, at: int) -> int:
        """The position in ``folded`` of its word number ``at``."""
        k = bisect_right(self.first_word, at) - 1
        found = next(islice(WORD.finditer(folded, self.first_char[k]), at - self.first_word[k], None), None)
        return found.start() if found else 0


def layout(folded: str) -> Layout:
    """Read the clauses (between punctuation marks) and quotes of a folded text, word by word."""
    if "'" in folded:
        folded = _JOINER.sub(" ", folded)
    counts: list[int] = []
    quotes: list[list[int]] = []
    first_word: list[int] = []
    first_char: list[int] = []
    answers: set[int] = set()
    open_quote, at, char = -1, 0, 0
    for k, part in enumerate(_SPLITTER.split(folded)):
        if not k % 2:  # the text between two marks
            count = len(WORD.findall(part)) if part else 0
            counts.append(count)
            first_word.append(at)
            first_char.append(char)
            at += count
        elif part in _OPEN or (part in _TOGGLE and open_quote < 0):
            open_quote = len(quotes)
            quotes.append([at, at, 0])
        elif part in _CLOSE or part in _TOGGLE:
            if open_quote >= 0:
                quotes[open_quote][1] = at
                open_quote = -1
        elif part == "?":
            if open_quote >= 0:
                quotes[open_quote][2] = 1
            else:
                answers.add(len(counts))
        char += len(part)
    if open_quote >= 0:
        quotes[open_quote][1] = at
    clause = list(chain.from_iterable(repeat(cid, count) for cid, count in enumerate(counts)))
    return Layout(clause, quotes, first_word, first_char, answers)


@dataclass(frozen=True)
class Marks:
    """What the cues of a request say about each word, and about the whole request."""

    negated: list[bool]
    reported: list[bool]
    mentioned: list[bool]
    talk: bool  # the request talks about a refusal: explains it, says no, sends the customer elsewhere
    agree: bool  # the request says yes to someone's words: what they ask for is what we are asked to do
    talk_clauses: frozenset[int] | None = None  # the clauses the talk is about; None: the whole request

    def talks_about(self, clauses: Iterable[int]) -> bool:
        """Whether the request talks about what stands in one of ``clauses``."""
        return self.talk and (self.talk_clauses is None or not self.talk_clauses.isdisjoint(clauses))


def marks(found: list[Found], words: list[str], where: Layout, breaks: frozenset[str]) -> Marks:
    """Negation scopes, reported speech, words quoted as words, and whether the request talks about a refusal.

    Reported speech is someone else's words; when the request agrees to them ("réponds-lui que oui") and does
    not talk about a refusal, the customer's question is what we are asked to do.
    """
    clause, quotes = where.clause, where.quotes
    n = len(words)
    negated, reported, mentioned = [False] * n, [False] * n, [False] * n
    talk = agree = whole = False
    talking: set[int] = set()
    denying = -1  # the clause of the last negation: "ne les ratez pas" is one negation, not two
    for start, end, labels in found:
        if NEG in labels:
            _quoted_after(end, quotes, mentioned)  # "sans « cocooning »", "never 'bespoke'": named to rule out
            if clause[start] != denying and (end == n or clause[end] != clause[start] or words[end] in breaks or (
                    clause[start] in where.answers and (start == 0 or clause[start - 1] != clause[start]))):
                talk = whole = True  # "we don't." "Cats? No." denies what was named before: it talks about it
            denying = clause[start]
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
            talk = whole = True
        elif SOFT in labels:
            talk = True
            talking.update(range(clause[start], clause[-1] + 1))
        agree = agree or AGREE in labels
        if REPORT in labels:
            quote = next((q for q in quotes if end <= q[0] <= end + REPORT_TO_QUOTE or (
                end < q[0] <= end + REPORT_IN_CLAUSE and clause[q[0] - 1] == clause[end - 1])), None)
            span = range(quote[0], quote[1]) if quote else range(end, min(n, end + REPORT_REACH))
            for j in span:
                if quote is None and (clause[j] != clause[end - 1] or words[j] in breaks):
                    break
                reported[j] = True
        if MENTION in labels:
            for j in range(end, min(n, end + MENTION_REACH)):
                if j > end and clause[j] != clause[j - 1] and not any(q[0] == j for q in quotes):
                    break
                mentioned[j] = True
            first = next((q for q in quotes if end <= q[0] <= end + MENTION_REACH), None)
            if first is not None:
                _quoted_after(first[0], quotes, mentioned)  # "« zen » ou « parenthèse enchantée »"
    for q in quotes:
        if q[2]:  # a quoted question is someone else's ("« Vous réparez les trottinettes ? »")
            reported[q[0]:q[1]] = [True] * (q[1] - q[0])
    return Marks(negated, reported, mentioned, talk, agree and not whole, None if whole else frozenset(talking))


def _quoted_after(end: int, quotes: list[list[int]], mentioned: list[bool]) -> None:
    """Mark as quoted words the quote that opens at most two words after ``end``, and each quote that follows
    it as closely ("sans « havre de paix » ni « cocooning »", "without 'X' or 'Y'")."""
    reach = end
    for q in quotes:
        if reach <= q[0] <= reach + 2:
            mentioned[q[0]:q[1]] = [True] * (q[1] - q[0])
            reach = q[1]


def occurrences(found: list[Found], seen: Marks) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Positions of each label, affirmed and denied; reported words count for neither. A banned term counts
    wherever it is used: under a negation too ("no more cheap deals"), but not in someone else's words (agreed
    to or not: a review that says "cheap"), nor quoted as a word, nor ruled out in a request that says what we
    do not do ("explique qu'on ne fait pas de dépannage 24h/24"). A phrase is denied when a negation reaches its
    first or its last word ("la déclaration de revenus du foyer reste à sa charge")."""
    affirmed: dict[str, list[int]] = {}
    denied: dict[str, list[int]] = {}
    # a banned term ruled out as a word ("sans « X »", "without 'X'") is ruled out in the whole request: where it
    # comes again, it is in the text to rewrite
    ruled_out_terms = {label for start, _, labels in found if seen.mentioned[start] for label in labels
                       if label.startswith("b:")}
    for start, end, labels in found:
        for label in labels:
            if label in CUES:
                continue
            if label.startswith("b:"):
                ruled_out = seen.negated[start] and seen.talk and seen.talk_clauses is None  # "say we don't do X"
                if not (seen.reported[start] or seen.mentioned[start] or ruled_out or label in ruled_out_terms):
                    affirmed.setdefault(label, []).append(start)
            elif seen.reported[start] and not seen.agree:
                continue
            elif seen.negated[start] or seen.negated[end - 1]:
                denied.setdefault(label, []).append(start)
            else:
                affirmed.setdefault(label, []).append(start)
    return affirmed, denied
