"""The management API's frames over SQLite and a real PostgreSQL: draft, publish, versions, rollback, archive,
the append-only history (read straight from the database), If-Match against lost updates, and bad input."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.support import ADMIN, good_frame, new_key, preview, put_frame
from tests.support.checks import api_error, fetch

UNCLEAR = {"audience": "Tout le monde", "promise": ""}  # two lint errors: audience_everyone, required


def as_actor(name: str, **headers: str) -> dict[str, str]:
    return {**ADMIN, "x-cadre-actor": name, **headers}


def history(url: str) -> list[tuple[Any, ...]]:
    """frame_versions as stored, oldest first."""
    return fetch(url, "SELECT slug, version, frame, published_at, published_by, rollback_of FROM frame_versions "
                      "ORDER BY slug, version")


# ------------------------------------------------------------------------------------------------ drafts
def test_saving_a_draft_creates_the_frame_and_lint_errors_do_not_block_it(api: TestClient) -> None:
    r = api.put("/api/frames/rustine/draft", json=good_frame(**UNCLEAR), headers=ADMIN)
    assert r.status_code == 200, r.text
    state = r.json()
    assert r.headers["etag"] == state["etag"] == '"1"'
    assert state["slug"] == "rustine" and state["revision"] == 1
    assert state["draft"]["audience"] == "Tout le monde"
    assert state["published"] is None and state["draft_differs"] is True
    assert state["updated_by"] == "admin" and state["archived_at"] is None
    errors = {(f["field"], f["code"]) for f in state["draft_findings"] if f["severity"] == "error"}
    assert errors == {("audience", "audience_everyone"), ("promise", "required")}
    assert all(set(f) == {"field", "code", "severity", "message"} for f in state["draft_findings"])

    r = api.get("/api/frames/rustine", headers=ADMIN)
    assert r.status_code == 200 and r.headers["etag"] == '"1"'
    assert r.json()["draft"] == state["draft"] and r.json()["draft_findings"] == state["draft_findings"]

    # The draft is saved, but it cannot be published while errors remain.
    body = api_error(api.post("/api/frames/rustine/publish", headers=ADMIN), 422, "frame_has_errors")
    assert {(f["field"], f["code"]) for f in body["findings"]} == errors
    assert all(f["severity"] == "error" for f in body["findings"])
    assert api.get("/api/frames/rustine/versions", headers=ADMIN).json()["data"] == []

    # Fixing it is another save; warnings never block.
    r = api.put("/api/frames/rustine/draft", json=good_frame(proof=[]), headers=ADMIN)
    assert r.json()["revision"] == 2 and r.headers["etag"] == '"2"'
    assert [f["code"] for f in r.json()["draft_findings"]] == ["proof_missing"]
    r = api.post("/api/frames/rustine/publish", headers=ADMIN)
    assert r.status_code == 200, r.text
    assert r.json()["published"]["version"] == 1


def test_the_schema_holds_and_unknown_fields_are_rejected(api: TestClient, database_url: str) -> None:
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({**good_frame(), "slogan": "Vite fait, bien fait"}, "slogan", "unknown_field"),
        (good_frame(voice={"tone": "direct", "adresse": "vous"}), "voice.adresse", "unknown_field"),
        (good_frame(name=5), "name", "string_type"),
        (good_frame(priorities="Rapidité"), "priorities", "list_type"),
        (good_frame(refusals=[1, 2]), "refusals.0", "string_type"),
        (good_frame(voice={"address": "ils"}), "voice.address", "literal_error"),
        (good_frame(voice="direct"), "voice", "model_attributes_type"),
        ({**good_frame(), "language": "de"}, "language", "literal_error"),
        (good_frame(review_by="bientôt"), "review_by", "date_from_datetime_parsing"),
        (good_frame(promise="x" * 2001), "promise", "string_too_long"),
        (good_frame(secondary_audiences=[f"public {i}" for i in range(11)]), "secondary_audiences", "too_long"),
        (good_frame(lexicon={"banned": "cheap"}), "lexicon.banned", "list_type"),
    ]
    for body, param, code in cases:
        r = api.put("/api/frames/rustine/draft", json=body, headers=ADMIN)
        api_error(r, 400, code, param)
        assert r.json()["error"]["type"] == "invalid_request_error"
    api_error(api.get("/api/frames/rustine", headers=ADMIN), 404, "frame_not_found")
    assert fetch(database_url, "SELECT COUNT(*) FROM frames") == [(0,)]


INVALID_SLUGS = ["Rustine", "atelier_rustine", "-rustine", "rustine%20v%C3%A9lo", "%C3%A9", "a" * 65, "a" * 300,
                 "a%00b", "rustine%0A"]


def test_invalid_slugs_are_400_everywhere(api: TestClient) -> None:
    """Checked before the database is asked (a NUL byte would make PostgreSQL fail rather than say 400)."""
    for slug in INVALID_SLUGS:
        api_error(api.put(f"/api/frames/{slug}/draft", json=good_frame(), headers=ADMIN), 400, "invalid_slug",
                  "slug")
        for method, path in [("GET", ""), ("POST", "/publish"), ("GET", "/versions"), ("GET", "/versions/1"),
                             ("DELETE", ""), ("GET", "/prompt")]:
            api_error(api.request(method, f"/api/frames/{slug}{path}", headers=ADMIN), 400, "invalid_slug")
        api_error(api.post(f"/api/frames/{slug}/rollback", json={"version": 1}, headers=ADMIN), 400,
                  "invalid_slug")
    assert api.get("/api/frames", params={"archived": "true"}, headers=ADMIN).json()["data"] == []
    for slug in ("a", "0-9", "a" * 64, "atelier-rustine-2"):
        assert api.put(f"/api/frames/{slug}/draft", json=good_frame(), headers=ADMIN).status_code == 200


def test_unknown_frames_are_404(api: TestClient) -> None:
    for method, path in [("GET", ""), ("POST", "/publish"), ("GET", "/versions"), ("GET", "/versions/1"),
                         ("DELETE", ""), ("GET", "/prompt")]:
        api_error(api.request(method, f"/api/frames/nope{path}", headers=ADMIN), 404, "frame_not_found")
    api_error(api.post("/api/frames/nope/rollback", json={"version": 1}, headers=ADMIN), 404, "frame_not_found")
    api_error(api.post("/api/keys", json={"frame": "nope"}, headers=ADMIN), 404, "frame_not_found")


def test_get_frame_shows_draft_latest_version_findings_and_etag(api: TestClient) -> None:
    put_frame(api, "rustine", good_frame())
    put_frame(api, "rustine", good_frame(name="Atelier Rustine & fils"))
    r = api.put("/api/frames/rustine/draft", json=good_frame(name="Rustine", need=""), headers=ADMIN)
    etag = r.headers["etag"]
    r = api.get("/api/frames/rustine", headers=ADMIN)
    state = r.json()
    assert r.headers["etag"] == etag == state["etag"] == f'"{state["revision"]}"'
    assert state["draft"]["name"] == "Rustine" and state["draft_differs"] is True
    assert [f["code"] for f in state["draft_findings"]] == ["need_missing"]
    assert state["published"]["version"] == 2
    assert state["published"]["frame"]["name"] == "Atelier Rustine & fils"
    assert state["published_findings"] == []
    assert state["created_at"] <= state["updated_at"]


# ---------------------------------------------------------------------------------------------- publish
def test_publish_records_who_and_when_and_numbers_versions(api: TestClient) -> None:
    names = ["Atelier Rustine", "Atelier Rustine & fils", "Rustine Lyon 7"]
    for i, (name, actor) in enumerate(zip(names, ["alice", "bob", None], strict=True), start=1):
        api.put("/api/frames/rustine/draft", json=good_frame(name=name), headers=ADMIN)
        before = dt.datetime.now(dt.UTC)
        r = api.post("/api/frames/rustine/publish", headers=as_actor(actor) if actor else ADMIN)
        after = dt.datetime.now(dt.UTC)
        assert r.status_code == 200, r.text
        published = r.json()["published"]
        assert published["version"] == i and published["rollback_of"] is None
        assert published["published_by"] == (actor or "admin")
        assert before <= dt.datetime.fromisoformat(published["published_at"]) <= after
        assert r.json()["draft_differs"] is False
        # Publishing the same draft again is refused: nothing changed.
        api_error(api.post("/api/frames/rustine/publish", headers=ADMIN), 409, "no_changes")

    versions = api.get("/api/frames/rustine/versions", headers=ADMIN).json()["data"]
    assert [(v["version"], v["frame"]["name"], v["published_by"]) for v in versions] == [
        (1, names[0], "alice"), (2, names[1], "bob"), (3, names[2], "admin")]
    assert [v["published_at"] for v in versions] == sorted(v["published_at"] for v in versions)
    for v in versions:
        assert v["published_at"].endswith("+00:00")
        r = api.get(f"/api/frames/rustine/versions/{v['version']}", headers=ADMIN)
        assert r.status_code == 200 and r.json() == v
    api_error(api.get("/api/frames/rustine/versions/4", headers=ADMIN), 404, "version_not_found", "version")


def test_rollback_publishes_a_copy_and_history_is_never_rewritten(api: TestClient, database_url: str) -> None:
    put_frame(api, "rustine", good_frame())
    v1 = history(database_url)
    assert [(row[1], row[4], row[5]) for row in v1] == [(1, "admin", None)]

    put_frame(api, "rustine", good_frame(name="Atelier Rustine & fils"))
    v2 = history(database_url)
    assert v2[:1] == v1 and len(v2) == 2

    # An unsaved idea in the draft; then roll back to version 1.
    api.put("/api/frames/rustine/draft", json=good_frame(name="Idée en cours"), headers=ADMIN)
    r = api.post("/api/frames/rustine/rollback", json={"version": 1}, headers=as_actor("carole"))
    assert r.status_code == 200, r.text
    state = r.json()
    assert state["published"]["version"] == 3 and state["published"]["rollback_of"] == 1
    assert state["published"]["published_by"] == "carole"
    assert state["published"]["frame"] == good_frame() | {"review_by": None, "secondary_audiences": [], "watch": []}
    assert state["draft"] == state["published"]["frame"] and state["draft_differs"] is False
    assert r.headers["etag"] == state["etag"]

    v3 = history(database_url)
    assert v3[:2] == v2 and len(v3) == 3
    assert json.loads(v3[2][2]) == json.loads(v1[0][2]) and v3[2][5] == 1 and v3[2][4] == "carole"

    # Refused operations leave the history exactly as it was.
    api_error(api.post("/api/frames/rustine/publish", headers=ADMIN), 409, "no_changes")
    api_error(api.post("/api/frames/rustine/rollback", json={"version": 9}, headers=ADMIN), 404, "version_not_found")
    api.put("/api/frames/rustine/draft", json=good_frame(**UNCLEAR), headers=ADMIN)
    api_error(api.post("/api/frames/rustine/publish", headers=ADMIN), 422, "frame_has_errors")
    assert history(database_url) == v3

    # Rolling back to a rollback is one more copy; the versions list agrees with the database.
    api.post("/api/frames/rustine/rollback", json={"version": 2}, headers=ADMIN)
    versions = api.get("/api/frames/rustine/versions", headers=ADMIN).json()["data"]
    assert [(v["version"], v["rollback_of"], v["frame"]["name"]) for v in versions] == [
        (1, None, "Atelier Rustine"), (2, None, "Atelier Rustine & fils"), (3, 1, "Atelier Rustine"),
        (4, 2, "Atelier Rustine & fils")]
    assert history(database_url)[:3] == v3


def test_every_change_moves_the_etag(api: TestClient) -> None:
    etags = [api.put("/api/frames/rustine/draft", json=good_frame(), headers=ADMIN).headers["etag"]]
    etags.append(api.post("/api/frames/rustine/publish", headers=ADMIN).headers["etag"])
    etags.append(api.put("/api/frames/rustine/draft", json=good_frame(name="B"), headers=ADMIN).headers["etag"])
    etags.append(api.post("/api/frames/rustine/rollback", json={"version": 1}, headers=ADMIN).headers["etag"])
    etags.append(api.delete("/api/frames/rustine", headers=ADMIN).headers["etag"])
    assert etags == ['"1"', '"2"', '"3"', '"4"', '"5"']
    # Reads do not move it.
    assert api.get("/api/frames/rustine", headers=ADMIN).headers["etag"] == '"5"'


# ------------------------------------------------------------------------------------------- list, archive
def test_list_and_archive_keep_history_and_the_gateway_refuses_archived_frames(api: TestClient,
                                                                                database_url: str) -> None:
    put_frame(api, "rustine", good_frame())
    put_frame(api, "ledger", good_frame("en"))
    put_frame(api, "brouillon", good_frame(**UNCLEAR), publish=False)
    listed = api.get("/api/frames", headers=ADMIN).json()
    assert listed["object"] == "list"
    assert [f["slug"] for f in listed["data"]] == ["brouillon", "ledger", "rustine"]
    assert [f["published"] and f["published"]["version"] for f in listed["data"]] == [None, 1, 1]

    secret = new_key(api, "rustine")
    assert preview(api, secret).status_code == 200
    rows = history(database_url)

    r = api.delete("/api/frames/rustine", headers=as_actor("alice"))
    assert r.status_code == 200, r.text
    assert r.json()["archived_at"] is not None and r.json()["updated_by"] == "alice"
    assert [f["slug"] for f in api.get("/api/frames", headers=ADMIN).json()["data"]] == ["brouillon", "ledger"]

    # Archiving again changes nothing; an archived frame is not published to, nor given keys.
    again = api.delete("/api/frames/rustine", headers=ADMIN)
    assert again.json() == r.json() and again.headers["etag"] == r.headers["etag"]
    api.put("/api/frames/ledger/draft", json=good_frame("en", name="Bright Ledger Ltd"), headers=ADMIN)
    api.delete("/api/frames/ledger", headers=ADMIN)
    for path, body in [("/api/frames/ledger/publish", None), ("/api/frames/ledger/rollback", {"version": 1}),
                       ("/api/keys", {"frame": "ledger"})]:
        refused = api_error(api.post(path, json=body, headers=ADMIN), 409, "frame_archived")
        assert refused["current"]["archived_at"] is not None
    api.put("/api/frames/ledger/draft", json=good_frame("en"), headers=ADMIN)
    api.delete("/api/frames/ledger", headers=ADMIN)

    everything = api.get("/api/frames", params={"archived": "true"}, headers=ADMIN).json()["data"]
    assert [(f["slug"], f["archived_at"] is not None) for f in everything] == [
        ("brouillon", False), ("ledger", True), ("rustine", True)]
    assert [f["slug"] for f in api.get("/api/frames", headers=ADMIN).json()["data"]] == ["brouillon"]

    # History kept, readable; the frame itself still answers.
    assert history(database_url) == rows
    assert [v["version"] for v in api.get("/api/frames/rustine/versions", headers=ADMIN).json()["data"]] == [1]
    assert api.get("/api/frames/rustine", headers=ADMIN).json()["published"]["version"] == 1

    # Its keys are refused by the gateway, at once.
    body = api_error(preview(api, secret), 409, "frame_missing")
    assert body["error"]["type"] == "frame_refusal"

    # Saving a draft brings the frame back (nothing was lost).
    put_frame(api, "rustine", good_frame(name="Rustine, le retour"))
    assert [f["slug"] for f in api.get("/api/frames", headers=ADMIN).json()["data"]] == ["brouillon", "rustine"]
    assert preview(api, secret).status_code == 200
    assert [v["version"] for v in api.get("/api/frames/rustine/versions", headers=ADMIN).json()["data"]] == [1, 2]


def test_list_with_a_bad_archived_flag_is_400(api: TestClient) -> None:
    api_error(api.get("/api/frames", params={"archived": "maybe"}, headers=ADMIN), 400, param="archived")


# ------------------------------------------------------------------------------------------------ If-Match
def test_stale_if_match_is_412_with_the_current_state(api: TestClient, database_url: str) -> None:
    put_frame(api, "rustine", good_frame())  # revision 2 after publish
    state = api.get("/api/frames/rustine", headers=ADMIN).json()
    assert state["etag"] == '"2"'

    r = api.put("/api/frames/rustine/draft", json=good_frame(name="B"), headers={**ADMIN, "if-match": '"2"'})
    assert r.status_code == 200 and r.headers["etag"] == '"3"'

    stale = {**ADMIN, "if-match": '"2"'}
    for method, path, body in [("PUT", "/draft", good_frame(name="C")), ("POST", "/publish", None),
                               ("POST", "/rollback", {"version": 1})]:
        r = api.request(method, f"/api/frames/rustine{path}", json=body, headers=stale)
        found = api_error(r, 412, "etag_mismatch")
        assert found["error"]["type"] == "precondition_failed"
        assert found["current"]["revision"] == 3 and found["current"]["etag"] == '"3"'
        assert found["current"]["draft"]["name"] == "B"
        assert found["current"]["published"]["version"] == 1
    assert len(history(database_url)) == 1
    assert api.get("/api/frames/rustine", headers=ADMIN).json()["draft"]["name"] == "B"

    # The current ETag, in any of the usual spellings, goes through; "*" means "whatever it is".
    r = api.post("/api/frames/rustine/publish", headers={**ADMIN, "if-match": 'W/"3"'})
    assert r.status_code == 200 and r.json()["published"]["version"] == 2
    r = api.post("/api/frames/rustine/rollback", json={"version": 1}, headers={**ADMIN, "if-match": "4"})
    assert r.status_code == 200 and r.json()["published"]["version"] == 3
    r = api.put("/api/frames/rustine/draft", json=good_frame(name="D"), headers={**ADMIN, "if-match": "*"})
    assert r.status_code == 200


def test_if_match_on_a_new_frame(api: TestClient) -> None:
    body = api_error(api.put("/api/frames/neuf/draft", json=good_frame(), headers={**ADMIN, "if-match": '"3"'}),
                     412, "etag_mismatch")
    assert body["current"] is None
    api_error(api.get("/api/frames/neuf", headers=ADMIN), 404)
    # "0": "I believe it does not exist yet".
    r = api.put("/api/frames/neuf/draft", json=good_frame(), headers={**ADMIN, "if-match": '"0"'})
    assert r.status_code == 200 and r.json()["revision"] == 1
    body = api_error(api.put("/api/frames/neuf/draft", json=good_frame(), headers={**ADMIN, "if-match": '"0"'}),
                     412, "etag_mismatch")
    assert body["current"]["revision"] == 1


def test_malformed_if_match_is_400(api: TestClient) -> None:
    put_frame(api, "rustine", good_frame(), publish=False)
    for value in ["abc", '"4', '4"', "4.0", '"-1"', "1, 2", '"1" "2"', "W/", '"99999999999999999999"']:
        for method, path, body in [("PUT", "/draft", good_frame()), ("POST", "/publish", None),
                                   ("POST", "/rollback", {"version": 1})]:
            r = api.request(method, f"/api/frames/rustine{path}", json=body, headers={**ADMIN, "if-match": value})
            api_error(r, 400, "invalid_etag", "If-Match")
    assert api.get("/api/frames/rustine", headers=ADMIN).json()["revision"] == 1


def test_two_editors_cannot_lose_each_others_work(api: TestClient, database_url: str) -> None:
    put_frame(api, "rustine", good_frame())
    # Alice and Bob open the frame at the same time.
    alice = api.get("/api/frames/rustine", headers=ADMIN)
    bob = api.get("/api/frames/rustine", headers=ADMIN)
    assert alice.headers["etag"] == bob.headers["etag"]

    r = api.put("/api/frames/rustine/draft", json=good_frame(promise="Réparé en 24 heures, garanti."),
                headers=as_actor("alice", **{"if-match": alice.headers["etag"]}))
    assert r.status_code == 200
    # Bob saves on top of what he saw: refused, and he is shown what Alice wrote.
    r = api.put("/api/frames/rustine/draft", json=good_frame(name="Rustine"),
                headers=as_actor("bob", **{"if-match": bob.headers["etag"]}))
    current = api_error(r, 412, "etag_mismatch")["current"]
    assert current["draft"]["promise"] == "Réparé en 24 heures, garanti." and current["updated_by"] == "alice"
    # Bob merges and saves with the new ETag; both changes survive.
    r = api.put("/api/frames/rustine/draft", json={**current["draft"], "name": "Rustine"},
                headers=as_actor("bob", **{"if-match": current["etag"]}))
    assert r.status_code == 200
    # Alice publishes what she saw last: stale, refused; nothing is published behind her back.
    api_error(api.post("/api/frames/rustine/publish",
                       headers=as_actor("alice", **{"if-match": alice.headers["etag"]})), 412)
    r = api.post("/api/frames/rustine/publish", headers=as_actor("bob", **{"if-match": r.headers["etag"]}))
    assert r.status_code == 200
    published = r.json()["published"]["frame"]
    assert (published["name"], published["promise"]) == ("Rustine", "Réparé en 24 heures, garanti.")
    assert [row[4] for row in history(database_url)] == ["admin", "bob"]


def test_concurrent_editors_over_http(serve: Callable[..., str], database_url: str) -> None:
    """Real concurrent requests on uvicorn: of several writes starting from the same ETag, exactly one wins and
    the others get 412 with the current state; concurrent publishes of one draft make exactly one version."""
    base = serve(database_url=database_url)
    with httpx.Client(base_url=base) as c:
        put_frame(c, "rustine", good_frame())
        etag = c.get("/api/frames/rustine", headers=ADMIN).headers["etag"]

    async def together(requests: list[tuple[str, str, dict[str, Any] | None, dict[str, str]]]) -> list[Any]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            return await asyncio.gather(*(c.request(m, p, json=b, headers=h) for m, p, b, h in requests))

    saves = asyncio.run(together([("PUT", "/api/frames/rustine/draft", good_frame(name=f"Éditeur {i}"),
                                   as_actor(f"e{i}", **{"if-match": etag})) for i in range(4)]))
    assert sorted(r.status_code for r in saves) == [200, 412, 412, 412]
    winner = next(r for r in saves if r.status_code == 200).json()
    for r in saves:
        if r.status_code == 412:
            assert api_error(r, 412, "etag_mismatch")["current"]["draft"]["name"] == winner["draft"]["name"]

    publishes = asyncio.run(together([("POST", "/api/frames/rustine/publish", None,
                                       as_actor(f"p{i}", **{"if-match": winner["etag"]})) for i in range(4)]))
    assert sorted(r.status_code for r in publishes) == [200, 412, 412, 412]
    for r in publishes:
        if r.status_code == 412:
            assert api_error(r, 412, "etag_mismatch")["current"]["published"]["version"] == 2

    with httpx.Client(base_url=base) as c:
        c.put("/api/frames/rustine/draft", json=good_frame(name="Sans ETag"), headers=ADMIN)
    publishes = asyncio.run(together([("POST", "/api/frames/rustine/publish", None, ADMIN) for _ in range(4)]))
    assert sorted(r.status_code for r in publishes) == [200, 409, 409, 409]
    assert all(api_error(r, 409, "no_changes") for r in publishes if r.status_code == 409)
    assert [row[1] for row in history(database_url)] == [1, 2, 3]


# ---------------------------------------------------------------------------------------- never a 500
def test_bad_input_is_never_a_500(api: TestClient) -> None:
    put_frame(api, "rustine", good_frame())
    json_ct = {**ADMIN, "content-type": "application/json"}
    cases: list[tuple[str, str, dict[str, Any], int, str | None]] = [
        ("PUT", "/api/frames/rustine/draft", {"content": b"{not json", "headers": json_ct}, 400, "invalid_json"),
        ("PUT", "/api/frames/rustine/draft", {"content": b"\xff\xfe", "headers": json_ct}, 400, None),
        ("PUT", "/api/frames/rustine/draft", {"content": b"name=x", "headers": {
            **ADMIN, "content-type": "application/x-www-form-urlencoded"}}, 400, None),
        ("PUT", "/api/frames/rustine/draft", {"content": b"[1, 2]", "headers": json_ct}, 400, None),
        ("PUT", "/api/frames/rustine/draft", {"content": b"null", "headers": json_ct}, 400, None),
        ("PUT", "/api/frames/rustine/draft", {"headers": ADMIN}, 400, None),
        ("POST", "/api/frames/rustine/rollback", {"headers": ADMIN}, 400, None),
        ("POST", "/api/frames/rustine/rollback", {"json": {"version": "1"}, "headers": ADMIN}, 400, None),
        ("POST", "/api/frames/rustine/rollback", {"json": {"version": 1.5}, "headers": ADMIN}, 400, None),
        ("POST", "/api/frames/rustine/rollback", {"json": {"version": True}, "headers": ADMIN}, 400, None),
        ("POST", "/api/frames/rustine/rollback", {"json": {"version": 0}, "headers": ADMIN}, 400, None),
        ("POST", "/api/frames/rustine/rollback", {"json": {"version": 1, "force": True}, "headers": ADMIN}, 400,
         "unknown_field"),
        ("POST", "/api/frames/rustine/rollback", {"json": {"version": 2}, "headers": ADMIN}, 404,
         "version_not_found"),
        ("POST", "/api/frames/rustine/rollback", {"json": {"version": 10**20}, "headers": ADMIN}, 400, None),
        ("GET", "/api/frames/rustine/versions/abc", {"headers": ADMIN}, 400, None),
        ("GET", "/api/frames/rustine/versions/0", {"headers": ADMIN}, 400, None),
        ("GET", f"/api/frames/rustine/versions/{10**20}", {"headers": ADMIN}, 400, None),
        ("GET", "/api/frames/rustine/prompt?source=brouillon", {"headers": ADMIN}, 400, None),
        ("POST", "/api/lint", {"content": b"not json", "headers": json_ct}, 400, "invalid_json"),
        ("POST", "/api/lint", {"json": {"nom": "x"}, "headers": ADMIN}, 400, "unknown_field"),
        ("POST", "/api/lint?today=hier", {"json": good_frame(), "headers": ADMIN}, 400, None),
        ("PUT", "/api/frames/rustine/draft", {"json": good_frame(), "headers": as_actor("x" * 201)}, 400,
         "invalid_actor"),
        ("GET", "/api/nowhere", {"headers": ADMIN}, 404, "not_found"),
        ("GET", "/nowhere", {}, 404, "not_found"),
        ("GET", "/api/frames/rustine/draft/extra", {"headers": ADMIN}, 404, "not_found"),
        ("PATCH", "/api/frames/rustine", {"headers": ADMIN}, 405, "method_not_allowed"),
        ("POST", "/api/frames", {"headers": ADMIN}, 405, "method_not_allowed"),
        ("GET", "/api/frames/rustine/publish", {"headers": ADMIN}, 405, "method_not_allowed"),
        ("DELETE", "/api/keys", {"headers": ADMIN}, 405, "method_not_allowed"),
    ]
    for method, path, kwargs, status, code in cases:
        api_error(api.request(method, path, **kwargs), status, code)
    assert [v["version"] for v in api.get("/api/frames/rustine/versions", headers=ADMIN).json()["data"]] == [1]


def test_decisions_query_with_bad_params_is_400(api: TestClient) -> None:
    for params in [{"limit": "0"}, {"limit": "1001"}, {"limit": "ten"}, {"before": "0"}, {"before": "x"},
                   {"before": str(10**20)}, {"since": "yesterday"}, {"outcome": "maybe"}, {"frame": "a" * 65},
                   {"frame": "a\x00b"}, {"frame": "Rustine"}, {"code": "a\x00b"}, {"code": "x" * 65}]:
        api_error(api.get("/api/decisions", params=params, headers=ADMIN), 400)
    ok = api.get("/api/decisions", params={"frame": "rustine", "outcome": "refused", "code": "frame_missing",
                                           "since": "2026-01-01T00:00:00", "before": "5", "limit": "3"},
                 headers=ADMIN)
    assert ok.status_code == 200 and ok.json() == {"object": "list", "data": [], "next_before": None}
