"""The one place where a gateway request is timed, counted and recorded, and where whatever went wrong is
turned into an answer: ``async with Recording(...) as decision``."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from types import TracebackType

from app.errors import CadreError, DatabaseUnavailable, FrameRefusal, JudgeUnavailable
from app.frames.records import Decision
from app.gateway.http import Request
from app.messages import both
from app.services import Services
from app.storage.outcomes import StoreUnavailable

log = logging.getLogger("cadre.gateway")


class Recording:
    """A request's decision, from its start to the log.

    On the way out, an error of ours becomes its OpenAI-shaped answer (unless an answer has started), the
    outcome and code say what happened, a client that left is recorded ``client_disconnected``, and the
    decision is observed by the metrics and added to the log once: at once, or by ``defer`` (the judge
    records it when it has answered).
    """

    __slots__ = ("decision", "defer", "request", "services", "started")

    def __init__(self, request: Request, services: Services, endpoint: str) -> None:
        self.request, self.services = request, services
        self.decision = Decision(request.request_id, endpoint, "failed", 0.0)
        self.defer: Callable[[Decision], None] | None = None  # adds a forwarded decision later (the judge)
        self.started = time.perf_counter()

    async def __aenter__(self) -> Decision:
        return self.decision

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        _: TracebackType | None) -> bool:
        decision, request = self.decision, self.request
        handled = True
        try:
            if exc is None:
                pass
            elif isinstance(exc, StoreUnavailable):
                decision.code = "database_unavailable"
                await self._answer(DatabaseUnavailable())
            elif isinstance(exc, CadreError):
                decision.code = exc.code
                if isinstance(exc, FrameRefusal | JudgeUnavailable):
                    decision.outcome = "refused"
                elif decision.outcome == "forwarded":
                    decision.outcome = "failed"
                await self._answer(exc)
            elif isinstance(exc, asyncio.CancelledError):
                handled = request.gone
                # The client left: the upstream call is cancelled and there is nobody to answer (unless it had
                # the whole answer already).
                if request.gone and not request.answered:
                    decision.outcome, decision.code = "failed", "client_disconnected"
                task = asyncio.current_task()
                if handled and task is not None:
                    task.uncancel()
            elif isinstance(exc, Exception):
                # A bug of ours: log it, and still answer in the OpenAI shape if nothing was sent yet.
                log.exception("unexpected error on %s", request.scope["path"], exc_info=exc)
                decision.code = "internal_error"
                await self._answer(CadreError(both("error.internal_error"), code="internal_error"))
            else:
                handled = False
        finally:
            decision.latency_ms = (time.perf_counter() - self.started) * 1000
            self.services.metrics.observe(decision)
            if self.defer is not None and decision.outcome == "forwarded":
                self.defer(decision)
            else:
                self.services.add_decision(decision)
        return handled

    async def _answer(self, exc: CadreError) -> None:
        if not self.request.started:
            await self.request.fail(exc)
