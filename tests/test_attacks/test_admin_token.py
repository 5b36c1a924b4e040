"""The admin token: guessed on every surface at once and still slowed down, never at full speed; a chosen one
long enough; a new one (``cadre token reset``) and a sign-out enforced by every running replica."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.support import ADMIN, ADMIN_TOKEN, ServerThread
from tests.support.attacks import cadre_process
from tests.support.cli import COMMAND, ROOT, cadre
from tests.support.console import PASSWORD, ConsoleClient, csrf_of

WRONG = [f"cadre_admin_wrong-guess-{i:04d}-0123456789abcdef" for i in range(50)]


def _sign_in(user: ConsoleClient, token: str, **headers: str) -> httpx.Response:
    """The console's first sign-in: the admin token creates the owner's account (name and password)."""
    page = user.get("/admin/sign-in", headers=headers)
    return user.http.post("/admin/sign-in", data={"csrf": csrf_of(page.text), "token": token, "name": "Claire",
                                                  "password": PASSWORD, "next": "/admin"}, headers=headers)


def test_fifty_wrong_admin_tokens_on_the_api_get_429_after_a_few(serve: Any) -> None:
    base = serve()
    with httpx.Client(base_url=base, timeout=10) as c:
        answers = [c.get("/api/frames", headers={"authorization": f"Bearer {token}"}) for token in WRONG]
    statuses = [r.status_code for r in answers]
    assert statuses.count(401) <= 3 and statuses[-1] == 429, statuses
    refused = answers[-1]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert refused.json()["error"]["type"] == "requests"


def test_the_api_and_the_console_share_one_throttle(serve: Any, tmp_path: Path) -> None:
    base = serve()
    with httpx.Client(base_url=base, timeout=10) as api, ConsoleClient(base) as user:
        assert api.get("/api/frames", headers={"authorization": f"Bearer {WRONG[0]}"}).status_code == 401
        # The right token, on the other surface, right after: the address must wait first.
        assert _sign_in(user, ADMIN_TOKEN).status_code == 429
    other = serve(database_url=f"sqlite:///{tmp_path}/other.db")  # another server: a throttle of its own
    with httpx.Client(base_url=other, timeout=10) as api, ConsoleClient(other) as user:
        assert _sign_in(user, WRONG[1]).status_code == 401
        assert api.get("/api/frames", headers=ADMIN).status_code == 429


def test_changing_x_forwarded_for_does_not_escape_the_throttle(tmp_path: Path) -> None:
    cadre = cadre_process(tmp_path)  # no trusted proxy (the default): the address is the peer's
    try:
        with ConsoleClient(cadre.url) as user:
            statuses = [_sign_in(user, token, **{"x-forwarded-for": f"203.0.113.{i}"}).status_code
                        for i, token in enumerate(WRONG[:6])]
        assert statuses[0] == 401 and statuses[-1] == 429, statuses
    finally:
        cadre.stop()


def test_a_trusted_proxy_gives_each_client_its_own_wait_and_all_share_one_budget(tmp_path: Path) -> None:
    cadre = cadre_process(tmp_path, trusted_proxies="127.0.0.1")
    try:
        with ConsoleClient(cadre.url) as user:
            assert _sign_in(user, WRONG[0], **{"x-forwarded-for": "203.0.113.1"}).status_code == 401
            assert _sign_in(user, ADMIN_TOKEN, **{"x-forwarded-for": "203.0.113.1"}).status_code == 429
            assert _sign_in(user, ADMIN_TOKEN, **{"x-forwarded-for": "203.0.113.2"}).status_code == 303
        with httpx.Client(base_url=cadre.url, timeout=10) as api:  # many addresses: the budget of all of them
            statuses = [api.get("/api/frames", headers={"authorization": f"Bearer {token}",
                                                       "x-forwarded-for": f"198.51.100.{i}"}).status_code
                        for i, token in enumerate(WRONG)]
            assert 429 in statuses and statuses[-1] == 429, statuses
            assert statuses.count(401) <= 31
    finally:
        cadre.stop()


def test_a_chosen_admin_token_shorter_than_32_characters_is_refused_at_start(tmp_path: Path) -> None:
    env = {"CADRE_DATABASE_URL": f"sqlite:///{tmp_path}/cadre.db", "CADRE_ADMIN_TOKEN": "short-but-memorable",
           "CADRE_PORT": "0"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CADRE_")}
    process = subprocess.Popen([*COMMAND, "serve"], cwd=ROOT, env={**clean, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        _, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate(timeout=10)
        pytest.fail("cadre serve started with a 19-character admin token")
    assert process.returncode != 0
    assert "CADRE_ADMIN_TOKEN" in err and "32" in err and "Traceback" not in err, err
    accepted = cadre("frame", "list", env={**env, "CADRE_ADMIN_TOKEN": "x" * 32})
    assert accepted.returncode == 0, accepted.stderr


def _replica(database_url: str, upstream_url: str) -> ServerThread:
    settings = Settings(database_url=database_url, admin_token=None, upstream_base_url=upstream_url,
                        public_url="http://cadre.test")  # CADRE_CACHE_CHECK_INTERVAL left at its default
    return ServerThread(create_app(settings)).start()


def _wait_until_refused(url: str, token: str, cookies: httpx.Cookies, limit: float = 5.0) -> tuple[float, float]:
    """Seconds until ``url`` refuses ``token`` on the API, and until it refuses the console session in
    ``cookies`` (each polled, at most ``limit`` seconds)."""
    start = time.monotonic()
    api_at = console_at = None
    with httpx.Client(base_url=url, timeout=5, cookies=cookies, follow_redirects=False) as c:
        while time.monotonic() - start < limit and (api_at is None or console_at is None):
            if api_at is None and c.get("/api/frames", headers={"authorization": f"Bearer {token}"}).status_code == 401:
                api_at = time.monotonic() - start
            if console_at is None and c.get("/admin").status_code == 303:
                console_at = time.monotonic() - start
            time.sleep(0.02)
    return (api_at if api_at is not None else float("inf"), console_at if console_at is not None else float("inf"))


def test_a_reset_token_and_its_sessions_are_refused_by_another_replica_within_a_second(
        database_url: str, upstream_url: str) -> None:
    first = cadre("token", "reset", database_url=database_url)
    old = first.stdout.splitlines()[-1]
    a, b = _replica(database_url, upstream_url), _replica(database_url, upstream_url)
    try:
        for replica in (a, b):
            with httpx.Client(base_url=replica.url, timeout=5) as c:
                assert c.get("/api/frames", headers={"authorization": f"Bearer {old}"}).status_code == 200
        with ConsoleClient(b.url) as user:
            assert _sign_in(user, old).status_code == 303
            assert user.get("/admin").status_code == 200
            cookies = user.http.cookies
            reset = cadre("token", "reset", database_url=database_url)
            assert reset.returncode == 0, reset.stderr
            api_after, console_after = _wait_until_refused(b.url, old, cookies)
        print(f"replica B refused the old token after {api_after:.3f} s, its session after {console_after:.3f} s")
        assert api_after <= 1.0 and console_after <= 1.0, (api_after, console_after)
        new = reset.stdout.splitlines()[-1]
        time.sleep(1.1)  # B's one refusal of the old token made this address wait a second (the throttle)
        for replica in (a, b):
            with httpx.Client(base_url=replica.url, timeout=5) as c:
                assert c.get("/api/frames", headers={"authorization": f"Bearer {new}"}).status_code == 200
    finally:
        a.stop()
        b.stop()


def test_sign_out_ends_the_session_for_whoever_replays_its_cookie(serve: Any, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/shared.db"
    one, two = serve(database_url=database), serve(database_url=database)
    with ConsoleClient(one) as user:
        assert _sign_in(user, ADMIN_TOKEN).status_code == 303
        cookie = user.http.cookies.get("cadre_session")
        assert cookie and user.get("/admin").status_code == 200
        assert user.post("/admin/sign-out", {}).status_code == 303
    for base in (one, two):  # the stolen cookie, replayed on this replica and on another one
        with ConsoleClient(base) as thief:
            thief.http.cookies.set("cadre_session", cookie, path="/admin")
            assert thief.get("/admin").status_code == 303, base
