"""The MCP server, through the official ``mcp`` SDK's client: over HTTP at ``/mcp`` of a served Cadre (both
protocol eras) and over stdio (``cadre mcp`` in a subprocess on the same database). The key's published frame
as a prompt and a resource, ``check_request`` (fits / off_frame with the refusal), ``frame_voice``, the
``frame_missing`` explanation for a key whose frame is not published, and every call in the decision log."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from mcp import Client, MCPError, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.types import INVALID_REQUEST

from app.main import create_app
from tests.support import ServerThread, cadre_settings, good_frame
from tests.support.cli import COMMAND
from tests.support.gateway import SLUG, Served, start

pytestmark = pytest.mark.anyio
CONSOLE = f"http://cadre.test/admin/frames/{SLUG}"
FITS = "Écris un post pour la rentrée sur nos réparations express."
OFF_FRAME = "Écris une annonce pour nos VTT neufs en promotion"  # "Pas de vente de vélos neufs"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def cadre(tmp_path_factory: pytest.TempPathFactory, upstream_server: Any) -> Iterator[tuple[Served, str, Path]]:
    """Cadre served on 127.0.0.1 with the French frame published and a key; a second frame with a draft only
    and a key for it. Returns (served, the unpublished frame's key, the database file)."""
    database = tmp_path_factory.mktemp("mcp") / "cadre.db"
    server = ServerThread(create_app(cadre_settings(f"sqlite:///{database}", upstream_server[1]))).start()
    try:
        served = start(lambda **_: server.url)
        draft = start(lambda **_: server.url, frame=good_frame("en", promise=""), publish=False, slug="ledger")
        yield served, draft.key, database
    finally:
        server.stop()


@asynccontextmanager
async def http_client(served: Served, key: str, mode: str = "auto") -> AsyncIterator[Client]:
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}) as http, \
            Client(streamable_http_client(f"{served.url}/mcp", http_client=http), mode=mode) as client:
        yield client


def stdio(database: Path, key: str | None) -> StdioServerParameters:
    env = {"CADRE_DATABASE_URL": f"sqlite:///{database}", "CADRE_PUBLIC_URL": "http://cadre.test",
           "CADRE_DECISION_FLUSH_INTERVAL": "0.1", "PATH": os.environ["PATH"]}
    if key is not None:
        env["CADRE_MCP_KEY"] = key
    return StdioServerParameters(command=COMMAND[0], args=[*COMMAND[1:], "mcp"], env=env)


@asynccontextmanager
async def connected(transport: str, cadre: tuple[Served, str, Path], key: str,
                    mode: str = "auto") -> AsyncIterator[Client]:
    served, _, database = cadre
    if transport == "http":
        async with http_client(served, key, mode) as client:
            yield client
    else:
        async with Client(stdio(database, key), mode=mode) as client:
            yield client


def mcp_decisions(served: Served, since: int) -> list[tuple[str, str, str | None, str | None]]:
    """(endpoint, outcome, code, check outcome) of the MCP calls recorded after decision ``since``, oldest first."""
    rows = [d for d in served.decisions(limit=200)["data"] if d["id"] > since and d["endpoint"].startswith("mcp.")]
    return [(d["endpoint"], d["outcome"], d["code"], d["check_outcome"]) for d in reversed(rows)]


def last_id(served: Served) -> int:
    data = served.decisions(limit=1)["data"]
    return int(data[0]["id"]) if data else 0


# ---------------------------------------------------------------------------------------------- both
@pytest.mark.parametrize("transport", ["http", "stdio"])
@pytest.mark.parametrize("mode", ["auto", "legacy"])  # the 2026-07-28 protocol, and the 2025 initialize handshake
async def test_lists_the_frame_prompt_resource_and_tools(cadre, transport, mode):
    served = cadre[0]
    async with connected(transport, cadre, served.key, mode) as client:
        prompts = (await client.list_prompts()).prompts
        tools = {t.name: t for t in (await client.list_tools()).tools}
        resources = (await client.list_resources()).resources
    assert [(p.name, p.arguments or []) for p in prompts] == [("frame", [])]
    assert set(tools) == {"check_request", "frame_voice"}
    assert tools["check_request"].input_schema["required"] == ["text"]
    assert tools["check_request"].output_schema["title"] == "Check"
    assert [(str(r.uri), r.mime_type) for r in resources] == [("cadre://frame", "text/plain")]


@pytest.mark.parametrize("transport", ["http", "stdio"])
async def test_the_published_frame_check_request_and_voice_for_the_key(cadre, transport):
    served = cadre[0]
    since = last_id(served)
    async with connected(transport, cadre, served.key) as client:
        prompt = await client.get_prompt("frame")
        resource = await client.read_resource("cadre://frame")
        fits = await client.call_tool("check_request", {"text": FITS})
        off = await client.call_tool("check_request", {"text": OFF_FRAME})
        voice = await client.call_tool("frame_voice", {})
    frame_text = served.prompt()  # what the gateway injects, in the frame's language
    assert prompt.messages[0].role == "user" and prompt.messages[0].content.text == frame_text
    assert resource.contents[0].text == frame_text and "Atelier Rustine" in frame_text
    assert fits.is_error is False
    assert fits.structured_content == {"outcome": "fits", "findings": [], "refusal": None, "frame": f"{SLUG}@1"}
    assert off.is_error is False and off.structured_content["outcome"] == "off_frame"
    assert [(f["item"], f["field"]) for f in off.structured_content["findings"]] == [
        ("Pas de vente de vélos neufs", "refusals[0]")]
    refusal = off.structured_content["refusal"]
    assert refusal.startswith("Cadre refuse cette demande : elle va contre le cadre de « Atelier Rustine »")
    assert "Pas de vente de vélos neufs" in refusal and CONSOLE in refusal
    assert off.content[0].text == refusal
    assert voice.structured_content == {
        "name": "Atelier Rustine", "language": "fr", "tone": "Direct, chaleureux et concret", "address": "vous",
        "preferred": ["réparer", "rouler"], "banned": ["low-cost"], "frame": f"{SLUG}@1"}
    # Every call is a decision of the key (stdio: written when the process ends, with the client's exit).
    recorded = mcp_decisions(served, since)
    assert recorded == [("mcp.frame_prompt", "forwarded", None, None), ("mcp.frame_resource", "forwarded", None, None),
                        ("mcp.check_request", "forwarded", None, "fits"),
                        ("mcp.check_request", "forwarded", None, "off_frame"),
                        ("mcp.frame_voice", "forwarded", None, None)]
    rows = [d for d in served.decisions(limit=200)["data"] if d["id"] > since]
    assert {(d["key_id"], d["frame"], d["frame_version"]) for d in rows} == {(served.key_id, SLUG, 1)}


@pytest.mark.parametrize("transport", ["http", "stdio"])
async def test_an_unpublished_frame_gets_the_frame_missing_explanation(cadre, transport):
    served, draft_key, _ = cadre
    with httpx.Client(base_url=served.url, timeout=10) as http:  # the gateway's own refusal, for comparison
        r = http.post("/v1/chat/completions", headers={"authorization": f"Bearer {draft_key}"},
                      json={"model": "m", "messages": [{"role": "user", "content": "hi"}]})
    expected = r.json()["error"]
    assert expected["code"] == "frame_missing" and "(1) “Promise” is required" in expected["message"]
    since = last_id(served)
    async with connected(transport, cadre, draft_key) as client:
        tool = await client.call_tool("check_request", {"text": FITS})
        voice = await client.call_tool("frame_voice", {})
        with pytest.raises(MCPError) as prompt_error:
            await client.get_prompt("frame")
        with pytest.raises(MCPError) as resource_error:
            await client.read_resource("cadre://frame")
    for result in (tool, voice):
        assert result.is_error is True and result.structured_content is None
        assert [c.text for c in result.content] == [expected["message"], expected["translations"]["fr"]]
    for caught in (prompt_error, resource_error):
        assert (caught.value.code, caught.value.message) == (INVALID_REQUEST, expected["message"])
        assert caught.value.data["code"] == "frame_missing" and caught.value.data["language"] == "en"
        assert caught.value.data["translations"] == expected["translations"]
    recorded = mcp_decisions(served, since)
    assert recorded == [(name, "refused", "frame_missing", None) for name in
                        ("mcp.check_request", "mcp.frame_voice", "mcp.frame_prompt", "mcp.frame_resource")]


# ---------------------------------------------------------------------------------------------- HTTP
def test_http_without_a_valid_key_is_401_before_mcp_runs(cadre):
    served = cadre[0]
    body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    headers = {"accept": "application/json, text/event-stream"}
    with httpx.Client(base_url=served.url, timeout=10) as http:
        for auth in ({}, {"authorization": "Bearer cadre_sk_not-a-key"}):
            r = http.post("/mcp", json=body, headers={**headers, **auth})
            assert r.status_code == 401
            assert r.headers["www-authenticate"].startswith("Bearer")
            assert r.json()["error"]["code"] == "invalid_api_key"
        good = http.post("/mcp", json=body, headers={**headers, "authorization": f"Bearer {served.key}"})
        assert good.status_code == 200 and good.json()["result"]["serverInfo"]["name"] == "cadre"
        # The SDK's DNS-rebinding check: a Host that is neither the public address nor this machine.
        rebound = http.post("/mcp", json=body, headers={**headers, "authorization": f"Bearer {served.key}",
                                                        "host": "attacker.example"})
        assert rebound.status_code == 421


def test_mcp_is_not_in_the_openapi_schema(cadre):
    with httpx.Client(base_url=cadre[0].url, timeout=10) as http:
        assert "/mcp" not in http.get("/openapi.json").json()["paths"]


# --------------------------------------------------------------------------------------------- stdio
@pytest.mark.parametrize("key", [None, "cadre_sk_not-a-key"], ids=["missing", "unknown"])
def test_stdio_without_a_valid_key_says_so_on_stderr(cadre, key):
    import subprocess

    params = stdio(cadre[2], key)
    done = subprocess.run([params.command, *params.args], env=params.env, input="", capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert ("CADRE_MCP_KEY is missing" if key is None else "CADRE_MCP_KEY is not an active key") in done.stderr
