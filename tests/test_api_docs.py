"""The API's documentation: /docs and /redoc render in Chromium with every request outside 127.0.0.1 aborted
(their scripts come from a package, not a CDN), "Authorize" with the admin token then "Try it out" on
``GET /api/frames`` answers 200 from the page; every management route declares the admin bearer scheme; the
frame and key bodies carry examples the API accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from app.api.frames import KeyIn
from app.frames.model import Frame
from app.frames.rules import errors, lint
from tests.support import ADMIN, ADMIN_TOKEN, put_frame
from tests.support.console import chromium, new_page, watch_errors

browser = pytest.fixture(scope="module")(chromium)


def _offline(page: Any) -> list[str]:
    """Abort every request that does not go to 127.0.0.1; returns the aborted URLs."""
    aborted: list[str] = []

    def route(r: Any) -> None:
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            aborted.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return aborted


def test_swagger_ui_renders_offline_and_authorize_then_try_it_out_works(browser, serve):
    base = serve()
    with httpx.Client(base_url=base) as c:
        put_frame(c, "rustine", {"name": "Atelier Rustine", "language": "fr"}, publish=False)
    page = new_page(browser)
    aborted = _offline(page)
    errors_seen = watch_errors(page)
    page.goto(base + "/docs")
    page.locator(".swagger-ui .info .title").filter(has_text="Cadre").wait_for()
    page.locator("button.authorize").first.click()
    dialog = page.locator(".modal-ux")
    admin = dialog.locator("form").filter(has_text="AdminToken (http, Bearer)")  # beside ClientKey, for /v1
    admin.locator("input").first.fill(ADMIN_TOKEN)
    admin.locator("button.authorize").click()
    admin.locator("button", has_text=re.compile("Logout")).wait_for()
    dialog.locator("button.close-modal").first.click()
    operation = page.locator("#operations-management-list_frames_api_frames_get")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    body = operation.locator(".live-responses-table .response-col_description pre").first.inner_text()
    assert '"slug": "rustine"' in body
    curl = operation.locator(".curl-command").inner_text()
    assert f"Authorization: Bearer {ADMIN_TOKEN}" in curl
    assert aborted == [] and errors_seen == []


def test_redoc_renders_offline(browser, serve):
    base = serve()
    page = new_page(browser)
    aborted = _offline(page)
    page.goto(base + "/redoc")
    page.locator("h1", has_text="Cadre").wait_for()
    page.locator("h2", has_text="List frames").first.wait_for()  # the operation, rendered from the schema
    # ReDoc's own script asks for nothing else but the "API docs by Redocly" badge in its sidebar (an image):
    # blocked, the page is whole all the same.
    assert set(aborted) <= {"https://cdn.redoc.ly/redoc/logo-mini.svg"}


# ------------------------------------------------------------------------------------------------ schema
@pytest.fixture
def schema(client) -> Iterator[dict[str, Any]]:
    yield client.get("/openapi.json").json()


def test_every_management_route_declares_the_admin_bearer_scheme(schema):
    scheme = schema["components"]["securitySchemes"]["AdminToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    management = [(path, method, op) for path, ops in schema["paths"].items() if path.startswith("/api/")
                  for method, op in ops.items()]
    assert len(management) > 15
    assert [(p, m) for p, m, op in management if op.get("security") != [{"AdminToken": []}]] == []


def test_frame_and_key_bodies_have_examples_the_api_accepts(schema, client):
    draft = schema["paths"]["/api/frames/{slug}/draft"]["put"]["requestBody"]["content"]["application/json"]
    examples = draft["examples"]
    assert set(examples) == {"fr", "en", "draft"}
    for name, example in examples.items():
        frame = Frame.model_validate(example["value"])
        assert (errors(lint(frame)) == []) == (name != "draft")
        r = client.put(f"/api/frames/example-{name}/draft", json=example["value"], headers=ADMIN)
        assert r.status_code == 200, r.text
    assert "examples" in schema["paths"]["/api/lint"]["post"]["requestBody"]["content"]["application/json"]
    key_examples = schema["components"]["schemas"]["KeyIn"]["examples"]
    assert len(key_examples) == 2
    for example in key_examples:
        KeyIn.model_validate(example)
    for model in ("KeyChange", "RollbackIn", "PolicyIn", "CheckIn"):
        assert schema["components"]["schemas"][model]["examples"], model


def test_docs_without_the_token_is_still_a_401_in_the_openai_shape(client):
    r = client.get("/api/frames")
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_admin_token"
    assert client.get("/api/frames", headers=ADMIN).status_code == 200
    assert client.get("/api/frames", headers={"authorization": "Bearer wrong"}).status_code == 401  # then throttled
