"""A real fake OpenAI-compatible upstream for the tests: served by uvicorn on 127.0.0.1, it records what it
receives and behaves as the test scripts it (normal, slow, failing, breaking midway, gated streams)."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

Scope = dict[str, Any]
REPLY_TEXT = "Bonjour, ceci est la réponse du modèle."
WATCH_PROMPT = re.compile(r"proposez les mots|propose the concrete words")
JUDGE_FITS = '{"fits": true, "priority": 1, "refusal": null, "why": "Une réparation rapide."}'


@dataclass
class Received:
    """One request the fake upstream got."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float
    raw: bytes = b""  # the body's bytes as they arrived


@dataclass
class FakeUpstream:
    """Behaviour knobs (set by tests) and the record of what arrived."""

    mode: str = "ok"  # ok | error500 | error429 | error401 | break | slow | gated | hang
    delay: float = 0.0  # seconds before answering (mode slow)
    chunk_delay: float = 0.0  # seconds between streamed chunks
    chunks: int = 5
    split_usage: bool = False  # send the event carrying "usage" in two writes (split inside the word)
    compress: bool = False  # gzip a JSON answer when the client accepts it, as upstreams behind a CDN do
    reply_text: str = REPLY_TEXT
    stream_text: str | None = None  # a text streamed as one more delta after the "tok{i} " ones
    usage: dict[str, Any] | None = None  # the usage of non-streamed answers instead of USAGE (a hostile upstream's)
    # The judge: a request whose model is ``judge_model`` is answered with ``judge_answer`` (the assistant's
    # text) after ``judge_delay`` seconds, or per ``judge_mode`` (ok | error500 | error401 | garbage), and
    # recorded in ``judge_requests``, not ``requests``; ``judge_answered`` counts the answers sent.
    judge_model: str = "judge-model"
    judge_answer: str = JUDGE_FITS
    judge_answers: dict[str, str] = field(default_factory=dict)  # a word of the prompt -> the answer to it
    # Watch-list proposals (prompts/watch.*.j2) sent to the judge's model: answered with ``watch_answer``.
    watch_answer: str = "{}"
    watch_requests: list[Received] = field(default_factory=list)
    judge_delay: float = 0.0
    judge_mode: str = "ok"
    judge_requests: list[Received] = field(default_factory=list)
    judge_answered: int = 0
    models: tuple[str, ...] = ("fake-model",)  # the ids its /models lists
    # /embeddings: with ``embed_map`` set, each input gets the sum of the vectors of the words of the map it holds
    # (``embed_default`` when none), after ``embed_delay`` seconds; without it, one fixed vector as before.
    embed_map: dict[str, list[float]] = field(default_factory=dict)
    embed_default: tuple[float, ...] = (0.0, 0.0, 1.0)
    embed_delay: float = 0.0
    # A hostile or careless upstream sending back the key it got, in one form (see LEAKS), on every path.
    leak: str | None = None
    requests: list[Received] = field(default_factory=list)
    gate: threading.Event = field(default_factory=threading.Event)
    gate_released_by_client: bool | None = None
    stream_finished: threading.Event = field(default_factory=threading.Event)
    stream_cancelled: threading.Event = field(default_factory=threading.Event)

    def reset(self) -> None:
        self.mode, self.delay, self.chunk_delay, self.chunks = "ok", 0.0, 0.0, 5
        self.split_usage = self.compress = False
        self.reply_text, self.stream_text, self.usage = REPLY_TEXT, None, None
        self.models = ("fake-model",)
        self.embed_map, self.embed_default, self.embed_delay = {}, (0.0, 0.0, 1.0), 0.0
        self.leak = None
        self.judge_answer, self.judge_delay, self.judge_mode, self.judge_answered = JUDGE_FITS, 0.0, "ok", 0
        self.judge_answers = {}
        self.watch_answer = "{}"
        self.watch_requests.clear()
        self.judge_requests.clear()
        self.requests.clear()
        self.gate.clear()
        self.gate_released_by_client = None
        self.stream_finished.clear()
        self.stream_cancelled.clear()

    def last(self, path: str | None = None) -> Received:
        found = [r for r in self.requests if path is None or r.path.endswith(path)]
        assert found, f"the fake upstream received nothing on {path}"
        return found[-1]

    # ----------------------------------------------------------------------------------- ASGI
    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        received = Received(scope["method"], scope["path"], headers, body, time.monotonic(), raw)
        if isinstance(body, dict) and body.get("model") == self.judge_model:
            if WATCH_PROMPT.search(raw.decode(errors="replace")):  # a watch-list proposal, not a judgement
                self.watch_requests.append(received)
                await _json(send, 200, _complete("chat", self.watch_answer))
                return
            self.judge_requests.append(received)
            await self._judge(send, headers, json.dumps(body, ensure_ascii=False))
            return
        self.requests.append(received)
        path = scope["path"]
        if self.leak is not None:
            await _leak(send, self.leak, (headers.get("authorization") or "")[7:], path,
                        isinstance(body, dict) and body.get("stream") is True)
            return
        if path.endswith("/models"):
            await _json(send, 200, {"object": "list", "data": [
                {"id": name, "object": "model", "created": 0, "owned_by": "fake"} for name in self.models]})
            return
        if self.mode == "error500":
            await _json(send, 500, {"error": {"message": "upstream exploded", "type": "server_error",
                                              "param": None, "code": "boom"}})
            return
        if self.mode == "error401":  # like an upstream that quotes the key it was given
            await _json(send, 401, {"error": {"message": f"Incorrect API key provided: {headers.get('authorization')}",
                                              "type": "invalid_request_error", "param": None,
                                              "code": "invalid_api_key"}})
            return
        if self.mode == "error429":
            await _json(send, 429, {"error": {"message": "slow down", "type": "rate_limit", "param": None,
                                              "code": "rate_limited"}}, [(b"retry-after", b"7")])
            return
        if self.mode in ("slow", "hang"):
            await asyncio.sleep(self.delay if self.mode == "slow" else 3600)  # the slowness is the behaviour
        if path.endswith("/embeddings") and self.embed_map and isinstance(body, dict):
            if self.embed_delay:
                await asyncio.sleep(self.embed_delay)
            inputs = body.get("input")
            texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
            await _json(send, 200, {"object": "list", "model": body.get("model"), "data": [
                {"object": "embedding", "index": i, "embedding": self._vector(str(t))} for i, t in enumerate(texts)],
                "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)}})
            return
        if path.endswith("/embeddings"):
            await _json(send, 200, {"object": "list", "model": "fake-embed", "data": [
                {"object": "embedding", "index": 0, "embedding": [0.1, 0.2, 0.3]}],
                "usage": {"prompt_tokens": 2, "total_tokens": 2}})
            return
        stream = isinstance(body, dict) and body.get("stream") is True
        kind = "responses" if path.endswith("/responses") else "completions" if path.endswith(
            "/v1/completions") else "chat"
        if not stream:
            gzipped = self.compress and "gzip" in headers.get("accept-encoding", "")
            await _json(send, 200, _complete(kind, self.reply_text, self.usage), gzipped=gzipped)
            return
        await self._stream(receive, send, kind)

    def _vector(self, text: str) -> list[float]:
        low = text.lower()
        found = [vec for word, vec in self.embed_map.items() if word in low]
        if not found:
            return list(self.embed_default)
        return [sum(column) for column in zip(*found, strict=True)]

    async def _judge(self, send: Any, headers: dict[str, str], prompt: str = "") -> None:
        if self.judge_delay:
            await asyncio.sleep(self.judge_delay)  # a judge that takes its time is the behaviour under test
        self.judge_answered += 1
        if self.judge_mode == "error500":
            await _json(send, 500, {"error": {"message": "judge exploded", "type": "server_error", "param": None,
                                              "code": "boom"}})
        elif self.judge_mode == "error401":  # quotes the key it was given, as some upstreams do
            await _json(send, 401, {"error": {"message": f"Incorrect API key provided: {headers.get('authorization')}",
                                              "type": "invalid_request_error", "param": None,
                                              "code": "invalid_api_key"}})
        else:
            scripted = next((answer for word, answer in self.judge_answers.items() if word in prompt), None)
            text = "Voici mon avis, sans JSON." if self.judge_mode == "garbage" else scripted or self.judge_answer
            await _json(send, 200, _complete("chat", text))

    async def _stream(self, receive: Any, send: Any, kind: str) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]})
        events = _events(kind, self.chunks, self.stream_text)
        # uvicorn never cancels the app when the peer leaves (send() just becomes a no-op): watch for it.
        gone = asyncio.Event()
        watcher = asyncio.ensure_future(_watch_disconnect(receive, gone))
        try:
            for i, event in enumerate(events):
                if gone.is_set():
                    self.stream_cancelled.set()
                    return
                await self._send_event(send, event)
                if self.mode == "break" and i == 2:
                    raise ConnectionAbortedError("fake upstream breaks the stream on purpose")
                if self.mode == "gated" and i == 1:
                    for _ in range(500):  # wait up to 5 s for the client to say it saw the first chunk
                        if self.gate.is_set():
                            break
                        await asyncio.sleep(0.01)
                    self.gate_released_by_client = self.gate.is_set()
                if self.chunk_delay:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(gone.wait(), self.chunk_delay)
            await send({"type": "http.response.body", "body": b""})
            self.stream_finished.set()
        except asyncio.CancelledError:
            self.stream_cancelled.set()
            raise
        finally:
            watcher.cancel()

    async def _send_event(self, send: Any, event: bytes) -> None:
        usage_at = event.find(b'"usage"') if self.split_usage else -1
        if usage_at == -1:
            await send({"type": "http.response.body", "body": event, "more_body": True})
            return
        cut = usage_at + 4  # inside the word: '..."us' then 'age": {...}'
        await send({"type": "http.response.body", "body": event[:cut], "more_body": True})
        await asyncio.sleep(0.05)  # let the first part be read on its own
        await send({"type": "http.response.body", "body": event[cut:], "more_body": True})


LEAKS = ("plain", "escaped", "masked", "gzip", "deflate", "headers", "stream", "answer", "models")


def escaped(text: str) -> str:
    """Every character of ``text`` as a JSON \\u escape: the same string once decoded."""
    return "".join(f"\\u{ord(c):04x}" for c in text)


def masked(key: str) -> str:
    """A key as OpenAI quotes a wrong one: its first characters, asterisks, its last four."""
    return f"{key[:8]}{'*' * 24}…{key[-4:]}"


async def _leak(send: Any, how: str, key: str, path: str, stream: bool) -> None:
    """Answer with the key in it, ``how``: in an error (plain, \\u-escaped, masked, gzip or deflate encoded), in
    headers, in a streamed error event, in a 200 answer, in the models list."""
    def error(text: str) -> dict[str, Any]:
        return {"error": {"message": f"Incorrect API key provided: {text}.", "type": "invalid_request_error",
                          "param": None, "code": "invalid_api_key"}}

    if how == "models" or path.endswith("/models"):
        await _json(send, 200, {"object": "list", "data": [
            {"id": "fake-model", "object": "model", "created": 0, "owned_by": key},
            {"id": "other-model", "object": "model", "created": 0, "owned_by": masked(key)}]})
    elif how == "plain":
        await _json(send, 401, error(key))
    elif how == "escaped":
        body = json.dumps(error("KEY")).replace("KEY", escaped(key)).encode()
        await _raw(send, 401, body, [(b"content-type", b"application/json")])
    elif how == "masked":
        await _json(send, 401, error(masked(key)))
    elif how in ("gzip", "deflate"):
        raw = json.dumps(error(key)).encode()
        body = gzip.compress(raw) if how == "gzip" else zlib.compress(raw)
        await _raw(send, 401 if how == "gzip" else 500, body,
                   [(b"content-type", b"application/json"), (b"content-encoding", how.encode())])
    elif how == "headers":
        await _json(send, 200, _complete("chat", "Bonjour."), [
            (b"x-ratelimit-limit-requests", key.encode()), (b"x-ratelimit-remaining-requests", b"99"),
            (b"x-request-id", f"req-{key}".encode()), (b"x-debug-key", key.encode()),
            (b"set-cookie", f"session={key}".encode()), (b"openai-organization", masked(key).encode())])
    elif stream:  # "stream" or "answer", streamed: in a delta (escaped) and in an error event (plain, masked)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})
        delta = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "fake-model",
                 "choices": [{"index": 0, "delta": {"content": "KEY"}, "finish_reason": None}]}
        for event in (b"data: " + json.dumps(delta).replace("KEY", escaped(key)).encode() + b"\n\n",
                      b"event: error\ndata: " + json.dumps(error(f"{key} ({masked(key)})")).encode() + b"\n\n",
                      b"data: [DONE]\n\n"):
            await send({"type": "http.response.body", "body": event, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    else:  # a 200 answer quoting the key, plain and masked
        await _json(send, 200, _complete("chat", f"Votre clé : {key}, soit {masked(key)}."))


async def _raw(send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _watch_disconnect(receive: Any, gone: asyncio.Event) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    gone.set()


async def _json(send: Any, status: int, obj: Any, extra: list[tuple[bytes, bytes]] | None = None,
                gzipped: bool = False) -> None:
    body = json.dumps(obj).encode()
    if gzipped:
        body = gzip.compress(body)
        extra = [*(extra or []), (b"content-encoding", b"gzip")]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})


USAGE = {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49}


def _complete(kind: str, text: str, usage: dict[str, Any] | None = None) -> dict[str, Any]:
    if kind == "chat":
        return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": "fake-model",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop", "logprobs": None}], "usage": usage or USAGE}
    if kind == "completions":
        return {"id": "cmpl-fake", "object": "text_completion", "created": 1, "model": "fake-model",
                "choices": [{"index": 0, "text": text, "finish_reason": "stop", "logprobs": None}],
                "usage": usage or USAGE}
    return {"id": "resp_fake", "object": "response", "created_at": 1, "status": "completed",
            "model": "fake-model", "output": [{"type": "message", "id": "msg_fake", "status": "completed",
                                               "role": "assistant", "content": [
                                                   {"type": "output_text", "text": text, "annotations": []}]}],
            "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
            "usage": {"input_tokens": 42, "output_tokens": 7, "total_tokens": 49}}


def _sse(obj: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + json.dumps(obj).encode() + b"\n\n"


def _events(kind: str, n: int, extra: str | None = None) -> list[bytes]:
    texts = [f"tok{i} " for i in range(n)] + ([extra] if extra else [])
    if kind == "chat":
        def chunk(delta: dict[str, Any], finish: str | None = None, usage: Any = None) -> bytes:
            obj: dict[str, Any] = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1,
                                   "model": "fake-model",
                                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            if usage:
                obj["usage"] = usage
            return _sse(obj)
        return ([chunk({"role": "assistant", "content": ""})] + [chunk({"content": text}) for text in texts]
                + [chunk({}, "stop", USAGE), b"data: [DONE]\n\n"])
    if kind == "completions":
        return [_sse({"id": "cmpl-fake", "object": "text_completion", "created": 1, "model": "fake-model",
                      "choices": [{"index": 0, "text": text, "finish_reason": None}]}) for text in texts
                ] + [b"data: [DONE]\n\n"]
    out = [_sse({"type": "response.created", "sequence_number": 0,
                 "response": {"id": "resp_fake", "object": "response", "status": "in_progress", "output": []}},
                "response.created")]
    for i, text in enumerate(texts):
        out.append(_sse({"type": "response.output_text.delta", "sequence_number": i + 1, "item_id": "msg_fake",
                         "output_index": 0, "content_index": 0, "delta": text},
                        "response.output_text.delta"))
    out.append(_sse({"type": "response.completed", "sequence_number": len(texts) + 1,
                     "response": {"id": "resp_fake", "object": "response", "status": "completed", "output": [],
                                  "usage": {"input_tokens": 42, "output_tokens": n, "total_tokens": 42 + n}}},
                    "response.completed"))
    return out
