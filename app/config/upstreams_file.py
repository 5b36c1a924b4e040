"""CADRE_UPSTREAMS_FILE: the upstreams beside the default one, read and checked (every problem, in French and
English), so that Cadre refuses to start on a wrong file rather than route a model to the wrong place.

    upstreams:
      - name: local                          # letters, digits, . _ -; shown in x-cadre-upstream
        base_url: http://127.0.0.1:11434/v1
        api_key_env: OLLAMA_KEY              # optional: the variable holding the key (or api_key, less safe)
        models: ["llama3*", "mistral"]       # exact model names, or prefixes ending in *

Keys are never printed: a ``Route`` hides its key from ``repr``, and no message quotes a key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.messages import Message, both

DEFAULT_NAME = "default"  # the name of CADRE_UPSTREAM_BASE_URL's upstream in x-cadre-upstream and the logs
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
_FIELDS = ("name", "base_url", "api_key", "api_key_env", "models")


@dataclass(frozen=True)
class Route:
    """One upstream of the file: its name, base URL, key (None: no key sent) and model patterns."""

    name: str
    base_url: str
    api_key: str | None = field(repr=False)
    models: tuple[str, ...]


class UpstreamsFileError(ValueError):
    """The file cannot be used; the message lists every problem, each in French then English."""

    def __init__(self, path: Path, problems: list[Message]) -> None:
        lines = [both("upstreams.invalid_file", path=path)]
        lines += [f"  {problem.both()}" for problem in problems]
        super().__init__("\n".join(lines))


def read_routes(path: Path, environ: Mapping[str, str]) -> list[Route]:
    """The routes of the YAML file at ``path``; a key named by ``api_key_env`` is read from ``environ``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UpstreamsFileError(path, [Message("upstreams.unreadable", {"kind": type(exc).__name__})]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" ({mark.line + 1}:{mark.column + 1})" if mark is not None else ""
        raise UpstreamsFileError(path, [Message("upstreams.invalid_yaml", {"where": line})]) from None
    problems: list[Message] = []
    routes = parse_routes(data, environ, problems)
    if problems:
        raise UpstreamsFileError(path, problems)
    return routes


def parse_routes(data: Any, environ: Mapping[str, str], problems: list[Message]) -> list[Route]:
    """The routes of the file's parsed YAML; each problem found is appended to ``problems``."""
    if not isinstance(data, dict) or not isinstance(data.get("upstreams"), list) or not data["upstreams"]:
        problems.append(Message("upstreams.list_expected"))
        return []
    problems += [Message("upstreams.unknown_key", {"key": key}) for key in data if key != "upstreams"]
    routes: list[Route] = []
    owners: dict[str, str] = {}  # model pattern -> the name of the upstream it routes to
    for number, entry in enumerate(data["upstreams"], start=1):
        route = _route(number, entry, environ, problems)
        if route is None:
            continue
        if any(route.name == seen.name for seen in routes):
            problems.append(Message("upstreams.name_taken", {"entry": _entry(number), "name": route.name}))
        for pattern in route.models:
            if pattern in owners:
                problems.append(Message("upstreams.model_taken", {"entry": _entry(number),
                                                                  "pattern": pattern, "owner": owners[pattern]}))
            owners.setdefault(pattern, route.name)
        routes.append(route)
    return routes


def _entry(number: int, name: str | None = None) -> Message:
    """How a problem names an entry of the file: its number, and its name when it has a valid one."""
    if name is None:
        return Message("upstreams.entry", {"number": number})
    return Message("upstreams.entry_named", {"number": number, "name": name})


def _route(number: int, entry: Any, environ: Mapping[str, str], problems: list[Message]) -> Route | None:
    """One entry as a Route, or None after recording its problems."""
    if not isinstance(entry, dict):
        problems.append(Message("upstreams.entry_shape", {"entry": _entry(number)}))
        return None
    found = len(problems)
    name = entry.get("name")
    where = _entry(number)
    if isinstance(name, str) and _NAME.fullmatch(name) and name != DEFAULT_NAME:
        where = _entry(number, name)
    else:
        problems.append(Message("upstreams.bad_name", {"entry": where, "default": DEFAULT_NAME}))
    problems += [Message("upstreams.unknown_field", {"entry": where, "key": key})
                 for key in entry if key not in _FIELDS]
    base_url = entry.get("base_url")
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        problems.append(Message("upstreams.bad_base_url", {"entry": where}))
    key = _key(entry, environ, where, problems)
    models = entry.get("models")
    if not isinstance(models, list) or not models or not all(isinstance(m, str) and m.strip() for m in models):
        problems.append(Message("upstreams.bad_models", {"entry": where}))
        models = []
    for pattern in models:
        if pattern == "*" or "*" in pattern[:-1]:
            problems.append(Message("upstreams.bad_pattern", {"entry": where, "pattern": pattern}))
    if len(problems) > found:
        return None
    return Route(str(name), str(base_url), key, tuple(models))


def _key(entry: dict[str, Any], environ: Mapping[str, str], where: Message, problems: list[Message]) -> str | None:
    """The entry's key: from the variable ``api_key_env`` names, or ``api_key`` itself, or none."""
    if "api_key" in entry and "api_key_env" in entry:
        problems.append(Message("upstreams.two_keys", {"entry": where}))
        return None
    variable = entry.get("api_key_env")
    if variable is not None:
        if not isinstance(variable, str) or not variable:
            problems.append(Message("upstreams.bad_key_env", {"entry": where}))
            return None
        if not environ.get(variable):
            problems.append(Message("upstreams.key_env_unset", {"entry": where, "variable": variable}))
            return None
        return environ[variable]
    key = entry.get("api_key")
    if key is not None and (not isinstance(key, str) or not key):
        problems.append(Message("upstreams.bad_key", {"entry": where}))
        return None
    return key
