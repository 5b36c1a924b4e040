"""Decision records written to an SQLite file from the event loop's own thread.

aiosqlite runs every statement in a worker thread. Under load, that thread and the event loop fought over
the GIL while a batch of decision records was written: the flush took about a fifth of the gateway's
throughput, where writing the same batch in-process costs about 8 µs a record (bench/README.md). So the
decision log writes its batches here, on a connection of its own, in the loop's thread, under rules that
keep the loop from ever waiting on another writer or on the disk:

- the write lock is asked for without waiting (``busy_timeout`` 0): when another connection holds it, or
  SQLite fails in any other way, ``write`` says so and the batch goes the usual way (aiosqlite, which
  waits in its own thread and reports failures as the store's other errors do);
- only in WAL mode, where a commit does not sync the disk;
- this connection never checkpoints (``wal_autocheckpoint`` 0), the step that syncs: the store runs a
  passive checkpoint in aiosqlite's thread once ``due`` (every ``CHECKPOINT_ROWS`` records written here).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.engine import URL, make_url

log = logging.getLogger("cadre.store")
CHECKPOINT_ROWS = 1000
CACHE_KIB = 256  # this connection's page cache (SQLite's default: 2 MB)
Statement = tuple[str, Sequence[Any], bool]  # (SQL, parameters, executemany)
# SQLite refusing a value, not the write: a constraint, a value it cannot bind (an int over 64 bits, a lone
# surrogate, an unknown type). Raised to the caller, which writes the batch's records one by one.
DATA_ERRORS = (sqlite3.IntegrityError, sqlite3.DataError, sqlite3.InterfaceError, OverflowError, ValueError, TypeError)


class DirectWriter:
    """One SQLite connection for the decision log, used from the event loop's thread only."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.enabled = True  # off for good if the file is not in WAL mode
        self.pending_rows = 0  # written here since the last checkpoint
        self._conn: sqlite3.Connection | None = None

    @property
    def due(self) -> bool:
        """Whether enough was written here for the store to run a checkpoint."""
        return self.pending_rows >= CHECKPOINT_ROWS

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None)  # BEGIN and COMMIT are ours
            conn.execute("PRAGMA busy_timeout=0")
            conn.execute("PRAGMA wal_autocheckpoint=0")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # appends touch few pages: keep the memory small
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.close()
                self.enabled = False
                log.info("decision log: %s is not in WAL mode, written through aiosqlite", self.path)
                return None
            self._conn = conn
        return self._conn

    def write(self, statements: Iterable[Statement], rows: int) -> bool:
        """Run ``statements`` (``rows`` records) in one transaction; False, with nothing written, when the
        write lock is taken or SQLite fails; one of ``DATA_ERRORS``, with nothing written, when it refused a
        value."""
        if not self.enabled:
            return False
        try:
            conn = self._connection()
            if conn is None:
                return False
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:
            return False
        try:
            for sql, parameters, many in statements:
                if many:
                    conn.executemany(sql, parameters)
                else:
                    conn.execute(sql, parameters)
            conn.execute("COMMIT")
        except DATA_ERRORS:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        except sqlite3.Error as exc:
            log.warning("decision log: direct write failed (%s), through aiosqlite instead", type(exc).__name__)
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return False
        self.pending_rows += rows
        return True

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def direct_writer(url: str | URL) -> DirectWriter | None:
    """A writer for ``url`` if it names an SQLite file (not memory, not a URI with options), else None."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.query:
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return DirectWriter(database)
