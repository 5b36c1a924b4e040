"""The one shared upstream client (aiohttp, keep-alive pool): forward, stream, map failures to our errors.

aiohttp was measured against httpx in ../shared/bench (the reference run: httpx's pool is about ten
times slower under concurrency). The upstream key is added here and nowhere else; it never appears in
an error message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp

from app.errors import UpstreamError, UpstreamTimeout

_PASSED = frozenset({b"content-type", b"retry-after", b"x-request-id"})
_RENAMED = {b"x-request-id": b"x-upstream-request-id"}  # x-request-id is Cadre's own
REDACTED = "[clé amont masquée / upstream key hidden]".encode()


@dataclass
class Reply:
    """An upstream answer: status, the headers we pass on, and either a body or a byte stream."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""
    response: aiohttp.ClientResponse | None = None

    async def chunks(self) -> AsyncIterator[bytes]:
        assert self.response is not None
        try:
            async for chunk in self.response.content.iter_any():
                yield chunk
        except TimeoutError as exc:
            raise UpstreamTimeout(_TIMEOUT_MESSAGE, code="upstream_timeout") from exc
        except aiohttp.ClientError as exc:
            raise UpstreamError(_BROKEN_MESSAGE.format(kind=type(exc).__name__),
                                code="upstream_stream_broken") from exc

    def close(self) -> None:
        if self.response is not None:
            self.response.close()


_UNAVAILABLE_MESSAGE = ("Le modèle en amont est injoignable ({kind}). / The upstream model is unreachable "
                        "({kind}).")
_TIMEOUT_MESSAGE = ("Le modèle en amont n'a pas répondu à temps. / The upstream model did not answer in "
                    "time.")
_BROKEN_MESSAGE = ("La réponse du modèle en amont s'est interrompue ({kind}). / The upstream answer broke "
                   "off ({kind}).")


def _headers(response: aiohttp.ClientResponse) -> list[tuple[bytes, bytes]]:
    """The upstream headers a client may see: content type, Retry-After, rate limits, its request id."""
    out = []
    for name, value in response.raw_headers:
        lower = name.lower()
        if lower in _PASSED:
            out.append((_RENAMED.get(lower, lower), value))
        elif lower.startswith(b"x-ratelimit-"):
            out.append((lower, value))
    return out


class Upstream:
    """One OpenAI-compatible upstream behind Cadre."""

    def __init__(self, base_url: str, api_key: str | None, connect_timeout: float, read_timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self._auth = f"Bearer {api_key}" if api_key else None
        self._secret = api_key.encode() if api_key else None
        self._timeout = aiohttp.ClientTimeout(total=None, connect=connect_timeout, sock_read=read_timeout)
        self._session: aiohttp.ClientSession | None = None
        # Built once: aiohttp copies them into each request.
        self._without_body = {"authorization": self._auth} if self._auth else {}
        self._with_body = {"content-type": "application/json", **self._without_body}

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=60.0, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout,
                                                  auto_decompress=False, skip_auto_headers=("User-Agent",))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _request_headers(self, has_body: bool) -> dict[str, str]:
        return self._with_body if has_body else self._without_body

    async def send(self, method: str, path: str, body: bytes | None, stream: bool) -> Reply:
        """Send a request; read the whole answer unless ``stream`` and the upstream said 200."""
        try:
            response = await self.session.request(method, self.base_url + path, data=body,
                                                  headers=self._request_headers(body is not None))
        except TimeoutError as exc:
            raise UpstreamTimeout(_TIMEOUT_MESSAGE) from exc
        except aiohttp.ClientError as exc:
            raise UpstreamError(_UNAVAILABLE_MESSAGE.format(kind=type(exc).__name__)) from exc
        reply = Reply(response.status, _headers(response), response=response)
        if stream and response.status == 200:
            return reply
        try:
            reply.body = await response.read()
        except TimeoutError as exc:
            raise UpstreamTimeout(_TIMEOUT_MESSAGE) from exc
        except aiohttp.ClientError as exc:
            raise UpstreamError(_BROKEN_MESSAGE.format(kind=type(exc).__name__),
                                code="upstream_stream_broken") from exc
        finally:
            response.release()
        reply.response = None
        if reply.status >= 400 and self._secret and self._secret in reply.body:
            # Some upstreams quote the key they got in their error; it must not reach our client.
            reply.body = reply.body.replace(self._secret, REDACTED)
        return reply
