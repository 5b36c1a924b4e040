"""Storage outcomes as the errors a client sees (the API, the CLI): one place that says which status and
which words each one gets."""

from __future__ import annotations

from app.errors import (
    CadreError,
    Conflict,
    DatabaseUnavailable,
    InvalidRequest,
    NotFound,
    PreconditionFailed,
    Unprocessable,
)
from app.messages import both
from app.storage.outcomes import (
    DraftHasErrors,
    FrameArchived,
    FrameNotFound,
    InvalidSlug,
    InvalidValue,
    KeyNotFound,
    NameTaken,
    NoChanges,
    PersonNotFound,
    RevisionMismatch,
    StorageOutcome,
    StoreUnavailable,
    VersionNotFound,
)


def as_error(outcome: StorageOutcome) -> CadreError:
    """The OpenAI-shaped error for a storage outcome."""
    match outcome:
        case StoreUnavailable():
            return DatabaseUnavailable()
        case InvalidSlug(param=param):
            return InvalidRequest(both("error.invalid_slug"), code="invalid_slug", param=param)
        case InvalidValue(field=field, code=code, values=values):
            return InvalidRequest(both(f"error.{code}", **values), code=code, param=field)
        case FrameNotFound(slug=slug):
            return NotFound(both("error.frame_not_found", slug=slug), code="frame_not_found", param="slug")
        case VersionNotFound(slug=slug, number=number):
            return NotFound(both("error.version_not_found", slug=slug, number=number), code="version_not_found",
                            param="version")
        case KeyNotFound(key_id=key_id):
            return NotFound(both("error.key_not_found", key_id=key_id[:60]), code="key_not_found", param="id")
        case FrameArchived(state=state):
            return Conflict(both("error.frame_archived", slug=state.slug), code="frame_archived",
                            extra={"current": state.as_dict()})
        case RevisionMismatch(reason=reason, slug=slug, current=current, expected=expected):
            revision = current.revision if current else None
            message = both(f"error.revision_{reason}", slug=slug, revision=revision, expected=expected)
            return PreconditionFailed(message, extra={"current": current.as_dict() if current else None})
        case DraftHasErrors(findings=findings):
            return Unprocessable(both("error.draft_has_errors", count=len(findings)),
                                 extra={"findings": [f.as_dict() for f in findings]})
        case PersonNotFound(person_id=person_id):
            return NotFound(both("error.person_not_found", person_id=person_id[:60]), code="person_not_found",
                            param="id")
        case NameTaken(name=name):
            return Conflict(both("error.name_taken", name=name), code="name_taken", param="name")
        case NoChanges():
            return Conflict(both("error.no_changes"), code="no_changes")
    return CadreError(both("error.internal_error"), code="internal_error")
