"""The console as a team uses it, in a real browser (Debian's Chromium) against Cadre served by uvicorn: the
owner creates their account with the admin token, invites an editor and a viewer who each see (and may post)
what their role allows; the editor's draft is published by the owner; requests against the frame made with the
official OpenAI client show on the decisions page and in the report, where the owner switches to refuse; the
editor never shows stale state, guards unsaved changes and merges two people's saves field by field."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx
import openai
import pytest
from playwright.sync_api import expect

from tests.support import ADMIN, ADMIN_TOKEN, good_frame, put_frame
from tests.support.a11y import axe_violations, covered_focus
from tests.support.console import DESKTOP, PASSWORD, PHONE, chromium, new_page, shot, watch_errors

browser = pytest.fixture(scope="module")(chromium)

SLUG = "atelier-rustine"
AGAINST = ["Écris une annonce pour nos VTT neufs en promotion",  # "Pas de vente de vélos neufs"
           "Propose un forfait de réparation de trottinettes électriques",  # "Pas de réparation de trottinettes …"
           "Rédige une publicité low-cost pour l'atelier"]  # the banned word "low-cost"
PROMISE_MARC = "Votre vélo réparé en 24 heures, ou le prêt d'un vélo offert."


def ask(base: str, secret: str, text: str) -> str:
    with openai.OpenAI(base_url=base + "/v1", api_key=secret, max_retries=0, timeout=10) as client:
        answer = client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": text}])
    return answer.choices[0].message.content or ""


def stored(base: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, headers=ADMIN) as api:
        state: dict[str, Any] = api.get(f"/api/frames/{SLUG}").json()
    return state


def join(browser: Any, base: str, link: str, viewport: dict[str, int] | None = None) -> Any:
    """A new person's browser: the invitation link, a password, and in."""
    page = new_page(browser, viewport)
    page.goto(base + urlsplit(link).path)
    page.get_by_label("Choisissez un mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Entrer dans Cadre").click()
    expect(page.get_by_role("status").filter(has_text="Bienvenue")).to_be_visible()
    return page


def invite(owner: Any, name: str, role_label: str) -> str:
    owner.get_by_role("link", name="Équipe").click()
    owner.get_by_label("Son nom").fill(name)
    owner.get_by_role("radio", name=role_label).check()
    owner.get_by_role("button", name="Créer le lien d'invitation").click()
    link: str = owner.locator("#new-link").input_value()
    assert "/admin/join/" in link
    return link


def post_as(page: Any, base: str, path: str, data: dict[str, str]) -> int:
    """A form post from this person's browser (their cookies and CSRF token): the status the server answers."""
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    response = page.request.post(base + path, form={**data, "csrf": csrf}, max_redirects=0)
    status: int = response.status
    return status


def test_a_team_of_three_against_the_frame(browser, serve, upstream):
    base = serve()
    owner = new_page(browser)
    errors = watch_errors(owner)

    # The very first sign-in: the admin token creates the owner's account; afterwards names and passwords.
    owner.goto(base + "/admin")
    expect(owner.get_by_role("heading", name="Créer votre compte")).to_be_visible()
    assert axe_violations(owner) == []
    owner.get_by_label("Code d'installation").fill(ADMIN_TOKEN)
    owner.get_by_label("Votre nom").fill("Claire")
    owner.get_by_label("Choisissez un mot de passe").fill(PASSWORD)
    owner.get_by_role("button", name="Créer mon compte").click()
    expect(owner.get_by_role("heading", name="Vos cadres")).to_be_visible()
    expect(owner.locator(".who")).to_contain_text("Claire (propriétaire)")

    # An editor and a viewer, each by a one-time link; each signs in with their own password.
    marc_link = invite(owner, "Marc", "rédaction")
    expect(owner.locator(".people-list")).to_contain_text("invitation en attente")
    lina_link = invite(owner, "Lina", "lecture")
    shot(owner, "team-01-people")
    marc = join(browser, base, marc_link)
    lina = join(browser, base, lina_link)
    assert "/admin/join/" in marc_link and post_as(lina, base, urlsplit(marc_link).path, {"password": "x" * 12}) == 404
    with httpx.Client(base_url=base, headers=ADMIN) as api:
        put_frame(api, SLUG, good_frame())  # version 1, published by a script (the API's actor: admin)
        key = api.post("/api/keys", json={"frame": SLUG, "name": "Site web"}).json()["secret"]

    # What each role sees: the others' controls are absent, and their posts are refused by the server.
    for page in (marc, lina):
        page.goto(base + "/admin")
        expect(page.get_by_role("link", name="Clés d'API")).to_have_count(0)
        expect(page.get_by_role("link", name="Équipe")).to_have_count(0)
        assert post_as(page, base, "/admin/keys", {"frame": SLUG, "name": "pirate"}) == 403
        assert post_as(page, base, "/admin/people", {"name": "Intrus", "role": "owner"}) == 403
        assert post_as(page, base, f"/admin/frames/{SLUG}/policy", {"policy": "off"}) == 403
        assert post_as(page, base, f"/admin/frames/{SLUG}", {"action": "publish", "name": "x"}) == 403
    expect(marc.get_by_role("link", name="Nouveau cadre")).to_be_visible()
    expect(lina.get_by_role("link", name="Nouveau cadre")).to_have_count(0)
    lina.goto(base + f"/admin/frames/{SLUG}")
    expect(lina.get_by_text("Lecture seule")).to_be_visible()
    expect(lina.get_by_role("button", name="Enregistrer le brouillon")).to_have_count(0)
    assert post_as(lina, base, f"/admin/frames/{SLUG}", {"action": "save", "name": "x"}) == 403
    assert stored(base)["draft"]["name"] == "Atelier Rustine" and len(stored(base)["draft"]["refusals"]) == 3

    # The editor writes a draft (no publish button for him); the owner publishes it; the history names both.
    marc.goto(base + f"/admin/frames/{SLUG}")
    expect(marc.get_by_role("button", name="Valider et publier")).to_have_count(0)
    marc.get_by_label("Promesse").fill(PROMISE_MARC)
    marc.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(marc.get_by_role("status").filter(has_text="Brouillon enregistré.")).to_be_visible()
    owner.goto(base + f"/admin/frames/{SLUG}")
    owner.get_by_role("button", name="Valider et publier").click()
    expect(owner.get_by_role("status").filter(has_text="Cadre publié")).to_be_visible()
    # Right after publishing, every panel speaks of version 2, the one the AI receives.
    expect(owner.locator("#publish-summary")).to_have_text("Rien à publier : c'est la version en service (v2).")
    expect(owner.locator("#prompt-heading")).to_have_text("Ce que l'IA reçoit")
    expect(owner.locator("#prompt-explain")).to_contain_text("(version 2)")
    expect(owner.locator("#prompt-preview")).to_contain_text("(version 2)")
    owner.get_by_role("link", name="Historique").first.click()
    expect(owner.locator(".version").first).to_contain_text("par Claire (brouillon de Marc)")

    # A refused publication, then fixes: the banner, the badge and the side panel always agree.
    owner.get_by_role("link", name="Modifier").first.click()
    owner.get_by_label("Promesse").fill("Le meilleur service au meilleur prix.")
    owner.get_by_label("Priorités 2").fill("Satisfaire nos clients")
    owner.get_by_role("button", name="Valider et publier").click()
    banner = owner.locator("#publish-refused")
    expect(banner).to_contain_text("Publication refusée. 2 points bloquent la publication")
    expect(owner.locator(".frame-head .status")).to_contain_text("brouillon : 2 points à clarifier")
    owner.get_by_label("Priorités 2").fill("Fidéliser les cyclistes du quartier")
    expect(banner).to_contain_text("1 point bloque la publication")
    expect(owner.locator("#publish-summary")).to_have_text("1 point bloque la publication :")
    expect(owner.locator(".frame-head .status")).to_contain_text("brouillon : 1 point à clarifier")
    owner.get_by_label("Promesse").fill(PROMISE_MARC)
    expect(banner).to_be_hidden()
    expect(owner.locator(".frame-head .status")).not_to_contain_text("à clarifier")
    expect(owner.locator("#publish-summary")).to_have_text("Rien à publier : c'est la version en service (v2).")

    # The unsaved-changes guard: leaving with an edit asks first; staying keeps the edit.
    owner.get_by_label("Besoin").fill("Rouler tous les jours sans y penser")
    dialogs: list[str] = []
    owner.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    owner.get_by_role("link", name="Historique").first.click(no_wait_after=True)
    expect(owner.get_by_label("Besoin")).to_have_value("Rouler tous les jours sans y penser")
    assert dialogs == ["beforeunload"]
    assert owner.url.endswith(f"/admin/frames/{SLUG}")  # still on the editor
    owner.get_by_role("button", name="Enregistrer le brouillon").click()  # saving is not leaving: no question
    expect(owner.get_by_role("status").filter(has_text="Brouillon enregistré.")).to_be_visible()
    assert dialogs == ["beforeunload"]

    # Two people save at once: what only one of them changed is kept from each; where both changed the same
    # field, only that field asks for a choice.
    marc.goto(base + f"/admin/frames/{SLUG}")
    owner.goto(base + f"/admin/frames/{SLUG}")
    owner.get_by_label("Offre").fill("Réparation, entretien et révision de vélos, sur place à Lyon 7e")
    owner.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(owner.get_by_role("status").filter(has_text="Brouillon enregistré.")).to_be_visible()
    marc.get_by_label("Public visé").fill("Cyclistes du quotidien de Lyon 7e et 8e")
    marc.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(marc.get_by_role("status").filter(has_text="avec les changements faits entre-temps")).to_be_visible()
    draft = stored(base)["draft"]
    assert draft["offer"].startswith("Réparation, entretien et révision")  # Claire's change, kept
    assert draft["audience"] == "Cyclistes du quotidien de Lyon 7e et 8e"  # Marc's
    owner.goto(base + f"/admin/frames/{SLUG}")
    owner.get_by_label("Besoin").fill("Ne jamais rester plus d'un jour sans vélo")
    owner.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(owner.get_by_role("status").filter(has_text="Brouillon enregistré.")).to_be_visible()
    marc.get_by_label("Besoin").fill("Un vélo toujours prêt le matin")
    marc.get_by_label("Nom").fill("Atelier Rustine Lyon")
    marc.get_by_role("button", name="Enregistrer le brouillon").click()
    conflict = marc.locator(".notice-conflict")
    expect(conflict.locator("tbody tr")).to_have_count(1)  # only "Besoin": both changed it
    expect(conflict.locator("tbody tr")).to_contain_text("Ne jamais rester plus d'un jour sans vélo")
    conflict.get_by_role("radio", name="Garder la sienne").check()
    conflict.get_by_role("button", name="Enregistrer avec mes choix").click()
    expect(marc.get_by_role("status").filter(has_text="Brouillon enregistré.")).to_be_visible()
    draft = stored(base)["draft"]
    assert draft["need"] == "Ne jamais rester plus d'un jour sans vélo"  # the other person's change, kept
    assert draft["name"] == "Atelier Rustine Lyon" and draft["offer"].startswith("Réparation, entretien et")

    # Three requests against the frame through the official client: sent (policy "flag"), and shown.
    for text in AGAINST:
        assert ask(base, key, text) == upstream.reply_text
    assert ask(base, key, "Écris un post sur nos réparations express") == upstream.reply_text
    owner.get_by_role("navigation", name="Console").get_by_role("link", name="Cadres").click()
    owner.get_by_role("link", name="3 demandes contre le cadre").click()  # one click from the frames list
    cards = owner.locator(".decision")
    expect(cards).to_have_count(3)
    expect(cards.locator(".badge")).to_have_text(["Contre le cadre"] * 3)
    expect(cards.nth(0)).to_contain_text("va contre le mot banni « low-cost »")
    expect(cards.nth(1)).to_contain_text("va contre « Pas de réparation de trottinettes électriques »")
    expect(cards.nth(2)).to_contain_text("Envoyée à l'IA, mais va contre « Pas de vente de vélos neufs »")
    expect(cards.nth(2).locator("q")).to_contain_text("VTT neufs en promotion")
    expect(cards.nth(0)).to_contain_text("par « Site web »")
    expect(cards.nth(0).locator("details")).not_to_have_attribute("open", "")
    assert "chat/completions" not in cards.nth(0).locator(".decision-story").inner_text()
    shot(owner, "team-02-decisions")

    owner.get_by_role("navigation", name="Console").get_by_role("link", name="Cadres").click()
    owner.locator(".frame-card").get_by_role("link", name="Rapport").click()  # one click from the frames list
    refusals = owner.locator(".refusal-card")
    first = refusals.filter(has_text="Pas de vente de vélos neufs")
    expect(first).to_contain_text("1 demande (avant : 0 demande)")
    expect(first.locator(".report-examples")).to_contain_text("VTT neufs en promotion")
    expect(refusals.filter(has_text="trottinettes")).to_contain_text("trottinettes électriques")
    expect(owner.locator("#report-priorities-heading + p + details")).to_contain_text("non attribuée")
    expect(owner.get_by_role("img", name="Demandes transmises par priorité")).to_contain_text("Non attribuées")
    expect(owner.locator("#policy-refuse-effect")).to_have_text("Les 7 derniers jours : 3 demandes auraient été "
                                                                "refusées.")
    shot(owner, "team-03-report")

    # The owner switches to refuse from the report: the next such request is refused.
    owner.get_by_role("radio", name="Refuser").check()
    owner.get_by_role("button", name="Appliquer").click()
    expect(owner.get_by_role("status").filter(has_text="« Refuser », appliquée dès maintenant")).to_be_visible()
    with pytest.raises(openai.BadRequestError) as refused:
        ask(base, key, AGAINST[0])
    assert refused.value.status_code == 400 and refused.value.code == "off_frame"

    # Revoking and rolling back ask first.
    owner.goto(base + "/admin/keys")
    owner.get_by_role("link", name="Révoquer la clé « Site web »").click()
    expect(owner.get_by_role("heading", name="Révoquer la clé « Site web » ?")).to_be_visible()
    assert ask(base, key, "Un post sur l'atelier")  # nothing happened yet
    owner.get_by_role("button", name="Révoquer la clé « Site web »").click()
    expect(owner.get_by_role("status").filter(has_text="Clé révoquée")).to_be_visible()
    owner.goto(base + f"/admin/frames/{SLUG}/history")
    owner.get_by_role("link", name="Republier la v1").click()
    expect(owner.get_by_role("heading", name=re.compile("Republier la v1"))).to_be_visible()
    expect(owner.locator("dl.diff")).to_contain_text("24")
    assert stored(base)["published"]["version"] == 2
    owner.get_by_role("button", name="Republier la v1").click()
    expect(owner.get_by_role("status").filter(has_text="Version republiée")).to_be_visible()
    assert stored(base)["published"]["version"] == 3

    # Sessions are listed and revocable: closing Lina's sends her back to the sign-in page.
    owner.goto(base + "/admin/people")
    owner.get_by_role("button", name=re.compile("Fermer la session de Lina")).click()
    expect(owner.get_by_role("status").filter(has_text="Session fermée")).to_be_visible()
    lina.goto(base + "/admin")
    expect(lina).to_have_url(re.compile(r"/admin/sign-in"))
    assert errors == []
    for page in (owner, marc, lina):
        page.context.close()


def seeded(base: str) -> str:
    """A published frame with requests of every kind; returns a key's secret."""
    with httpx.Client(base_url=base, headers=ADMIN) as api:
        put_frame(api, SLUG, good_frame())
        secret: str = api.post("/api/keys", json={"frame": SLUG, "name": "Site web"}).json()["secret"]
    for text in [*AGAINST, "Écris un post sur nos réparations express", "Un mot sur la fidélité des cyclistes"]:
        ask(base, secret, text)
    return secret


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_every_page_passes_axe_and_focus_is_never_hidden(browser, serve, upstream, viewport):
    base = serve()
    seeded(base)
    signed_out = new_page(browser, viewport)
    signed_out.goto(base + "/admin")
    assert axe_violations(signed_out) == [], "first sign-in"
    owner = new_page(browser, viewport)
    from tests.support.console import add_person, invitation_path, sign_in
    add_person(base, "Claire")
    sign_in(owner, base, who="Claire")
    invited = invitation_path(base, "Nora", "viewer")
    signed_out.goto(base + "/admin/sign-in")
    pages = {"sign-in": (signed_out, "/admin/sign-in"), "join": (signed_out, str(invited))}
    with httpx.Client(base_url=base, headers=ADMIN) as api:
        key_id = api.get("/api/keys").json()["data"][0]["id"]
    for name, path in (("frames", "/admin"), ("decisions", "/admin/decisions"),
                       ("decisions-against", "/admin/decisions?check=off_frame"),
                       ("report", f"/admin/frames/{SLUG}/report"), ("editor", f"/admin/frames/{SLUG}"),
                       ("history", f"/admin/frames/{SLUG}/history?from=1&to=draft"), ("keys", "/admin/keys"),
                       ("people", "/admin/people"), ("guide", "/admin/new"),
                       ("guide-step", f"/admin/frames/{SLUG}/guide/promise?checked=true"),
                       ("revoke", f"/admin/keys/{key_id}/revoke"), ("not-found", "/admin/nothing-here")):
        pages[name] = (owner, path)
    width = viewport["width"]
    for name, (page, path) in pages.items():
        page.goto(base + path)
        assert axe_violations(page) == [], f"{name} at {width} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"
        if name in ("decisions-against", "report", "people"):
            shot(page, f"team-{name}-{width}", doc=f"{name.removesuffix('-against')}-{width}")
    # The editor's details, opened, and a conflict page pass too.
    owner.goto(base + "/admin/decisions")
    owner.locator(".decision details summary").first.click()
    assert axe_violations(owner) == [], f"decision details at {width} px"

    # Focus: Tab through the editor (a sticky action bar at the bottom) and the report; nothing covers it.
    for path in (f"/admin/frames/{SLUG}", f"/admin/frames/{SLUG}/report", "/admin/decisions"):
        owner.goto(base + path)
        reached, covered = covered_focus(owner)
        assert reached > 10 and covered == [], (path, width, covered)
    owner.context.close()
    signed_out.context.close()
