"""The owner's whole journey in a real browser (Debian's Chromium, headless) against Cadre served by uvicorn:
sign in, write a first frame through the guided path, see and fix the clarity problems, publish, create a key
and call the gateway with the official OpenAI client, compare versions, roll back, revoke, switch to English."""

from __future__ import annotations

import re

import openai
import pytest
from playwright.sync_api import expect

from tests.support.console import DESKTOP, chromium, new_page, shot, sign_in, watch_errors
from tests.support.fake_upstream import FakeUpstream

browser = pytest.fixture(scope="module")(chromium)

OFFER = "Réparation et entretien de vélos, sur place à Lyon 7e"
AUDIENCE = "Cyclistes du quotidien qui vont travailler à vélo dans Lyon"
PROMISE_V1 = "Votre vélo réparé en 48 heures, ou le prêt d'un vélo offert."
PROMISE_V2 = "Votre vélo réparé en 24 heures, ou le prêt d'un vélo offert."


def ask(base: str, secret: str) -> str:
    """One chat request through Cadre with the official client; the answer's text."""
    with openai.OpenAI(base_url=base + "/v1", api_key=secret, max_retries=0, timeout=10) as client:
        answer = client.chat.completions.create(
            model="fake-model", messages=[{"role": "user", "content": "Écris un post sur l'atelier."}])
    return answer.choices[0].message.content or ""


def system_text(upstream: FakeUpstream) -> str:
    message = upstream.last("/chat/completions").body["messages"][0]
    assert message["role"] == "system"
    return str(message["content"])


def test_owner_journey_from_first_frame_to_revoked_key(browser, serve, upstream):
    base = serve()
    page = new_page(browser, permissions=["clipboard-read", "clipboard-write"])
    errors = watch_errors(page)

    # Sign in: the console sends anyone without a session to the sign-in page first.
    page.goto(base + "/admin")
    expect(page).to_have_url(re.compile(r"/admin/sign-in"))
    sign_in(page, base, who="Claire")
    expect(page.get_by_role("heading", name="Aucun cadre pour l'instant")).to_be_visible()
    shot(page, "journey-01-frames-empty")

    # The guided path: one question at a time, the clarity rules applied at each answer.
    page.get_by_role("link", name="Écrire mon premier cadre").click()
    expect(page.get_by_role("heading", name="Comment s'appelle votre activité ?")).to_be_visible()
    page.get_by_label("Nom de l'activité").fill("Atelier Rustine")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", name="Que vendez-vous vraiment ?")).to_be_visible()
    page.get_by_label("Offre").fill("Des solutions et un accompagnement")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    problems = page.locator("#step-findings")
    expect(problems).to_contain_text("mots génériques")
    shot(page, "journey-02-guide-offer-generic")
    page.get_by_label("Offre").fill(OFFER)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", name="À qui, et pas à tout le monde ?")).to_be_visible()
    page.get_by_label("Public visé").fill("Tout le monde")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(problems).to_contain_text("s'adresse à tout le monde")
    page.get_by_label("Public visé").fill(AUDIENCE)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", name="Que promettez-vous, en une phrase ?")).to_be_visible()
    page.get_by_label("Promesse").fill(PROMISE_V1)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", name="Vos trois priorités, dans l'ordre ?")).to_be_visible()
    page.get_by_label("Priorités 1").fill("Réparations rapides et fiables")
    page.get_by_label("Priorités 2").fill("Développer la vente de vélos neufs")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", name="À quoi dites-vous non ?")).to_be_visible()
    page.get_by_label("Refus 1").fill("Pas de vente de vélos neufs")
    page.get_by_role("button", name="Enregistrer et relire le cadre").click()
    expect(problems).to_contain_text("contredit le refus")  # the refusal makes priority 2 contradictory
    shot(page, "journey-03-guide-contradiction")
    page.get_by_role("link", name="Continuer quand même").click()

    # The editor: findings next to their field, what blocks publication, and the exact system prompt.
    expect(page).to_have_url(re.compile(r"/admin/frames/atelier-rustine\?notice=guide_done$"))
    priority_2 = page.locator("[data-findings-for='priorities[1]']")
    expect(priority_2).to_contain_text("contredit le refus « Pas de vente de vélos neufs »")
    expect(page.locator("#publish-summary")).to_have_text("1 point bloque la publication :")
    expect(page.locator("[data-findings-for='refusals']")).to_contain_text("Moins de 3 refus")
    expect(page.locator("#prompt-preview")).to_contain_text(f"Notre promesse : {PROMISE_V1}")
    page.get_by_role("button", name="Valider et publier").click()
    blocked = page.get_by_role("alert").filter(has_text="Publication refusée.")
    expect(blocked).to_contain_text("La priorité « Développer la vente de vélos neufs » contredit le refus")
    expect(page.locator(".frame-head .status")).to_contain_text("aucun cadre publié")
    page.set_viewport_size({"width": 1280, "height": 1560})  # down to the findings of priorities and refusals
    shot(page, "journey-04-editor-findings", doc="editor-findings", full_page=False)
    page.set_viewport_size(DESKTOP)

    # Fix it; with the script on, findings and the prompt follow the typing before any save.
    page.get_by_label("Priorités 2").fill("Fidéliser les cyclistes du quartier")
    expect(priority_2).to_be_empty()
    expect(page.locator("#publish-summary")).to_have_text("Rien ne bloque : ce brouillon peut être publié.")
    expect(page.locator("#prompt-preview")).to_contain_text("2. Fidéliser les cyclistes du quartier")
    refusals = page.locator("fieldset[data-list='refusals']")
    for i, refusal in enumerate(["Pas de réparation de trottinettes électriques", "Pas de promotions agressives"]):
        refusals.get_by_role("button", name="Ajouter").click()
        page.get_by_label(f"Refus {i + 2}").fill(refusal)
    expect(page.locator("[data-findings-for='refusals']")).to_be_empty()
    page.get_by_role("button", name="Valider et publier").click()
    expect(page.get_by_role("status").filter(has_text="Cadre publié")).to_be_visible()
    expect(page.locator(".frame-head .status")).to_contain_text("publié v1, à l'instant")

    # A key: the secret shown once with a copy button, and snippets with this server's address.
    page.get_by_role("link", name="Clés", exact=True).click()
    page.get_by_label("Nom de la clé").fill("Site web")
    page.get_by_role("button", name="Créer la clé").click()
    secret = page.locator("#new-secret").input_value()
    assert secret.startswith("cadre_sk_")
    page.locator("button[data-copy='new-secret']").click()
    expect(page.locator(".secret-panel .field [data-copy-status]")).to_have_text("Copié dans le presse-papiers.")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    expect(page.locator("#snippet-python")).to_contain_text('base_url="http://cadre.test/v1"')
    expect(page.locator("#snippet-python")).to_contain_text(secret)
    expect(page.locator("#snippet-curl")).to_contain_text(f"Authorization: Bearer {secret}")
    shot(page, "journey-05-key-created", doc="keys")
    page.reload()  # shown once: the secret is not in the page any more
    assert secret not in page.content()

    # The official OpenAI client through Cadre: it answers, and the upstream received this frame.
    assert ask(base, secret) == upstream.reply_text
    received = system_text(upstream)
    assert "« Atelier Rustine » (version 1)" in received and PROMISE_V1 in received
    assert "- Pas de promotions agressives" in received

    # A second version, a readable diff, then a rollback.
    page.goto(base + "/admin/frames/atelier-rustine")
    page.get_by_label("Promesse").fill(PROMISE_V2)
    priorities = page.locator("fieldset[data-list='priorities']")
    priorities.get_by_role("button", name="Monter").click()  # priority 2 becomes priority 1 (1 has no "up")
    page.get_by_role("button", name="Valider et publier").click()
    expect(page.locator(".frame-head .status")).to_contain_text("publié v2")
    page.get_by_role("link", name="Historique").first.click()
    diff = page.locator("dl.diff")
    expect(page.get_by_role("heading", name="Ce qui change : v1 → v2")).to_be_visible()
    expect(diff.locator("del")).to_contain_text(["48"])
    expect(diff.locator("ins")).to_contain_text(["24"])
    expect(diff).to_contain_text("déplacée de 2 à 1")
    expect(page.locator(".version").first).to_contain_text("par Claire")
    shot(page, "journey-06-history-diff", doc="history-diff")
    assert ask(base, secret) and PROMISE_V2 in system_text(upstream)

    page.get_by_role("link", name="Republier la v1").click()  # asks first, showing what would change
    page.get_by_role("button", name="Republier la v1").click()
    expect(page.get_by_role("status").filter(has_text="Version republiée")).to_be_visible()
    expect(page.locator(".version").first).to_contain_text("retour à la v1")
    assert ask(base, secret) and PROMISE_V1 in system_text(upstream)
    shot(page, "journey-07-rolled-back")

    # Decisions: every request is there, in words, filterable by outcome.
    page.get_by_role("link", name="Décisions", exact=True).first.click()
    expect(page.locator(".decision")).to_have_count(3)
    expect(page.locator(".decision").first).to_contain_text("Envoyée à l'IA avec le cadre (v3).")
    page.get_by_label("Décision", exact=True).select_option("refused")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("Aucune requête pour ces filtres.")).to_be_visible()

    # Revoke: the next call is refused at once.
    page.get_by_role("link", name="Clés d'API").click()
    page.get_by_role("link", name="Révoquer la clé « Site web »").click()
    page.get_by_role("button", name="Révoquer la clé « Site web »").click()
    expect(page.get_by_role("status").filter(has_text="Clé révoquée")).to_be_visible()
    with pytest.raises(openai.AuthenticationError) as refused:
        ask(base, secret)
    assert refused.value.status_code == 401
    page.get_by_role("link", name="Décisions", exact=True).first.click()
    page.get_by_label("Décision", exact=True).select_option("failed")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator(".decision")).to_have_count(1)
    expect(page.locator(".decision")).to_contain_text("Pas de réponse : clé inconnue ou révoquée.")

    # English by the switch, remembered.
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Decisions", exact=True)).to_be_visible()
    page.get_by_role("link", name="Frames", exact=True).click()
    expect(page.get_by_role("heading", name="Your frames")).to_be_visible()
    expect(page.locator(".frame-card .status")).to_contain_text("published v3, just now")
    shot(page, "journey-08-english")
    assert errors == []  # no script error, no Content-Security-Policy violation
    page.context.close()
