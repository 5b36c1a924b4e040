"""One error path for every route outside the gateway: each failure becomes an error of ``app.errors`` and is
answered in the OpenAI shape, with its status and headers (``retry-after`` and ``x-should-retry`` on a
database outage, as the gateway sends them)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from app.api.outcomes import as_error
from app.errors import CadreError, InvalidRequest, MethodNotAllowed, NotFound
from app.messages import both
from app.storage.outcomes import StorageOutcome, StoreUnavailable

log = logging.getLogger("cadre")


def error_response(exc: CadreError) -> Response:
    """The HTTP response for ``exc``."""
    return Response(exc.to_bytes(), status_code=exc.status, media_type="application/json",
                    headers=exc.headers)


def validation_error(exc: RequestValidationError) -> InvalidRequest:
    """FastAPI's validation error as Cadre's 400, naming the first parameter at fault."""
    first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header")]
    kind = str(first.get("type", "invalid"))
    # A JSON syntax error's location is a character offset, not a parameter.
    param = None if kind == "json_invalid" else (".".join(loc) or None)
    detail = str(first.get("msg", "invalid value"))
    code = "invalid_json" if kind == "json_invalid" else ("unknown_field" if kind == "extra_forbidden" else kind)
    where = f" ({param})" if param else ""
    return InvalidRequest(both("error.invalid_request", where=where, detail=detail), code=code, param=param)


def http_error(exc: HTTPException) -> CadreError:
    """Starlette's own HTTP errors (no route, wrong method) as Cadre's."""
    if exc.status_code == 404:
        return NotFound(both("error.not_found"))
    if exc.status_code == 405:
        return MethodNotAllowed(both("error.method_not_allowed"))
    error = CadreError(str(exc.detail), code=None)
    error.status, error.type = exc.status_code, "invalid_request_error"
    return error


async def _answer(_: Request, exc: Exception) -> Response:
    if isinstance(exc, CadreError):
        return error_response(exc)
    if isinstance(exc, StorageOutcome):
        if isinstance(exc, StoreUnavailable):
            log.warning("database error: %s", exc)
        return error_response(as_error(exc))
    if isinstance(exc, RequestValidationError):
        return error_response(validation_error(exc))
    if isinstance(exc, HTTPException):
        return error_response(http_error(exc))
    if isinstance(exc, ClientDisconnect):  # the client left while sending its body: nobody to answer, no bug
        log.info("client disconnected before its request's body arrived")
        return error_response(InvalidRequest(both("error.client_disconnected"), code="client_disconnected"))
    log.exception("unexpected error", exc_info=exc)
    return error_response(CadreError(both("error.internal_error"), code="internal_error"))


def install(app: FastAPI) -> None:
    """Answer every failure of ``app``'s routes through the error tree."""
    # ClientDisconnect by name: the handler of ``Exception`` answers, but Starlette then raises the error again
    # for the server to log it as a crash.
    for kind in (CadreError, StorageOutcome, RequestValidationError, HTTPException, ClientDisconnect, Exception):
        app.add_exception_handler(kind, _answer)
