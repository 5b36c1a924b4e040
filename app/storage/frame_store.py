"""Frames: drafts, publication, rollback, archive, the history of versions and the check policy."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from app.frames.model import Frame
from app.frames.records import FrameState, Version, now
from app.frames.rules import errors, lint
from app.storage import schema as db
from app.storage.base import StoreBase, check_slug, dump, version_of
from app.storage.outcomes import DraftHasErrors, InvalidValue, NoChanges, RevisionMismatch, VersionNotFound

CHECK_POLICIES = ("off", "flag", "refuse")  # the révélateur's per-frame policy; "flag" by default


class FrameQueries(StoreBase):
    """Every statement about frames and their versions."""

    async def list_frames(self, include_archived: bool = False) -> list[FrameState]:
        async with self.reading() as conn:
            query = sa.select(db.frames).order_by(db.frames.c.slug)
            if not include_archived:
                query = query.where(db.frames.c.archived_at.is_(None))
            rows = (await conn.execute(query)).all()
            return [await self._state(conn, row) for row in rows]

    async def get_frame(self, slug: str) -> FrameState:
        async with self.reading() as conn:
            return await self._get(conn, slug)

    async def _check_revision(self, conn: AsyncConnection, state: FrameState, if_match: int | None) -> None:
        if if_match is not None and if_match != state.revision:
            raise RevisionMismatch("changed", state.slug, state, if_match)

    async def save_draft(self, slug: str, frame: Frame, by: str, if_match: int | None = None) -> FrameState:
        """Replace the draft (creating the frame if new); a stale ``if_match`` raises 412."""
        check_slug(slug)
        async with self.writing() as conn:
            stamp = now()
            values = {"draft": dump(frame), "updated_at": stamp, "updated_by": by, "archived_at": None,
                      "revision": db.frames.c.revision + 1}
            query = db.frames.update().where(db.frames.c.slug == slug)
            if if_match is not None:
                query = query.where(db.frames.c.revision == if_match)
            if (await conn.execute(query.values(**values))).rowcount == 0:
                exists = await conn.scalar(sa.select(db.frames.c.revision).where(db.frames.c.slug == slug))
                if exists is not None:
                    await self._check_revision(conn, await self._get(conn, slug), if_match)
                if if_match not in (None, 0):
                    raise RevisionMismatch("missing", slug, None, if_match)
                try:
                    async with conn.begin_nested():
                        await conn.execute(db.frames.insert().values(
                            slug=slug, draft=values["draft"], revision=1, created_at=stamp, updated_at=stamp,
                            updated_by=by, archived_at=None))
                except IntegrityError as exc:
                    raise RevisionMismatch("created", slug, await self._get(conn, slug), if_match) from exc
            await self._bump(conn)
            return await self._get(conn, slug)

    async def publish(self, slug: str, by: str, if_match: int | None = None,
                      today: dt.date | None = None) -> FrameState:
        """Turn the draft into the next version, if the linter finds no error."""
        async with self.writing() as conn:
            state = await self._get(conn, slug, lock=True)
            await self._check_revision(conn, state, if_match)
            self._check_active(state)
            blocking = errors(lint(state.draft, today))
            if blocking:
                raise DraftHasErrors(blocking)
            if not state.draft_differs():
                raise NoChanges()
            await self._append_version(conn, state, state.draft, by, None)
            return await self._get(conn, slug)

    async def rollback(self, slug: str, version: int, by: str, if_match: int | None = None) -> FrameState:
        """Publish a copy of an older version as a new version (and make it the draft)."""
        async with self.writing() as conn:
            state = await self._get(conn, slug, lock=True)
            await self._check_revision(conn, state, if_match)
            self._check_active(state)
            old = await self._version_in(conn, slug, version)
            await self._append_version(conn, state, old.frame, by, version)
            await conn.execute(db.frames.update().where(db.frames.c.slug == slug).values(
                draft=dump(old.frame)))
            return await self._get(conn, slug)

    async def _append_version(self, conn: AsyncConnection, state: FrameState, frame: Frame, by: str,
                              rollback_of: int | None) -> None:
        number = (state.published.version if state.published else 0) + 1
        stamp = now()
        try:
            async with conn.begin_nested():
                await conn.execute(db.frame_versions.insert().values(
                    slug=state.slug, version=number, frame=dump(frame), published_at=stamp, published_by=by,
                    rollback_of=rollback_of, drafted_by=state.updated_by if rollback_of is None else None))
        except IntegrityError as exc:
            raise RevisionMismatch("published", state.slug, await self._get(conn, state.slug)) from exc
        await conn.execute(db.frames.update().where(db.frames.c.slug == state.slug).values(
            revision=db.frames.c.revision + 1, updated_at=stamp, updated_by=by))
        await self._bump(conn)

    async def archive(self, slug: str, by: str) -> FrameState:
        """Hide a frame from the list; its history stays and its keys are refused (no published frame)."""
        async with self.writing() as conn:
            state = await self._get(conn, slug, lock=True)
            if state.archived_at is not None:
                return state  # already archived: its date stays
            await conn.execute(db.frames.update().where(db.frames.c.slug == slug).values(
                archived_at=now(), updated_by=by, revision=db.frames.c.revision + 1))
            await self._bump(conn)
            return await self._get(conn, slug)

    async def unarchive(self, slug: str, by: str) -> FrameState:
        """Bring an archived frame back: listed again, its keys served again (its latest version, if any)."""
        async with self.writing() as conn:
            state = await self._get(conn, slug, lock=True)
            if state.archived_at is None:
                return state
            await conn.execute(db.frames.update().where(db.frames.c.slug == slug).values(
                archived_at=None, updated_by=by, revision=db.frames.c.revision + 1))
            await self._bump(conn)
            return await self._get(conn, slug)

    async def versions(self, slug: str) -> list[Version]:
        async with self.reading() as conn:
            await self._get(conn, slug)
            rows = (await conn.execute(sa.select(db.frame_versions).where(db.frame_versions.c.slug == slug)
                                       .order_by(db.frame_versions.c.version))).all()
            return [version_of(r) for r in rows]

    async def version(self, slug: str, number: int) -> Version:
        async with self.reading() as conn:
            await self._get(conn, slug)
            return await self._version_in(conn, slug, number)

    async def _version_in(self, conn: AsyncConnection, slug: str, number: int) -> Version:
        row = (await conn.execute(sa.select(db.frame_versions).where(
            db.frame_versions.c.slug == slug, db.frame_versions.c.version == number))).first()
        if row is None:
            raise VersionNotFound(slug, number)
        return version_of(row)

    async def published(self, slug: str) -> tuple[Version, str] | None:
        """The latest published version of an active frame and the frame's check policy, or None (for the
        gateway's cache)."""
        async with self.reading() as conn:
            found = await conn.execute(sa.select(db.frames.c.archived_at, db.frames.c.check_policy)
                                       .where(db.frames.c.slug == slug))
            row = found.first()
            if row is None or row.archived_at is not None:
                return None
            version = await self._latest(conn, slug)
            return (version, row.check_policy) if version else None

    async def set_policy(self, slug: str, policy: str) -> FrameState:
        """Set a frame's check policy (off | flag | refuse); the caches of every process pick it up."""
        if policy not in CHECK_POLICIES:
            raise InvalidValue("policy", "invalid_policy")
        async with self.writing() as conn:
            await self._get(conn, slug, lock=True)
            await conn.execute(db.frames.update().where(db.frames.c.slug == slug).values(check_policy=policy))
            await self._bump(conn)
            return await self._get(conn, slug)

