"""The report's révélateur numbers (checks, priorities, refusal items) for a known sequence of requests, recorded
by the gateway's révélateur under the check policy set through ``PUT /api/frames/{slug}/policy`` (a missing
route fails the test)."""

from __future__ import annotations

from tests.support import good_frame
from tests.support.gateway import chat_status, set_policy, start

FITS = "Écris un post sur la révision d'un vélo électrique."
OFF_FRAME = "Écris une annonce pour nos VTT neufs en promotion."
REFUSAL = "Pas de vente de vélos neufs"  # one of good_frame()'s refusals


def test_the_report_counts_checks_priorities_and_refusal_items(serve, upstream, database_url):
    served = start(serve, frame=good_frame(), database_url=database_url)
    set_policy(served, "flag")
    assert chat_status(served, FITS, extra_headers={"x-cadre-priority": "2"}) == 200
    assert chat_status(served, FITS, extra_headers={"x-cadre-priority": "2"}) == 200
    assert chat_status(served, FITS, extra_body={"metadata": {"cadre_priority": "1"}}) == 200
    assert chat_status(served, FITS) == 200
    assert chat_status(served, OFF_FRAME) == 200  # flag: recorded, forwarded
    set_policy(served, "refuse")
    assert chat_status(served, OFF_FRAME) == 400  # refuse: off_frame

    with served.admin() as admin:
        r = admin.get(f"/api/frames/{served.slug}/report", params={"days": 30})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["requests"] == {"total": 6, "forwarded": 5, "refused": {"total": 1, "by_code": {"off_frame": 1}},
                                "failed": {"total": 0, "by_code": {}}}
    assert body["priorities"]["traffic"] == {"1": 1, "2": 2, "3": 0, "none": 2}
    assert body["priorities"]["no_priority_percent"] == 40
    assert body["priorities"]["inversions"] == [{"lower": 2, "higher": 1}]
    assert body["checks"] == {"checked": 6, "off_frame": 2, "off_frame_percent": 33, "to_check": 0}
    top = body["refusal_items"][0]
    assert (top["item"], top["kind"], top["count"]) == (REFUSAL, "refusal", 2)
    assert any("VTT neufs" in example for example in top["examples"])  # the refused one's excerpt (default)
    fr = body["sentences"]["fr"]
    assert "40\u00a0% des demandes transmises n'ont pu être rattachées à aucune priorité (non attribuées)." in fr
    assert "La priorité 2 reçoit plus de demandes que la priorité 1 (2 contre 1)." in fr
    assert "33\u00a0% des demandes vérifiées sortaient du cadre." in fr
    assert f"Refus le plus demandé quand même\u00a0: «\u00a0{REFUSAL}\u00a0» (2 demandes)." in fr
    assert "40% of forwarded requests could not be tied to a priority (not attributed)." in body["sentences"]["en"]
