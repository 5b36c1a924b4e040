"""Serving console pages: the route class (sign-in redirect, CSRF refusal, HTML errors, security headers),
the visitor (language, browser, session) and rendering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from starlette.responses import HTMLResponse, RedirectResponse, Response

from app.console.forms import dom_id
from app.console.sessions import (
    BROWSER_COOKIE,
    COOKIE_PATH,
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    Session,
    new_browser_id,
)
from app.console.state import Console
from app.errors import InvalidRequest, NotFound
from app.messages import formats as strings
from app.services import Services
from app.storage.outcomes import FrameNotFound, InvalidSlug, InvalidValue, KeyNotFound, VersionNotFound

# No inline script or style anywhere: the page's only script and stylesheet are our own files.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",  # pages hold the strategy, and once a new key's secret
}
BROWSER_COOKIE_DAYS = 400


class SignInRequired(Exception):
    """No valid session: go to the sign-in page, then come back to ``next_path``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A form post without this browser's and this session's CSRF token."""


@dataclass
class Visitor:
    """Who is asking: their language, their browser id, their session (None before sign-in)."""

    request: Request
    services: Services
    console: Console  # the console's templates, sessions and sign-in throttle
    lang: str
    browser: str
    new_browser: bool
    session: Session | None
    checked: bool = False  # the session was looked up in the database (``checked_visitor``)

    @property
    def csrf(self) -> str:
        return self.console.sessions.csrf_token(self.browser, self.session)

    @property
    def who(self) -> str:
        return self.session.who if self.session else "admin"

    def t(self, key: str, **values: Any) -> str:
        return strings.text(key, self.lang, **values)

    def t_in(self, lang: str, key: str, **values: Any) -> str:
        """A string in another language than the console's: a frame's own (the guided path's examples)."""
        return strings.text(key, lang if lang in strings.LANGUAGES else strings.DEFAULT, **values)

    def count(self, key: str, n: int, **values: Any) -> str:
        return strings.count(key, n, self.lang, **values)

    def label(self, path: str) -> str:
        return strings.field_label(path, self.lang)

    def reason(self, code: str) -> str:
        return strings.reason(code, self.lang)

    def when(self, moment: dt.datetime | None) -> str:
        return strings.when(moment, self.console.zone, self.lang) if moment else ""

    def ago(self, moment: dt.datetime | None) -> str:
        return strings.ago(moment, dt.datetime.now(dt.UTC), self.lang) if moment else ""

    def secure(self) -> bool:
        return self.request.url.scheme == "https"


def visitor(request: Request) -> Visitor:
    """The visitor of this request (built once, kept on the request for the route class)."""
    known: Visitor | None = getattr(request.state, "console_visitor", None)
    if known is not None:
        return known
    services: Services = request.state.services
    cookies = request.cookies
    browser = cookies.get(BROWSER_COOKIE) or ""
    new = not (16 <= len(browser) <= 64 and browser.replace("-", "").replace("_", "").isalnum())
    if new:
        browser = new_browser_id()
    lang = strings.pick_language(cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
    console: Console = request.state.console
    found = Visitor(request, services, console, lang, browser, new, console.sessions.read(cookies.get(SESSION_COOKIE)))
    request.state.console_visitor = found
    return found


async def checked_visitor(request: Request) -> Visitor:
    """The visitor, whose session is one only while the database still holds it (not signed out, not ended by a
    new admin token, on any replica)."""
    v = visitor(request)
    if v.session is not None and not v.checked:
        v.checked = True
        if not await v.services.store.session_alive(v.session.sid):
            v.session = None
    return v


VisitorDep = Annotated[Visitor, Depends(checked_visitor)]


def local_path(target: str | None, default: str = "/admin") -> str:
    """``target`` if it is a console path of this site (never another site: no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not (parts.path == "/admin" or parts.path.startswith("/admin/")):
        return default
    if "\\" in target or target.startswith("//"):
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def check_csrf(v: Visitor) -> None:
    form = await v.request.form()
    token = form.get("csrf")
    if not v.console.sessions.csrf_ok(token if isinstance(token, str) else None,
                                               v.request.cookies.get(BROWSER_COOKIE), v.session):
        raise CsrfRefused


async def signed_in(v: VisitorDep) -> Visitor:
    """Every console page and post but sign-in: a session, and for a post its CSRF token."""
    if v.session is None:
        if v.request.method == "GET":
            query = v.request.url.query
            raise SignInRequired(v.request.url.path + (f"?{query}" if query else ""))
        referer = urlsplit(v.request.headers.get("referer") or "")
        same_site = referer.netloc in ("", v.request.url.netloc)
        raise SignInRequired(local_path(referer.path if same_site else None))
    if v.request.method == "POST":
        await check_csrf(v)
    return v


AdminDep = Annotated[Visitor, Depends(signed_in)]


async def anonymous_post(v: VisitorDep) -> Visitor:
    """The sign-in form: posted before any session, it still carries this browser's CSRF token."""
    await check_csrf(v)
    return v


AnonymousPostDep = Annotated[Visitor, Depends(anonymous_post)]


def render(v: Visitor, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A console page: the template with the visitor's strings, dates and CSRF token."""
    page = v.console.pages.get_template(template)
    html = page.render(v=v, t=v.t, dom_id=dom_id, assets=v.console.assets, **context)
    return HTMLResponse(html, status_code=status)


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def sign_in_url(next_path: str) -> str:
    return "/admin/sign-in" + ("" if next_path == "/admin" else f"?next={quote(next_path, safe='/')}")


def _sign_in_response(request: Request, next_path: str) -> Response:
    # The session cookie is SameSite=Strict, so a link followed from another site (a refusal shown in a chat
    # tool) arrives without it. A same-site reload sends it: reload once before asking to sign in again.
    if request.method == "GET" and request.headers.get("sec-fetch-site") == "cross-site":
        target = quote(next_path, safe="/?=&")
        return HTMLResponse(f'<!doctype html><meta http-equiv="refresh" content="0;url={target}">'
                            f'<title>Cadre</title><a href="{target}">Cadre</a>')
    return redirect(sign_in_url(next_path))


def _finish(request: Request, response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    v: Visitor | None = getattr(request.state, "console_visitor", None)
    if v is not None and v.new_browser:
        response.set_cookie(BROWSER_COOKIE, v.browser, max_age=BROWSER_COOKIE_DAYS * 86400, path=COOKIE_PATH,
                            httponly=True, samesite="strict", secure=v.secure())
    return response


class ConsoleRoute(APIRoute):
    """Console routes answer in HTML: sign-in redirects, 403 on a missing CSRF token, error pages, and the
    security headers (CSP without inline script) on every response."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def console_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except SignInRequired as exc:
                response = _sign_in_response(request, exc.next_path)
            except CsrfRefused:
                response = render(visitor(request), "error.html", 403, title="error_csrf_title",
                                  message="error_csrf")
            except (NotFound, FrameNotFound, VersionNotFound, KeyNotFound):
                response = render(visitor(request), "error.html", 404, title="error_not_found_title",
                                  message="error_not_found")
            except (InvalidRequest, InvalidSlug, InvalidValue):
                response = render(visitor(request), "error.html", 400, title="error_invalid_title",
                                  message="error_invalid")
            return _finish(request, response)

        return console_handler
