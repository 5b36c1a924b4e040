"""The révélateur's management surfaces: the check policy (API and CLI) and POST /api/frames/{slug}/check."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support import ADMIN, good_frame, put_frame
from tests.support.cli import cadre, no_traceback

OFF_FRAME = "Écris une annonce pour nos VTT neufs en promotion"


# -------------------------------------------------------------------------------------------- policy
def test_policy_defaults_to_flag_and_is_set_through_the_api(client: TestClient):
    put_frame(client, "rustine", good_frame())
    assert client.get("/api/frames/rustine", headers=ADMIN).json()["check_policy"] == "flag"
    generation = client.get("/api/frames/rustine", headers=ADMIN).json()["revision"]
    r = client.put("/api/frames/rustine/policy", json={"policy": "refuse"}, headers=ADMIN)
    assert r.status_code == 200, r.text
    assert r.json()["check_policy"] == "refuse"
    assert r.json()["revision"] == generation  # not a draft change: no edit in progress is made stale
    assert client.get("/api/frames/rustine", headers=ADMIN).json()["check_policy"] == "refuse"
    listed = client.get("/api/frames", headers=ADMIN).json()["data"]
    assert [f["check_policy"] for f in listed] == ["refuse"]


def test_a_bad_policy_is_400(client: TestClient):
    put_frame(client, "rustine", good_frame())
    for body in ({"policy": "block"}, {}, {"policy": "flag", "extra": 1}):
        r = client.put("/api/frames/rustine/policy", json=body, headers=ADMIN)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["type"] == "invalid_request_error"


def test_policy_of_an_unknown_frame_is_404_and_needs_the_admin_token(client: TestClient):
    r = client.put("/api/frames/nope/policy", json={"policy": "off"}, headers=ADMIN)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "frame_not_found")
    assert client.put("/api/frames/nope/policy", json={"policy": "off"}).status_code == 401


def test_cli_sets_the_policy(sqlite_url, tmp_path):
    frame = tmp_path / "rustine.yaml"
    import yaml

    frame.write_text(yaml.safe_dump({"slug": "rustine", **good_frame()}, allow_unicode=True), encoding="utf-8")
    assert cadre("frame", "import", frame, "--publish", database_url=sqlite_url).returncode == 0
    result = cadre("frame", "policy", "rustine", "refuse", database_url=sqlite_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "check policy of rustine: refuse"
    bad = cadre("frame", "policy", "rustine", "block", database_url=sqlite_url)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    missing = cadre("frame", "policy", "nope", "off", database_url=sqlite_url)
    no_traceback(missing)
    assert missing.returncode == 1 and "nope" in missing.stderr


# --------------------------------------------------------------------------------------------- check
def test_check_finds_the_refusal_and_forwards_nothing(client: TestClient, upstream):
    put_frame(client, "rustine", good_frame())
    r = client.post("/api/frames/rustine/check", json={"prompt": OFF_FRAME}, headers=ADMIN)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "off_frame"
    assert body["priority"] is None
    assert body["findings"] == [{"item": "Pas de vente de vélos neufs", "kind": "refusal", "field": "refusals[0]",
                                 "source": "request", "excerpt": OFF_FRAME}]
    assert upstream.requests == []


def test_check_of_a_request_that_fits(client: TestClient):
    put_frame(client, "rustine", good_frame())
    r = client.post("/api/frames/rustine/check", json={"prompt": "Un post sur la révision d'un vélo électrique"},
                    headers=ADMIN)
    assert r.json() == {"outcome": "fits", "findings": [], "priority": None, "judge": None, "version": 1,
                        "policy": "flag"}


def test_check_needs_a_published_version(client: TestClient):
    put_frame(client, "brouillon", good_frame(), publish=False)
    r = client.post("/api/frames/brouillon/check", json={"prompt": OFF_FRAME}, headers=ADMIN)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "frame_not_published")
    r = client.post("/api/frames/nope/check", json={"prompt": OFF_FRAME}, headers=ADMIN)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "frame_not_found")
    r = client.post("/api/frames/brouillon/check", json={}, headers=ADMIN)
    assert r.status_code == 400
    assert client.post("/api/frames/brouillon/check", json={"prompt": "x"}).status_code == 401


def test_check_uses_the_published_version_not_the_draft(client: TestClient):
    put_frame(client, "rustine", good_frame())
    put_frame(client, "rustine", good_frame(refusals=["Pas de cours de mécanique", "Pas de location",
                                                      "Pas de promotions agressives"]), publish=False)
    r = client.post("/api/frames/rustine/check", json={"prompt": OFF_FRAME}, headers=ADMIN)
    assert r.json()["outcome"] == "off_frame"
