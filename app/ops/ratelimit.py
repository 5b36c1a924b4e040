"""Requests per minute per key, held across replicas without a database round trip on each request.

Each process counts the requests it lets through, per key and per minute, in memory. Every ``interval``
seconds it adds those counts to the shared ``rate_windows`` table and reads back the sums of every replica.
A request goes through while the estimate of the key's last sixty seconds stays under its limit:

    previous minute's sum x (the part of the previous minute still inside the last 60 s) + this minute's sum

(the sliding-window estimate: no burst of twice the limit across a minute boundary, two numbers per key),
each sum being the shared one as last read plus what this process let through since. Between two
synchronisations replicas do not see each other's new requests, so a key can pass its limit by what the
other replicas let through in one interval; while the database is away, each process goes on with what it
knows (docs/decisions.md).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time

from app.storage.outcomes import StoreUnavailable
from app.storage.store import Store

log = logging.getLogger("cadre.ratelimit")
WINDOW = 60.0  # seconds: limits are per minute

Counts = dict[tuple[str, int], int]  # (key id, minute since the epoch) -> requests


def retry_after(limit: int, current: int, previous: int, elapsed: float) -> int:
    """Whole seconds until the estimate falls under ``limit`` if no request comes; ``elapsed``: 0..1 into the
    current minute."""
    # Under the limit this minute: the previous minute's share must fade. Over it: wait for the next minute,
    # then for this one's share to fade enough.
    wait = (1 - (limit - current) / previous) - elapsed if current < limit else (1 - elapsed) + (1 - limit / current)
    return max(1, math.ceil(wait * WINDOW))


class RateLimiter:
    """This process's view of every key's requests in the current and previous minute."""

    def __init__(self, store: Store, interval: float) -> None:
        self.store, self.interval = store, interval
        self.shared: Counts = {}  # every replica's sums, as last read
        self.unsent: Counts = {}  # let through here and not yet added to the shared sums
        self.limited = 0  # requests refused, for the metrics
        self._failing = False

    def admit(self, key_id: str, limit: int, now: float) -> int | None:
        """None when the request may go (it is counted); otherwise the seconds to wait (Retry-After)."""
        position = now / WINDOW
        window = int(position)
        elapsed = position - window
        here, before = (key_id, window), (key_id, window - 1)
        current = self.shared.get(here, 0) + self.unsent.get(here, 0)
        previous = self.shared.get(before, 0) + self.unsent.get(before, 0)
        if previous * (1 - elapsed) + current < limit:
            self.unsent[here] = self.unsent.get(here, 0) + 1
            return None
        self.limited += 1
        return retry_after(limit, current, previous, elapsed)

    async def sync(self, now: float) -> None:
        """Add what was let through here to the shared sums; read every replica's sums back."""
        oldest = int(now / WINDOW) - 1  # older minutes no longer count
        sending = {k: n for k, n in self.unsent.items() if k[1] >= oldest}
        totals = await self.store.add_rate_counts(sending, oldest)
        # Requests admitted while the write was in flight stay in ``unsent``; what was sent is in ``totals``.
        unsent = {}
        for k, n in self.unsent.items():
            left = n - sending.get(k, 0)
            if left > 0 and k[1] >= oldest:
                unsent[k] = left
        self.unsent, self.shared = unsent, totals

    async def run(self) -> None:
        """Synchronise every ``interval`` seconds forever (a lifespan task)."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.sync(time.time())
                if self._failing:
                    log.info("rate limit counts shared again")
                self._failing = False
            except StoreUnavailable as exc:
                if not self._failing:  # once per outage: the cache and decision log warn as well
                    log.warning("rate limit counts not shared (database away): %s", type(exc).__name__)
                self._failing = True
                self._forget_old(time.time())

    def _forget_old(self, now: float) -> None:
        oldest = int(now / WINDOW) - 1
        self.unsent = {k: n for k, n in self.unsent.items() if k[1] >= oldest}
