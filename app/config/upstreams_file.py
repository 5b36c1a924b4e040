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

    def __init__(self, path: Path, problems: list[tuple[str, str]]) -> None:
        lines = [f"{path} : fichier des amonts invalide. / {path}: invalid upstreams file."]
        lines += [f"  {fr} / {en}" for fr, en in problems]
        super().__init__("\n".join(lines))


def read_routes(path: Path, environ: Mapping[str, str]) -> list[Route]:
    """The routes of the YAML file at ``path``; a key named by ``api_key_env`` is read from ``environ``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UpstreamsFileError(path, [(f"illisible ({type(exc).__name__}).",
                                         f"cannot be read ({type(exc).__name__}).")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" ({mark.line + 1}:{mark.column + 1})" if mark is not None else ""
        raise UpstreamsFileError(path, [(f"YAML invalide{line}.", f"invalid YAML{line}.")]) from None
    problems: list[tuple[str, str]] = []
    routes = parse_routes(data, environ, problems)
    if problems:
        raise UpstreamsFileError(path, problems)
    return routes


def parse_routes(data: Any, environ: Mapping[str, str], problems: list[tuple[str, str]]) -> list[Route]:
    """The routes of the file's parsed YAML; each problem found is appended to ``problems`` (fr, en)."""
    if not isinstance(data, dict) or not isinstance(data.get("upstreams"), list) or not data["upstreams"]:
        problems.append(("une clé « upstreams » avec une liste d'amonts est attendue.",
                         "an “upstreams” key holding a list of upstreams is expected."))
        return []
    problems += [(f"clé inconnue « {key} ».", f"unknown key “{key}”.") for key in data if key != "upstreams"]
    routes: list[Route] = []
    owners: dict[str, str] = {}  # model pattern -> the name of the upstream it routes to
    for number, entry in enumerate(data["upstreams"], start=1):
        route = _route(number, entry, environ, problems)
        if route is None:
            continue
        if any(route.name == seen.name for seen in routes):
            problems.append((f"entrée {number} : le nom « {route.name} » est déjà pris.",
                             f"entry {number}: the name “{route.name}” is already taken."))
        for pattern in route.models:
            if pattern in owners:
                problems.append((f"entrée {number} : « {pattern} » est déjà routé vers « {owners[pattern]} ».",
                                 f"entry {number}: “{pattern}” is already routed to “{owners[pattern]}”."))
            owners.setdefault(pattern, route.name)
        routes.append(route)
    return routes


def _route(number: int, entry: Any, environ: Mapping[str, str], problems: list[tuple[str, str]]) -> Route | None:
    """One entry as a Route, or None after recording its problems."""
    if not isinstance(entry, dict):
        problems.append((f"entrée {number} : name, base_url et models sont attendus.",
                         f"entry {number}: name, base_url and models are expected."))
        return None
    found = len(problems)
    name = entry.get("name")
    fr, en = f"entrée {number}", f"entry {number}"
    if isinstance(name, str) and _NAME.fullmatch(name) and name != DEFAULT_NAME:
        fr, en = f"entrée {number} ({name})", f"entry {number} ({name})"
    else:
        problems.append((f"{fr} : « name » manque ou n'est pas un nom (lettres, chiffres, . _ -, 40 au plus, "
                         f"pas « {DEFAULT_NAME} »).",
                         f"{en}: “name” is missing or not a name (letters, digits, . _ -, 40 at most, not "
                         f"“{DEFAULT_NAME}”)."))
    problems += [(f"{fr} : champ inconnu « {key} ».", f"{en}: unknown field “{key}”.")
                 for key in entry if key not in _FIELDS]
    base_url = entry.get("base_url")
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        problems.append((f"{fr} : « base_url » manque ou n'est pas une URL http(s).",
                         f"{en}: “base_url” is missing or not an http(s) URL."))
    key = _key(entry, environ, fr, en, problems)
    models = entry.get("models")
    if not isinstance(models, list) or not models or not all(isinstance(m, str) and m.strip() for m in models):
        problems.append((f"{fr} : « models » doit être une liste de noms de modèles.",
                         f"{en}: “models” must be a list of model names."))
        models = []
    for pattern in models:
        if pattern == "*" or "*" in pattern[:-1]:
            problems.append((f"{fr} : « {pattern} » : une étoile seulement, à la fin d'un préfixe (les autres "
                             "modèles vont à l'amont par défaut).",
                             f"{en}: “{pattern}”: one star only, at the end of a prefix (the other models go to "
                             "the default upstream)."))
    if len(problems) > found:
        return None
    return Route(str(name), str(base_url), key, tuple(models))


def _key(entry: dict[str, Any], environ: Mapping[str, str], fr: str, en: str,
         problems: list[tuple[str, str]]) -> str | None:
    """The entry's key: from the variable ``api_key_env`` names, or ``api_key`` itself, or none."""
    if "api_key" in entry and "api_key_env" in entry:
        problems.append((f"{fr} : « api_key » ou « api_key_env », pas les deux.",
                         f"{en}: “api_key” or “api_key_env”, not both."))
        return None
    variable = entry.get("api_key_env")
    if variable is not None:
        if not isinstance(variable, str) or not variable:
            problems.append((f"{fr} : « api_key_env » doit être un nom de variable d'environnement.",
                             f"{en}: “api_key_env” must be the name of an environment variable."))
            return None
        if not environ.get(variable):
            problems.append((f"{fr} : la variable {variable} (api_key_env) n'est pas définie ou est vide.",
                             f"{en}: the variable {variable} (api_key_env) is not set or empty."))
            return None
        return environ[variable]
    key = entry.get("api_key")
    if key is not None and (not isinstance(key, str) or not key):
        problems.append((f"{fr} : « api_key » doit être un texte.", f"{en}: “api_key” must be a string."))
        return None
    return key
