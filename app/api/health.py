"""Health: /healthz (the process answers) and /readyz (database reachable, upstream configured)."""

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


@router.get("/readyz", summary="Ready to serve: database reachable, upstream configured")
async def readyz(services: ServicesDep) -> Any:
    checks: dict[str, str] = {}
    try:
        await services.store.generation()
        checks["database"] = "ok"
    except StoreUnavailable as exc:
        checks["database"] = f"unreachable: {exc}"
    checks["upstream"] = "configured" if services.upstreams.configured() else "preview-only"
    ready = checks["database"] == "ok"
    return JSONResponse({"status": "ready" if ready else "not-ready", "checks": checks},
                        status_code=200 if ready else 503)
