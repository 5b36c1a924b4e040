"""The clarity rules of a frame. Pure: values in, values out.

A rule is a function ``(frame, ctx) -> iterable of Finding`` registered with ``@rule``; adding one is
a few lines. Word lists live in ``wordlists.py``, messages in ``app/messages``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from app.frames.model import Finding, Frame
from app.frames.text import fold, sentence_count, stem, stems, without_clauses, words
from app.frames.wordlists import WORDLISTS, WordList
from app.messages import MESSAGES
from app.messages import text as message


def lint_message(code: str, language: str, field: str, **values: object) -> str:
    """The message of a clarity finding, in ``language``, naming the field in words."""
    base = field.split("[")[0].split(".")[0]
    label = message(f"field.{base}", language) if f"field.{base}" in MESSAGES else field
    return message(f"lint.{code}", language, label=label, **values)


@dataclass(frozen=True)
class Context:
    """What a rule may look at besides the frame."""

    language: str
    words: WordList
    today: dt.date
    speak: str = ""  # the language of the findings' messages; the frame's own when empty

    @property
    def says(self) -> str:
        return self.speak or self.language


Rule = Callable[[Frame, Context], Iterable[Finding]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    """Register a clarity rule."""
    RULES.append(fn)
    return fn


def lint(frame: Frame, today: dt.date | None = None, speak: str | None = None) -> list[Finding]:
    """All findings for ``frame``, errors first, in the frame's language (or, with ``speak``, the same findings
    put in another language: the rules still read the frame with its own language's words)."""
    ctx = Context(frame.language, WORDLISTS[frame.language], today or dt.date.today(), speak or "")
    found = [f for r in RULES for f in r(frame, ctx)]
    return sorted(found, key=lambda f: f.severity != "error")


def errors(findings: Iterable[Finding]) -> list[Finding]:
    """Only the findings that block publication."""
    return [f for f in findings if f.severity == "error"]


def _error(ctx: Context, field: str, code: str, **values: object) -> Finding:
    return Finding(field, code, "error", lint_message(code, ctx.says, field, **values))


def _warning(ctx: Context, field: str, code: str, **values: object) -> Finding:
    return Finding(field, code, "warning", lint_message(code, ctx.says, field, **values))


def _all_placeholders() -> frozenset[str]:
    return frozenset().union(*(w.placeholders for w in WORDLISTS.values()))


_PLACEHOLDERS = _all_placeholders()
_MARKERS = frozenset().union(*(w.placeholder_markers for w in WORDLISTS.values()))
_EVERYONE = tuple(p for w in WORDLISTS.values() for p in w.everyone)
_CLAUSE_OPENERS = tuple(o for w in WORDLISTS.values() for o in w.clause_openers)
# "n'importe qui" holds an opener itself: look for it in the whole text
_EVERYONE_OPENING = tuple(p for p in _EVERYONE if set(words(p)) & {w for o in _CLAUSE_OPENERS for w in words(o)})
_FILLER = re.compile(r"^x{3,}$")
_GENERIC_STEMS = {lang: frozenset(stem(w) for w in wl.generic_offer) for lang, wl in WORDLISTS.items()}


def _has_phrase(text_words: list[str], phrase: str) -> bool:
    """Whether the words of ``phrase`` appear, in a row, among ``text_words``."""
    return f" {' '.join(words(phrase))} " in f" {' '.join(text_words)} "


def _is_placeholder(value: str) -> bool:
    """A value that stands for a decision not taken: "TBD", "?", "xxxx", "lorem ...", "Lyon (à définir)"."""
    folded = " ".join(fold(value).split()).strip(" .!")
    found = words(value)
    if fold(value).strip() in _PLACEHOLDERS or folded in _PLACEHOLDERS or folded.startswith("lorem"):
        return True
    if not found:  # only punctuation or symbols: "—", "? ?", "***"
        return True
    return any(_FILLER.match(w) for w in found) or any(_has_phrase(found, m) for m in _MARKERS)


def _texts(frame: Frame) -> Iterator[tuple[str, str]]:
    """(field path, text) for every free-text value of the frame."""
    for name in ("name", "offer", "audience", "need", "promise"):
        yield name, getattr(frame, name)
    for name in ("secondary_audiences", "priorities", "refusals", "alternatives", "proof"):
        for i, item in enumerate(getattr(frame, name)):
            yield f"{name}[{i}]", item
    yield "voice.tone", frame.voice.tone


# ---------------------------------------------------------------------------------------------- errors

REQUIRED_TEXT = ("name", "offer", "audience", "promise")


@rule
def required_fields(frame: Frame, ctx: Context) -> Iterator[Finding]:
    for name in REQUIRED_TEXT:
        if not getattr(frame, name).strip():
            yield _error(ctx, name, "required")


@rule
def placeholders(frame: Frame, ctx: Context) -> Iterator[Finding]:
    for path, text in _texts(frame):
        if text.strip() and _is_placeholder(text):
            yield _error(ctx, path, "placeholder", value=text.strip())


@rule
def audience_is_everyone(frame: Frame, ctx: Context) -> Iterator[Finding]:
    targets = [("audience", frame.audience)]
    targets += [(f"secondary_audiences[{i}]", a) for i, a in enumerate(frame.secondary_audiences)]
    for path, text in targets:
        # "Familles où tout le monde roule à vélo" names families; "Tout le monde" does not.
        head, whole = words(without_clauses(text, _CLAUSE_OPENERS)), words(text)
        if any(_has_phrase(head, p) for p in _EVERYONE) or any(_has_phrase(whole, p) for p in _EVERYONE_OPENING):
            yield _error(ctx, path, "audience_everyone", value=text)


@rule
def offer_is_generic(frame: Frame, ctx: Context) -> Iterator[Finding]:
    content = [w for w in words(frame.offer) if w not in ctx.words.stop]
    generic = _GENERIC_STEMS[ctx.language]
    if content and not _is_placeholder(frame.offer) and all(stem(w) in generic for w in content):
        yield _error(ctx, "offer", "offer_generic", value=frame.offer)


@rule
def promise_is_one_short_sentence(frame: Frame, ctx: Context) -> Iterator[Finding]:
    promise = frame.promise.strip()
    if not promise:
        return
    count = sentence_count(promise, ctx.words.abbreviations, ctx.words.titles)
    if count > 1:
        yield _error(ctx, "promise", "promise_sentences", count=count)
    if len(promise) > 200:
        yield _error(ctx, "promise", "promise_too_long", count=len(promise))


def _only_generic(text: str, ctx: Context, generic: frozenset[str]) -> bool:
    """Whether ``text`` has words and every one of them (stop words aside) is in ``generic``: no figure, no
    place, no thing of its own. Compared folded, and by stem ("satisfaire" and "satisfaits" alike)."""
    content = [w for w in words(text) if w not in ctx.words.stop]
    stems_of = {stem(g) for g in generic}
    return bool(content) and not _is_placeholder(text) and all(w in generic or stem(w) in stems_of
                                                                for w in content)


@rule
def promise_is_generic(frame: Frame, ctx: Context) -> Iterator[Finding]:
    """"Le meilleur service au meilleur prix": words any business could say, nothing a customer can check."""
    if _only_generic(frame.promise, ctx, ctx.words.generic_promise):
        yield _error(ctx, "promise", "promise_generic", value=frame.promise.strip())


@rule
def priority_is_generic_goal(frame: Frame, ctx: Context) -> Iterator[Finding]:
    """"Satisfaire nos clients", "Se développer": every business's goal, so no guide when choosing."""
    for i, priority in enumerate(frame.priorities):
        if _only_generic(priority, ctx, ctx.words.generic_goal):
            yield _error(ctx, f"priorities[{i}]", "priority_generic", value=priority.strip())


@rule
def priorities_ranked(frame: Frame, ctx: Context) -> Iterator[Finding]:
    items = [p for p in frame.priorities if p.strip()]
    if not 1 <= len(items) <= 3:
        yield _error(ctx, "priorities", "priorities_count", count=len(items))
    seen: set[str] = set()
    for i, item in enumerate(frame.priorities):
        if not item.strip():
            continue
        key = " ".join(stems(item, ctx.words.stop))  # "Réparations rapides" repeats "Réparation rapide"
        if key in seen:
            yield _error(ctx, f"priorities[{i}]", "priority_duplicate", value=item)
        seen.add(key)


@rule
def at_least_one_refusal(frame: Frame, ctx: Context) -> Iterator[Finding]:
    if not [r for r in frame.refusals if r.strip()]:
        yield _error(ctx, "refusals", "refusal_missing")


@rule
def secondary_audiences_count(frame: Frame, ctx: Context) -> Iterator[Finding]:
    count = len([a for a in frame.secondary_audiences if a.strip()])
    if count > 2:
        yield _error(ctx, "secondary_audiences", "secondary_audiences_count", count=count)


def _content_stems(text: str, ctx: Context) -> set[str]:
    ignore = ctx.words.stop | ctx.words.negations
    return set(stems(text, ignore))


def contradicts(priority: str, refusal: str, ctx: Context) -> bool:
    """A priority contradicts a refusal when it pursues what the refusal excludes.

    The refusal's content words (negations removed) must mostly appear in the priority: "Pas de vente
    de vélos neufs" against "Développer la vente de vélos neufs" (3 of 3), not against "Réparer les
    vélos" (1 of 3). A priority that moves away ("Ne plus vendre de vélos neufs") agrees with the refusal;
    so does one that keeps what a refusal's exception spares ("Pas de clients hors de Lyon" against
    "Fidéliser les clients de Lyon").
    """
    priority_words = set(words(priority))
    if priority_words & ctx.words.retreats:
        return False
    if (set(words(refusal)) & ctx.words.exceptions) - priority_words:
        return False
    r = _content_stems(refusal, ctx)
    p = _content_stems(priority, ctx)
    if not r:
        return False
    shared = len(r & p)
    return shared >= min(2, len(r)) and shared / len(r) >= 0.66


@rule
def priority_against_refusal(frame: Frame, ctx: Context) -> Iterator[Finding]:
    for i, priority in enumerate(frame.priorities):
        for refusal in frame.refusals:
            if priority.strip() and refusal.strip() and contradicts(priority, refusal, ctx):
                yield _error(ctx, f"priorities[{i}]", "priority_contradicts_refusal",
                             value=priority, other=refusal)
                break


# -------------------------------------------------------------------------------------------- warnings


@rule
def enough_refusals(frame: Frame, ctx: Context) -> Iterator[Finding]:
    count = len([r for r in frame.refusals if r.strip()])
    if 1 <= count < 3:
        yield _warning(ctx, "refusals", "refusals_few", count=count)


@rule
def recommended_fields(frame: Frame, ctx: Context) -> Iterator[Finding]:
    if not frame.need.strip():
        yield _warning(ctx, "need", "need_missing")
    if not [p for p in frame.proof if p.strip()]:
        yield _warning(ctx, "proof", "proof_missing")
    if not [a for a in frame.alternatives if a.strip()]:
        yield _warning(ctx, "alternatives", "alternatives_missing")


@rule
def review_date(frame: Frame, ctx: Context) -> Iterator[Finding]:
    if frame.review_by is not None and frame.review_by < ctx.today:
        yield _warning(ctx, "review_by", "review_overdue", value=frame.review_by.isoformat())


@rule
def banned_terms_in_frame(frame: Frame, ctx: Context) -> Iterator[Finding]:
    banned = {" ".join(stems(b)): b for b in frame.lexicon.banned if words(b)}
    for path, text in _texts(frame):
        folded = f" {' '.join(stems(text))} "  # stems: "promos" uses the banned "promo"
        for key, term in banned.items():
            if f" {key} " in folded:
                yield _warning(ctx, path, "banned_term_used", value=term)


@rule
def watch_lists_follow_refusals(frame: Frame, ctx: Context) -> Iterator[Finding]:
    for i, entry in enumerate(frame.watch):
        if entry.words and entry.refusal not in frame.refusals:
            yield _warning(ctx, f"watch[{i}]", "watch_orphan", value=entry.refusal)
