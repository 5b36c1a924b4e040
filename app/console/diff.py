"""A readable difference between two frames: field by field, words added and removed, list items added,
removed, changed or moved (priorities are a ranking, so a move matters). Pure."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from app.console.forms import CHOICE_FIELDS, FIELD_ORDER, LIST_FIELDS, values_from_frame
from app.frames.model import Frame

_TOKENS = re.compile(r"\S+\s*")
SIMILAR = 0.5  # two list items this alike at the same rank are one item rewritten, not two
REWRITE = 0.5  # below this share of words kept, a text is shown as rewritten


@dataclass(frozen=True)
class Segment:
    """A run of text: kept, added or removed."""

    kind: Literal["same", "added", "removed"]
    text: str


@dataclass(frozen=True)
class ItemChange:
    """One list item: its fate between the two versions, and its rank before and after (1-based)."""

    kind: Literal["same", "added", "removed", "changed", "moved"]
    text: str
    before: int | None = None
    after: int | None = None
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class FieldChange:
    """A field that differs: words for text, items for lists, before/after for choices."""

    path: str
    kind: Literal["text", "list", "choice"]
    before: str = ""
    after: str = ""
    segments: tuple[Segment, ...] = ()
    items: tuple[ItemChange, ...] = field(default=())


def words_diff(before: str, after: str) -> tuple[Segment, ...]:
    """``before`` -> ``after`` as kept, removed and added runs of words; a rewrite (less than half the words
    kept) reads better as the old text then the new one than as a patchwork."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)  # words with their following blanks
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    if matcher.ratio() < REWRITE:
        rewrite = (Segment("removed", before), Segment("added", after))
        return tuple(s for s in rewrite if s.text)
    out: list[Segment] = []

    def add(kind: Literal["same", "added", "removed"], tokens: list[str]) -> None:
        text = "".join(tokens)
        if out and not out[-1].text[-1:].isspace() and not text[:1].isspace():
            text = " " + text  # the words before it lost their blank to the other version
        words = text.rstrip()
        out.append(Segment(kind, words if kind != "same" else text))
        if kind != "same" and words != text:  # strike or underline the words, not the blank after them
            out.append(Segment("same", text[len(words):]))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("same", b[j1:j2])
            continue
        if i2 > i1:
            add("removed", a[i1:i2])
        if j2 > j1:
            add("added", b[j1:j2])
    return tuple(out)


def items_diff(before: list[str], after: list[str]) -> tuple[ItemChange, ...]:
    """Each item of ``after`` in order (kept, moved, rewritten or new), then the items that are gone."""
    old_rank = {text: i for i, text in enumerate(before)}
    gone = [i for i, text in enumerate(before) if text not in after]
    out: list[ItemChange] = []
    for j, text in enumerate(after):
        if text in old_rank:
            i = old_rank[text]
            out.append(ItemChange("same" if i == j else "moved", text, i + 1, j + 1))
            continue
        if j in gone and difflib.SequenceMatcher(None, before[j].split(), text.split()).ratio() >= SIMILAR:
            gone.remove(j)
            out.append(ItemChange("changed", text, j + 1, j + 1, words_diff(before[j], text)))
            continue
        out.append(ItemChange("added", text, None, j + 1))
    out.extend(ItemChange("removed", before[i], i + 1, None) for i in gone)
    return tuple(out)


def diff_frames(before: Frame, after: Frame) -> list[FieldChange]:
    """The fields that differ between two frames, in the editor's order."""
    a, b = values_from_frame(before), values_from_frame(after)
    changes: list[FieldChange] = []
    for path in FIELD_ORDER:
        if a[path] == b[path]:
            continue
        if path in LIST_FIELDS:
            changes.append(FieldChange(path, "list", items=items_diff(a[path], b[path])))
        elif path in CHOICE_FIELDS:
            changes.append(FieldChange(path, "choice", before=a[path], after=b[path]))
        else:
            changes.append(FieldChange(path, "text", a[path], b[path], words_diff(a[path], b[path])))
    watched_a, watched_b = _watched(before), _watched(after)
    if watched_a != watched_b:
        changes.append(FieldChange("watch", "list", items=items_diff(watched_a, watched_b)))
    return changes


def _watched(frame: Frame) -> list[str]:
    """The watch lists as lines, "refusal: word, word" (a change shows like a list item's)."""
    return [f"{w.refusal} : {', '.join(w.words)}" for w in frame.watch if w.words]
