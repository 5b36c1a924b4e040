"""The console's report page, ``/admin/frames/{slug}/report``: the révélateur's numbers, sentences and charts.

Its own router, included before ``admin_pages`` (whose last route answers every other /admin address).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from markupsafe import Markup
from starlette.responses import Response

from app.console.views import frame_status
from app.console.web import AdminDep, ConsoleRoute, render
from app.revelateur import report

router = APIRouter(prefix="/admin", route_class=ConsoleRoute, include_in_schema=False)
PERIODS = (7, 30, 90, 365)


@router.get("/frames/{slug}/report")
async def report_page(slug: str, v: AdminDep, period: Annotated[str | None, Query(alias="days", max_length=6)] = None
                      ) -> Response:
    days = _days(period)
    store = v.services.store
    state = await store.get_frame(slug)
    await v.services.decisions.flush()
    now = dt.datetime.now(dt.UTC)
    rows = await store.report_rows(slug, now - dt.timedelta(days=days))
    built = report.build(slug, state.published.frame if state.published else None, rows, days, now)
    # Built by report.bar_chart, which escapes every text it writes: safe to put in the page as it is.
    charts = {name: Markup(svg) for name, svg in built.charts(v.lang).items()}
    periods = sorted({*PERIODS, days})
    return render(v, "report.html", state=state, report=built, charts=charts, periods=periods, days=days,
                  sentences=built.sentences(v.lang),
                  frame_sentences=built.sentences(built.language) if built.language != v.lang else [],
                  status_parts=frame_status(state, v.lang, now))


def _days(value: str | None) -> int:
    """The period asked for, kept within 1 to 365 days (30 when it is not a number)."""
    try:
        return min(max(int(value or 30), 1), 365)
    except ValueError:
        return 30
