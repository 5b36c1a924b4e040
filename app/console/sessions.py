"""The console's session: a signed cookie with an expiry, and CSRF tokens.

The session cookie holds a random session id and the name shown in the history, signed with a key
derived from the admin token (or ``CADRE_CONSOLE_SECRET``). The session also lives in the database (its id's
hash, ``Store.open_session``): a cookie is a session only while its row is there, so a sign-out, or a new
admin token (``cadre token reset`` ends every session), holds on every replica at once. Failed sign-ins share
the admin token's throttle with the management API (``app.ops.throttle``).

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
MAX_NAME = 60  # the name written in the history (the store accepts 200)


@dataclass(frozen=True)
class Session:
    """A signed-in person: the session id (for CSRF) and the name the history records."""

    sid: str
    who: str


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


def clean_name(name: str) -> str:
    """The name to record in the history: printable, trimmed, short; "admin" when empty."""
    printable = "".join(c for c in name if c.isprintable()).strip()
    return " ".join(printable.split())[:MAX_NAME] or "admin"


def new_browser_id() -> str:
    return secrets.token_urlsafe(24)


class Sessions:
    """Issues and reads session cookies, makes and checks CSRF tokens; the signing key follows the admin token
    (``key_of`` is asked each time: a token reset elsewhere signs everyone out here too)."""

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

    def issue(self, who: str) -> tuple[Session, str]:
        """A new session (a new id: nothing from before sign-in carries over) and its cookie value."""
        session = Session(secrets.token_urlsafe(18), clean_name(who))
        return session, self.serializer.dumps({"sid": session.sid, "who": session.who})

    def read(self, cookie: str | None) -> Session | None:
        """The session of a cookie, or None when it is missing, tampered with or expired."""
        if not cookie:
            return None
        try:
            data = self.serializer.loads(cookie, max_age=self.lifetime)
        except BadSignature:  # SignatureExpired is a BadSignature
            return None
        if not isinstance(data, dict) or not isinstance(data.get("sid"), str) or not isinstance(data.get("who"), str):
            return None
        return Session(data["sid"], clean_name(data["who"]))

    def seal_new_key(self, session: Session, key_id: str, secret: str) -> str:
        """The new key's secret for the page after the post (shown there once, then the cookie is deleted)."""
        return self.serializer.dumps({"sid": session.sid, "key": key_id, "secret": secret}, salt="cadre-new-key")

    def open_new_key(self, cookie: str | None, session: Session) -> tuple[str, str] | None:
        """(key id, secret) sealed for this session in the last two minutes, or None."""
        if not cookie:
            return None
        try:
            data = self.serializer.loads(cookie, max_age=NEW_KEY_SECONDS, salt="cadre-new-key")
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
