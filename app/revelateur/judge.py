"""The révélateur's judge (issue 5): a short classification call to the upstream, asking whether a request fits
the published frame, which priority it serves, which refusal it hits and why.

Optional (``CADRE_JUDGE_MODEL``; unset, nothing here is built and the request path does no judge work). One
call is a chat completion with ``prompts/judge.{language}.j2`` as its only (user) message, temperature 0,
``max_tokens`` 200, through the client of the upstream that serves the judge's model (``app.routing``).
``response_format`` is not sent: Ollama, vLLM, LM Studio and others accept or refuse ``json_object``
differently, and a 400 on every judge call would be worse than a free-text answer; the prompt asks for JSON
only and ``read_verdict`` finds the object in a code fence or in text around it. An answer that cannot be
read, or that says "does not fit" without naming one of the frame's refusals, is no answer (``NoAnswer``),
like a timeout or an upstream error.

Answers are kept in memory, least recently used dropped first, by (slug, version, sha256 of the request's
text): a version never changes, so neither does its answer. Identical requests in flight share one call.
Every call is bounded by ``CADRE_JUDGE_TIMEOUT``. The upstream key is the upstream client's alone: nothing
here logs or returns an upstream body.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2
import orjson

from app.config import Settings
from app.errors import UpstreamError, UpstreamTimeout
from app.frames.model import Frame
from app.frames.records import Published, priority_rank
from app.upstream.client import Upstream
from app.upstream.routing import Upstreams

log = logging.getLogger("cadre.judge")
MAX_TOKENS = 200  # the JSON object and its one sentence
MAX_REQUEST_CHARS = 8_000  # of the request's text sent to the judge (its cost); the hash covers all of it
MAX_WHY = 200
MAX_LATE = 256  # judge calls in flight after their answer was sent (flag); beyond, a request is not judged
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
_QUOTES = " \t.«»\"'“”‘’"

CacheKey = tuple[str, int, bytes]


@dataclass(frozen=True, slots=True)
class Verdict:
    """A usable judge answer, checked against the frame: ``refusal`` is one of its items, exactly as written
    (``index`` its position), ``priority`` one of its ranks."""

    fits: bool
    priority: int | None
    refusal: str | None
    index: int | None
    why: str


class NoAnswer(Exception):
    """The judge gave no usable answer; ``reason``: timeout | upstream_error | invalid_answer | prompt_error |
    busy | cancelled | internal_error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Judge:
    """Calls, cache and the background calls of the ``flag`` policy (kept referenced, bounded in number)."""

    def __init__(self, model: str, timeout: float, fail: str, cache_size: int, upstream: Upstream,
                 prompts: jinja2.Environment) -> None:
        self.model, self.timeout, self.fail, self.cache_size = model, timeout, fail, cache_size
        self.upstream, self.prompts = upstream, prompts
        self._cache: OrderedDict[CacheKey, Verdict] = OrderedDict()
        self._asking: dict[CacheKey, asyncio.Task[Verdict]] = {}
        self._late: set[asyncio.Task[None]] = set()
        self.calls = 0  # judge calls sent to the upstream (cache hits and shared calls not counted)

    @classmethod
    def from_settings(cls, settings: Settings, upstreams: Upstreams, prompts: jinja2.Environment) -> Judge | None:
        """The judge of CADRE_JUDGE_MODEL, calling the upstream that serves that model; None when unset."""
        if not settings.judge_model:
            return None
        return cls(settings.judge_model, settings.judge_timeout, settings.judge_fail, settings.judge_cache_size,
                   upstreams.for_model(settings.judge_model), prompts)

    # ------------------------------------------------------------------------------------ answers
    async def verdict(self, published: Published, text: str) -> Verdict:
        """The judge's answer on ``text`` under ``published`` (cached), within the timeout; else ``NoAnswer``."""
        key = (published.slug, published.version.version,
               hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        task = self._asking.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._ask(published, text))
            self._asking[key] = task
            task.add_done_callback(functools.partial(self._settle, key))
        # Shielded: a waiter that goes away (its client left) does not cancel a call others may share.
        return await asyncio.shield(task)

    def _settle(self, key: CacheKey, task: asyncio.Task[Verdict]) -> None:
        self._asking.pop(key, None)
        if task.cancelled() or task.exception() is not None:  # retrieved here: nobody may be waiting any more
            return
        if self.cache_size > 0:
            self._cache[key] = task.result()
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    async def _ask(self, published: Published, text: str) -> Verdict:
        where = f"{published.slug}@{published.version.version}"
        try:
            body = self.request_body(published, text)
        except jinja2.TemplateError as exc:
            log.error("judge prompt judge.%s.j2 failed to render for %s: %s", published.language, where, exc)
            raise NoAnswer("prompt_error") from None
        self.calls += 1
        try:
            async with asyncio.timeout(self.timeout):
                reply = await self.upstream.send("POST", "/chat/completions", body, False)
        except (TimeoutError, UpstreamTimeout):
            log.warning("judge gave no answer within %.1f s for %s", self.timeout, where)
            raise NoAnswer("timeout") from None
        except UpstreamError as exc:  # its message is ours and names no key
            log.warning("judge call failed for %s: %s", where, exc.code)
            raise NoAnswer("upstream_error") from None
        if reply.status != 200:
            log.warning("judge call failed for %s: upstream status %d", where, reply.status)
            raise NoAnswer("upstream_error")
        verdict = read_reply(reply.body, published.version.frame)
        if verdict is None:
            log.warning("judge answer unreadable for %s (model %s)", where, self.model)
            raise NoAnswer("invalid_answer")
        return verdict

    def request_body(self, published: Published, text: str) -> bytes:
        """The classification request (chat completions)."""
        prompt = self.prompts.get_template(f"judge.{published.language}.j2").render(
            frame=published.version.frame.model_dump(mode="json"), request=text[:MAX_REQUEST_CHARS]).strip()
        return orjson.dumps({"model": self.model, "messages": [{"role": "user", "content": prompt}],
                             "temperature": 0, "max_tokens": MAX_TOKENS, "stream": False})

    # ---------------------------------------------------------------------- after the answer (flag)
    def later(self, published: Published, text: str, finish: Callable[[Verdict | NoAnswer], None]) -> None:
        """Judge in the background and hand the outcome to ``finish``, which runs exactly once (at once with
        ``NoAnswer("busy")`` when MAX_LATE calls are already in flight)."""
        if len(self._late) >= MAX_LATE:
            finish(NoAnswer("busy"))
            return
        task = asyncio.get_running_loop().create_task(self._later(published, text, finish))
        self._late.add(task)  # referenced until done: a task nobody holds may be collected mid-way
        task.add_done_callback(self._late.discard)

    async def _later(self, published: Published, text: str, finish: Callable[[Verdict | NoAnswer], None]) -> None:
        outcome: Verdict | NoAnswer = NoAnswer("cancelled")
        try:
            outcome = await self.verdict(published, text)
        except NoAnswer as exc:
            outcome = exc
        except Exception:
            log.exception("judge failed for %s@%s", published.slug, published.version.version)
            outcome = NoAnswer("internal_error")
        finally:
            finish(outcome)

    @property
    def in_flight(self) -> int:
        return len(self._late)

    async def drain(self) -> None:
        """Wait for the background calls (each bounded by the timeout): for a shutdown, before the decision
        log's last flush, so their records are written."""
        await asyncio.gather(*self._late, return_exceptions=True)


# ---------------------------------------------------------------------------------------- reading
def read_reply(body: bytes, frame: Frame) -> Verdict | None:
    """The verdict in a chat completion's body, or None."""
    content = read_reply_text(body)
    return read_verdict(content, frame) if content is not None else None


def read_reply_text(body: bytes) -> str | None:
    """The assistant's text in a chat completion's body, or None."""
    try:
        content = orjson.loads(body)["choices"][0]["message"]["content"]
    except (orjson.JSONDecodeError, KeyError, IndexError, TypeError):
        return None
    return content if isinstance(content, str) else None


def read_verdict(content: str, frame: Frame) -> Verdict | None:
    """The JSON object of an answer (bare, in a code fence, or with text around it), checked against the frame:
    a priority outside its ranks is dropped; "does not fit" without one of its refusals is no answer."""
    fenced = _FENCE.search(content)
    text = fenced.group(1) if fenced else content
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end < start:
        return None
    try:
        data: Any = orjson.loads(text[start:end + 1])
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("fits"), bool):
        return None
    priority = priority_rank(data.get("priority"), frame)
    why = data.get("why")
    why = " ".join(why.split())[:MAX_WHY] if isinstance(why, str) else ""
    if data["fits"]:
        return Verdict(True, priority, None, None, why)
    index = _refusal_index(data.get("refusal"), frame.refusals)
    if index is None:
        return None
    return Verdict(False, priority, frame.refusals[index], index, why)


def _refusal_index(value: Any, refusals: list[str]) -> int | None:
    """The position of the refusal the judge named: exact, or but for case, spacing, quotes and a final dot."""
    if not isinstance(value, str):
        return None
    wanted = _plain(value)
    for i, item in enumerate(refusals):
        if _plain(item) == wanted:
            return i
    return None


def _plain(text: str) -> str:
    return " ".join(text.casefold().split()).strip(_QUOTES)
