"""One error path: when the database fails under a request, the gateway, the management API and the console
all answer 503 database_unavailable with x-should-retry and retry-after (never a 500), on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from app.config import Settings
from app.main import create_app
from tests.support import ADMIN, ServerThread, good_frame, new_key, put_frame
from tests.support.checks import execute
from tests.support.console import ConsoleClient

HELLO = {"model": "cadre-preview", "messages": [{"role": "user", "content": "Bonjour"}]}


def assert_database_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "database_unavailable"
    assert response.headers["x-should-retry"] == "true"
    assert int(response.headers["retry-after"]) >= 1


def test_a_database_failing_under_a_request_is_a_503_on_every_surface(
        make_settings: Callable[..., Settings], database_url: str) -> None:
    server = ServerThread(create_app(make_settings(database_url=database_url))).start()
    try:
        with httpx.Client(base_url=server.url, timeout=10) as c, ConsoleClient(server.url) as console:
            put_frame(c, "rustine", good_frame())
            key = new_key(c, "rustine")  # never used: not in the gateway's cache
            console.sign_in()
            assert console.get("/admin").status_code == 200
            # The tables the three requests read are gone: every statement on them fails in the driver.
            for table in ("frames", "api_keys"):
                execute(database_url, f"ALTER TABLE {table} RENAME TO {table}_away")
            try:
                gateway = c.post("/v1/chat/completions", headers={"authorization": f"Bearer {key}"}, json=HELLO)
                api = c.get("/api/frames", headers=ADMIN)
                page = console.get("/admin")
            finally:
                for table in ("frames", "api_keys"):
                    execute(database_url, f"ALTER TABLE {table}_away RENAME TO {table}")
            for response in (gateway, api, page):
                assert_database_unavailable(response)
            answered = c.post("/v1/chat/completions", headers={"authorization": f"Bearer {key}"}, json=HELLO)
            assert answered.status_code == 200, answered.text  # back as soon as the database is
    finally:
        server.stop()
