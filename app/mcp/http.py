"""``/mcp`` in ``cadre serve``: the MCP server over streamable HTTP, behind a client key.

A plain route at exactly ``/mcp`` (not a mount, which would answer ``/mcp`` with a redirect), stateless, JSON
answers. The key is checked by Cadre's own guard against the cache (401 in the OpenAI shape with
``WWW-Authenticate: Bearer``, 503 when the database is away) before the SDK sees the request; the handlers read
the caller's key from a context variable, which the SDK carries into the task that runs them. The SDK's
DNS-rebinding check accepts the public address's host and this machine's.

The SDK (and what it brings: its HTTP client, server-sent events, cryptography) is imported, and its session
manager started, on the first call to ``/mcp``: a deployment that never uses MCP does not carry 19 MB of it in
every worker (bench/README.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.errors import CadreError, DatabaseUnavailable, Unauthenticated
from app.messages import both
from app.services import Services, bearer
from app.storage.outcomes import StoreUnavailable

CALLER: contextvars.ContextVar[str | None] = contextvars.ContextVar("cadre_mcp_key", default=None)
LOOPBACK = ["127.0.0.1", "127.0.0.1:*", "localhost", "localhost:*", "[::1]", "[::1]:*"]


def allowed_hosts(settings: Settings) -> list[str]:
    """Host headers the MCP endpoint answers: the public address's and this machine's."""
    public = urlsplit(settings.public_url).netloc
    hosts = [public, f"{public.split(':')[0]}:*"] if public else []
    return [*dict.fromkeys([*hosts, *LOOPBACK])]


class McpEndpoint:
    """The MCP server of one app: its route, and ``running(services)`` for the app's lifespan."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._services: Services | None = None
        self._asgi: ASGIApp | None = None
        self._starting = asyncio.Lock()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.route = Route("/mcp", endpoint=KeyGuard(self))

    def services(self) -> Services:
        assert self._services is not None, "the MCP endpoint is used outside the app's lifespan"
        return self._services

    async def app(self) -> ASGIApp:
        """The SDK's ASGI app, made and its session manager started on the first call (see the module)."""
        if self._asgi is None:
            async with self._starting:
                if self._asgi is None:
                    self._asgi = await self._start()
        return self._asgi

    async def _start(self) -> ASGIApp:
        from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
        from mcp.server.transport_security import TransportSecuritySettings

        from app.mcp.server import build

        server = build(self.services, CALLER.get)
        server.streamable_http_app(  # makes the session manager; the Starlette app it returns is not used
            stateless_http=True, json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=True,
                                                        allowed_hosts=allowed_hosts(self.settings),
                                                        allowed_origins=[]))
        started = asyncio.Event()

        async def run() -> None:  # the SDK's task group, open until the app stops
            async with server.session_manager.run():
                started.set()
                await self._stop.wait()

        task = self._task = asyncio.get_running_loop().create_task(run(), context=contextvars.Context())
        waiting = asyncio.ensure_future(started.wait())
        await asyncio.wait([task, waiting], return_when=asyncio.FIRST_COMPLETED)
        if not started.is_set():
            waiting.cancel()
            task.result()  # the session manager failed to start: raise its error
        return StreamableHTTPASGIApp(server.session_manager)

    @contextlib.asynccontextmanager
    async def running(self, services: Services) -> AsyncIterator[None]:
        """Serve MCP while the app runs; its session manager, if a call started it, stops with the app."""
        self._services = services
        try:
            yield
        finally:
            self._stop.set()
            if self._task is not None:
                await asyncio.gather(self._task, return_exceptions=True)


class KeyGuard:
    """The client key as bearer, checked before anything of MCP runs; the caller's key set for the handlers."""

    def __init__(self, endpoint: McpEndpoint) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        header = next((v for k, v in scope["headers"] if k == b"authorization"), b"").decode("latin-1")
        secret = bearer(header)
        try:
            key = await self.endpoint.services().cache.key(secret) if secret else None
        except StoreUnavailable:
            await _fail(send, DatabaseUnavailable())
            return
        if key is None:
            await _fail(send, Unauthenticated(both("error.invalid_api_key")),
                        (b"www-authenticate", b'Bearer error="invalid_token"'))
            return
        app = await self.endpoint.app()
        token = CALLER.set(secret)
        try:
            await app(scope, receive, send)
        finally:
            CALLER.reset(token)


async def _fail(send: Send, error: CadreError, *headers: tuple[bytes, bytes]) -> None:
    body = error.to_bytes()
    await send({"type": "http.response.start", "status": error.status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *((k.encode(), v.encode()) for k, v in error.headers.items()), *headers]})
    await send({"type": "http.response.body", "body": body})
