"""The decisions page, ``/admin/decisions``: each request in words (sent with the frame, refused because …,
sent but against « … »), what was asked when it was flagged, filters, technical details on demand."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.console.views import decision_story
from app.console.web import ConsoleRoute, SignedInDep, render
from app.messages import formats as strings

router = APIRouter(prefix="/admin", route_class=ConsoleRoute, include_in_schema=False)
OUTCOMES = ("forwarded", "refused", "failed")
PERIODS = (1, 7, 30, 90)
DECISIONS_PAGE = 50


@router.get("/decisions")
async def decisions(v: SignedInDep, frame: Annotated[str | None, Query(max_length=64)] = None,
                    outcome: Annotated[str | None, Query(max_length=16)] = None,
                    check: Annotated[str | None, Query(max_length=16)] = None,
                    item: Annotated[str | None, Query(max_length=300)] = None,
                    key: Annotated[str | None, Query(max_length=40)] = None,
                    days: Annotated[str | None, Query(max_length=4)] = None,
                    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None) -> Response:
    store = v.services.store
    states = await store.list_frames(include_archived=True)
    names = {s.slug: s.draft.name or s.slug for s in states}
    keys = await store.list_keys()
    frame = frame if frame in names else None
    outcome = outcome if outcome in OUTCOMES else None
    check = check if check in strings.CHECK_OUTCOMES else None
    key = key if key in {k.id for k in keys} else None
    period = int(days) if days and days.isdigit() and int(days) in PERIODS else None
    items = _items(states, frame)
    item = item if item in items else None
    await v.services.decisions.flush()
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=period) if period else None
    rows = await store.decisions(frame=frame, outcome=outcome, check_outcome=check, item=item, key_id=key,
                                 since=since, before_id=before, limit=DECISIONS_PAGE)
    key_names = {k.id: k.name for k in keys}
    languages = {s.slug: s.draft.language for s in states}
    for row in rows:
        row["at"] = dt.datetime.fromisoformat(row["at"]) if row["at"] else None
        row["story"] = decision_story(row, v.lang)
        row["language"] = languages.get(row["frame"] or "", v.lang)
    filters = {"frame": frame, "outcome": outcome, "check": check, "item": item, "key": key,
               "days": str(period) if period else None}
    older = rows[-1]["id"] if len(rows) == DECISIONS_PAGE else None
    return render(v, "decisions.html", nav="decisions", rows=rows, states=states, names=names, outcomes=OUTCOMES,
                  checks=strings.CHECK_OUTCOMES, items=items, keys=keys, key_names=key_names, periods=PERIODS,
                  filters=filters, query={k: f for k, f in filters.items() if f}, older=older)


def _items(states: list[Any], frame: str | None) -> list[str]:
    """The refusals (then banned words) of the published frames, or of the one chosen: the refusal filter."""
    out: dict[str, None] = {}
    for state in states:
        if frame in (None, state.slug) and state.published is not None:
            out.update(dict.fromkeys(i.strip() for i in state.published.frame.refusals if i.strip()))
            out.update(dict.fromkeys(i.strip() for i in state.published.frame.lexicon.banned if i.strip()))
    return list(out)
