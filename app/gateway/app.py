"""/v1/*: authenticate, decide (refuse or forward), inject, forward, record. A plain ASGI app, for speed.

The request path reads top to bottom in ``Gateway.generate``: auth -> payload -> frame -> decision ->
injection -> upstream -> record. It is plain ASGI rather than FastAPI routes because it sits on every
request a business makes to its AI (see bench/ for the measurements).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import Services, bearer
from app.errors import (
    BodyTooLarge,
    CadreError,
    DatabaseUnavailable,
    FrameRefusal,
    NotFound,
    RateLimited,
    Unauthenticated,
    UpstreamError,
)
from app.frames import prompts as prompting
from app.gateway import payloads, synthetic
from app.gateway.payloads import Endpoint
from app.gateway.refusals import decide
from app.ops import request_ids
from app.revelateur import review as revelateur
from app.storage.cache import Published
from app.storage.store import Decision, Key
from app.upstream.client import Reply

log = logging.getLogger("cadre.gateway")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PREVIEW_MODEL = "cadre-preview"
WATCH_AFTER = 0.05  # seconds into an upstream call before watching for the client leaving
JSON = (b"content-type", b"application/json")
SSE = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache")]
MAX_PENDING_LINE = 1024 * 1024  # an unfinished event line kept for its usage; a longer one is let go
ROUTES: dict[tuple[str, str], Endpoint] = {
    ("POST", "/v1/chat/completions"): payloads.CHAT,
    ("POST", "/v1/completions"): payloads.COMPLETIONS,
    ("POST", "/v1/responses"): payloads.RESPONSES,
    ("POST", "/v1/embeddings"): payloads.EMBEDDINGS,
    ("GET", "/v1/models"): payloads.MODELS,
}


class Request:
    """What the gateway reads of one HTTP request, headers scanned once."""

    __slots__ = ("answered", "authorization", "content_length", "gone", "priority", "receive", "request_id", "scope",
                 "send", "started")

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope, self.receive, self.send = scope, receive, send
        self.authorization: str | None = None
        self.content_length: int | None = None
        self.priority: str | None = None  # x-cadre-priority: the priority the request says it serves
        self.gone = self.started = False
        self.answered = False  # a stream's final event was relayed before the client left
        request_id = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                self.authorization = value.decode("latin-1")
            elif name == b"content-length":
                with contextlib.suppress(ValueError):
                    self.content_length = int(value)
            elif name == b"x-request-id":
                request_id = value
            elif name == b"x-cadre-priority":
                self.priority = value.decode("latin-1")
        self.request_id = request_ids.adopt(request_id)

    async def body(self, limit: int) -> bytes:
        """The whole body, refusing more than ``limit`` bytes."""
        if self.content_length is not None and self.content_length > limit:
            raise _too_large(limit)
        chunks = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise asyncio.CancelledError
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def respond(self, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        self.started = True
        await self.send({"type": "http.response.start", "status": status,
                         "headers": [*headers, (b"content-length", str(len(body)).encode()),
                                     (b"x-request-id", self.request_id.encode())]})
        await self.send({"type": "http.response.body", "body": body})

    async def respond_events(self, events: list[bytes], headers: list[tuple[bytes, bytes]]) -> None:
        self.started = True
        await self.send({"type": "http.response.start", "status": 200,
                         "headers": [*SSE, *headers, (b"x-request-id", self.request_id.encode())]})
        for event in events:
            await self.send({"type": "http.response.body", "body": event, "more_body": True})
        await self.send({"type": "http.response.body", "body": b""})

    async def cancel_on_disconnect(self, task: asyncio.Task[Any] | None) -> None:
        """Cancel ``task`` (the request's own) when the client goes away; the body has been read already."""
        while (await self.receive())["type"] != "http.disconnect":
            pass
        self.gone = True
        if task is not None:
            task.cancel()


class DisconnectWatch:
    """Cancels the request's task if the client leaves, from WATCH_AFTER seconds into the upstream call on.

    Watching takes a task per request; starting it only when the call lasts keeps that cost off fast calls
    (measured: about a tenth of the gateway's CPU at 4,000 req/s, see bench/README.md), while every real
    generation, which takes longer, is watched.
    """

    __slots__ = ("loop", "task", "timer")

    def __init__(self, request: Request, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.task: asyncio.Task[None] | None = None
        self.timer = loop.call_later(WATCH_AFTER, self._start, request, asyncio.current_task(loop))

    def _start(self, request: Request, owner: asyncio.Task[Any] | None) -> None:
        self.task = self.loop.create_task(request.cancel_on_disconnect(owner))

    def stop(self) -> None:
        self.timer.cancel()
        if self.task is not None:
            self.task.cancel()


def _too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(f"Corps de requête trop grand (plus de {limit} octets). / Request body too large "
                        f"(over {limit} bytes).", param=None)


def _error_headers(exc: CadreError) -> list[tuple[bytes, bytes]]:
    return [JSON, *((k.encode(), v.encode()) for k, v in exc.headers.items())]


class Gateway:
    """The OpenAI-compatible endpoints."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        endpoint = ROUTES.get((scope["method"], scope["path"]))
        if endpoint is None:
            await self._fail(request, NotFound(
                "Point d'accès inconnu. / Unknown endpoint.", code="unknown_url"))
            return
        services: Services = scope["state"]["services"]
        try:
            if endpoint.generates:
                await self.generate(request, services, endpoint)
            else:
                await self.passthrough(request, services, endpoint)
        except Exception:
            # A bug of ours: log it, and still answer in the OpenAI shape if nothing was sent yet.
            log.exception("unexpected error on %s", scope["path"])
            if not request.started:
                await self._fail(request, CadreError("Erreur interne de Cadre. / Cadre internal error.",
                                                     code="internal_error"))

    # ------------------------------------------------------------------------------- generation
    async def generate(self, request: Request, services: Services, endpoint: Endpoint) -> None:
        """auth -> payload -> frame -> decision (frame, then the révélateur's check, then its judge under
        refuse) -> injection -> upstream (-> the answer check) -> record (after the judge, under flag)."""
        started = time.perf_counter()
        decision = Decision(request.request_id, endpoint.name, "failed", 0.0)
        judge_later: revelateur.Review | None = None  # flag + judge: judged once the answer was sent
        try:
            key = await self.authenticate(request, services)
            decision.key_id, decision.frame = key.id, key.frame
            if key.rate_limit is not None:
                self.admit(services, key, decision)
            payload = payloads.parse(await request.body(services.settings.max_body_bytes), endpoint)
            decision.model = payload["model"]
            published = await services.directory.published(key.frame)
            refusal = decide(key.frame, published, services.settings.public_url)
            if refusal is not None:
                decision.outcome, decision.code = "refused", refusal.code
                if published is not None:
                    decision.frame_version = published.version.version
                await self.refuse(request, key, refusal, endpoint, payload, published)
                return
            assert published is not None
            decision.frame_version = published.version.version
            revelateur.attribute_priority(decision, request.priority, payload, published)
            seen = revelateur.review(endpoint, payload, published, decision, services.settings.public_url,
                                     services.settings.store_excerpts)
            if seen is not None and seen.refusal is not None:
                decision.outcome, decision.code = "refused", seen.refusal.code
                await self.refuse(request, key, seen.refusal, endpoint, payload, published)
                return
            if services.judge is not None and seen is not None and payload["model"] != PREVIEW_MODEL:
                if published.policy == "flag":
                    judge_later = seen
                else:  # refuse: the judge decides before anything is forwarded (bounded by its timeout)
                    stop = await revelateur.judge_first(services.judge, seen, decision)
                    if stop is not None:
                        decision.outcome, decision.code = "refused", stop.code
                        if isinstance(stop, FrameRefusal):
                            await self.refuse(request, key, stop, endpoint, payload, published)
                        else:  # judge_unavailable, failing closed: retryable, never a message
                            await self._fail(request, stop)
                        return
            body = self.inject(endpoint, payload, published, services)
            frame_header = (b"x-cadre-frame", published.header)
            if payload["model"] == PREVIEW_MODEL:
                decision.outcome = "forwarded"
                await self.preview(request, endpoint, payload, body, frame_header)
                return
            decision.outcome = "forwarded"
            held = await self.forward(request, services, endpoint, body, payload.get("stream") is True,
                                      frame_header, decision, seen)
            if held is not None:  # under refuse, an answer that breaks the frame is replaced by the refusal
                decision.outcome, decision.code = "refused", held.code
                await self.refuse(request, key, held, endpoint, payload, published)
        except CadreError as exc:
            decision.code = exc.code
            if isinstance(exc, FrameRefusal):
                decision.outcome = "refused"
            elif decision.outcome == "forwarded":
                decision.outcome = "failed"
            await self._fail(request, exc)
        except SQLAlchemyError:
            decision.code = "database_unavailable"
            await self._fail(request, DatabaseUnavailable())
        except asyncio.CancelledError:
            if not request.gone:
                raise
            # The client left: the upstream call is cancelled and there is nobody to answer (unless it had the
            # whole answer already).
            if not request.answered:
                decision.outcome, decision.code = "failed", "client_disconnected"
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
        finally:
            decision.latency_ms = (time.perf_counter() - started) * 1000
            services.metrics.observe(decision)
            if judge_later is not None and services.judge is not None and decision.outcome == "forwarded":
                revelateur.judge_later(services.judge, judge_later, decision, services.decisions.add)
            else:
                services.decisions.add(decision)

    async def authenticate(self, request: Request, services: Services) -> Key:
        secret = bearer(request.authorization)
        key = await services.directory.key(secret) if secret else None
        if key is None:
            raise Unauthenticated("Clé d'API inconnue ou révoquée. / Unknown or revoked API key.")
        return key

    @staticmethod
    def admit(services: Services, key: Key, decision: Decision) -> None:
        """Count the request against the key's requests per minute, or refuse it with 429 and Retry-After."""
        assert key.rate_limit is not None
        wait = services.limiter.admit(key.id, key.rate_limit, decision.at)
        if wait is not None:
            decision.outcome = "refused"
            raise RateLimited(key.rate_limit, wait)

    def inject(self, endpoint: Endpoint, payload: dict[str, Any], published: Published,
               services: Services) -> bytes:
        if endpoint is payloads.CHAT:
            prompting.inject_chat(payload, published.prompt, services.settings.injection_role)
        elif endpoint is payloads.COMPLETIONS:
            prompting.inject_completion(payload, published.prompt)
        else:
            prompting.inject_responses(payload, published.prompt)
        return orjson.dumps(payload)

    async def refuse(self, request: Request, key: Key, refusal: FrameRefusal, endpoint: Endpoint,
                     payload: dict[str, Any], published: Published | None) -> None:
        header = (b"x-cadre-frame", published.header if published else f"{key.frame}@none".encode())
        if key.refusal_style != "message":
            await request.respond(refusal.status, orjson.dumps(refusal.body()),
                                  [*_error_headers(refusal), header])
            return
        answer = synthetic.answer(endpoint.name, payload["model"], refusal.message, payload.get("stream") is True)
        if isinstance(answer, list):
            await request.respond_events(answer, [header])
        else:
            await request.respond(200, answer, [JSON, header])

    async def preview(self, request: Request, endpoint: Endpoint, payload: dict[str, Any], body: bytes,
                      frame_header: tuple[bytes, bytes]) -> None:
        """``cadre-preview``: answer with the exact body that would go upstream."""
        text = orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2).decode()
        answer = synthetic.answer(endpoint.name, PREVIEW_MODEL, text, payload.get("stream") is True)
        if isinstance(answer, list):
            await request.respond_events(answer, [frame_header])
        else:
            await request.respond(200, answer, [JSON, frame_header])

    async def forward(self, request: Request, services: Services, endpoint: Endpoint, body: bytes,
                      stream: bool, frame_header: tuple[bytes, bytes], decision: Decision,
                      seen: revelateur.Review | None) -> FrameRefusal | None:
        """Send upstream and relay the answer; a client that leaves cancels the upstream request. Returns the
        refusal to send instead of a non-streamed answer that breaks the frame (policy refuse)."""
        watch = DisconnectWatch(request, services.loop)
        sent = time.perf_counter()
        try:
            reply = await services.upstreams.for_model(decision.model).send("POST", endpoint.path, body, stream)
            decision.upstream_status = reply.status
            if reply.response is None:
                if reply.status == 200:
                    answer: Any = None
                    with contextlib.suppress(orjson.JSONDecodeError, TypeError, AttributeError):
                        answer = orjson.loads(reply.body)
                        usage = payloads.usage_of(answer)
                        decision.prompt_tokens, decision.completion_tokens, decision.total_tokens = usage
                    decision.upstream_ms = (time.perf_counter() - sent) * 1000
                    if seen is not None:
                        held = revelateur.check_answer(seen, answer, decision)
                        if held is not None:
                            return held
                else:  # the upstream's own error, relayed as it is: a failure in the log
                    decision.upstream_ms = (time.perf_counter() - sent) * 1000
                    decision.outcome, decision.code = "failed", "upstream_error"
                await request.respond(reply.status, reply.body, [*reply.headers, frame_header])
                return None
            metrics = services.metrics
            metrics.streams_open += 1
            try:
                await self._relay(request, reply, frame_header, decision, seen)
            finally:
                metrics.streams_open -= 1
                decision.upstream_ms = (time.perf_counter() - sent) * 1000
                reply.close()
            return None
        finally:
            watch.stop()

    async def _relay(self, request: Request, reply: Reply, frame_header: tuple[bytes, bytes],
                     decision: Decision, seen: revelateur.Review | None) -> None:
        send = request.send
        request.started = True
        await send({"type": "http.response.start", "status": 200,
                    "headers": [*reply.headers, (b"cache-control", b"no-cache"), frame_header,
                                (b"x-request-id", request.request_id.encode())]})
        pending = b""  # an event line cut between two reads, kept until its end arrives (for the usage)
        held = b""  # the start of an event cut between two reads, relayed once the event is whole
        last = b""  # the last piece relayed
        kept: list[bytes] | None = [] if seen is not None else None  # the events, for the answer check
        size = 0
        try:
            async for chunk in reply.chunks():
                if pending or b'"usage"' in chunk or not chunk.endswith(b"\n"):
                    pending = _stream_usage(pending + chunk, decision)
                if kept is not None and size < revelateur.MAX_STREAM_TEXT:
                    kept.append(chunk)
                    size += len(chunk)
                if held or not chunk.endswith(b"\n\n"):
                    chunk, held = _whole_events(held + chunk)
                    if not chunk:
                        continue
                last = chunk
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if held:  # the upstream ended without a blank line after its last event: passed on as it is
                await send({"type": "http.response.body", "body": held, "more_body": True})
        except UpstreamError as exc:
            # An unfinished event is dropped, so that the error event reaches the client as an event of its own.
            decision.outcome, decision.code = "failed", exc.code
            event = b"event: error\ndata: " + orjson.dumps(exc.body()) + b"\n\n"
            await send({"type": "http.response.body", "body": event, "more_body": True})
        except asyncio.CancelledError:
            # A client may leave as soon as it read the final event, before the upstream's answer ended.
            request.answered = request.gone and _final(last)
            if request.answered and seen is not None and kept:
                revelateur.check_stream(seen, b"".join(kept), decision)
            raise
        await send({"type": "http.response.body", "body": b""})
        if seen is not None and kept:  # after the last byte was sent: the client waits for nothing
            revelateur.check_stream(seen, b"".join(kept), decision)

    # ----------------------------------------------------------------------------- passthrough
    async def passthrough(self, request: Request, services: Services, endpoint: Endpoint) -> None:
        """/v1/models and /v1/embeddings: a key is required, a frame is not (nothing is generated)."""
        started = time.perf_counter()
        decision = Decision(request.request_id, endpoint.name, "failed", 0.0)
        try:
            key = await self.authenticate(request, services)
            decision.key_id, decision.frame = key.id, key.frame
            if key.rate_limit is not None:
                self.admit(services, key, decision)
            if endpoint is payloads.MODELS:
                await self.models(request, services)
                decision.outcome = "forwarded"
                return
            raw = await request.body(services.settings.max_body_bytes)
            payload = payloads.parse(raw, endpoint)
            decision.model = payload["model"]
            decision.outcome = "forwarded"
            sent = time.perf_counter()
            reply = await services.upstreams.for_model(payload["model"]).send("POST", endpoint.path, raw, False)
            decision.upstream_ms = (time.perf_counter() - sent) * 1000
            decision.upstream_status = reply.status
            if reply.status >= 400:
                decision.outcome, decision.code = "failed", "upstream_error"
            await request.respond(reply.status, reply.body, reply.headers)
        except CadreError as exc:
            decision.code = exc.code
            if decision.outcome == "forwarded":  # refused (rate limit) stays refused
                decision.outcome = "failed"
            await self._fail(request, exc)
        finally:
            decision.latency_ms = (time.perf_counter() - started) * 1000
            services.metrics.observe(decision)
            services.decisions.add(decision)

    async def models(self, request: Request, services: Services) -> None:
        """Every upstream's models, merged, plus ``cadre-preview`` (alone when no upstream is configured or
        reachable); x-cadre-upstream says which upstream failed (``Upstreams.models``)."""
        data, upstream_state = await services.upstreams.models()
        data.append({"id": PREVIEW_MODEL, "object": "model", "created": 0, "owned_by": "cadre"})
        await request.respond(200, orjson.dumps({"object": "list", "data": data}),
                              [JSON, (b"x-cadre-upstream", upstream_state)])

    async def _fail(self, request: Request, exc: CadreError) -> None:
        await request.respond(exc.status, orjson.dumps(exc.body()), _error_headers(exc))


def _stream_usage(data: bytes, decision: Decision) -> bytes:
    """Read usage from the stream's final events (sent when the upstream reports it); return the unfinished
    last line of ``data``, to be completed by the next read (the network cuts events anywhere)."""
    cut = data.rfind(b"\n") + 1
    at = data.rfind(b'"usage"', 0, cut)
    while at != -1:  # usage comes with the last events: read from the end, the last line that carries it
        start = data.rfind(b"\n", 0, at) + 1
        if data.startswith(b"data:", start) and _read_usage(data[start + 5:data.find(b"\n", at)], decision):
            break
        at = data.rfind(b'"usage"', 0, start)
    rest = data[cut:]
    return rest if len(rest) <= MAX_PENDING_LINE else b""


def _whole_events(data: bytes) -> tuple[bytes, bytes]:
    """(the whole events at the start of ``data``, the unfinished one after them); an unfinished part over
    MAX_PENDING_LINE is not an event stream's and goes on as it is."""
    lf, crlf = data.rfind(b"\n\n"), data.rfind(b"\r\n\r\n")
    end = max(lf + 2 if lf >= 0 else 0, crlf + 4 if crlf >= 0 else 0)
    if len(data) - end > MAX_PENDING_LINE:
        return data, b""
    return data[:end], data[end:]


def _final(piece: bytes) -> bool:
    """True when ``piece`` ends a stream: chat and completions end with [DONE], Responses with its completed
    (or failed, or incomplete) response."""
    return piece.rstrip().endswith(b"[DONE]") or any(
        name in piece for name in (b"response.completed", b"response.failed", b"response.incomplete"))


def _read_usage(event_json: bytes, decision: Decision) -> bool:
    """Usage from one event's JSON (a chat or completions chunk, or a Responses event carrying its response);
    True when it had some."""
    try:
        event = orjson.loads(event_json)
    except orjson.JSONDecodeError:
        return False
    body = event.get("response", event) if isinstance(event, dict) else {}
    usage = payloads.usage_of(body) if isinstance(body, dict) else (None, None, None)
    if usage[0] is not None or usage[2] is not None:
        decision.prompt_tokens, decision.completion_tokens, decision.total_tokens = usage
        return True
    return False

