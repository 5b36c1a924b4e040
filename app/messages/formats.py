"""The console's words put to use: a message with French typography, counts, field names, reasons, the
visitor's language, dates and durations in words. Pure."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.messages import DEFAULT, LANGUAGES, MESSAGES, language

__all__ = ["CHECK_OUTCOMES", "DEFAULT", "LANGUAGES", "ago", "check_label", "count", "duration", "field_label",
           "pick_language", "reason", "text", "when"]

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


_FRENCH_SPACES = re.compile(r"(?<=«) | (?=[»:;?!])")


def text(key: str, lang: str, **values: Any) -> str:
    """The string ``key`` in ``lang``, with ``values`` filled in. French keeps its punctuation on the line of
    the word it belongs to (a no-break space before : ; ? ! » and after «), not the values' own spaces."""
    template = MESSAGES[key][language(lang)]
    if lang == "fr":
        template = _FRENCH_SPACES.sub("\u00a0", template)
    return template.format(**values) if values else template


def count(key: str, n: int, lang: str, **values: Any) -> str:
    """A counted string: ``key_one`` or ``key_other`` (French counts 0 and 1 as one, English only 1)."""
    one = n in (0, 1) if lang == "fr" else n == 1
    return text(f"{key}_{'one' if one else 'other'}", lang, n=n, **values)


def field_label(path: str, lang: str) -> str:
    """The readable name of a field path: "priorities[1]" -> "Priorités 2", "voice.tone" -> "Ton"."""
    base, _, index = path.partition("[")
    entry = MESSAGES.get(f"field.{base}")
    label = entry[language(lang)] if entry else base
    return f"{label} {int(index.rstrip(']')) + 1}" if index.rstrip("]").isdigit() else label


CHECK_OUTCOMES = tuple(k.removeprefix("check_outcome.") for k in MESSAGES if k.startswith("check_outcome."))


def check_label(value: str, lang: str) -> str:
    """What the request check found, in words ("contre le cadre"); the value itself when it has no label."""
    entry = MESSAGES.get(f"check_outcome.{value}")
    return entry[language(lang)] if entry else value


def reason(code: str, lang: str) -> str:
    """A decision's code in words (the code itself when it has none)."""
    entry = MESSAGES.get(f"reason.{code}")
    return entry[language(lang)] if entry else code


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    """The console's language: the switch's cookie, else the browser's preferred of fr/en, else French."""
    if cookie in LANGUAGES:
        return cookie
    best, best_q = DEFAULT, 0.0
    for part in (accept_language or "").split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def when(moment: dt.datetime, zone: dt.tzinfo, lang: str) -> str:
    """An absolute date and time in the console's time zone: "12/03/2026 à 14:05", "12 Mar 2026, 14:05"."""
    local = moment.astimezone(zone)
    return text("date_time", lang, day=local.day, month=local.month, month_name=MONTHS_EN[local.month - 1],
                year=local.year, hour=local.hour, minute=local.minute, second=local.second)


def duration(ms: float, lang: str) -> str:
    """A duration in words: "moins d'une seconde", "3 secondes", "2 min 5 s"."""
    seconds = int(ms // 1000)
    if seconds < 1:
        return text("duration_under_second", lang)
    if seconds < 60:
        return count("duration_seconds", seconds, lang)
    return text("duration_minutes", lang, minutes=seconds // 60, seconds=seconds % 60)


def ago(moment: dt.datetime, now: dt.datetime, lang: str) -> str:
    """How long ago, in words: "à l'instant", "il y a 2 jours", "3 months ago"."""
    seconds = max(0.0, (now - moment).total_seconds())
    if seconds < 60:
        return text("ago_now", lang)
    for unit, size, limit in (("minutes", 60, 60), ("hours", 3600, 24), ("days", 86400, 30),
                              ("months", 30 * 86400, 12)):
        n = int(seconds // size)
        if n < limit:
            return count(f"ago_{unit}", n, lang)
    return count("ago_years", max(1, int(seconds // (365 * 86400))), lang)
