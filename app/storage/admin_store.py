"""The admin tokens, stored hashed; a new one ends every console session, on every replica at once."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from app.frames.records import now
from app.storage import schema as db
from app.storage.base import StoreBase, hash_secret

TOKEN_PREFIX = "cadre_admin_"


class AdminQueries(StoreBase):
    """Every statement about admin tokens."""

    async def first_admin_token(self) -> str | None:
        """Generate the admin token if none is stored yet, in one write transaction, so that workers starting
        together make one token between them; None when there was one already."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        async with self.writing() as conn:
            if conn.dialect.name == "postgresql":
                await conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242002)")
            if await conn.scalar(sa.select(sa.func.count()).select_from(db.admin_tokens)):
                return None
            await conn.execute(db.admin_tokens.insert().values(token_hash=hash_secret(token), created_at=now()))
        return token

    async def create_admin_token(self) -> str:
        """Generate an admin token, store its hash, return it (to be printed once)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        async with self.writing() as conn:
            await conn.execute(db.admin_tokens.insert().values(token_hash=hash_secret(token), created_at=now()))
            await self._bump(conn)
        return token

    async def reset_admin_tokens(self) -> str:
        """Replace every stored admin token by a new one and end every console session, in one transaction
        (no replica can read the tokens in between); return the token (to be printed once). The generation
        moves: every process reloads the tokens at its next check."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        async with self.writing() as conn:
            await conn.execute(db.admin_tokens.delete())
            await conn.execute(db.admin_tokens.insert().values(token_hash=hash_secret(token), created_at=now()))
            sessions = db.console_sessions
            await conn.execute(sessions.update().where(sessions.c.revoked_at.is_(None)).values(revoked_at=now()))
            await self._bump(conn)
        return token

    async def admin_token_hashes(self) -> set[str]:
        async with self.reading() as conn:
            return set((await conn.execute(sa.select(db.admin_tokens.c.token_hash))).scalars())
