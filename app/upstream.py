"""One upstream's client (aiohttp, keep-alive pool): forward, stream, map failures to our errors.

aiohttp was measured against httpx in ../shared/bench (the reference run: httpx's pool is about ten
times slower under concurrency). The upstream key is added here and nowhere else; it never appears in
an error message. ``app.routing`` holds one ``Upstream`` per upstream and picks one by model.

A request that failed before any byte of it was sent is sent once more, on the next connection (see
``sent_nothing``); one that may have reached the upstream is not: a POST is not idempotent, and a
generation done twice is paid twice.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp

from app.errors import UpstreamError, UpstreamTimeout

# content-encoding: an upstream that compresses although asked not to still gives the client a readable body.
_PASSED = frozenset({b"content-type", b"content-encoding", b"retry-after", b"x-request-id"})
_RENAMED = {b"x-request-id": b"x-upstream-request-id"}  # x-request-id is Cadre's own
REDACTED = "[clé amont masquée / upstream key hidden]".encode()
_CLOSING = "closing transport"  # aiohttp's "Cannot write to closing transport": raised before writing

log = logging.getLogger("cadre.upstream")


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


def sent_nothing(failure: BaseException) -> bool:
    """True when ``failure`` shows that no byte of the request left: the connection could not be opened (but
    not for a bad certificate, which a second try cannot fix), or aiohttp found the connection closing before
    it wrote the request (raised as such, or as the cause of "Can not write request body"). Cadre's bodies
    are bytes, which aiohttp writes with the headers in one call, so that refusal means nothing was written.

    Everything else may have reached the upstream: a connection reset or closed while waiting for the answer
    (``ServerDisconnectedError``, ``ClientOSError``), even on a reused keep-alive connection, since the
    upstream may have read the request before it closed. Timeouts are not retried either: a second wait
    would double the delay CADRE_UPSTREAM_CONNECT_TIMEOUT promises.
    """
    if isinstance(failure, aiohttp.ClientConnectorError):
        return not isinstance(failure, aiohttp.ClientConnectorCertificateError)
    refused = failure if isinstance(failure, aiohttp.ClientConnectionResetError) else failure.__cause__
    return isinstance(refused, aiohttp.ClientConnectionResetError) and _CLOSING in str(refused)


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

    def __init__(self, base_url: str, api_key: str | None, connect_timeout: float, read_timeout: float,
                 name: str = "default") -> None:
        self.name = name  # as CADRE_UPSTREAMS_FILE names it ("default": CADRE_UPSTREAM_BASE_URL's)
        self.base_url = base_url.rstrip("/")
        self._auth = f"Bearer {api_key}" if api_key else None
        self._secret = api_key.encode() if api_key else None
        self._timeout = aiohttp.ClientTimeout(total=None, connect=connect_timeout, sock_read=read_timeout)
        self._session: aiohttp.ClientSession | None = None
        # Built once: aiohttp copies them into each request. Answers are relayed as they come, so none may be
        # compressed (aiohttp would otherwise ask for gzip, and an upstream behind a CDN would send it).
        self._without_body = {"accept-encoding": "identity", **({"authorization": self._auth} if self._auth else {})}
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

    async def _retry(self, method: str, path: str, body: bytes | None,
                     failure: aiohttp.ClientError) -> aiohttp.ClientResponse:
        """Send once more if ``failure`` left the request unsent (on the next connection: the failed one is
        closed); otherwise, or if the second try fails too, the failure as an UpstreamError."""
        if not sent_nothing(failure):
            raise UpstreamError(_UNAVAILABLE_MESSAGE.format(kind=type(failure).__name__)) from failure
        log.info("upstream %s: %s before the request was sent; sending it once more", self.name,
                    type(failure).__name__)
        try:
            return await self.session.request(method, self.base_url + path, data=body,
                                              headers=self._request_headers(body is not None))
        except TimeoutError as exc:
            raise UpstreamTimeout(_TIMEOUT_MESSAGE) from exc
        except aiohttp.ClientError as exc:
            raise UpstreamError(_UNAVAILABLE_MESSAGE.format(kind=type(exc).__name__)) from exc

    async def send(self, method: str, path: str, body: bytes | None, stream: bool) -> Reply:
        """Send a request; read the whole answer unless ``stream`` and the upstream said 200."""
        try:
            response = await self.session.request(method, self.base_url + path, data=body,
                                                  headers=self._request_headers(body is not None))
        except TimeoutError as exc:
            raise UpstreamTimeout(_TIMEOUT_MESSAGE) from exc
        except aiohttp.ClientError as exc:  # the retry lives here: a request that succeeds pays nothing for it
            response = await self._retry(method, path, body, exc)
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
