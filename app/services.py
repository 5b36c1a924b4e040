"""The services every request shares, built once in the lifespan (``start_services``) and reached through
``scope["state"]["services"]``: the store and its cache, the upstreams, the decision log, the judge, the
metrics and the rate limiter."""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass, field

import jinja2

from app.config import Settings
from app.frames.prompts import prompt_environment
from app.messages import both
from app.ops.metrics import Metrics
from app.ops.ratelimit import RateLimiter
from app.ops.throttle import AdminThrottle
from app.revelateur.judge import Judge
from app.revelateur.prepare import Preparer
from app.storage import migrations
from app.storage.cache import Cache
from app.storage.decision_log import DecisionLog
from app.storage.outcomes import SchemaBehind
from app.storage.store import Store, hash_secret
from app.upstream.routing import Upstreams


@dataclass
class Services:
    """Everything the routes use, created once in the lifespan and reached through ``scope["state"]``."""

    settings: Settings
    store: Store
    cache: Cache  # keys and published frames for the request path
    upstreams: Upstreams  # the default upstream and those of CADRE_UPSTREAMS_FILE; ``for_model`` picks one
    decisions: DecisionLog
    prompts: jinja2.Environment
    judge: Judge | None = None  # the révélateur's judge: built from the settings when CADRE_JUDGE_MODEL is set
    metrics: Metrics = field(default_factory=Metrics)
    limiter: RateLimiter = field(init=False)  # per-key requests per minute, shared with the other replicas
    admin_throttle: AdminThrottle = field(default_factory=AdminThrottle)  # wrong admin tokens, every surface
    # The loop serving the requests, known once: asyncio.get_running_loop() asks the kernel for the process id
    # on every call in Python 3.11 (a getpid system call), twice per request for the disconnect watch.
    loop: asyncio.AbstractEventLoop = field(init=False)
    refused_prompt_fields: frozenset[str] = field(init=False)  # CADRE_ALLOWED_PROMPT_FIELDS' complement, once

    def __post_init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.refused_prompt_fields = self.settings.refused_prompt_fields()
        self.limiter = RateLimiter(self.store, self.settings.rate_limit_sync_interval)
        if self.judge is None:
            self.judge = Judge.from_settings(self.settings, self.upstreams, self.prompts)

    @property
    def admin_hashes(self) -> frozenset[str]:
        """The admin token's hash: the configured one, else the stored ones (reloaded by the cache when the
        generation moves: a ``cadre token reset`` anywhere is enforced here within CADRE_CACHE_CHECK_INTERVAL)."""
        configured = self.settings.admin_token
        if configured is not None:
            return frozenset({hash_secret(configured.get_secret_value())})
        return self.cache.admin_hashes

    def is_admin(self, token: str) -> bool:
        digest = hash_secret(token)
        return any(hmac.compare_digest(digest, known) for known in self.admin_hashes)



def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header."""
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    return None



async def start_services(settings: Settings) -> Services:
    """Open the database (migrating SQLite), load the admin token, create the shared clients."""
    try:
        engine = await migrations.open_engine(settings.database_url)
    except SchemaBehind as exc:
        raise RuntimeError(both("error.schema_behind", steps=exc)) from None
    store = Store(engine)
    prompts = prompt_environment(settings.prompts_dir)
    cache = Cache(store, Preparer(prompts), settings.cache_check_interval)
    cache.admin_hashes = await admin_hashes(settings, store)
    return Services(
        settings=settings, store=store, prompts=prompts, cache=cache,
        upstreams=Upstreams.from_settings(settings),
        decisions=DecisionLog(store, settings.decision_flush_interval, settings.decision_buffer_size),
    )


async def admin_hashes(settings: Settings, store: Store) -> frozenset[str]:
    """The stored admin tokens' hashes; on first start without CADRE_ADMIN_TOKEN, one generated and printed."""
    if settings.admin_token is None:
        token = await store.first_admin_token()
        if token is not None:
            print(f"\nCadre: admin token generated (shown once, stored hashed): {token}\n", flush=True)
    return frozenset(await store.admin_token_hashes())


async def stop_services(services: Services) -> None:
    """Let the judge finish, write the decisions left, close the upstream clients and the database."""
    if services.judge is not None:
        await services.judge.drain()  # flagged requests' records wait for their judge (bounded by its timeout)
    await services.decisions.close(services.settings.decision_shutdown_wait)
    await services.upstreams.close()
    await services.store.close()


