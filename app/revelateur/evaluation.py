"""Evaluation of the request check on a labelled set (``frames/eval``): precision, recall, F1 per language.

The set is a folder with ``frames/*.yaml`` (a ``slug`` plus the frame fields) and one JSON line per request
in ``{split}.jsonl``: ``frame``, ``text``, ``label`` ("fits" | "off_frame"), ``item`` (the refusal or banned
term hit, for off_frame), ``note``. The positive class is ``off_frame``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.frames.model import Frame
from app.revelateur.checker import Checker, compile_checker

SPLITS = ("dev", "test", "holdout")  # dev and test were tuned on; holdout was written blind and is only run
LANGUAGES = ("fr", "en", "all")


@dataclass(frozen=True)
class Case:
    """One labelled request and what the check said about it."""

    frame: str
    language: str
    text: str
    label: str
    item: str | None
    predicted: str
    predicted_items: tuple[str, ...]
    note: str | None = None

    @property
    def error(self) -> str | None:
        """"false_positive", "false_negative", "wrong_item", or None when the check got it right."""
        if self.label != self.predicted:
            return "false_positive" if self.predicted == "off_frame" else "false_negative"
        if self.label == "off_frame" and self.predicted_items[:1] != (self.item,):
            return "wrong_item"
        return None


@dataclass(frozen=True)
class Scores:
    """Counts and scores of the off_frame class for one language (or all)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    right_items: int = 0  # true positives whose first hit names the labelled item

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 0 when nothing was predicted off_frame."""
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
        """Share of true positives whose first hit is the labelled item."""
        return self.right_items / self.tp if self.tp else 0.0

    @property
    def total(self) -> int:
        """Requests counted."""
        return self.tp + self.fp + self.fn + self.tn


@dataclass(frozen=True)
class Evaluation:
    """Scores per language and every case, for one split."""

    split: str
    scores: dict[str, Scores]
    cases: list[Case] = field(default_factory=list)

    @property
    def errors(self) -> list[Case]:
        """The cases the check got wrong (label or item)."""
        return [c for c in self.cases if c.error]


def load_frames(eval_dir: Path) -> dict[str, Frame]:
    """The frames of the set, by slug."""
    frames: dict[str, Frame] = {}
    for path in sorted((eval_dir / "frames").glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        slug = str(data.pop("slug"))
        frames[slug] = Frame(**data)
    return frames


def load_rows(eval_dir: Path, split: str) -> list[dict[str, Any]]:
    """The labelled requests of ``split`` ("dev", "test", "holdout", or "all": every one of those files that
    the folder has)."""
    if split == "all":
        names: tuple[str, ...] = tuple(name for name in SPLITS if (eval_dir / f"{name}.jsonl").exists())
    elif split in SPLITS:
        names = (split,)
    else:
        raise ValueError(f"unknown split {split!r}: expected dev, test, holdout or all")
    rows: list[dict[str, Any]] = []
    for name in names:
        for line in (eval_dir / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def evaluate(eval_dir: Path, split: str = "dev") -> Evaluation:
    """Run the check on every request of ``split`` and score it per language."""
    frames = load_frames(eval_dir)
    checkers: dict[str, Checker] = {slug: compile_checker(frame) for slug, frame in frames.items()}
    cases = []
    for row in load_rows(eval_dir, split):
        hits = checkers[row["frame"]].check(row["text"])
        cases.append(Case(
            frame=row["frame"], language=frames[row["frame"]].language, text=row["text"], label=row["label"],
            item=row.get("item"), predicted="off_frame" if hits else "fits",
            predicted_items=tuple(h.item for h in hits), note=row.get("note"),
        ))
    scores = {lang: score(c for c in cases if lang in ("all", c.language)) for lang in LANGUAGES}
    return Evaluation(split, scores, cases)


def score(cases: Iterable[Case]) -> Scores:
    """Counts of the off_frame class over ``cases``."""
    tp = fp = fn = tn = right = 0
    for case in cases:
        gold, predicted = case.label == "off_frame", case.predicted == "off_frame"
        tp += gold and predicted
        fp += predicted and not gold
        fn += gold and not predicted
        tn += not gold and not predicted
        right += gold and predicted and case.predicted_items[:1] == (case.item,)
    return Scores(tp, fp, fn, tn, right)


def format_report(report: Evaluation, errors: bool = False) -> str:
    """A plain-text table of the scores, and the errors when asked."""
    lines = [f"split: {report.split}", "",
             "lang  requests  precision  recall     F1  item acc   tp   fp   fn   tn"]
    for lang, s in report.scores.items():
        lines.append(f"{lang:<4} {s.total:>9} {s.precision:>10.3f} {s.recall:>7.3f} {s.f1:>6.3f} "
                     f"{s.item_accuracy:>9.3f} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.tn:>4}")
    if errors:
        wrong = report.errors
        lines += ["", f"errors: {len(wrong)}"]
        for case in wrong:
            said = " | ".join(case.predicted_items) or "-"
            lines.append(f"- [{case.error}] {case.frame}: {case.text}")
            lines.append(f"    labelled {case.label} ({case.item or '-'}), check said: {said}"
                         + (f"  # {case.note}" if case.note else ""))
    return "\n".join(lines)
