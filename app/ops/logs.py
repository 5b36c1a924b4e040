"""Structured logs: one JSON object per line (time, level, logger, message, request id when known)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import orjson

from app.ops import request_ids

# Attributes every LogRecord has; anything else was passed with extra= and is worth printing.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_ids.current.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class HideQuery(logging.Filter):
    """The access log without query strings: a client may put a key there (``?api_key=...``), and a log line is
    read by more people than the key's owner. The path stays; ``?…`` says there was a query."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn's access line: (client, method, path with query, HTTP version, status)
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (args[0], args[1], args[2].partition("?")[0] + "?…", args[3], args[4])
        return True


def log_config(level: str) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` for ``cadre serve``: Cadre's and uvicorn's loggers, as JSON on stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.ops.logs.JsonFormatter"}},
        "filters": {"hide_query": {"()": "app.ops.logs.HideQuery"}},
        "handlers": {"default": handler},
        "loggers": {
            "cadre": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["default"], "level": level, "propagate": False,
                               "filters": ["hide_query"]},
        },
    }
