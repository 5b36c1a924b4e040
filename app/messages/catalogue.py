"""Every message of Cadre under one key each: the tables of this package's modules, merged."""

from __future__ import annotations

from collections.abc import Mapping

from app.messages.cli import CLI
from app.messages.config import CONFIG
from app.messages.console import CHECK_OUTCOMES, CONSOLE, REASONS, SUBFIELD_LABELS
from app.messages.docs import DOCS
from app.messages.errors import ERRORS
from app.messages.frames import FIELDS, LINT
from app.messages.mcp import MCP
from app.messages.refusals import FINDING_ITEMS, JUDGE, REFUSALS


def _merged(*tables: Mapping[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for table in tables:
        for key, entry in table.items():
            if key in merged:
                raise KeyError(f"message key {key!r} is defined twice")
            merged[key] = entry
    return merged


def _prefixed(prefix: str, table: Mapping[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {f"{prefix}.{key}": entry for key, entry in table.items()}


MESSAGES: dict[str, dict[str, str]] = _merged(
    CONSOLE, _prefixed("field", {**FIELDS, **SUBFIELD_LABELS}), _prefixed("lint", LINT),
    _prefixed("reason", REASONS), _prefixed("check_outcome", CHECK_OUTCOMES), _prefixed("refusal", REFUSALS),
    _prefixed("finding", FINDING_ITEMS), _prefixed("judge", JUDGE), ERRORS, CONFIG, CLI, DOCS, MCP,
)
