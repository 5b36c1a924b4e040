"""The console's report page, ``/admin/frames/{slug}/report``: the révélateur's numbers, sentences and charts,
each refusal this period against the last with real examples, and the check policy changed from the page
(with what each policy would have done to last week's requests).

Its own router, included before ``pages`` (whose last route answers every other /admin address).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from markupsafe import Markup
from starlette.responses import Response

from app.console.views import frame_status
from app.console.web import ConsoleRoute, OwnerDep, SignedInDep, redirect, render
from app.errors import InvalidRequest
from app.revelateur import report
from app.storage.store import CHECK_POLICIES

router = APIRouter(prefix="/admin", route_class=ConsoleRoute, include_in_schema=False)
PERIODS = (7, 30, 90, 365)
WHAT_IF_DAYS = 7


@router.get("/frames/{slug}/report")
async def report_page(slug: str, v: SignedInDep,
                      period: Annotated[str | None, Query(alias="days", max_length=6)] = None,
                      notice: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    days = _days(period)
    store = v.services.store
    state = await store.get_frame(slug)
    await v.services.decisions.flush()
    now = dt.datetime.now(dt.UTC)
    since = now - dt.timedelta(days=days)
    rows = await store.report_rows(slug, since, previous_since=since - dt.timedelta(days=days))
    built = report.build(slug, state.published.frame if state.published else None, rows, days, now)
    effects = report.policy_effects(await store.check_counts(slug, now - dt.timedelta(days=WHAT_IF_DAYS)))
    # Built by report.bar_chart, which escapes every text it writes: safe to put in the page as it is.
    charts = {name: Markup(svg) for name, svg in built.charts(v.lang).items()}
    periods = sorted({*PERIODS, days})
    return render(v, "report.html", state=state, report=built, charts=charts, periods=periods, days=days,
                  sentences=built.sentences(v.lang),
                  frame_sentences=built.sentences(built.language) if built.language != v.lang else [],
                  status_parts=frame_status(state, v.lang, now), policies=CHECK_POLICIES, effects=effects,
                  what_if_days=WHAT_IF_DAYS, notice="policy_changed" if notice == "policy_changed" else None)


@router.post("/frames/{slug}/policy")
async def change_policy(slug: str, v: OwnerDep) -> Response:
    """Switch the frame's check policy (off, flag, refuse); every process applies it at once."""
    form = await v.request.form()
    policy = form.get("policy")
    if policy not in CHECK_POLICIES:
        raise InvalidRequest("policy")
    await v.services.store.set_policy(slug, str(policy))
    v.services.cache.invalidate()
    return redirect(f"/admin/frames/{slug}/report?notice=policy_changed#policy")


def _days(value: str | None) -> int:
    """The period asked for, kept within 1 to 365 days (30 when it is not a number)."""
    try:
        return min(max(int(value or 30), 1), 365)
    except ValueError:
        return 30
