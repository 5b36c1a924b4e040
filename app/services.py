"""The services every request shares, built once in the lifespan (``start_services``) and reached through
``scope["state"]["services"]``: the store and its cache, the upstreams, the decision log, the judge, the
metrics and the rate limiter."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jinja2

from app.config import Settings
from app.frames.prompts import prompt_environment
from app.frames.records import Decision, FrameState
from app.messages import both
from app.ops.metrics import Metrics
from app.ops.ratelimit import RateLimiter
from app.ops.throttle import AdminThrottle
from app.revelateur.judge import Judge
from app.revelateur.prepare import Preparer
from app.revelateur.watch import Proposer, with_proposal
from app.storage import migrations
from app.storage.cache import Cache
from app.storage.decision_log import DecisionLog
from app.storage.outcomes import RevisionMismatch, SchemaBehind, StoreUnavailable
from app.storage.store import Store, hash_secret
from app.upstream.routing import Upstreams

if TYPE_CHECKING:
    from app.revelateur.semantic.stage import SemanticStage


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
    semantic: SemanticStage | None = None  # the révélateur's semantic stage (CADRE_SEMANTIC), started in the lifespan
    proposer: Proposer | None = None  # proposes watch lists at publish time (CADRE_WATCH_MODEL or the judge's)
    background: set[asyncio.Task[Any]] = field(default_factory=set)  # proposals under way
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
        model = self.settings.watch_model or self.settings.judge_model
        if self.proposer is None and model:
            self.proposer = Proposer(model, self.upstreams.for_model(model), self.prompts,
                                     max(self.settings.judge_timeout, 30.0))

    def propose_watch(self, state: FrameState) -> None:
        """After a publish, in the background (publishing never waits for a model): the model's watch lists for
        the refusals without one, put in the draft (see ``_propose``)."""
        if self.proposer is None or state.published is None:
            return
        task = asyncio.get_running_loop().create_task(self._propose(state))
        self.background.add(task)  # referenced until done
        task.add_done_callback(self.background.discard)

    async def _propose(self, state: FrameState) -> FrameState:
        """The model's proposal in the draft, saved by "cadre" for the owner to see, edit and publish; nothing
        without an answer, or when the draft changed meanwhile."""
        if self.proposer is None or state.published is None:
            return state
        published = state.published
        proposed = await self.proposer.propose(state.slug, published.version, published.frame)
        draft = with_proposal(state.draft, proposed)
        if draft == state.draft:
            return state
        try:
            state = await self.store.save_draft(state.slug, draft, "cadre", state.revision)
        except RevisionMismatch:
            return state
        self.cache.invalidate()
        return state

    def add_decision(self, decision: Decision) -> None:
        """Count the decision's check outcome and add it to the log (once, when every stage is done with it)."""
        self.metrics.checked(decision)
        self.decisions.add(decision)

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



async def start_services(settings: Settings, admin: bool = True) -> Services:
    """Open the database (migrating SQLite), load the admin token (not for ``cadre mcp``, whose standard output
    is the protocol's: ``admin`` False), create the shared clients."""
    try:
        engine = await migrations.open_engine(settings.database_url)
    except SchemaBehind as exc:
        raise RuntimeError(both("error.schema_behind", steps=exc)) from None
    store = Store(engine)
    prompts = prompt_environment(settings.prompts_dir)
    cache = Cache(store, Preparer(prompts), settings.cache_check_interval)
    cache.admin_hashes = await admin_hashes(settings, store) if admin else frozenset()
    upstreams = Upstreams.from_settings(settings)
    semantic = semantic_stage(settings, upstreams)
    if semantic is not None:
        await semantic.start()  # a local model loads now, in its thread, not under the first request
    return Services(
        settings=settings, store=store, prompts=prompts, cache=cache, upstreams=upstreams,
        decisions=DecisionLog(store, settings.decision_flush_interval, settings.decision_buffer_size),
        semantic=semantic,
    )


def semantic_stage(settings: Settings, upstreams: Upstreams) -> SemanticStage | None:
    """The semantic stage of the settings (imported only when on; numpy only comes with a local model)."""
    if settings.semantic == "off":
        return None
    from app.revelateur.semantic.stage import SemanticStage as Stage

    try:
        return Stage.from_settings(settings, upstreams)
    except ValueError as exc:
        raise RuntimeError(both("config.semantic_invalid", reason=exc)) from None


async def admin_hashes(settings: Settings, store: Store) -> frozenset[str]:
    """The stored admin tokens' hashes; on first start without CADRE_ADMIN_TOKEN, one generated and printed."""
    if settings.admin_token is None:
        token = await store.first_admin_token()
        if token is not None:
            print(f"\nCadre: admin token generated (shown once, stored hashed): {token}\n", flush=True)
    return frozenset(await store.admin_token_hashes())


EXCERPT_SWEEP_SECONDS = 3600.0


async def forget_old_excerpts(services: Services, every: float = EXCERPT_SWEEP_SECONDS) -> None:
    """Erase request excerpts older than CADRE_EXCERPT_DAYS, now and then every hour (a background task)."""
    while True:
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=services.settings.excerpt_days)
        with contextlib.suppress(StoreUnavailable):
            await services.store.forget_excerpts(cutoff)
        await asyncio.sleep(every)


async def stop_services(services: Services) -> None:
    """Let the judge finish, write the decisions left, close the upstream clients and the database."""
    await asyncio.gather(*services.background, return_exceptions=True)  # proposals land before the database closes
    if services.semantic is not None:
        await services.semantic.drain()  # flagged requests' records wait for their score
        services.semantic.close()
    if services.judge is not None:
        await services.judge.drain()  # flagged requests' records wait for their judge (bounded by its timeout)
    await services.decisions.close(services.settings.decision_shutdown_wait)
    await services.upstreams.close()
    await services.store.close()


