"""The web console under /admin: sign in, frames, the guided first frame, the editor, history, keys, decisions.

Server-rendered pages (``app/templates``); ``app/static/cadre.js`` only enhances them (live findings, list
buttons, copy). Every page needs the session and every post its CSRF token (see ``app/console/web.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from app.console.forms import (
    frame_from_values,
    merged,
    revision_of,
    slugify,
    values_from_form,
    values_from_frame,
)
from app.console.sessions import COOKIE_PATH, LANGUAGE_COOKIE, NEW_KEY_COOKIE, NEW_KEY_SECONDS
from app.console.views import (
    STEP_NAMES,
    find_step,
    frame_status,
    snippets,
    step_after,
    steps_to_redo,
)
from app.console.web import (
    ConsoleRoute,
    EditorDep,
    KeysDep,
    SignedInDep,
    Visitor,
    VisitorDep,
    local_path,
    redirect,
    render,
)
from app.errors import NotFound
from app.frames.model import Frame
from app.frames.records import Key
from app.frames.rules import errors, lint
from app.messages import formats as strings
from app.storage.outcomes import (
    FrameArchived,
    FrameNotFound,
    InvalidSlug,
    RevisionMismatch,
)
from app.storage.store import MAX_RATE_LIMIT, REFUSAL_STYLES, check_slug

router = APIRouter(prefix="/admin", route_class=ConsoleRoute, include_in_schema=False)
NOTICES = ("key_revoked", "welcome")
OUTCOMES = ("forwarded", "refused", "failed")
DECISIONS_PAGE = 50
NEW_KEY_PATH = "/admin/keys"


def _notice(value: str | None) -> str | None:
    return value if value in NOTICES else None


async def _form(request: Request) -> Any:
    return await request.form()


# ------------------------------------------------------------------------------------------ language
@router.get("/language")
async def language(v: VisitorDep, to: str = "fr", next: str | None = None) -> Response:
    """The language switch: a plain link, remembered for a year (a preference, so no CSRF token needed)."""
    response = redirect(local_path(next))
    response.set_cookie(LANGUAGE_COOKIE, to if to in strings.LANGUAGES else "fr", max_age=365 * 86400,
                        path=COOKIE_PATH, httponly=True, samesite="lax", secure=v.secure())
    return response


# ------------------------------------------------------------------------------------------ frames
@router.get("")
async def frames(v: SignedInDep, notice: str | None = None) -> Response:
    store = v.services.store
    states = await store.list_frames()
    keys = await store.list_keys()
    await v.services.decisions.flush()  # what this process saw is counted at once
    now = dt.datetime.now(dt.UTC)
    traffic = await store.traffic(now - dt.timedelta(days=7))
    rows = [{"state": s, "status": frame_status(s, v.lang, now),
             "keys": [k for k in keys if k.frame == s.slug and k.revoked_at is None],
             "traffic": traffic.get(s.slug, {}), "against": traffic.get(s.slug, {}).get("against", 0)}
            for s in states]
    return render(v, "frames.html", rows=rows, notice=_notice(notice), outcomes=OUTCOMES)


# ----------------------------------------------------------------------------------- guided path
@router.get("/new")
async def new_frame_page(v: EditorDep) -> Response:
    return render(v, "guide.html", step="name", steps=STEP_NAMES, state=None, values={"name": "", "slug": "",
                  "language": v.lang}, problems={}, findings=[], checked=False, todo=set())


@router.post("/new")
async def new_frame(v: EditorDep) -> Response:
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
    wanted = slugify(wanted) if wanted else ""  # "Mon Slug!" -> "mon-slug": derived, not refused
    if wanted in taken:
        problems["slug"] = "guide_slug_taken"
    slug = wanted or slugify(name, taken)
    if not problems:
        try:
            await v.services.store.save_draft(slug, Frame(name=name, language=lang), v.who, if_match=0)
        except RevisionMismatch:
            problems["slug"] = "guide_slug_taken"
    if problems:
        return render(v, "guide.html", 400, step="name", steps=STEP_NAMES, state=None, values=values,
                      problems=problems, findings=[], checked=False, todo=set())
    return redirect(f"/admin/frames/{slug}/guide/{STEP_NAMES[1]}")


@router.get("/frames/{slug}/guide/{step_name}")
async def guide_page(slug: str, step_name: str, v: EditorDep, checked: bool = False) -> Response:
    step = find_step(step_name)
    if step is None:
        raise NotFound("step")
    state = await v.services.store.get_frame(slug)
    findings = [f for f in lint(state.draft) if step.concerns(f)] if checked else []
    return render(v, "guide.html", step=step_name, step_def=step, steps=STEP_NAMES, state=state,
                  values=values_from_frame(state.draft), problems={}, findings=findings, checked=checked,
                  todo=steps_to_redo(state.draft))


@router.post("/frames/{slug}/guide/{step_name}")
async def guide_answer(slug: str, step_name: str, v: EditorDep) -> Response:
    step = find_step(step_name)
    if step is None:
        raise NotFound("step")
    store = v.services.store
    state = await store.get_frame(slug)
    form = await _form(v.request)
    values = merged(values_from_frame(state.draft), values_from_form(form, form.getlist), step.fields)
    frame, problems = frame_from_values(values)
    revision = revision_of(form.get("revision"))
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
                      findings=[], checked=False, todo=steps_to_redo(state.draft))
    if errors(f for f in lint(state.draft) if step.concerns(f)):
        return redirect(f"/admin/frames/{slug}/guide/{step_name}?checked=true")
    following = step_after(step_name)
    return redirect(f"/admin/frames/{slug}/guide/{following}" if following
                    else f"/admin/frames/{slug}?notice=guide_done")


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
async def keys(v: KeysDep, frame: Annotated[str | None, Query(max_length=64)] = None,
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
async def create_key(v: KeysDep) -> Response:
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
    if style not in REFUSAL_STYLES:
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


@router.get("/keys/{key_id}/revoke")
async def revoke_confirm(key_id: str, v: KeysDep) -> Response:
    """Ask before revoking: the tools using this key stop at once."""
    key = next((k for k in await v.services.store.list_keys() if k.id == key_id), None)
    if key is None or key.revoked_at is not None:
        raise NotFound(key_id[:60])
    return render(v, "confirm.html", nav="keys", title=v.t("keys_revoke_title", name=key.name),
                  text=v.t("keys_revoke_text", name=key.name), action=f"/admin/keys/{key.id}/revoke",
                  button=v.t("keys_revoke_named", name=key.name), back=f"/admin/keys?frame={key.frame}", fields={})


@router.post("/keys/{key_id}/revoke")
async def revoke_key(key_id: str, v: KeysDep) -> Response:
    key = await v.services.store.revoke_key(key_id)
    v.services.cache.invalidate()
    return redirect(f"/admin/keys?frame={key.frame}&notice=key_revoked")


@router.get("/{rest:path}")
async def unknown_page(rest: str, v: SignedInDep) -> Response:
    """Any other /admin address: sign-in first, like every console page, then a page saying it does not exist."""
    if rest == "":
        return redirect("/admin")
    raise NotFound(rest[:60])
