"""The console's report page: session rules, escaping, charts inline under the CSP, and a phone in Chromium."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from app.console.web import CSP
from tests.support import ADMIN, good_frame
from tests.support.console import PHONE, ConsoleClient, chromium, new_page, shot, sign_in, watch_errors
from tests.support.gateway import TIMEOUT, start

browser = pytest.fixture(scope="module")(chromium)


def traffic(url: str, key: str, n: int) -> None:
    with httpx.Client(base_url=url, timeout=TIMEOUT, headers={"authorization": f"Bearer {key}"}) as c:
        for _ in range(n):
            r = c.post("/v1/chat/completions", json={"model": "fake-model",
                                                     "messages": [{"role": "user", "content": "Un post"}]})
            assert r.status_code in (200, 409), r.text


def test_the_page_needs_a_session_and_escapes_the_frame(serve, upstream):
    frame = good_frame(name="Atelier <b>Rustine</b>", priorities=["<img src=x>", "Fidéliser les cyclistes du quartier"])
    served = start(serve, frame=frame)
    traffic(served.url, served.key, 2)
    with ConsoleClient(served.url) as console:
        r = console.get("/admin/frames/rustine/report?days=7")
        assert r.status_code == 303
        assert r.headers["location"] == "/admin/sign-in?next=/admin/frames/rustine/report%3Fdays%3D7"
        console.sign_in()
        r = console.get("/admin/frames/rustine/report?days=7")
        assert r.status_code == 200
        assert r.headers["content-security-policy"] == CSP
        page = r.text
        assert "<b>Rustine</b>" not in page and "<img src=x>" not in page
        assert "Atelier &lt;b&gt;Rustine&lt;/b&gt;" in page and "&lt;img src=x&gt;" in page
        assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 2
        assert " style=" not in page  # the CSP forbids inline styles
        assert "2 demandes sur la période" in page
        assert '<option value="7" selected>' in page
        # Nonsense periods fall back within bounds instead of failing.
        for days, shown in (("0", "1"), ("9999", "365"), ("soon", "30")):
            r = console.get(f"/admin/frames/rustine/report?days={days}")
            assert r.status_code == 200 and f'<option value="{shown}" selected>' in r.text
        assert console.get("/admin/frames/nope/report").status_code == 404
        # Linked from the frames list and from the frame's own pages.
        assert 'href="/admin/frames/rustine/report"' in console.get("/admin").text
        assert 'href="/admin/frames/rustine/report"' in console.get("/admin/frames/rustine/history").text
        console.http.cookies.set("cadre_lang", "en")
        r = console.get("/admin/frames/rustine/report")
        assert r.status_code == 200 and "What stands out" in r.text and "2 requests in the period" in r.text
        assert "In the frame&#39;s language" in r.text  # the French frame's sentences too, in French


def test_the_report_on_a_phone(browser, serve, upstream):
    base = serve()
    with httpx.Client(base_url=base, headers=ADMIN, timeout=TIMEOUT) as admin:
        r = admin.put("/api/frames/rustine/draft", json=good_frame())
        assert r.status_code == 200
        key = admin.post("/api/keys", json={"frame": "rustine", "name": "site"}).json()["secret"]
        traffic(base, key, 2)  # frame_missing, refused
        assert admin.post("/api/frames/rustine/publish").status_code == 200
        traffic(base, key, 3)
    page = new_page(browser, viewport=PHONE)
    errors = watch_errors(page)
    sign_in(page, base, target="/admin/frames/rustine/report")
    expect(page.get_by_role("heading", name="Ce qui ressort")).to_be_visible()
    outcomes = page.get_by_role("img", name="Ce que sont devenues les demandes")
    expect(outcomes).to_be_visible()
    expect(page.get_by_role("img", name="Demandes transmises par priorité")).to_be_visible()
    expect(page.locator(".report-sentences").first).to_contain_text("5 demandes sur la période")
    box = outcomes.bounding_box()
    assert box is not None and box["width"] > 250 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    shot(page, "report-phone")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("img", name="What happened to the requests")).to_be_visible()
    expect(page.get_by_role("link", name="Report")).to_have_attribute("aria-current", "page")
    shot(page, "report-phone-en")
    assert errors == []
    assert re.search(r"/admin/frames/rustine/report", page.url)
