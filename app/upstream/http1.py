"""A lean HTTP/1.1 client for one upstream: a keep-alive pool of asyncio connections, parsed by httptools.

Cadre sends one kind of request (a small JSON POST or a GET, to one known host) and relays the answer as it
comes, so it needs none of a general client's machinery: no cookies, redirects, proxies, compression,
tracing or per-request header objects. aiohttp's ``ClientSession`` spent a quarter of the gateway's event
loop on that machinery; this client writes the request in one call from bytes built once per upstream and
reads the answer with httptools (uvicorn's parser, already a dependency). Measured in bench/README.md.

What it does keep from a serious client: keep-alive connections reused most-recent first and dropped after
``KEEPALIVE`` seconds idle; a connect timeout and a read timeout (the longest wait for the next bytes); a total
deadline per request; a cap on the connections open at once, with a bounded queue of requests waiting for one;
an HTTP proxy (a CONNECT tunnel for https, absolute-form requests for http); back-pressure on streamed answers
(reading pauses while the relay lags); chunked, sized and read-until-close bodies; interim 1xx answers skipped;
TLS with certificate and host name checked.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import cast
from urllib.parse import unquote, urlsplit

import httptools

KEEPALIVE = 60.0  # seconds an idle connection is kept
PAUSE_ABOVE = 256 * 1024  # bytes of a streamed answer buffered before reading pauses


class HTTPError(Exception):
    """The upstream could not be reached, or its answer could not be read."""


class ConnectFailed(HTTPError):
    """No connection could be opened: nothing of the request was sent. ``certificate``: the upstream's TLS
    certificate was refused (a second try cannot fix that)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.certificate = isinstance(cause, ssl.SSLCertVerificationError)


class Disconnected(HTTPError):
    """The connection closed before the whole answer arrived."""


class InvalidResponse(HTTPError):
    """What came back is not HTTP/1.1."""


class PoolBusy(HTTPError):
    """Every connection the pool may open is busy, and the queue of requests waiting for one is full (``full``),
    or the wait for one lasted longer than the connect timeout: nothing was sent."""

    def __init__(self, full: bool) -> None:
        super().__init__("queue full" if full else "no connection free in time")
        self.full = full


class DeadlineExceeded(TimeoutError):
    """The request's total deadline passed."""


@dataclass(frozen=True)
class Proxy:
    """An HTTP proxy: where it listens, and the Proxy-Authorization its URL's user and password make."""

    host: str
    port: int
    authorization: str | None

    @classmethod
    def of(cls, url: str) -> Proxy:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"not an http:// proxy URL: {url!r}")
        authorization = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
            authorization = "Basic " + base64.b64encode(pair).decode()
        return cls(parts.hostname, parts.port or 80, authorization)


class Response:
    """One answer: status and raw headers once the head arrived, then the body, read whole or as it comes."""

    __slots__ = ("_buffered", "_chunks", "_connection", "_error", "_waiter", "complete", "deadline", "interim",
                 "pausing", "raw_headers", "status")

    def __init__(self, connection: _Connection, deadline: float) -> None:
        self._connection = connection
        self.deadline = deadline  # loop time by which the whole answer must have arrived
        self.status = 0  # 0 until the head arrived
        self.raw_headers: list[tuple[bytes, bytes]] = []
        self.complete = False
        self.interim = False  # a 1xx head, skipped
        self.pausing = False  # read as a stream: reading pauses while too much is buffered
        self._chunks: list[bytes] = []
        self._buffered = 0
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None

    # ---------------------------------------------------------------------- fed by the connection
    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def _fail(self, error: BaseException) -> None:
        if self._error is None and not self.complete:
            self._error = error
        self._wake()

    # ---------------------------------------------------------------------- read by the caller
    async def _wait(self) -> None:
        """Until the connection brings something, at most the read timeout (or what is left to the deadline)."""
        pool = self._connection.pool
        loop = pool.loop
        wait, error = pool.read_timeout, TimeoutError
        left = self.deadline - loop.time()
        if left < wait:
            if left <= 0:
                raise DeadlineExceeded()
            wait, error = left, DeadlineExceeded
        waiter = self._waiter = loop.create_future()
        timer = loop.call_later(wait, _time_out, waiter, error)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None

    async def head(self) -> None:
        while not self.status:
            if self._error is not None:
                raise self._error
            await self._wait()

    async def read(self) -> bytes:
        """The whole body."""
        while not self.complete:
            if self._error is not None:
                raise self._error
            await self._wait()
        chunks = self._chunks
        self._chunks = []
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives: everything buffered since the last step, in one piece."""
        self.pausing = True
        connection = self._connection
        while True:
            chunks = self._chunks
            if chunks:
                self._chunks = []
                self._buffered = 0
                if connection.paused:
                    connection.resume()
                yield chunks[0] if len(chunks) == 1 else b"".join(chunks)
            elif self.complete:
                return
            elif self._error is not None:
                raise self._error
            else:
                await self._wait()

    def close(self) -> None:
        """Let go of the answer: an unfinished one closes its connection (it cannot carry another request)."""
        if not self.complete:
            self.complete = True
            self._connection.close()


def _time_out(waiter: asyncio.Future[None], error: type[TimeoutError] = TimeoutError) -> None:
    if not waiter.done():
        waiter.set_exception(error())


class _Connection(asyncio.Protocol):
    """One connection to the upstream, and the httptools callbacks that feed its current answer."""

    __slots__ = ("idle_since", "lost", "parser", "paused", "pool", "response", "transport")

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.response: Response | None = None
        self.lost = self.paused = False
        self.idle_since = 0.0

    # ------------------------------------------------------------------------------ asyncio side
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass asyncio's

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            response = self.response
            if response is not None:
                response._fail(InvalidResponse(f"invalid HTTP answer: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.pool.forget(self)
        response = self.response
        if response is None or response.complete:
            return
        if response.status and _until_close(response.raw_headers):
            self.on_message_complete()  # a body without length or chunks ends with the connection
        else:
            response._fail(Disconnected("connection closed before the whole answer arrived"))

    def close(self) -> None:
        if self.transport is not None and not self.lost:
            self.transport.close()
        self.lost = True
        self.pool.forget(self)  # its place is free for a request waiting for one

    def resume(self) -> None:
        if self.paused and not self.lost:
            self.paused = False
            assert self.transport is not None
            self.transport.resume_reading()

    # ---------------------------------------------------------------------------- httptools side
    def on_header(self, name: bytes, value: bytes) -> None:
        response = self.response
        if response is not None:
            response.raw_headers.append((name, value))

    def on_headers_complete(self) -> None:
        response = self.response
        if response is None:
            return
        status = self.parser.get_status_code()
        if 100 <= status < 200:  # an interim head (103 Early Hints ...): the real one follows
            response.interim = True
            response.raw_headers = []
            return
        response.status = status
        response._wake()

    def on_body(self, body: bytes) -> None:
        response = self.response
        if response is not None:
            response._chunks.append(body)
            response._buffered += len(body)
            if response.pausing and response._buffered > PAUSE_ABOVE and not self.paused and self.transport:
                self.paused = True
                self.transport.pause_reading()
            response._wake()

    def on_message_complete(self) -> None:
        response = self.response
        if response is None:
            return
        if response.interim:
            response.interim = False
            return
        self.response = None
        response.complete = True
        response._wake()
        if self.lost or not self.parser.should_keep_alive():
            self.close()
        else:
            self.resume()
            self.pool.release(self)


def _until_close(headers: list[tuple[bytes, bytes]]) -> bool:
    """True when the body is delimited by the connection closing (no Content-Length, not chunked)."""
    return not any(name.lower() in (b"content-length", b"transfer-encoding") for name, _ in headers)


class _Tunnel(asyncio.Protocol):
    """A connection to a proxy until it answered the CONNECT: its answer's head."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.head = b""
        self.answered: asyncio.Future[bytes] = loop.create_future()

    def data_received(self, data: bytes) -> None:
        self.head += data
        if self.answered.done():
            return
        if b"\r\n\r\n" in self.head:
            self.answered.set_result(self.head)
        elif len(self.head) > 65536:
            self.answered.set_exception(ConnectionError("the proxy's answer to CONNECT is not HTTP"))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.answered.done():
            self.answered.set_exception(ConnectionResetError("the proxy closed the connection before answering"))


class Pool:
    """Keep-alive connections to one base URL (http or https), at most ``max_connections`` open at once, and the
    requests sent on them; with a ``proxy``, through it."""

    def __init__(self, base_url: str, headers: dict[str, str], connect_timeout: float, read_timeout: float, *,
                 total_timeout: float = 1800.0, max_connections: int = 100, max_waiting: int = 1000,
                 proxy: Proxy | None = None) -> None:
        url = urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.host = url.hostname
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.ssl = ssl.create_default_context() if url.scheme == "https" else None
        self.connect_timeout, self.read_timeout, self.total_timeout = connect_timeout, read_timeout, total_timeout
        self.max_connections, self.max_waiting = max_connections, max_waiting
        self.proxy = proxy
        host = f"[{self.host}]" if ":" in self.host else self.host
        default_port = self.port == (443 if self.ssl else 80)
        self.authority = host if default_port else f"{host}:{self.port}"
        # Through a proxy, a plain-http request names the whole URL (absolute form); https goes in a tunnel.
        self.prefix = url.path.rstrip("/")
        if proxy is not None and self.ssl is None:
            self.prefix = f"http://{self.authority}{self.prefix}"
        lines = [f"host: {self.authority}", *(f"{name}: {value}" for name, value in headers.items())]
        if proxy is not None and self.ssl is None and proxy.authorization:
            lines.append(f"proxy-authorization: {proxy.authorization}")
        self._head = ("\r\n".join(lines) + "\r\n").encode("latin-1")
        self._idle: list[_Connection] = []
        self._open: set[_Connection] = set()
        self._connecting = 0
        self._waiters: deque[asyncio.Future[_Connection | None]] = deque()
        self._closed = False
        self.loop = asyncio.get_running_loop()  # a pool is made inside the loop that uses it

    @property
    def connections(self) -> int:
        """Connections open or being opened."""
        return len(self._open) + self._connecting

    def deadline(self) -> float:
        """The loop time by which a request starting now must have had its whole answer."""
        return self.loop.time() + self.total_timeout

    async def request(self, method: str, path: str, body: bytes | None, deadline: float | None = None) -> Response:
        """Send the request (a JSON body, or none) and wait for the head of its answer (not the body), all of
        it, and the answer read afterwards, by ``deadline`` (loop time; now + the total timeout by default)."""
        if deadline is None:
            deadline = self.deadline()
        connection = self._take() or await self._acquire(deadline)
        response = connection.response = Response(connection, deadline)
        start = f"{method} {self.prefix}{path} HTTP/1.1\r\n".encode("latin-1") + self._head
        if body is None:
            message = start + b"\r\n"
        else:
            message = b"%bcontent-type: application/json\r\ncontent-length: %d\r\n\r\n%b" % (start, len(body), body)
        transport = connection.transport
        if transport is None or connection.lost or transport.is_closing():  # closed right after it opened
            raise ConnectFailed(ConnectionResetError("connection closed before the request was sent"))
        transport.write(message)
        try:
            await response.head()
        except BaseException:
            response.close()
            raise
        return response

    def _take(self) -> _Connection | None:
        """The most recently used idle connection still open, if any."""
        idle = self._idle
        while idle:
            connection = idle.pop()
            transport = connection.transport
            if connection.lost or transport is None or transport.is_closing():
                continue
            if time.monotonic() - connection.idle_since > KEEPALIVE:
                connection.close()
                continue
            return connection
        return None

    async def _acquire(self, deadline: float) -> _Connection:
        """A new connection while fewer than ``max_connections`` are open; else one freed by another request,
        waited for in turn (``max_waiting`` requests at most, the connect timeout at most)."""
        if self.connections < self.max_connections:
            self._connecting += 1
            return await self._connect(deadline)
        if len(self._waiters) >= self.max_waiting:
            raise PoolBusy(full=True)
        waiter: asyncio.Future[_Connection | None] = self.loop.create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(min(self.connect_timeout, deadline - self.loop.time())):
                connection = await waiter
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():  # handed a connection or a place just as it gave up
                given = waiter.result()
                if given is not None:
                    self.release(given)
                else:
                    self._connecting -= 1
                    self._wake(None)
            else:
                waiter.cancel()
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            if isinstance(exc, TimeoutError):
                raise PoolBusy(full=False) from None
            raise
        return connection if connection is not None else await self._connect(deadline)

    def _wake(self, connection: _Connection | None) -> bool:
        """Hand ``connection`` to the first request still waiting; or, with None, a place to open one (counted
        as being opened from now, so that no other request takes it meanwhile)."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                if connection is None:
                    self._connecting += 1
                waiter.set_result(connection)
                return True
        return False

    async def _connect(self, deadline: float) -> _Connection:
        """Open a connection, its place already counted in ``_connecting`` by the caller."""
        try:
            if self._closed:
                raise Disconnected("client closed")
            async with asyncio.timeout(min(self.connect_timeout, max(0.0, deadline - self.loop.time()))):
                connection = await (self._tunnel() if self.proxy is not None and self.ssl else self._direct())
        except BaseException as exc:
            self._connecting -= 1
            if self._waiters and self.connections < self.max_connections:
                self._wake(None)
            if isinstance(exc, OSError):  # refused, unreachable, unknown host, TLS (ssl.SSLError is an OSError)
                raise ConnectFailed(exc) from exc
            raise
        self._connecting -= 1
        self._open.add(connection)
        return connection

    async def _direct(self) -> _Connection:
        """A connection to the upstream, or to the proxy for a plain-http upstream."""
        proxy = self.proxy
        host, port = (proxy.host, proxy.port) if proxy is not None else (self.host, self.port)
        transport, connection = await self.loop.create_connection(
            lambda: _Connection(self), host, port, ssl=self.ssl, server_hostname=self.host if self.ssl else None)
        connection.transport = transport  # uvloop may call connection_made only after this returns
        return connection

    async def _tunnel(self) -> _Connection:
        """A TLS connection to an https upstream inside a CONNECT tunnel through the proxy."""
        proxy = self.proxy
        assert proxy is not None and self.ssl is not None
        transport, tunnel = await self.loop.create_connection(lambda: _Tunnel(self.loop), proxy.host, proxy.port)
        try:
            lines = [f"CONNECT {self.host}:{self.port} HTTP/1.1", f"host: {self.host}:{self.port}"]
            if proxy.authorization:
                lines.append(f"proxy-authorization: {proxy.authorization}")
            transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            head = await tunnel.answered
            status = head.split(b" ", 2)[1] if head.startswith(b"HTTP/1.") else b""
            if status != b"200":
                raise ConnectionRefusedError(f"the proxy refused the tunnel ({status.decode('latin-1') or 'not HTTP'})")
            connection = _Connection(self)
            connection.transport = cast(asyncio.Transport, await self.loop.start_tls(
                transport, connection, self.ssl, server_hostname=self.host))
        except BaseException:
            transport.close()
            raise
        return connection

    def release(self, connection: _Connection) -> None:
        if self._closed:
            connection.close()
            return
        if self._waiters and self._wake(connection):  # a request waiting for a connection takes it at once
            return
        connection.idle_since = now = time.monotonic()
        idle = self._idle
        # The least recently used ones are at the front: drop those idle for too long (a cheap look each time).
        while idle and now - idle[0].idle_since > KEEPALIVE:
            idle.pop(0).close()
        idle.append(connection)

    def forget(self, connection: _Connection) -> None:
        if connection in self._open:
            self._open.discard(connection)
            if self._waiters and self.connections < self.max_connections:
                self._wake(None)

    async def close(self) -> None:
        self._closed = True
        self._idle.clear()
        for connection in list(self._open):
            connection.close()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(Disconnected("client closed"))
