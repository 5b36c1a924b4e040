"""Watch lists: the concrete words Cadre watches for under each refusal. The owner writes them, helped by
suggestions from the built-in word families (``suggestions``); when an upstream model is configured
(CADRE_WATCH_MODEL, else CADRE_JUDGE_MODEL), Cadre proposes a list once at publish time for the refusals that
have none (``Proposer``): one call, its answer kept with the version, put in the draft for the owner to see,
edit and publish. The lexical stage compiles the published lists (``checker.compile_checker``)."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import jinja2
import orjson

from app.errors import UpstreamError, UpstreamTimeout
from app.frames.model import Frame, WatchList
from app.frames.text import fold, split_words
from app.revelateur.commonness import common
from app.revelateur.concepts import VOCABULARIES
from app.revelateur.judge import read_reply_text
from app.revelateur.places import place_limited
from app.revelateur.refusal_groups import CLIENT_WORK, context_stems, groups
from app.upstream.client import Upstream

log = logging.getLogger("cadre.watch")
MAX_SUGGESTED = 15  # words suggested per refusal
MAX_PROPOSED = 25  # words kept per refusal from a model's proposal
MAX_WORD = 60
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)


def suggestions(frame: Frame) -> dict[str, list[str]]:
    """Words of the built-in families that, each on its own, already hit a refusal of ``frame``, by refusal: what
    Cadre knows without a list, for the owner to start from (refusals the families know nothing about, or
    name only together with other words, get none)."""
    concepts = VOCABULARIES[frame.language].concepts
    context = context_stems(frame)
    found: dict[str, list[str]] = {}
    for refusal in frame.refusals:
        if not refusal.strip():
            continue
        words: list[str] = []
        for group in groups(refusal, frame.language, context):
            if group.outside is not None or group.negated or len(group.required) != 1:
                continue
            for label in sorted(group.required[0]):
                if label.startswith("c:") and label != CLIENT_WORK:
                    words += [p for p in concepts[label[2:]].phrases
                              if "_" not in p and "*" not in p and not p.startswith("=") and p not in words]
        found[refusal] = words[:MAX_SUGGESTED]
    return found


def common_alone(frame: Frame) -> dict[str, list[str]]:
    """The watched words that are one word common in general language ("moustache", "office"), by refusal: on
    their own they make a request "to check", not "against the frame" (``app.revelateur.commonness``); the owner
    is told, and may write the phrase instead ("Moustache Samedi"). A place limit's places are not concerned."""
    found: dict[str, list[str]] = {}
    for watched in frame.watch:
        if watched.refusal.strip() and not place_limited(watched.refusal, frame.language):
            words = [w for w in watched.words if len(split_words(fold(w))) == 1 and common(fold(w).strip())]
            if words:
                found[watched.refusal] = words
    return found


def without_list(frame: Frame) -> list[str]:
    """The refusals of ``frame`` that have no watch list (or an empty one)."""
    listed = {w.refusal for w in frame.watch if w.words}
    return [r for r in frame.refusals if r.strip() and r not in listed]


class Proposer:
    """Asks a model for watch lists, once per published version (answers kept in memory by slug and version)."""

    def __init__(self, model: str, upstream: Upstream, prompts: jinja2.Environment, timeout: float) -> None:
        self.model, self.upstream, self.prompts, self.timeout = model, upstream, prompts, timeout
        self._asked: dict[tuple[str, int], dict[str, list[str]]] = {}
        self.calls = 0

    async def propose(self, slug: str, version: int, frame: Frame) -> dict[str, list[str]]:
        """Words per refusal without a list; {} when every refusal has one or the model gave nothing usable."""
        key = (slug, version)
        if key in self._asked:
            return self._asked[key]
        refusals = without_list(frame)
        proposed: dict[str, list[str]] = {}
        if refusals:
            proposed = await self._ask(frame, refusals)
        self._asked[key] = proposed
        return proposed

    async def _ask(self, frame: Frame, refusals: list[str]) -> dict[str, list[str]]:
        prompt = self.prompts.get_template(f"watch.{frame.language}.j2").render(
            frame=frame.model_dump(mode="json"), refusals=refusals).strip()
        body = orjson.dumps({"model": self.model, "messages": [{"role": "user", "content": prompt}],
                             "temperature": 0, "max_tokens": 800, "stream": False})
        self.calls += 1
        try:
            async with asyncio.timeout(self.timeout):
                reply = await self.upstream.send("POST", "/chat/completions", body, False)
        except (TimeoutError, UpstreamTimeout, UpstreamError) as exc:
            log.warning("watch list proposal gave no answer: %s", type(exc).__name__)
            return {}
        if reply.status != 200:
            log.warning("watch list proposal failed: upstream status %d", reply.status)
            return {}
        return read_proposal(read_reply_text(reply.body) or "", refusals)


def read_proposal(content: str, refusals: list[str]) -> dict[str, list[str]]:
    """The words per refusal of a model's answer (a JSON object, bare, fenced or with text around it); refusals
    it does not name exactly are dropped."""
    fenced = _FENCE.search(content)
    text = fenced.group(1) if fenced else content
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end < start:
        return {}
    try:
        data: Any = orjson.loads(text[start:end + 1])
    except orjson.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, list[str]] = {}
    wanted = {" ".join(r.casefold().split()): r for r in refusals}
    for key, words in data.items():
        refusal = wanted.get(" ".join(str(key).casefold().split()))
        if refusal is None or not isinstance(words, list):
            continue
        kept = list(dict.fromkeys(" ".join(w.split())[:MAX_WORD] for w in words if isinstance(w, str) and w.strip()))
        if kept:
            out[refusal] = kept[:MAX_PROPOSED]
    return out


def with_proposal(frame: Frame, proposed: dict[str, list[str]]) -> Frame:
    """``frame`` with the proposed lists added for the refusals that had none."""
    missing = set(without_list(frame))
    added = [WatchList(refusal=r, words=w) for r, w in proposed.items() if r in missing]
    if not added:
        return frame
    kept = [w for w in frame.watch if w.refusal not in proposed]
    return frame.model_copy(update={"watch": [*kept, *added]})
