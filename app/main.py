"""``create_app(settings=None)``: lifespan (database, upstream client, templates), routers. Nothing else."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from app.api import docs, handlers, health, metrics, people
from app.api import frames as admin_api
from app.api import reports as report_api
from app.api.gate import guarded
from app.config import Settings
from app.console import decision_pages, editor_pages, people_pages, report_pages
from app.console import pages as admin_pages
from app.console.state import STATIC_DIR, build_console
from app.gateway import openapi
from app.gateway.app import Gateway
from app.mcp.http import McpEndpoint
from app.messages import both
from app.ops import request_ids
from app.ops.server import ConnectionLimits
from app.services import forget_old_excerpts, start_services, stop_services

log = logging.getLogger("cadre")


class CadreApp(FastAPI):
    """FastAPI for the API and the console; /v1/* goes straight to the gateway, skipping the middleware
    stack and the router (measured: about a fifth of the gateway's cost per request, see bench/)."""

    gateway: Gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
        elif scope["path"].startswith("/v1/"):
            await self.gateway(scope, receive, send)
        else:
            await guarded(super().__call__, scope, receive, _with_request_id(scope, send))


def _with_request_id(scope: Scope, send: Send) -> Send:
    """``send``, adding the request's id (the client's ``x-request-id`` or a new one) to the answer's headers."""
    given = next((value for name, value in scope["headers"] if name == b"x-request-id"), None)
    header = (b"x-request-id", request_ids.adopt(given).encode())

    async def send_with_id(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), header]}
        await send(message)

    return send_with_id


async def to_console() -> RedirectResponse:
    """``/`` leads to the console (a person who opens Cadre's address lands where they can act)."""
    return RedirectResponse("/admin", status_code=303)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The Cadre application."""
    settings = settings or Settings()
    mcp = McpEndpoint(settings)  # /mcp: a session manager runs once, so one per app

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[dict[str, Any]]:
        services = await start_services(settings)
        for url in settings.upstreams_without_key():
            log.warning(both("config.upstream_no_key", url=url))
        console = build_console(settings, lambda: services.admin_hashes)  # its own HTML environment (autoescape)
        tasks = [asyncio.create_task(services.cache.watch()), asyncio.create_task(services.decisions.run()),
                 asyncio.create_task(services.limiter.run()), asyncio.create_task(forget_old_excerpts(services))]
        # Everything loaded so far lives as long as the process: keep it out of the cyclic collector's full
        # passes, which otherwise walk every imported object and stall requests (bench/README.md).
        gc.collect()
        gc.freeze()
        try:
            async with mcp.running(services):
                # "limits": read by the server's protocol for each connection (app.ops.server, cadre serve).
                yield {"services": services, "console": console, "limits": ConnectionLimits.from_settings(settings)}
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await stop_services(services)

    app = CadreApp(title="Cadre", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="A gateway that refuses to generate until a clear strategic frame is published, "
                  "then injects it into every prompt.")
    app.include_router(admin_api.router)
    app.include_router(report_api.router)
    app.include_router(people.router)
    for pages in (report_pages, people_pages, decision_pages, editor_pages):
        app.include_router(pages.router)  # before admin_pages: its last route answers any /admin path
    app.include_router(admin_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    docs.install(app)  # /docs and /redoc, their scripts from a package rather than a CDN
    app.add_api_route("/", to_console, include_in_schema=False)
    app.router.routes.append(mcp.route)
    app.include_router(health.router)
    app.include_router(metrics.router)
    handlers.install(app)
    app.gateway = Gateway()
    openapi.install(app)
    return app
