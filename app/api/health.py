"""Health: /healthz (the process answers) and /readyz (database reachable, decision log writing, upstream
configured)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.api.deps import ServicesDep
from app.storage.outcomes import StoreUnavailable

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Ready to serve: database reachable, decision log writing, upstream configured")
async def readyz(services: ServicesDep) -> Any:
    checks: dict[str, str] = {}
    try:
        await services.store.generation()
        checks["database"] = "ok"
    except StoreUnavailable as exc:
        checks["database"] = f"unreachable: {exc}"
    log = services.decisions
    stalled = log.stalled_for()
    writing = stalled <= services.settings.decision_stall_seconds
    checks["decision_log"] = "ok" if writing else f"not written for {stalled:.0f} s, {log.waiting} records waiting"
    checks["upstream"] = "configured" if services.upstreams.configured() else "preview-only"
    ready = checks["database"] == "ok" and writing
    return JSONResponse({"status": "ready" if ready else "not-ready", "checks": checks},
                        status_code=200 if ready else 503)
