"""``/api/people``: the console's accounts for scripts and for recovery (admin token as bearer): list them,
add someone (or the owner again) with a one-time invitation link, give someone a new link."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import AdminDep, ServicesDep
from app.frames.records import Person
from app.services import Services
from app.storage.outcomes import PersonNotFound

router = APIRouter(prefix="/api", tags=["management"])


class PersonIn(BaseModel):
    """Someone to invite to the console."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=60, description="The name they sign in with (unique in the team).")
    role: Literal["owner", "editor", "viewer"] = Field(
        "editor", description="owner: publish, keys, people; editor: drafts; viewer: decisions and report.")


async def _invitation(services: Services, person: Person) -> dict[str, Any]:
    token, expires = await services.store.invite(person.id, dt.timedelta(hours=services.settings.invitation_hours))
    url = services.settings.public_url.rstrip("/") + f"/admin/join/{token}"
    return {**person.as_dict(), "invitation": {"url": url, "expires_at": expires.isoformat()}}


@router.get("/people", summary="The console's accounts")
async def list_people(_: AdminDep, services: ServicesDep) -> dict[str, Any]:
    return {"object": "list", "data": [p.as_dict() for p in await services.store.list_people()]}


@router.post("/people", status_code=201, summary="Invite someone: a one-time link to choose their password")
async def add_person(body: PersonIn, actor: AdminDep, services: ServicesDep) -> dict[str, Any]:
    person = await services.store.add_person(body.name, body.role, actor)
    return await _invitation(services, person)


@router.post("/people/{person_id}/invitation", summary="A new one-time link (also to reset a forgotten password)")
async def new_invitation(person_id: str, _: AdminDep, services: ServicesDep) -> dict[str, Any]:
    person = next((p for p in await services.store.list_people() if p.id == person_id), None)
    if person is None:
        raise PersonNotFound(person_id[:60])
    return await _invitation(services, person)
