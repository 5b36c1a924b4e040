"""Per-key requests per minute: 429 in the OpenAI shape with Retry-After once used up, set at creation or changed
later (API and CLI), recorded as refusals; the sliding-window arithmetic on its own. Across replicas:
tests/test_replicas.py."""

from __future__ import annotations

import openai
import pytest

from app.ops.ratelimit import RateLimiter, retry_after
from tests.support import ROOT
from tests.support.cli import cadre
from tests.support.gateway import Served, call, start
from tests.support.waiting import away_from_a_minute_end


def limited_key(served: Served, rate_limit: int | None) -> tuple[str, str]:
    with served.admin() as c:
        r = c.post("/api/keys", json={"frame": served.slug, "name": "limited", "rate_limit": rate_limit})
        assert r.status_code == 201, r.text
        assert r.json()["rate_limit"] == rate_limit
        return r.json()["secret"], r.json()["id"]


def test_a_key_over_its_limit_gets_429_with_retry_after(serve, upstream):
    served = start(serve)
    secret, key_id = limited_key(served, 3)
    away_from_a_minute_end(5)
    with served.client(key=secret) as client:
        for _ in range(3):
            call(client, "chat")
        with pytest.raises(openai.RateLimitError) as caught:
            call(client, "chat")
        # Embeddings and the model list count as well: the limit is on the key.
        with pytest.raises(openai.RateLimitError):
            client.models.list()
    error = caught.value
    assert error.status_code == 429
    body = error.response.json()
    assert body == {"error": {"message": body["error"]["message"], "type": "requests", "param": None,
                              "code": "rate_limit_exceeded"}}
    assert "3 requêtes par minute" in body["error"]["message"] and "3 requests per minute" in body["error"]["message"]
    retry = int(error.response.headers["retry-after"])
    assert 1 <= retry <= 60
    assert error.response.headers["x-ratelimit-limit-requests"] == "3"
    assert len(upstream.requests) == 3  # the refused ones went nowhere
    with served.client() as client:  # the served key has no limit
        call(client, "chat")
    refused = served.decisions(code="rate_limit_exceeded")["data"]
    assert [(d["outcome"], d["key_id"], d["endpoint"]) for d in refused] == [
        ("refused", key_id, "models"), ("refused", key_id, "chat")]


def test_the_limit_changes_and_goes_through_the_api(serve, upstream):
    served = start(serve)
    secret, key_id = limited_key(served, 1)
    away_from_a_minute_end(5)
    with served.client(key=secret) as client:
        call(client, "chat")
        with pytest.raises(openai.RateLimitError):
            call(client, "chat")
        with served.admin() as admin:
            r = admin.patch(f"/api/keys/{key_id}", json={"rate_limit": None})
            assert r.status_code == 200 and r.json()["rate_limit"] is None, r.text
            for bad in (0, -1, 10**7, "5", 2.5):
                r = admin.patch(f"/api/keys/{key_id}", json={"rate_limit": bad})
                assert r.status_code == 400, (bad, r.text)
            assert admin.patch("/api/keys/key_0000000000000000", json={"rate_limit": 5}).status_code == 404
            assert admin.patch(f"/api/keys/{key_id}", json={}).status_code == 400
            assert admin.post("/api/keys", json={"frame": served.slug, "rate_limit": 0}).status_code == 400
            listed = {k["id"]: k["rate_limit"] for k in admin.get("/api/keys").json()["data"]}
            assert listed[key_id] is None
        for _ in range(3):
            call(client, "chat")


def test_the_cli_sets_and_shows_the_limit(tmp_path):
    env = {"CADRE_DATABASE_URL": f"sqlite:///{tmp_path / 'cadre.db'}"}
    assert cadre("frame", "import", ROOT / "frames" / "la-roue-libre.yaml", env=env).returncode == 0
    created = cadre("key", "create", "--frame", "la-roue-libre", "--rate-limit", "30", env=env)
    assert created.returncode == 0, created.stderr
    key_id = created.stdout.split()[1]
    assert "30/min" in cadre("key", "list", env=env).stdout
    changed = cadre("key", "limit", key_id, "none", env=env)
    assert changed.returncode == 0 and "no rate limit" in changed.stdout
    assert "30/min" not in cadre("key", "list", env=env).stdout
    refused = cadre("key", "limit", key_id, "0", env=env)
    assert refused.returncode != 0 and "rate_limit" in refused.stderr


def test_sliding_window_estimate():
    limiter = RateLimiter(store=None, interval=1.0)  # type: ignore[arg-type]  # admit() never reads the store
    minute = 29_000_000
    start_of_minute = minute * 60.0
    for i in range(10):  # the previous minute used the whole limit
        assert limiter.admit("k", 10, start_of_minute - 60 + i) is None
    assert limiter.admit("k", 10, start_of_minute - 1) is not None
    # 30 s into the next minute, half of the previous one still counts: 5 more go, the 6th waits.
    admitted = [limiter.admit("k", 10, start_of_minute + 30) is None for _ in range(6)]
    assert admitted == [True] * 5 + [False]
    assert limiter.admit("other", 10, start_of_minute + 30) is None  # per key
    assert limiter.limited == 2


def test_retry_after_is_when_the_estimate_falls_under_the_limit():
    assert retry_after(10, 10, 0, 0.5) == 30  # this minute is full: the next one starts in 30 s
    assert retry_after(10, 5, 10, 0.5) == 1  # just at the limit: the previous minute's share fades at once
    assert retry_after(10, 0, 10, 0.0) == 1
    assert retry_after(10, 20, 0, 0.75) == 15 + 30  # over twice: the next minute, then half of it
    assert all(1 <= retry_after(10, c, p, e / 10) <= 120 for c in range(15) for p in range(1, 15)
               for e in range(10) if p * (1 - e / 10) + c >= 10)
