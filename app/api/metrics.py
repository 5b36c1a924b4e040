"""/metrics: the gateway's counters and histograms in the Prometheus text format (app/metrics.py)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from app.api.deps import ServicesDep

router = APIRouter(tags=["health"])
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/metrics", summary="Prometheus metrics of this process", response_class=PlainTextResponse,
            responses={200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}}}})
async def metrics(services: ServicesDep) -> PlainTextResponse:
    log = services.decisions
    stalled = log.stalled_for()
    gauges = [
        ("cadre_decision_buffer_depth", "gauge", "Decision records waiting to be written.", log.waiting),
        ("cadre_decision_buffer_capacity", "gauge", "Decision records the buffer holds at most "
         "(CADRE_DECISION_BUFFER_SIZE).", log.buffer.maxlen or 0),
        ("cadre_decisions_written_total", "counter", "Decision records written to the database.", log.written),
        ("cadre_decisions_dropped_total", "counter", "Decision records dropped because the buffer was full "
         "(the oldest go first).", log.dropped),
        ("cadre_decisions_repaired_total", "counter", "Decision records the database refused as they were, written "
         "once repaired (cleaned, or without what the client or the upstream sent).", log.repaired),
        ("cadre_decisions_rejected_total", "counter", "Decision records the database refused even repaired: "
         "dropped.", log.rejected),
        ("cadre_decision_log_unwritten_seconds", "gauge", "Seconds since the decision log last wrote while records "
         "wait (0 when none waits).", stalled),
        ("cadre_decision_log_stalled", "gauge", "1 when the decision log has not written for more than "
         "CADRE_DECISION_STALL_SECONDS while records wait (/readyz answers 503 then).",
         float(stalled > services.settings.decision_stall_seconds)),
        ("cadre_admin_token_failures_total", "counter", "Wrong admin tokens (API bearer, console sign-in).",
         services.admin_throttle.failures),
        ("cadre_admin_token_throttled_total", "counter", "Admin-token attempts answered 429 (the address, or "
         "everyone, must wait).", services.admin_throttle.refused),
        ("cadre_cache_reads_total", "counter", "Database reads made for keys and frames missing from the cache "
         "(concurrent requests missing the same entry share one).", services.cache.reads),
        ("cadre_rate_limited_total", "counter", "Requests refused with 429 by a key's requests per minute.",
         services.limiter.limited),
    ]
    semantic = services.semantic
    if semantic is not None:
        gauges += [
            ("cadre_semantic_pending", "gauge", "Requests the semantic stage holds now (waiting or being scored).",
             semantic.pending),
            ("cadre_semantic_capacity", "gauge", "Requests it holds at most (CADRE_SEMANTIC_QUEUE).",
             semantic.capacity),
            ("cadre_semantic_scored_total", "counter", "Requests the semantic stage scored.", semantic.scored),
            ("cadre_semantic_sampled_out_total", "counter", "Requests not scored because the semantic stage was "
             "full: sampled out rather than slowed.", semantic.sampled_out),
            ("cadre_semantic_failed_total", "counter", "Requests the semantic stage's model could not score.",
             semantic.failed),
        ]
    return PlainTextResponse(services.metrics.render(gauges), media_type=CONTENT_TYPE)
