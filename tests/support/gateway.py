"""Helpers of the gateway tests (tests/test_gateway_*.py): Cadre served by uvicorn with a frame and a key,
the official ``openai`` client pointed at it, and the decision log read through the management API."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import httpx2
import openai
import pytest

from app.main import create_app
from tests.support import ADMIN, PUBLIC_URL, ServerThread, cadre_settings, free_port, good_frame, put_frame
from tests.support.waiting import wait_until

TIMEOUT = 10.0  # every client call of these tests is bounded by this
SLUG = "rustine"
CONSOLE = f"{PUBLIC_URL}/admin/frames/{SLUG}"  # where a refusal sends people to clarify the frame
SETTINGS: dict[str, Any] = {}  # extra settings of every server these helpers start
ENDPOINTS = ["chat", "completions", "responses"]
PROMPT = "Écris un post pour la rentrée."
CHAT = [{"role": "user", "content": PROMPT}]


@dataclass
class Served:
    """A Cadre served on 127.0.0.1, with one frame and one client key bound to it."""

    url: str
    key: str
    key_id: str
    slug: str

    def admin(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=ADMIN, timeout=TIMEOUT)

    def client(self, key: str | None = None, max_retries: int = 0, **options: Any) -> openai.OpenAI:
        """The official client, as a tool would configure it (base URL + key)."""
        return openai.OpenAI(base_url=self.url + "/v1", api_key=key or self.key, max_retries=max_retries,
                             timeout=TIMEOUT, **options)

    def http(self, key: str | None = None) -> httpx.Client:
        """A plain HTTP client with the key as bearer, for what the official client cannot send."""
        return httpx.Client(base_url=self.url, timeout=TIMEOUT,
                            headers={"authorization": f"Bearer {key or self.key}"})

    def new_key(self, frame: str | None = None, style: str = "error") -> tuple[str, str]:
        """(secret, id) of a new key bound to ``frame``."""
        with self.admin() as c:
            r = c.post("/api/keys", json={"frame": frame or self.slug, "name": "test", "refusal_style": style})
            assert r.status_code == 201, r.text
            return r.json()["secret"], r.json()["id"]

    def prompt(self) -> str:
        """The published frame as the model receives it (the management API's rendering)."""
        with self.admin() as c:
            r = c.get(f"/api/frames/{self.slug}/prompt", params={"source": "published"})
            assert r.status_code == 200, r.text
            text: str = r.json()["prompt"]
            return text

    def decisions(self, **filters: Any) -> dict[str, Any]:
        with self.admin() as c:
            r = c.get("/api/decisions", params={k: v for k, v in filters.items() if v is not None})
            assert r.status_code == 200, r.text
            page: dict[str, Any] = r.json()
            return page


def start(serve: Callable[..., str], *, frame: dict[str, Any] | None = None, publish: bool = True,
          style: str = "error", slug: str = SLUG, **settings: Any) -> Served:
    """Serve Cadre (settings overrides as keywords), save (and publish) ``frame``, create a key."""
    url = serve(**{**SETTINGS, **settings})
    with httpx.Client(base_url=url, headers=ADMIN, timeout=TIMEOUT) as c:
        put_frame(c, slug, frame if frame is not None else good_frame(), publish)
        r = c.post("/api/keys", json={"frame": slug, "name": "test", "refusal_style": style})
        assert r.status_code == 201, r.text
    return Served(url, r.json()["secret"], r.json()["id"], slug)


def set_policy(served: Served, policy: str) -> None:
    """Set the frame's check policy (off | flag | refuse) through the management API; a missing route fails."""
    with served.admin() as c:
        r = c.put(f"/api/frames/{served.slug}/policy", json={"policy": policy})
    assert r.status_code == 200, r.text
    assert r.json()["check_policy"] == policy, r.text


def last_id(served: Served) -> int:
    """The id of the newest decision recorded so far (0 when there is none)."""
    data = served.decisions(limit=1)["data"]
    return int(data[0]["id"]) if data else 0


def latest(served: Served, after: int) -> dict[str, Any]:
    """The newest decision, once there is one after ``after`` (a stream's record lands just after its end)."""
    found = wait_until(lambda: [d for d in served.decisions(limit=1)["data"] if d["id"] > after])
    assert found, "no new decision"
    record: dict[str, Any] = found[0]
    return record


def chat_status(served: Served, content: str = PROMPT, key: str | None = None, **options: Any) -> int:
    """One chat request through the official client (a stream read to its end); the HTTP status Cadre answered."""
    with served.client(key) as client:
        try:
            answer = client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": content}],
                                                    **options)
            if options.get("stream"):
                for _ in answer:
                    pass
        except openai.APIStatusError as error:
            return error.status_code
    return 200


@contextlib.contextmanager
def shared_cadre(tmp_path_factory: pytest.TempPathFactory, upstream_url: str, *, frame: dict[str, Any] | None = None,
                 publish: bool = True, style: str = "error", **settings: Any) -> Iterator[Served]:
    """Like ``start``, for a module-scoped fixture: one server for many tests that do not change its state
    (a server per test costs a few tenths of a second)."""
    database = tmp_path_factory.mktemp("cadre") / "cadre.db"
    server = ServerThread(create_app(cadre_settings(f"sqlite:///{database}", upstream_url,
                                                    **{**SETTINGS, **settings}))).start()
    try:
        yield start(lambda **_: server.url, frame=frame, publish=publish, style=style)
    finally:
        server.stop()


def closed_port_url() -> str:
    """An upstream base URL where nothing listens."""
    return f"http://127.0.0.1:{free_port()}/v1"


class RequestLog:
    """What the official client really sent: an httpx2 event hook, shared by every attempt (retries too)."""

    def __init__(self) -> None:
        self.sent: list[httpx2.Request] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx2.Request) -> None:
        with self._lock:
            self.sent.append(request)

    def http_client(self) -> httpx2.Client:
        return httpx2.Client(event_hooks={"request": [self]}, timeout=TIMEOUT)

    def last_body(self) -> Any:
        return json.loads(self.sent[-1].content)


def sse_events(lines: Iterator[str]) -> list[tuple[str | None, Any]]:
    """(event name, JSON data) of an SSE stream read line by line; ``[DONE]`` kept as the string."""
    out: list[tuple[str | None, Any]] = []
    event: str | None = None
    for line in lines:
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
            out.append((event, data if data == "[DONE]" else json.loads(data)))
            event = None
    return out


def call(client: openai.OpenAI, endpoint: str, stream: bool = False, raw: bool = False, model: str = "fake-model",
         **fields: Any) -> Any:
    """One generation request on ``endpoint`` (chat | completions | responses) through the official client;
    with ``raw``, the SDK's raw response (status, headers; ``.parse()`` for the answer)."""
    if endpoint == "chat":
        api: Any = client.chat.completions
        fields.setdefault("messages", CHAT)
    elif endpoint == "completions":
        api = client.completions
        fields.setdefault("prompt", PROMPT)
    else:
        api = client.responses
        fields.setdefault("input", PROMPT)
    create = api.with_raw_response.create if raw else api.create
    return create(model=model, stream=stream, **fields)


def text_of(endpoint: str, stream: bool, answer: Any) -> str:
    """The assistant text of a parsed answer or of a stream (read to its end)."""
    if stream:
        return {"chat": chat_text, "completions": completion_text, "responses": responses_text}[endpoint](answer)
    if endpoint == "chat":
        return str(answer.choices[0].message.content)
    if endpoint == "completions":
        return str(answer.choices[0].text)
    return str(answer.output_text)


def refusal_of(endpoint: str, stream: bool, answer: Any) -> str:
    """The refusal in OpenAI's own fields: ``message.refusal`` (content null) for chat, the ``refusal`` content
    part for responses, the text for legacy completions (which have no refusal field); streams read to the end."""
    if endpoint == "completions":
        return text_of(endpoint, stream, answer)
    if endpoint == "chat" and not stream:
        message = answer.choices[0].message
        assert message.content is None
        return str(message.refusal)
    if endpoint == "chat":
        chunks = [c for c in answer if c.choices]
        assert all(not c.choices[0].delta.content for c in chunks)
        return "".join(c.choices[0].delta.refusal or "" for c in chunks)
    if not stream:
        part = answer.output[0].content[0]
        assert part.type == "refusal" and answer.output_text == ""
        return str(part.refusal)
    events = list(answer)
    assert not [e for e in events if e.type == "response.output_text.delta"]
    done = [e.refusal for e in events if e.type == "response.refusal.done"]
    deltas = "".join(e.delta for e in events if e.type == "response.refusal.delta")
    assert done == [deltas]
    return deltas


def chat_text(stream: Any) -> str:
    return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)


def completion_text(stream: Any) -> str:
    return "".join(c.choices[0].text for c in stream if c.choices)


def responses_text(stream: Any) -> str:
    return "".join(e.delta for e in stream if e.type == "response.output_text.delta")


class CapturedLogs(logging.Handler):
    """Every log record of this process while active, uvicorn's own loggers included (they do not propagate)."""

    LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "cadre", "aiohttp", "asyncio")
    NOT_PROPAGATING = ("", "uvicorn", "uvicorn.access")  # where the handler is attached

    def __init__(self, level: int = logging.DEBUG) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self._levels: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if not any(r is record for r in self.records[-3:]):  # a record seen twice (propagation) counts once
            self.records.append(record)

    @property
    def text(self) -> str:
        return "\n".join(self.format(r) for r in list(self.records))

    def errors(self) -> list[str]:
        return [self.format(r) for r in list(self.records) if r.levelno >= logging.ERROR]

    def __enter__(self) -> CapturedLogs:
        for name in self.LOGGERS:
            logger = logging.getLogger(name)
            self._levels[name] = logger.level
            logger.setLevel(self.level)
            if name in self.NOT_PROPAGATING:
                logger.addHandler(self)
        return self

    def __exit__(self, *_: object) -> None:
        for name, level in self._levels.items():
            logger = logging.getLogger(name)
            logger.removeHandler(self)
            logger.setLevel(level)
