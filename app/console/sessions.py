"""The console's cookies and guards: the session cookie's name, CSRF tokens, sealed one-time values (a new key's
secret, an invitation link), and the sign-in throttle.

Sessions themselves are stored server-side (``people_store``): the cookie holds a random value whose hash
names the session, so signing out, removing a person or revoking a session ends it everywhere at once.

A CSRF token is an HMAC of the browser id (a random cookie set on the first console page) and of the
session id: a form post must carry the token of this browser and this session, and the sign-in form,
posted before any session exists, carries the browser's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "cadre_session"
NEW_KEY_COOKIE = "cadre_new_key"  # a new key's secret, from the post that created it to the page that shows it
NEW_KEY_SECONDS = 120
BROWSER_COOKIE = "cadre_browser"
LANGUAGE_COOKIE = "cadre_lang"
COOKIE_PATH = "/admin"
NEW_INVITATION_COOKIE = "cadre_new_invitation"  # an invitation link, from the post that made it to the page
NEW_INVITATION_PATH = "/admin/people"


@dataclass(frozen=True)
class Session:
    """A signed-in person: the session id (for CSRF), the name the history records, their role."""

    sid: str
    who: str
    person_id: str = ""
    role: str = "owner"


def console_key(secret: str | None, admin_token: str | None, admin_hashes: Iterable[str]) -> bytes:
    """The key that signs sessions and CSRF tokens: the configured secret, else one derived from the admin
    token (in clear when configured, else its stored hashes)."""
    if secret:
        material = "secret:" + secret
    elif admin_token:
        material = "token:" + admin_token
    else:
        material = "hashes:" + ",".join(sorted(admin_hashes))
    return hmac.new(material.encode(), b"cadre console v1", hashlib.sha256).digest()


def new_browser_id() -> str:
    return secrets.token_urlsafe(24)


class Sessions:
    """Makes and checks CSRF tokens; seals one-time values for the next page."""

    def __init__(self, key_of: Callable[[], bytes], lifetime_seconds: float) -> None:
        self.key_of = key_of
        self.lifetime = max(1, round(lifetime_seconds))
        self._key = b""
        self._serializer: URLSafeTimedSerializer | None = None

    @property
    def key(self) -> bytes:
        return self.key_of()

    @property
    def serializer(self) -> URLSafeTimedSerializer:
        key = self.key_of()
        if self._serializer is None or key != self._key:
            self._key, self._serializer = key, URLSafeTimedSerializer(key, salt="cadre-console-session")
        return self._serializer

    def seal_new_key(self, session: Session, key_id: str, secret: str, salt: str = "cadre-new-key") -> str:
        """A new key's secret (or an invitation link) for the page after the post (shown there once, then the
        cookie is deleted)."""
        return self.serializer.dumps({"sid": session.sid, "key": key_id, "secret": secret}, salt=salt)

    def open_new_key(self, cookie: str | None, session: Session, salt: str = "cadre-new-key") -> tuple[str, str] | None:
        """(key id, secret) sealed for this session in the last two minutes, or None."""
        if not cookie:
            return None
        try:
            data = self.serializer.loads(cookie, max_age=NEW_KEY_SECONDS, salt=salt)
        except BadSignature:
            return None
        if not isinstance(data, dict) or data.get("sid") != session.sid:
            return None
        key_id, secret = data.get("key"), data.get("secret")
        return (key_id, secret) if isinstance(key_id, str) and isinstance(secret, str) else None

    def csrf_token(self, browser: str, session: Session | None) -> str:
        message = f"csrf|{browser}|{session.sid if session else ''}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def csrf_ok(self, token: str | None, browser: str | None, session: Session | None) -> bool:
        if not token or not browser:
            return False
        return hmac.compare_digest(token, self.csrf_token(browser, session))
