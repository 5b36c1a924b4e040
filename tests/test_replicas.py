"""Two real replicas (two ``cadre serve`` processes) over one PostgreSQL: a publish, a rollback or a revoke
made through one is enforced by the other within 1 second, although the other had it cached; a key's rate limit
holds across both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import ADMIN, good_frame, preview, put_frame
from tests.support.checks import fetch
from tests.support.resilience import SLUG, Process, frame_and_key, start_cadre
from tests.support.waiting import away_from_a_minute_end, wait_until

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


def served_within(client: httpx.Client, key: str, frame: str, text: str) -> None:
    """The replica injects version ``frame`` (with ``text`` in the prompt) within ``WITHIN`` seconds from now."""
    def serves() -> str | None:
        r = preview(client, key)
        assert r.status_code == 200, r.text
        served = r.headers["x-cadre-frame"]
        return None if served == frame and text in r.json()["choices"][0]["message"]["content"] else served

    still = wait_until(lambda: serves() is None, timeout=WITHIN, interval=0.01)
    assert still, f"the other replica still serves an older version than {frame} after {WITHIN} s"


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
        served_within(other, key, f"{SLUG}@2", NEW_PROMISE)

        r = admin.post(f"/api/frames/{SLUG}/rollback", json={"version": 1})
        assert r.status_code == 200, r.text
        served_within(other, key, f"{SLUG}@3", OLD_PROMISE)

        r = admin.delete(f"/api/keys/{key_id}")
        assert r.status_code == 200, r.text
        refused = wait_until(lambda: (r := preview(other, key)).status_code != 200 and r, timeout=WITHIN,
                             interval=0.01)
        assert refused, f"the other replica still accepts the key after {WITHIN} s"
        r = refused
        assert r.json()["error"]["code"] == "invalid_api_key", r.text


def shared_count(url: str, key_id: str) -> int:
    """The key's requests in the shared counts (``rate_windows``), read straight from the database: what every
    replica has added so far."""
    rows = fetch(url, f"SELECT coalesce(sum(requests), 0) FROM rate_windows WHERE key_id = '{key_id}'")
    return int(rows[0][0])


def exchanged(url: str, key_id: str, count: int) -> None:
    """Wait until the shared count is ``count`` (each replica adds what it let through every exchange interval,
    1 s by default, and reads every replica's sums back in the same transaction)."""
    assert wait_until(lambda: shared_count(url, key_id) == count, timeout=10, interval=0.05), \
        f"shared count {shared_count(url, key_id)}, expected {count}"


def test_rate_limit_holds_across_both_replicas(replicas: tuple[Process, Process], postgres_url: str) -> None:
    """With a limit of 10 a minute, 6 requests let through by one replica leave 4 to the other, both ways. Instead
    of sleeping through exchange intervals, the test waits for the shared counts in the database: the other
    replica's first request (a marker) is added to them in the same exchange that reads the 6 back, so once the
    shared count shows the marker, that replica knows the 6 (an exchange cannot be seen from outside otherwise)."""
    first, second = replicas
    away_from_a_minute_end()
    for one, other in ((first, second), (second, first)):  # one key per direction: each starts from nothing
        key, key_id = frame_and_key(first.url, slug=f"{SLUG}-{one.port}")
        with httpx.Client(base_url=first.url, headers=ADMIN, timeout=10.0) as admin, \
                httpx.Client(base_url=one.url, timeout=10.0) as this, \
                httpx.Client(base_url=other.url, timeout=10.0) as that:
            r = admin.patch(f"/api/keys/{key_id}", json={"rate_limit": 10})  # before either replica met the key
            assert r.status_code == 200 and r.json()["rate_limit"] == 10, r.text
            assert [preview(this, key).status_code for _ in range(6)] == [200] * 6
            exchanged(postgres_url, key_id, 6)
            answers = [preview(that, key)]  # the marker
            exchanged(postgres_url, key_id, 7)
            answers += [preview(that, key) for _ in range(5)]
            assert [r.status_code for r in answers] == [200] * 4 + [429] * 2
            refused = answers[-1]
            assert refused.json()["error"]["code"] == "rate_limit_exceeded"
            assert set(refused.json()["error"]) == {"message", "type", "param", "code"}
            assert 1 <= int(refused.headers["retry-after"]) <= 60
