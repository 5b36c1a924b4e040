"""Client keys and their rate-limit counts shared between replicas."""

from __future__ import annotations

import importlib
import re
import secrets
from typing import Any

import sqlalchemy as sa

from app.frames.records import Key, now
from app.storage import schema as db
from app.storage.base import StoreBase, hash_secret, key_of
from app.storage.outcomes import InvalidValue, KeyNotFound

KEY_ID = re.compile(r"^key_[0-9a-f]{16}\Z")
KEY_PREFIX = "cadre_sk_"
REFUSAL_STYLES = ("error", "message", "text")  # an HTTP error; OpenAI's refusal fields; the answer's text
MAX_RATE_LIMIT = 1_000_000


def _check_rate_limit(rate_limit: int | None) -> None:
    if rate_limit is not None and not 1 <= rate_limit <= MAX_RATE_LIMIT:
        raise InvalidValue("rate_limit", "invalid_rate_limit", maximum=MAX_RATE_LIMIT)


def _upsert_dialect(name: str) -> Any:
    """The dialect module whose ``insert`` has ON CONFLICT, imported when first needed: importing the
    PostgreSQL dialect costs 2.5 MB of memory that an SQLite deployment does not need (bench/README.md)."""
    return importlib.import_module(f"sqlalchemy.dialects.{'sqlite' if name == 'sqlite' else 'postgresql'}")


class KeyQueries(StoreBase):
    """Every statement about client keys."""

    async def create_key(self, frame: str, name: str, refusal_style: str = "error",
                         rate_limit: int | None = None) -> tuple[Key, str]:
        """Create a client key bound to ``frame``; return it with its secret (shown once, stored hashed)."""
        if refusal_style not in REFUSAL_STYLES:
            raise InvalidValue("refusal_style", "invalid_refusal_style")
        _check_rate_limit(rate_limit)
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        key_id = "key_" + secrets.token_hex(8)
        async with self.writing() as conn:
            self._check_active(await self._get(conn, frame))
            await conn.execute(db.api_keys.insert().values(
                id=key_id, frame=frame, name=name or key_id, refusal_style=refusal_style,
                secret_hash=hash_secret(secret), secret_hint=secret[:13] + "…" + secret[-4:],
                created_at=now(), revoked_at=None, rate_limit=rate_limit))
            await self._bump(conn)
            row = (await conn.execute(sa.select(db.api_keys).where(db.api_keys.c.id == key_id))).one()
        return key_of(row), secret

    async def list_keys(self, frame: str | None = None) -> list[Key]:
        async with self.reading() as conn:
            query = sa.select(db.api_keys).order_by(db.api_keys.c.created_at)
            if frame:
                query = query.where(db.api_keys.c.frame == frame)
            return [key_of(r) for r in (await conn.execute(query)).all()]

    async def revoke_key(self, key_id: str) -> Key:
        if not KEY_ID.fullmatch(key_id):
            raise KeyNotFound(key_id)
        async with self.writing() as conn:
            row = (await conn.execute(sa.select(db.api_keys).where(db.api_keys.c.id == key_id))).first()
            if row is None:
                raise KeyNotFound(key_id)
            if row.revoked_at is None:
                await conn.execute(db.api_keys.update().where(db.api_keys.c.id == key_id).values(
                    revoked_at=now()))
                await self._bump(conn)
            row = (await conn.execute(sa.select(db.api_keys).where(db.api_keys.c.id == key_id))).one()
            return key_of(row)

    async def set_rate_limit(self, key_id: str, rate_limit: int | None) -> Key:
        """Change a key's requests per minute (None: no limit); every replica applies it within its cache check."""
        _check_rate_limit(rate_limit)
        if not KEY_ID.fullmatch(key_id):
            raise KeyNotFound(key_id)
        async with self.writing() as conn:
            done = await conn.execute(db.api_keys.update().where(db.api_keys.c.id == key_id).values(
                rate_limit=rate_limit))
            if done.rowcount == 0:
                raise KeyNotFound(key_id)
            await self._bump(conn)
            row = (await conn.execute(sa.select(db.api_keys).where(db.api_keys.c.id == key_id))).one()
            return key_of(row)

    async def add_rate_counts(self, counts: dict[tuple[str, int], int], since: int) -> dict[tuple[str, int], int]:
        """Add this process's request counts per (key id, minute) to every replica's; return the sums of the
        minutes from ``since`` on, and delete those older than ``since`` (kept no longer than needed)."""
        t = db.rate_windows
        query = sa.select(t.c.key_id, t.c.window, t.c.requests).where(t.c.window >= since)
        if not counts:  # nothing to add: a read, no write lock
            async with self.reading() as conn:
                return {(k, int(w)): int(n) for k, w, n in (await conn.execute(query)).all()}
        async with self.writing() as conn:
            rows = [{"key_id": k, "window": w, "requests": n} for (k, w), n in counts.items()]
            insert = _upsert_dialect(conn.dialect.name).insert(t)
            upsert = insert.on_conflict_do_update(index_elements=[t.c.key_id, t.c.window],
                                                  set_={"requests": t.c.requests + insert.excluded.requests})
            await conn.execute(upsert, rows)
            await conn.execute(t.delete().where(t.c.window < since))
            return {(k, int(w)): int(n) for k, w, n in (await conn.execute(query)).all()}

    async def key_by_secret(self, secret: str) -> Key | None:
        """The active key whose secret this is, or None."""
        async with self.reading() as conn:
            row = (await conn.execute(sa.select(db.api_keys).where(
                db.api_keys.c.secret_hash == hash_secret(secret), db.api_keys.c.revoked_at.is_(None)))).first()
            return key_of(row) if row else None

    async def keys_by_hash(self, digests: list[str]) -> dict[str, Key]:
        """The active keys among these secret hashes, by hash (for the cache's reload)."""
        if not digests:
            return {}
        async with self.reading() as conn:
            rows = (await conn.execute(sa.select(db.api_keys).where(
                db.api_keys.c.secret_hash.in_(digests), db.api_keys.c.revoked_at.is_(None)))).all()
            return {row.secret_hash: key_of(row) for row in rows}

