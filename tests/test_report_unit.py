"""The report's arithmetic and words (app/report.py) from hand-made rows: no database, no server."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from app.frames.model import Frame
from app.frames.records import Version
from app.revelateur import report
from app.storage.store import ReportRows

NOW = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
SVG = "{http://www.w3.org/2000/svg}"
PRIORITIES = ["Réparations rapides et fiables", "Fidéliser les cyclistes du quartier", "Former un apprenti"]


def frame(priorities: list[str] = PRIORITIES, language: str = "fr") -> Frame:
    return Frame(name="Atelier Rustine", priorities=priorities, refusals=["Pas de vente de vélos neufs"],
                 language=language)


def version(number: int, days_ago: float, priorities: list[str] = PRIORITIES) -> Version:
    return Version("rustine", number, frame(priorities), NOW - dt.timedelta(days=days_ago), "Claire", None)


def finding(item: str, kind: str = "refusal", source: str = "request", **extra: Any) -> dict[str, Any]:
    return {"item": item, "kind": kind, "field": "messages", "source": source, **extra}


def build(counts: list[tuple[Any, ...]], findings: list[tuple[str, str | None]] | None = None,
          versions: list[Version] | None = None, before: Version | None = None, days: int = 30,
          published: Frame | None = None) -> report.Report:
    rows = ReportRows([tuple(c) for c in counts], findings or [], versions or [], before)  # type: ignore[misc]
    return report.build("rustine", published or frame(), rows, days, NOW)


def test_outcomes_are_counted_by_reason():
    r = build([("forwarded", None, None, None, 10), ("refused", "frame_missing", None, None, 3),
               ("refused", "off_frame", "off_frame", None, 2), ("refused", "frame_unclear", None, None, 1),
               ("failed", "upstream_error", None, None, 4)])
    assert (r.total, r.forwarded, r.refused_total, r.failed_total) == (20, 10, 6, 4)
    assert r.refused == {"frame_missing": 3, "off_frame": 2, "frame_unclear": 1}
    assert r.failed == {"upstream_error": 4}
    body = r.as_dict()
    assert body["requests"] == {"total": 20, "forwarded": 10,
                                "refused": {"total": 6, "by_code": {"frame_missing": 3, "off_frame": 2,
                                                                    "frame_unclear": 1}},
                                "failed": {"total": 4, "by_code": {"upstream_error": 4}}}
    assert body["checks"] == {"checked": 2, "off_frame": 2, "off_frame_percent": 100, "to_check": 0}
    json.dumps(body)  # the API returns it as it is


def test_traffic_by_priority_and_the_no_priority_sentence():
    # 100 forwarded: 41 unattributed, 9 / 20 / 30 on priorities 1 / 2 / 3; refused ones are not traffic.
    r = build([("forwarded", None, "fits", 1, 9), ("forwarded", None, "fits", 2, 20),
               ("forwarded", None, "fits", 3, 30), ("forwarded", None, "fits", None, 41),
               ("refused", "off_frame", "off_frame", 2, 5)])
    assert r.by_priority == {"1": 9, "2": 20, "3": 30, "none": 41}
    assert r.no_priority_percent == 41
    assert r.off_frame_percent == 5  # 5 of 105 checked, rounded
    fr, en = r.sentences("fr"), r.sentences("en")
    assert "41\u00a0% des demandes transmises n'ont pu être rattachées à aucune priorité (non attribuées)." in fr
    assert "41% of forwarded requests could not be tied to a priority (not attributed)." in en
    assert r.inversions() == [(2, 1), (3, 1), (3, 2)]
    assert "La priorité 3 reçoit plus de demandes que la priorité 1 (30 contre 9)." in fr
    assert "Priority 3 gets more requests than priority 1 (30 against 9)." in en
    assert "5\u00a0% des demandes vérifiées sortaient du cadre." in fr


def test_ranking_respected_says_nothing_about_inversions():
    r = build([("forwarded", None, None, 1, 5), ("forwarded", None, None, 2, 3), ("forwarded", None, None, 3, 3)])
    assert r.inversions() == []
    assert r.no_priority_percent == 0
    assert not any("aucune priorité" in s or "reçoit plus" in s for s in r.sentences("fr"))
    assert not any("vérifiées" in s for s in r.sentences("fr"))  # nothing was checked: no share to give


def test_only_declared_priorities_are_compared():
    r = build([("forwarded", None, None, 3, 7), ("forwarded", None, None, 1, 1)], published=frame(PRIORITIES[:2]))
    assert r.inversions() == []
    labels = [b.label for b in r.priority_bars("fr")]
    assert labels == ["Priorité 1 · Réparations rapides et fiables", "Priorité 2 · Fidéliser les cyclistes du "
                      "quartier", "Priorité 3 (plus déclarée)", "Non attribuées"]


def test_percentages_round_halves_up_and_need_a_whole():
    assert report.percent(1, 8) == 13  # 12.5
    assert report.percent(1, 3) == 33
    assert report.percent(2, 3) == 67
    assert report.percent(0, 0) is None


def test_most_hit_refusal_items_with_examples():
    findings = [
        (json.dumps([finding("Pas de vente de vélos neufs"), finding("Pas de vente de vélos neufs", source="answer")]),
         "une annonce pour nos VTT neufs en promotion"),
        (json.dumps([finding("Pas de vente de vélos neufs")]), "un vélo neuf pour Noël ?"),
        (json.dumps([finding("Pas de promotions agressives", excerpt="-50 % sur tout !")]), None),
        (json.dumps([finding("low-cost", kind="lexicon", source="answer")]), None),
        ("not json", "ignored"),
        (json.dumps({"not": "a list"}), None),
    ]
    r = build([("forwarded", None, "off_frame", None, 4)], findings)
    top = r.refusal_items[0]
    assert (top.item, top.count, dict(top.sources)) == ("Pas de vente de vélos neufs", 2, {"request": 2, "answer": 1})
    assert top.examples == ["une annonce pour nos VTT neufs en promotion", "un vélo neuf pour Noël ?"]
    assert r.refusal_items[1].examples == ["-50 % sur tout !"]
    assert [i.item for i in r.lexicon_items] == ["low-cost"]
    top_fr = "Refus le plus demandé quand même\u00a0: «\u00a0Pas de vente de vélos neufs\u00a0» (2 demandes)."
    assert top_fr in r.sentences("fr")
    assert "Refusal most asked for anyway: “Pas de vente de vélos neufs” (2 requests)." in r.sentences("en")


def test_priority_changes_between_consecutive_versions():
    swapped = [PRIORITIES[1], PRIORITIES[0], PRIORITIES[2]]
    before = version(1, 40)
    versions = [version(2, 25, swapped), version(3, 20, swapped), version(4, 12, PRIORITIES),
                version(5, 5, [*PRIORITIES[:2], " Former un apprenti "]), version(6, 2, PRIORITIES[:2])]
    r = build([("forwarded", None, None, None, 1)], versions=versions, before=before)
    # v2 swaps 1 and 2, v3 changes nothing, v4 swaps back, v5 only adds spaces, v6 drops priority 3.
    assert [c.version for c in r.changes] == [2, 4, 6]
    assert r.versions == [2, 3, 4, 5, 6]
    assert r.unstable
    assert "Les priorités ont changé 3 fois en 30 jours\u00a0: l'IA a servi une stratégie qui bougeait. " \
           "Stabilisez le classement avant de le juger." in r.sentences("fr")
    assert "Priorities changed 3 times in 30 days: the AI served a moving strategy. Settle the ranking before " \
           "judging it." in r.sentences("en")
    assert "5 versions published in the period." in r.sentences("en")
    changes = r.as_dict()["frame_changes"]
    assert (changes["priority_changes"], changes["unstable"]) == (3, True)
    assert changes["changes"][0]["before"] == PRIORITIES and changes["changes"][0]["after"] == PRIORITIES[1::-1] + \
        PRIORITIES[2:]


def test_a_first_publication_is_not_a_change_and_far_apart_changes_are_not_unstable():
    r = build([], versions=[version(1, 300), version(2, 200, PRIORITIES[:2]), version(3, 100)], days=365)
    assert [c.version for c in r.changes] == [2, 3]
    assert not r.unstable
    assert r.sentences("fr") == ["Aucune demande pour ce cadre sur la période."]  # no request: nothing else
    r = build([("forwarded", None, None, None, 1)], versions=[version(1, 300), version(2, 200, PRIORITIES[:2])],
              days=365)
    assert "Priorities changed 1 time in the period." in r.sentences("en")


def test_no_frame_published_yet():
    rows = ReportRows([("refused", "frame_missing", None, None, 2)], [], [], None)
    r = report.build("rustine", None, rows, 30, NOW)
    assert r.priorities == () and r.language == "fr"
    assert r.sentences("fr")[0] == ("2 demandes sur la période (transmises\u00a0: 0, refusées\u00a0: 2, "
                                    "en échec\u00a0: 0).")
    assert [b.label for b in r.priority_bars("en")] == ["Not attributed"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_charts_are_well_formed_accessible_svg(lang):
    r = build([("forwarded", None, None, 1, 3), ("forwarded", None, None, None, 1),
               ("refused", "frame_missing", None, None, 2), ("failed", "upstream_error", None, None, 1)],
              published=frame([*PRIORITIES[:2], "Des <script>alert(1)</script> & « guillemets » très très longs"]))
    charts = r.charts(lang)
    assert set(charts) == {"outcomes", "priorities"}
    for name, svg in charts.items():
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and desc is not None and title.text and desc.text
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert "style" not in svg  # the console's CSP forbids inline styles: presentation attributes only
        assert all(float(t.get("font-size", "0")) >= 14 for t in root.iter(f"{SVG}text"))
        widths = [float(x.get("width", "0")) for x in root.iter(f"{SVG}rect")]
        assert max(widths) <= float(root.get("viewBox", "").split()[2]), name
    priorities = ET.fromstring(charts["priorities"])
    labels = [" ".join(t.itertext()) for t in priorities.iter(f"{SVG}text")]
    assert "<script>" not in charts["priorities"]
    long = "Des <script>alert(1)</script> & « guillemets » très très longs"
    assert any(label.endswith(long) for label in labels)  # escaped, read back whole: wrapped, never cut
    assert max(len(t.text or "") for t in priorities.iter(f"{SVG}tspan")) <= 36  # lines that fit 320 units
    desc = priorities.find(f"{SVG}desc")
    assert desc is not None and desc.text is not None
    assert ("Priorité 1 · Réparations rapides et fiables: 3" if lang == "fr"
            else "Priority 1 · Réparations rapides et fiables: 3") in desc.text
    outcomes = [" ".join(t.itertext()) for t in ET.fromstring(charts["outcomes"]).iter(f"{SVG}text")]
    assert outcomes[:2] == (["Transmises", "4"] if lang == "fr" else ["Forwarded", "4"])
    assert ("Refusées\u00a0: aucun cadre publié" if lang == "fr" else "Refused: no frame published") in outcomes
