"""The report's numbers for a known sequence of requests: Cadre served by uvicorn, the official ``openai``
client, the fake upstream, and versions published through the management API (SQLite and PostgreSQL)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest

from tests.support import ADMIN, good_frame
from tests.support.fake_upstream import FakeUpstream
from tests.support.gateway import TIMEOUT, Served, chat_status, start

A, B, C = "Réparations rapides et fiables", "Fidéliser les cyclistes du quartier", "Former un apprenti mécanicien"


def publish(admin: httpx.Client, slug: str, **changes: Any) -> None:
    r = admin.put(f"/api/frames/{slug}/draft", json=good_frame(**changes))
    assert r.status_code == 200, r.text
    r = admin.post(f"/api/frames/{slug}/publish")
    assert r.status_code == 200, r.text


def get_report(served: Served, **params: Any) -> dict[str, Any]:
    with served.admin() as admin:
        r = admin.get(f"/api/frames/{served.slug}/report", params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_the_report_counts_a_known_sequence_of_requests(serve, upstream: FakeUpstream, database_url):
    served = start(serve, frame=good_frame(priorities=[A, B]), publish=False, database_url=database_url)
    other = start(lambda **_: served.url, frame=good_frame(), slug="autre")  # its traffic is not rustine's
    with served.admin() as admin:
        # Before any publication: refused, frame_missing (x2). A wrong key is nobody's frame: not counted.
        assert [chat_status(served), chat_status(served, stream=True)] == [409, 409]
        assert chat_status(served, key="cadre_sk_not-a-key") == 401
        publish(admin, "rustine", priorities=[A, B])                                  # v1
        assert [chat_status(served), chat_status(served), chat_status(served, stream=True)] == [200, 200, 200]
        upstream.mode = "error500"
        assert chat_status(served) == 500                                             # failed, upstream_error
        upstream.mode = "ok"
        publish(admin, "rustine", priorities=[B, A])                                  # v2: 1 and 2 swapped
        publish(admin, "rustine", priorities=[B, A], promise="Votre vélo réparé en 24 heures, ou un prêt.")  # v3
        publish(admin, "rustine", priorities=[A, B, C])                               # v4: back, and a third
        assert chat_status(served) == 200
        assert chat_status(other) == 200 and chat_status(other) == 200

    body = get_report(served, days=30)
    assert body["object"] == "frame.report" and body["frame"] == "rustine" and body["days"] == 30
    assert body["requests"] == {"total": 7, "forwarded": 4,
                                "refused": {"total": 2, "by_code": {"frame_missing": 2}},
                                "failed": {"total": 1, "by_code": {"upstream_error": 1}}}
    # Nothing said which priority these requests served (no header, no metadata, no judge).
    assert body["priorities"]["declared"] == [A, B, C]
    assert body["priorities"]["traffic"] == {"1": 0, "2": 0, "3": 0, "none": 4}
    assert body["priorities"]["no_priority_percent"] == 100
    changes = body["frame_changes"]
    assert changes["versions"] == [1, 2, 3, 4]
    assert [c["version"] for c in changes["changes"]] == [2, 4]
    assert changes["changes"][0]["before"] == [A, B] and changes["changes"][0]["after"] == [B, A]
    assert (changes["priority_changes"], changes["unstable"]) == (2, True)
    # (The révélateur's checks, recorded by the gateway once they are in, add a sentence on their own.)
    assert [s for s in body["sentences"]["fr"] if "vérifiées" not in s] == [
        "7 demandes sur la période (transmises\u00a0: 4, refusées\u00a0: 2, en échec\u00a0: 1).",
        "100\u00a0% des demandes transmises n'ont pu être rattachées à aucune priorité (non attribuées).",
        "Les priorités ont changé 2 fois en 30 jours\u00a0: l'IA a servi une stratégie qui bougeait. "
        "Stabilisez le classement avant de le juger.",
        "4 versions publiées sur la période.",
    ]
    assert body["sentences"]["en"][1] == "100% of forwarded requests could not be tied to a priority (not attributed)."
    assert "charts" not in body

    # The other frame's report holds its own two requests only.
    with served.admin() as admin:
        autre = admin.get("/api/frames/autre/report").json()
    assert autre["requests"]["total"] == 2 and autre["requests"]["forwarded"] == 2
    assert autre["frame_changes"]["versions"] == [1] and autre["frame_changes"]["priority_changes"] == 0


def test_the_report_with_its_charts(serve, upstream):
    served = start(serve)
    assert chat_status(served) == 200
    body = get_report(served, days=7, svg="true")
    assert set(body["charts"]) == {"outcomes", "priorities"}
    for svg in body["charts"].values():
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
    assert "Transmises" in body["charts"]["outcomes"]  # in the frame's language


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"days": 0}, 400, None), ({"days": 366}, 400, None), ({"days": "soon"}, 400, None),
])
def test_the_period_is_one_to_365_days(serve, params, status, code):
    served = start(serve)
    with served.admin() as admin:
        r = admin.get("/api/frames/rustine/report", params=params)
    assert r.status_code == status, r.text
    assert r.json()["error"]["param"] == "days"
    assert get_report(served, days=1)["days"] == 1 and get_report(served, days=365)["days"] == 365


def test_the_report_needs_the_admin_token_and_a_frame(serve):
    served = start(serve)
    with httpx.Client(base_url=served.url, timeout=TIMEOUT) as anonymous:
        r = anonymous.get("/api/frames/rustine/report")
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_admin_token"
        r = anonymous.get("/api/frames/nope/report", headers=ADMIN)
        assert r.status_code == 404 and r.json()["error"]["code"] == "frame_not_found"
        r = anonymous.get("/api/frames/Not_A_Slug/report", headers=ADMIN)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_slug"
        # Last: a wrong token makes this address wait (the admin throttle).
        r = anonymous.get("/api/frames/rustine/report", headers={"authorization": f"Bearer {served.key}"})
        assert r.status_code == 401  # a client key is not an admin token
