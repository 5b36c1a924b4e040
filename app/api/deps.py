"""The services shared by every request (built in the lifespan) and the dependency aliases that reach them."""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass, field
from typing import Annotated

import jinja2
from fastapi import Depends, Request

from app.config import Settings
from app.console.state import Console
from app.errors import InvalidRequest, Unauthenticated
from app.ops.metrics import Metrics
from app.ops.ratelimit import RateLimiter
from app.revelateur.judge import Judge
from app.storage.cache import Directory
from app.storage.decision_log import DecisionLog
from app.storage.store import Store, hash_secret
from app.upstream.routing import Upstreams


@dataclass
class Services:
    """Everything the routes use, created once in the lifespan and reached through ``scope["state"]``."""

    settings: Settings
    store: Store
    directory: Directory
    upstreams: Upstreams  # the default upstream and those of CADRE_UPSTREAMS_FILE; ``for_model`` picks one
    decisions: DecisionLog
    prompts: jinja2.Environment
    admin_hashes: set[str]
    console: Console  # the web console's templates, sessions and sign-in throttle
    judge: Judge | None = None  # the révélateur's judge: built from the settings when CADRE_JUDGE_MODEL is set
    metrics: Metrics = field(default_factory=Metrics)
    limiter: RateLimiter = field(init=False)  # per-key requests per minute, shared with the other replicas
    # The loop serving the requests, known once: asyncio.get_running_loop() asks the kernel for the process id
    # on every call in Python 3.11 (a getpid system call), twice per request for the disconnect watch.
    loop: asyncio.AbstractEventLoop = field(init=False)

    def __post_init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.limiter = RateLimiter(self.store, self.settings.rate_limit_sync_interval)
        if self.judge is None:
            self.judge = Judge.from_settings(self.settings, self.upstreams, self.prompts)

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


MAX_ACTOR = 200  # the width of the history's ``published_by`` / ``updated_by`` columns


def actor(request: Request) -> str:
    """Who acts, from the ``x-cadre-actor`` header ("admin" by default), as the history records it."""
    name = (request.headers.get("x-cadre-actor") or "").strip() or "admin"
    if len(name) > MAX_ACTOR or any(ord(c) < 32 for c in name):
        raise InvalidRequest(
            f"x-cadre-actor : un nom de {MAX_ACTOR} caractères au plus, sans caractère de contrôle. / "
            f"x-cadre-actor: a name of {MAX_ACTOR} characters at most, without control characters.",
            param="x-cadre-actor", code="invalid_actor")
    return name


def require_admin(request: Request, services: ServicesDep) -> str:
    """The management API's guard: the admin token as bearer. Returns who acts (for the history)."""
    token = bearer(request.headers.get("authorization"))
    if not token or not services.is_admin(token):
        raise Unauthenticated("Jeton d'administration absent ou invalide. / Missing or invalid admin token.",
                              code="invalid_admin_token")
    return actor(request)


AdminDep = Annotated[str, Depends(require_admin)]
