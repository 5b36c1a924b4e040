"""Answers Cadre writes itself (refusals as messages, ``cadre-preview``), shaped like each endpoint's. Pure."""

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


def chat_completion(model: str, text: str) -> bytes:
    return orjson.dumps({
        "id": _id("chatcmpl"), "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": _usage_chat(),
    })


def chat_stream(model: str, text: str) -> list[bytes]:
    base = {"id": _id("chatcmpl"), "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        return _sse({**base, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                          "finish_reason": finish}]})

    return [chunk({"role": "assistant", "content": ""}), chunk({"content": text}), chunk({}, "stop"),
            SSE_DONE]


def text_completion(model: str, text: str) -> bytes:
    return orjson.dumps({
        "id": _id("cmpl"), "object": "text_completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": "stop"}],
        "usage": _usage_chat(),
    })


def text_stream(model: str, text: str) -> list[bytes]:
    base = {"id": _id("cmpl"), "object": "text_completion", "created": int(time.time()), "model": model}
    return [
        _sse({**base, "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": None}]}),
        _sse({**base, "choices": [{"index": 0, "text": "", "logprobs": None, "finish_reason": "stop"}]}),
        SSE_DONE,
    ]


def _response(model: str, text: str, status: str, resp_id: str, msg_id: str) -> dict[str, Any]:
    content = [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]
    return {
        "id": resp_id, "object": "response", "created_at": int(time.time()), "status": status,
        "model": model, "error": None, "incomplete_details": None, "instructions": None,
        "output": [{"type": "message", "id": msg_id, "status": "completed", "role": "assistant",
                    "content": content}] if status == "completed" else [],
        "parallel_tool_calls": True, "tool_choice": "auto", "tools": [], "temperature": None,
        "top_p": None, "metadata": {},
        "usage": {"input_tokens": 0, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 0,
                  "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 0},
    }


def response(model: str, text: str) -> bytes:
    return orjson.dumps(_response(model, text, "completed", _id("resp"), _id("msg")))


def response_stream(model: str, text: str) -> list[bytes]:
    resp_id, msg_id = _id("resp"), _id("msg")
    part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
    item = {"type": "message", "id": msg_id, "status": "in_progress", "role": "assistant", "content": []}
    done_item = {**item, "status": "completed", "content": [{**part, "text": text}]}
    events: list[tuple[str, dict[str, Any]]] = [
        ("response.created", {"response": _response(model, text, "in_progress", resp_id, msg_id)}),
        ("response.output_item.added", {"output_index": 0, "item": item}),
        ("response.content_part.added", {"item_id": msg_id, "output_index": 0, "content_index": 0,
                                         "part": part}),
        ("response.output_text.delta", {"item_id": msg_id, "output_index": 0, "content_index": 0,
                                        "delta": text, "logprobs": []}),
        ("response.output_text.done", {"item_id": msg_id, "output_index": 0, "content_index": 0,
                                       "text": text, "logprobs": []}),
        ("response.content_part.done", {"item_id": msg_id, "output_index": 0, "content_index": 0,
                                        "part": {**part, "text": text}}),
        ("response.output_item.done", {"output_index": 0, "item": done_item}),
        ("response.completed", {"response": _response(model, text, "completed", resp_id, msg_id)}),
    ]
    return [_sse({"type": kind, "sequence_number": i, **data}, event=kind)
            for i, (kind, data) in enumerate(events)]


def answer(endpoint: str, model: str, text: str, stream: bool) -> bytes | list[bytes]:
    """Cadre's own answer ``text`` in the shape ``endpoint`` uses: one body, or SSE events."""
    if endpoint == "chat":
        return chat_stream(model, text) if stream else chat_completion(model, text)
    if endpoint == "completions":
        return text_stream(model, text) if stream else text_completion(model, text)
    return response_stream(model, text) if stream else response(model, text)
