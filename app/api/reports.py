"""``GET /api/frames/{slug}/report``: the révélateur's report of a frame over the last days (admin token)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.api.deps import AdminDep, ServicesDep
from app.revelateur import report
from app.storage.store import check_slug

router = APIRouter(prefix="/api", tags=["management"])
Days = Annotated[int, Query(ge=1, le=365, description="The period: this many days up to now.")]


@router.get("/frames/{slug}/report", summary="The frame's report: outcomes, priorities, refusals, frame changes")
async def frame_report(slug: str, _: AdminDep, services: ServicesDep, days: Days = 30,
                       svg: Annotated[bool, Query(description="Add the two bar charts as SVG documents.")] = False,
                       ) -> dict[str, Any]:
    """Numbers first, sentences in French and English, and with ``svg=true`` the charts in the frame's language."""
    check_slug(slug)
    await services.decisions.flush()  # what this process saw is counted at once
    until = dt.datetime.now(dt.UTC)
    state = await services.store.get_frame(slug)
    rows = await services.store.report_rows(slug, until - dt.timedelta(days=days))
    built = report.build(slug, state.published.frame if state.published else None, rows, days, until)
    body = built.as_dict()
    if svg:
        body["charts"] = built.charts(built.language)
    return body
