"""Reading and checking the request bodies of /v1/* before anything reaches the upstream. Pure.

Only the fields Cadre reads are checked (model, messages, prompt, input, instructions, stream); every
other field passes through untouched for the upstream to judge.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import orjson

from app.config.settings import PROMPT_FIELDS
from app.errors import InvalidRequest
from app.messages import both


@dataclass(frozen=True)
class Endpoint:
    """A /v1 endpoint: its short name, its upstream path and the field that carries the prompt."""

    name: str
    path: str
    prompt_field: str | None
    generates: bool


CHAT = Endpoint("chat", "/chat/completions", "messages", True)
COMPLETIONS = Endpoint("completions", "/completions", "prompt", True)
RESPONSES = Endpoint("responses", "/responses", "input", True)
EMBEDDINGS = Endpoint("embeddings", "/embeddings", "input", False)
MODELS = Endpoint("models", "/models", None, False)


def _bad(key: str, param: str | None, code: str = "invalid_request", **values: Any) -> InvalidRequest:
    return InvalidRequest(both(key, **values), param=param, code=code)


# A run of 19 digits may be an integer beyond 64 bits, which orjson reads as a float (2**70 would reach the
# upstream as 1.1805916207174113e+21). Such a body is read again by the standard library, keeping each number's
# own text. The search maps every byte to digit-or-not and looks for 19 digits in a row: 0.2 us for a short
# request, 6.5 us for 14 kB, where a regular expression took 1.4 and 112 us (bench/passthrough_bench.py).
_DIGITS = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))  # "0" for a digit, " " otherwise
_LONG_RUN = b"0" * 19


def loads(raw: bytes) -> Any:
    """The JSON of ``raw``; every number Cadre re-encodes reaches the upstream equal in value (big integers keep
    their digits). Raises ``orjson.JSONDecodeError`` on what is not JSON (NaN, lone surrogates included)."""
    value = orjson.loads(raw)
    if raw.translate(_DIGITS).find(_LONG_RUN) < 0:
        return value
    return json.loads(raw, parse_int=_exact_int, parse_float=_exact_float)


def _exact_int(digits: str) -> int | orjson.Fragment:
    # Up to 18 digits an integer fits in 64 bits; longer ones are kept as written (and never converted: Python
    # refuses to read integers of more than 4,300 digits).
    return int(digits) if len(digits) < 19 else orjson.Fragment(digits)


def _exact_float(digits: str) -> orjson.Fragment:
    return orjson.Fragment(digits)  # written back as the client wrote it


MAX_MODEL = 200  # characters of a model name (the decision log's column; real names are far shorter)
MAX_INT = 2**31 - 1  # the decision log's integer columns


def parse(raw: bytes, endpoint: Endpoint, refused: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The JSON body as a dict, with the fields Cadre needs present and of the right type; a generation carrying
    one of the ``refused`` prompt-building fields (``Settings.refused_prompt_fields``) is refused."""
    try:
        payload = loads(raw)
    except orjson.JSONDecodeError:
        raise _bad("error.body_not_json", None, "invalid_json") from None
    if not isinstance(payload, dict):
        raise _bad("error.body_not_object", None, "invalid_json")
    model = payload.get("model")
    if not isinstance(model, str) or not model:
        raise _bad("error.model_required", "model", "missing_model" if model is None else "invalid_type")
    if len(model) > MAX_MODEL or not model.isprintable():
        raise _bad("error.model_invalid", "model", "invalid_model", maximum=MAX_MODEL)
    if not refused.isdisjoint(payload):  # a few set lookups, no allocation: most requests carry none
        _check_prompt_fields(payload, refused)
    stream = payload.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise _bad("error.stream_boolean", "stream", "invalid_type")
    field = endpoint.prompt_field
    if field is None:
        return payload
    value = payload.get(field)
    if value is None:
        raise _bad("error.field_required", field, f"missing_{field}", field=field)
    if endpoint is CHAT:
        _check_messages(value)
    elif endpoint is COMPLETIONS and not isinstance(value, str | list):
        raise _bad("error.prompt_type", "prompt", "invalid_type")
    elif endpoint in (RESPONSES, EMBEDDINGS) and not isinstance(value, str | list):
        raise _bad("error.input_type", "input", "invalid_type")
    if endpoint is RESPONSES:
        instructions = payload.get("instructions")
        if instructions is not None and not isinstance(instructions, str):
            raise _bad("error.instructions_type", "instructions", "invalid_type")
    return payload


def _check_prompt_fields(payload: dict[str, Any], refused: frozenset[str]) -> None:
    """A prompt-building field (``PROMPT_FIELDS``) set to anything but null or its value that changes nothing."""
    for name, value in payload.items():
        if name in refused and value is not None and value != PROMPT_FIELDS[name]:
            raise _bad("error.prompt_field", name, "prompt_field_refused", field=name)


def _check_messages(messages: Any) -> None:
    if not isinstance(messages, list) or not messages:
        raise _bad("error.messages_list", "messages", "invalid_type")
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise _bad("error.message_role", f"messages[{i}]", "invalid_type", index=i)


def usage_of(body: dict[str, Any]) -> tuple[int | None, int | None, int | None]:
    """(prompt, completion, total) tokens from a chat/completions/responses usage object."""
    usage = body.get("usage")
    if not isinstance(usage, dict):
        return None, None, None
    prompt = usage.get("prompt_tokens", usage.get("input_tokens"))
    completion = usage.get("completion_tokens", usage.get("output_tokens"))
    total = usage.get("total_tokens")
    return _count(prompt), _count(completion), _count(total)


def _count(value: Any) -> int | None:
    """A token count an upstream reported, if it is one the decision log can hold (a hostile upstream's 2**63
    stopped every later write on SQLite)."""
    return value if type(value) is int and 0 <= value <= MAX_INT else None


# ------------------------------------------------------------------------------- texts the révélateur reads
def request_text(endpoint: Endpoint, payload: dict[str, Any]) -> str:
    """What the user asks now: the newest user message of a chat (text or text parts), the prompt(s) of a
    completion, the newest user item of a response's input (or the input when it is a string). Older turns are
    the conversation's context, not this request: an off-frame first turn is not found again in every later
    one. Frame and system messages are left out: the check is about the request."""
    if endpoint is CHAT:
        last = next((m for m in reversed(payload["messages"]) if m["role"] == "user"), None)
        return _parts_text(last.get("content"), "text") if last is not None else ""
    value = payload.get(endpoint.prompt_field or "")
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return ""
    if endpoint is COMPLETIONS:
        return "\n".join(v for v in value if isinstance(v, str))  # lists of token ids are not read
    last = next((item for item in reversed(value) if isinstance(item, dict) and item.get("role") == "user"), None)
    return _parts_text(last.get("content"), "input_text") if last is not None else ""


def _parts_text(content: Any, part_type: str) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p["text"] for p in content
                         if isinstance(p, dict) and p.get("type") == part_type and isinstance(p.get("text"), str))
    return ""


def answer_text(endpoint: Endpoint, body: Any) -> str:
    """The model's text in a non-streamed answer (every choice; a response's output_text parts)."""
    if not isinstance(body, dict):
        return ""
    if endpoint is RESPONSES:
        return "\n".join(_parts_text(item.get("content"), "output_text") for item in body.get("output") or ()
                         if isinstance(item, dict) and item.get("type") == "message")
    texts = []
    for choice in body.get("choices") or ():
        if not isinstance(choice, dict):
            continue
        text = _field(choice.get("message"), "content") if endpoint is CHAT else choice.get("text")
        if isinstance(text, str):
            texts.append(text)
    return "\n".join(texts)


# In a chat or completions stream the model's text is every "content" (chat deltas) or "text" (completions)
# string. A quote inside a JSON string is escaped, so these cannot match inside the model's own text.
_STREAMED_STRING = {
    "chat": re.compile(rb'"content":\s*"([^"\\]*(?:\\.[^"\\]*)*)"'),
    "completions": re.compile(rb'"text":\s*"([^"\\]*(?:\\.[^"\\]*)*)"'),
}


def stream_text(endpoint: Endpoint, data: bytes) -> str:
    """The model's text in a streamed answer's events (chat and completions deltas, Responses text deltas).

    Chat and completions: one regular-expression pass over the raw events, a tenth of the cost of parsing
    every event (bench/README.md); Responses events are parsed, their text deltas being one type among many.
    """
    pattern = _STREAMED_STRING.get(endpoint.name)
    if pattern is not None:
        raws = pattern.findall(data)
        whole = b"".join(raws)
        if b"\\" not in whole:  # no escapes (the usual case): one decoding for the whole text
            return whole.decode("utf-8", "replace")
        return "".join(_json_string(raw) for raw in raws)
    pieces: list[str] = []
    for line in data.split(b"\n"):
        if not line.startswith(b"data:") or line[5:].strip() == b"[DONE]":
            continue
        try:
            event = orjson.loads(line[5:])
        except orjson.JSONDecodeError:
            continue
        if not isinstance(event, dict):
            continue
        if endpoint is RESPONSES:
            if event.get("type") == "response.output_text.delta" and isinstance(event.get("delta"), str):
                pieces.append(event["delta"])
            continue
        for choice in event.get("choices") or ():
            if isinstance(choice, dict):
                text = _field(choice.get("delta"), "content") if endpoint is CHAT else choice.get("text")
                if isinstance(text, str):
                    pieces.append(text)
    return "".join(pieces)


def _json_string(raw: bytes) -> str:
    """A JSON string's content (without its quotes) as text."""
    if b"\\" not in raw:
        return raw.decode("utf-8", "replace")
    try:
        text = orjson.loads(b'"' + raw + b'"')
    except orjson.JSONDecodeError:
        return ""
    return text if isinstance(text, str) else ""


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else None
