"""Cadre's own HTTP/1.1 upstream client (app/http1.py), seen from both ends: a raw upstream on 127.0.0.1 that
reads each request as bytes and answers with the bytes its script says, and a real Cadre between it and the
official client. Requests go out well formed, on one keep-alive connection; an answer saying Connection: close,
or an idle connection the upstream closed, makes the next request open a new one; bodies sized, chunked (events
cut anywhere) or read until the connection closes arrive whole, large ones too (streamed: with back-pressure);
an interim 103 head is skipped; an answer that is not HTTP is a 502 sent once; a stream cut mid-chunk ends with
an error event of its own (an unfinished event is not relayed), and the next request is served; a client that
leaves once it read [DONE] had its answer."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest

from tests.support import UPSTREAM_KEY
from tests.support.gateway import CHAT, TIMEOUT, Served, call, chat_text, sse_events, start
from tests.support.tcp_servers import TcpServer
from tests.support.waiting import wait_until

MODEL = "fake-model"
MIB = 1024 * 1024
USAGE = {"prompt_tokens": 31, "completion_tokens": 17, "total_tokens": 48}
HOLD = 5.0  # seconds at most an answer that holds waits for the client


# ------------------------------------------------------------------------------------ the upstream
@dataclass
class Answer:
    """What the upstream writes for one request: ``parts`` one after the other (each flushed, ``pause``
    seconds apart so the client reads them apart), then it closes the connection (``close``) or reads the
    next request on it."""

    parts: list[bytes]
    close: bool = False
    pause: float = 0.0
    hold: int | None = None  # after this part, wait for the client to open the upstream's gate (bounded)


@dataclass
class Received:
    """One request as the upstream read it: on which connection (1 for the first accepted), its request line,
    its header fields in order (names lowercased) and its body."""

    connection: int
    line: str
    fields: list[tuple[str, str]]
    body: bytes
    head: bytes = field(repr=False)

    def header(self, name: str) -> str:
        values = [value for key, value in self.fields if key == name]
        assert len(values) == 1, f"{name}: {values}"
        return values[0]


class ScriptedUpstream(TcpServer):
    """Reads each request (head, then a Content-Length body), records it, and answers with the next ``script``
    entry; once the script is used up, with a plain chat completion on a kept-alive connection. An answer that
    holds waits for ``gate``; ``released`` says whether the gate opened before the wait ran out. ``written`` is
    set once an answer was written whole."""

    def __init__(self) -> None:
        super().__init__()
        self.script: list[Answer] = []
        self.received: list[Received] = []
        self.gate = threading.Event()
        self.released: bool | None = None
        self.written = threading.Event()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = self.connections  # counted just before this call, on this thread: this connection's number
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return  # the client closed the connection between two requests
            line, *lines = head[:-4].decode("latin-1").split("\r\n")
            fields = [(name.strip().lower(), value.strip()) for name, value in (f.split(":", 1) for f in lines)]
            length = int(dict(fields).get("content-length", "0"))
            body = await reader.readexactly(length)
            self.received.append(Received(connection, line, fields, body, head))
            answer = self.script.pop(0) if self.script else sized(completion("Bonjour."))
            for i, part in enumerate(answer.parts):
                if i and answer.pause:
                    await asyncio.sleep(answer.pause)
                writer.write(part)
                await writer.drain()
                if i == answer.hold:
                    self.released = await asyncio.to_thread(self.gate.wait, HOLD)
            self.written.set()
            if answer.close:
                return  # TcpServer closes the connection


def head(status: str = "200 OK", *fields: str, version: str = "HTTP/1.1") -> bytes:
    return "\r\n".join([f"{version} {status}", *fields, "", ""]).encode("latin-1")


def sized(body: bytes, *fields: str, version: str = "HTTP/1.1", close: bool = False) -> Answer:
    """A JSON answer with a Content-Length."""
    return Answer([head("200 OK", "content-type: application/json", f"content-length: {len(body)}", *fields,
                        version=version), body], close=close)


def chunked(pieces: list[bytes], *fields: str, content_type: str = "text/event-stream", pause: float = 0.0,
            end: bool = True) -> Answer:
    """An answer in Transfer-Encoding: chunked, each piece a chunk of its own written on its own; with ``end``,
    the closing chunk is written with the last one (as servers do: a client that stops reading at [DONE]
    would otherwise leave before the answer ends, and be recorded as gone)."""
    chunks = [b"%x\r\n%b\r\n" % (len(piece), piece) for piece in pieces]
    if end:
        chunks[-1] += b"0\r\n\r\n"
    return Answer([head("200 OK", f"content-type: {content_type}", "transfer-encoding: chunked", *fields),
                   *chunks], pause=pause)


def completion(text: str) -> bytes:
    return json.dumps({"id": "chatcmpl-scripted", "object": "chat.completion", "created": 1, "model": MODEL,
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                    "finish_reason": "stop", "logprobs": None}], "usage": USAGE}).encode()


def _event(obj: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def events(texts: list[str]) -> list[bytes]:
    """A chat stream: one event per text, then one with the usage and no choices, then [DONE]."""
    chunk = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": 1, "model": MODEL}
    return [*(_event({**chunk, "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]})
              for text in texts),
            _event({**chunk, "choices": [], "usage": USAGE}), b"data: [DONE]\n\n"]


def cut(data: bytes, every: int) -> list[bytes]:
    return [data[i:i + every] for i in range(0, len(data), every)]


def long_text(size: int) -> str:
    """``size`` characters that differ all along (a lost or repeated piece shows)."""
    return "".join(f"{i:07d} " for i in range(size // 8 + 1))[:size]


def _send_buffer_max() -> int:
    """How much Cadre's socket towards the client can hold: the largest send buffer (tcp_wmem's third value),
    which a loopback connection reaches at once."""
    try:
        return int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])
    except (OSError, ValueError, IndexError):
        return 4 * MIB  # Linux's default


def _small_window_client() -> httpx2.Client:
    """The official client's HTTP client with a small fixed receive buffer (no autotuning): the kernel on the
    client's side takes little while the client lags."""
    transport = httpx2.HTTPTransport(socket_options=[(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)])
    return httpx2.Client(transport=transport, timeout=TIMEOUT)


# ------------------------------------------------------------------------------------------ fixtures
@pytest.fixture
def scripted() -> Iterator[ScriptedUpstream]:
    server = ScriptedUpstream()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cadre(scripted: ScriptedUpstream, serve: Any) -> Served:
    """A Cadre of its own (a fresh connection pool) in front of the scripted upstream; stopped before it."""
    return start(serve, upstream_base_url=f"http://127.0.0.1:{scripted.port}/v1")


def _chat(served: Served, stream: bool = False) -> Any:
    with served.client() as client:
        answer = call(client, "chat", stream=stream)
        return [c.choices[0].delta.content for c in answer if c.choices] if stream else answer


# ------------------------------------------------------------------------------------- connections
def test_requests_are_well_formed_and_share_one_keep_alive_connection(cadre: Served,
                                                                      scripted: ScriptedUpstream) -> None:
    scripted.script = [sized(completion("un")), chunked(events(["deux"])), sized(completion("trois"))]
    assert _chat(cadre).choices[0].message.content == "un"
    assert _chat(cadre, stream=True) == ["deux"]  # a stream read to its end gives its connection back too
    assert _chat(cadre).choices[0].message.content == "trois"
    assert scripted.connections == 1
    assert [r.connection for r in scripted.received] == [1, 1, 1]
    for request in scripted.received:
        assert request.line == "POST /v1/chat/completions HTTP/1.1"
        names = [name for name, _ in request.fields]
        assert len(names) == len(set(names)), names  # each header once
        assert request.header("host") == f"127.0.0.1:{scripted.port}"
        assert request.header("content-type") == "application/json"
        assert request.header("content-length") == str(len(request.body))
        assert request.header("accept-encoding") == "identity"
        assert request.header("authorization") == f"Bearer {UPSTREAM_KEY}"
        assert "transfer-encoding" not in names
        assert json.loads(request.body)["model"] == MODEL
        assert cadre.key.encode() not in request.head + request.body  # the client's key never goes upstream
    assert [json.loads(r.body)["stream"] for r in scripted.received] == [False, True, False]


def test_connection_close_is_read_whole_and_the_next_request_opens_a_new_connection(
        cadre: Served, scripted: ScriptedUpstream) -> None:
    # The upstream keeps reading on the connection: only Cadre reading the header can make it open another.
    scripted.script = [sized(completion(long_text(50_000)), "connection: close"), sized(completion("suite"))]
    assert _chat(cadre).choices[0].message.content == long_text(50_000)
    assert _chat(cadre).choices[0].message.content == "suite"
    assert scripted.connections == 2
    assert [r.connection for r in scripted.received] == [1, 2]


def test_an_idle_connection_the_upstream_closed_is_not_reused(cadre: Served, scripted: ScriptedUpstream) -> None:
    scripted.script = [sized(completion("un"), close=True)]  # closed after the answer, without a word
    assert _chat(cadre).choices[0].message.content == "un"
    # The upstream closed the connection, so its end is on its way to Cadre (loopback), which sees it before
    # it handles the next request.
    assert wait_until(lambda: scripted.closed == 1)
    assert _chat(cadre).choices[0].message.content == "Bonjour."  # on a new connection
    assert [r.connection for r in scripted.received] == [1, 2]


# ------------------------------------------------------------------------------------------ bodies
@pytest.mark.parametrize("version", ["HTTP/1.1", "HTTP/1.0"])
def test_a_body_without_length_is_read_until_the_connection_closes(cadre: Served, scripted: ScriptedUpstream,
                                                                   version: str) -> None:
    body = completion(long_text(300_000))
    fields = ["content-type: application/json", *(["connection: close"] if version == "HTTP/1.1" else [])]
    scripted.script = [Answer([head("200 OK", *fields, version=version), *cut(body, 65536)], close=True,
                              pause=0.01)]
    assert _chat(cadre).choices[0].message.content == long_text(300_000)
    assert _chat(cadre).choices[0].message.content == "Bonjour."  # on a new connection
    assert [r.connection for r in scripted.received] == [1, 2]


def test_a_chunked_stream_cut_inside_events_comes_event_by_event_with_its_usage(
        cadre: Served, scripted: ScriptedUpstream) -> None:
    texts = ["Réparer ", "vite, ", "rouler ", "longtemps."]
    sent = events(texts)
    pieces = cut(b"".join(sent), 53)
    assert not set(accumulate(map(len, sent))) & set(accumulate(map(len, pieces[:-1])))  # no cut between events
    first_whole = -(-len(sent[0]) // 53)  # the part (after the head, part 0) that completes the first event
    scripted.script = [replace(chunked(pieces, pause=0.005), hold=first_whole)]
    chunks = []
    with cadre.client() as client:
        for chunk in call(client, "chat", stream=True):
            scripted.gate.set()  # the first event came through while the upstream holds the rest
            chunks.append(chunk)
    assert scripted.released is True
    assert [c.choices[0].delta.content for c in chunks if c.choices] == texts
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == USAGE["total_tokens"]
    decision = wait_until(lambda: cadre.decisions()["data"])[0]
    assert (decision["outcome"], decision["upstream_status"]) == ("forwarded", 200)
    assert (decision["prompt_tokens"], decision["completion_tokens"], decision["total_tokens"]) == tuple(
        USAGE.values())


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_an_interim_103_head_is_skipped(cadre: Served, scripted: ScriptedUpstream, stream: bool) -> None:
    early = head("103 Early Hints", "link: </style.css>; rel=preload", "x-request-id: interim")
    if stream:
        final = chunked(events(["après ", "103"]), "x-request-id: final")
    else:
        final = sized(completion("après 103"), "x-request-id: final")
    scripted.script = [Answer([early, *final.parts]), sized(completion("suite"))]
    with cadre.client() as client:
        raw = call(client, "chat", stream=stream, raw=True)
        assert raw.status_code == 200
        assert raw.headers["x-upstream-request-id"] == "final"  # the headers of the real head, not the 103's
        text = chat_text(raw.parse()) if stream else raw.parse().choices[0].message.content
    assert text == "après 103"
    assert _chat(cadre).choices[0].message.content == "suite"  # the connection is still in step
    assert [r.connection for r in scripted.received] == [1, 1]


# ------------------------------------------------------------------------------------------- large
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_large_answer_arrives_whole(cadre: Served, scripted: ScriptedUpstream, framing: str) -> None:
    """About 1 MiB read whole (not streamed: reading must never pause, nobody would resume it)."""
    text = long_text(MIB)
    body = completion(text)
    if framing == "chunked":
        scripted.script = [chunked(cut(body, 65536), content_type="application/json")]
    else:
        scripted.script = [Answer([sized(body).parts[0], *cut(body, 65536)])]
    assert _chat(cadre).choices[0].message.content == text
    assert _chat(cadre).choices[0].message.content == "Bonjour."
    assert scripted.connections == 1


def test_a_large_stream_arrives_whole_through_a_client_that_lags(cadre: Served, scripted: ScriptedUpstream) -> None:
    """Megabytes of events, written at once to a client that stops after the first one: once the kernel's
    buffers towards the client are full, Cadre holds more than PAUSE_ABOVE (256 KiB) and stops reading the
    upstream, then resumes as the client reads on. Nothing is lost, and the connection serves again."""
    size = min(_send_buffer_max(), 16 * MIB) + 2 * MIB  # a host tuned for huge buffers gets a weaker test
    texts = [f"{i:05d}:" + long_text(8191) for i in range(size // 8192)]
    scripted.script = [chunked(events(texts))]
    received: list[str] = []
    with cadre.client(http_client=_small_window_client()) as client:
        for chunk in call(client, "chat", stream=True):
            if chunk.choices:
                if not received:
                    scripted.written.wait(HOLD)  # the whole stream left the upstream (bounded)
                    time.sleep(0.2)  # the lag under test: the client reads nothing while Cadre's buffers fill
                received.append(chunk.choices[0].delta.content)
    assert received == texts
    assert _chat(cadre).choices[0].message.content == "Bonjour."
    assert scripted.connections == 1


# ---------------------------------------------------------------------------------------- failures
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_an_answer_that_is_not_http_is_a_502_sent_once(cadre: Served, scripted: ScriptedUpstream,
                                                       stream: bool) -> None:
    scripted.script = [Answer([b"SSH-2.0-OpenSSH_9.6\r\n"])]  # the wrong port: the connection stays open
    with cadre.client() as client, pytest.raises(openai.APIStatusError) as caught:
        call(client, "chat", stream=stream)
    assert (caught.value.status_code, caught.value.code) == (502, "upstream_unavailable")
    assert caught.value.response.json()["error"]["type"] == "upstream_error"
    assert len(scripted.received) == 1  # not sent again: the upstream may have acted on it
    assert _chat(cadre).choices[0].message.content == "Bonjour."  # on a new connection
    assert [r.connection for r in scripted.received] == [1, 2]


def test_a_stream_cut_mid_chunk_ends_with_an_error_event_and_the_next_request_is_served(
        cadre: Served, scripted: ScriptedUpstream) -> None:
    first, second, third, fourth, *_ = events(["tok0 ", "tok1 ", "tok2 ", "tok3 "])
    broken = chunked([first, second], end=False, pause=0.01)
    # A chunk announced for two events, cut after the first one: the connection closes mid-chunk.
    broken.parts.append(b"%x\r\n%b" % (len(third + fourth), third))
    broken.close = True
    scripted.script = [broken]
    with cadre.http() as http, http.stream("POST", "/v1/chat/completions",
                                           json={"model": MODEL, "stream": True, "messages": CHAT}) as r:
        assert r.status_code == 200
        received = sse_events(r.iter_lines())  # returns: Cadre closed the stream
    contents = [data["choices"][0]["delta"]["content"] for name, data in received if name is None]
    assert contents == ["tok0 ", "tok1 ", "tok2 "]  # all that came before the cut
    name, error = received[-1]
    assert name == "error" and error["error"]["code"] == "upstream_stream_broken"
    decision = wait_until(lambda: cadre.decisions()["data"])[0]
    assert (decision["outcome"], decision["code"]) == ("failed", "upstream_stream_broken")
    assert _chat(cadre).choices[0].message.content == "Bonjour."  # on a new connection
    assert [r.connection for r in scripted.received] == [1, 2]


def test_a_stream_cut_inside_an_event_ends_with_an_error_event_of_its_own(cadre: Served,
                                                                          scripted: ScriptedUpstream) -> None:
    """The unfinished event is not relayed: glued to it, the error event would not be one, and the official
    client would fail on broken JSON instead of raising the API error."""
    first, second, third, *_ = events(["tok0 ", "tok1 ", "tok2 "])
    broken = chunked([first, second + third[:20]], end=False, pause=0.01)
    broken.parts.append(b"%x\r\n%b" % (len(third), third[20:30]))  # the connection closes mid-chunk, mid-event
    broken.close = True
    scripted.script = [broken]
    received: list[str] = []
    with cadre.client() as client, pytest.raises(openai.APIError) as caught:
        for chunk in call(client, "chat", stream=True):
            received.append(chunk.choices[0].delta.content)
    assert received == ["tok0 ", "tok1 "]  # the whole events that came before the cut
    assert isinstance(caught.value.body, dict) and caught.value.body["code"] == "upstream_stream_broken"
    decision = wait_until(lambda: cadre.decisions()["data"])[0]
    assert (decision["outcome"], decision["code"]) == ("failed", "upstream_stream_broken")


def test_a_client_that_leaves_once_it_read_the_final_event_had_its_answer(cadre: Served,
                                                                          scripted: ScriptedUpstream) -> None:
    """The official client closes its connection at [DONE]; an upstream that ends its answer a little later (the
    closing chunk apart) must not turn a whole answer into a failure in the log."""
    late_end = chunked(events(["un ", "deux"]), end=False)
    late_end.parts.append(b"0\r\n\r\n")
    late_end.pause = 0.3  # the closing chunk comes well after [DONE] (a wait, not a check)
    scripted.script = [late_end]
    assert _chat(cadre, stream=True) == ["un ", "deux"]
    decision = wait_until(lambda: cadre.decisions()["data"])[0]
    assert (decision["outcome"], decision["code"]) == ("forwarded", None)
    assert decision["total_tokens"] == USAGE["total_tokens"]
