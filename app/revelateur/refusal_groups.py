"""How the request check reads a refusal: its words become slots (a concept family of ``app.concepts``, or the
word itself), and the slots become groups, the ways a request can hit the refusal. Pure, runs at compile time.

"Pas de vente de vélos neufs" in a bike-repair frame is one group of two slots, *vente* and *neuf*: *vélo*
repeats the offer, so it does not make the refusal distinct. "No tree felling or stump grinding" is two groups.
"No treatment without an assessment" needs a treatment affirmed and an assessment denied. "No clients outside
hospitality and retail" names the sectors that are allowed. "Pas de plateaux pour plus de 40 personnes" is the
platters and a quantity beyond the line (``app.revelateur.bounds``), not the word "40".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from app.frames.model import Frame
from app.frames.text import fold, stem
from app.frames.text import words as text_words
from app.frames.wordlists import WORDLISTS
from app.revelateur.bounds import Bound, bound, is_number
from app.revelateur.concepts import VOCABULARIES, Concept
from app.revelateur.phrases import IndexBuilder, Labels, PhraseIndex

CLIENT_WORK = "c:client_work"  # a request for our work, the context of an "outside" refusal
QUANTITY = "q:"  # a quantity beyond the line the refusal draws ("plus de 40 personnes"): read per request

_TOKEN = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_SPLITS = frozenset(",;:()[]/|")
DERIVED = 7  # letters two long words of one family share at their start


@dataclass(frozen=True)
class Group:
    """One way to hit a refusal: every slot (any of its labels) affirmed near the others."""

    required: tuple[Labels, ...]
    negated: tuple[Labels, ...] = ()  # "No treatment without an assessment": these must appear denied
    outside: Labels | None = None  # "No clients outside hospitality": the sectors that are allowed


@dataclass(frozen=True)
class _Item:
    labels: Labels
    words: tuple[str, ...]


@lru_cache(maxsize=4)
def _concept_index(language: str) -> PhraseIndex:
    """Every concept of the language, by its phrases and keys: reads the words of a refusal."""
    builder = IndexBuilder(language)
    for name, concept in VOCABULARIES[language].concepts.items():
        if "c:" + name != CLIENT_WORK:  # a helper of "outside" refusals, not something a refusal names
            builder.add((*concept.phrases, *concept.keys), "c:" + name, "noun" if concept.sector else "word")
    return builder.build()


def _skipped(language: str) -> frozenset[str]:
    vocab, wordlist = VOCABULARIES[language], WORDLISTS[language]
    single_negations = {n for n in vocab.negations if " " not in n}
    return wordlist.stop | wordlist.negations | vocab.light | vocab.connectors | single_negations


def _parts(text: str, language: str) -> list[tuple[str, list[_Item]]]:
    """The refusal cut into parts (mode, items): "normal" alternatives, "inverted" (after "without"),
    "exception" (after "outside")."""
    vocab, skipped = VOCABULARIES[language], _skipped(language)
    cuts: set[int] = set()
    words: list[str] = []
    for tok in _TOKEN.findall(fold(text)):
        if tok[0].isascii() and tok[0].isalnum():
            words.append(tok)
        elif tok in _SPLITS:
            cuts.add(len(words))
    starts = {s: (e, labels) for s, e, labels in _concept_index(language).scan(words, range(len(words)))}
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
        if word not in skipped and word not in vocab.exceptions and len(word) > 1 and not word.isdigit():
            current.append(_Item(frozenset({"l:" + word}), (word,)))
        i += 1
    if current:
        parts.append((mode, current))
    return parts


def _is_context(item: _Item, context: frozenset[str], stop: frozenset[str]) -> bool:
    """Whether the item only repeats the offer or the audience ("vélos" in a bike-repair frame; "comptabilité"
    in an accountant's frame whose offer says "tenue comptable")."""
    content = [w for w in item.words if w not in stop]
    return bool(content) and all(_repeats(w, context) for w in content)


def _repeats(word: str, context: frozenset[str]) -> bool:
    """The same word, or one of its family: the stem, or the first DERIVED letters of a long word
    ("comptabilité", "comptable"; "réparation", "réparer")."""
    if stem(word) in context:
        return True
    return len(word) > DERIVED and any(c[:DERIVED] == word[:DERIVED] for c in context if len(c) >= DERIVED)


def _generic(label: str, concepts: Mapping[str, Concept]) -> bool:
    """Whether a label is a family any business's work names: an activity ("vente", "delivery") or a sector."""
    return label.startswith("c:") and (concepts[label[2:]].activity or concepts[label[2:]].sector)


def _needs(labels: Labels, concepts: Mapping[str, Concept]) -> list[Labels]:
    names = {concepts[label[2:]].needs for label in labels if label.startswith("c:")} - {""}
    return [frozenset({"c:" + name}) for name in sorted(names)]


def distinct_slots(slots: list[Labels]) -> tuple[Labels, ...]:
    """Slots that one word cannot fill twice. "déclarations de revenus de particuliers": the phrase
    "déclaration de revenus" belongs to two families (income tax, and the private person it implies), the word
    "particuliers" to one; each slot keeps only what the others do not name, so a request that only mentions
    "un particulier" fills one slot, not both. A slot all of whose labels the others name keeps them all, and
    two slots left the same are one."""
    out: list[Labels] = []
    for i, slot in enumerate(slots):
        others = frozenset().union(*(other for j, other in enumerate(slots) if j != i))
        own = slot - others or slot
        if own not in out:
            out.append(own)
    return tuple(out)


def groups(text: str, language: str, context: frozenset[str], guess: bool = True) -> tuple[Group, ...]:
    """The ways a request can hit the refusal ``text`` (none when the refusal names nothing distinct);
    ``guess``: also the lighter groups of literal words (``_lighter``), for a refusal with no watch list."""
    concepts, stop = VOCABULARIES[language].concepts, WORDLISTS[language].stop
    by_mode: dict[str, list[list[_Item]]] = {"normal": [], "inverted": [], "exception": []}
    for mode, items in _parts(text, language):
        by_mode[mode].append(items)
    if by_mode["exception"]:
        allowed = frozenset(label for items in by_mode["exception"] for item in items for label in item.labels
                            if label.startswith("c:") and concepts[label[2:]].sector)
        return (Group((), outside=allowed),) if allowed else ()
    if by_mode["inverted"]:
        required = distinct_slots([item.labels for items in by_mode["normal"] for item in items])
        negated = distinct_slots([item.labels for items in by_mode["inverted"] for item in items])
        return (Group(required, negated),) if negated else ()
    line = bound(text, language)
    found: list[Group] = []
    for items in by_mode["normal"]:
        if line is not None:
            items = [item for item in items if not _draws(item, line, language)]
        core = [item.labels for item in items if not _is_context(item, context, stop)]
        if len(core) == 1 and len(items) > 1 and all(_generic(label, concepts) for label in core[0]):
            core = [item.labels for item in items]  # "selling" alone, once "bees" is set aside, says too little
        core += [need for labels in core for need in _needs(labels, concepts) if need not in core]
        if line is not None:  # the line, with what it measures ("plateaux", even when the offer names them)
            core = core or [frozenset().union(*(item.labels for item in items))]
            core = [*(slot for slot in core if slot), frozenset({QUANTITY})]
        group = Group(distinct_slots(core))
        if core and group not in found:
            found.append(group)
        lighter = _lighter(group) if guess else None
        if lighter is not None and lighter not in found:
            found.append(lighter)
    return tuple(found)


def _draws(item: _Item, line: Bound, language: str) -> bool:
    """Whether the item is one of the words that draw the line ("plus de", "40", "personnes"): the quantity
    stands for them."""
    return all(w in line.words or is_number(w, language) for w in item.words)


def _lighter(group: Group) -> Group | None:
    """"Pas de stages intensifs", "No motorised craft": words the check knows nothing about (no family) name a
    kind of thing by a head word and what sets it apart, and a request often names the thing otherwise ("stage
    accéléré", "motorised boats"). When two or more slots are all literal, the slots but the shortest word
    (the least distinctive, as often as not the head) make a group of their own. Measured on the old frames
    with no families at all (docs/decisions.md): recall 0.48 -> 0.56, precision 0.97 -> 0.95; not for a
    refusal with a watch list: the owner's words do better than the guess."""
    slots = group.required
    if len(slots) < 2 or not all(label.startswith("l:") for slot in slots for label in slot):
        return None
    shortest = min(range(len(slots)), key=lambda i: min(len(label) for label in slots[i]))
    return Group(slots[:shortest] + slots[shortest + 1:])


def context_stems(frame: Frame) -> frozenset[str]:
    """Stems of the offer and the audiences: what a refusal shares with them does not make it distinct."""
    stop = WORDLISTS[frame.language].stop
    text = " ".join([frame.offer, frame.audience, *frame.secondary_audiences])
    return frozenset(stem(w) for w in text_words(text) if w not in stop)


def sector_labels(language: str) -> frozenset[str]:
    """The labels of the concepts that are lines of business."""
    return frozenset("c:" + name for name, c in VOCABULARIES[language].concepts.items() if c.sector)


def partial_words(words: list[str], refusal: str, found: tuple[Group, ...], language: str) -> set[str]:
    """The watch words that only repeat one word of the refusal, which the check requires together with
    another ("logo" for "Pas de création de logo", "patios" for "No patios, paving or fencing" when a patio is
    refused only when built): on their own they would hit every request that names that part. Other words
    are the owner's to choose, however broad."""
    if not found or any(len(g.required) + len(g.negated) < 2 or g.outside is not None for g in found):
        return set()
    own = {stem(w) for w in text_words(refusal)}
    return {word for word in words if len(ws := text_words(word)) == 1 and stem(ws[0]) in own}
