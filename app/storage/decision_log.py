"""The decision log's buffer: the request path appends in memory, a background task writes in batches.

While the database is unreachable records wait in the buffer. When it is full the oldest records are
dropped and counted in ``dropped`` (a newer record is worth more to the owner than an older one).

A batch the database refuses because of a value in it (too long, out of range, a NUL byte, a constraint) is
never put back as it is, which would stop every later write: its records are written one by one, a refused
one again once repaired (``repaired_row``: cleaned, then without what came from outside), and dropped only if
even that is refused. Repairs and drops are counted (``repaired``, ``rejected``). A log that has not written
for a while although records wait says so (``stalled_for``: /readyz and /metrics). At shutdown, what is left
is written for ``CADRE_DECISION_SHUTDOWN_WAIT`` seconds at most (``close``); what is still left after it is
counted in an error log line.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Sequence

from app.frames.records import Decision, DecisionRow
from app.storage.decision_store import repaired_row
from app.storage.outcomes import RecordRejected, StoreUnavailable
from app.storage.store import Store

log = logging.getLogger("cadre.decisions")
RETRY_EVERY = 0.5  # seconds between two tries to write what is left, at shutdown


class DecisionLog:
    """Buffered writer of decision records."""

    def __init__(self, store: Store, interval: float, capacity: int) -> None:
        self.store, self.interval = store, interval
        self.buffer: deque[DecisionRow] = deque(maxlen=capacity)
        self.dropped = 0  # the buffer was full
        self.written = 0
        self.repaired = 0  # refused by the database as they were, written once repaired
        self.rejected = 0  # refused even repaired: dropped
        self.progress = time.monotonic()  # the last time the log was caught up or wrote a batch
        self.in_flight = 0  # records of the batch being written (out of the buffer, not in the database yet)
        # One writer at a time: a flush asked for by a reader waits for the background batch in flight,
        # so whatever was answered before the read is in the database when the read runs.
        self._flushing = asyncio.Lock()

    def add(self, decision: Decision) -> None:
        if len(self.buffer) == self.buffer.maxlen:
            self.dropped += 1
        self.buffer.append(decision.record())

    @property
    def waiting(self) -> int:
        """Records not written yet: buffered, or in the batch being written."""
        return len(self.buffer) + self.in_flight

    def stalled_for(self) -> float:
        """Seconds since the log last wrote, while records wait (0 when none waits)."""
        return time.monotonic() - self.progress if self.buffer or self.in_flight else 0.0

    async def flush(self) -> None:
        """Write everything buffered now; on failure to reach the database, the batch goes back to the front of
        the queue (``StoreUnavailable`` raised)."""
        async with self._flushing:
            size = self.store.decision_batch
            while self.buffer:
                batch = [self.buffer.popleft() for _ in range(min(size, len(self.buffer)))]
                self.in_flight = len(batch)
                try:
                    await self.store.record_decisions(batch)
                except RecordRejected:
                    await self._one_by_one(batch)
                except BaseException:  # unreachable, or cancelled (shutdown's bound): nothing of it was written
                    self.buffer.extendleft(reversed(batch))
                    raise
                else:
                    self.written += len(batch)
                finally:
                    self.in_flight = 0
                self.progress = time.monotonic()
                await asyncio.sleep(0)  # requests go on between two batches
            self.progress = time.monotonic()

    async def _one_by_one(self, batch: Sequence[DecisionRow]) -> None:
        """A batch refused for a value: each record alone, repaired when it is the one refused."""
        for i, row in enumerate(batch):
            try:
                await self._write_one(row)
            except BaseException:
                self.buffer.extendleft(reversed(batch[i:]))
                raise

    async def _write_one(self, row: DecisionRow) -> None:
        refused: RecordRejected | None = None
        for attempt in (row, repaired_row(row), repaired_row(row, strict=True)):
            try:
                await self.store.record_decisions([attempt])
            except RecordRejected as exc:
                refused = exc
                continue
            if attempt is row:
                self.written += 1
            else:
                self.repaired += 1
                self.written += 1
                log.warning("decision record %s refused by the database (%s): written repaired", row[1], refused)
            return
        self.rejected += 1
        log.error("decision record %s refused by the database even repaired (%s): dropped", row[1], refused)

    async def run(self) -> None:
        """Flush every ``interval`` seconds forever (a lifespan task). Cancelling it (shutdown) never cuts a
        write short, which would lose the batch in flight: the write goes on, and the shutdown's last
        ``flush`` waits for it (the lock) before writing what is left."""
        while True:
            await asyncio.sleep(self.interval)
            if not self.buffer:
                self.progress = time.monotonic()
                continue
            await asyncio.shield(self._flush_or_warn())

    async def _flush_or_warn(self) -> None:
        try:
            await self.flush()
        except StoreUnavailable as exc:
            log.warning("decision log flush failed, %d waiting: %s", self.waiting, type(exc).__name__)

    async def close(self, wait: float) -> None:
        """Write what is left, trying again while the database is away, for ``wait`` seconds at most; what is
        still left then is lost, and said so in an error log line."""
        deadline = time.monotonic() + wait
        while self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                async with asyncio.timeout(remaining):
                    await self.flush()
            except StoreUnavailable:
                await asyncio.sleep(min(RETRY_EVERY, max(0.0, deadline - time.monotonic())))
            except TimeoutError:
                break
        if self.buffer:
            log.error("%d decision records could not be written within %.0f s of stopping: they are lost",
                      len(self.buffer), wait)
