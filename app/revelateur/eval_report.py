"""What ``cadre eval`` prints: for each split, each configuration (lexical stage alone, with the owner's watch
lists, with the semantic stage, with both, with the judge), precision and recall per language for
``off_frame`` (against the frame or to check) and for "against the frame" alone, then per kind tag."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.frames.model import WatchList
from app.revelateur.evaluation import (
    FRESH,
    LANGUAGES,
    SPLITS,
    Evaluation,
    JudgeCall,
    SecondStage,
    evaluate,
    load_rows,
)

ABOUT = {
    "dev": "tuned on",
    "test": "tuned on",
    "holdout": "written blind to the matcher, on the frames the word lists were written with",
    "unseen": "new trades; tuned on since its figures were read (2026-12-06)",
    "unseen2": "new trades, written blind; tuned on since its figures were read (2026-12-06)",
    # each batch of 12 new trades, written blind, measured once, then read: the fresh ones are told by about()
    **{split: f"leave-frames-out, batch {split[5:] or 1}, written blind; tuned on since its figures were read "
              "(2026-12-06)" for split in SPLITS if split.startswith("blind") and split not in FRESH},
    "all": "dev + test + holdout",
}
_FRESH_ABOUT = ("leave-frames-out: trades no word list, cue or threshold was written or tuned for, written blind "
                "and measured once on the check as it ships")


@dataclass(frozen=True)
class Config:
    """One way of running the check."""

    name: str
    watch: bool = False
    semantic: bool = False
    judge: bool = False


def configurations(watch: bool, semantic: bool, judge: bool) -> list[Config]:
    """The configurations to report, given what is available."""
    out = [Config("lexical")]
    if watch:
        out.append(Config("lexical + watch lists", watch=True))
    if semantic:
        out.append(Config("lexical + semantic", semantic=True))
        if watch:
            out.append(Config("lexical + watch lists + semantic", watch=True, semantic=True))
        if judge:
            out.append(Config(("lexical + watch lists" if watch else "lexical") + " + semantic + judge",
                              watch=watch, semantic=True, judge=True))
    return out


def run(eval_dir: Path, splits: list[str], watch: dict[str, list[WatchList]] | None, second: SecondStage | None,
        judge: JudgeCall | None) -> list[Evaluation]:
    """Every split under every configuration available; the semantic stage runs once per split."""
    out = []
    for split in splits:
        rows = load_rows(eval_dir, split)
        memo = _memo(second) if second is not None else None
        for config in configurations(watch is not None, second is not None, judge is not None):
            out.append(evaluate(eval_dir, split, watch if config.watch else None,
                                memo if config.semantic else None, judge if config.judge else None,
                                config.name, rows))
    return out


def _memo(second: SecondStage) -> SecondStage:
    seen: dict[tuple[str, str], str | None] = {}

    def cached(slug: str, frame: Any, texts: Any) -> list[str | None]:
        todo = [t for t in texts if (slug, t) not in seen]
        if todo:
            for text, found in zip(todo, second(slug, frame, todo), strict=True):
                seen[(slug, text)] = found
        return [seen[(slug, t)] for t in texts]
    return cached


def format_report(reports: list[Evaluation], errors: bool = False) -> str:
    """Plain-text tables of the scores (and the errors when asked)."""
    lines: list[str] = []
    split = None
    for report in reports:
        if report.split != split:
            split = report.split
            lines += ["", f"=== split: {split} ({about(split)})"]
        lines += ["", f"--- {report.config}",
                  "           off_frame (against the frame + to check)      against the frame alone",
                  "lang  requests  precision  recall     F1  tp  fp  fn   precision  recall  to_check"]
        for lang in LANGUAGES:
            off, against = report.scores(lang), report.scores(lang, "against")
            to_check = sum(1 for c in report.cases if c.predicted == "to_check" and lang in ("all", c.language))
            lines.append(f"{lang:<4} {off.total:>9} {off.precision:>10.3f} {off.recall:>7.3f} {off.f1:>6.3f} "
                         f"{off.tp:>3} {off.fp:>3} {off.fn:>3} {against.precision:>11.3f} {against.recall:>7.3f} "
                         f"{to_check:>9}")
        tags = report.tags()
        if tags:
            lines.append("kind tag          flagged (off_frame)   fr           en           of which against")
            for tag in tags:
                lines.append(_tag_line(report, tag))
        if errors:
            wrong = report.errors
            lines += ["", f"errors: {len(wrong)}"]
            for case in wrong:
                said = " | ".join(case.predicted_items) or "-"
                lines.append(f"- [{case.error}] {case.frame}: {case.text}")
                lines.append(f"    labelled {case.label} ({case.item or '-'}), check said {case.predicted}: {said}"
                             + (f"  # {case.note}" if case.note else ""))
    return "\n".join(lines).lstrip("\n")


def _tag_line(report: Evaluation, tag: str) -> str:
    def rate(counting: str = "off_frame", language: str = "all") -> str:
        flagged, total = report.tag_rate(tag, counting, language)
        return f"{flagged}/{total}" + (f" {flagged / total:.2f}" if total else "")
    return (f"  [{tag}]".ljust(18) + rate().ljust(22) + rate(language="fr").ljust(13)
            + rate(language="en").ljust(13) + rate("against"))


def about(split: str) -> str:
    """What a split is, for the report's heading; several joined by "+" are one set when they are the fresh one."""
    if set(split.split("+")) <= set(FRESH):
        return _FRESH_ABOUT
    return "; ".join(ABOUT.get(part, "") for part in split.split("+"))


def default_splits(eval_dir: Path) -> list[str]:
    """Today's split (the hold-out) and the newest leave-frames-out one the folder has."""
    fresh = [s for s in FRESH if (eval_dir / f"{s}.jsonl").exists()]
    if fresh:
        return ["holdout", "+".join(fresh)]
    batches = [s for s in reversed(SPLITS) if s.startswith("blind")]
    newest = next((s for s in batches if (eval_dir / f"{s}.jsonl").exists()), None)
    return ["holdout", *([newest] if newest else [])]

