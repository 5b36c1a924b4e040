"""Validate the révélateur evaluation set and print its counts (Markdown tables).

    python frames/eval/stats.py

Checks: every line of dev, test, holdout, unseen, unseen2 and blind to blind22 (.jsonl) parses and has exactly the
keys frame, text, label, item, note; every frame slug is one of frames/eval/frames/*.yaml; a request is in
the frame's language family (not checked automatically: reviewed by hand; unseen.jsonl has a few
cross-language requests on purpose); label is "fits" or "off_frame"; an off_frame item is exactly one of
that frame's refusals or lexicon.banned entries, and a fits item is null; no request text appears twice
(within a split or across splits). In unseen, unseen2 and blind to blind22 every note also starts with a kind tag in brackets,
one of OFF_TAGS for off_frame and FIT_TAGS for fits. Items never hit are listed for holdout, unseen, blind to blind22
(each covers every item of the frames it uses) and for all splits together. Exits 1 on the first
problem found. Reads nothing but this folder.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
KEYS = {"frame", "text", "label", "item", "note"}
SPLITS = ("dev", "test", "holdout", "unseen", "unseen2", "blind", "blind2", "blind3", "blind4", "blind5", "blind6",
          "blind7", "blind8", "blind9", "blind10", "blind11", "blind12", "blind13", "blind14",
          "blind15", "blind16", "blind17", "blind18", "blind19", "blind20",
          "blind21", "blind22")
# unseen, unseen2 and blind: frames of other trades; their notes open with a kind tag.
TAGGED = ("unseen", "unseen2", "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8",
          "blind9", "blind10", "blind11", "blind12", "blind13", "blind14",
          "blind15", "blind16", "blind17", "blind18", "blind19", "blind20",
          "blind21", "blind22")
OFF_TAGS = ("[literal]", "[kind]", "[paraphrase]", "[place]", "[crosslang]", "[banned]")
FIT_TAGS = ("[hard-fit]", "[everyday]")


def load_frames() -> dict[str, dict]:
    frames = {}
    for path in sorted((HERE / "frames").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        frames[data["slug"]] = data
    return frames


def load_split(name: str, frames: dict[str, dict]) -> list[dict]:
    rows = []
    for n, line in enumerate((HERE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        where = f"{name}.jsonl:{n}"
        row = json.loads(line)
        assert set(row) == KEYS, f"{where}: keys {sorted(row)}"
        assert row["frame"] in frames, f"{where}: unknown frame {row['frame']!r}"
        assert isinstance(row["text"], str) and row["text"].strip(), f"{where}: empty text"
        assert row["label"] in ("fits", "off_frame"), f"{where}: label {row['label']!r}"
        frame = frames[row["frame"]]
        allowed = list(frame.get("refusals", [])) + list(frame.get("lexicon", {}).get("banned", []))
        if row["label"] == "off_frame":
            assert row["item"] in allowed, f"{where}: item {row['item']!r} is not a refusal or banned term of {row['frame']}"
        else:
            assert row["item"] is None, f"{where}: a fits request has item {row['item']!r}"
        if name in TAGGED:
            tags = OFF_TAGS if row["label"] == "off_frame" else FIT_TAGS
            assert isinstance(row["note"], str) and tag_of(row) in tags, f"{where}: note must start with one of {tags}"
            banned = row["item"] in frame.get("lexicon", {}).get("banned", [])
            assert row["label"] == "fits" or (tag_of(row) == "[banned]") == banned, f"{where}: [banned] tag and item disagree"
        rows.append(row)
    return rows


def tag_of(row: dict) -> str:
    note = row["note"] or ""
    return note.split("]", 1)[0] + "]" if note.startswith("[") else ""


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def main() -> int:
    frames = load_frames()
    splits = {name: load_split(name, frames) for name in SPLITS}
    texts = Counter(r["text"] for rows in splits.values() for r in rows)
    dup = [t for t, c in texts.items() if c > 1]
    assert not dup, f"duplicated requests: {dup}"
    every = [r for rows in splits.values() for r in rows]

    print("| Frame | Lang | " + " | ".join(f"{s} fits | {s} off" for s in SPLITS) + " | total | off_frame |")
    print("|---|---|" + "---:|---:|" * len(SPLITS) + "---:|---:|")
    for slug, frame in frames.items():
        c = {(s, lab): sum(1 for r in splits[s] if r["frame"] == slug and r["label"] == lab)
             for s in SPLITS for lab in ("fits", "off_frame")}
        total = sum(c.values())
        off = sum(c[s, "off_frame"] for s in SPLITS)
        cells = " | ".join(f"{c[s, 'fits']} | {c[s, 'off_frame']}" for s in SPLITS)
        print(f"| {slug} | {frame['language']} | {cells} | {total} | {pct(off, total)} |")

    print()
    print("| Split | Lang | requests | fits | off_frame | off_frame share |")
    print("|---|---|---:|---:|---:|---:|")
    for s in (*SPLITS, "all"):
        rows = every if s == "all" else splits[s]
        for lang in ("fr", "en", "all"):
            sel = [r for r in rows if lang == "all" or frames[r["frame"]]["language"] == lang]
            off = sum(r["label"] == "off_frame" for r in sel)
            print(f"| {s} | {lang} | {len(sel)} | {len(sel) - off} | {off} | {pct(off, len(sel))} |")

    print()
    for s in (*SPLITS, "all"):
        rows = every if s == "all" else splits[s]
        kinds = Counter()
        for r in rows:
            if r["label"] == "off_frame":
                banned = r["item"] in frames[r["frame"]].get("lexicon", {}).get("banned", [])
                kinds["banned term" if banned else "refusal"] += 1
        hit = Counter((r["frame"], r["item"]) for r in rows if r["label"] == "off_frame")
        used = {r["frame"] for r in rows}
        unhit = [(slug, i) for slug, f in frames.items() if slug in used
                 for i in list(f.get("refusals", [])) + list(f.get("lexicon", {}).get("banned", []))
                 if (slug, i) not in hit]
        line = f"- {s}: off_frame by kind of item: {kinds['refusal']} refusal, {kinds['banned term']} banned term"
        if s in ("holdout", "unseen", "unseen2", "blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7",
                 "blind8", "blind9", "blind10", "blind11", "blind12", "blind13", "blind14", "blind15", "blind16",
                 "blind17", "blind18", "blind19", "blind20",
                 "blind21", "blind22", "all"):
            line += f"; items never hit: {unhit or 'none'}"
        print(line)

    for s in TAGGED:
        print()
        print(f"| {s}: kind tag | fr | en | all | share of its label |")
        print("|---|---:|---:|---:|---:|")
        for label, tags in (("off_frame", OFF_TAGS), ("fits", FIT_TAGS)):
            sel = [r for r in splits[s] if r["label"] == label]
            for tag in tags:
                n = {lang: sum(1 for r in sel if tag_of(r) == tag and frames[r["frame"]]["language"] == lang)
                     for lang in ("fr", "en")}
                total = n["fr"] + n["en"]
                print(f"| {label} {tag} | {n['fr']} | {n['en']} | {total} | {pct(total, len(sel))} |")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (AssertionError, json.JSONDecodeError) as problem:
        print(f"invalid: {problem}", file=sys.stderr)
        sys.exit(1)
