"""Console test helpers: Debian's Chromium through Playwright, signing in (browser and plain HTTP), screenshots.

Screenshots go to tests/screenshots/ (gitignored). With CADRE_DOC_SCREENSHOTS=1 the three README ones are
also written to docs/screenshots/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support import ADMIN, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "tests" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
WAIT_MS = 8_000  # every Playwright wait is bounded by this
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "un mot de passe de test"  # every test person's


def invitation_path(base: str, name: str, role: str = "owner") -> str | None:
    """Invite ``name`` through the management API (as a script would); the link's path, None if they exist."""
    with httpx.Client(base_url=base, headers=ADMIN, timeout=10) as api:
        response = api.post("/api/people", json={"name": name, "role": role})
    if response.status_code == 409:
        return None
    assert response.status_code == 201, response.text
    return urlsplit(response.json()["invitation"]["url"]).path


def add_person(base: str, name: str, role: str = "owner") -> None:
    """An account for ``name`` with ``PASSWORD``: invited by the API, joined through the invitation page."""
    path = invitation_path(base, name, role)
    if path is None:
        return
    with httpx.Client(base_url=base, follow_redirects=False, timeout=10) as web:
        page = web.get(path)
        joined = web.post(path, data={"csrf": csrf_of(page.text), "password": PASSWORD})
        assert joined.status_code == 303, joined.text


def chromium() -> Iterator[Any]:
    """A headless Chromium for a test module (use as ``browser = pytest.fixture(scope="module")(chromium)``)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                             timeout=30_000)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, viewport: dict[str, int] | None = None, **options: Any) -> Any:
    """A page in a fresh context (its own cookies: another person, or another device)."""
    options.setdefault("locale", "fr-FR")  # the browser's language picks the console's: French, as most owners
    context = browser.new_context(viewport=viewport or DESKTOP, **options)
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    return context.new_page()


def watch_errors(page: Any) -> list[str]:
    """Script errors and console errors (a Content-Security-Policy violation is one) seen by this page; not the
    notes Chromium logs for pages answered with 4xx on purpose (a refused publication is a 422)."""
    seen: list[str] = []

    def console(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            seen.append(f"console: {message.text}")

    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    page.on("console", console)
    return seen


def sign_in(page: Any, base: str, who: str = "Claire", target: str = "/admin", role: str = "owner") -> None:
    """Sign in through the form (the first console page redirects there), as ``who`` (an account made first if
    needed, with ``role``)."""
    add_person(base, who, role)
    page.goto(base + target)
    page.locator("#name").fill(who)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/admin/sign-in'] button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(base + target) + r"(\?.*)?$"))


def shot(page: Any, name: str, doc: str | None = None, full_page: bool = True) -> Path:
    """Save a screenshot of the page (and, when asked, the README's copy)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if doc and os.environ.get("CADRE_DOC_SCREENSHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOC_SHOTS / f"{doc}.png"), full_page=full_page)
    return path


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


class ConsoleClient:
    """A plain-HTTP console user: cookies kept, redirects not followed (so tests see them)."""

    def __init__(self, base: str, **headers: str) -> None:
        self.http = httpx.Client(base_url=base, follow_redirects=False, timeout=10, headers=headers)

    def __enter__(self) -> ConsoleClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.http.close()

    def sign_in(self, who: str = "Claire", role: str = "owner", target: str = "/admin") -> httpx.Response:
        add_person(str(self.http.base_url).rstrip("/"), who, role)
        page = self.http.get("/admin/sign-in")
        response = self.http.post("/admin/sign-in", data={"csrf": csrf_of(page.text), "name": who,
                                                          "password": PASSWORD, "next": target})
        assert response.status_code == 303, response.text
        return response

    def csrf(self, path: str = "/admin") -> str:
        return csrf_of(self.http.get(path).text)

    def get(self, path: str, **options: Any) -> httpx.Response:
        return self.http.get(path, **options)

    def post(self, path: str, data: dict[str, Any], csrf: bool = True) -> httpx.Response:
        """Post a form, with this session's CSRF token unless told otherwise."""
        fields = dict(data)
        if csrf:
            fields["csrf"] = self.csrf()
        return self.http.post(path, data=fields)
