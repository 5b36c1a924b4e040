"""``/mcp`` in ``cadre serve``: the MCP server over streamable HTTP, behind a client key.

A plain route at exactly ``/mcp`` (not a mount, which would answer ``/mcp`` with a redirect), stateless, JSON
answers. The key is checked by Cadre's own guard against the cache (401 in the OpenAI shape with
``WWW-Authenticate: Bearer``, 503 when the database is away) before the SDK sees the request; the handlers read
the caller's key from a context variable, which the SDK carries into the task that runs them. The SDK's
DNS-rebinding check accepts the public address's host and this machine's.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.errors import CadreError, DatabaseUnavailable, Unauthenticated
from app.mcp.server import build
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
        self._services: Services | None = None
        self.server = build(self.services, CALLER.get)
        self.server.streamable_http_app(  # makes the session manager; the Starlette app it returns is not used
            stateless_http=True, json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=True,
                                                        allowed_hosts=allowed_hosts(settings), allowed_origins=[]))
        self.route = Route("/mcp", endpoint=KeyGuard(StreamableHTTPASGIApp(self.server.session_manager), self))

    def services(self) -> Services:
        assert self._services is not None, "the MCP endpoint is used outside the app's lifespan"
        return self._services

    @contextlib.asynccontextmanager
    async def running(self, services: Services) -> AsyncIterator[None]:
        """Serve MCP while the app runs (the SDK's task group lives in the app's lifespan)."""
        self._services = services
        async with self.server.session_manager.run():
            yield


class KeyGuard:
    """The client key as bearer, checked before anything of MCP runs; the caller's key set for the handlers."""

    def __init__(self, app: ASGIApp, endpoint: McpEndpoint) -> None:
        self.app, self.endpoint = app, endpoint

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
        token = CALLER.set(secret)
        try:
            await self.app(scope, receive, send)
        finally:
            CALLER.reset(token)


async def _fail(send: Send, error: CadreError, *headers: tuple[bytes, bytes]) -> None:
    body = error.to_bytes()
    await send({"type": "http.response.start", "status": error.status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *((k.encode(), v.encode()) for k, v in error.headers.items()), *headers]})
    await send({"type": "http.response.body", "body": body})
