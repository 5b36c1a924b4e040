"""The console's people: sign-in by name and password (the admin token only for the very first one, where the
owner creates their account), invitations by one-time link, roles, and the sessions, listed and revocable.

Its own router, included before ``pages`` (whose last route answers every other /admin address).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from app.console.passwords import hash_password, problem, verify_password
from app.console.sessions import (
    COOKIE_PATH,
    NEW_INVITATION_COOKIE,
    NEW_INVITATION_PATH,
    SESSION_COOKIE,
)
from app.console.web import (
    AnonymousPostDep,
    ConsoleRoute,
    PeopleDep,
    SignedInDep,
    Visitor,
    VisitorDep,
    local_path,
    redirect,
    render,
)
from app.frames.records import ROLES, Person
from app.storage.outcomes import InvalidValue, NameTaken, PersonNotFound
from app.storage.people_store import clean_name, name_key

router = APIRouter(prefix="/admin", route_class=ConsoleRoute, include_in_schema=False)
NOTICES = ("signed_out", "welcome", "person_removed", "role_changed", "session_ended", "last_owner",
           "not_yourself")


def _notice(value: str | None) -> str | None:
    return value if value in NOTICES else None


async def _form(v: Visitor) -> Any:
    return await v.request.form()


def _text(form: Any, name: str, limit: int = 400) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _client(v: Visitor) -> str:
    return v.request.client.host if v.request.client else "unknown"


async def _open_session(v: Visitor, person: Person, target: str) -> Response:
    """Sign ``person`` in: a new session stored server-side, its cookie, then the page asked for."""
    lifetime = dt.timedelta(seconds=v.console.sessions.lifetime)
    token = await v.services.store.open_session(person.id, lifetime, _client(v),
                                                v.request.headers.get("user-agent") or "")
    response = redirect(target)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(lifetime.total_seconds()), path=COOKIE_PATH,
                        httponly=True, samesite="strict", secure=v.secure())
    return response


# ------------------------------------------------------------------------------------------ sign in
def _sign_in_page(v: Visitor, status: int = 200, *, first: bool, target: str, error: str | None = None,
                  seconds: int = 0, notice: str | None = None, name: str = "") -> Response:
    response = render(v, "sign_in.html", status, first=first, next=target, error=error, seconds=seconds,
                      notice=notice, name=name)
    if status == 429:
        response.headers["retry-after"] = str(seconds)
    return response


@router.get("/sign-in")
async def sign_in_page(v: VisitorDep, next: str | None = None, notice: str | None = None) -> Response:
    target = local_path(next)
    if v.session is not None:
        return redirect(target)
    first = await v.services.store.count_people() == 0
    return _sign_in_page(v, first=first, target=target, notice=_notice(notice))


@router.post("/sign-in")
async def sign_in(v: AnonymousPostDep) -> Response:
    """Name and password; while nobody has an account, the admin token creates the owner's. Failures are
    throttled per address and per name."""
    form = await _form(v)
    target = local_path(_text(form, "next", 2000))
    name, password = clean_name(_text(form, "name")), _text(form, "password")
    store, throttle = v.services.store, v.console.throttle
    first = await store.count_people() == 0
    # A name is throttled only once it names an account: before the first one, the admin token is what is guessed.
    keys = (f"address:{_client(v)}",) if first else (f"address:{_client(v)}", f"name:{name_key(name)}")
    admin_throttle = v.services.admin_throttle  # the admin token's, shared with the management API
    wait = max(*(throttle.wait(k) for k in keys), admin_throttle.wait(_client(v)) if first else 0.0)
    if wait > 0:
        return _sign_in_page(v, 429, first=first, target=target, error="signin_wait", seconds=math.ceil(wait),
                             name=name)
    if first:
        token = _text(form, "token").strip()
        if not token or not v.services.is_admin(token):
            admin_throttle.failed(_client(v))
            seconds = math.ceil(max(throttle.failed(k) for k in keys))
            return _sign_in_page(v, 401, first=True, target=target, error="signin_wrong_token", seconds=seconds,
                                 name=name)
        if not name or problem(password):
            return _sign_in_page(v, 400, first=True, target=target, name=name,
                                 error="signin_name_required" if not name else problem(password))
        try:
            person = await store.add_person(name, "owner", "admin", await hash_password(password), only_if_none=True)
        except NameTaken:  # someone else created the first account meanwhile
            return _sign_in_page(v, 409, first=False, target=target, error="signin_first_taken")
    else:
        found = await store.person_by_name(name) if name else None
        stored = found[1] if found else None
        if not await verify_password(stored, password) or found is None:
            seconds = math.ceil(max(throttle.failed(k) for k in keys))
            return _sign_in_page(v, 401, first=False, target=target, error="signin_wrong", seconds=seconds,
                                 name=name)
        person = found[0]
    for k in keys:
        throttle.succeeded(k)
    if first:
        admin_throttle.succeeded(_client(v))
    return await _open_session(v, person, target)


@router.post("/sign-out")
async def sign_out(v: SignedInDep) -> Response:
    assert v.session is not None
    await v.services.store.end_session(v.session.sid)
    response = redirect("/admin/sign-in?notice=signed_out")
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=v.secure())
    return response


# -------------------------------------------------------------------------------------- invitations
@router.get("/join/{token}")
async def join_page(token: str, v: VisitorDep) -> Response:
    person = await v.services.store.invitation(token[:100])
    if person is None:
        return render(v, "error.html", 404, title="join_invalid_title", message="join_invalid")
    return render(v, "join.html", person=person, token=token, error=None)


@router.post("/join/{token}")
async def join(token: str, v: AnonymousPostDep) -> Response:
    """Use an invitation: choose a password, and be signed in."""
    store = v.services.store
    person = await store.invitation(token[:100])
    if person is None:
        return render(v, "error.html", 404, title="join_invalid_title", message="join_invalid")
    password = _text(await _form(v), "password")
    wrong = problem(password)
    if wrong:
        return render(v, "join.html", 400, person=person, token=token, error=wrong)
    joined = await store.accept_invitation(token[:100], await hash_password(password))
    if joined is None:
        return render(v, "error.html", 404, title="join_invalid_title", message="join_invalid")
    return await _open_session(v, joined, "/admin?notice=welcome")


# -------------------------------------------------------------------------------------------- people
async def _people_page(v: Visitor, status: int = 200, *, notice: str | None = None,
                       link: tuple[Person, str] | None = None, problems: dict[str, str] | None = None,
                       name: str = "", role: str = "editor") -> Response:
    store = v.services.store
    people = await store.list_people()
    sessions = await store.live_sessions()
    return render(v, "people.html", status, nav="people", people=people, sessions=sessions, notice=notice,
                  link=link, problems=problems or {}, name=name, role=role, roles=ROLES)


def _invitation_url(v: Visitor, token: str) -> str:
    return v.services.settings.public_url.rstrip("/") + f"/admin/join/{token}"


@router.get("/people")
async def people(v: PeopleDep, notice: str | None = None) -> Response:
    assert v.session is not None
    sealed = v.console.sessions.open_new_key(v.request.cookies.get(NEW_INVITATION_COOKIE), v.session,
                                             salt="cadre-invitation")
    link = None
    if sealed is not None:
        person = next((p for p in await v.services.store.list_people() if p.id == sealed[0]), None)
        link = (person, sealed[1]) if person is not None else None
    response = await _people_page(v, notice=_notice(notice), link=link)
    if v.request.cookies.get(NEW_INVITATION_COOKIE) is not None:
        response.delete_cookie(NEW_INVITATION_COOKIE, path=NEW_INVITATION_PATH, httponly=True, samesite="strict",
                               secure=v.secure())
    return response


async def _show_link(v: Visitor, person: Person) -> Response:
    """A new invitation link for ``person``, shown once on the next page (sealed like a new key's secret)."""
    assert v.session is not None
    token, _ = await v.services.store.invite(person.id, dt.timedelta(hours=v.services.settings.invitation_hours))
    response = redirect("/admin/people")
    response.set_cookie(NEW_INVITATION_COOKIE,
                        v.console.sessions.seal_new_key(v.session, person.id, _invitation_url(v, token),
                                                        salt="cadre-invitation"),
                        max_age=120, path=NEW_INVITATION_PATH, httponly=True, samesite="strict", secure=v.secure())
    return response


@router.post("/people")
async def invite(v: PeopleDep) -> Response:
    """Add a person with a role; their one-time invitation link is shown once."""
    form = await _form(v)
    name, role = clean_name(_text(form, "name")), _text(form, "role")
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = "people_name_required"
    if role not in ROLES:
        problems["role"] = "form_invalid"
    if not problems:
        try:
            person = await v.services.store.add_person(name, role, v.who)
            return await _show_link(v, person)
        except NameTaken:
            problems["name"] = "people_name_taken"
        except InvalidValue:
            problems["name"] = "form_invalid"
    return await _people_page(v, 400, problems=problems, name=name, role=role if role in ROLES else "editor")


async def _person(v: Visitor, person_id: str) -> Person:
    found = next((p for p in await v.services.store.list_people() if p.id == person_id), None)
    if found is None:
        raise PersonNotFound(person_id)
    return found


@router.post("/people/{person_id}/invitation")
async def new_link(person_id: str, v: PeopleDep) -> Response:
    """A new link for someone (an invitation not used in time, or a forgotten password): the old one stops."""
    return await _show_link(v, await _person(v, person_id))


async def _last_owner(v: Visitor, person: Person) -> bool:
    owners = [p for p in await v.services.store.list_people() if p.role == "owner" and p.joined]
    return person.role == "owner" and [p.id for p in owners] == [person.id]


@router.post("/people/{person_id}/role")
async def change_role(person_id: str, v: PeopleDep) -> Response:
    person = await _person(v, person_id)
    role = _text(await _form(v), "role")
    if role not in ROLES:
        raise InvalidValue("role", "invalid_role")
    if role != "owner" and await _last_owner(v, person):
        return redirect("/admin/people?notice=last_owner")
    await v.services.store.set_role(person.id, role)
    return redirect("/admin/people?notice=role_changed")


@router.get("/people/{person_id}/remove")
async def remove_confirm(person_id: str, v: PeopleDep) -> Response:
    person = await _person(v, person_id)
    return render(v, "confirm.html", nav="people", title=v.t("people_remove_title", name=person.name),
                  text=v.t("people_remove_text", name=person.name), action=f"/admin/people/{person.id}/remove",
                  button=v.t("people_remove_button", name=person.name), back="/admin/people", fields={})


@router.post("/people/{person_id}/remove")
async def remove(person_id: str, v: PeopleDep) -> Response:
    assert v.session is not None
    person = await _person(v, person_id)
    if person.id == v.session.person_id:
        return redirect("/admin/people?notice=not_yourself")
    if await _last_owner(v, person):
        return redirect("/admin/people?notice=last_owner")
    await v.services.store.remove_person(person.id)
    return redirect("/admin/people?notice=person_removed")


@router.post("/sessions/{session_id}/end")
async def end_session(session_id: str, v: PeopleDep) -> Response:
    """Sign someone out of one browser (their other sessions stay)."""
    await v.services.store.end_session(session_id[:64])
    return redirect("/admin/people?notice=session_ended")
