"""The frame (a business's strategic "cadre") as written, and a clarity finding. Pure: values only.

The clarity rules that produce findings are in ``rules.py``; their messages in ``app/messages``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}\Z")  # a frame's identifier; \Z: "$" would let a trailing newline in
Text = Field("", max_length=2000)


def _items(max_items: int = 20) -> Any:
    return Field(default_factory=list, max_length=max_items)


class Voice(BaseModel):
    """How the business speaks."""

    model_config = ConfigDict(extra="forbid")
    tone: str = Field("", max_length=500)
    address: Literal["tu", "vous", "none"] = "none"


class Lexicon(BaseModel):
    """Words the business prefers, and words it never uses."""

    model_config = ConfigDict(extra="forbid")
    preferred: list[str] = _items(50)
    banned: list[str] = _items(50)


class WatchList(BaseModel):
    """The concrete words Cadre watches for under one refusal (kinds, synonyms, the other language's words,
    places), written or accepted by the owner. ``refusal`` is the refusal's text: a list whose refusal is no
    longer in the frame is kept but watches nothing (the linter says so)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    refusal: str = Field(max_length=2000)
    words: list[str] = Field(default_factory=list, max_length=200)


class Frame(BaseModel):
    """The frame as written. Every field may be empty in a draft; the linter says what is missing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field("", max_length=200)
    offer: str = Text
    audience: str = Text
    secondary_audiences: list[str] = _items(10)
    need: str = Text
    promise: str = Text
    priorities: list[str] = _items(10)
    refusals: list[str] = _items(30)
    alternatives: list[str] = _items(20)
    proof: list[str] = _items(20)
    voice: Voice = Field(default_factory=Voice)
    lexicon: Lexicon = Field(default_factory=Lexicon)
    language: Literal["fr", "en"] = "fr"
    watch: list[WatchList] = _items(30)  # what the request check watches for, per refusal
    review_by: dt.date | None = None


@dataclass(frozen=True)
class Finding:
    """One clarity problem: where, which rule, how serious, and what to do (in the frame's language)."""

    field: str
    code: str
    severity: Literal["error", "warning"]
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "severity": self.severity, "message": self.message}
