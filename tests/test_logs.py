"""Structured logs of ``cadre serve``: one JSON object per line, with the request's id (the client's
``x-request-id`` or one Cadre made), which every answer returns, on the gateway and on the management API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.support import ADMIN, UPSTREAM_KEY
from tests.support.resilience import chat_body, frame_and_key, start_cadre


def log_lines(output: str) -> list[dict[str, Any]]:
    lines = [line for line in output.splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines]


def test_every_log_line_of_a_request_carries_its_id(tmp_path: Path, upstream_url: str, upstream) -> None:
    process = start_cadre(tmp_path, f"sqlite:///{tmp_path / 'cadre.db'}", upstream_url, "--access-log",
                          log_level="info")
    try:
        key, _ = frame_and_key(process.url)
        with httpx.Client(base_url=process.url, timeout=10.0) as http:
            chat = http.post("/v1/chat/completions", json=chat_body(stream=False),
                             headers={"authorization": f"Bearer {key}", "x-request-id": "trace-chat-1"})
            assert chat.status_code == 200, chat.text
            assert chat.headers["x-request-id"] == "trace-chat-1"
            api = http.get("/api/frames", headers={**ADMIN, "x-request-id": "trace-api-1"})
            assert api.status_code == 200 and api.headers["x-request-id"] == "trace-api-1"
            made = http.get("/healthz")
            made_id = made.headers["x-request-id"]
            refused = http.post("/v1/chat/completions", json=chat_body(stream=False),
                                headers={"authorization": "Bearer cadre_sk_unknown", "x-request-id": "bad id"})
            assert refused.status_code == 401
            assert refused.headers["x-request-id"] != "bad id"  # a space: not usable, a new one is made
    finally:
        process.stop()
    lines = log_lines(process.output())
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    by_id = {line.get("request_id"): line for line in lines if line["logger"] == "uvicorn.access"}
    assert "/v1/chat/completions" in by_id["trace-chat-1"]["message"]
    assert "/api/frames" in by_id["trace-api-1"]["message"]
    assert "/healthz" in by_id[made_id]["message"]
    assert UPSTREAM_KEY not in process.output() and key not in process.output()
