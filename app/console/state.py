"""The console's shared state, built once in the lifespan: page templates, the session signer, the sign-in
throttle."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2

from app.config import Settings
from app.console.sessions import Sessions, console_key
from app.ops.throttle import Throttle

CONSOLE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = CONSOLE_DIR / "templates"
STATIC_DIR = CONSOLE_DIR / "static"


@dataclass
class Console:
    """What every console page shares."""

    pages: jinja2.Environment
    sessions: Sessions
    throttle: Throttle  # failed password sign-ins, per address and per name
    assets: str  # a digest of the static files, appended to their URLs so a new release is fetched at once
    zone: dt.tzinfo


def page_environment() -> jinja2.Environment:
    """Templates for HTML: autoescaped (frame text is data), undefined variables fail."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def assets_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.glob("*")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def time_zone(name: str) -> dt.tzinfo:
    """The zone dates are shown in; UTC when the system has no such zone (no tzdata)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def build_console(settings: Settings, admin_hashes: Callable[[], Iterable[str]]) -> Console:
    """``admin_hashes``: the admin tokens' hashes now (they change with ``cadre token reset``)."""
    secret = settings.console_secret.get_secret_value() if settings.console_secret else None
    token = settings.admin_token.get_secret_value() if settings.admin_token else None
    sessions = Sessions(lambda: console_key(secret, token, admin_hashes()), settings.console_session_hours * 3600)
    return Console(page_environment(), sessions, Throttle(), assets_digest(), time_zone(settings.console_time_zone))
