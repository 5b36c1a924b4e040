"""Every SQL statement of Cadre: frames, versions, keys, admin tokens, decisions. SQLite and PostgreSQL.

Routes never commit: each public method here is one transaction. Every write also bumps the
``generation`` counter, which the caches of every process watch (see ``cache.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import logging
import operator
import re
import secrets
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.errors import Conflict, InvalidRequest, NotFound, PreconditionFailed, Unprocessable
from app.frames.model import Frame, errors, lint
from app.storage import schema as db
from app.storage.sqlite_direct import Statement, direct_writer

log = logging.getLogger("cadre.store")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}\Z")  # \Z: "$" would let a trailing newline through
KEY_ID = re.compile(r"^key_[0-9a-f]{16}\Z")
KEY_PREFIX = "cadre_sk_"
REFUSAL_STYLES = ("error", "message")
CHECK_POLICIES = ("off", "flag", "refuse")  # the révélateur's per-frame policy (issue 5); "flag" by default


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; everything Cadre writes is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _iso(value: dt.datetime | None) -> str | None:
    value = _utc(value)
    return value.isoformat() if value else None


def hash_secret(secret: str) -> str:
    """SHA-256 of a high-entropy secret (keys and tokens are random, so no salt or stretching is needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def check_slug(slug: str, param: str = "slug") -> str:
    """``slug`` if it is a valid frame slug; a 400 otherwise (checked before any query: PostgreSQL would
    fail on a NUL byte instead of finding nothing)."""
    if not SLUG.fullmatch(slug):
        raise InvalidRequest(
            "Identifiant de cadre invalide : lettres minuscules, chiffres et tirets (64 au plus). / "
            "Invalid frame slug: lower-case letters, digits and hyphens (64 at most).",
            code="invalid_slug", param=param)
    return slug


def _key_not_found(key_id: str) -> NotFound:
    return NotFound(f"Aucune clé « {key_id[:60]} ». / No key “{key_id[:60]}”.", code="key_not_found", param="id")


@dataclass(frozen=True)
class Version:
    """One published version: immutable."""

    slug: str
    version: int
    frame: Frame
    published_at: dt.datetime
    published_by: str
    rollback_of: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"slug": self.slug, "version": self.version, "frame": self.frame.model_dump(mode="json"),
                "published_at": _iso(self.published_at), "published_by": self.published_by,
                "rollback_of": self.rollback_of}


@dataclass(frozen=True)
class FrameState:
    """A frame's draft, its latest published version and its revision (the ETag)."""

    slug: str
    draft: Frame
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    archived_at: dt.datetime | None
    published: Version | None
    check_policy: str = "flag"  # off | flag | refuse: what the gateway does with an off-frame request

    @property
    def etag(self) -> str:
        return f'"{self.revision}"'

    def draft_differs(self) -> bool:
        return self.published is None or self.published.frame != self.draft

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug, "revision": self.revision, "etag": self.etag,
            "draft": self.draft.model_dump(mode="json"),
            "draft_findings": [f.as_dict() for f in lint(self.draft)],
            "draft_differs": self.draft_differs(),
            "published": self.published.as_dict() if self.published else None,
            "published_findings": [f.as_dict() for f in lint(self.published.frame)] if self.published else [],
            "created_at": _iso(self.created_at), "updated_at": _iso(self.updated_at),
            "updated_by": self.updated_by, "archived_at": _iso(self.archived_at),
            "check_policy": self.check_policy,
        }


@dataclass(frozen=True)
class Key:
    """A client key as stored: never the secret itself."""

    id: str
    frame: str
    name: str
    refusal_style: str
    hint: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    rate_limit: int | None = None  # requests per minute, over every replica; None: no limit

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "frame": self.frame, "name": self.name, "refusal_style": self.refusal_style,
                "hint": self.hint, "created_at": _iso(self.created_at), "revoked_at": _iso(self.revoked_at),
                "active": self.revoked_at is None, "rate_limit": self.rate_limit}


@dataclass(slots=True)
class Decision:
    """One gateway request's outcome, as recorded in the decision log."""

    request_id: str
    endpoint: str
    outcome: str
    latency_ms: float
    at: float = field(default_factory=time.time)  # epoch seconds: cheaper on the request path than a datetime
    key_id: str | None = None
    frame: str | None = None
    frame_version: int | None = None
    model: str | None = None
    code: str | None = None
    upstream_status: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    check_outcome: str | None = None
    findings: str | None = None  # JSON, see db.decisions
    priority: int | None = None
    priority_source: str | None = None
    excerpt: str | None = None
    upstream_ms: float | None = None  # for the metrics only: the upstream's share of latency_ms

    def record(self) -> DecisionRow:
        """The values to store, in DECISION_COLUMNS order (``at`` in epoch seconds).

        A tuple of plain values is what the buffer holds: the garbage collector stops tracking such tuples,
        whereas thousands of buffered objects would be walked again by every collection (bench/README.md).
        """
        return _decision_values(self)


DecisionRow = tuple[Any, ...]
DECISION_COLUMNS = ("at", "request_id", "key_id", "frame", "frame_version", "endpoint", "model", "outcome", "code",
                    "upstream_status", "latency_ms", "prompt_tokens", "completion_tokens", "total_tokens",
                    "check_outcome", "findings", "priority", "priority_source", "excerpt")
_decision_values = operator.attrgetter(*DECISION_COLUMNS)
def _sqlite_time(epoch: float, _last: list[Any] = [None, ""]) -> str:  # noqa: B006 (a one-entry cache)
    """UTC time as SQLite stores Cadre's datetimes ("2026-11-27 15:00:00.123456+00:00"), cheaply: the
    seconds part is formatted once per second."""
    seconds = int(epoch)
    if _last[0] != seconds:
        _last[0], _last[1] = seconds, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))
    return f"{_last[1]}.{int((epoch - seconds) * 1_000_000):06d}+00:00"


def _sqlite_row(row: DecisionRow) -> DecisionRow:
    return (_sqlite_time(row[0]), *row[1:])


def _row_dict(row: DecisionRow) -> dict[str, Any]:
    return {"at": dt.datetime.fromtimestamp(row[0], dt.UTC), **dict(zip(DECISION_COLUMNS[1:], row[1:], strict=True))}


ROWS_PER_INSERT = 100  # 19 parameters a row: well under SQLite's 32,766 variables
_SQLITE_ROW = "(" + ", ".join("?" for _ in DECISION_COLUMNS) + ")"
_SQLITE_INSERT_ONE = f"INSERT INTO decisions ({', '.join(DECISION_COLUMNS)}) VALUES {_SQLITE_ROW}"
_SQLITE_INSERT_MANY = f"{_SQLITE_INSERT_ONE}{(', ' + _SQLITE_ROW) * (ROWS_PER_INSERT - 1)}"


def _sqlite_statements(rows: Sequence[DecisionRow]) -> list[Statement]:
    """Full chunks of ROWS_PER_INSERT records as one multi-row INSERT each, the rest one by one, straight to
    the driver: SQLAlchemy's parameter handling cost more than SQLite itself.

    Only two statement texts ever: SQLite keeps a prepared statement per text and per connection, and one
    text per batch size grew the process by tens of MB under load (bench/README.md).
    """
    full = len(rows) - len(rows) % ROWS_PER_INSERT
    statements: list[Statement] = [
        (_SQLITE_INSERT_MANY, [v for row in rows[start:start + ROWS_PER_INSERT] for v in row], False)
        for start in range(0, full, ROWS_PER_INSERT)]
    if full < len(rows):
        statements.append((_SQLITE_INSERT_ONE, rows[full:], True))
    return statements


def _upsert_dialect(name: str) -> Any:
    """The dialect module whose ``insert`` has ON CONFLICT, imported when first needed: importing the
    PostgreSQL dialect costs 2.5 MB of memory that an SQLite deployment does not need (bench/README.md)."""
    return importlib.import_module(f"sqlalchemy.dialects.{'sqlite' if name == 'sqlite' else 'postgresql'}")


MAX_RATE_LIMIT = 1_000_000


def _check_rate_limit(rate_limit: int | None) -> None:
    if rate_limit is not None and not 1 <= rate_limit <= MAX_RATE_LIMIT:
        raise InvalidRequest(f"rate_limit : un nombre de requêtes par minute entre 1 et {MAX_RATE_LIMIT}, ou null "
                             f"(sans limite). / rate_limit: requests per minute between 1 and {MAX_RATE_LIMIT}, "
                             "or null (no limit).", param="rate_limit", code="invalid_rate_limit")


def _frame(text: str) -> Frame:
    return Frame.model_validate(orjson.loads(text))


def _dump(frame: Frame) -> str:
    return orjson.dumps(frame.model_dump(mode="json")).decode()


def _version(row: sa.Row[Any]) -> Version:
    return Version(row.slug, row.version, _frame(row.frame), _utc(row.published_at) or now(),
                   row.published_by, row.rollback_of)


def _key(row: sa.Row[Any]) -> Key:
    return Key(row.id, row.frame, row.name, row.refusal_style, row.secret_hint,
               _utc(row.created_at) or now(), _utc(row.revoked_at), row.rate_limit)


def _decision_dict(row: sa.Row[Any]) -> dict[str, Any]:
    d = dict(row._mapping)
    d["at"] = _iso(d["at"])
    return d


class Store:
    """The database behind Cadre."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.writer = db.writer(engine)  # the same pool; its transactions write
        self.direct = direct_writer(engine.url)  # the decision log's own connection, on an SQLite file
        # Records per transaction of the decision log: written from the event loop's thread, a batch holds every
        # request up while it lasts (1,000 records: about 9 ms), so there it is one multi-row INSERT at a time.
        self.decision_batch = ROWS_PER_INSERT if self.direct is not None else 1000

    async def close(self) -> None:
        if self.direct is not None:
            self.direct.close()
        await self.engine.dispose()

    # ------------------------------------------------------------------------------------ generation
    async def generation(self) -> int:
        """A counter bumped by every write to frames or keys, watched by the caches."""
        async with self.engine.connect() as conn:
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

    # ---------------------------------------------------------------------------------------- frames
    async def list_frames(self, include_archived: bool = False) -> list[FrameState]:
        async with self.engine.connect() as conn:
            query = sa.select(db.frames).order_by(db.frames.c.slug)
            if not include_archived:
                query = query.where(db.frames.c.archived_at.is_(None))
            rows = (await conn.execute(query)).all()
            return [await self._state(conn, row) for row in rows]

    async def get_frame(self, slug: str) -> FrameState:
        async with self.engine.connect() as conn:
            return await self._get(conn, slug)

    async def _get(self, conn: AsyncConnection, slug: str, lock: bool = False) -> FrameState:
        check_slug(slug)
        query = sa.select(db.frames).where(db.frames.c.slug == slug)
        if lock:
            query = query.with_for_update()
        row = (await conn.execute(query)).first()
        if row is None:
            raise NotFound(f"Aucun cadre « {slug} ». / No frame “{slug}”.", code="frame_not_found",
                           param="slug")
        return await self._state(conn, row)

    async def _state(self, conn: AsyncConnection, row: sa.Row[Any]) -> FrameState:
        return FrameState(row.slug, _frame(row.draft), row.revision, _utc(row.created_at) or now(),
                          _utc(row.updated_at) or now(), row.updated_by, _utc(row.archived_at),
                          await self._latest(conn, row.slug), row.check_policy)

    async def _latest(self, conn: AsyncConnection, slug: str) -> Version | None:
        row = (await conn.execute(
            sa.select(db.frame_versions).where(db.frame_versions.c.slug == slug)
            .order_by(db.frame_versions.c.version.desc()).limit(1))).first()
        return _version(row) if row else None

    @staticmethod
    def _check_active(state: FrameState) -> None:
        """An archived frame is not published to (the gateway would ignore it): saving a draft revives it."""
        if state.archived_at is not None:
            raise Conflict(f"Le cadre « {state.slug} » est archivé : enregistrez un brouillon pour le réactiver. / "
                           f"The frame “{state.slug}” is archived: save a draft to bring it back.",
                           code="frame_archived", extra={"current": state.as_dict()})

    async def _check_revision(self, conn: AsyncConnection, state: FrameState, if_match: int | None) -> None:
        if if_match is not None and if_match != state.revision:
            raise PreconditionFailed(
                f"Ce cadre a été modifié entre-temps (révision {state.revision}, vous partiez de {if_match}) : "
                f"rechargez-le, rien n'est perdu. / This frame changed meanwhile (revision {state.revision}, you "
                f"started from {if_match}): reload it, nothing is lost.",
                extra={"current": state.as_dict()})

    async def save_draft(self, slug: str, frame: Frame, by: str, if_match: int | None = None) -> FrameState:
        """Replace the draft (creating the frame if new); a stale ``if_match`` raises 412."""
        check_slug(slug)
        async with self.writer.begin() as conn:
            stamp = now()
            values = {"draft": _dump(frame), "updated_at": stamp, "updated_by": by, "archived_at": None,
                      "revision": db.frames.c.revision + 1}
            query = db.frames.update().where(db.frames.c.slug == slug)
            if if_match is not None:
                query = query.where(db.frames.c.revision == if_match)
            if (await conn.execute(query.values(**values))).rowcount == 0:
                exists = await conn.scalar(sa.select(db.frames.c.revision).where(db.frames.c.slug == slug))
                if exists is not None:
                    await self._check_revision(conn, await self._get(conn, slug), if_match)
                if if_match not in (None, 0):
                    raise PreconditionFailed(
                        f"Le cadre « {slug} » n'existe pas encore. / The frame “{slug}” does not exist yet.",
                        code="etag_mismatch", extra={"current": None})
                try:
                    async with conn.begin_nested():
                        await conn.execute(db.frames.insert().values(
                            slug=slug, draft=values["draft"], revision=1, created_at=stamp, updated_at=stamp,
                            updated_by=by, archived_at=None))
                except IntegrityError as exc:
                    raise PreconditionFailed(
                        "Ce cadre vient d'être créé par quelqu'un d'autre. / Someone else just created "
                        "this frame.", extra={"current": (await self._get(conn, slug)).as_dict()}) from exc
            await self._bump(conn)
            return await self._get(conn, slug)

    async def publish(self, slug: str, by: str, if_match: int | None = None,
                      today: dt.date | None = None) -> FrameState:
        """Turn the draft into the next version, if the linter finds no error."""
        async with self.writer.begin() as conn:
            state = await self._get(conn, slug, lock=True)
            await self._check_revision(conn, state, if_match)
            self._check_active(state)
            blocking = errors(lint(state.draft, today))
            if blocking:
                raise Unprocessable(
                    f"Le brouillon ne peut pas être publié : {len(blocking)} point(s) à clarifier. / The draft "
                    f"cannot be published: {len(blocking)} point(s) to clarify.",
                    extra={"findings": [f.as_dict() for f in blocking]})
            if not state.draft_differs():
                raise Conflict("Le brouillon est identique à la version publiée. / The draft is the same as "
                               "the published version.", code="no_changes")
            await self._append_version(conn, state, state.draft, by, None)
            return await self._get(conn, slug)

    async def rollback(self, slug: str, version: int, by: str, if_match: int | None = None) -> FrameState:
        """Publish a copy of an older version as a new version (and make it the draft)."""
        async with self.writer.begin() as conn:
            state = await self._get(conn, slug, lock=True)
            await self._check_revision(conn, state, if_match)
            self._check_active(state)
            old = await self._version_in(conn, slug, version)
            await self._append_version(conn, state, old.frame, by, version)
            await conn.execute(db.frames.update().where(db.frames.c.slug == slug).values(
                draft=_dump(old.frame)))
            return await self._get(conn, slug)

    async def _append_version(self, conn: AsyncConnection, state: FrameState, frame: Frame, by: str,
                              rollback_of: int | None) -> None:
        number = (state.published.version if state.published else 0) + 1
        stamp = now()
        try:
            async with conn.begin_nested():
                await conn.execute(db.frame_versions.insert().values(
                    slug=state.slug, version=number, frame=_dump(frame), published_at=stamp, published_by=by,
                    rollback_of=rollback_of))
        except IntegrityError as exc:
            raise PreconditionFailed("Une autre publication vient d'avoir lieu. / Another publication just "
                                     "happened.", extra={"current": (await self._get(conn, state.slug)).as_dict()}
                                     ) from exc
        await conn.execute(db.frames.update().where(db.frames.c.slug == state.slug).values(
            revision=db.frames.c.revision + 1, updated_at=stamp, updated_by=by))
        await self._bump(conn)

    async def archive(self, slug: str, by: str) -> FrameState:
        """Hide a frame from the list; its history stays and its keys are refused (no published frame)."""
        async with self.writer.begin() as conn:
            state = await self._get(conn, slug, lock=True)
            if state.archived_at is not None:
                return state  # already archived: its date stays
            await conn.execute(db.frames.update().where(db.frames.c.slug == slug).values(
                archived_at=now(), updated_by=by, revision=db.frames.c.revision + 1))
            await self._bump(conn)
            return await self._get(conn, slug)

    async def versions(self, slug: str) -> list[Version]:
        async with self.engine.connect() as conn:
            await self._get(conn, slug)
            rows = (await conn.execute(sa.select(db.frame_versions).where(db.frame_versions.c.slug == slug)
                                       .order_by(db.frame_versions.c.version))).all()
            return [_version(r) for r in rows]

    async def version(self, slug: str, number: int) -> Version:
        async with self.engine.connect() as conn:
            await self._get(conn, slug)
            return await self._version_in(conn, slug, number)

    async def _version_in(self, conn: AsyncConnection, slug: str, number: int) -> Version:
        row = (await conn.execute(sa.select(db.frame_versions).where(
            db.frame_versions.c.slug == slug, db.frame_versions.c.version == number))).first()
        if row is None:
            raise NotFound(f"Le cadre « {slug} » n'a pas de version {number}. / Frame “{slug}” has no "
                           f"version {number}.", code="version_not_found", param="version")
        return _version(row)

    async def published(self, slug: str) -> tuple[Version, str] | None:
        """The latest published version of an active frame and the frame's check policy, or None (for the
        gateway's cache)."""
        async with self.engine.connect() as conn:
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
            raise InvalidRequest("policy : « off », « flag » ou « refuse ». / policy: “off”, “flag” or “refuse”.",
                                 param="policy", code="invalid_policy")
        async with self.writer.begin() as conn:
            await self._get(conn, slug, lock=True)
            await conn.execute(db.frames.update().where(db.frames.c.slug == slug).values(check_policy=policy))
            await self._bump(conn)
            return await self._get(conn, slug)

    # ------------------------------------------------------------------------------------------ keys
    async def create_key(self, frame: str, name: str, refusal_style: str = "error",
                         rate_limit: int | None = None) -> tuple[Key, str]:
        """Create a client key bound to ``frame``; return it with its secret (shown once, stored hashed)."""
        if refusal_style not in REFUSAL_STYLES:
            raise InvalidRequest("refusal_style : « error » ou « message ». / refusal_style: “error” or "
                                 "“message”.", param="refusal_style", code="invalid_refusal_style")
        _check_rate_limit(rate_limit)
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        key_id = "key_" + secrets.token_hex(8)
        async with self.writer.begin() as conn:
            self._check_active(await self._get(conn, frame))
            await conn.execute(db.api_keys.insert().values(
                id=key_id, frame=frame, name=name or key_id, refusal_style=refusal_style,
                secret_hash=hash_secret(secret), secret_hint=secret[:13] + "…" + secret[-4:],
                created_at=now(), revoked_at=None, rate_limit=rate_limit))
            await self._bump(conn)
            row = (await conn.execute(sa.select(db.api_keys).where(db.api_keys.c.id == key_id))).one()
        return _key(row), secret

    async def list_keys(self, frame: str | None = None) -> list[Key]:
        async with self.engine.connect() as conn:
            query = sa.select(db.api_keys).order_by(db.api_keys.c.created_at)
            if frame:
                query = query.where(db.api_keys.c.frame == frame)
            return [_key(r) for r in (await conn.execute(query)).all()]

    async def revoke_key(self, key_id: str) -> Key:
        if not KEY_ID.fullmatch(key_id):
            raise _key_not_found(key_id)
        async with self.writer.begin() as conn:
            row = (await conn.execute(sa.select(db.api_keys).where(db.api_keys.c.id == key_id))).first()
            if row is None:
                raise _key_not_found(key_id)
            if row.revoked_at is None:
                await conn.execute(db.api_keys.update().where(db.api_keys.c.id == key_id).values(
                    revoked_at=now()))
                await self._bump(conn)
            row = (await conn.execute(sa.select(db.api_keys).where(db.api_keys.c.id == key_id))).one()
            return _key(row)

    async def set_rate_limit(self, key_id: str, rate_limit: int | None) -> Key:
        """Change a key's requests per minute (None: no limit); every replica applies it within its cache check."""
        _check_rate_limit(rate_limit)
        if not KEY_ID.fullmatch(key_id):
            raise _key_not_found(key_id)
        async with self.writer.begin() as conn:
            done = await conn.execute(db.api_keys.update().where(db.api_keys.c.id == key_id).values(
                rate_limit=rate_limit))
            if done.rowcount == 0:
                raise _key_not_found(key_id)
            await self._bump(conn)
            row = (await conn.execute(sa.select(db.api_keys).where(db.api_keys.c.id == key_id))).one()
            return _key(row)

    async def add_rate_counts(self, counts: dict[tuple[str, int], int], since: int) -> dict[tuple[str, int], int]:
        """Add this process's request counts per (key id, minute) to every replica's; return the sums of the
        minutes from ``since`` on, and delete those older than ``since`` (kept no longer than needed)."""
        t = db.rate_windows
        query = sa.select(t.c.key_id, t.c.window, t.c.requests).where(t.c.window >= since)
        if not counts:  # nothing to add: a read, no write lock
            async with self.engine.connect() as conn:
                return {(k, int(w)): int(n) for k, w, n in (await conn.execute(query)).all()}
        async with self.writer.begin() as conn:
            rows = [{"key_id": k, "window": w, "requests": n} for (k, w), n in counts.items()]
            insert = _upsert_dialect(conn.dialect.name).insert(t)
            upsert = insert.on_conflict_do_update(index_elements=[t.c.key_id, t.c.window],
                                                  set_={"requests": t.c.requests + insert.excluded.requests})
            await conn.execute(upsert, rows)
            await conn.execute(t.delete().where(t.c.window < since))
            return {(k, int(w)): int(n) for k, w, n in (await conn.execute(query)).all()}

    async def key_by_secret(self, secret: str) -> Key | None:
        """The active key whose secret this is, or None."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(db.api_keys).where(
                db.api_keys.c.secret_hash == hash_secret(secret), db.api_keys.c.revoked_at.is_(None)))).first()
            return _key(row) if row else None

    async def keys_by_hash(self, digests: list[str]) -> dict[str, Key]:
        """The active keys among these secret hashes, by hash (for the cache's reload)."""
        if not digests:
            return {}
        async with self.engine.connect() as conn:
            rows = (await conn.execute(sa.select(db.api_keys).where(
                db.api_keys.c.secret_hash.in_(digests), db.api_keys.c.revoked_at.is_(None)))).all()
            return {row.secret_hash: _key(row) for row in rows}

    # ---------------------------------------------------------------------------------- admin tokens
    async def first_admin_token(self) -> str | None:
        """Generate the admin token if none is stored yet, in one write transaction, so that workers starting
        together make one token between them; None when there was one already."""
        token = "cadre_admin_" + secrets.token_urlsafe(32)
        async with self.writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242002)")
            if await conn.scalar(sa.select(sa.func.count()).select_from(db.admin_tokens)):
                return None
            await conn.execute(db.admin_tokens.insert().values(token_hash=hash_secret(token), created_at=now()))
        return token

    async def create_admin_token(self) -> str:
        """Generate an admin token, store its hash, return it (to be printed once)."""
        token = "cadre_admin_" + secrets.token_urlsafe(32)
        async with self.writer.begin() as conn:
            await conn.execute(db.admin_tokens.insert().values(token_hash=hash_secret(token), created_at=now()))
        return token

    async def reset_admin_tokens(self) -> str:
        """Replace every stored admin token by a new one; return it (to be printed once)."""
        async with self.writer.begin() as conn:
            await conn.execute(db.admin_tokens.delete())
            await self._bump(conn)
        return await self.create_admin_token()

    async def admin_token_hashes(self) -> set[str]:
        async with self.engine.connect() as conn:
            return set((await conn.execute(sa.select(db.admin_tokens.c.token_hash))).scalars())

    # ------------------------------------------------------------------------------------- decisions
    async def record_decisions(self, batch: Sequence[DecisionRow]) -> None:
        """Write a batch of decision records (``Decision.record()`` tuples) in one transaction. On an SQLite
        file, from this thread when the write lock is free (``sqlite_direct``), else through the pool."""
        if not batch:
            return
        sqlite = self.engine.dialect.name == "sqlite"
        statements = _sqlite_statements([_sqlite_row(row) for row in batch]) if sqlite else []
        if self.direct is not None and self.direct.write(statements, len(batch)):
            if self.direct.due:
                await self._checkpoint()
            return
        async with self.writer.begin() as conn:
            if statements:
                driver = (await conn.get_raw_connection()).driver_connection
                assert driver is not None
                for sql, parameters, many in statements:
                    await (driver.executemany if many else driver.execute)(sql, parameters)
            else:
                await conn.execute(db.decisions.insert(), [_row_dict(row) for row in batch])

    async def _checkpoint(self) -> None:
        """Copy the WAL's pages into the database file (the step that syncs the disk), in aiosqlite's thread;
        PASSIVE: it waits for nobody and is simply done again next time if a reader holds pages back. Its
        failure is only logged: the batch is written, and raising would have the decision log write it again."""
        assert self.direct is not None
        try:
            async with self.engine.connect() as conn:
                driver = (await conn.get_raw_connection()).driver_connection
                assert driver is not None
                await driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
            log.warning("WAL checkpoint failed (tried again after the next batch): %s", type(exc).__name__)
            return
        self.direct.pending_rows = 0

    async def decisions(self, *, frame: str | None = None, outcome: str | None = None,
                        code: str | None = None, since: dt.datetime | None = None,
                        before_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Latest decisions first; ``before_id`` pages backwards."""
        t = db.decisions
        query = sa.select(t).order_by(t.c.id.desc()).limit(limit)
        for column, value in ((t.c.frame, frame), (t.c.outcome, outcome), (t.c.code, code)):
            if value is not None:
                query = query.where(column == value)
        if since is not None:
            query = query.where(t.c.at >= since)
        if before_id is not None:
            query = query.where(t.c.id < before_id)
        async with self.engine.connect() as conn:
            return [_decision_dict(r) for r in (await conn.execute(query)).all()]

    async def traffic(self, since: dt.datetime) -> dict[str, dict[str, int]]:
        """Per frame, requests by outcome since ``since`` (for the console's list)."""
        t = db.decisions
        query = (sa.select(t.c.frame, t.c.outcome, sa.func.count()).where(t.c.at >= since)
                 .group_by(t.c.frame, t.c.outcome))
        out: dict[str, dict[str, int]] = {}
        async with self.engine.connect() as conn:
            for frame_slug, outcome, count in (await conn.execute(query)).all():
                out.setdefault(frame_slug or "", {})[outcome] = int(count)
        return out

    # ------------------------------------------------------------------------ report (issue 5, app/report.py)
    async def report_rows(self, slug: str, since: dt.datetime, max_findings: int = 5000) -> ReportRows:
        """What the report of ``slug`` since ``since`` is computed from: decisions counted by outcome, code,
        check outcome and priority (GROUP BY), the findings of the latest ``max_findings`` rows that have some,
        the versions published since, and the version in force before."""
        t, v = db.decisions, db.frame_versions
        mine = (t.c.frame == slug, t.c.at >= since)
        counts = (sa.select(t.c.outcome, t.c.code, t.c.check_outcome, t.c.priority, sa.func.count())
                  .where(*mine).group_by(t.c.outcome, t.c.code, t.c.check_outcome, t.c.priority))
        findings = (sa.select(t.c.findings, t.c.excerpt).where(*mine, t.c.findings.is_not(None))
                    .order_by(t.c.id.desc()).limit(max_findings))
        async with self.engine.connect() as conn:
            await self._get(conn, slug)
            tallies = [(o, c, k, p, int(n)) for o, c, k, p, n in (await conn.execute(counts)).all()]
            found = [(f, e) for f, e in (await conn.execute(findings)).all()]
            published = (await conn.execute(sa.select(v).where(v.c.slug == slug, v.c.published_at >= since)
                                            .order_by(v.c.version))).all()
            before = (await conn.execute(sa.select(v).where(v.c.slug == slug, v.c.published_at < since)
                                         .order_by(v.c.version.desc()).limit(1))).first()
        return ReportRows(tallies, found, [_version(r) for r in published], _version(before) if before else None)


@dataclass(frozen=True)
class ReportRows:
    """What a frame's report is computed from (see ``app/report.py``)."""

    counts: list[tuple[str, str | None, str | None, int | None, int]]  # outcome, code, check, priority, how many
    findings: list[tuple[str, str | None]]  # (findings JSON, the row's excerpt), latest first
    versions: list[Version]  # published in the period, oldest first
    before: Version | None  # in force when the period began
