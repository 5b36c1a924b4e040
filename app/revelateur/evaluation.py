"""Evaluation of the request check on a labelled set (``frames/eval``): precision and recall per language, per
kind of request, for "against the frame" alone and for ``off_frame`` (against the frame or to check).

The set is a folder with ``frames/*.yaml`` (a ``slug`` plus the frame fields) and one JSON line per request in
``{split}.jsonl``: ``frame``, ``text``, ``label`` ("fits" | "off_frame"), ``item`` (the refusal or banned term
hit, for off_frame), ``note`` (for ``unseen``, it opens with a kind tag: ``[kind]``, ``[everyday]`` ...).
Optional owner watch lists in ``watch/<slug>.yaml`` (``slug`` plus ``watch: {refusal: [words]}``).

What a request gets: ``against`` (a lexical hit), ``to_check`` (no lexical hit, the semantic stage finds it
close to a refusal and the request does not talk about one), or ``fits``; with a judge, a "to check" request is
``against`` when the judge confirms it and ``fits`` otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.frames.model import Frame, WatchList
from app.revelateur.checker import Checker, compile_checker
from app.revelateur.review import sure_hits

# dev, test, and since their figures were read (2026-12-06) unseen, unseen2 and blind to blind18, were tuned on;
# holdout and blind19 to blind22 are only run
SPLITS = ("dev", "test", "holdout", "unseen", "unseen2", "blind", "blind2", "blind3", "blind4", "blind5", "blind6",
          "blind7", "blind8", "blind9", "blind10", "blind11", "blind12", "blind13", "blind14", "blind15", "blind16",
          "blind17", "blind18", "blind19", "blind20", "blind21", "blind22")
# Written blind after the last change to the check, each pair measured once on it: one set
FRESH = ("blind19", "blind20", "blind21", "blind22")
OLD_SPLITS = ("dev", "test", "holdout")  # the frames the word lists were written with ("all")
LANGUAGES = ("fr", "en", "all")
_TAG = re.compile(r"^\s*\[([a-z-]+)\]")

# (frame slug, request texts) -> for each text, the refusal it is close to (None: not close to any)
SecondStage = Callable[[str, Frame, Sequence[str]], list[str | None]]
# (frame slug, frame, text) -> the refusal the judge says it hits, or None when it fits (or gave no answer)
JudgeCall = Callable[[str, Frame, str], str | None]


@dataclass(frozen=True)
class Case:
    """One labelled request and what the check said about it."""

    frame: str
    language: str
    text: str
    label: str
    item: str | None
    predicted: str  # against | to_check | fits
    predicted_items: tuple[str, ...]
    note: str | None = None

    @property
    def tag(self) -> str | None:
        """The kind tag opening the note ("kind", "everyday" ...), when there is one."""
        found = _TAG.match(self.note or "")
        return found.group(1) if found else None

    @property
    def error(self) -> str | None:
        """"false_positive", "false_negative", "wrong_item", or None when the check got it right."""
        flagged = self.predicted != "fits"
        if (self.label == "off_frame") != flagged:
            return "false_positive" if flagged else "false_negative"
        if self.label == "off_frame" and self.predicted_items[:1] != (self.item,):
            return "wrong_item"
        return None


@dataclass(frozen=True)
class Scores:
    """Counts of one positive class for one group of requests."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    right_items: int = 0  # true positives whose first finding names the labelled item

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 0 when nothing was predicted positive."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 0 when nothing is labelled off_frame."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def item_accuracy(self) -> float:
        """Share of true positives whose first finding is the labelled item."""
        return self.right_items / self.tp if self.tp else 0.0

    @property
    def total(self) -> int:
        """Requests counted."""
        return self.tp + self.fp + self.fn + self.tn


@dataclass(frozen=True)
class Evaluation:
    """Every case of one split under one configuration, and their scores."""

    split: str
    cases: list[Case] = field(default_factory=list)
    config: str = "lexical"

    def scores(self, language: str = "all", counting: str = "off_frame") -> Scores:
        """Scores for ``language`` (fr, en, all); ``counting``: off_frame (against or to check) or against."""
        return score((c for c in self.cases if language in ("all", c.language)), counting)

    @property
    def by_language(self) -> dict[str, Scores]:
        """off_frame scores per language."""
        return {lang: self.scores(lang) for lang in LANGUAGES}

    def tags(self) -> list[str]:
        """The kind tags of the split, in order of first appearance."""
        return list(dict.fromkeys(t for c in self.cases if (t := c.tag) is not None))

    def tag_rate(self, tag: str, counting: str = "off_frame", language: str = "all") -> tuple[int, int]:
        """(flagged, total) among the requests of ``tag``: recall for an off_frame tag, false alarms for a fits
        tag."""
        wanted = ("against",) if counting == "against" else ("against", "to_check")
        group = [c for c in self.cases if c.tag == tag and language in ("all", c.language)]
        return sum(c.predicted in wanted for c in group), len(group)

    @property
    def errors(self) -> list[Case]:
        """The cases the check got wrong (label or item)."""
        return [c for c in self.cases if c.error]


def score(cases: Iterable[Case], counting: str = "off_frame") -> Scores:
    """Counts of the positive class over ``cases``: off_frame (against or to check), or against alone."""
    wanted = ("against",) if counting == "against" else ("against", "to_check")
    tp = fp = fn = tn = right = 0
    for case in cases:
        gold, predicted = case.label == "off_frame", case.predicted in wanted
        tp += gold and predicted
        fp += predicted and not gold
        fn += gold and not predicted
        tn += not gold and not predicted
        right += gold and predicted and case.predicted_items[:1] == (case.item,)
    return Scores(tp, fp, fn, tn, right)


# ------------------------------------------------------------------------------------------------ data
def load_frames(eval_dir: Path) -> dict[str, Frame]:
    """The frames of the set, by slug."""
    frames: dict[str, Frame] = {}
    for path in sorted((eval_dir / "frames").glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        slug = str(data.pop("slug"))
        frames[slug] = Frame(**data)
    return frames


def load_watch(watch_dir: Path, frames: dict[str, Frame]) -> dict[str, list[WatchList]]:
    """Owner watch lists by slug, from ``<slug>.yaml`` files (``slug`` and ``watch: {refusal: [words]}``); a file
    for a frame the set does not hold (yet) is skipped, a refusal that is not one of its frame's is an error
    (ValueError), not a silent miss."""
    found: dict[str, list[WatchList]] = {}
    for path in sorted(watch_dir.glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        slug = str(data.get("slug") or path.stem)
        if slug not in frames:
            continue
        lists = []
        for refusal, words in (data.get("watch") or {}).items():
            if refusal not in frames[slug].refusals:
                raise ValueError(f"{path.name}: {refusal!r} is not one of the refusals of {slug}")
            lists.append(WatchList(refusal=refusal, words=[str(w) for w in words or ()]))
        found[slug] = lists
    return found


def load_rows(eval_dir: Path, split: str) -> list[dict[str, Any]]:
    """The labelled requests of ``split``: one of SPLITS, "all" (dev, test and holdout), or several joined by
    "+" ("blind11+blind12")."""
    check_split(split)
    if split == "all":
        names: tuple[str, ...] = tuple(name for name in OLD_SPLITS if (eval_dir / f"{name}.jsonl").exists())
    else:
        names = tuple(split.split("+"))
    rows: list[dict[str, Any]] = []
    for name in names:
        for line in (eval_dir / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def check_split(split: str) -> str:
    """``split`` when it names splits this folder format knows, else ValueError."""
    parts = split.split("+")
    if split != "all" and (not all(part in SPLITS for part in parts) or len(set(parts)) != len(parts)):
        raise ValueError(f"unknown split {split!r}: expected {', '.join(SPLITS)}, all, or splits joined by +")
    return split


def with_watch(frames: dict[str, Frame], watch: dict[str, list[WatchList]] | None) -> dict[str, Frame]:
    """The frames with the owner's watch lists in place of their own (unchanged without any)."""
    if not watch:
        return frames
    return {slug: f.model_copy(update={"watch": watch[slug]}) if slug in watch else f for slug, f in frames.items()}


# ------------------------------------------------------------------------------------------- running
def evaluate(eval_dir: Path, split: str = "holdout", watch: dict[str, list[WatchList]] | None = None,
             second: SecondStage | None = None, judge: JudgeCall | None = None, config: str = "lexical",
             rows: list[dict[str, Any]] | None = None) -> Evaluation:
    """Run the check on every request of ``split`` (the lexical stage, then the semantic stage ``second`` on
    what it lets through, then the judge on what is to check) and keep every case."""
    frames = with_watch(load_frames(eval_dir), watch)
    checkers: dict[str, Checker] = {slug: compile_checker(frame) for slug, frame in frames.items()}
    rows = load_rows(eval_dir, split) if rows is None else rows
    close: list[str | None] = [None] * len(rows)
    if second is not None:
        by_frame: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            by_frame.setdefault(row["frame"], []).append(i)
        for slug, where in by_frame.items():
            for i, refusal in zip(where, second(slug, frames[slug], [rows[i]["text"] for i in where]), strict=True):
                close[i] = refusal
    cases = []
    for row, near in zip(rows, close, strict=True):
        slug, text = row["frame"], row["text"]
        checker = checkers[slug]
        hits = checker.check(text)
        sure = sure_hits(hits)
        predicted, items = ("against", tuple(h.item for h in sure)) if sure else ("fits", ())
        if hits and not sure:  # only a place the owner watches, without what the refusal limits: to check
            predicted, items = "to_check", tuple(h.item for h in hits)
            if judge is not None:
                said = judge(slug, frames[slug], text)
                predicted, items = ("against", (said,)) if said else ("fits", ())
        elif not hits and near is not None and not checker.talks(text):
            predicted, items = "to_check", (near,)
            if judge is not None:
                said = judge(slug, frames[slug], text)
                predicted, items = ("against", (said,)) if said else ("fits", ())
        cases.append(Case(frame=slug, language=frames[slug].language, text=text, label=row["label"],
                          item=row.get("item"), predicted=predicted, predicted_items=items, note=row.get("note")))
    return Evaluation(split, cases, config)
