"""The door of everything outside /v1 (management API, console, health, docs), before FastAPI reads anything:
a body limit, and the admin token of /api checked before the body is read.

FastAPI parses a route's JSON body before it runs the route's dependencies, so without this a client with no
token could make Cadre read and parse a body of any size (one 100 MiB POST took the process from 84 to
365 MB). Here:

- a ``Content-Length`` over ``CADRE_MAX_ADMIN_BODY_BYTES`` is answered ``413`` before a byte of the body is
  read, and a body sent without one is counted as it arrives and cut off at the same limit (``413``; what the
  route sends after that is dropped);
- ``/api/*`` needs the admin token as bearer: a wrong one is answered ``401`` before the body is read, and
  counted by the admin throttle shared with the console's sign-in (``429`` with ``Retry-After`` while an
  address, or everyone, waits).

The connection of an answer sent before the body was read is closed by the server (``app.ops.server``).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from app.errors import BodyTooLarge, CadreError, TooManyAttempts, Unauthenticated
from app.messages import both
from app.services import Services, bearer

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]


async def answer(send: Send, exc: CadreError) -> None:
    """``exc`` in the OpenAI shape."""
    body = exc.to_bytes()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               *((k.encode(), v.encode()) for k, v in exc.headers.items())]
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def refusal(scope: Scope, services: Services) -> CadreError | None:
    """Why the request is refused before its body is read: a Content-Length over the limit, or for /api a
    missing or wrong admin token (throttled); None to let it through."""
    limit = services.settings.max_admin_body_bytes
    authorization = None
    for name, value in scope["headers"]:
        if name == b"content-length":
            if value.isdigit() and int(value) > limit:
                return too_large(limit)
        elif name == b"authorization":
            authorization = value.decode("latin-1")
    if not scope["path"].startswith("/api/"):
        return None
    throttle = services.admin_throttle
    client = scope.get("client")
    host = client[0] if client else None
    token = bearer(authorization)
    if not token:  # no token at all is not a guess: 401, not counted
        return Unauthenticated(both("error.invalid_admin_token"), code="invalid_admin_token")
    wait = throttle.wait(host)
    if wait > 0:
        return TooManyAttempts(math.ceil(wait))
    if not services.is_admin(token):
        throttle.failed(host)
        return Unauthenticated(both("error.invalid_admin_token"), code="invalid_admin_token")
    throttle.succeeded(host)
    return None


def too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(both("error.body_too_large", limit=limit), param=None)


async def guarded(app: ASGI, scope: Scope, receive: Receive, send: Send) -> None:
    """Run ``app`` on the request unless the door refuses it; its body is cut off past the limit."""
    services: Services = scope["state"]["services"]
    refused = refusal(scope, services)
    if refused is not None:
        await answer(send, refused)
        return
    limit = services.settings.max_admin_body_bytes
    received = 0
    started = answered = False

    async def limited_receive() -> Message:
        nonlocal received, answered
        if answered:
            return {"type": "http.disconnect"}
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:  # a body sent without Content-Length (chunked), longer than allowed
            answered = True
            if not started:
                await answer(send, too_large(limit))
            return {"type": "http.disconnect"}  # the route sees a client gone; what it answers is dropped
        return message

    async def guarded_send(message: Message) -> None:
        nonlocal started
        if not answered:
            started = True
            await send(message)

    await app(scope, limited_receive, guarded_send)
