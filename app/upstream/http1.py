"""A lean HTTP/1.1 client for one upstream: a keep-alive pool of asyncio connections, parsed by httptools.

Cadre sends one kind of request (a small JSON POST or a GET, to one known host) and relays the answer as it
comes, so it needs none of a general client's machinery: no cookies, redirects, proxies, compression,
tracing or per-request header objects. aiohttp's ``ClientSession`` spent a quarter of the gateway's event
loop on that machinery; this client writes the request in one call from bytes built once per upstream and
reads the answer with httptools (uvicorn's parser, already a dependency). Measured in bench/README.md.

This module is one connection and its answers; ``app.upstream.pool`` keeps the connections. What it does keep
from a serious client: keep-alive connections reused most-recent first and dropped after ``KEEPALIVE`` seconds
idle; a connect timeout and a read timeout (the longest wait for the next bytes); a total deadline per request;
a cap on the connections open at once, with a bounded queue of requests waiting for one; an HTTP proxy (a
CONNECT tunnel for https, absolute-form requests for http); back-pressure on streamed answers (reading pauses
while the relay lags); chunked, sized and read-until-close bodies; interim 1xx answers skipped; TLS with
certificate and host name checked.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, cast

import httptools

if TYPE_CHECKING:
    from app.upstream.pool import Pool

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
