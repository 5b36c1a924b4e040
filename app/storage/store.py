"""The database behind Cadre: every SQL statement, on SQLite and PostgreSQL, one transaction per public method.

Routes never commit. Every write to frames or keys also bumps the ``generation`` counter, which the caches
of every process watch (see ``cache.py``). Failures come back as storage outcomes (``outcomes.py``), never
as HTTP errors.
"""

from __future__ import annotations

from app.storage.admin_store import AdminQueries
from app.storage.base import SLUG, StoreBase, check_slug, hash_secret
from app.storage.decision_store import DecisionQueries, ReportRows
from app.storage.frame_store import CHECK_POLICIES, FrameQueries
from app.storage.key_store import KEY_PREFIX, MAX_RATE_LIMIT, KeyQueries

__all__ = ["CHECK_POLICIES", "KEY_PREFIX", "MAX_RATE_LIMIT", "SLUG", "ReportRows", "Store", "check_slug",
           "hash_secret"]


class Store(FrameQueries, KeyQueries, AdminQueries, DecisionQueries, StoreBase):
    """Frames, keys, admin tokens and console sessions, decisions."""

    async def close(self) -> None:
        if self.direct is not None:
            self.direct.close()
        await self.engine.dispose()
