"""Relaying an upstream's event stream to the client: events passed on whole as they come, the usage read from
the last events, the answer kept (bounded) for the révélateur, an upstream that breaks off ended with an error
event of its own."""

from __future__ import annotations

import asyncio

import orjson

from app.errors import UpstreamError
from app.frames.records import Decision
from app.gateway import payloads
from app.gateway.http import Header, Request
from app.gateway.payloads import Endpoint
from app.revelateur import review as revelateur
from app.upstream.client import Reply

MAX_PENDING_LINE = 1024 * 1024  # an unfinished event line kept for its usage; a longer one is let go


async def relay(request: Request, reply: Reply, frame_header: Header, decision: Decision, endpoint: Endpoint,
                seen: revelateur.Review | None) -> None:
    """Send the upstream's stream on; check the answer once the last byte was sent (the client waits for
    nothing), or when the client left right after the final event."""
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
            # Whole events, cleaned of the upstream key (an "event: error" quoting it, a delta, any form of it).
            await send({"type": "http.response.body", "body": reply.clean(chunk), "more_body": True})
        if held:  # the upstream ended without a blank line after its last event: passed on as it is
            await send({"type": "http.response.body", "body": reply.clean(held), "more_body": True})
    except UpstreamError as exc:
        # An unfinished event is dropped, so that the error event reaches the client as an event of its own.
        decision.outcome, decision.code = "failed", exc.code
        await send({"type": "http.response.body", "body": b"event: error\ndata: " + exc.to_bytes() + b"\n\n",
                    "more_body": True})
    except asyncio.CancelledError:
        # A client may leave as soon as it read the final event, before the upstream's answer ended.
        request.answered = request.gone and _final(last)
        if request.answered and seen is not None and kept:
            revelateur.check_stream(seen, payloads.stream_text(endpoint, b"".join(kept)), decision)
        raise
    await send({"type": "http.response.body", "body": b""})
    if seen is not None and kept:
        revelateur.check_stream(seen, payloads.stream_text(endpoint, b"".join(kept)), decision)


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
