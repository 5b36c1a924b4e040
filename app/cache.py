"""In-memory view of keys and published frames for the request path, kept fresh by the store's generation.

Every write bumps a generation counter in the database; each process checks it every
``cache_check_interval`` seconds and drops its cache when it moved, so a publish, rollback or revoke
made anywhere (another replica, the CLI) is enforced here within that interval. Writes made through
this process invalidate at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

import jinja2
from sqlalchemy.exc import SQLAlchemyError

from app.checks import Checker, compile_checker
from app.frame import Finding, errors, lint
from app.prompting import render_frame
from app.store import Key, Store, Version, hash_secret

log = logging.getLogger("cadre.cache")
MAX_ENTRIES = 100_000
MAX_CHECKERS = 1_000  # compiled checkers kept across invalidations (a compilation takes ~20 ms)


@dataclass(frozen=True)
class Published:
    """A published version ready for the request path: rendered once, its checker compiled once, linted once a
    day; with the frame's check policy (off | flag | refuse)."""

    version: Version
    prompt: str
    problems: tuple[Finding, ...]
    header: bytes
    linted_on: dt.date
    policy: str
    checker: Checker

    @property
    def slug(self) -> str:
        return self.version.slug

    @property
    def language(self) -> str:
        return self.version.frame.language


class Directory:
    """Keys by secret hash and published frames by slug, cached (misses included) until a change."""

    def __init__(self, store: Store, prompts: jinja2.Environment, interval: float) -> None:
        self.store, self.prompts, self.interval = store, prompts, interval
        self._keys: dict[str, Key | None] = {}
        self._frames: dict[str, Published | None] = {}
        self._checkers: dict[tuple[str, int], Checker] = {}  # by (slug, version): versions never change
        self.generation = -1
        self.today = dt.date.today()  # refreshed by watch(): cheaper than asking on every request

    def invalidate(self) -> None:
        self._keys.clear()
        self._frames.clear()

    async def key(self, secret: str) -> Key | None:
        digest = hash_secret(secret)
        try:
            return self._keys[digest]
        except KeyError:
            pass
        found = await self.store.key_by_secret(secret)
        if len(self._keys) > MAX_ENTRIES:
            self._keys.clear()
        self._keys[digest] = found
        return found

    async def published(self, slug: str) -> Published | None:
        try:
            cached = self._frames[slug]
            if cached is None or cached.linted_on == self.today:
                return cached
        except KeyError:
            pass
        found = await self.store.published(slug)
        entry = self.prepare(*found) if found else None
        self._frames[slug] = entry
        return entry

    def prepare(self, version: Version, policy: str = "flag") -> Published:
        """Render, lint and compile the checker of a published version (once per version; the lint again the
        next day)."""
        today = dt.date.today()
        prompt = render_frame(self.prompts, version.frame, version.slug, version.version)
        problems = tuple(errors(lint(version.frame, today)))
        header = f"{version.slug}@{version.version}".encode()
        return Published(version, prompt, problems, header, today, policy, self.checker(version))

    def checker(self, version: Version) -> Checker:
        """The compiled checker of ``version``, kept across cache invalidations (a version is immutable)."""
        key = (version.slug, version.version)
        found = self._checkers.get(key)
        if found is None:
            if len(self._checkers) >= MAX_CHECKERS:
                self._checkers.clear()
            found = self._checkers[key] = compile_checker(version.frame)
        return found

    async def refresh(self) -> bool:
        """Drop the cache if the store's generation moved; True when it did."""
        self.today = dt.date.today()
        generation = await self.store.generation()
        if generation != self.generation:
            self.generation = generation
            self.invalidate()
            return True
        return False

    async def watch(self) -> None:
        """Check the generation forever (a lifespan task)."""
        while True:
            try:
                await self.refresh()
            except (SQLAlchemyError, OSError) as exc:
                # The database is away: keep serving what is cached.
                log.warning("cache check failed: %s", type(exc).__name__)
            await asyncio.sleep(self.interval)
