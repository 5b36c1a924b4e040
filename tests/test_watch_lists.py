"""Watch lists the owner controls: accepted and returned by the API, versioned and shown in the history like any
field, suggested from the built-in families, proposed once at publish time by a model, and edited in the
console's "Ce que Cadre surveille", where a word added catches a request on the next call."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import openai
import pytest
from playwright.sync_api import expect

from tests.support import ADMIN, good_frame, put_frame
from tests.support.console import chromium, new_page, sign_in, watch_errors
from tests.support.fake_upstream import FakeUpstream
from tests.support.gateway import TIMEOUT, start
from tests.support.waiting import wait_until

browser = pytest.fixture(scope="module")(chromium)

NEW_BIKES = "Pas de vente de vélos neufs"
SCOOTERS = "Pas de réparation de trottinettes électriques"
PROMOS = "Pas de promotions agressives"


def admin(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers=ADMIN, timeout=TIMEOUT)


def test_the_api_takes_and_versions_watch_lists(serve: Any) -> None:
    url = serve()
    watch = [{"refusal": NEW_BIKES, "words": ["VTT Cube", "Moustache"]}]
    with admin(url) as c:
        state = put_frame(c, "rustine", good_frame(watch=watch))
        assert state["published"]["frame"]["watch"] == watch
        changed = [{"refusal": NEW_BIKES, "words": ["VTT Cube", "Moustache", "O2Feel"]},
                   {"refusal": "Pas de livraison", "words": ["Chronopost"]}]  # a refusal the frame does not have
        r = c.put("/api/frames/rustine/draft", json=good_frame(watch=changed))
        assert r.status_code == 200, r.text
        assert [f["code"] for f in r.json()["draft_findings"] if f["field"].startswith("watch")] == ["watch_orphan"]
        assert c.post("/api/frames/rustine/publish").status_code == 200
        versions = c.get("/api/frames/rustine/versions").json()["data"]
        assert [v["frame"]["watch"] for v in versions] == [watch, changed]
        bad = c.put("/api/frames/rustine/draft", json=good_frame(watch=[{"refusal": NEW_BIKES, "mots": []}]))
        assert bad.status_code == 400
        suggested = c.get("/api/frames/rustine/watch/suggestions").json()
    by_refusal = {s["refusal"]: s["words"] for s in suggested["suggestions"]}
    assert "gyroroue" in by_refusal[SCOOTERS] and by_refusal[NEW_BIKES] == []
    # Only the published words count: the orphan list watches nothing, the new word catches.
    served = start(lambda **_: url, frame=good_frame(watch=changed), slug="rustine-2")
    with admin(url) as c:
        hit = c.post("/api/frames/rustine-2/check", json={"prompt": "Une fiche pour le vélo O2Feel iPeak"}).json()
        quiet = c.post("/api/frames/rustine-2/check", json={"prompt": "Un colis Chronopost est arrivé"}).json()
    assert (hit["outcome"], hit["findings"][0]["item"]) == ("off_frame", NEW_BIKES)
    assert quiet["outcome"] == "fits"
    assert served.slug == "rustine-2"


def test_a_model_proposes_watch_lists_once_at_publish_time(serve: Any, upstream: FakeUpstream) -> None:
    upstream.watch_answer = "```json\n" + json.dumps({
        SCOOTERS: ["hoverboard", "Xiaomi M365"], PROMOS: ["Black Friday", "-50 %"],
        NEW_BIKES: ["ignored: this refusal already has a list"], "Pas de livraison": ["not a refusal"]}) + "\n```"
    url = serve(watch_model="judge-model")
    frame = good_frame(watch=[{"refusal": NEW_BIKES, "words": ["VTT Cube"]}])
    with admin(url) as c:
        assert c.put("/api/frames/rustine/draft", json=frame).status_code == 200
        published = c.post("/api/frames/rustine/publish")
        assert published.status_code == 200, published.text
        state = wait_until(lambda: (s := c.get("/api/frames/rustine").json())["draft"]["watch"] != frame["watch"] and s)
        assert state, "no proposal landed in the draft"
        assert len(upstream.watch_requests) == 1 and upstream.judge_requests == []
        prompt = upstream.watch_requests[0].body["messages"][0]["content"]
        assert SCOOTERS in prompt and PROMOS in prompt and NEW_BIKES not in prompt  # only those without a list
        # The proposal is in the draft, by "cadre", for the owner to see and edit; the version is as published.
        assert state["published"]["frame"]["watch"] == frame["watch"]
        assert state["draft"]["watch"] == [*frame["watch"],
                                           {"refusal": SCOOTERS, "words": ["hoverboard", "Xiaomi M365"]},
                                           {"refusal": PROMOS, "words": ["Black Friday", "-50 %"]}]
        assert state["updated_by"] == "cadre" and state["draft_differs"] is True
        # Published in turn: every refusal has a list, nothing more is asked.
        assert c.post("/api/frames/rustine/publish").status_code == 200
        assert c.get("/api/frames/rustine/versions").json()["data"][-1]["frame"]["watch"] == state["draft"]["watch"]
        assert len(upstream.watch_requests) == 1


def test_without_a_model_nothing_is_proposed(serve: Any, upstream: FakeUpstream) -> None:
    url = serve()
    with admin(url) as c:
        state = put_frame(c, "rustine", good_frame())
    assert state["draft"]["watch"] == [] and upstream.watch_requests == []


def test_a_word_added_in_the_console_catches_the_next_call(browser: Any, serve: Any) -> None:
    served = start(serve)
    with admin(served.url) as c:
        assert c.put(f"/api/frames/{served.slug}/policy", json={"policy": "refuse"}).status_code == 200
    request = "Rédige la fiche produit du Moustache Samedi 27 Xroad"  # a brand of new e-bikes, no refusal word
    client = served.client()
    assert client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": request}])

    page = new_page(browser)
    errors = watch_errors(page)
    sign_in(page, served.url, target=f"/admin/frames/{served.slug}")
    section = page.locator("[data-watch-section]")
    expect(section.get_by_role("heading")).to_have_text("Ce que Cadre surveille")
    expect(section.get_by_text("Déjà reconnus sans liste : trottinette")).to_be_visible()
    expect(section.locator("[data-watch-common]")).to_have_count(0)
    section.get_by_label(NEW_BIKES).fill("Moustache Samedi, VTT Cube, électrique")
    page.get_by_role("button", name="Valider et publier").click()
    expect(page.get_by_role("status").filter(has_text="Cadre publié")).to_be_visible()
    watched = page.locator("[data-watch-section]")
    expect(watched.get_by_label(NEW_BIKES)).to_have_value("Moustache Samedi, VTT Cube, électrique")
    # one common word alone only marks a request "to check": the owner is told which of the words are
    expect(watched.locator("[data-watch-common]")).to_have_text(re.compile(r"Mots courants.*: électrique$"))

    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": request}])
    assert caught.value.code == "off_frame" and NEW_BIKES in caught.value.message
    page.goto(f"{served.url}/admin/frames/{served.slug}/history?from=1&to=2")
    expect(page.locator("main")).to_contain_text("Ce que Cadre surveille")
    expect(page.locator("main")).to_contain_text("Moustache Samedi, VTT Cube, électrique")
    assert errors == []
    page.context.close()
