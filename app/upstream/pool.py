"""The keep-alive pool of one upstream (``app.upstream.http1`` is one connection): connections reused
most-recent first, at most ``max_connections`` open at once, the requests beyond them queued in turn (boundedly),
each request bounded by its deadline; an HTTP proxy on the way when one is configured (a CONNECT tunnel with TLS
inside it for https upstreams, absolute-form requests for http ones)."""

from __future__ import annotations

import asyncio
import base64
import ssl
import time
from collections import deque
from dataclasses import dataclass
from typing import cast
from urllib.parse import unquote, urlsplit

from app.upstream.http1 import ConnectFailed, Disconnected, PoolBusy, Response, _Connection

KEEPALIVE = 60.0  # seconds an idle connection is kept


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
