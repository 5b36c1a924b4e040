"""Console passwords: hashed with argon2id (argon2-cffi), in a worker thread so the event loop never waits on
the hash, checked against a dummy hash when the name is unknown (the answer takes as long either way)."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 200
_HASHER = PasswordHasher()  # argon2id with the library's current parameters (RFC 9106's second choice)


@lru_cache(maxsize=1)
def _dummy() -> str:
    return _HASHER.hash("not a password of anyone: unknown names take as long as known ones")


def problem(password: str) -> str | None:
    """The message key of what is wrong with a new password, or None."""
    if len(password) < MIN_LENGTH:
        return "password_too_short"
    if len(password) > MAX_LENGTH:
        return "password_too_long"
    return None


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_HASHER.hash, password)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (None: no such account, checked against a dummy all the same)."""
    return await asyncio.to_thread(_verify, stored, password[:MAX_LENGTH])
