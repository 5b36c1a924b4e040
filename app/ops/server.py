"""How ``cadre serve`` runs uvicorn: the limits a client cannot go past, set in Cadre itself rather than left to a
reverse proxy in front of it.

uvicorn's httptools protocol keeps a request's head in memory for as long as it lasts and has no time limit
before a head is whole (its keep-alive timer only runs between requests): ten connections sending unfinished
8 MiB heads held about 94 MB. ``CadreHttpProtocol`` adds, per connection:

- a head size limit (``CADRE_MAX_HEADER_BYTES``): past it, ``431`` and the connection is closed;
- a head deadline (``CADRE_HEADER_TIMEOUT``, from the connection or the request's first byte) and a body
  deadline (``CADRE_BODY_TIMEOUT``, from the end of the head): past them the connection is closed (``408``
  when nothing was answered yet);
- an answer sent before the request's body was read whole (a refusal) ends the connection: what the client
  still sends is thrown away for ``LINGER`` seconds at most (so that it can read the answer), then it is
  closed.

Deadlines cost two clock reads per request; one timer per worker checks every connection each second.
uvicorn's own options do the rest: ``limit_concurrency`` (``CADRE_MAX_CONNECTIONS``), ``timeout_keep_alive``
(``CADRE_KEEP_ALIVE_TIMEOUT``), and which peers may set ``X-Forwarded-For`` (``CADRE_TRUSTED_PROXIES``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import Settings
from app.config.settings import names

SWEEP_EVERY = 1.0  # seconds between two looks at every connection's deadline
LINGER = 2.0  # seconds the rest of a refused body is read and thrown away before the connection is closed
PROTOCOL = "app.ops.server:CadreHttpProtocol"  # as uvicorn's ``http`` option: importable by worker processes


@dataclass(frozen=True)
class ConnectionLimits:
    """What one client connection may take: head size, and time to send its head and its body."""

    max_header_bytes: int = 32 * 1024
    header_timeout: float = 10.0
    body_timeout: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(settings.max_header_bytes, settings.header_timeout, settings.body_timeout)


DEFAULT_LIMITS = ConnectionLimits()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for Cadre's limits (``cadre serve``; tests serving Cadre in a thread pass them too)."""
    trusted = names(settings.trusted_proxies)
    return {"http": PROTOCOL, "limit_concurrency": settings.max_connections,
            "timeout_keep_alive": settings.keep_alive_timeout,
            "h11_max_incomplete_event_size": settings.max_header_bytes,  # the same limit under --http h11
            "proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


def _raw_answer(status: bytes) -> bytes:
    return b"HTTP/1.1 " + status + b"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


HEAD_TOO_LARGE = _raw_answer(b"431 Request Header Fields Too Large")
TOO_SLOW = _raw_answer(b"408 Request Timeout")


class HeadTooLarge(Exception):
    """Raised from the parser's callback to stop reading a head that is whole but over the limit."""


class CadreHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with Cadre's head size limit and head and body deadlines."""

    limits: ConnectionLimits
    head_bytes: int | None  # bytes received since the head being read began; None while no head is being read
    deadline: float | None  # loop time by which the head or body being read must be whole; None: none running
    refused_head = False
    lingering = False  # answered before the body was read whole: what still comes is thrown away, then closed

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.limits = self.app_state.get("limits") or DEFAULT_LIMITS
        self.head_bytes = 0
        self.deadline = self.loop.time() + self.limits.header_timeout  # a connection that never sends a head
        _sweeper(self.server_state, self.loop)

    def data_received(self, data: bytes) -> None:
        if self.head_bytes is None:
            super().data_received(data)
            return
        self.head_bytes += len(data)
        super().data_received(data)
        # An unfinished head: httptools keeps what it has read of it, so it is cut off here, at most one read
        # past the limit. (A head finished by this read was measured in on_headers_complete.)
        if self.head_bytes is not None and self.head_bytes > self.limits.max_header_bytes:
            self.refuse_head()

    def refuse_head(self) -> None:
        self.head_bytes = self.deadline = None
        if not self.transport.is_closing():
            self.logger.warning("request head over %d bytes: 431", self.limits.max_header_bytes)
            self.transport.write(HEAD_TOO_LARGE)
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        if self.refused_head:  # the parser stopped on HeadTooLarge
            self.refuse_head()
        else:
            super().send_400_response(msg)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.head_bytes is None:
            self.head_bytes = 0
        self.deadline = self.loop.time() + self.limits.header_timeout

    def on_headers_complete(self) -> None:
        limit = self.limits.max_header_bytes
        # The bytes counted may hold the start of the body too: measure the head itself only then.
        if self.head_bytes is not None and self.head_bytes > limit and _head_size(self) > limit:
            self.refused_head = True
            raise HeadTooLarge
        self.head_bytes = None
        self.deadline = self.loop.time() + self.limits.body_timeout
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.head_bytes = 0  # what comes next is the next request's head
        self.deadline = None  # the request is being answered; idle time after it is uvicorn's keep-alive's
        if self.lingering:  # the rest of a refused body has arrived: the client has read the answer
            self.transport.close()

    def on_response_complete(self) -> None:
        cycle = self.cycle
        if cycle is not None and cycle.more_body and not self.pipeline and not self.transport.is_closing():
            # Answered before the body was read whole (a refusal). Closing now, with the client's bytes unread,
            # would reset the connection and the client could lose the answer; reading on, for the body's
            # sake, would serve whoever sends it. So: no more requests on this connection, the answer's end
            # marked (FIN), and what still comes thrown away for LINGER seconds at most.
            self.server_state.total_requests += 1
            self.lingering = True
            cycle.body = bytearray()
            self.deadline = self.loop.time() + LINGER
            if self.transport.can_write_eof():
                self.transport.write_eof()
            self.flow.resume_reading()
            return
        super().on_response_complete()

    def time_out(self) -> None:
        """The head or body was not whole in time: answer 408 if nothing was answered yet, and close."""
        self.deadline = self.head_bytes = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is None or not cycle.response_started:
            self.transport.write(TOO_SLOW)
        self.logger.info("request not received in time: connection closed")
        self.transport.close()


def _head_size(protocol: HttpToolsProtocol) -> int:
    """The request line's target and the headers, as parsed (close to the head's size on the wire)."""
    return len(protocol.url) + sum(len(name) + len(value) + 4 for name, value in protocol.headers)


def _sweeper(state: Any, loop: asyncio.AbstractEventLoop) -> None:
    """Start, once per server, the timer that closes connections past their deadline."""
    if getattr(state, "cadre_sweeper", None) is None:
        state.cadre_sweeper = loop.call_later(SWEEP_EVERY, _sweep, state, loop)


def _sweep(state: Any, loop: asyncio.AbstractEventLoop) -> None:
    now = loop.time()
    late: Iterable[Any] = [c for c in state.connections
                           if getattr(c, "deadline", None) is not None and c.deadline < now]
    for connection in late:
        connection.time_out()
    state.cadre_sweeper = loop.call_later(SWEEP_EVERY, _sweep, state, loop)
