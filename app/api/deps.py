"""The management API's dependencies: the services, the store, and the admin guard (who acts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.errors import InvalidRequest, Unauthenticated
from app.messages import both
from app.services import Services, bearer
from app.storage.store import Store


def get_services(request: Request) -> Services:
    services: Services = request.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_store(services: ServicesDep) -> Store:
    return services.store


StoreDep = Annotated[Store, Depends(get_store)]


MAX_ACTOR = 200  # the width of the history's ``published_by`` / ``updated_by`` columns


def actor(request: Request) -> str:
    """Who acts, from the ``x-cadre-actor`` header ("admin" by default), as the history records it."""
    name = (request.headers.get("x-cadre-actor") or "").strip() or "admin"
    if len(name) > MAX_ACTOR or any(ord(c) < 32 for c in name):
        raise InvalidRequest(
            both("error.invalid_actor", maximum=MAX_ACTOR),
            param="x-cadre-actor", code="invalid_actor")
    return name


# Declares the admin bearer scheme on every management route, so /docs's "Authorize" sends the token; the
# check itself stays ours (an OpenAI-shaped 401, never FastAPI's 403).
admin_scheme = HTTPBearer(auto_error=False, scheme_name="AdminToken",
                          description="The admin token (CADRE_ADMIN_TOKEN, or the one `cadre serve` printed on "
                          "first start).")
AdminCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(admin_scheme)]


def require_admin(request: Request, services: ServicesDep, credentials: AdminCredentials) -> str:
    """The management API's guard: the admin token as bearer. Returns who acts (for the history)."""
    token = credentials.credentials.strip() if credentials else bearer(request.headers.get("authorization"))
    if not token or not services.is_admin(token):
        raise Unauthenticated(both("error.invalid_admin_token"),
                              code="invalid_admin_token")
    return actor(request)


AdminDep = Annotated[str, Depends(require_admin)]
