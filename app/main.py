"""``create_app(settings=None)``: lifespan (database, upstream client, templates), routers. Nothing else."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from app.api import frames as admin_api
from app.api import health, metrics
from app.api import reports as report_api
from app.api.deps import Services
from app.config import Settings
from app.console import pages as admin_pages
from app.console import report_pages
from app.console.state import STATIC_DIR, build_console
from app.errors import CadreError, error_bytes, error_response
from app.frames.prompts import prompt_environment
from app.gateway import openapi
from app.gateway.app import Gateway
from app.ops import request_ids
from app.storage import migrations
from app.storage import schema as db
from app.storage.cache import Directory
from app.storage.decision_log import DecisionLog
from app.storage.store import Store, hash_secret
from app.upstream.routing import Upstreams

log = logging.getLogger("cadre")


async def start_services(settings: Settings) -> Services:
    """Open the database (migrating SQLite), load the admin token, create the shared clients."""
    engine = db.create_engine(settings.database_url)
    if db.is_sqlite(settings.database_url):
        await migrations.migrate(engine)
    else:
        waiting = await migrations.pending(engine)
        if waiting:
            await engine.dispose()
            steps = ", ".join(waiting)
            raise RuntimeError(f"schéma de base en retard ({steps}) : lancez d'abord `cadre migrate`. / "
                               f"database schema is behind ({steps}): run `cadre migrate` first")
    store = Store(engine)
    prompts = prompt_environment(settings.prompts_dir)
    hashes = await admin_hashes(settings, store)
    return Services(
        settings=settings, store=store, prompts=prompts,
        directory=Directory(store, prompts, settings.cache_check_interval),
        upstreams=Upstreams.from_settings(settings),
        decisions=DecisionLog(store, settings.decision_flush_interval, settings.decision_buffer_size),
        admin_hashes=hashes,
        console=build_console(settings, hashes),  # its own HTML environment (autoescape), not the prompts'
    )


async def admin_hashes(settings: Settings, store: Store) -> set[str]:
    """The admin token's hash: the configured one, or one generated on first start and printed once."""
    if settings.admin_token is not None:
        return {hash_secret(settings.admin_token.get_secret_value())}
    token = await store.first_admin_token()
    if token is not None:
        print(f"\nCadre: admin token generated (shown once, stored hashed): {token}\n", flush=True)
    return await store.admin_token_hashes()


async def stop_services(services: Services) -> None:
    if services.judge is not None:
        await services.judge.drain()  # flagged requests' records wait for their judge (bounded by its timeout)
    with contextlib.suppress(SQLAlchemyError, OSError):
        await services.decisions.flush()
    await services.upstreams.close()
    await services.store.close()


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
            await super().__call__(scope, receive, _with_request_id(scope, send))


def _with_request_id(scope: Scope, send: Send) -> Send:
    """``send``, adding the request's id (the client's ``x-request-id`` or a new one) to the answer's headers."""
    given = next((value for name, value in scope["headers"] if name == b"x-request-id"), None)
    header = (b"x-request-id", request_ids.adopt(given).encode())

    async def send_with_id(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), header]}
        await send(message)

    return send_with_id


def _json_error(status: int, message: str, type_: str, code: str | None, param: str | None = None) -> Response:
    return Response(error_bytes(message, type_, code, param), status_code=status, media_type="application/json")


async def _cadre_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, CadreError)
    return error_response(exc)


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header")]
    kind = str(first.get("type", "invalid"))
    # A JSON syntax error's location is a character offset, not a parameter.
    param = None if kind == "json_invalid" else (".".join(loc) or None)
    detail = str(first.get("msg", "invalid value"))
    code = "invalid_json" if kind == "json_invalid" else ("unknown_field" if kind == "extra_forbidden" else kind)
    where = f" ({param})" if param else ""
    message = f"Requête invalide{where} : {detail}. / Invalid request{where}: {detail}."
    return _json_error(400, message, "invalid_request_error", code, param)


async def _http_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _json_error(404, "Introuvable. / Not found.", "not_found_error", "not_found")
    if exc.status_code == 405:
        return _json_error(405, "Méthode non permise. / Method not allowed.", "invalid_request_error",
                           "method_not_allowed")
    return _json_error(exc.status_code, str(exc.detail), "invalid_request_error", None)


async def _database_error(_: Request, exc: Exception) -> Response:
    log.warning("database error: %s", type(exc).__name__)
    return _json_error(503, "La base de données de Cadre est injoignable. / Cadre's database is unreachable.",
                       "server_error", "database_unavailable")


async def _unexpected(_: Request, exc: Exception) -> Response:
    log.exception("unexpected error", exc_info=exc)
    return _json_error(500, "Erreur interne de Cadre. / Cadre internal error.", "server_error", "internal_error")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The Cadre application."""
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[dict[str, Any]]:
        services = await start_services(settings)
        tasks = [asyncio.create_task(services.directory.watch()), asyncio.create_task(services.decisions.run()),
                 asyncio.create_task(services.limiter.run())]
        # Everything loaded so far lives as long as the process: keep it out of the cyclic collector's full
        # passes, which otherwise walk every imported object and stall requests (bench/README.md).
        gc.collect()
        gc.freeze()
        try:
            yield {"services": services}
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await stop_services(services)

    app = CadreApp(title="Cadre", version="0.1.0", lifespan=lifespan,
                  description="A gateway that refuses to generate until a clear strategic frame is published, "
                  "then injects it into every prompt.")
    app.include_router(admin_api.router)
    app.include_router(report_api.router)
    app.include_router(report_pages.router)  # before admin_pages: its last route answers any /admin path
    app.include_router(admin_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.add_exception_handler(CadreError, _cadre_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_exception_handler(ConnectionError, _database_error)  # the driver's socket refused or reset at connect
    app.add_exception_handler(Exception, _unexpected)
    app.gateway = Gateway()
    openapi.install(app)
    return app
