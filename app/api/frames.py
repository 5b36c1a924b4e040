"""The management API under /api: frames, versions, keys, lint, decisions (admin token as bearer)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Path, Query, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.api import examples
from app.api.deps import AdminDep, ServicesDep, StoreDep
from app.errors import Conflict, InvalidRequest
from app.frames.model import Frame
from app.frames.prompts import render_frame
from app.frames.records import FrameState
from app.frames.rules import lint
from app.messages import both
from app.revelateur.judge import NoAnswer
from app.revelateur.review import findings
from app.revelateur.review import outcome as hits_outcome
from app.revelateur.watch import suggestions
from app.storage.store import MAX_RATE_LIMIT, check_slug

router = APIRouter(prefix="/api", tags=["management"])
MAX_INT = 2**31 - 1  # versions and revisions are 32-bit integer columns
MAX_ID = 2**63 - 1
IfMatch = Annotated[str | None, Header(description='The ETag the change started from, e.g. "4".')]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_INT, description="A published version number.")]
FrameBody = Annotated[Frame, Body(openapi_examples=examples.FRAME_EXAMPLES)]
_ETAG = re.compile(r'(?:W/)?(?:"(\d{1,9})"|(\d{1,9}))')


def revision_of(if_match: str | None) -> int | None:
    """The revision named by an If-Match header (``"4"``, ``W/"4"`` or ``4``), or None."""
    if if_match is None or if_match.strip() == "*":
        return None
    found = _ETAG.fullmatch(if_match.strip())
    if not found:
        raise InvalidRequest(both("error.invalid_etag"), param="If-Match", code="invalid_etag")
    return int(found.group(1) or found.group(2))


def _printable(value: str) -> str:
    """Refuse control characters (PostgreSQL refuses NUL bytes in text)."""
    if any(ord(c) < 32 for c in value):
        raise ValueError(both("error.control_characters"))
    return value


def _state(response: Response, state: FrameState) -> dict[str, Any]:
    response.headers["ETag"] = state.etag
    return state.as_dict()


class KeyIn(BaseModel):
    """A new client key."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [examples.KEY, examples.KEY_MESSAGE]})
    frame: str = Field(description="Slug of the frame the key is bound to.")
    name: Annotated[str, AfterValidator(_printable)] = Field(
        "", max_length=200, description="A name to recognise the key by (tool, person).")
    refusal_style: Literal["error", "message", "text"] = Field(
        "error", description="error: HTTP 409 refusals; message: a 200 answer carrying the refusal in OpenAI's "
        "refusal fields (message.refusal, a refusal content part); text: a 200 answer whose text is the refusal "
        "(chat tools that ignore refusal fields).")
    rate_limit: int | None = Field(
        None, ge=1, le=MAX_RATE_LIMIT, strict=True,
        description="Requests per minute, over every replica (429 with Retry-After beyond); null: no limit.")


class KeyChange(BaseModel):
    """A change to a key's settings."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [examples.KEY_CHANGE]})
    rate_limit: int | None = Field(
        ge=1, le=MAX_RATE_LIMIT, strict=True,
        description="Requests per minute, over every replica (429 with Retry-After beyond); null: no limit.")


class RollbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [examples.ROLLBACK]})
    version: int = Field(ge=1, le=MAX_INT, strict=True, description="The version to publish again.")


@router.get("/frames", summary="List frames")
async def list_frames(_: AdminDep, store: StoreDep,
                      archived: Annotated[bool, Query(description="Include archived frames.")] = False
                      ) -> dict[str, Any]:
    frames = await store.list_frames(include_archived=archived)
    return {"object": "list", "data": [f.as_dict() for f in frames]}


@router.get("/frames/{slug}", summary="A frame: draft, latest version, findings, ETag")
async def get_frame(slug: str, _: AdminDep, store: StoreDep, response: Response) -> dict[str, Any]:
    return _state(response, await store.get_frame(slug))


@router.put("/frames/{slug}/draft", summary="Save the draft (creates the frame if new)")
async def save_draft(slug: str, frame: FrameBody, actor: AdminDep, services: ServicesDep, response: Response,
                     if_match: IfMatch = None) -> dict[str, Any]:
    state = await services.store.save_draft(slug, frame, actor, revision_of(if_match))
    services.cache.invalidate()
    return _state(response, state)


@router.post("/frames/{slug}/publish", summary="Publish the draft as the next version")
async def publish(slug: str, actor: AdminDep, services: ServicesDep, response: Response,
                  if_match: IfMatch = None) -> dict[str, Any]:
    state = await services.store.publish(slug, actor, revision_of(if_match))
    services.cache.invalidate()
    services.propose_watch(state)  # with a model: proposed watch lists land in the draft, in the background
    return _state(response, state)


@router.post("/frames/{slug}/rollback", summary="Publish a copy of an older version")
async def rollback(slug: str, body: RollbackIn, actor: AdminDep, services: ServicesDep, response: Response,
                   if_match: IfMatch = None) -> dict[str, Any]:
    state = await services.store.rollback(slug, body.version, actor, revision_of(if_match))
    services.cache.invalidate()
    return _state(response, state)


class PolicyIn(BaseModel):
    """A frame's check policy."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [examples.POLICY]})
    policy: Literal["off", "flag", "refuse"] = Field(
        description="off: no check; flag: check, record, forward; refuse: refuse off-frame requests (400).")


class CheckIn(BaseModel):
    """A request text to check against the published frame."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [examples.CHECK]})
    prompt: str = Field(max_length=1_000_000, description="The request's text, as a user would send it.")


@router.put("/frames/{slug}/policy", summary="Set the frame's check policy: off, flag or refuse")
async def set_policy(slug: str, body: PolicyIn, _: AdminDep, services: ServicesDep,
                     response: Response) -> dict[str, Any]:
    state = await services.store.set_policy(slug, body.policy)
    services.cache.invalidate()
    return _state(response, state)


@router.post("/frames/{slug}/check", summary="Check a request against the published frame; nothing is forwarded")
async def check_request(slug: str, body: CheckIn, _: AdminDep, services: ServicesDep) -> dict[str, Any]:
    await services.store.get_frame(slug)  # 404 for an unknown frame
    published = await services.cache.published(slug)
    if published is None:
        raise Conflict(both("error.frame_not_published", slug=slug), code="frame_not_published", param="slug")
    hits = published.checker.check(body.prompt)
    found: list[dict[str, Any]] = [{**f, "excerpt": h.excerpt}
                                   for f, h in zip(findings(hits, "request"), hits, strict=True)]
    priority, judged, outcome = None, None, hits_outcome(hits)
    if not found and services.semantic is not None:  # bounded like the refuse policy's request path
        close = await services.semantic.now(published, body.prompt, services.settings.semantic_timeout)
        if close is not None:
            priority = close.score.priority + 1 if close.score.priority >= 0 else None
            if close.against and not published.checker.talks(body.prompt):
                outcome = "to_check"
                found.append({"item": close.refusal, "kind": "refusal", "field": f"refusals[{close.index}]",
                              "source": "semantic", "margin": round(close.score.margin, 3)})
    if services.judge is not None:  # bounded by its timeout; no answer = no priority, the local result stands
        try:
            verdict = await services.judge.verdict(published, body.prompt)
        except NoAnswer as exc:
            judged = {"answered": False, "reason": exc.reason}
        else:
            priority = verdict.priority if priority is None else priority
            judged = {"answered": True, "fits": verdict.fits, "priority": verdict.priority,
                      "refusal": verdict.refusal, "why": verdict.why}
            if not verdict.fits:
                outcome = "off_frame"
                found.append({"item": verdict.refusal, "kind": "refusal", "field": f"refusals[{verdict.index}]",
                              "source": "judge", "why": verdict.why})
            elif outcome == "to_check":
                outcome = "fits"
    return {"outcome": outcome, "findings": found, "priority": priority,
            "judge": judged, "version": published.version.version, "policy": published.policy}


@router.get("/frames/{slug}/watch/suggestions", summary="Words the built-in families already watch, per refusal")
async def watch_suggestions(slug: str, _: AdminDep, store: StoreDep) -> dict[str, Any]:
    state = await store.get_frame(slug)
    return {"slug": slug, "source": "families",
            "suggestions": [{"refusal": r, "words": w} for r, w in suggestions(state.draft).items()]}


@router.get("/frames/{slug}/versions", summary="Published versions, oldest first")
async def versions(slug: str, _: AdminDep, store: StoreDep) -> dict[str, Any]:
    return {"object": "list", "data": [v.as_dict() for v in await store.versions(slug)]}


@router.get("/frames/{slug}/versions/{number}", summary="One published version")
async def version(slug: str, number: VersionNumber, _: AdminDep, store: StoreDep) -> dict[str, Any]:
    return (await store.version(slug, number)).as_dict()


@router.get("/frames/{slug}/prompt", summary="The system text the model receives (draft or published)")
async def prompt(slug: str, _: AdminDep, services: ServicesDep,
                 source: Annotated[Literal["draft", "published"], Query()] = "published") -> dict[str, Any]:
    state = await services.store.get_frame(slug)
    if source == "published" and state.published is not None:
        frame, number = state.published.frame, state.published.version
    else:
        frame, number = state.draft, (state.published.version + 1 if state.published else 1)
    return {"slug": slug, "source": source, "version": number,
            "prompt": render_frame(services.prompts, frame, slug, number)}


@router.delete("/frames/{slug}", summary="Archive a frame (its history is kept)")
async def archive(slug: str, actor: AdminDep, services: ServicesDep, response: Response) -> dict[str, Any]:
    state = await services.store.archive(slug, actor)
    services.cache.invalidate()
    return _state(response, state)


@router.post("/frames/{slug}/unarchive", summary="Bring an archived frame back (its keys are served again)")
async def unarchive(slug: str, actor: AdminDep, services: ServicesDep, response: Response) -> dict[str, Any]:
    state = await services.store.unarchive(slug, actor)
    services.cache.invalidate()
    return _state(response, state)


@router.post("/lint", summary="Lint a frame without storing it")
async def lint_frame(frame: FrameBody, _: AdminDep,
                     today: Annotated[dt.date | None, Query(description="Lint as of this date.")] = None
                     ) -> dict[str, Any]:
    findings = lint(frame, today)
    return {"findings": [f.as_dict() for f in findings],
            "errors": sum(f.severity == "error" for f in findings),
            "warnings": sum(f.severity == "warning" for f in findings)}


@router.post("/keys", status_code=201, summary="Create a client key; the secret is returned once")
async def create_key(body: KeyIn, _: AdminDep, services: ServicesDep) -> dict[str, Any]:
    check_slug(body.frame, "frame")
    key, secret = await services.store.create_key(body.frame, body.name, body.refusal_style, body.rate_limit)
    services.cache.invalidate()
    return {**key.as_dict(), "secret": secret}


@router.get("/keys", summary="List client keys (never their secrets)")
async def list_keys(_: AdminDep, store: StoreDep,
                    frame: Annotated[str | None, Query(description="Only this frame's keys.")] = None
                    ) -> dict[str, Any]:
    if frame:
        check_slug(frame, "frame")
    return {"object": "list", "data": [k.as_dict() for k in await store.list_keys(frame)]}


@router.patch("/keys/{key_id}", summary="Change a key's requests per minute; every replica applies it within a second")
async def change_key(key_id: str, body: KeyChange, _: AdminDep, services: ServicesDep) -> dict[str, Any]:
    key = await services.store.set_rate_limit(key_id, body.rate_limit)
    services.cache.invalidate()
    return key.as_dict()


@router.delete("/keys/{key_id}", summary="Revoke a key, at once")
async def revoke_key(key_id: str, _: AdminDep, services: ServicesDep) -> dict[str, Any]:
    key = await services.store.revoke_key(key_id)
    services.cache.invalidate()
    return key.as_dict()


@router.get("/decisions", summary="The decision log, latest first")
async def decisions(
    _: AdminDep, services: ServicesDep,
    frame: Annotated[str | None, Query(max_length=64)] = None,
    outcome: Annotated[Literal["forwarded", "refused", "failed"] | None, Query()] = None,
    code: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9_]+$")] = None,
    since: Annotated[dt.datetime | None, Query(description="ISO date-time; naive means UTC.")] = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Page: records with a smaller id.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    check_outcome: Annotated[str | None, Query(max_length=16, pattern=r"^[a-z_]+$",
                                               description="fits, off_frame ... (what the check found)")] = None,
) -> dict[str, Any]:
    if frame:
        check_slug(frame, "frame")
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    await services.decisions.flush()  # what this process saw is readable at once
    rows = await services.store.decisions(frame=frame, outcome=outcome, code=code, since=since, before_id=before,
                                          limit=limit, check_outcome=check_outcome)
    next_before = rows[-1]["id"] if len(rows) == limit else None
    return {"object": "list", "data": rows, "next_before": next_before}


@router.post("/decisions/forget-excerpts", summary="Erase the request excerpts older than some days now")
async def forget_excerpts(_: AdminDep, services: ServicesDep,
                          days: Annotated[int, Query(ge=0, le=3650, description="Keep this many days.")]
                          ) -> dict[str, Any]:
    """What Cadre does every hour with CADRE_EXCERPT_DAYS, with another number of days, at once."""
    await services.decisions.flush()
    erased = await services.store.forget_excerpts(dt.datetime.now(dt.UTC) - dt.timedelta(days=days))
    return {"object": "excerpts.forgotten", "erased": erased}

