"""The error tree and its OpenAI-shaped responses.

    CadreError                      -> {"error": {"message", "type", "param", "code"}}
    ├── InvalidRequest      400     invalid_request_error (bad JSON, wrong type, missing field)
    ├── BodyTooLarge        413     invalid_request_error / body_too_large
    ├── Unauthenticated     401     authentication_error / invalid_api_key | invalid_admin_token
    ├── NotFound            404     not_found_error
    ├── MethodNotAllowed    405     invalid_request_error / method_not_allowed
    ├── Conflict            409     invalid_request_error (slug archived, ...)
    ├── PreconditionFailed  412     precondition_failed / etag_mismatch (+ "current": the state now)
    ├── Unprocessable       422     invalid_request_error / frame_has_errors (+ "findings")
    ├── FrameRefusal        409|400 frame_refusal / frame_missing | frame_unclear | off_frame
    ├── UpstreamError       502|504 upstream_error / upstream_unavailable | upstream_timeout
    │   └── UpstreamBusy    503     upstream_error / upstream_busy (every connection busy, the queue full)
    ├── RateLimited         429     requests / rate_limit_exceeded (retry-after)
    ├── TooManyAttempts     429     requests / too_many_attempts (retry-after): wrong admin tokens
    ├── DatabaseUnavailable 503     server_error / database_unavailable (x-should-retry: true)
    └── JudgeUnavailable    503     server_error / judge_unavailable (x-should-retry: true)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from app.messages import LANGUAGES, both, language, text


class CadreError(Exception):
    """Base of every error a client can see."""

    status = 500
    type = "server_error"
    code: str | None = None

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None,
                 extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.param = param
        self.extra = extra or {}
        self.headers = headers or {}

    def to_bytes(self) -> bytes:
        """The body, serialised."""
        return orjson.dumps(self.body())

    def body(self) -> dict[str, Any]:
        """The OpenAI-shaped body."""
        payload: dict[str, Any] = {
            "error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}
        }
        payload.update(self.extra)
        return payload


class InvalidRequest(CadreError):
    status, type, code = 400, "invalid_request_error", "invalid_request"


class BodyTooLarge(CadreError):
    status, type, code = 413, "invalid_request_error", "body_too_large"


class Unauthenticated(CadreError):
    status, type, code = 401, "authentication_error", "invalid_api_key"


class NotFound(CadreError):
    status, type, code = 404, "not_found_error", "not_found"


class MethodNotAllowed(CadreError):
    status, type, code = 405, "invalid_request_error", "method_not_allowed"


class Conflict(CadreError):
    status, type, code = 409, "invalid_request_error", "conflict"


class PreconditionFailed(CadreError):
    status, type, code = 412, "precondition_failed", "etag_mismatch"


class Unprocessable(CadreError):
    status, type, code = 422, "invalid_request_error", "frame_has_errors"


class FrameRefusal(CadreError):
    """A refusal because of the frame: ``message`` in the frame's language, the other language in
    ``translations`` (both in the body's ``error``, with ``language`` naming the message's)."""

    status, type = 409, "frame_refusal"

    def __init__(self, message: str, *, code: str, status: int = 409, language: str | None = None,
                 translations: dict[str, str] | None = None) -> None:
        super().__init__(message, code=code, headers={"x-should-retry": "false"})
        self.status = status
        self.language = language
        self.translations = translations or {}

    @classmethod
    def speaking(cls, key: str, lang: str, *, code: str, status: int = 409,
                 **values: str | int | Mapping[Any, str]) -> FrameRefusal:
        """The message ``key`` in ``lang``, and in the other language as its translation; a value given as
        ``{"fr": ..., "en": ...}`` is taken in each message's language."""
        def say(speak: str) -> str:
            return text(key, speak, **{k: v[speak] if isinstance(v, Mapping) else v for k, v in values.items()})

        primary = language(lang)
        return cls(say(primary), code=code, status=status, language=primary,
                   translations={other: say(other) for other in LANGUAGES if other != primary})

    def body(self) -> dict[str, Any]:
        payload = super().body()
        if self.language is not None:
            payload["error"]["language"] = self.language
            payload["error"]["translations"] = self.translations
        return payload


class UpstreamError(CadreError):
    status, type, code = 502, "upstream_error", "upstream_unavailable"


class UpstreamTimeout(UpstreamError):
    status, code = 504, "upstream_timeout"


class UpstreamBusy(UpstreamError):
    """Every connection Cadre may open to this upstream is busy and no more requests may wait: retry shortly."""

    status, code = 503, "upstream_busy"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"x-should-retry": "true", "retry-after": "1"})


class RateLimited(CadreError):
    """A key's requests per minute are used up: retry after ``retry_after`` seconds."""

    status, type, code = 429, "requests", "rate_limit_exceeded"  # OpenAI's own type and code for this

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(
            both("error.rate_limited", limit=limit, retry_after=retry_after),
            headers={"retry-after": str(retry_after), "x-ratelimit-limit-requests": str(limit),
                     "x-ratelimit-remaining-requests": "0"})


class TooManyAttempts(CadreError):
    """Too many wrong admin tokens from this address (or from everywhere): wait ``retry_after`` seconds."""

    status, type, code = 429, "requests", "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(both("error.too_many_attempts", retry_after=retry_after),
                         headers={"retry-after": str(retry_after)})


class DatabaseUnavailable(CadreError):
    """Cadre's database cannot be reached and what the request needs is not in the cache: retry shortly."""

    status, type, code = 503, "server_error", "database_unavailable"

    def __init__(self) -> None:
        super().__init__(both("error.database_unavailable"),
                         headers={"x-should-retry": "true", "retry-after": "1"})


class JudgeUnavailable(CadreError):
    """The révélateur's judge could not answer and the settings say to fail closed: retry later."""

    status, type, code = 503, "server_error", "judge_unavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"x-should-retry": "true", "retry-after": "1"})
