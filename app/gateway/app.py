"""/v1/*: the OpenAI-compatible endpoints, as a plain ASGI app (it sits on every request a business makes to
its AI: see bench/ for why no framework runs here).

A generation reads top to bottom in ``Gateway.generate``: authenticate -> read the payload -> the frame (refuse
while none is published and clear) -> the révélateur's check (and its judge under ``refuse``) -> inject the
frame -> forward upstream (and check the answer) -> record. Each step is a method of its own; ``Recording``
times, counts and records every request, and turns what went wrong into its answer.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import orjson

from app.errors import FrameRefusal, InvalidRequest, JudgeUnavailable, NotFound, RateLimited, Unauthenticated
from app.frames import prompts
from app.frames.records import Decision, Key, Published
from app.gateway import payloads, synthetic
from app.gateway.http import JSON, DisconnectWatch, Header, Receive, Request, Scope, Send
from app.gateway.payloads import Endpoint
from app.gateway.recording import Recording
from app.gateway.refusals import decide
from app.gateway.relay import relay
from app.messages import both
from app.revelateur import followup
from app.revelateur import review as revelateur
from app.services import Services, bearer

PREVIEW_MODEL = "cadre-preview"
ROUTES: dict[tuple[str, str], Endpoint] = {
    ("POST", "/v1/chat/completions"): payloads.CHAT,
    ("POST", "/v1/completions"): payloads.COMPLETIONS,
    ("POST", "/v1/responses"): payloads.RESPONSES,
    ("POST", "/v1/embeddings"): payloads.EMBEDDINGS,
    ("GET", "/v1/models"): payloads.MODELS,
}


class Gateway:
    """The OpenAI-compatible endpoints."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        endpoint = ROUTES.get((scope["method"], scope["path"]))
        if endpoint is None:
            await request.fail(NotFound(both("error.unknown_endpoint"), code="unknown_url"))
            return
        services: Services = scope["state"]["services"]
        recording = Recording(request, services, endpoint.name)
        async with recording as decision:
            if endpoint.generates:
                await self.generate(request, services, endpoint, recording)
            elif endpoint is payloads.MODELS:
                await self.authenticate(request, services, decision)
                await self.models(request, services, decision)
            else:
                await self.authenticate(request, services, decision)
                await self.embeddings(request, services, endpoint, decision)

    # ------------------------------------------------------------------------------- generation
    async def generate(self, request: Request, services: Services, endpoint: Endpoint, recording: Recording) -> None:
        """auth -> payload -> frame -> révélateur (-> judge) -> injection -> upstream (-> answer check)."""
        decision = recording.decision
        key = await self.authenticate(request, services, decision)
        payload = payloads.parse(await request.body(services.settings.max_body_bytes), endpoint,
                                 services.refused_prompt_fields)
        decision.model = payload["model"]
        published = await services.cache.published(key.frame)
        if published is not None:
            decision.frame_version = published.version.version
        unpublished = await services.cache.unpublished(key.frame) if published is None else None
        refusal = decide(key.frame, published, services.settings.public_url, unpublished)
        if refusal is not None:
            await self.refuse(request, decision, key, refusal, endpoint, payload, published)
            return
        assert published is not None
        seen = self.check(request, services, endpoint, payload, published, decision)
        refusal = seen.refusal if seen is not None else None
        if refusal is None and seen is not None and payload["model"] != PREVIEW_MODEL:
            refusal = await self.follow_up(services, seen, recording)
        if refusal is not None:
            await self.refuse(request, decision, key, refusal, endpoint, payload, published)
            return
        body = self.inject(endpoint, payload, published, services)
        decision.outcome = "forwarded"
        if payload["model"] == PREVIEW_MODEL:
            await self.preview(request, endpoint, payload, body, published)
            return
        held = await self.forward(request, services, endpoint, body, payload.get("stream") is True, published,
                                  decision, seen)
        if held is not None:  # under refuse, an answer that breaks the frame is replaced by the refusal
            await self.refuse(request, decision, key, held, endpoint, payload, published)

    async def authenticate(self, request: Request, services: Services, decision: Decision) -> Key:
        """The request's key (401 otherwise), counted against its requests per minute (429 when used up)."""
        secret = bearer(request.authorization)
        key = await services.cache.key(secret) if secret else None
        if key is None:
            raise Unauthenticated(both("error.invalid_api_key"))
        decision.key_id, decision.frame = key.id, key.frame
        if key.rate_limit is not None:
            wait = services.limiter.admit(key.id, key.rate_limit, decision.at)
            if wait is not None:
                decision.outcome = "refused"
                raise RateLimited(key.rate_limit, wait)
        return key

    @staticmethod
    def check(request: Request, services: Services, endpoint: Endpoint, payload: dict[str, Any],
              published: Published, decision: Decision) -> revelateur.Review | None:
        """The priority the request says it serves, and the révélateur's check of what it asks (None: off)."""
        text = payloads.request_text(endpoint, payload)
        revelateur.attribute_priority(decision, request.priority, payload, published, text)
        return revelateur.review(text, published, decision, services.settings.public_url,
                                 services.settings.store_excerpts)

    @staticmethod
    async def follow_up(services: Services, seen: revelateur.Review, recording: Recording) -> FrameRefusal | None:
        """The semantic stage and the judge on a request the lexical stage let through: after the answer (the
        decision waits for them), except under ``refuse`` with a judge, before anything is forwarded (bounded
        by their timeouts; a judge failing closed raises)."""
        semantic, judge = services.semantic, services.judge
        if semantic is None and judge is None:
            return None
        if seen.published.policy == "flag" or judge is None:
            recording.defer = lambda decision: followup.after_answer(semantic, judge, seen, decision,
                                                                     services.add_decision)
            return None
        stop = await followup.before_forwarding(semantic, judge, seen, recording.decision,
                                                services.settings.semantic_timeout)
        if isinstance(stop, JudgeUnavailable):
            raise stop
        assert stop is None or isinstance(stop, FrameRefusal)
        return stop

    @staticmethod
    def inject(endpoint: Endpoint, payload: dict[str, Any], published: Published, services: Services) -> bytes:
        """The body to forward: the payload with the published frame injected."""
        if endpoint is payloads.CHAT:
            prompts.inject_chat(payload, published.prompt, services.settings.injection_role)
        elif endpoint is payloads.COMPLETIONS:
            prompts.inject_completion(payload, published.prompt)
        else:
            prompts.inject_responses(payload, published.prompt, services.settings.injection_role)
        try:
            return orjson.dumps(payload)
        except TypeError:  # orjson reads JSON nested 1,024 deep but writes 254 at most
            raise InvalidRequest(both("error.body_too_deep"), param=None, code="invalid_json") from None

    @staticmethod
    async def refuse(request: Request, decision: Decision, key: Key, refusal: FrameRefusal, endpoint: Endpoint,
                     payload: dict[str, Any], published: Published | None) -> None:
        """Answer with the refusal: an error, or for a key with the message style, an assistant answer."""
        decision.outcome, decision.code = "refused", refusal.code
        header = (b"x-cadre-frame", published.header if published else f"{key.frame}@none".encode())
        if key.refusal_style == "error":
            await request.fail(refusal, header)
            return
        # "message": OpenAI's refusal fields (content null); "text": the refusal as the answer's text, for chat
        # tools that show neither HTTP errors nor refusal fields.
        answer = synthetic.answer(endpoint.name, payload["model"], refusal.message, payload.get("stream") is True,
                                  refusal=key.refusal_style == "message", usage=synthetic.wants_usage(payload))
        if isinstance(answer, list):
            await request.respond_events(answer, [header])
        else:
            await request.respond(200, answer, [JSON, header])

    @staticmethod
    async def preview(request: Request, endpoint: Endpoint, payload: dict[str, Any], body: bytes,
                      published: Published) -> None:
        """``cadre-preview``: answer with the exact body that would go upstream."""
        text = orjson.dumps(payloads.loads(body), option=orjson.OPT_INDENT_2).decode()
        answer = synthetic.answer(endpoint.name, PREVIEW_MODEL, text, payload.get("stream") is True,
                                  usage=synthetic.wants_usage(payload))
        frame_header = (b"x-cadre-frame", published.header)
        if isinstance(answer, list):
            await request.respond_events(answer, [frame_header])
        else:
            await request.respond(200, answer, [JSON, frame_header])

    @staticmethod
    async def forward(request: Request, services: Services, endpoint: Endpoint, body: bytes, stream: bool,
                      published: Published, decision: Decision, seen: revelateur.Review | None) -> FrameRefusal | None:
        """Send upstream and relay the answer; a client that leaves cancels the upstream request. Returns the
        refusal to send instead of a non-streamed answer that breaks the frame (policy refuse)."""
        frame_header = (b"x-cadre-frame", published.header)
        watch = DisconnectWatch(request, services.loop)
        sent = time.perf_counter()
        try:
            reply = await services.upstreams.for_model(decision.model).send("POST", endpoint.path, body, stream)
            decision.upstream_status = reply.status
            if reply.response is not None:
                await _relayed(request, services, reply, frame_header, decision, endpoint, seen, sent)
                return None
            decision.upstream_ms = (time.perf_counter() - sent) * 1000
            if reply.status != 200:  # the upstream's own error, relayed as it is: a failure in the log
                decision.outcome, decision.code = "failed", "upstream_error"
            else:
                answer = _answer_of(reply.body, decision)
                if seen is not None:
                    held = revelateur.check_answer(seen, payloads.answer_text(endpoint, answer), decision)
                    if held is not None:
                        return held
            await request.respond(reply.status, reply.body, [*reply.headers, frame_header])
            return None
        finally:
            watch.stop()

    # ----------------------------------------------------------------------------- passthrough
    @staticmethod
    async def models(request: Request, services: Services, decision: Decision) -> None:
        """Every upstream's models, merged, plus ``cadre-preview`` (alone when no upstream is configured or
        reachable); x-cadre-upstream says which upstream failed (``Upstreams.models``)."""
        data, upstream_state = await services.upstreams.models()
        data.append({"id": PREVIEW_MODEL, "object": "model", "created": 0, "owned_by": "cadre"})
        decision.outcome = "forwarded"
        await request.respond(200, orjson.dumps({"object": "list", "data": data}),
                              [JSON, (b"x-cadre-upstream", upstream_state)])

    @staticmethod
    async def embeddings(request: Request, services: Services, endpoint: Endpoint, decision: Decision) -> None:
        """/v1/embeddings: a key is required, a frame is not (nothing is generated); the body goes as it came."""
        raw = await request.body(services.settings.max_body_bytes)
        decision.model = payloads.parse(raw, endpoint)["model"]
        decision.outcome = "forwarded"
        sent = time.perf_counter()
        reply = await services.upstreams.for_model(decision.model).send("POST", endpoint.path, raw, False)
        decision.upstream_ms = (time.perf_counter() - sent) * 1000
        decision.upstream_status = reply.status
        if reply.status >= 400:
            decision.outcome, decision.code = "failed", "upstream_error"
        await request.respond(reply.status, reply.body, reply.headers)


async def _relayed(request: Request, services: Services, reply: Any, frame_header: Header, decision: Decision,
                   endpoint: Endpoint, seen: revelateur.Review | None, sent: float) -> None:
    """A streamed answer, relayed; counted among the open streams while it lasts."""
    metrics = services.metrics
    metrics.streams_open += 1
    try:
        await relay(request, reply, frame_header, decision, endpoint, seen)
    finally:
        metrics.streams_open -= 1
        decision.upstream_ms = (time.perf_counter() - sent) * 1000
        reply.close()


def _answer_of(body: bytes, decision: Decision) -> Any:
    """A non-streamed answer's JSON (None when it is not JSON), its usage recorded."""
    answer: Any = None
    with contextlib.suppress(orjson.JSONDecodeError, TypeError, AttributeError):
        answer = orjson.loads(body)
        decision.prompt_tokens, decision.completion_tokens, decision.total_tokens = payloads.usage_of(answer)
    return answer
