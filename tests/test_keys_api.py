"""Client keys and the admin token, over SQLite and a real PostgreSQL: secrets shown once and stored only as
SHA-256 (read straight from the database), revocation enforced by the gateway at once, every /api route
guarded, and the admin token generated on first start, printed once, stored hashed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.support import ADMIN, ADMIN_TOKEN, good_frame, new_key, preview, put_frame
from tests.support.checks import api_error, dump, fetch, sqlite_bytes

TOKEN = re.compile(r"cadre_admin_[A-Za-z0-9_-]{20,}")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def assert_not_stored(database_url: str, secret: str) -> None:
    """``secret`` is nowhere in the database: not in any row, not in SQLite's files."""
    assert secret not in dump(database_url)
    if database_url.startswith("sqlite"):
        assert secret.encode() not in sqlite_bytes(database_url)


# ------------------------------------------------------------------------------------------------- keys
def test_the_secret_is_shown_once_and_only_its_hash_is_stored(api: TestClient, database_url: str) -> None:
    put_frame(api, "rustine", good_frame())
    r = api.post("/api/keys", json={"frame": "rustine", "name": "Outil marketing", "refusal_style": "message"},
                 headers=ADMIN)
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["secret"]
    assert re.fullmatch(r"cadre_sk_[A-Za-z0-9_-]{40,}", secret)
    assert created["id"].startswith("key_") and created["frame"] == "rustine"
    assert (created["name"], created["refusal_style"], created["active"], created["revoked_at"]) == (
        "Outil marketing", "message", True, None)
    assert created["hint"] == secret[:13] + "…" + secret[-4:]

    listed = api.get("/api/keys", headers=ADMIN)
    assert listed.status_code == 200 and secret not in listed.text
    (key,) = listed.json()["data"]
    assert "secret" not in key and key == {k: v for k, v in created.items() if k != "secret"}

    rows = fetch(database_url, "SELECT id, frame, secret_hash, secret_hint FROM api_keys")
    assert rows == [(created["id"], "rustine", sha256(secret), created["hint"])]
    assert_not_stored(database_url, secret)
    assert preview(api, secret).status_code == 200
    assert api.get("/api/decisions", headers=ADMIN).json()["data"][0]["key_id"] == created["id"]  # flushed
    assert_not_stored(database_url, secret)  # nor in the decision log


def test_keys_are_listed_by_frame_and_named_by_default(api: TestClient) -> None:
    put_frame(api, "rustine", good_frame())
    put_frame(api, "ledger", good_frame("en"))
    new_key(api, "rustine", name="a")
    new_key(api, "ledger", name="b")
    r = api.post("/api/keys", json={"frame": "rustine"}, headers=ADMIN)
    assert r.json()["name"] == r.json()["id"] and r.json()["refusal_style"] == "error"
    assert [k["name"] for k in api.get("/api/keys", headers=ADMIN).json()["data"]] == ["a", "b", r.json()["id"]]
    assert [k["frame"] for k in api.get("/api/keys", params={"frame": "ledger"}, headers=ADMIN).json()["data"]] == [
        "ledger"]
    assert api.get("/api/keys", params={"frame": "nope"}, headers=ADMIN).json()["data"] == []
    api_error(api.get("/api/keys", params={"frame": "a\x00b"}, headers=ADMIN), 400)
    api_error(api.get("/api/keys", params={"frame": "x" * 65}, headers=ADMIN), 400)


def test_revocation_is_enforced_by_the_gateway_at_once(api: TestClient, database_url: str) -> None:
    put_frame(api, "rustine", good_frame())
    secret, other = new_key(api, "rustine"), new_key(api, "rustine")
    key_id = api.get("/api/keys", headers=ADMIN).json()["data"][0]["id"]

    r = preview(api, secret)
    assert r.status_code == 200, r.text
    assert "Atelier Rustine" in r.json()["choices"][0]["message"]["content"]

    r = api.delete(f"/api/keys/{key_id}", headers=ADMIN)
    assert r.status_code == 200, r.text
    revoked = r.json()
    assert revoked["id"] == key_id and revoked["active"] is False and revoked["revoked_at"]
    body = api_error(preview(api, secret), 401, "invalid_api_key")
    assert body["error"]["type"] == "authentication_error"
    assert preview(api, other).status_code == 200  # only that key

    # Revoking again changes nothing; the key stays listed as revoked, its row is kept.
    again = api.delete(f"/api/keys/{key_id}", headers=ADMIN)
    assert again.status_code == 200 and again.json() == revoked
    listed = {k["id"]: k["active"] for k in api.get("/api/keys", headers=ADMIN).json()["data"]}
    assert listed[key_id] is False and list(listed.values()).count(True) == 1
    assert fetch(database_url, f"SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = '{key_id}'") == [(True,)]
    api_error(api.delete("/api/keys/key_0000000000000000", headers=ADMIN), 404, "key_not_found")
    api_error(api.delete("/api/keys/a%00b", headers=ADMIN), 404, "key_not_found")
    api_error(api.delete(f"/api/keys/{'k' * 300}", headers=ADMIN), 404, "key_not_found")


def test_a_key_on_a_frame_without_publication_gets_refusals(api: TestClient) -> None:
    put_frame(api, "brouillon", good_frame(), publish=False)
    api_error(preview(api, new_key(api, "brouillon")), 409, "frame_missing")
    r = preview(api, new_key(api, "brouillon", style="message"))
    assert r.status_code == 200
    message = r.json()["choices"][0]["message"]
    assert message["content"] is None and "Atelier Rustine" in message["refusal"]


def test_bad_key_requests(api: TestClient, database_url: str) -> None:
    put_frame(api, "rustine", good_frame())
    api_error(api.post("/api/keys", json={"frame": "nope"}, headers=ADMIN), 404, "frame_not_found")
    for frame in ("Rustine", "a\x00b", "x" * 65, ""):
        api_error(api.post("/api/keys", json={"frame": frame}, headers=ADMIN), 400, "invalid_slug", "frame")
    cases: list[tuple[Any, str | None]] = [
        ({"frame": "rustine", "refusal_style": "loud"}, "refusal_style"),
        ({"frame": "rustine", "refusal_style": None}, "refusal_style"),
        ({"frame": "rustine", "name": "x" * 201}, "name"),
        ({"frame": "rustine", "name": "a\x00b"}, "name"),
        ({"frame": "rustine", "name": 7}, "name"),
        ({"frame": "rustine", "secret": "cadre_sk_mine"}, "secret"),
        ({"frame": 5}, "frame"),
        ({}, "frame"),
        ([], None),
    ]
    for body, param in cases:
        api_error(api.post("/api/keys", json=body, headers=ADMIN), 400, param=param)
    api_error(api.post("/api/keys", content=b"frame=rustine", headers={**ADMIN, "content-type": "text/plain"}), 400)
    assert fetch(database_url, "SELECT COUNT(*) FROM api_keys") == [(0,)]


# ------------------------------------------------------------------------------------------- admin auth
def _calls(c: TestClient, key_id: str) -> list[tuple[str, str, Any]]:
    """One request per /api route and method of the OpenAPI document, with a plausible body."""
    bodies = {"/api/frames/{slug}/draft": good_frame(), "/api/frames/{slug}/rollback": {"version": 1},
              "/api/keys": {"frame": "rustine"}, "/api/lint": good_frame()}
    calls = []
    for template, operations in c.get("/openapi.json").json()["paths"].items():
        if template.startswith("/api/"):
            path = template.replace("{slug}", "rustine").replace("{number}", "1").replace("{key_id}", key_id)
            calls += [(method.upper(), path, bodies.get(template)) for method in sorted(operations)]
    return calls


def test_every_api_route_needs_the_admin_token(api: TestClient, database_url: str) -> None:
    put_frame(api, "rustine", good_frame())
    secret = new_key(api, "rustine")
    key_id = api.get("/api/keys", headers=ADMIN).json()["data"][0]["id"]
    calls = _calls(api, key_id)
    assert {(m, p) for m, p, _ in calls} >= {
        ("GET", "/api/frames"), ("GET", "/api/frames/rustine"), ("PUT", "/api/frames/rustine/draft"),
        ("POST", "/api/frames/rustine/publish"), ("GET", "/api/frames/rustine/versions"),
        ("GET", "/api/frames/rustine/versions/1"), ("POST", "/api/frames/rustine/rollback"),
        ("POST", "/api/lint"), ("DELETE", "/api/frames/rustine"), ("POST", "/api/keys"), ("GET", "/api/keys"),
        ("DELETE", f"/api/keys/{key_id}"), ("GET", "/api/decisions")}
    # The right token, in any case of "Bearer", passes.
    assert api.get("/api/frames", headers={"authorization": f"bearer {ADMIN_TOKEN}"}).status_code == 200
    before = dump(database_url)
    wrong: list[dict[str, str]] = [
        {}, {"authorization": "Bearer "}, {"authorization": "Bearer wrong-token"},
        {"authorization": f"Bearer {ADMIN_TOKEN}x"}, {"authorization": f"Basic {ADMIN_TOKEN}"},
        {"authorization": ADMIN_TOKEN}, {"authorization": f"Bearer {secret}"},  # a client key is not admin
        {"x-api-key": ADMIN_TOKEN},
    ]
    for method, path, body in calls:
        for headers in wrong:
            r = api.request(method, path, json=body, headers=headers)
            if r.status_code == 429:  # wrong tokens in a row: the admin throttle makes this client wait
                api_error(r, 429, "too_many_attempts")
                continue
            assert api_error(r, 401, "invalid_admin_token")["error"]["type"] == "authentication_error", (method, path)
    assert dump(database_url) == before
    # And the admin token is not a client key.
    api_error(preview(api, ADMIN_TOKEN), 401, "invalid_api_key")


def test_without_configured_token_one_is_generated_printed_once_and_stored_hashed(
        make_settings: Callable[..., Any], database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    with TestClient(create_app(make_settings(database_url=database_url, admin_token=None))) as c:
        printed = capsys.readouterr().out
        (token,) = TOKEN.findall(printed)
        assert printed.count(token) == 1
        assert c.get("/api/frames", headers={"authorization": f"Bearer {token}"}).status_code == 200
        api_error(c.get("/api/frames", headers=ADMIN), 401, "invalid_admin_token")
    assert [row[0] for row in fetch(database_url, "SELECT token_hash FROM admin_tokens")] == [sha256(token)]
    assert_not_stored(database_url, token)

    # Next start over the same database: nothing printed, nothing new stored, the same token works.
    with TestClient(create_app(make_settings(database_url=database_url, admin_token=None))) as c:
        assert not TOKEN.search(capsys.readouterr().out)
        assert c.get("/api/frames", headers={"authorization": f"Bearer {token}"}).status_code == 200
    assert len(fetch(database_url, "SELECT token_hash FROM admin_tokens")) == 1


def test_a_configured_token_generates_nothing(make_settings: Callable[..., Any], database_url: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with TestClient(create_app(make_settings(database_url=database_url))) as c:
        assert c.get("/api/frames", headers=ADMIN).status_code == 200
    assert not TOKEN.search(capsys.readouterr().out)
    assert fetch(database_url, "SELECT COUNT(*) FROM admin_tokens") == [(0,)]
    assert_not_stored(database_url, ADMIN_TOKEN)
