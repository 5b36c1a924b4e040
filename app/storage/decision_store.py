"""The decision log's table: batches written (straight to an SQLite file when its write lock is free), read
back page by page, counted for the console and the report."""

from __future__ import annotations

import datetime as dt
import logging
import math
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.frames.records import DECISION_COLUMNS, DecisionRow, Version, iso
from app.frames.text import printable
from app.storage import schema as db
from app.storage.base import DATABASE_ERRORS, StoreBase, version_of
from app.storage.outcomes import RecordRejected, StoreUnavailable
from app.storage.sqlite_direct import DATA_ERRORS as SQLITE_DATA_ERRORS
from app.storage.sqlite_direct import Statement, direct_writer

log = logging.getLogger("cadre.store")


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


# What a database says when it refuses a value rather than the connection (PostgreSQL's class 22 and 23 errors
# through SQLAlchemy; Python's own errors binding a value for SQLite).
DATA_ERRORS = (sa.exc.DataError, sa.exc.IntegrityError, *SQLITE_DATA_ERRORS)
_WIDTHS = [getattr(db.decisions.c[name].type, "length", None) for name in DECISION_COLUMNS]
_INTEGERS = [isinstance(db.decisions.c[name].type, sa.Integer) for name in DECISION_COLUMNS]
_REQUIRED = [not db.decisions.c[name].nullable for name in DECISION_COLUMNS]
# Filled from what a client or an upstream sent: emptied when a record is refused even once cleaned.
_FROM_OUTSIDE = frozenset({"model", "code", "findings", "excerpt", "check_outcome", "priority_source"})
MAX_INTEGER = 2**31 - 1


def repaired_row(row: DecisionRow, strict: bool = False) -> DecisionRow:
    """``row`` made fit for the decisions table: text printable and cut to its column's width, integers in range,
    numbers finite; with ``strict``, the values that came from outside (model, excerpt, findings ...) emptied too,
    so that what is left (time, key, frame, outcome, latency) is still recorded."""
    values: list[Any] = []
    for name, value, width, integer, required in zip(DECISION_COLUMNS, row, _WIDTHS, _INTEGERS, _REQUIRED,
                                                     strict=True):
        fixed = None if strict and name in _FROM_OUTSIDE else _fit(value, width, integer)
        if fixed is None and required:
            fixed = time.time() if name == "at" else 0.0 if name == "latency_ms" else "?"
        values.append(fixed)
    return tuple(values)


def _fit(value: Any, width: int | None, integer: bool) -> Any:
    """One value made fit for its column (None when it cannot be)."""
    if isinstance(value, str):
        return printable(value)[:width] if width else printable(value)
    if integer:
        return value if type(value) is int and -MAX_INTEGER <= value <= MAX_INTEGER else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value if value is None or type(value) is int else None


def _decision_dict(row: sa.Row[Any]) -> dict[str, Any]:
    d = dict(row._mapping)
    d["at"] = iso(d["at"])
    return d


@dataclass(frozen=True)
class ReportRows:
    """What a frame's report is computed from (see ``app/report.py``)."""

    counts: list[tuple[str, str | None, str | None, int | None, int]]  # outcome, code, check, priority, how many
    findings: list[tuple[str, str | None]]  # (findings JSON, the row's excerpt), latest first
    versions: list[Version]  # published in the period, oldest first
    before: Version | None  # in force when the period began
    previous: list[tuple[str, str | None]] = field(default_factory=list)  # findings of the period before


class DecisionQueries(StoreBase):
    """Every statement about the decision log."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self.direct = direct_writer(engine.url)  # the decision log's own connection, on an SQLite file
        # Records per transaction of the decision log: written from the event loop's thread, a batch holds every
        # request up while it lasts (1,000 records: about 9 ms), so there it is one multi-row INSERT at a time.
        self.decision_batch = ROWS_PER_INSERT if self.direct is not None else 1000

    async def record_decisions(self, batch: Sequence[DecisionRow]) -> None:
        """Write a batch of decision records (``Decision.record()`` tuples) in one transaction. On an SQLite
        file, from this thread when the write lock is free (``sqlite_direct``), else through the pool.
        ``RecordRejected`` when the database refused a value (nothing of the batch is written), ``StoreUnavailable``
        when it could not be reached."""
        if not batch:
            return
        try:
            await self._record(batch)
        except DATA_ERRORS as exc:
            raise RecordRejected(type(exc).__name__) from exc
        except (*DATABASE_ERRORS, sqlite3.Error) as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    async def _record(self, batch: Sequence[DecisionRow]) -> None:
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
            async with self.reading() as conn:
                driver = (await conn.get_raw_connection()).driver_connection
                assert driver is not None
                await driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except (StoreUnavailable, sqlite3.Error) as exc:
            log.warning("WAL checkpoint failed (tried again after the next batch): %s", type(exc).__name__)
            return
        self.direct.pending_rows = 0

    async def decisions(self, *, frame: str | None = None, outcome: str | None = None,
                        code: str | None = None, since: dt.datetime | None = None,
                        before_id: int | None = None, limit: int = 100, check_outcome: str | None = None,
                        key_id: str | None = None, item: str | None = None) -> list[dict[str, Any]]:
        """Latest decisions first; ``before_id`` pages backwards; ``item``: the findings name this refusal or
        banned word."""
        t = db.decisions
        query = sa.select(t).order_by(t.c.id.desc()).limit(limit)
        for column, value in ((t.c.frame, frame), (t.c.outcome, outcome), (t.c.code, code),
                              (t.c.check_outcome, check_outcome), (t.c.key_id, key_id)):
            if value is not None:
                query = query.where(column == value)
        if item is not None:  # findings are JSON written by orjson: '"item":"..."' exactly
            query = query.where(t.c.findings.contains('"item":' + orjson.dumps(item).decode(), autoescape=True))
        if since is not None:
            query = query.where(t.c.at >= since)
        if before_id is not None:
            query = query.where(t.c.id < before_id)
        async with self.reading() as conn:
            return [_decision_dict(r) for r in (await conn.execute(query)).all()]

    async def traffic(self, since: dt.datetime) -> dict[str, dict[str, int]]:
        """Per frame, requests by outcome since ``since``, and under "against" those the check found against the
        frame (for the console's list)."""
        t = db.decisions
        query = (sa.select(t.c.frame, t.c.outcome, t.c.check_outcome, sa.func.count()).where(t.c.at >= since)
                 .group_by(t.c.frame, t.c.outcome, t.c.check_outcome))
        out: dict[str, dict[str, int]] = {}
        async with self.reading() as conn:
            for frame_slug, outcome, check, count in (await conn.execute(query)).all():
                counts = out.setdefault(frame_slug or "", {})
                counts[outcome] = counts.get(outcome, 0) + int(count)
                if check == "off_frame":
                    counts["against"] = counts.get("against", 0) + int(count)
        return out

    async def forget_excerpts(self, before: dt.datetime) -> int:
        """Erase the request excerpts recorded before ``before`` (the retention of CADRE_EXCERPT_DAYS)."""
        t = db.decisions
        async with self.writing() as conn:
            done = await conn.execute(t.update().where(t.c.at < before, t.c.excerpt.is_not(None)).values(excerpt=None))
            return int(done.rowcount or 0)

    async def check_counts(self, slug: str, since: dt.datetime) -> list[tuple[str, str | None, int]]:
        """(outcome, check outcome, how many) of ``slug``'s requests since ``since`` (what a policy would do)."""
        t = db.decisions
        query = (sa.select(t.c.outcome, t.c.check_outcome, sa.func.count()).where(t.c.frame == slug, t.c.at >= since)
                 .group_by(t.c.outcome, t.c.check_outcome))
        async with self.reading() as conn:
            return [(o, k, int(n)) for o, k, n in (await conn.execute(query)).all()]

    # ------------------------------------------------------------------------------------------- report
    async def report_rows(self, slug: str, since: dt.datetime, max_findings: int = 5000,
                          previous_since: dt.datetime | None = None) -> ReportRows:
        """What the report of ``slug`` since ``since`` is computed from: decisions counted by outcome, code,
        check outcome and priority (GROUP BY), the findings of the latest ``max_findings`` rows that have some
        (and of the period before, from ``previous_since``), the versions published since, and the version in
        force before."""
        t, v = db.decisions, db.frame_versions
        mine = (t.c.frame == slug, t.c.at >= since)
        counts = (sa.select(t.c.outcome, t.c.code, t.c.check_outcome, t.c.priority, sa.func.count())
                  .where(*mine).group_by(t.c.outcome, t.c.code, t.c.check_outcome, t.c.priority))
        findings = (sa.select(t.c.findings, t.c.excerpt).where(*mine, t.c.findings.is_not(None))
                    .order_by(t.c.id.desc()).limit(max_findings))
        earlier = (sa.select(t.c.findings, t.c.excerpt).where(
            t.c.frame == slug, t.c.at >= (previous_since or since), t.c.at < since, t.c.findings.is_not(None))
            .order_by(t.c.id.desc()).limit(max_findings))
        async with self.reading() as conn:
            await self._get(conn, slug)
            tallies = [(o, c, k, p, int(n)) for o, c, k, p, n in (await conn.execute(counts)).all()]
            found = [(f, e) for f, e in (await conn.execute(findings)).all()]
            previous = [(f, e) for f, e in (await conn.execute(earlier)).all()] if previous_since else []
            published = (await conn.execute(sa.select(v).where(v.c.slug == slug, v.c.published_at >= since)
                                            .order_by(v.c.version))).all()
            before = (await conn.execute(sa.select(v).where(v.c.slug == slug, v.c.published_at < since)
                                         .order_by(v.c.version.desc()).limit(1))).first()
        return ReportRows(tallies, found, [version_of(r) for r in published], version_of(before) if before else None,
                          previous)


