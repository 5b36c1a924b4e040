"""The révélateur's report for one frame over a period: what happened to the requests, which priorities they
served against the declared ranking, which refusals keep being asked for, how often the frame changed.
Pure: the store's counts in, numbers, sentences (French and English) and SVG bar charts out.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import orjson

from app.frames.model import Frame
from app.frames.records import Version
from app.messages import formats as strings
from app.storage.store import ReportRows

UNSTABLE_WINDOW = dt.timedelta(days=30)  # two priority changes this close together are themselves a finding
TOP_ITEMS = 5
EXAMPLES = 3
PRIORITIES = ("1", "2", "3", "none")  # the traffic buckets; "none" = not attributed (not "served none")


@dataclass
class ItemHits:
    """A refusal item (or banned word) the requests or answers ran into."""

    item: str
    kind: str  # refusal | lexicon
    count: int = 0
    sources: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    previous: int = 0  # requests that ran into it in the period before (as long as this one)

    def as_dict(self) -> dict[str, Any]:
        return {"item": self.item, "kind": self.kind, "count": self.count, "previous": self.previous,
                "sources": dict(self.sources), "examples": self.examples}


@dataclass(frozen=True)
class Change:
    """A version whose priorities differ from the version before it."""

    version: int
    at: dt.datetime
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass
class Report:
    """The report's numbers; ``sentences(lang)`` says them in words, ``charts(lang)`` draws them."""

    slug: str
    days: int
    since: dt.datetime
    until: dt.datetime
    language: str  # the frame's
    priorities: tuple[str, ...]  # as declared by the published version
    total: int
    forwarded: int
    refused: dict[str, int]  # by code
    failed: dict[str, int]  # by code
    by_priority: dict[str, int]  # forwarded requests by PRIORITIES bucket
    checked: int  # requests the révélateur checked (check_outcome recorded)
    off_frame: int  # against the frame (the lexical stage, or the judge)
    refusal_items: list[ItemHits]  # every declared refusal (most asked first), then any no longer declared
    lexicon_items: list[ItemHits]
    versions: list[int]  # published in the period
    changes: list[Change]
    to_check: int = 0  # only the semantic stage found them close to a refusal (no judge confirmed it)

    # ------------------------------------------------------------------------------------- figures
    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    @property
    def no_priority_percent(self) -> int | None:
        return percent(self.by_priority["none"], self.forwarded)

    @property
    def off_frame_percent(self) -> int | None:
        return percent(self.off_frame, self.checked)

    @property
    def unstable(self) -> bool:
        """Priorities changed twice or more within 30 days: the AI served a moving strategy."""
        times = [c.at for c in self.changes]
        return any(b - a <= UNSTABLE_WINDOW for a, b in itertools.pairwise(times))

    def inversions(self) -> list[tuple[int, int]]:
        """(lower-ranked, higher-ranked) declared priorities where the lower one gets more requests."""
        ranks = range(1, min(len(self.priorities), 3) + 1)
        return [(low, high) for high in ranks for low in ranks
                if low > high and self.by_priority[str(low)] > self.by_priority[str(high)]]

    # ------------------------------------------------------------------------------------- in words
    def sentences(self, lang: str) -> list[str]:
        """The findings in plain words, most telling first."""
        out: list[str] = []
        if self.total == 0:
            return [strings.text("report_empty", lang)]
        out.append(strings.count("report_summary", self.total, lang, forwarded=self.forwarded,
                                 refused=self.refused_total, failed=self.failed_total))
        share = self.no_priority_percent
        if share is not None and self.by_priority["none"]:
            out.append(strings.text("report_no_priority", lang, pct=share))
        for low, high in self.inversions():
            out.append(strings.text("report_priority_inverted", lang, low=low, high=high,
                                    low_n=self.by_priority[str(low)], high_n=self.by_priority[str(high)]))
        off = self.off_frame_percent
        if off is not None:
            out.append(strings.text("report_off_frame", lang, pct=off))
        if self.to_check:
            out.append(strings.count("report_to_check", self.to_check, lang))
        if self.refusal_items and self.refusal_items[0].count:
            top = self.refusal_items[0]
            out.append(strings.count("report_top_refusal", top.count, lang, item=top.item))
        if self.unstable:
            out.append(strings.text("report_priorities_unstable", lang, n=len(self.changes), days=self.days))
        elif self.changes:
            out.append(strings.count("report_priorities_changed", len(self.changes), lang))
        out.append(strings.count("report_versions", len(self.versions), lang))
        return out

    # ------------------------------------------------------------------------------------- charts
    def outcome_bars(self, lang: str) -> list[Bar]:
        bars = [Bar(strings.text("report_bar_forwarded", lang), self.forwarded, "forwarded")]
        bars += [Bar(strings.text("report_bar_refused", lang, reason=strings.reason(code, lang)), n, "refused")
                 for code, n in _ranked(self.refused)]
        bars += [Bar(strings.text("report_bar_failed", lang, reason=strings.reason(code, lang)), n, "failed")
                 for code, n in _ranked(self.failed)]
        return bars

    def priority_bars(self, lang: str) -> list[Bar]:
        bars = []
        for i, name in enumerate(self.priorities[:3], start=1):
            bars.append(Bar(strings.text("report_bar_priority", lang, n=i, name=name), self.by_priority[str(i)],
                            f"priority{i}"))
        for i in range(len(self.priorities) + 1, 4):  # traffic to a rank the frame no longer declares
            if self.by_priority[str(i)]:
                bars.append(Bar(strings.text("report_bar_priority_undeclared", lang, n=i),
                                self.by_priority[str(i)], "priority3"))
        bars.append(Bar(strings.text("report_bar_not_attributed", lang), self.by_priority["none"], "none"))
        return bars

    def charts(self, lang: str) -> dict[str, str]:
        """The two bar charts as SVG documents (inline in the console page, optional in the API)."""
        return {
            "outcomes": bar_chart(f"{self.slug}-outcomes", strings.text("report_chart_outcomes", lang),
                                  self.outcome_bars(lang), lang),
            "priorities": bar_chart(f"{self.slug}-priorities", strings.text("report_chart_priorities", lang),
                                    self.priority_bars(lang), lang),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "object": "frame.report", "frame": self.slug, "days": self.days,
            "since": self.since.isoformat(), "until": self.until.isoformat(), "language": self.language,
            "requests": {"total": self.total, "forwarded": self.forwarded,
                         "refused": {"total": self.refused_total, "by_code": self.refused},
                         "failed": {"total": self.failed_total, "by_code": self.failed}},
            "priorities": {"declared": list(self.priorities), "traffic": self.by_priority,
                           "no_priority_percent": self.no_priority_percent,  # not attributed, in fact
                           "inversions": [{"lower": low, "higher": high} for low, high in self.inversions()]},
            "checks": {"checked": self.checked, "off_frame": self.off_frame,
                       "off_frame_percent": self.off_frame_percent, "to_check": self.to_check},
            "refusal_items": [i.as_dict() for i in self.refusal_items],
            "lexicon_items": [i.as_dict() for i in self.lexicon_items],
            "frame_changes": {"versions": self.versions, "priority_changes": len(self.changes),
                              "unstable": self.unstable,
                              "changes": [{"version": c.version, "at": c.at.isoformat(), "before": list(c.before),
                                           "after": list(c.after)} for c in self.changes]},
            "sentences": {lang: self.sentences(lang) for lang in strings.LANGUAGES},
        }


@dataclass(frozen=True)
class PolicyEffects:
    """What the requests of a period were, for saying what each check policy would have done to them."""

    total: int
    checked: int  # the check ran (not under ``off``)
    against: int  # checked and found against the frame
    refused: int  # of those, refused (under ``refuse``)

    @property
    def unchecked(self) -> int:
        return self.total - self.checked


def policy_effects(counts: Iterable[tuple[str, str | None, int]]) -> PolicyEffects:
    """From (outcome, check outcome, how many) of a period: how many were checked, against the frame, refused."""
    total = checked = against = refused = 0
    for outcome, check, n in counts:
        total += n
        if check is not None:
            checked += n
        if check == "off_frame":
            against += n
            refused += n if outcome == "refused" else 0
    return PolicyEffects(total, checked, against, refused)


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in whole percent, halves rounded up; None when there is no whole."""
    return (200 * part + whole) // (2 * whole) if whole else None


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def build(slug: str, frame: Frame | None, rows: ReportRows, days: int, until: dt.datetime) -> Report:
    """The report of ``slug`` for the ``days`` up to ``until``; ``frame`` is its published version (if any)."""
    forwarded = checked = off_frame = to_check = total = 0
    refused: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    by_priority = dict.fromkeys(PRIORITIES, 0)
    for outcome, code, check_outcome, priority, n in rows.counts:
        total += n
        if outcome == "forwarded":
            forwarded += n
            by_priority[str(priority) if priority in (1, 2, 3) else "none"] += n
        elif outcome == "refused":
            refused[code or "unknown"] += n
        else:
            failed[code or "unknown"] += n
        if check_outcome is not None:
            checked += n
            off_frame += n if check_outcome == "off_frame" else 0
            to_check += n if check_outcome == "to_check" else 0
    items = hits(rows.findings)
    earlier = {(h.kind, h.item): h.count for h in hits(rows.previous)}
    declared = [r.strip() for r in frame.refusals if r.strip()] if frame else []
    refusals = {h.item: h for h in items if h.kind == "refusal"}
    for item in declared:
        refusals.setdefault(item, ItemHits(item, "refusal"))
    for entry in [*refusals.values(), *items]:
        entry.previous = earlier.get((entry.kind, entry.item), 0)
    order = {item: i for i, item in enumerate(declared)}
    refusal_items = sorted(refusals.values(), key=lambda h: (-h.count, order.get(h.item, len(order)), h.item))
    return Report(
        slug=slug, days=days, since=until - dt.timedelta(days=days), until=until,
        language=frame.language if frame else strings.DEFAULT,
        priorities=ranked(frame.priorities) if frame else (),
        total=total, forwarded=forwarded, refused=dict(refused), failed=dict(failed), by_priority=by_priority,
        checked=checked, off_frame=off_frame, to_check=to_check,
        refusal_items=refusal_items[:max(TOP_ITEMS, len(declared))],
        lexicon_items=[i for i in items if i.kind == "lexicon"][:TOP_ITEMS],
        versions=[v.version for v in rows.versions], changes=priority_changes(rows.before, rows.versions))


def hits(rows: Iterable[tuple[str, str | None]]) -> list[ItemHits]:
    """Refusal items and banned words by how many requests ran into them (a request counts once per item),
    with up to three distinct examples each (the finding's excerpt, else the request's)."""
    found: dict[tuple[str, str], ItemHits] = {}
    for text, excerpt in rows:
        try:
            findings = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue
        seen: set[tuple[str, str]] = set()
        for f in findings if isinstance(findings, list) else ():
            if not isinstance(f, dict) or not isinstance(f.get("item"), str):
                continue
            key = (str(f.get("kind") or "refusal"), f["item"])
            entry = found.setdefault(key, ItemHits(key[1], key[0]))
            entry.sources[str(f.get("source") or "request")] += 1
            if key not in seen:
                seen.add(key)
                entry.count += 1
            example = f.get("excerpt") if isinstance(f.get("excerpt"), str) else excerpt
            if example and example not in entry.examples and len(entry.examples) < EXAMPLES:
                entry.examples.append(example)
    return sorted(found.values(), key=lambda h: (-h.count, h.item))


def priority_changes(before: Version | None, versions: Sequence[Version]) -> list[Change]:
    """Each version of the period whose ranked priorities differ from the version before it (order counts:
    swapping priorities 1 and 2 is a change). A first publication is not a change."""
    changes = []
    previous = ranked(before.frame.priorities) if before is not None else None
    for version in versions:
        current = ranked(version.frame.priorities)
        if previous is not None and previous != current:
            changes.append(Change(version.version, version.published_at, previous, current))
        previous = current
    return changes


def ranked(priorities: Iterable[str]) -> tuple[str, ...]:
    """A frame's priorities as the report compares them: in order, blank items dropped, spaces trimmed."""
    return tuple(p.strip() for p in priorities if p.strip())


# ------------------------------------------------------------------------------------------ SVG charts
# Colours of app/static/cadre.css (presentation attributes: the console's CSP forbids style attributes).
COLOURS = {"forwarded": "#1d6b3a", "refused": "#7a4a00", "failed": "#a3191c", "priority1": "#1f4e79",
           "priority2": "#1f4e79", "priority3": "#1f4e79", "none": "#555e68"}
TEXT = "#1d232a"
TRACK = "#eceef0"
WIDTH = 320  # viewBox units; the page scales the chart to its column (320 fits a 375 px phone at 1:1)
ROW = 44
LINE = 17  # a label's extra line
LABEL_CHARS = 36  # characters of a label's line at 14 units: labels wrap, nothing is cut


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    kind: str  # picks the colour


def wrap(label: str, width: int = LABEL_CHARS) -> list[str]:
    """A label in lines of ``width`` characters at most, cut between words (a word longer than a line is cut)."""
    lines: list[str] = []
    current = ""
    for word in label.split(" "):  # not on no-break spaces: French keeps « : » with its word
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current] if current else lines or [""]


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], lang: str) -> str:
    """Horizontal bars, each with its label above (wrapped, never cut) and its count at its end; the description
    reads every value."""
    top = max((b.value for b in bars), default=0) or 1
    labels = [wrap(b.label) for b in bars]
    height = sum(ROW + LINE * (len(lines) - 1) for lines in labels) + 8
    desc = "; ".join(f"{b.label}: {b.value}" for b in bars) or strings.text("report_chart_empty", lang)
    ids = f"{chart_id}-title {chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby={quoteattr(ids)} font-family="system-ui, sans-serif">',
        f'<title id={quoteattr(chart_id + "-title")}>{escape(title)}</title>',
        f'<desc id={quoteattr(chart_id + "-desc")}>{escape(desc)}</desc>',
    ]
    room = WIDTH - 44  # the count is written after the bar
    y = 0
    for bar, lines in zip(bars, labels, strict=True):
        length = round(room * bar.value / top) if bar.value else 0
        spans = "".join(f'<tspan x="0" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        y += LINE * (len(lines) - 1)
        parts += [
            f'<text x="0" y="{y - LINE * (len(lines) - 1) + 15}" font-size="14" fill="{TEXT}">{spans}</text>',
            f'<rect x="0" y="{y + 21}" width="{room}" height="16" rx="3" fill="{TRACK}"/>',
            f'<rect x="0" y="{y + 21}" width="{length}" height="16" rx="3" fill="{COLOURS.get(bar.kind, TEXT)}"/>',
            f'<text x="{room + 6}" y="{y + 34}" font-size="14" font-weight="600" fill="{TEXT}">{bar.value}</text>',
        ]
        y += ROW
    parts.append("</svg>")
    return "".join(parts)
