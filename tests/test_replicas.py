"""Two real replicas (two ``cadre serve`` processes) over one PostgreSQL: a publish, a rollback or a revoke
made through one is enforced by the other within 1 second, although the other had it cached."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN, good_frame, put_frame
from tests.support.resilience import SLUG, Process, chat_body, frame_and_key, start_cadre

pytestmark = pytest.mark.postgres
WITHIN = 1.0  # seconds: the promise, with the default cache_check_interval (0.5 s)
OLD_PROMISE = good_frame()["promise"]
NEW_PROMISE = "Votre vélo réparé en 24 heures, ou la réparation offerte."


@pytest.fixture
def replicas(tmp_path: Path, postgres_url: str, upstream_url: str) -> Iterator[tuple[Process, Process]]:
    first = second = None
    try:
        first = start_cadre(tmp_path, postgres_url, upstream_url)
        second = start_cadre(tmp_path, postgres_url, upstream_url)
        yield first, second
    finally:
        for replica in (first, second):
            if replica is not None:
                replica.stop()


def preview(client: httpx.Client, key: str) -> httpx.Response:
    """A ``cadre-preview`` request: the answer is the body that would go upstream, frame included."""
    return client.post("/v1/chat/completions", json=chat_body(stream=False, model="cadre-preview"),
                       headers={"authorization": f"Bearer {key}"})


def served_within(client: httpx.Client, key: str, since: float, frame: str, text: str) -> float:
    """Poll the replica until it injects version ``frame`` (with ``text`` in the prompt); the seconds it took."""
    while True:
        r = preview(client, key)
        assert r.status_code == 200, r.text
        content = r.json()["choices"][0]["message"]["content"]
        if r.headers["x-cadre-frame"] == frame and text in content:
            return time.monotonic() - since
        if time.monotonic() - since > WITHIN:
            pytest.fail(f"the other replica still serves {r.headers['x-cadre-frame']} after {WITHIN} s")
        time.sleep(0.01)


def test_publish_rollback_and_revoke_reach_the_other_replica_within_a_second(
        replicas: tuple[Process, Process]) -> None:
    first, second = replicas
    key, key_id = frame_and_key(first.url)
    with httpx.Client(base_url=first.url, headers=ADMIN, timeout=10.0) as admin, \
            httpx.Client(base_url=second.url, timeout=10.0) as other:
        for _ in range(3):  # the second replica now has the key and version 1 in its cache
            r = preview(other, key)
            assert r.status_code == 200, r.text
            assert r.headers["x-cadre-frame"] == f"{SLUG}@1"
            assert OLD_PROMISE in r.json()["choices"][0]["message"]["content"]

        put_frame(admin, SLUG, good_frame(promise=NEW_PROMISE))
        served_within(other, key, time.monotonic(), f"{SLUG}@2", NEW_PROMISE)

        r = admin.post(f"/api/frames/{SLUG}/rollback", json={"version": 1})
        assert r.status_code == 200, r.text
        served_within(other, key, time.monotonic(), f"{SLUG}@3", OLD_PROMISE)

        r = admin.delete(f"/api/keys/{key_id}")
        assert r.status_code == 200, r.text
        revoked = time.monotonic()
        while (r := preview(other, key)).status_code == 200:
            assert time.monotonic() - revoked <= WITHIN, f"the other replica still accepts the key after {WITHIN} s"
            time.sleep(0.01)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "invalid_api_key", r.text


def away_from_a_minute_end(margin: float = 10.0) -> None:
    """Sleep past the end of the current minute if fewer than ``margin`` seconds are left: limits are per minute,
    and right after a minute ends the estimate of the last 60 s starts to fall (app/ratelimit.py)."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.5)


def test_rate_limit_holds_across_both_replicas(replicas: tuple[Process, Process]) -> None:
    first, second = replicas
    key, key_id = frame_and_key(first.url)
    with httpx.Client(base_url=first.url, headers=ADMIN, timeout=10.0) as admin, \
            httpx.Client(base_url=first.url, timeout=10.0) as one, \
            httpx.Client(base_url=second.url, timeout=10.0) as other:
        r = admin.patch(f"/api/keys/{key_id}", json={"rate_limit": 10})
        assert r.status_code == 200 and r.json()["rate_limit"] == 10, r.text
        time.sleep(2 * WITHIN)  # the new limit reaches the second replica's cache
        away_from_a_minute_end()
        assert [preview(one, key).status_code for _ in range(6)] == [200] * 6
        time.sleep(2.5)  # the default exchange interval is 1 s: the first adds its 6, the second reads them
        answers = [preview(other, key) for _ in range(6)]
        assert [r.status_code for r in answers] == [200] * 4 + [429] * 2
        refused = answers[-1]
        assert refused.json()["error"]["code"] == "rate_limit_exceeded"
        assert set(refused.json()["error"]) == {"message", "type", "param", "code"}
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        time.sleep(2.5)
        r = preview(one, key)
        assert r.status_code == 429, "the first replica must see the second one's requests"
