"""A business behind a corporate proxy reaches its upstream: HTTPS_PROXY (a CONNECT tunnel, TLS inside it),
HTTP_PROXY (absolute-form requests) and NO_PROXY honoured, against a proxy running on 127.0.0.1 in the test. The
upstream's host name (upstream.test) only means something to the proxy, which maps it to 127.0.0.1: without
the proxy Cadre cannot reach it at all."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import openai
import pytest

from tests.support import UPSTREAM_KEY, ServerThread
from tests.support.fake_upstream import REPLY_TEXT, FakeUpstream
from tests.support.gateway import CHAT, call, chat_text, start
from tests.support.resilience import frame_and_key, start_cadre
from tests.support.tcp_servers import TcpServer, _pipe, certificate

UPSTREAM_HOST = "upstream.test"  # resolved by the proxy alone


class ForwardProxy(TcpServer):
    """An HTTP proxy: CONNECT tunnels and absolute-form requests, to the hosts it knows (UPSTREAM_HOST and
    127.0.0.1, both 127.0.0.1); what it was asked is kept in ``seen``, the Proxy-Authorization in ``credentials``."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []
        self.credentials: list[str | None] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        self.seen.append(f"{method} {target}")
        self.credentials.append(next((line.split(":", 1)[1].strip() for line in lines
                                      if line.lower().startswith("proxy-authorization:")), None))
        host, port = (target.rsplit(":", 1) if method == "CONNECT"
                      else (urlsplit(target).hostname or "", str(urlsplit(target).port or 80)))
        if host not in (UPSTREAM_HOST, "127.0.0.1"):
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", int(port))
        if method == "CONNECT":
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:  # passed on as it came: an HTTP/1.1 server takes a request in absolute form
            up_writer.write(head)
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            up_writer.close()


@pytest.fixture
def proxy() -> Any:
    server = ForwardProxy().start()
    yield server
    server.stop()


def test_an_https_upstream_reachable_only_through_the_proxy_is_reached_with_https_proxy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy) -> None:
    cert, key = certificate(tmp_path, UPSTREAM_HOST)
    fake = FakeUpstream()
    tls = ServerThread(fake, ssl_certfile=str(cert), ssl_keyfile=str(key)).start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.setenv("HTTPS_PROXY", f"http://ops:s3cret@127.0.0.1:{proxy.port}")  # the usual variable
    base_url = f"https://{UPSTREAM_HOST}:{tls.port}/v1"
    cadre = start_cadre(tmp_path, f"sqlite:///{tmp_path}/cadre.db", base_url)  # cadre serve, on uvloop
    try:
        secret, _ = frame_and_key(cadre.url)
        with openai.OpenAI(base_url=cadre.url + "/v1", api_key=secret, max_retries=0, timeout=10) as client:
            assert call(client, "chat").choices[0].message.content == REPLY_TEXT
            assert chat_text(call(client, "chat", stream=True)) == "tok0 tok1 tok2 tok3 tok4 "
            assert any(m.id == "fake-model" for m in client.models.list().data)
        assert proxy.seen and set(proxy.seen) == {f"CONNECT {UPSTREAM_HOST}:{tls.port}"}
        assert set(proxy.credentials) == {"Basic " + base64.b64encode(b"ops:s3cret").decode()}
        assert len(proxy.seen) <= 2  # the tunnel's connection is kept alive and reused
        assert {r.headers["authorization"] for r in fake.requests} == {f"Bearer {UPSTREAM_KEY}"}
        assert {r.headers["host"] for r in fake.requests} == {f"{UPSTREAM_HOST}:{tls.port}"}
    finally:
        cadre.stop()
        tls.stop()


def test_an_http_upstream_is_reached_through_http_proxy_and_no_proxy_goes_direct(
        serve: Any, upstream: Any, upstream_url: str, proxy: ForwardProxy, tmp_path: Path) -> None:
    port = urlsplit(upstream_url).port
    served = start(serve, upstream_base_url=f"http://{UPSTREAM_HOST}:{port}/v1",
                   http_proxy=f"http://127.0.0.1:{proxy.port}")
    with served.client() as client:
        assert call(client, "chat").choices[0].message.content == REPLY_TEXT
        assert call(client, "chat").choices[0].message.content == REPLY_TEXT
    assert proxy.seen[0] == f"POST http://{UPSTREAM_HOST}:{port}/v1/chat/completions"
    assert upstream.last("/chat/completions").headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
    seen = len(proxy.seen)
    direct = start(serve, upstream_base_url=upstream_url, http_proxy=f"http://127.0.0.1:{proxy.port}",
                   no_proxy=f"example.org, 127.0.0.1, .{UPSTREAM_HOST}", database_url=f"sqlite:///{tmp_path}/direct.db")
    with direct.client() as client:
        assert call(client, "chat").choices[0].message.content == REPLY_TEXT
    assert len(proxy.seen) == seen  # NO_PROXY named the upstream's host: the proxy saw nothing more


def test_a_proxy_that_refuses_the_tunnel_is_a_clear_502(serve: Any, proxy: ForwardProxy) -> None:
    served = start(serve, upstream_base_url="https://elsewhere.test:443/v1",
                   https_proxy=f"http://127.0.0.1:{proxy.port}")
    with served.http() as http:
        r = http.post("/v1/chat/completions", json={"model": "fake-model", "messages": CHAT})
    assert r.status_code == 502 and r.json()["error"]["code"] == "upstream_unavailable"
    assert proxy.seen[0] == "CONNECT elsewhere.test:443"
    assert httpx.get(served.url + "/healthz", timeout=5).status_code == 200
