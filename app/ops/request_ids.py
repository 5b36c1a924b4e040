"""The id of the request being served: taken from ``x-request-id`` or made, returned in the answer, and added
to every log line written while serving it (``app/logs.py`` reads it from this context variable)."""

from __future__ import annotations

import contextvars
import itertools
import re
import secrets

current: contextvars.ContextVar[str | None] = contextvars.ContextVar("cadre_request_id", default=None)
_USABLE = re.compile(rb"[!-~]{1,64}")  # printable ASCII without spaces: safe in a log line and a header
_PREFIX = secrets.token_hex(6) + "-"  # unique per process; a counter after it is cheap to make
_COUNTER = itertools.count(1)


def adopt(header: bytes | None) -> str:
    """The client's id when it sent a usable one (1 to 64 printable characters), else a new one; made current
    for the task serving the request (each request has its own task, hence its own context)."""
    if header is not None and _USABLE.fullmatch(header):
        value = header.decode("ascii")
    else:
        value = f"{_PREFIX}{next(_COUNTER):x}"
    current.set(value)
    return value
