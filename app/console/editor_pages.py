"""The frame's editor, its live check, its history and rollback: ``/admin/frames/{slug}`` and below.

Two people at once: the form carries the revision and the values it started from, so a save that meets
another person's meanwhile is merged field by field; only the fields both changed need a choice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import JSONResponse, Response

from app.console.diff import diff_frames
from app.console.forms import (
    WATCH_FOR,
    WATCH_WORDS,
    apply_list_op,
    base_values,
    frame_from_values,
    merge,
    revision_of,
    values_from_form,
    values_from_frame,
)
from app.console.views import editor_view, frame_status
from app.console.web import ConsoleRoute, EditorDep, NotAllowed, OwnerDep, SignedInDep, Visitor, redirect, render
from app.errors import InvalidRequest
from app.frames.records import FrameState, Version
from app.storage.outcomes import DraftHasErrors, FrameArchived, NoChanges, RevisionMismatch

router = APIRouter(prefix="/admin", route_class=ConsoleRoute, include_in_schema=False)
NOTICES = ("saved", "published", "rolled_back", "changed", "guide_done", "nothing_to_publish", "merged")


def _notice(value: str | None) -> str | None:
    return value if value in NOTICES else None


def _editor(v: Visitor, state: FrameState, values: dict[str, Any] | None = None, *, status: int = 200,
            form_errors: dict[str, str] | None = None, notice: str | None = None, unsaved: bool = False,
            conflict: FrameState | None = None, choices: list[str] | None = None, blocked: bool = False,
            base: dict[str, Any] | None = None) -> Response:
    if values is None:
        values = values_from_frame(state.draft)
    frame, parse_errors = frame_from_values(values)
    view = editor_view(state, values, frame, v.services.prompts, form_errors or parse_errors)
    theirs = values_from_frame(conflict.draft) if conflict is not None else {}
    changes = [(p, theirs[p], values[p]) for p in choices or []]
    return render(v, "editor.html", status, state=state, view=view, notice=notice, unsaved=unsaved,
                  conflict=conflict, conflict_changes=changes, blocked=blocked, readonly=not v.can("edit"),
                  base=json.dumps(base if base is not None else values_from_frame(state.draft), ensure_ascii=False),
                  status_parts=frame_status(state, v.lang, dt.datetime.now(dt.UTC)))


@router.get("/frames/{slug}")
async def editor(slug: str, v: SignedInDep, notice: str | None = None) -> Response:
    return _editor(v, await v.services.store.get_frame(slug), notice=_notice(notice))


@router.post("/frames/{slug}")
async def editor_post(slug: str, v: EditorDep) -> Response:
    """Save the draft, publish it (owners), or (without script) add, remove or move a list item."""
    store = v.services.store
    form = await v.request.form()
    values = values_from_form(form, form.getlist)
    action = str(form.get("action") or "save")
    if action == "publish" and not v.can("publish"):
        raise NotAllowed
    base = base_values(str(form.get("base") or ""))
    for path in [str(k)[5:] for k, choice in form.items() if str(k).startswith("keep.") and choice == "theirs"]:
        if base is not None and path in base:  # in a conflict, "keep theirs": the base is their version
            values[path] = base[path]
    state = await store.get_frame(slug)
    if not form.getlist(WATCH_FOR):  # a form without the watch section keeps the draft's lists
        kept = values_from_frame(state.draft)
        values[WATCH_FOR], values[WATCH_WORDS] = kept[WATCH_FOR], kept[WATCH_WORDS]
    revision = revision_of(form.get("revision"))
    if action.startswith("list:"):
        return _editor(v, _at_revision(state, revision), apply_list_op(values, action), unsaved=True, base=base)
    frame, problems = frame_from_values(values)
    if frame is None:
        return _editor(v, _at_revision(state, revision), values, status=400, form_errors=problems, unsaved=True,
                       base=base)
    if frame != state.draft:
        try:
            state = await store.save_draft(slug, frame, v.who, if_match=revision)
        except RevisionMismatch:
            return await _merge(v, slug, base, values)
        v.services.cache.invalidate()
    if action != "publish":
        return redirect(f"/admin/frames/{slug}?notice=saved")
    try:
        published = await store.publish(slug, v.who, if_match=state.revision)
    except DraftHasErrors:
        return _editor(v, state, status=422, blocked=True)
    except (NoChanges, FrameArchived):
        return redirect(f"/admin/frames/{slug}?notice=nothing_to_publish")
    except RevisionMismatch:
        return await _merge(v, slug, base, values)
    v.services.cache.invalidate()
    v.services.propose_watch(published)  # with a model: proposed watch lists land in the draft, in the background
    return redirect(f"/admin/frames/{slug}?notice=published")


async def _merge(v: Visitor, slug: str, base: dict[str, Any] | None, values: dict[str, Any]) -> Response:
    """Someone saved meanwhile: keep each field only one of them changed; when both changed the same field,
    show the page (409) with this person's input in the form and a choice for those fields only."""
    store = v.services.store
    current = await store.get_frame(slug)
    merged, both = merge(base, values_from_frame(current.draft), values)
    frame, _ = frame_from_values(merged)
    if not both and frame is not None:
        try:
            await store.save_draft(slug, frame, v.who, if_match=current.revision)
        except RevisionMismatch:
            current = await store.get_frame(slug)  # a third save in between: show everything to choose
        else:
            v.services.cache.invalidate()
            return redirect(f"/admin/frames/{slug}?notice=merged")
        merged, both = merge(None, values_from_frame(current.draft), values)
    return _editor(v, current, merged, status=409, conflict=current, choices=both, unsaved=True,
                   base=values_from_frame(current.draft))


def _at_revision(state: FrameState, revision: int | None) -> FrameState:
    """The state as the form knew it: re-shown pages keep the form's revision, so a conflict is still seen."""
    if revision is None or revision == state.revision:
        return state
    return dataclasses.replace(state, revision=revision)


@router.post("/frames/{slug}/check")
async def check(slug: str, v: EditorDep) -> JSONResponse:
    """Live findings while typing (cadre.js): the form in; findings, what blocks publishing, the frame's state
    and the prompt out, so every panel of the page says the same thing."""
    state = await v.services.store.get_frame(slug)
    form = await v.request.form()
    values = values_from_form(form, form.getlist)
    frame, problems = frame_from_values(values)
    view = editor_view(state, values, frame, v.services.prompts, problems)
    shown = dataclasses.replace(state, draft=frame) if frame is not None else state
    return JSONResponse({
        "form_errors": {path: v.t(key) for path, key in problems.items()},
        "findings": [f.as_dict() for found in view.findings.values() for f in found],
        "blocking": [f.as_dict() for f in view.blocking],
        "summary": v.t(view.summary_key, version=view.live_version) if not view.blocking
        else v.count("publish_blocked", len(view.blocking)),
        "blocked_count": v.count("publish_blocked", len(view.blocking)),
        "prompt": view.prompt,
        "prompt_heading": v.t(view.prompt_heading),
        "prompt_explain": v.t(view.prompt_explain, version=view.next_version),
        "status": [{"kind": p.kind, "text": p.text} for p in frame_status(shown, v.lang, dt.datetime.now(dt.UTC))],
        "labels": {"error": v.t("finding_error"), "warning": v.t("finding_warning")},
    })


# ----------------------------------------------------------------------------------------- history
def _pick(value: str | None, versions: list[Version], default: str) -> str:
    numbers = {str(x.version) for x in versions}
    return value if value in numbers or value == "draft" else default


@router.get("/frames/{slug}/history")
async def history(slug: str, v: SignedInDep, notice: str | None = None,
                  a: Annotated[str | None, Query(alias="from", max_length=12)] = None,
                  b: Annotated[str | None, Query(alias="to", max_length=12)] = None) -> Response:
    store = v.services.store
    state = await store.get_frame(slug)
    versions = await store.versions(slug)
    latest = str(versions[-1].version) if versions else "draft"
    before = _pick(a, versions, str(versions[-2].version) if len(versions) > 1 else latest)
    after = _pick(b, versions, "draft" if state.draft_differs() and versions else latest)
    frames = {str(x.version): x.frame for x in versions} | {"draft": state.draft}
    changes = diff_frames(frames[before], frames[after]) if versions else []
    return render(v, "history.html", state=state, versions=list(reversed(versions)), before=before, after=after,
                  changes=changes, notice=_notice(notice),
                  status_parts=frame_status(state, v.lang, dt.datetime.now(dt.UTC)))


@router.get("/frames/{slug}/rollback")
async def rollback_confirm(slug: str, v: OwnerDep,
                           version: Annotated[int, Query(ge=1, lt=2**31)],
                           revision: Annotated[int | None, Query(ge=0, lt=2**31)] = None) -> Response:
    """Ask before publishing an older version again, saying what it changes."""
    store = v.services.store
    state = await store.get_frame(slug)
    old = await store.version(slug, version)
    name = state.draft.name or slug
    changes = diff_frames(state.published.frame, old.frame) if state.published else []
    return render(v, "confirm.html", nav="frames", title=v.t("rollback_confirm_title", version=version, name=name),
                  text=v.t("rollback_confirm_text", version=version,
                           next=(state.published.version if state.published else 0) + 1),
                  action=f"/admin/frames/{slug}/rollback", button=v.t("history_rollback", version=version),
                  back=f"/admin/frames/{slug}/history",
                  fields={"version": str(version), "revision": str(state.revision if revision is None else revision)},
                  changes=changes, state=state)


@router.post("/frames/{slug}/rollback")
async def rollback(slug: str, v: OwnerDep) -> Response:
    form = await v.request.form()
    number = revision_of(form.get("version"))
    if not number:
        raise InvalidRequest("version")
    try:
        await v.services.store.rollback(slug, number, v.who, if_match=revision_of(form.get("revision")))
    except RevisionMismatch:
        return redirect(f"/admin/frames/{slug}/history?notice=changed")
    v.services.cache.invalidate()
    return redirect(f"/admin/frames/{slug}/history?notice=rolled_back")
