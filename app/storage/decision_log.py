"""The decision log's buffer: the request path appends in memory, a background task writes in batches.

While the database is unreachable records wait in the buffer. When it is full the oldest records are
dropped and counted in ``dropped`` (a newer record is worth more to the owner than an older one).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from app.frames.records import Decision, DecisionRow
from app.storage.outcomes import StoreUnavailable
from app.storage.store import Store

log = logging.getLogger("cadre.decisions")


class DecisionLog:
    """Buffered writer of decision records."""

    def __init__(self, store: Store, interval: float, capacity: int) -> None:
        self.store, self.interval = store, interval
        self.buffer: deque[DecisionRow] = deque(maxlen=capacity)
        self.dropped = 0
        self.written = 0
        # One writer at a time: a flush asked for by a reader waits for the background batch in flight,
        # so whatever was answered before the read is in the database when the read runs.
        self._flushing = asyncio.Lock()

    def add(self, decision: Decision) -> None:
        if len(self.buffer) == self.buffer.maxlen:
            self.dropped += 1
        self.buffer.append(decision.record())

    async def flush(self) -> None:
        """Write everything buffered now; on failure, the batch goes back to the front of the queue."""
        async with self._flushing:
            size = self.store.decision_batch
            while self.buffer:
                batch = [self.buffer.popleft() for _ in range(min(size, len(self.buffer)))]
                try:
                    await self.store.record_decisions(batch)
                except StoreUnavailable:
                    self.buffer.extendleft(reversed(batch))
                    raise
                self.written += len(batch)
                await asyncio.sleep(0)  # requests go on between two batches

    async def run(self) -> None:
        """Flush every ``interval`` seconds forever (a lifespan task). Cancelling it (shutdown) never cuts a
        write short, which would lose the batch in flight: the write goes on, and the shutdown's last
        ``flush`` waits for it (the lock) before writing what is left."""
        while True:
            await asyncio.sleep(self.interval)
            await asyncio.shield(self._flush_or_warn())

    async def _flush_or_warn(self) -> None:
        try:
            await self.flush()
        except StoreUnavailable as exc:
            log.warning("decision log flush failed, %d waiting: %s", len(self.buffer), type(exc).__name__)
