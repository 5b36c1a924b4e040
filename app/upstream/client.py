"""One upstream's client (Cadre's own HTTP/1.1 pool, ``app.http1``): forward, stream, map failures to our errors.

The client was picked by measuring (bench/README.md): httpx's pool is about ten times slower than aiohttp's
under concurrency (../shared/bench's reference run), and aiohttp's request machinery cost a quarter of the
gateway's event loop, which ``app.http1`` does without. The upstream key is added here and nowhere else; it
never appears in an error message. ``app.routing`` holds one ``Upstream`` per upstream and picks one by model.

A request that failed before any byte of it was sent is sent once more, on a new connection (see
``sent_nothing``); one that may have reached the upstream is not: a POST is not idempotent, and a
generation done twice is paid twice.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from app.errors import UpstreamBusy, UpstreamError, UpstreamTimeout
from app.messages import both
from app.upstream.http1 import ConnectFailed, DeadlineExceeded, Disconnected, HTTPError, PoolBusy, Response
from app.upstream.pool import Pool, Proxy
from app.upstream.redact import Inflater, Redactor, UnreadableEncoding, decoded

# The upstream headers a client may see, by name (and the name it sees them under): nothing else of an upstream's
# answer head is relayed. content-encoding is not: Cadre uncompresses what an upstream compressed although asked
# not to (it must read it for the key), and sends it as it is.
_RELAYED = {name: name for name in (
    b"content-type", b"retry-after", b"x-ratelimit-limit-requests", b"x-ratelimit-limit-tokens",
    b"x-ratelimit-remaining-requests", b"x-ratelimit-remaining-tokens", b"x-ratelimit-reset-requests",
    b"x-ratelimit-reset-tokens")}
_RELAYED[b"x-request-id"] = b"x-upstream-request-id"  # x-request-id is Cadre's own
MAX_HEADER_VALUE = 256  # bytes of a relayed header's value (a longer one is not a rate limit or an id)

log = logging.getLogger("cadre.upstream")


@dataclass
class Reply:
    """An upstream answer: status, the headers we pass on, and either a body or a byte stream."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""
    response: Response | None = None
    redactor: Redactor | None = None  # cleans what the client gets of the upstream's key (``clean``)
    encoding: bytes | None = None  # the stream's content-encoding, undone in ``chunks``

    def clean(self, data: bytes) -> bytes:
        """``data`` (a piece of the stream) without the upstream key."""
        return data if self.redactor is None else self.redactor.clean(data)

    async def chunks(self) -> AsyncIterator[bytes]:
        assert self.response is not None
        try:
            if self.encoding is None:
                async for chunk in self.response.iter_chunks():
                    yield chunk
            else:
                inflater = Inflater(self.encoding)
                async for chunk in self.response.iter_chunks():
                    for piece in inflater.feed(chunk):
                        yield piece
        except UnreadableEncoding as exc:
            raise UpstreamError(_unreadable(exc), code="upstream_unreadable") from exc
        except TimeoutError as exc:
            raise _timeout(exc) from exc
        except HTTPError as exc:
            raise UpstreamError(_broken(exc),
                                code="upstream_stream_broken") from exc

    def close(self) -> None:
        if self.response is not None:
            self.response.close()


_TIMEOUT_MESSAGE = both("error.upstream_timeout")


def _timeout(exc: TimeoutError) -> UpstreamTimeout:
    """A wait for the upstream that lasted too long: the read timeout, or the whole request's deadline."""
    if isinstance(exc, DeadlineExceeded):
        return UpstreamTimeout(both("error.upstream_deadline"))
    return UpstreamTimeout(_TIMEOUT_MESSAGE)


def _unavailable(exc: BaseException) -> str:
    return both("error.upstream_unavailable", kind=type(exc).__name__)


def _broken(exc: BaseException) -> str:
    return both("error.upstream_broken", kind=type(exc).__name__)


def _unreadable(exc: UnreadableEncoding) -> str:
    return both("error.upstream_unreadable", encoding=str(exc))


def sent_nothing(failure: BaseException) -> bool:
    """True when ``failure`` shows that no byte of the request left: the connection could not be opened (but
    not for a refused certificate, which a second try cannot fix).

    Everything else may have reached the upstream: a connection reset or closed while waiting for the answer,
    even on a reused keep-alive connection, since the upstream may have read the request before it closed (an
    idle connection seen closing is never written to: ``Pool`` opens a new one instead). Timeouts are not
    retried either: a second wait would double the delay CADRE_UPSTREAM_CONNECT_TIMEOUT promises.
    """
    return isinstance(failure, ConnectFailed) and not failure.certificate


def _headers(response: Response, redactor: Redactor | None) -> tuple[list[tuple[bytes, bytes]], bytes | None]:
    """(the upstream headers a client may see, by the allow-list, never one holding the key; the answer's
    content-encoding, if any)."""
    out = []
    encoding = None
    for name, value in response.raw_headers:
        lower = name.lower()
        relayed = _RELAYED.get(lower)
        if relayed is not None:
            if len(value) <= MAX_HEADER_VALUE and (redactor is None or not redactor.leaks(value)):
                out.append((relayed, value))
        elif lower == b"content-encoding" and value.strip().lower() != b"identity":
            encoding = value
    return out, encoding


class Upstream:
    """One OpenAI-compatible upstream behind Cadre."""

    def __init__(self, base_url: str, api_key: str | None, connect_timeout: float, read_timeout: float,
                 name: str = "default", *, total_timeout: float = 1800.0, max_connections: int = 100,
                 max_waiting: int = 1000, proxy: Proxy | None = None) -> None:
        self.name = name  # as CADRE_UPSTREAMS_FILE names it ("default": CADRE_UPSTREAM_BASE_URL's)
        self.base_url = base_url.rstrip("/")
        self.redactor = Redactor.of(api_key)
        self._timeouts = (connect_timeout, read_timeout)
        self._limits = (total_timeout, max_connections, max_waiting)
        self._proxy = proxy
        # Written into every request. Answers are relayed as they come, so none may be compressed (an upstream
        # behind a CDN would otherwise compress).
        self._headers = {"accept-encoding": "identity", **({"authorization": f"Bearer {api_key}"} if api_key else {})}
        self._pool: Pool | None = None

    @property
    def pool(self) -> Pool:
        if self._pool is None:  # made on first use, inside the event loop that serves
            total, connections, waiting = self._limits
            self._pool = Pool(self.base_url, self._headers, *self._timeouts, total_timeout=total,
                              max_connections=connections, max_waiting=waiting, proxy=self._proxy)
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    async def _request(self, method: str, path: str, body: bytes | None) -> Response:
        pool = self.pool
        deadline = pool.deadline()  # the whole request, a second try included, answer read to its end
        try:
            try:
                return await pool.request(method, path, body, deadline)
            except HTTPError as exc:  # the retry lives here: a request that succeeds pays nothing for it
                # A GET is idempotent (RFC 9112 §9.3.1): one closed before its answer, on a keep-alive
                # connection the upstream had just let go, is sent again too.
                if not (sent_nothing(exc) or (method == "GET" and isinstance(exc, Disconnected))):
                    raise
                log.info("upstream %s: %s before the request was sent; sending it once more", self.name,
                         type(exc).__name__)
                return await pool.request(method, path, body, deadline)
        except TimeoutError as exc:
            raise _timeout(exc) from exc
        except PoolBusy as exc:
            log.warning("upstream %s: %s (%d connections open)", self.name, exc, pool.connections)
            raise UpstreamBusy(both("error.upstream_busy_full" if exc.full else "error.upstream_busy_wait",
                                    connections=pool.max_connections)) from exc
        except HTTPError as exc:
            raise UpstreamError(_unavailable(exc)) from exc

    async def send(self, method: str, path: str, body: bytes | None, stream: bool) -> Reply:
        """Send a request; read the whole answer unless ``stream`` and the upstream said 200. What the client
        will see is uncompressed and cleaned of the upstream key (the stream's pieces, by ``Reply.clean``)."""
        response = await self._request(method, path, body)
        headers, encoding = _headers(response, self.redactor)
        reply = Reply(response.status, headers, response=response, redactor=self.redactor, encoding=encoding)
        if stream and response.status == 200:
            if encoding is not None:
                try:
                    Inflater(encoding)
                except UnreadableEncoding as exc:
                    response.close()
                    raise UpstreamError(_unreadable(exc), code="upstream_unreadable") from exc
            return reply
        try:
            raw = await response.read()
        except TimeoutError as exc:
            raise _timeout(exc) from exc
        except HTTPError as exc:
            raise UpstreamError(_broken(exc),
                                code="upstream_stream_broken") from exc
        finally:
            response.close()
        reply.response = None
        try:
            reply.body = decoded(raw, encoding) if encoding is not None else raw
        except UnreadableEncoding as exc:
            raise UpstreamError(_unreadable(exc), code="upstream_unreadable") from exc
        if self.redactor is not None:
            # Some upstreams quote the key they got, in an error or elsewhere; it must not reach our client.
            reply.body = self.redactor.clean(reply.body)
        return reply
