"""In-memory view of keys, published frames and the admin tokens' hashes, kept fresh by the store's generation.

Every write bumps a generation counter in the database; each process checks it every
``cache_check_interval`` seconds and, when it moved, reloads what it holds (the keys it knows, the frames
it serves) and swaps the fresh entries in, so a publish, rollback or revoke made anywhere (another replica,
the CLI) is enforced here within that interval. Reloading rather than dropping keeps the request path off
the database after a change, and keeps the cache whole if the database goes away right after one (a reload
that fails leaves the entries as they were and is tried again at the next check). Writes made through this
process drop the cache at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

from app.frames.records import Key, Published, Unpublished, Version
from app.storage.outcomes import FrameNotFound, StoreUnavailable
from app.storage.store import Store, hash_secret

log = logging.getLogger("cadre.cache")
MAX_ENTRIES = 100_000
_T = TypeVar("_T")
RELOAD_CHUNK = 500  # key hashes per query when reloading


Prepare = Callable[[Version, str], Published]  # a published version and its policy, made ready


class Cache:
    """Keys by secret hash and published frames by slug, cached (misses included) until a change."""

    def __init__(self, store: Store, prepare: Prepare, interval: float) -> None:
        self.store, self.prepare, self.interval = store, prepare, interval
        self._keys: dict[str, Key | None] = {}
        self._frames: dict[str, Published | None] = {}
        self._unpublished: dict[str, Unpublished] = {}  # for refusals: read on demand, dropped on any change
        self.generation = -1
        self.epoch = 0  # moved by every invalidate(): a read or reload that overlapped one is thrown away
        self._pending: dict[tuple[str, str, int], asyncio.Future[Any]] = {}  # reads in flight, by entry
        self.reads = 0  # database reads made for missing entries (/metrics)
        self.today = dt.date.today()  # refreshed by watch(): cheaper than asking on every request
        self.admin_hashes: frozenset[str] = frozenset()  # the stored admin tokens, reloaded with the rest

    def invalidate(self) -> None:
        self._keys = {}
        self._frames = {}
        self._unpublished = {}
        self.epoch += 1

    async def key(self, secret: str) -> Key | None:
        digest = hash_secret(secret)
        try:
            return self._keys[digest]
        except KeyError:
            pass
        epoch = self.epoch
        found = await self._read(("key", digest, epoch), self.store.key_by_secret(secret))
        if epoch == self.epoch:  # not read before a write through this process
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
        epoch = self.epoch
        entry = await self._read(("frame", slug, epoch), self._published(slug))
        if epoch == self.epoch:
            self._frames[slug] = entry
        return entry

    async def unpublished(self, slug: str) -> Unpublished:
        """What the refusal of a frame with no version to serve says (name, language, what blocks the draft):
        off the request path of a published frame, cached until the next change like the rest."""
        try:
            return self._unpublished[slug]
        except KeyError:
            pass
        epoch = self.epoch
        entry = await self._read(("unpublished", slug, epoch), self._state(slug))
        if epoch == self.epoch:
            if len(self._unpublished) > MAX_ENTRIES:
                self._unpublished.clear()
            self._unpublished[slug] = entry
        return entry

    async def _state(self, slug: str) -> Unpublished:
        try:
            return Unpublished.of(await self.store.get_frame(slug), slug)
        except FrameNotFound:
            return Unpublished.of(None, slug)

    async def _published(self, slug: str) -> Published | None:
        found = await self.store.published(slug)
        return self.prepare(*found) if found else None

    async def _read(self, token: tuple[str, str, int], read: Coroutine[Any, Any, _T]) -> _T:
        """``read``, once for all the requests that miss the same entry at the same time (a cold start, a
        burst after a restart): they wait for the first one's answer instead of each asking the database."""
        pending = self._pending.get(token)
        if pending is None:
            self.reads += 1
            pending = self._pending[token] = asyncio.ensure_future(read)
            pending.add_done_callback(functools.partial(self._settled, token))
        else:
            read.close()  # not needed: another request is reading the same entry
        return cast(_T, await asyncio.shield(pending))  # a request that leaves does not cancel the others'

    def _settled(self, token: tuple[str, str, int], task: asyncio.Future[Any]) -> None:
        self._pending.pop(token, None)
        if not task.cancelled():
            task.exception()  # retrieved here too, in case every waiting request has left

    async def refresh(self) -> bool:
        """Reload the cache if the store's generation moved; True when it did."""
        self.today = dt.date.today()
        generation = await self.store.generation()
        if generation == self.generation:
            return False
        epoch = self.epoch
        keys, frames = await self._reload()
        self.admin_hashes = frozenset(await self.store.admin_token_hashes())
        if epoch == self.epoch:  # no write through this process meanwhile (it dropped the cache: keep that)
            self._keys, self._frames, self._unpublished = keys, frames, {}
        self.generation = generation
        return True

    async def _reload(self) -> tuple[dict[str, Key | None], dict[str, Published | None]]:
        """Fresh entries for the keys and frames held now. Misses are not reloaded: they are asked again
        on demand."""
        digests = [digest for digest, key in self._keys.items() if key is not None]
        keys: dict[str, Key | None] = {}
        for start in range(0, len(digests), RELOAD_CHUNK):
            keys.update(await self.store.keys_by_hash(digests[start:start + RELOAD_CHUNK]))
        frames = {slug: await self._published(slug) for slug in list(self._frames)}
        return {digest: keys.get(digest) for digest in digests}, frames

    async def watch(self) -> None:
        """Check the generation forever (a lifespan task)."""
        while True:
            try:
                await self.refresh()
            except StoreUnavailable as exc:
                # The database is away: keep serving what is cached.
                log.warning("cache check failed: %s", type(exc).__name__)
            await asyncio.sleep(self.interval)
