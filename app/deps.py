"""The services shared by every request (built in the lifespan) and the dependency aliases that reach them."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

import jinja2
from fastapi import Depends, Request

from app.cache import Directory
from app.config import Settings
from app.decisions import DecisionLog
from app.errors import Unauthenticated
from app.store import Store, hash_secret
from app.upstream import Upstream


@dataclass
class Services:
    """Everything the routes use, created once in the lifespan and reached through ``scope["state"]``."""

    settings: Settings
    store: Store
    directory: Directory
    upstream: Upstream
    decisions: DecisionLog
    prompts: jinja2.Environment
    admin_hashes: set[str]

    def is_admin(self, token: str) -> bool:
        digest = hash_secret(token)
        return any(hmac.compare_digest(digest, known) for known in self.admin_hashes)


def get_services(request: Request) -> Services:
    services: Services = request.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_store(services: ServicesDep) -> Store:
    return services.store


StoreDep = Annotated[Store, Depends(get_store)]


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header."""
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    return None


def require_admin(request: Request, services: ServicesDep) -> str:
    """The management API's guard: the admin token as bearer. Returns who acts (for the history)."""
    token = bearer(request.headers.get("authorization"))
    if not token or not services.is_admin(token):
        raise Unauthenticated("Jeton d'administration absent ou invalide. / Missing or invalid admin token.",
                              code="invalid_admin_token")
    return request.headers.get("x-cadre-actor") or "admin"


AdminDep = Annotated[str, Depends(require_admin)]
