"""The console's guards, over plain HTTP against Cadre served by uvicorn: the session (redirects, cookie flags,
expiry), CSRF, escaping of frame text, the Content-Security-Policy, the sign-in throttle, and secrets."""

from __future__ import annotations

import re
import time
from html import unescape
from typing import Any

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer

from app.console.sessions import console_key
from app.console.web import CSP
from tests.conftest import ADMIN, ADMIN_TOKEN, good_frame, new_key, put_frame
from tests.console_support import ConsoleClient, csrf_of

SLUG = "atelier-rustine"
PAGES = ("/admin", "/admin/new", f"/admin/frames/{SLUG}", f"/admin/frames/{SLUG}/guide/offer",
         f"/admin/frames/{SLUG}/history", "/admin/keys", "/admin/decisions", "/admin/no-such-page")


def seed(base: str) -> tuple[str, str]:
    """A published frame with one key; returns the key's id and secret."""
    with httpx.Client(base_url=base) as api:
        put_frame(api, SLUG, good_frame())
        secret = new_key(api, SLUG, name="Site web")
        key_id = api.get("/api/keys", headers=ADMIN).json()["data"][0]["id"]
    return key_id, secret


def state(base: str) -> dict[str, Any]:
    """What a refused post must not have changed: the frame and the keys."""
    with httpx.Client(base_url=base, headers=ADMIN) as api:
        frame = api.get(f"/api/frames/{SLUG}").json()
        keys = api.get("/api/keys").json()["data"]
    return {"revision": frame["revision"], "versions": frame["published"]["version"],
            "keys": [(k["id"], k["active"]) for k in keys]}


def posts(key_id: str) -> list[tuple[str, dict[str, str]]]:
    """Every console post, with a body that would work."""
    frame = good_frame()
    return [
        ("/admin/new", {"name": "Studio Ardoise", "language": "fr"}),
        (f"/admin/frames/{SLUG}", {"action": "save", "name": "Changé", "offer": frame["offer"]}),
        (f"/admin/frames/{SLUG}/check", {"name": "Changé"}),
        (f"/admin/frames/{SLUG}/guide/offer", {"offer": "Autre chose"}),
        (f"/admin/frames/{SLUG}/rollback", {"version": "1"}),
        ("/admin/keys", {"frame": SLUG, "name": "Encore une", "refusal_style": "error"}),
        (f"/admin/keys/{key_id}/revoke", {}),
        ("/admin/sign-out", {}),
    ]


def old_session_cookie(hours_ago: float) -> str:
    """A session cookie signed with the console's real key, as issued ``hours_ago``."""
    serializer = URLSafeTimedSerializer(console_key(None, ADMIN_TOKEN, []), salt="cadre-console-session")
    signer = serializer.make_signer()
    signer.get_timestamp = lambda: int(time.time() - hours_ago * 3600)  # type: ignore[method-assign]
    payload = serializer.dump_payload({"sid": "old-session", "who": "Claire"})
    return signer.sign(payload).decode()


@pytest.mark.parametrize("cookie", [None, "tampered", "expired"])
def test_every_page_and_post_without_a_session_goes_to_sign_in(serve, cookie):
    base = serve()
    key_id, _ = seed(base)
    before = state(base)
    with ConsoleClient(base) as anonymous:
        if cookie == "tampered":
            anonymous.http.cookies.set("cadre_session", old_session_cookie(0)[:-3] + "AAA", path="/admin")
        elif cookie == "expired":
            anonymous.http.cookies.set("cadre_session", old_session_cookie(13), path="/admin")
        for path in PAGES:
            response = anonymous.get(path)
            assert response.status_code == 303, path
            expected = "/admin/sign-in" + ("" if path == "/admin" else f"?next={path}")
            assert response.headers["location"] == expected, path
        token = csrf_of(anonymous.get("/admin/sign-in").text)  # even with this browser's CSRF token
        for path, data in posts(key_id):
            response = anonymous.http.post(path, data={**data, "csrf": token})
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/admin/sign-in"), path
    assert state(base) == before


def test_sign_in_then_back_to_the_page_asked_for(serve):
    base = serve()
    seed(base)
    with ConsoleClient(base) as user:
        page = user.get(f"/admin/frames/{SLUG}/history")
        sign_in_url = page.headers["location"]
        form = user.get(sign_in_url)
        assert f'name="next" value="/admin/frames/{SLUG}/history"' in form.text
        response = user.http.post("/admin/sign-in", data={"csrf": csrf_of(form.text), "token": ADMIN_TOKEN,
                                                          "next": f"/admin/frames/{SLUG}/history"})
        assert response.headers["location"] == f"/admin/frames/{SLUG}/history"
        assert user.get(response.headers["location"]).status_code == 200


def test_a_link_followed_from_another_site_reloads_once_to_send_the_strict_cookie(serve):
    base = serve()
    seed(base)
    with ConsoleClient(base) as browser:  # a cross-site navigation arrives without the SameSite=Strict cookie
        cross_site = browser.get(f"/admin/frames/{SLUG}", headers={"sec-fetch-site": "cross-site"})
        assert cross_site.status_code == 200
        assert f'<meta http-equiv="refresh" content="0;url=/admin/frames/{SLUG}">' in cross_site.text


@pytest.mark.parametrize("redirect_to", ["https://evil.example/admin", "//evil.example/admin", "/api/keys",
                                         "/admin\\@evil.example"])
def test_no_redirect_leaves_the_console(serve, redirect_to):
    base = serve()
    with ConsoleClient(base) as user:
        form = user.get("/admin/sign-in")
        response = user.http.post("/admin/sign-in", data={"csrf": csrf_of(form.text), "token": ADMIN_TOKEN,
                                                          "next": redirect_to})
        assert response.headers["location"] == "/admin"
        switched = user.get("/admin/language", params={"to": "en", "next": redirect_to})
        assert switched.headers["location"] == "/admin"


def test_a_post_without_this_sessions_csrf_token_is_refused(serve):
    base = serve()
    key_id, _ = seed(base)
    before = state(base)
    with ConsoleClient(base) as claire, ConsoleClient(base) as marc:
        claire.sign_in("Claire")
        marc.sign_in("Marc")
        other = marc.csrf()
        for path, data in posts(key_id):
            mine = claire.csrf()
            tampered = mine[:-1] + ("1" if mine.endswith("0") else "0")  # always differs from the real one
            for token in (None, "", other, tampered):
                body = data if token is None else {**data, "csrf": token}
                response = claire.http.post(path, data=body)
                assert response.status_code == 403, (path, token)
                assert "Formulaire refusé" in response.text
                assert response.headers["content-security-policy"] == CSP
        assert state(base) == before
        # The same post with the token goes through: the refusal was the token's doing.
        saved = claire.post(f"/admin/keys/{key_id}/revoke", {})
        assert saved.status_code == 303 and state(base)["keys"] == [(key_id, False)]
    with ConsoleClient(base) as anonymous:
        refused = anonymous.http.post("/admin/sign-in", data={"token": ADMIN_TOKEN})
        assert refused.status_code == 403 and "cadre_session" not in refused.headers.get("set-cookie", "")


SCRIPT = "\"'><script>alert('{}')</script>"
TEXT_FIELDS = ("name", "offer", "audience", "need", "promise")
LIST_FIELDS = ("secondary_audiences", "priorities", "refusals", "alternatives", "proof")


def hostile_frame() -> dict[str, Any]:
    """Every text of the frame tries to break out of its attribute and run a script."""
    frame: dict[str, Any] = {name: SCRIPT.format(name) for name in TEXT_FIELDS}
    frame.update({name: [SCRIPT.format(f"{name}{i}") for i in range(2)] for name in LIST_FIELDS})
    frame["voice"] = {"tone": SCRIPT.format("tone"), "address": "vous"}
    frame["lexicon"] = {"preferred": [SCRIPT.format("preferred")], "banned": [SCRIPT.format("banned")]}
    return frame


def marks(frame: dict[str, Any]) -> list[str]:
    """The escaped form of every text of the frame, as it must appear in a page."""
    texts: list[str] = []
    for value in frame.values():
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            texts.extend(value)
        elif isinstance(value, dict):
            texts.extend(t for v in value.values() for t in (v if isinstance(v, list) else [v]) if "<" in t)
    return [t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
            .replace("'", "&#39;") for t in texts]


def no_script_but_ours(html: str, where: str) -> None:
    assert html.count("<script") == 1 and '<script src="/static/cadre.js' in html, where
    assert "alert(" not in html.replace("alert(&#39;", ""), where


def test_script_in_every_frame_field_shows_as_text_on_every_page(serve):
    base = serve()
    seed(base)
    frame = hostile_frame()
    with httpx.Client(base_url=base) as api:
        put_frame(api, SLUG, frame, publish=False)
        new_key(api, SLUG, name=SCRIPT.format("key"))
    escaped = marks(frame)
    with ConsoleClient(base) as user:
        user.sign_in()
        every_field = (f"/admin/frames/{SLUG}", f"/admin/frames/{SLUG}/history?from=1&to=draft")
        for path in every_field:
            html = user.get(path).text
            no_script_but_ours(html, path)
            missing = [m for m in escaped if m not in html]
            assert missing == [], (path, missing)
        for path in ("/admin", "/admin/keys", "/admin/decisions", f"/admin/frames/{SLUG}/guide/offer",
                     f"/admin/frames/{SLUG}/guide/priorities", f"/admin/frames/{SLUG}/guide/refusals"):
            html = user.get(path).text
            no_script_but_ours(html, path)
            assert "&lt;script&gt;" in html or path == "/admin/decisions", path
        # The conflict page shows the other person's texts next to this person's.
        conflict = user.post(f"/admin/frames/{SLUG}", {"action": "save", "revision": "1", "name": "Autre"})
        assert conflict.status_code == 409
        no_script_but_ours(conflict.text, "conflict")
        assert escaped[0] in conflict.text
        # Live findings answer in JSON, never HTML.
        check = user.post(f"/admin/frames/{SLUG}/check", {"name": SCRIPT.format("live")})
        assert check.headers["content-type"] == "application/json"


def test_every_console_page_sends_the_policy_and_has_no_inline_script_or_style(serve):
    base = serve()
    seed(base)
    with ConsoleClient(base) as user:
        responses = {"/admin/sign-in": user.get("/admin/sign-in")}
        user.sign_in()
        for path in (*PAGES, "/admin/frames/nothing-here", "/admin/frames/NOT_A_SLUG"):
            responses[path] = user.get(path)
    assert responses["/admin/frames/nothing-here"].status_code == 404
    assert responses["/admin/no-such-page"].status_code == 404
    assert responses["/admin/frames/NOT_A_SLUG"].status_code == 400
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "style-src 'self'" in CSP
    for path, response in responses.items():
        assert response.headers["content-type"].startswith("text/html"), path
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["x-frame-options"] == "DENY" and response.headers["cache-control"] == "no-store"
        html = response.text
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == [], path
        assert re.findall(r"\son[a-z]+\s*=", html) == [], path
        assert re.findall(r"\sstyle\s*=|<style", html) == [], path
        assert "javascript:" not in html, path


def session_cookie(response: httpx.Response) -> str:
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith("cadre_session=")]
    assert len(found) == 1, response.headers
    return found[0].lower()


def test_the_session_cookie_is_signed_http_only_strict_and_expires(serve):
    base = serve(console_session_hours=2)
    with ConsoleClient(base) as user:
        cookie = session_cookie(user.sign_in())
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
        assert "max-age=7200" in cookie and "secure" not in cookie  # plain http here
        browser = [c.lower() for c in user.get("/admin/sign-in").headers.get_list("set-cookie")]
        assert browser == []  # the browser id was set once, on the first page
    with ConsoleClient(base, **{"x-forwarded-proto": "https"}) as user:  # behind a TLS proxy on 127.0.0.1
        first = user.get("/admin/sign-in")
        assert all("secure" in c.lower() for c in first.headers.get_list("set-cookie"))
        # httpx keeps Secure cookies for https addresses only: hand this one back as the browser would.
        user.http.cookies.set("cadre_browser", first.cookies["cadre_browser"], path="/admin")
        response = user.http.post("/admin/sign-in", data={"csrf": csrf_of(first.text), "token": ADMIN_TOKEN})
        assert "; secure" in session_cookie(response)
    with ConsoleClient(base) as user:  # signed with the console's own key, but never opened by a sign-in
        user.http.cookies.set("cadre_session", old_session_cookie(1), path="/admin")
        assert user.get("/admin").status_code == 303


def test_a_session_ends_after_its_lifetime(serve):
    base = serve(console_session_hours=2 / 3600)  # two seconds
    with ConsoleClient(base) as user:
        user.sign_in()
        assert user.get("/admin").status_code == 200
        time.sleep(2.5)
        assert user.get("/admin").status_code == 303


def test_sign_out_ends_the_session_in_this_browser(serve):
    base = serve()
    with ConsoleClient(base) as user:
        user.sign_in()
        response = user.post("/admin/sign-out", {})
        assert response.headers["location"] == "/admin/sign-in?notice=signed_out"
        assert 'cadre_session=""' in response.headers["set-cookie"] or "max-age=0" in session_cookie(response)
        assert user.get("/admin").status_code == 303
        assert "Vous êtes déconnecté." in user.get(response.headers["location"]).text


def test_failed_sign_ins_are_slowed_down(serve):
    base = serve()
    with ConsoleClient(base) as user:
        form = user.get("/admin/sign-in")
        wrong = user.http.post("/admin/sign-in", data={"csrf": csrf_of(form.text), "token": "guess"})
        assert wrong.status_code == 401 and "Ce jeton n'est pas le bon." in unescape(wrong.text)
        assert "set-cookie" not in wrong.headers
        right_too_soon = user.http.post("/admin/sign-in", data={"csrf": csrf_of(form.text), "token": ADMIN_TOKEN})
        assert right_too_soon.status_code == 429
        assert int(right_too_soon.headers["retry-after"]) >= 1
        assert "Trop d'essais manqués" in unescape(right_too_soon.text) and "set-cookie" not in right_too_soon.headers


def test_a_key_secret_is_shown_once_and_no_other_secret_ever(serve):
    base = serve()
    seed(base)
    with ConsoleClient(base) as user:
        user.sign_in()
        created = user.post("/admin/keys", {"frame": SLUG, "name": "Équipe", "refusal_style": "message"})
        assert created.status_code == 303
        shown = user.get(created.headers["location"])
        secret = re.search(r'id="new-secret"[^>]*value="(cadre_sk_[^"]+)"', shown.text)
        assert secret, shown.text
        assert shown.text.count(secret.group(1)) == 3  # the field and the two snippets
        pages = [user.get(path).text for path in (*PAGES, created.headers["location"])]
        reloaded = pages[-1]
        assert secret.group(1) not in reloaded and 'id="new-secret"' not in reloaded
        for html in [*pages, shown.text]:
            assert ADMIN_TOKEN not in html and "sk-upstream-SECRET-never-leak" not in html
        assert [html for html in pages if secret.group(1) in html] == []
    with ConsoleClient(base) as other:  # the sealed secret is bound to the session that created the key
        other.sign_in()
        other.http.cookies.set("cadre_new_key", created.cookies["cadre_new_key"], path="/admin/keys")
        assert 'id="new-secret"' not in other.get("/admin/keys").text


@pytest.mark.parametrize(("accept", "cookie", "expected"), [
    (None, None, "fr"), ("en-US,en;q=0.9", None, "en"), ("de-DE, en;q=0.5, fr;q=0.4", None, "en"),
    ("de", None, "fr"), ("en-GB", "fr", "fr"), ("fr-FR", "en", "en"),
])
def test_french_by_default_english_by_browser_or_switch(serve, accept, cookie, expected):
    base = serve()
    headers = {"accept-language": accept} if accept else {}
    with ConsoleClient(base, **headers) as user:
        if cookie:
            switched = user.get("/admin/language", params={"to": cookie, "next": "/admin/sign-in"})
            assert switched.headers["location"] == "/admin/sign-in"
            assert "max-age=31536000" in switched.headers["set-cookie"].lower()
        html = user.get("/admin/sign-in").text
        assert f'<html lang="{expected}">' in html
        assert ("Sign in to the console" if expected == "en" else "Connexion à la console") in html
