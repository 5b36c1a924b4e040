"""Answers Cadre writes itself (refusals as messages, ``cadre-preview``), shaped like each endpoint's. Pure.

A refusal is written the way OpenAI writes its own: chat puts it in ``message.refusal`` with ``content: null``
(streamed as ``delta.refusal``), responses in a ``refusal`` content part (streamed as ``response.refusal.delta``
and ``.done``), so structured-output callers raise their refusal error rather than failing to parse the text.
Legacy completions have no refusal field: there it is the text. Streams end with a usage chunk when the request
asked for one (``stream_options.include_usage``); Cadre's own answers use no tokens.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import orjson

SSE_DONE = b"data: [DONE]\n\n"


def _id(prefix: str) -> str:
    return f"{prefix}-cadre{secrets.token_hex(8)}"


def _usage_chat() -> dict[str, int]:
    return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}


def _sse(obj: dict[str, Any], event: str | None = None) -> bytes:
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + orjson.dumps(obj) + b"\n\n"


def wants_usage(payload: dict[str, Any]) -> bool:
    """The request asked for a usage chunk at the end of its stream."""
    options = payload.get("stream_options")
    return isinstance(options, dict) and options.get("include_usage") is True


def chat_completion(model: str, text: str, refusal: bool = False) -> bytes:
    message = ({"role": "assistant", "content": None, "refusal": text} if refusal
               else {"role": "assistant", "content": text, "refusal": None})
    return orjson.dumps({
        "id": _id("chatcmpl"), "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}],
        "usage": _usage_chat(),
    })


def chat_stream(model: str, text: str, refusal: bool = False, usage: bool = False) -> list[bytes]:
    base: dict[str, Any] = {"id": _id("chatcmpl"), "object": "chat.completion.chunk", "created": int(time.time()),
                            "model": model}
    if usage:
        base["usage"] = None  # as OpenAI does: null on every chunk but the last

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        return _sse({**base, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                          "finish_reason": finish}]})

    if refusal:
        first, body = {"role": "assistant", "content": None, "refusal": ""}, {"refusal": text}
    else:
        first, body = {"role": "assistant", "content": ""}, {"content": text}
    events = [chunk(first), chunk(body), chunk({}, "stop")]
    if usage:
        events.append(_sse({**base, "choices": [], "usage": _usage_chat()}))
    return [*events, SSE_DONE]


def text_completion(model: str, text: str) -> bytes:
    return orjson.dumps({
        "id": _id("cmpl"), "object": "text_completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": "stop"}],
        "usage": _usage_chat(),
    })


def text_stream(model: str, text: str, usage: bool = False) -> list[bytes]:
    base: dict[str, Any] = {"id": _id("cmpl"), "object": "text_completion", "created": int(time.time()),
                            "model": model}
    if usage:
        base["usage"] = None
    events = [
        _sse({**base, "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": None}]}),
        _sse({**base, "choices": [{"index": 0, "text": "", "logprobs": None, "finish_reason": "stop"}]}),
    ]
    if usage:
        events.append(_sse({**base, "choices": [], "usage": _usage_chat()}))
    return [*events, SSE_DONE]


def _part(text: str, refusal: bool) -> dict[str, Any]:
    if refusal:
        return {"type": "refusal", "refusal": text}
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


def _response(model: str, text: str, status: str, resp_id: str, msg_id: str, refusal: bool) -> dict[str, Any]:
    return {
        "id": resp_id, "object": "response", "created_at": int(time.time()), "status": status,
        "model": model, "error": None, "incomplete_details": None, "instructions": None,
        "output": [{"type": "message", "id": msg_id, "status": "completed", "role": "assistant",
                    "content": [_part(text, refusal)]}] if status == "completed" else [],
        "parallel_tool_calls": True, "tool_choice": "auto", "tools": [], "temperature": None,
        "top_p": None, "metadata": {},
        "usage": {"input_tokens": 0, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 0,
                  "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 0},
    }


def response(model: str, text: str, refusal: bool = False) -> bytes:
    return orjson.dumps(_response(model, text, "completed", _id("resp"), _id("msg"), refusal))


def response_stream(model: str, text: str, refusal: bool = False) -> list[bytes]:
    resp_id, msg_id = _id("resp"), _id("msg")
    empty, whole = _part("", refusal), _part(text, refusal)
    item = {"type": "message", "id": msg_id, "status": "in_progress", "role": "assistant", "content": []}
    done_item = {**item, "status": "completed", "content": [whole]}
    at = {"item_id": msg_id, "output_index": 0, "content_index": 0}
    if refusal:
        middle: list[tuple[str, dict[str, Any]]] = [
            ("response.refusal.delta", {**at, "delta": text}),
            ("response.refusal.done", {**at, "refusal": text}),
        ]
    else:
        middle = [
            ("response.output_text.delta", {**at, "delta": text, "logprobs": []}),
            ("response.output_text.done", {**at, "text": text, "logprobs": []}),
        ]
    events: list[tuple[str, dict[str, Any]]] = [
        ("response.created", {"response": _response(model, text, "in_progress", resp_id, msg_id, refusal)}),
        ("response.output_item.added", {"output_index": 0, "item": item}),
        ("response.content_part.added", {**at, "part": empty}),
        *middle,
        ("response.content_part.done", {**at, "part": whole}),
        ("response.output_item.done", {"output_index": 0, "item": done_item}),
        ("response.completed", {"response": _response(model, text, "completed", resp_id, msg_id, refusal)}),
    ]
    return [_sse({"type": kind, "sequence_number": i, **data}, event=kind)
            for i, (kind, data) in enumerate(events)]


def answer(endpoint: str, model: str, text: str, stream: bool, *, refusal: bool = False,
           usage: bool = False) -> bytes | list[bytes]:
    """Cadre's own answer ``text`` in the shape ``endpoint`` uses: one body, or SSE events. ``refusal``: written
    as a refusal where the endpoint has a field for it; ``usage``: a stream ends with its usage chunk."""
    if endpoint == "chat":
        return chat_stream(model, text, refusal, usage) if stream else chat_completion(model, text, refusal)
    if endpoint == "completions":
        return text_stream(model, text, usage) if stream else text_completion(model, text)
    return response_stream(model, text, refusal) if stream else response(model, text, refusal)
