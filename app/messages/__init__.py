"""Every user-facing word of Cadre, French and English side by side, looked up by key. Pure.

``text(key, lang, **values)`` gives one language; ``both(key, **values)`` gives "français / English" for
answers that have no language of their own (API errors, the CLI); ``Message`` is a key with its values, to
be put into words later, in whichever language the reader has (a value may itself be a ``Message``).

The words live in the modules of this package, one per part of Cadre; ``catalogue.MESSAGES`` holds them all
under one key each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from app.messages.catalogue import MESSAGES

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")
DEFAULT: Language = "fr"

__all__ = ["DEFAULT", "LANGUAGES", "MESSAGES", "Language", "Message", "both", "language", "pair", "text"]


def language(lang: str | None) -> Language:
    """``lang`` if Cadre speaks it, else French."""
    return "en" if lang == "en" else "fr"


@dataclass(frozen=True)
class Message:
    """A message not yet put into words: its key and values (values may be messages themselves)."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        """In ``lang``."""
        return text(self.key, lang, **self.values)

    def both(self) -> str:
        """In French, then English."""
        return both(self.key, **self.values)


def text(key: str, lang: str, /, **values: Any) -> str:
    """The message ``key`` in ``lang`` (French when ``lang`` is neither), with ``values`` filled in."""
    template = MESSAGES[key][language(lang)]
    if not values:
        return template
    return template.format(**{k: v.render(lang) if isinstance(v, Message) else v for k, v in values.items()})


def both(key: str, /, **values: Any) -> str:
    """The message in French, then English: "… / …"."""
    return f"{text(key, 'fr', **values)} / {text(key, 'en', **values)}"


def pair(key: str, /, **values: Any) -> dict[str, str]:
    """The message in each language: {"fr": …, "en": …}."""
    return {lang: text(key, lang, **values) for lang in LANGUAGES}
