"""What a storage call could not do, said in storage terms: the layer above decides how to answer it.

The store never raises HTTP errors; ``app.api.outcomes`` maps each outcome to the error tree (``app.errors``)
for the API and the CLI, and the console shows its own page for them.
"""

from __future__ import annotations

from typing import Any

from app.frames.model import Finding
from app.frames.records import FrameState


class StorageOutcome(Exception):
    """Base of the outcomes a store call reports instead of a result."""


class StoreUnavailable(StorageOutcome):
    """The database cannot be reached (or failed under the statement): try again shortly."""


class RecordRejected(StorageOutcome):
    """The database refused a value of the records written (too long, out of range, a NUL byte, a constraint):
    writing them again as they are would fail again."""


class InvalidSlug(StorageOutcome):
    """A frame slug that cannot name a frame (checked before any query)."""

    def __init__(self, slug: str, param: str = "slug") -> None:
        super().__init__(slug)
        self.slug, self.param = slug, param


class InvalidValue(StorageOutcome):
    """A value the store does not accept: ``field`` is the parameter, ``code`` says which rule."""

    def __init__(self, field: str, code: str, **values: Any) -> None:
        super().__init__(field)
        self.field, self.code, self.values = field, code, values


class FrameNotFound(StorageOutcome):
    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


class VersionNotFound(StorageOutcome):
    def __init__(self, slug: str, number: int) -> None:
        super().__init__(slug, number)
        self.slug, self.number = slug, number


class KeyNotFound(StorageOutcome):
    def __init__(self, key_id: str) -> None:
        super().__init__(key_id)
        self.key_id = key_id


class PersonNotFound(StorageOutcome):
    def __init__(self, person_id: str) -> None:
        super().__init__(person_id)
        self.person_id = person_id


class NameTaken(StorageOutcome):
    """Another person of the team already has this name (sign-in is by name)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class FrameArchived(StorageOutcome):
    """An archived frame is not published to, nor given keys: saving a draft brings it back."""

    def __init__(self, state: FrameState) -> None:
        super().__init__(state.slug)
        self.state = state


class RevisionMismatch(StorageOutcome):
    """The frame is not at the revision the caller started from (``reason``: changed, missing, created,
    published); ``current`` is the state now (None when the frame does not exist)."""

    def __init__(self, reason: str, slug: str, current: FrameState | None, expected: int | None = None) -> None:
        super().__init__(reason, slug)
        self.reason, self.slug, self.current, self.expected = reason, slug, current, expected


class DraftHasErrors(StorageOutcome):
    """The draft fails clarity rules that block publication."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(len(findings))
        self.findings = findings


class NoChanges(StorageOutcome):
    """Publishing a draft that is the same as the published version."""


class SchemaBehind(StorageOutcome):
    """The database lacks migration steps (``steps``): ``cadre migrate`` must run first."""

    def __init__(self, steps: list[str]) -> None:
        super().__init__(", ".join(steps))
        self.steps = steps
