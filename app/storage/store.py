"""The database behind Cadre: every SQL statement, on SQLite and PostgreSQL, one transaction per public method.

Routes never commit. Every write to frames or keys also bumps the ``generation`` counter, which the caches
of every process watch (see ``cache.py``). Failures come back as storage outcomes (``outcomes.py``), never
as HTTP errors.
"""

from __future__ import annotations

from app.frames.model import SLUG
from app.storage.admin_store import AdminQueries
from app.storage.base import StoreBase, check_slug, hash_secret
from app.storage.decision_store import DecisionQueries, ReportRows
from app.storage.frame_store import CHECK_POLICIES, FrameQueries
from app.storage.key_store import KEY_PREFIX, MAX_RATE_LIMIT, REFUSAL_STYLES, KeyQueries
from app.storage.people_store import PeopleQueries

__all__ = ["CHECK_POLICIES", "KEY_PREFIX", "MAX_RATE_LIMIT", "REFUSAL_STYLES", "SLUG", "ReportRows", "Store",
           "check_slug", "hash_secret"]


class Store(FrameQueries, KeyQueries, AdminQueries, DecisionQueries, PeopleQueries, StoreBase):
    """Frames, keys and admin tokens, decisions, people of the console and their sessions."""

    async def close(self) -> None:
        if self.direct is not None:
            self.direct.close()
        await self.engine.dispose()
