"""The editor in a real browser beyond the first journey: two people saving at once, the page without script
on a 375 px phone, the keyboard, and the browser's language."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.support import ADMIN, ADMIN_TOKEN, good_frame, put_frame
from tests.support.console import PHONE, chromium, new_page, shot, sign_in, watch_errors

browser = pytest.fixture(scope="module")(chromium)

SLUG = "atelier-rustine"
PROMISE_CLAIRE = "Votre vélo réparé en 24 heures, ou le prêt d'un vélo offert."
OFFER_MARC = "Réparation, entretien et révision de vélos, sur place à Lyon 7e"


def stored_draft(base: str) -> dict:
    with httpx.Client(base_url=base, headers=ADMIN) as api:
        return api.get(f"/api/frames/{SLUG}").json()["draft"]


def seed(base: str, publish: bool = True, **changes: object) -> None:
    with httpx.Client(base_url=base) as api:
        put_frame(api, SLUG, good_frame(**changes), publish=publish)


def test_two_people_save_at_once_and_nothing_is_lost(browser, serve):
    base = serve()
    seed(base)
    old_promise = good_frame()["promise"]
    claire = new_page(browser)
    marc = new_page(browser)  # another person: another browser, another session
    errors = (watch_errors(claire), watch_errors(marc))
    sign_in(claire, base, who="Claire", target=f"/admin/frames/{SLUG}")
    sign_in(marc, base, who="Marc", target=f"/admin/frames/{SLUG}")

    claire.get_by_label("Promesse").fill(PROMISE_CLAIRE)
    claire.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(claire.get_by_role("status").filter(has_text="Brouillon enregistré.")).to_be_visible()

    # Different fields: merged field by field, nothing to choose.
    marc.get_by_label("Offre").fill(OFFER_MARC)
    marc.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(marc.get_by_role("status").filter(has_text="avec les changements faits entre-temps")).to_be_visible()
    draft = stored_draft(base)
    assert (draft["offer"], draft["promise"]) == (OFFER_MARC, PROMISE_CLAIRE)

    # The same field: the page comes back with his input, her version beside it, and a choice for it only.
    marc.get_by_label("Promesse").fill("Votre vélo réparé le jour même.")
    claire.get_by_label("Promesse").fill(old_promise)
    claire.get_by_role("button", name="Enregistrer le brouillon").click()  # her page was stale too: merged
    expect(claire.get_by_role("status").filter(has_text="Brouillon enregistré")).to_be_visible()
    marc.get_by_role("button", name="Enregistrer le brouillon").click()
    conflict = marc.locator(".notice-conflict")
    expect(conflict.get_by_role("heading")).to_have_text("Claire a enregistré une autre version à l'instant")
    expect(marc.get_by_label("Promesse")).to_have_value("Votre vélo réparé le jour même.")  # still there
    rows = conflict.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.filter(has_text="Promesse")).to_contain_text(old_promise)
    assert stored_draft(base)["promise"] == old_promise  # hers is stored, his is not yet
    shot(marc, "editing-01-conflict")
    conflict.get_by_role("button", name="Enregistrer avec mes choix").click()  # "keep mine" is the default
    expect(marc.get_by_role("status").filter(has_text="Brouillon enregistré.")).to_be_visible()
    draft = stored_draft(base)
    assert (draft["offer"], draft["promise"]) == (OFFER_MARC, "Votre vélo réparé le jour même.")
    assert errors == ([], [])
    for page in (claire, marc):
        page.context.close()


def test_without_script_lists_still_move_and_pages_fit_a_phone(browser, serve):
    base = serve()
    seed(base, publish=True)
    seed(base, publish=False, promise="Votre vélo réparé vite. Et bien.")  # a draft with one problem
    page = new_page(browser, viewport=PHONE, java_script_enabled=False)
    sign_in(page, base, target=f"/admin/frames/{SLUG}")
    expect(page.locator("[data-findings-for='promise']")).to_contain_text("une seule phrase ; elle en compte 2")

    priorities = page.locator("fieldset[data-list='priorities']")
    priorities.get_by_role("button", name="Descendre").first.click()  # the server moves it, nothing saved yet
    expect(page.get_by_text("Modifications pas encore enregistrées.")).to_be_visible()
    expect(page.get_by_label("Priorités 1")).to_have_value("Fidéliser les cyclistes du quartier")
    page.locator("fieldset[data-list='refusals']").get_by_role("button", name="Ajouter").click()
    page.get_by_label("Refus 4").fill("Pas de location de vélos")
    page.locator("fieldset[data-list='proof']").get_by_role("button", name="Retirer").first.click()
    page.get_by_label("Promesse").fill("Votre vélo réparé en 48 heures, ou le prêt d'un vélo offert.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status").filter(has_text="Brouillon enregistré.")).to_be_visible()
    expect(page.locator("[data-findings-for='promise']")).to_be_empty()
    draft = stored_draft(base)
    assert draft["priorities"] == ["Fidéliser les cyclistes du quartier", "Réparations rapides et fiables"]
    assert draft["refusals"][-1] == "Pas de location de vélos"
    assert draft["proof"] == good_frame()["proof"][1:]
    shot(page, "editing-02-phone-editor")

    # Every page fits 375 px: nothing wider than the screen, so nothing to scroll sideways.
    for path, name in ((f"/admin/frames/{SLUG}", "editor"), ("/admin", "frames"), ("/admin/new", "guide"),
                       (f"/admin/frames/{SLUG}/history?from=1&to=draft", "history"), ("/admin/keys", "keys"),
                       ("/admin/decisions", "decisions")):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        shot(page, f"editing-03-phone-{name}")
    page.goto(base + "/admin/keys")
    expect(page.locator("button[data-copy]:visible")).to_have_count(0)  # copying needs the script
    page.context.close()


def test_keyboard_only_sign_in_with_visible_focus_in_the_browsers_language(browser, serve):
    base = serve()
    page = new_page(browser, locale="en-GB")
    page.goto(base + "/admin")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    for _ in range(8):  # skip link, brand, language switch, then the setup code's field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "token":
            break
    assert page.evaluate("document.activeElement.id") == "token"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.type(ADMIN_TOKEN)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past "Where to find it?"
    page.keyboard.type("Claire")
    page.keyboard.press("Tab")
    page.keyboard.type("un mot de passe de test")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your frames")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    shot(page, "editing-04-english-keyboard")

    # The browser enforces the policy: an inline script that got into the page would not run.
    errors = watch_errors(page)
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.injected = true"; document.body.append(s); }""")
    assert page.evaluate("window.injected === undefined")
    assert any("Content Security Policy" in e for e in errors), errors
    page.context.close()


def test_a_key_gets_a_rate_limit_from_the_console(browser, serve):
    base = serve()
    seed(base)
    page = new_page(browser)
    errors = watch_errors(page)
    sign_in(page, base, target="/admin/keys")
    page.get_by_label("Nom de la clé").fill("Chatbot du site")
    limit = page.get_by_label("Requêtes par minute (facultatif)")
    limit.evaluate("el => el.removeAttribute('min')")  # what a browser without validation would send
    limit.fill("0")
    page.get_by_role("button", name="Créer la clé").click()
    expect(page.locator("#key-rate-limit-errors")).to_have_text(
        "Un nombre entier de 1 à 1 000 000, ou rien pour ne pas limiter.")
    expect(page.get_by_label("Nom de la clé")).to_have_value("Chatbot du site")  # nothing typed is lost
    page.get_by_label("Requêtes par minute (facultatif)").fill("120")
    page.get_by_role("button", name="Créer la clé").click()
    assert page.locator("#new-secret").input_value().startswith("cadre_sk_")
    row = page.locator("tbody tr").filter(has_text="Chatbot du site")
    expect(row).to_contain_text("120 / min")
    with httpx.Client(base_url=base, headers=ADMIN) as api:
        keys = api.get("/api/keys").json()["data"]
    assert [(k["name"], k["rate_limit"]) for k in keys] == [("Chatbot du site", 120)]
    assert errors == []
