"""The web console under /admin: sign in, frames, the guided first frame, the editor, history, keys, decisions.

Server-rendered pages (``app/templates``); ``app/static/cadre.js`` only enhances them (live findings, list
buttons, copy). Every page needs the session and every post its CSRF token (see ``app/console/web.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response

from app.console.diff import diff_frames
from app.console.forms import (
    apply_list_op,
    frame_from_values,
    merged,
    slugify,
    values_from_form,
    values_from_frame,
)
from app.console.sessions import COOKIE_PATH, LANGUAGE_COOKIE, NEW_KEY_COOKIE, NEW_KEY_SECONDS, SESSION_COOKIE
from app.console.views import (
    STEP_NAMES,
    conflict_rows,
    editor_view,
    find_step,
    frame_status,
    snippets,
    step_after,
)
from app.console.web import (
    AdminDep,
    AnonymousPostDep,
    ConsoleRoute,
    Visitor,
    VisitorDep,
    local_path,
    redirect,
    render,
)
from app.errors import InvalidRequest, NotFound
from app.frames.model import Frame
from app.frames.records import FrameState, Key, Version
from app.frames.rules import errors, lint
from app.messages import formats as strings
from app.storage.outcomes import (
    DraftHasErrors,
    FrameArchived,
    FrameNotFound,
    InvalidSlug,
    NoChanges,
    RevisionMismatch,
)
from app.storage.store import MAX_RATE_LIMIT, SLUG, check_slug

router = APIRouter(prefix="/admin", route_class=ConsoleRoute, include_in_schema=False)
NOTICES = ("saved", "published", "rolled_back", "changed", "key_revoked", "signed_out", "guide_done",
           "nothing_to_publish")
OUTCOMES = ("forwarded", "refused", "failed")
DECISIONS_PAGE = 50
NEW_KEY_PATH = "/admin/keys"


def _notice(value: str | None) -> str | None:
    return value if value in NOTICES else None


async def _form(request: Request) -> Any:
    return await request.form()


# ------------------------------------------------------------------------------------ sign in / out
@router.get("/sign-in")
async def sign_in_page(v: VisitorDep, next: str | None = None, notice: str | None = None) -> Response:
    target = local_path(next)
    if v.session is not None:
        return redirect(target)
    return render(v, "sign_in.html", next=target, error=None, seconds=0, notice=_notice(notice))


@router.post("/sign-in")
async def sign_in(v: AnonymousPostDep) -> Response:
    form = await _form(v.request)
    target = local_path(form.get("next"))
    client = v.request.client.host if v.request.client else None  # the peer, or a trusted proxy's client
    throttle = v.services.admin_throttle  # shared with the management API's bearer
    wait = throttle.wait(client)
    if wait > 0:
        seconds = math.ceil(wait)
        response = render(v, "sign_in.html", 429, next=target, error="signin_wait", seconds=seconds,
                          notice=None)
        response.headers["retry-after"] = str(seconds)
        return response
    token = form.get("token")
    if not isinstance(token, str) or not token or not v.services.is_admin(token.strip()):
        seconds = math.ceil(throttle.failed(client))
        return render(v, "sign_in.html", 401, next=target, error="signin_wrong", seconds=seconds,
                      notice=None)
    throttle.succeeded(client)
    name = form.get("who")
    session, cookie = v.console.sessions.issue(name if isinstance(name, str) else "")
    await v.services.store.open_session(session.sid, session.who, dt.timedelta(seconds=v.console.sessions.lifetime))
    signed_in = redirect(target)
    signed_in.set_cookie(SESSION_COOKIE, cookie, max_age=int(v.console.sessions.lifetime),
                         path=COOKIE_PATH, httponly=True, samesite="strict", secure=v.secure())
    return signed_in


@router.post("/sign-out")
async def sign_out(v: AdminDep) -> Response:
    assert v.session is not None
    await v.services.store.close_session(v.session.sid)  # the cookie is no session anymore, wherever it is replayed
    response = redirect("/admin/sign-in?notice=signed_out")
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=v.secure())
    return response


@router.get("/language")
async def language(v: VisitorDep, to: str = "fr", next: str | None = None) -> Response:
    """The language switch: a plain link, remembered for a year (a preference, so no CSRF token needed)."""
    response = redirect(local_path(next))
    response.set_cookie(LANGUAGE_COOKIE, to if to in strings.LANGUAGES else "fr", max_age=365 * 86400,
                        path=COOKIE_PATH, httponly=True, samesite="lax", secure=v.secure())
    return response


# ------------------------------------------------------------------------------------------ frames
@router.get("")
async def frames(v: AdminDep, notice: str | None = None) -> Response:
    store = v.services.store
    states = await store.list_frames()
    keys = await store.list_keys()
    await v.services.decisions.flush()  # what this process saw is counted at once
    now = dt.datetime.now(dt.UTC)
    traffic = await store.traffic(now - dt.timedelta(days=7))
    rows = [{"state": s, "status": frame_status(s, v.lang, now),
             "keys": [k for k in keys if k.frame == s.slug and k.revoked_at is None],
             "traffic": traffic.get(s.slug, {})} for s in states]
    return render(v, "frames.html", rows=rows, notice=_notice(notice), outcomes=OUTCOMES)


# ----------------------------------------------------------------------------------- guided path
@router.get("/new")
async def new_frame_page(v: AdminDep) -> Response:
    return render(v, "guide.html", step="name", steps=STEP_NAMES, state=None, values={"name": "", "slug": "",
                  "language": v.lang}, problems={}, findings=[], checked=False)


@router.post("/new")
async def new_frame(v: AdminDep) -> Response:
    form = await _form(v.request)
    name = str(form.get("name") or "").strip()
    wanted = str(form.get("slug") or "").strip().lower()
    lang = form.get("language") if form.get("language") in strings.LANGUAGES else "fr"
    values = {"name": name, "slug": wanted, "language": lang}
    problems: dict[str, str] = {}
    taken = [s.slug for s in await v.services.store.list_frames(include_archived=True)]
    if not name:
        problems["name"] = "guide_name_required"
    elif len(name) > 200:
        problems["name"] = "form_too_long"
    if wanted and not SLUG.fullmatch(wanted):
        problems["slug"] = "guide_slug_invalid"
    elif wanted in taken:
        problems["slug"] = "guide_slug_taken"
    slug = wanted or slugify(name, taken)
    if not problems:
        try:
            await v.services.store.save_draft(slug, Frame(name=name, language=lang), v.who, if_match=0)
        except RevisionMismatch:
            problems["slug"] = "guide_slug_taken"
    if problems:
        return render(v, "guide.html", 400, step="name", steps=STEP_NAMES, state=None, values=values,
                      problems=problems, findings=[], checked=False)
    return redirect(f"/admin/frames/{slug}/guide/{STEP_NAMES[1]}")


@router.get("/frames/{slug}/guide/{step_name}")
async def guide_page(slug: str, step_name: str, v: AdminDep, checked: bool = False) -> Response:
    step = find_step(step_name)
    if step is None:
        raise NotFound("step")
    state = await v.services.store.get_frame(slug)
    findings = [f for f in lint(state.draft) if step.concerns(f)] if checked else []
    return render(v, "guide.html", step=step_name, step_def=step, steps=STEP_NAMES, state=state,
                  values=values_from_frame(state.draft), problems={}, findings=findings, checked=checked)


@router.post("/frames/{slug}/guide/{step_name}")
async def guide_answer(slug: str, step_name: str, v: AdminDep) -> Response:
    step = find_step(step_name)
    if step is None:
        raise NotFound("step")
    store = v.services.store
    state = await store.get_frame(slug)
    form = await _form(v.request)
    values = merged(values_from_frame(state.draft), values_from_form(form, form.getlist), step.fields)
    frame, problems = frame_from_values(values)
    revision = _revision(form.get("revision"))
    if frame is not None:
        try:
            state = await store.save_draft(slug, frame, v.who, if_match=revision)
            v.services.cache.invalidate()
        except RevisionMismatch:
            state = await store.get_frame(slug)
            problems = {step.fields[0]: "guide_conflict"}
    if problems:
        return render(v, "guide.html", 409 if "guide_conflict" in problems.values() else 400, step=step_name,
                      step_def=step, steps=STEP_NAMES, state=state, values=values, problems=problems,
                      findings=[], checked=False)
    if errors(f for f in lint(state.draft) if step.concerns(f)):
        return redirect(f"/admin/frames/{slug}/guide/{step_name}?checked=true")
    following = step_after(step_name)
    return redirect(f"/admin/frames/{slug}/guide/{following}" if following
                    else f"/admin/frames/{slug}?notice=guide_done")


def _revision(value: Any) -> int | None:
    """The revision the form started from (None: overwrite whatever is there)."""
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 0 <= number < 2**31 else None


# ------------------------------------------------------------------------------------------ editor
def _editor(v: Visitor, state: FrameState, values: dict[str, Any] | None = None, *, status: int = 200,
            form_errors: dict[str, str] | None = None, notice: str | None = None, unsaved: bool = False,
            conflict: FrameState | None = None, blocked: bool = False) -> Response:
    if values is None:
        values = values_from_frame(state.draft)
    frame, parse_errors = frame_from_values(values)
    view = editor_view(state, values, frame, v.services.prompts, form_errors or parse_errors)
    changes = conflict_rows(conflict.draft, values) if conflict is not None else []
    return render(v, "editor.html", status, state=state, view=view, notice=notice, unsaved=unsaved,
                  conflict=conflict, conflict_changes=changes, blocked=blocked,
                  status_parts=frame_status(state, v.lang, dt.datetime.now(dt.UTC)))


@router.get("/frames/{slug}")
async def editor(slug: str, v: AdminDep, notice: str | None = None) -> Response:
    return _editor(v, await v.services.store.get_frame(slug), notice=_notice(notice))


@router.post("/frames/{slug}")
async def editor_post(slug: str, v: AdminDep) -> Response:
    """Save the draft, publish it, or (without script) add, remove or move a list item."""
    store = v.services.store
    form = await _form(v.request)
    values = values_from_form(form, form.getlist)
    action = str(form.get("action") or "save")
    state = await store.get_frame(slug)
    revision = _revision(form.get("revision"))
    if action.startswith("list:"):
        return _editor(v, _at_revision(state, revision), apply_list_op(values, action), unsaved=True)
    frame, problems = frame_from_values(values)
    if frame is None:
        return _editor(v, _at_revision(state, revision), values, status=400, form_errors=problems, unsaved=True)
    if frame != state.draft:
        try:
            state = await store.save_draft(slug, frame, v.who, if_match=revision)
        except RevisionMismatch:
            # Someone saved meanwhile: their version is stored, this person's input stays on the page, and
            # the form now carries the current revision, so saving again (deliberately) replaces theirs.
            current = await store.get_frame(slug)
            return _editor(v, current, values, status=409, conflict=current, unsaved=True)
        v.services.cache.invalidate()
    if action != "publish":
        return redirect(f"/admin/frames/{slug}?notice=saved")
    try:
        await store.publish(slug, v.who, if_match=state.revision)
    except DraftHasErrors:
        return _editor(v, state, status=422, blocked=True)
    except (NoChanges, FrameArchived):
        return redirect(f"/admin/frames/{slug}?notice=nothing_to_publish")
    except RevisionMismatch:
        current = await store.get_frame(slug)
        return _editor(v, current, values, status=409, conflict=current, unsaved=True)
    v.services.cache.invalidate()
    return redirect(f"/admin/frames/{slug}?notice=published")


def _at_revision(state: FrameState, revision: int | None) -> FrameState:
    """The state as the form knew it: re-shown pages keep the form's revision, so a conflict is still seen."""
    if revision is None or revision == state.revision:
        return state
    return dataclasses.replace(state, revision=revision)


@router.post("/frames/{slug}/check")
async def check(slug: str, v: AdminDep) -> Response:
    """Live findings while typing (cadre.js): the form in, findings, what blocks publishing and the prompt out."""
    state = await v.services.store.get_frame(slug)
    form = await _form(v.request)
    values = values_from_form(form, form.getlist)
    frame, problems = frame_from_values(values)
    view = editor_view(state, values, frame, v.services.prompts, problems)
    return JSONResponse({
        "form_errors": {path: v.t(key) for path, key in problems.items()},
        "findings": [f.as_dict() for found in view.findings.values() for f in found],
        "blocking": [f.as_dict() for f in view.blocking],
        "summary": (v.count("publish_blocked", len(view.blocking)) if view.blocking
                    else v.t("publish_ready")),
        "prompt": view.prompt,
        "labels": {"error": v.t("finding_error"), "warning": v.t("finding_warning")},
    })


# ----------------------------------------------------------------------------------------- history
def _pick(value: str | None, versions: list[Version], default: str) -> str:
    numbers = {str(x.version) for x in versions}
    return value if value in numbers or value == "draft" else default


@router.get("/frames/{slug}/history")
async def history(slug: str, v: AdminDep, notice: str | None = None,
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


@router.post("/frames/{slug}/rollback")
async def rollback(slug: str, v: AdminDep) -> Response:
    form = await _form(v.request)
    number = _revision(form.get("version"))
    if not number:
        raise InvalidRequest("version")
    try:
        await v.services.store.rollback(slug, number, v.who, if_match=_revision(form.get("revision")))
    except RevisionMismatch:
        return redirect(f"/admin/frames/{slug}/history?notice=changed")
    v.services.cache.invalidate()
    return redirect(f"/admin/frames/{slug}/history?notice=rolled_back")


# -------------------------------------------------------------------------------------------- keys
async def _keys_page(v: Visitor, frame: str | None, *, created: tuple[Key, str] | None = None,
                     problems: dict[str, str] | None = None, status: int = 200, notice: str | None = None,
                     name: str = "", rate_limit: str = "") -> Response:
    store = v.services.store
    states = await store.list_frames()
    keys = await store.list_keys(frame if frame in {s.slug for s in states} else None)
    names = {s.slug: s.draft.name or s.slug for s in states}
    secret = created[1] if created else None
    return render(v, "keys.html", status, states=states, names=names, keys=list(reversed(keys)), frame=frame,
                  created=created[0] if created else None, secret=secret, problems=problems or {}, name=name,
                  rate_limit=rate_limit, notice=notice,
                  snippets=snippets(v.services.settings.public_url, secret, v.lang))


@router.get("/keys")
async def keys(v: AdminDep, frame: Annotated[str | None, Query(max_length=64)] = None,
               notice: str | None = None) -> Response:
    assert v.session is not None
    sealed = v.console.sessions.open_new_key(v.request.cookies.get(NEW_KEY_COOKIE), v.session)
    created = None
    if sealed is not None:
        key = next((k for k in await v.services.store.list_keys() if k.id == sealed[0]), None)
        created = (key, sealed[1]) if key is not None and key.revoked_at is None else None
    response = await _keys_page(v, frame, created=created, notice=_notice(notice))
    if v.request.cookies.get(NEW_KEY_COOKIE) is not None:
        response.delete_cookie(NEW_KEY_COOKIE, path=NEW_KEY_PATH, httponly=True, samesite="strict", secure=v.secure())
    return response


@router.post("/keys")
async def create_key(v: AdminDep) -> Response:
    """Create a key, then show its secret once: it goes to the next page in a short-lived sealed cookie, so
    reloading that page neither creates a second key nor shows the secret again."""
    assert v.session is not None
    form = await _form(v.request)
    frame = str(form.get("frame") or "")
    name = " ".join(str(form.get("name") or "").split())
    style = str(form.get("refusal_style") or "error")
    limit_text = str(form.get("rate_limit") or "").strip()
    problems: dict[str, str] = {}
    rate_limit = None
    if limit_text:
        rate_limit = int(limit_text) if limit_text.isdigit() and len(limit_text) <= 7 else 0
        if not 1 <= rate_limit <= MAX_RATE_LIMIT:
            problems["rate_limit"] = "keys_rate_limit_invalid"
    if len(name) > 200:
        problems["name"] = "form_too_long"
    if style not in ("error", "message"):
        problems["refusal_style"] = "form_invalid"
    try:
        check_slug(frame)
        if not problems:
            key, secret = await v.services.store.create_key(frame, name, style, rate_limit)
            v.services.cache.invalidate()
            response = redirect(f"/admin/keys?frame={frame}")
            response.set_cookie(NEW_KEY_COOKIE, v.console.sessions.seal_new_key(v.session, key.id, secret),
                                max_age=NEW_KEY_SECONDS, path=NEW_KEY_PATH, httponly=True, samesite="strict",
                                secure=v.secure())
            return response
    except (InvalidSlug, FrameNotFound, FrameArchived):
        problems["frame"] = "keys_frame_required"
    return await _keys_page(v, frame or None, problems=problems, status=400, name=name, rate_limit=limit_text)


@router.post("/keys/{key_id}/revoke")
async def revoke_key(key_id: str, v: AdminDep) -> Response:
    key = await v.services.store.revoke_key(key_id)
    v.services.cache.invalidate()
    return redirect(f"/admin/keys?frame={key.frame}&notice=key_revoked")


# --------------------------------------------------------------------------------------- decisions
@router.get("/decisions")
async def decisions(v: AdminDep, frame: Annotated[str | None, Query(max_length=64)] = None,
                    outcome: Annotated[str | None, Query(max_length=16)] = None,
                    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None) -> Response:
    store = v.services.store
    states = await store.list_frames(include_archived=True)
    frame = frame if frame in {s.slug for s in states} else None
    outcome = outcome if outcome in OUTCOMES else None
    await v.services.decisions.flush()
    rows = await store.decisions(frame=frame, outcome=outcome, before_id=before, limit=DECISIONS_PAGE)
    key_names = {k.id: k.name for k in await store.list_keys()}
    for row in rows:
        row["at"] = dt.datetime.fromisoformat(row["at"]) if row["at"] else None
    older = rows[-1]["id"] if len(rows) == DECISIONS_PAGE else None
    return render(v, "decisions.html", rows=rows, states=states, frame=frame, outcome=outcome,
                  outcomes=OUTCOMES, key_names=key_names, older=older)


@router.get("/{rest:path}")
async def unknown_page(rest: str, v: AdminDep) -> Response:
    """Any other /admin address: sign-in first, like every console page, then a page saying it does not exist."""
    if rest == "":
        return redirect("/admin")
    raise NotFound(rest[:60])
