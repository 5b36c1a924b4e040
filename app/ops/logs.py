"""Logs of ``cadre serve``: one JSON object per line for collectors (time, level, logger, message, request id when
known), or readable lines for a person at a terminal (CADRE_LOG_FORMAT)."""

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


class TextFormatter(logging.Formatter):
    """Formats a record as one line a person reads: local time, level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        line = f"{stamp} {record.levelname.lower():7} {record.name}: {record.getMessage()}"
        extras = [f"{key}={value}" for key, value in vars(record).items()
                  if key not in _STANDARD and not key.startswith("_")]
        request_id = request_ids.current.get()
        if request_id is not None:
            extras.append(f"request_id={request_id}")
        if extras:
            line += f"  [{' '.join(extras)}]"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class HideQuery(logging.Filter):
    """The access log without query strings: a client may put a key there (``?api_key=...``), and a log line is
    read by more people than the key's owner. The path stays; ``?…`` says there was a query."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn's access line: (client, method, path with query, HTTP version, status)
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (args[0], args[1], args[2].partition("?")[0] + "?…", args[3], args[4])
        return True


def log_config(level: str, fmt: str = "json") -> dict[str, Any]:
    """The ``logging.config.dictConfig`` for ``cadre serve``: Cadre's and uvicorn's loggers on stderr, as JSON
    lines (``fmt`` json) or readable lines (text)."""
    handler = {"class": "logging.StreamHandler", "formatter": fmt, "stream": "ext://sys.stderr"}
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.ops.logs.JsonFormatter"}, "text": {"()": "app.ops.logs.TextFormatter"}},
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
