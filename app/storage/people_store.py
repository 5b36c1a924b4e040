"""People of the console: accounts with a role, one-time invitations, and sessions kept server-side."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.frames.records import ROLES, Person, SignedIn, now, utc
from app.frames.text import fold
from app.storage import schema as db
from app.storage.base import StoreBase, hash_secret
from app.storage.outcomes import InvalidValue, NameTaken, PersonNotFound

MAX_NAME = 60
TOUCH_EVERY = dt.timedelta(minutes=1)  # a session's "last seen" is written at most this often


def name_key(name: str) -> str:
    """How a name is compared: folded, spaces collapsed ("Claire  Dubois" = "claire dubois")."""
    return " ".join(fold(name).split())[:MAX_NAME]


def clean_name(name: str) -> str:
    """A person's name as shown: printable, trimmed, spaces collapsed, 60 characters at most."""
    return " ".join("".join(c for c in name if c.isprintable()).split())[:MAX_NAME]


def _person(row: Any) -> Person:
    return Person(row.id, row.name, row.role, row.password_hash is not None, utc(row.created_at) or now(),
                  row.created_by, utc(row.removed_at))


class PeopleQueries(StoreBase):
    """Every statement about people, invitations and console sessions."""

    async def count_people(self) -> int:
        """People with an account (invited or joined, not removed)."""
        async with self.reading() as conn:
            found = await conn.scalar(sa.select(sa.func.count()).select_from(db.people)
                                      .where(db.people.c.removed_at.is_(None)))
            return int(found or 0)

    async def list_people(self) -> list[Person]:
        async with self.reading() as conn:
            rows = (await conn.execute(sa.select(db.people).where(db.people.c.removed_at.is_(None))
                                       .order_by(db.people.c.created_at))).all()
            return [_person(r) for r in rows]

    async def add_person(self, name: str, role: str, by: str, password_hash: str | None = None,
                         only_if_none: bool = False) -> Person:
        """A new person (``password_hash`` None: invited). ``only_if_none``: the first owner, made only while
        nobody has an account (two first sign-ins at once make one owner)."""
        shown = clean_name(name)
        if not shown:
            raise InvalidValue("name", "invalid_name")
        if role not in ROLES:
            raise InvalidValue("role", "invalid_role")
        person_id = "person_" + secrets.token_hex(8)
        async with self.writing() as conn:
            if conn.dialect.name == "postgresql":
                await conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242003)")
            if only_if_none:
                taken = await conn.scalar(sa.select(sa.func.count()).select_from(db.people)
                                          .where(db.people.c.removed_at.is_(None)))
                if taken:
                    raise NameTaken(shown)
            key = name_key(shown)
            old = (await conn.execute(sa.select(db.people.c.id, db.people.c.removed_at)
                                      .where(db.people.c.name_key == key))).first()
            if old is not None and old.removed_at is None:
                raise NameTaken(shown)
            if old is not None:  # a removed person's name may be given again: the old row makes way
                await conn.execute(db.people.update().where(db.people.c.id == old.id)
                                   .values(name_key=f"~{old.id}"[:MAX_NAME]))
            try:
                async with conn.begin_nested():
                    await conn.execute(db.people.insert().values(
                        id=person_id, name=shown, name_key=key, role=role, password_hash=password_hash,
                        created_at=now(), created_by=by, removed_at=None))
            except IntegrityError as exc:
                raise NameTaken(shown) from exc
            row = (await conn.execute(sa.select(db.people).where(db.people.c.id == person_id))).one()
            return _person(row)

    async def person_by_name(self, name: str) -> tuple[Person, str | None] | None:
        """(person, password hash) of an account not removed, by name, or None."""
        async with self.reading() as conn:
            row = (await conn.execute(sa.select(db.people).where(
                db.people.c.name_key == name_key(name), db.people.c.removed_at.is_(None)))).first()
            return (_person(row), row.password_hash) if row else None

    async def set_role(self, person_id: str, role: str) -> Person:
        if role not in ROLES:
            raise InvalidValue("role", "invalid_role")
        async with self.writing() as conn:
            done = await conn.execute(db.people.update().where(
                db.people.c.id == person_id, db.people.c.removed_at.is_(None)).values(role=role))
            if done.rowcount == 0:
                raise PersonNotFound(person_id)
            return _person((await conn.execute(sa.select(db.people).where(db.people.c.id == person_id))).one())

    async def remove_person(self, person_id: str) -> Person:
        """Remove an account: their sessions end and their invitation no longer works; what they did stays."""
        stamp = now()
        async with self.writing() as conn:
            done = await conn.execute(db.people.update().where(
                db.people.c.id == person_id, db.people.c.removed_at.is_(None)).values(removed_at=stamp))
            if done.rowcount == 0:
                raise PersonNotFound(person_id)
            await conn.execute(db.console_sessions.update().where(
                db.console_sessions.c.person_id == person_id, db.console_sessions.c.revoked_at.is_(None))
                .values(revoked_at=stamp))
            await conn.execute(db.invitations.update().where(
                db.invitations.c.person_id == person_id, db.invitations.c.used_at.is_(None)).values(used_at=stamp))
            return _person((await conn.execute(sa.select(db.people).where(db.people.c.id == person_id))).one())

    # ------------------------------------------------------------------------------------- invitations
    async def invite(self, person_id: str, lifetime: dt.timedelta) -> tuple[str, dt.datetime]:
        """A one-time invitation for a person not joined yet (earlier ones stop working): (token, expiry)."""
        token = secrets.token_urlsafe(32)
        stamp = now()
        async with self.writing() as conn:
            row = (await conn.execute(sa.select(db.people).where(
                db.people.c.id == person_id, db.people.c.removed_at.is_(None)))).first()
            if row is None:
                raise PersonNotFound(person_id)
            await conn.execute(db.invitations.update().where(
                db.invitations.c.person_id == person_id, db.invitations.c.used_at.is_(None)).values(used_at=stamp))
            await conn.execute(db.invitations.insert().values(
                token_hash=hash_secret(token), person_id=person_id, created_at=stamp, expires_at=stamp + lifetime,
                used_at=None))
        return token, stamp + lifetime

    async def invitation(self, token: str) -> Person | None:
        """The person an unused, unexpired invitation is for, or None."""
        async with self.reading() as conn:
            row = (await conn.execute(sa.select(db.people).join(
                db.invitations, db.invitations.c.person_id == db.people.c.id).where(
                db.invitations.c.token_hash == hash_secret(token), db.invitations.c.used_at.is_(None),
                db.invitations.c.expires_at > now(), db.people.c.removed_at.is_(None)))).first()
            return _person(row) if row else None

    async def accept_invitation(self, token: str, password_hash: str) -> Person | None:
        """Use an invitation: the person's password is set and the invitation spent (None: not valid)."""
        stamp = now()
        async with self.writing() as conn:
            found = (await conn.execute(sa.select(db.invitations.c.person_id).join(
                db.people, db.invitations.c.person_id == db.people.c.id).where(
                db.invitations.c.token_hash == hash_secret(token), db.invitations.c.used_at.is_(None),
                db.invitations.c.expires_at > stamp, db.people.c.removed_at.is_(None)))).first()
            if found is None:
                return None
            await conn.execute(db.invitations.update().where(
                db.invitations.c.token_hash == hash_secret(token)).values(used_at=stamp))
            await conn.execute(db.people.update().where(db.people.c.id == found.person_id)
                               .values(password_hash=password_hash))
            return _person((await conn.execute(sa.select(db.people).where(db.people.c.id == found.person_id))).one())

    # ---------------------------------------------------------------------------------------- sessions
    async def open_session(self, person_id: str, lifetime: dt.timedelta, address: str, agent: str) -> str:
        """A new session for a person; returns the cookie's value (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        stamp = now()
        async with self.writing() as conn:
            await conn.execute(db.console_sessions.insert().values(
                id=hash_secret(token), person_id=person_id, created_at=stamp, last_seen_at=stamp,
                expires_at=stamp + lifetime, revoked_at=None, address=address[:64], agent=agent[:200]))
        return token

    async def session(self, token: str) -> SignedIn | None:
        """The live session of a cookie's value (its person not removed), its "last seen" brought up to date."""
        stamp = now()
        s, p = db.console_sessions, db.people
        async with self.reading() as conn:
            row = (await conn.execute(sa.select(s, *[c.label(f"p_{c.name}") for c in p.c]).join(
                p, p.c.id == s.c.person_id).where(s.c.id == hash_secret(token), s.c.revoked_at.is_(None),
                                                   s.c.expires_at > stamp, p.c.removed_at.is_(None)))).first()
        if row is None:
            return None
        found = _signed_in(row)
        if stamp - found.last_seen_at > TOUCH_EVERY:
            async with self.writing() as conn:
                await conn.execute(s.update().where(s.c.id == found.id).values(last_seen_at=stamp))
        return found

    async def live_sessions(self) -> list[SignedIn]:
        """Every session not ended, latest first."""
        s, p = db.console_sessions, db.people
        async with self.reading() as conn:
            rows = (await conn.execute(sa.select(s, *[c.label(f"p_{c.name}") for c in p.c]).join(
                p, p.c.id == s.c.person_id).where(s.c.revoked_at.is_(None), s.c.expires_at > now(),
                                                   p.c.removed_at.is_(None)).order_by(s.c.last_seen_at.desc()))).all()
            return [_signed_in(r) for r in rows]

    async def end_session(self, session_id: str) -> bool:
        """Revoke a session by its id (the hash): True when it was live."""
        async with self.writing() as conn:
            done = await conn.execute(db.console_sessions.update().where(
                db.console_sessions.c.id == session_id, db.console_sessions.c.revoked_at.is_(None))
                .values(revoked_at=now()))
            return bool(done.rowcount)


def _signed_in(row: Any) -> SignedIn:
    person = Person(row.p_id, row.p_name, row.p_role, row.p_password_hash is not None,
                    utc(row.p_created_at) or now(), row.p_created_by, utc(row.p_removed_at))
    return SignedIn(row.id, person, utc(row.created_at) or now(), utc(row.last_seen_at) or now(),
                    utc(row.expires_at) or now(), row.address, row.agent)
