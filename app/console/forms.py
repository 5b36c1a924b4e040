"""The frame editor's form: form fields <-> frame, list operations without script, field errors, slugs. Pure."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from app.frames.model import SLUG, Finding, Frame
from app.frames.text import fold

TEXT_FIELDS = ("name", "offer", "audience", "need", "promise", "voice.tone")
LIST_FIELDS = ("priorities", "refusals", "secondary_audiences", "alternatives", "proof",
               "lexicon.preferred", "lexicon.banned")
CHOICE_FIELDS = ("voice.address", "language", "review_by")
FIELD_ORDER = ("name", "offer", "audience", "promise", "priorities", "refusals", "need", "secondary_audiences",
               "alternatives", "proof", "voice.tone", "voice.address", "lexicon.preferred", "lexicon.banned",
               "language", "review_by")  # the editor's order: what matters most first
Values = dict[str, Any]  # field path -> str, or list of str for list fields
WATCH_FOR, WATCH_WORDS = "watch.for", "watch.words"  # per refusal: its text as shown, the words watched for it
_WORD_SEPARATORS = re.compile(r"[,;\n]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LIST_OP = re.compile(r"^list:([a-z_.]+):(add|remove|up|down)(?::(\d{1,3}))?\Z")


def values_from_frame(frame: Frame) -> Values:
    """The form's values for a frame."""
    dumped = frame.model_dump(mode="json")
    values: Values = {}
    for path in (*TEXT_FIELDS, *LIST_FIELDS, *CHOICE_FIELDS):
        value: Any = dumped
        for part in path.split("."):
            value = value[part]
        values[path] = list(value) if path in LIST_FIELDS else ("" if value is None else str(value))
    by_refusal = {w.refusal: w.words for w in frame.watch}
    orphans = [w.refusal for w in frame.watch if w.refusal not in frame.refusals]
    values[WATCH_FOR] = [*frame.refusals, *orphans]
    values[WATCH_WORDS] = [", ".join(by_refusal.get(r, ())) for r in values[WATCH_FOR]]
    return values


def values_from_form(form: Mapping[str, Any], getlist: Any) -> Values:
    """The form's values as posted (list items in page order, empty ones kept so the page shows them again)."""
    values: Values = {}
    for path in (*TEXT_FIELDS, *CHOICE_FIELDS):
        values[path] = _text(form.get(path))
    for path in (*LIST_FIELDS, WATCH_FOR, WATCH_WORDS):
        values[path] = [_text(v) for v in getlist(path)]
    return values


def _text(value: Any) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else ""


def merged(base: Values, changes: Values, fields: Iterable[str]) -> Values:
    """``base`` with ``fields`` taken from ``changes`` (the guided path posts a few fields at a time)."""
    out = dict(base)
    for path in fields:
        out[path] = changes[path]
    return out


def frame_from_values(values: Values) -> tuple[Frame | None, dict[str, str]]:
    """The frame, or None and the form's errors (field path -> string key of the message)."""
    problems: dict[str, str] = {}
    data: dict[str, Any] = {"voice": {}, "lexicon": {}}
    for path in (*TEXT_FIELDS, *LIST_FIELDS, *CHOICE_FIELDS):
        value = values.get(path, [] if path in LIST_FIELDS else "")
        if path in LIST_FIELDS:
            value = [v for v in value if v.strip()]
        if any(_CONTROL.search(v) for v in (value if isinstance(value, list) else [value])):
            problems[path] = "form_control_chars"
        if path == "review_by" and not value.strip():
            value = None
        if path == "voice.address" and not value:
            value = "none"
        if path == "language" and not value:
            value = "fr"
        head, _, tail = path.partition(".")
        if tail:
            data[head][tail] = value
        else:
            data[path] = value
    if problems:
        return None, problems
    data["watch"] = watch_from_values(values, data["refusals"])
    try:
        return Frame.model_validate(data), {}
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(p) for p in error["loc"]]
            path = ".".join(p for p in loc if not p.isdigit())
            problems.setdefault(path if path in values else loc[0], _problem(str(error["type"])))
        return None, problems


def watch_from_values(values: Values, refusals: list[str]) -> list[dict[str, Any]]:
    """The watch lists of the form: each list goes with the refusal it was shown under, or, when that refusal's
    text was edited in the same form, with the refusal now at its place; words split at commas and lines."""
    lists: list[dict[str, Any]] = []
    used: set[str] = set()
    pairs = list(zip(values.get(WATCH_FOR, []), values.get(WATCH_WORDS, []), strict=False))
    for i, (shown, typed) in enumerate(pairs):
        words = [w.strip() for w in _WORD_SEPARATORS.split(typed) if w.strip()]
        if not words:
            continue
        target = shown if shown in refusals else refusals[i] if i < len(refusals) else shown
        if target in used:
            continue
        used.add(target)
        lists.append({"refusal": target, "words": list(dict.fromkeys(words))})
    return lists


def _problem(kind: str) -> str:
    if kind in ("string_too_long", "too_long"):
        return "form_too_long"
    if kind.startswith("date"):
        return "form_bad_date"
    return "form_invalid"


def apply_list_op(values: Values, op: str) -> Values:
    """Add, remove or move a list item, as the buttons do without script: "list:priorities:up:2"."""
    found = _LIST_OP.fullmatch(op)
    if not found or found.group(1) not in LIST_FIELDS:
        return values
    path, action, index = found.group(1), found.group(2), int(found.group(3) or 0)
    out = {**values, path: _list_op(list(values[path]), action, index)}
    if path == "refusals":  # each watch list follows its refusal
        for key in (WATCH_FOR, WATCH_WORDS):
            out[key] = _list_op(list(values.get(key, [])), action, index)
    return out


def _list_op(items: list[str], action: str, index: int) -> list[str]:
    if action == "add":
        items.append("")
    elif index < len(items):
        if action == "remove":
            del items[index]
        elif action == "up" and index > 0:
            items[index - 1], items[index] = items[index], items[index - 1]
        elif action == "down" and index + 1 < len(items):
            items[index + 1], items[index] = items[index], items[index + 1]
    return items


def revision_of(value: Any) -> int | None:
    """The revision a form started from (None: overwrite whatever is there)."""
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 0 <= number < 2**31 else None


def normalized(values: Values) -> Values:
    """Values as they would be stored: texts trimmed, empty list items dropped (to compare two versions)."""
    return {p: [i.strip() for i in v if i.strip()] if isinstance(v, list) else v.strip() for p, v in values.items()}


def base_values(text: str) -> Values | None:
    """The values a form started from (its hidden ``base`` field, JSON), or None when unreadable."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    out: Values = {}
    for path in FIELD_ORDER:
        value = data.get(path, [] if path in LIST_FIELDS else "")
        if path in LIST_FIELDS:
            if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
                return None
        elif not isinstance(value, str):
            return None
        out[path] = value
    return out


def merge(base: Values | None, theirs: Values, mine: Values) -> tuple[Values, list[str]]:
    """A field-level three-way merge: each field that only one person changed keeps that change; the fields
    both changed differently (returned) keep this person's value until they choose. Without a base, every
    field that differs needs a choice."""
    b, t, m = (normalized(base) if base is not None else None), normalized(theirs), normalized(mine)
    merged: Values = {}
    both: list[str] = []
    for path in FIELD_ORDER:
        mine_value = mine.get(path, [] if path in LIST_FIELDS else "")
        if b is not None and m.get(path, t[path]) == b.get(path):
            merged[path] = theirs[path]  # only they changed it (or nobody did)
        elif b is not None and t[path] == b.get(path):
            merged[path] = mine_value  # only this person changed it
        else:
            merged[path] = mine_value
            if m.get(path, t[path]) != t[path]:
                both.append(path)
    return merged, both


def findings_by_field(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings keyed by the field path they are about ("offer", "priorities[1]", "voice.tone")."""
    out: dict[str, list[Finding]] = {}
    for finding in findings:
        out.setdefault(finding.field, []).append(finding)
    return out


def dom_id(path: str) -> str:
    """An HTML id for a field path: "priorities[1]" -> "field-priorities-1"."""
    return "field-" + re.sub(r"[^a-z0-9]+", "-", path).strip("-")


def slugify(name: str, taken: Iterable[str] = ()) -> str:
    """A free slug made from a name: "Atelier Rustine" -> "atelier-rustine" ("-2", "-3" ... when taken)."""
    base = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:56].strip("-") or "cadre"
    used = set(taken)
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    assert SLUG.fullmatch(slug)
    return slug
