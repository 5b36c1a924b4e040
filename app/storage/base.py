"""What every part of the store shares: the engine, the database-error boundary, the generation counter,
reading a frame's state, and turning rows into records."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.frames.model import SLUG, Frame
from app.frames.records import FrameState, Key, Version, now, utc
from app.storage import schema as db
from app.storage.engine import writer
from app.storage.outcomes import FrameArchived, FrameNotFound, InvalidSlug, StoreUnavailable

# What a database that went away raises: SQLAlchemy's errors, and the driver's own socket errors at connect.
DATABASE_ERRORS = (SQLAlchemyError, OSError)


def hash_secret(secret: str) -> str:
    """SHA-256 of a high-entropy secret (keys and tokens are random, so no salt or stretching is needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def check_slug(slug: str, param: str = "slug") -> str:
    """``slug`` if it is a valid frame slug; ``InvalidSlug`` otherwise (checked before any query: PostgreSQL
    would fail on a NUL byte instead of finding nothing)."""
    if not SLUG.fullmatch(slug):
        raise InvalidSlug(slug, param)
    return slug


def frame_of(text: str) -> Frame:
    return Frame.model_validate(orjson.loads(text))


def dump(frame: Frame) -> str:
    return orjson.dumps(frame.model_dump(mode="json")).decode()


def version_of(row: sa.Row[Any]) -> Version:
    return Version(row.slug, row.version, frame_of(row.frame), utc(row.published_at) or now(),
                   row.published_by, row.rollback_of, row.drafted_by)


def key_of(row: sa.Row[Any]) -> Key:
    return Key(row.id, row.frame, row.name, row.refusal_style, row.secret_hint,
               utc(row.created_at) or now(), utc(row.revoked_at), row.rate_limit)


class StoreBase:
    """The engine, the two ways into it (``reading``, ``writing``: one transaction each, database errors
    reported as ``StoreUnavailable``), and what several parts of the store read."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.writer = writer(engine)  # the same pool; its transactions write

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads; a database that cannot answer is ``StoreUnavailable``."""
        try:
            async with self.engine.connect() as conn:
                yield conn
        except DATABASE_ERRORS as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction (the write lock taken at BEGIN on SQLite), committed when the block ends."""
        try:
            async with self.writer.begin() as conn:
                yield conn
        except DATABASE_ERRORS as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    # ------------------------------------------------------------------------------------ generation
    async def generation(self) -> int:
        """A counter bumped by every write to frames or keys, watched by the caches."""
        async with self.reading() as conn:
            value = await conn.scalar(sa.select(db.state.c.value).where(db.state.c.name == "generation"))
            return int(value or 0)

    async def _bump(self, conn: AsyncConnection) -> None:
        updated = await conn.execute(
            db.state.update().where(db.state.c.name == "generation").values(value=db.state.c.value + 1))
        if updated.rowcount == 0:
            try:
                async with conn.begin_nested():
                    await conn.execute(db.state.insert().values(name="generation", value=1))
            except IntegrityError:
                await conn.execute(db.state.update().where(db.state.c.name == "generation")
                                   .values(value=db.state.c.value + 1))

    # -------------------------------------------------------------------------------- a frame's state
    async def _get(self, conn: AsyncConnection, slug: str, lock: bool = False) -> FrameState:
        check_slug(slug)
        query = sa.select(db.frames).where(db.frames.c.slug == slug)
        if lock:
            query = query.with_for_update()
        row = (await conn.execute(query)).first()
        if row is None:
            raise FrameNotFound(slug)
        return await self._state(conn, row)

    async def _state(self, conn: AsyncConnection, row: sa.Row[Any]) -> FrameState:
        return FrameState(row.slug, frame_of(row.draft), row.revision, utc(row.created_at) or now(),
                          utc(row.updated_at) or now(), row.updated_by, utc(row.archived_at),
                          await self._latest(conn, row.slug), row.check_policy)

    async def _latest(self, conn: AsyncConnection, slug: str) -> Version | None:
        row = (await conn.execute(
            sa.select(db.frame_versions).where(db.frame_versions.c.slug == slug)
            .order_by(db.frame_versions.c.version.desc()).limit(1))).first()
        return version_of(row) if row else None

    @staticmethod
    def _check_active(state: FrameState) -> None:
        """An archived frame is not published to (the gateway would ignore it): saving a draft revives it."""
        if state.archived_at is not None:
            raise FrameArchived(state)
