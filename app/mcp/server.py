"""The MCP server: what an assistant gets of the key's published frame, each call decided like a gateway request
(key, rate limit, frame published and clear) and recorded as a decision of the key (endpoint ``mcp.<name>``).

While no clear frame is published, every call gets the gateway's own ``frame_missing`` / ``frame_unclear``
explanation (``refusals.decide``): a tool answers it as an error result, the prompt and the resource as an MCP
error whose ``data`` holds the code, the language and the translation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_REQUEST, CallToolResult, TextContent
from pydantic import BaseModel, Field

from app.errors import CadreError, DatabaseUnavailable, FrameRefusal, RateLimited, Unauthenticated
from app.frames.records import Decision, Key, Published
from app.gateway.refusals import decide
from app.messages import both
from app.ops import request_ids
from app.revelateur import review
from app.services import Services
from app.storage.outcomes import StoreUnavailable

FRAME_URI = "cadre://frame"


class Finding(BaseModel):
    """A refusal or banned term the request runs into."""

    item: str = Field(description="The refusal or banned term, as the frame writes it.")
    kind: Literal["refusal", "lexicon"]
    field: str = Field(description="Where it is in the frame: refusals[i] or lexicon.banned[i].")
    excerpt: str = Field(description="The request around the match.")


class Check(BaseModel):
    """Whether a request fits the frame, and the refusal the gateway would give when it does not."""

    outcome: Literal["fits", "off_frame", "to_check"]
    findings: list[Finding]
    refusal: str | None = Field(description="The refusal, in the frame's language, with the console link.")
    frame: str = Field(description="The frame and version checked against: slug@version.")


class Voice(BaseModel):
    """How the business speaks: tone, form of address, words it prefers and words it never uses."""

    name: str
    language: Literal["fr", "en"]
    tone: str
    address: Literal["tu", "vous", "none"]
    preferred: list[str]
    banned: list[str]
    frame: str


@dataclass
class Caller:
    """One MCP call: its services, its key, its decision (recorded once, at the end)."""

    services: Services
    key: Key
    decision: Decision
    started: float

    def done(self, outcome: str, code: str | None = None) -> None:
        self.decision.outcome, self.decision.code = outcome, code
        self.decision.latency_ms = (time.perf_counter() - self.started) * 1000
        self.services.add_decision(self.decision)  # counted by check outcome too, as the gateway's


class Refused(Exception):
    """The call cannot be answered: an error of ours, already recorded."""

    def __init__(self, error: CadreError) -> None:
        super().__init__(error.message)
        self.error = error


def error_data(error: CadreError) -> dict[str, Any]:
    """What an MCP error carries besides its message: the OpenAI-shaped error's fields."""
    return {k: v for k, v in error.body()["error"].items() if k != "message"}


def build(services: Callable[[], Services], key_source: Callable[[], str | None]) -> MCPServer:
    """The MCP server; ``services`` gives the running services, ``key_source`` the caller's client key (the
    verified bearer over HTTP, CADRE_MCP_KEY on stdio)."""
    server = MCPServer("cadre", instructions=both("mcp.instructions"), log_level="WARNING")

    async def start(name: str) -> tuple[Caller, Published]:
        """The caller, and its published, clear frame; ``Refused`` (recorded) otherwise."""
        running, started = services(), time.perf_counter()
        secret = key_source()
        try:
            key = await running.cache.key(secret) if secret else None
        except StoreUnavailable:
            raise Refused(DatabaseUnavailable()) from None
        if key is None:
            raise Refused(Unauthenticated(both("error.invalid_api_key")))
        decision = Decision(request_ids.adopt(None), f"mcp.{name}", "refused", 0.0, key_id=key.id, frame=key.frame)
        caller = Caller(running, key, decision, started)
        if key.rate_limit is not None:
            wait = running.limiter.admit(key.id, key.rate_limit, decision.at)
            if wait is not None:
                caller.done("refused", "rate_limit_exceeded")
                raise Refused(RateLimited(key.rate_limit, wait))
        try:
            published = await running.cache.published(key.frame)
            unpublished = await running.cache.unpublished(key.frame) if published is None else None
        except StoreUnavailable:
            caller.done("failed", "database_unavailable")
            raise Refused(DatabaseUnavailable()) from None
        refusal = decide(key.frame, published, running.settings.public_url, unpublished)
        if published is not None:
            decision.frame_version = published.version.version
        if refusal is not None:
            caller.done("refused", refusal.code)
            raise Refused(refusal)
        assert published is not None
        return caller, published

    async def frame_text(name: str) -> str:
        try:
            caller, published = await start(name)
        except Refused as refused:
            raise MCPError(code=INVALID_REQUEST, message=refused.error.message,
                           data=error_data(refused.error)) from None
        caller.done("forwarded")
        return published.prompt

    @server.prompt(name="frame", title="Cadre", description=both("mcp.prompt"))
    async def frame_prompt() -> str:
        return await frame_text("frame_prompt")

    @server.resource(FRAME_URI, name="frame", title="Cadre", mime_type="text/plain", description=both("mcp.resource"))
    async def frame_resource() -> str:
        return await frame_text("frame_resource")

    @server.tool(description=both("mcp.check_request"))
    async def check_request(
        text: Annotated[str, Field(description="The request, as the user wrote it.", max_length=100_000)],
    ) -> Annotated[CallToolResult, Check]:
        try:
            caller, published = await start("check_request")
        except Refused as refused:
            return failed(refused.error)
        hits = published.checker.check(text)
        found = review.findings(hits, "request")
        outcome = review.outcome(hits)
        sure = review.sure_hits(hits)
        caller.decision.check_outcome = outcome
        caller.decision.findings = orjson.dumps(found).decode() if found else None
        if review.keep_excerpt(caller.services.settings.store_excerpts, flagged=bool(hits), refused=False):
            caller.decision.excerpt = hits[0].excerpt if hits else review.excerpt(text)
        refusal = review.refusal(published, sure, caller.services.settings.public_url, "off_frame") if sure else None
        result = Check(outcome=outcome,
                       findings=[Finding(item=h.item, kind=h.kind, field=h.field, excerpt=h.excerpt) for h in hits],
                       refusal=refusal.message if refusal else None, frame=published.header.decode())
        caller.done("forwarded")
        summary = refusal.message if refusal else both("mcp.fits", frame=result.frame)
        return CallToolResult(content=[TextContent(type="text", text=summary)],
                              structured_content=result.model_dump(mode="json"))

    @server.tool(description=both("mcp.frame_voice"))
    async def frame_voice() -> Annotated[CallToolResult, Voice]:
        try:
            caller, published = await start("frame_voice")
        except Refused as refused:
            return failed(refused.error)
        frame = published.version.frame
        voice = Voice(name=published.name, language=frame.language, tone=frame.voice.tone,
                      address=frame.voice.address, preferred=frame.lexicon.preferred, banned=frame.lexicon.banned,
                      frame=published.header.decode())
        caller.done("forwarded")
        return CallToolResult(content=[TextContent(type="text", text=voice.model_dump_json(indent=2))],
                              structured_content=voice.model_dump(mode="json"))

    return server


def failed(error: CadreError) -> CallToolResult:
    """A tool's answer when the call is refused: an error result with the refusal's text (whole, link included)
    and, for a frame refusal, its other language."""
    texts = [error.message]
    if isinstance(error, FrameRefusal):
        texts += list(error.translations.values())
    return CallToolResult(is_error=True, content=[TextContent(type="text", text=t) for t in texts])
