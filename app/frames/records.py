"""The types every layer shares: a published version, a frame's state, a key, a decision, a frame ready for
the request path (``Published``) and what the request check finds (``Hit``). Pure: values only."""

from __future__ import annotations

import datetime as dt
import operator
import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from app.frames.model import Finding, Frame
from app.frames.rules import lint


def now() -> dt.datetime:
    """The time now, in UTC."""
    return dt.datetime.now(dt.UTC)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; everything Cadre writes is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def iso(value: dt.datetime | None) -> str | None:
    value = utc(value)
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Version:
    """One published version: immutable."""

    slug: str
    version: int
    frame: Frame
    published_at: dt.datetime
    published_by: str
    rollback_of: int | None
    drafted_by: str | None = None  # who last saved the draft this version was made from

    def as_dict(self) -> dict[str, Any]:
        return {"slug": self.slug, "version": self.version, "frame": self.frame.model_dump(mode="json"),
                "published_at": iso(self.published_at), "published_by": self.published_by,
                "drafted_by": self.drafted_by, "rollback_of": self.rollback_of}


@dataclass(frozen=True)
class FrameState:
    """A frame's draft, its latest published version and its revision (the ETag)."""

    slug: str
    draft: Frame
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    archived_at: dt.datetime | None
    published: Version | None
    check_policy: str = "flag"  # off | flag | refuse: what the gateway does with an off-frame request

    @property
    def etag(self) -> str:
        return f'"{self.revision}"'

    def draft_differs(self) -> bool:
        return self.published is None or self.published.frame != self.draft

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug, "revision": self.revision, "etag": self.etag,
            "draft": self.draft.model_dump(mode="json"),
            "draft_findings": [f.as_dict() for f in lint(self.draft)],
            "draft_differs": self.draft_differs(),
            "published": self.published.as_dict() if self.published else None,
            "published_findings": [f.as_dict() for f in lint(self.published.frame)] if self.published else [],
            "created_at": iso(self.created_at), "updated_at": iso(self.updated_at),
            "updated_by": self.updated_by, "archived_at": iso(self.archived_at),
            "check_policy": self.check_policy,
        }


@dataclass(frozen=True)
class Unpublished:
    """What a refusal says of a frame with no version to serve: the business's name, the language to speak,
    whether it is archived, and what blocks its draft's publication (``exists`` False: no such frame)."""

    slug: str
    name: str
    language: str
    archived: bool
    blocking: tuple[Finding, ...]  # in ``language``
    blocking_other: tuple[Finding, ...] = ()  # the same, in the other language
    exists: bool = True

    @classmethod
    def of(cls, state: FrameState | None, slug: str) -> Unpublished:
        """From a frame's state (None: the frame does not exist). A frame published once and then archived
        speaks its last version's name and language; one never published, its draft's."""
        if state is None:
            return cls(slug, slug, "fr", False, (), exists=False)
        shown = state.published.frame if state.published is not None else state.draft
        name = shown.name or state.draft.name or slug
        other = "en" if shown.language == "fr" else "fr"
        return cls(slug, name, shown.language, state.archived_at is not None,
                   _blocking(state.draft, shown.language), _blocking(state.draft, other))


def _blocking(frame: Frame, speak: str) -> tuple[Finding, ...]:
    return tuple(f for f in lint(frame, speak=speak) if f.severity == "error")


@dataclass(frozen=True)
class Key:
    """A client key as stored: never the secret itself."""

    id: str
    frame: str
    name: str
    refusal_style: str
    hint: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    rate_limit: int | None = None  # requests per minute, over every replica; None: no limit

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "frame": self.frame, "name": self.name, "refusal_style": self.refusal_style,
                "hint": self.hint, "created_at": iso(self.created_at), "revoked_at": iso(self.revoked_at),
                "active": self.revoked_at is None, "rate_limit": self.rate_limit}


@dataclass(slots=True)
class Decision:
    """One gateway request's outcome, as recorded in the decision log."""

    request_id: str
    endpoint: str
    outcome: str
    latency_ms: float
    at: float = field(default_factory=time.time)  # epoch seconds: cheaper on the request path than a datetime
    key_id: str | None = None
    frame: str | None = None
    frame_version: int | None = None
    model: str | None = None
    code: str | None = None
    upstream_status: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    check_outcome: str | None = None
    findings: str | None = None  # JSON, see db.decisions
    priority: int | None = None
    priority_source: str | None = None
    excerpt: str | None = None
    upstream_ms: float | None = None  # for the metrics only: the upstream's share of latency_ms

    def record(self) -> DecisionRow:
        """The values to store, in DECISION_COLUMNS order (``at`` in epoch seconds).

        A tuple of plain values is what the buffer holds: the garbage collector stops tracking such tuples,
        whereas thousands of buffered objects would be walked again by every collection (bench/README.md).
        """
        return _decision_values(self)


DecisionRow = tuple[Any, ...]
DECISION_COLUMNS = ("at", "request_id", "key_id", "frame", "frame_version", "endpoint", "model", "outcome", "code",
                    "upstream_status", "latency_ms", "prompt_tokens", "completion_tokens", "total_tokens",
                    "check_outcome", "findings", "priority", "priority_source", "excerpt")
_decision_values = operator.attrgetter(*DECISION_COLUMNS)


def priority_rank(value: Any, frame: Frame) -> int | None:
    """The rank of one of ``frame``'s priorities (1 to 3) that ``value`` names ("2" or 2), or None."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is int and 1 <= value <= min(3, len(frame.priorities)):
        return value
    return None


@dataclass(frozen=True)
class Hit:
    """One refusal or banned term a request runs into, and where."""

    item: str  # the refusal or banned term, exactly as the frame writes it
    kind: Literal["refusal", "lexicon"]
    field: str  # "refusals[2]", "lexicon.banned[0]"
    excerpt: str  # the request around the match, at most 200 characters
    sure: bool = True  # False: only a watched word of a place limit, without what the refusal limits ("to check")

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"item": self.item, "kind": self.kind, "field": self.field, "excerpt": self.excerpt}


class RequestCheck(Protocol):
    """A published version's compiled request check (the révélateur's lexical stage)."""

    def check(self, text: str, *, answer: bool = False) -> list[Hit]:
        """The refusals and banned terms ``text`` runs into, in the order they appear in it (``answer``: the
        model's answer, not a request)."""
        ...

    def talks(self, text: str) -> bool:
        """Whether ``text`` talks about a refusal (explains or declines it) rather than asking for it."""
        ...


@dataclass(frozen=True)
class Published:
    """A published version ready for the request path: rendered once, its check compiled once, linted once a
    day; with the frame's check policy (off | flag | refuse)."""

    version: Version
    prompt: str
    problems: tuple[Finding, ...]
    header: bytes
    linted_on: dt.date
    policy: str
    checker: RequestCheck
    problems_other: tuple[Finding, ...] = ()  # ``problems`` in the other language, for the refusal's translation
    priority_words: object = None  # the révélateur's compiled priority words (revelateur.priorities)

    @property
    def slug(self) -> str:
        return self.version.slug

    @property
    def language(self) -> str:
        return self.version.frame.language

    @property
    def name(self) -> str:
        """The business's name (the slug when the frame has none)."""
        return self.version.frame.name or self.version.slug


ROLES = ("owner", "editor", "viewer")  # owner: publish, keys, people; editor: drafts; viewer: decisions, report


@dataclass(frozen=True)
class Person:
    """Someone of the team with a console account (``joined`` once their invitation was used)."""

    id: str
    name: str
    role: str
    joined: bool
    created_at: dt.datetime
    created_by: str
    removed_at: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role, "joined": self.joined,
                "created_at": iso(self.created_at), "created_by": self.created_by, "removed_at": iso(self.removed_at)}


@dataclass(frozen=True)
class SignedIn:
    """A console session as stored: whose, since when, from where; never the cookie's value."""

    id: str  # the sha256 of the cookie's value
    person: Person
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    address: str
    agent: str
