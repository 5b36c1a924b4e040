"""Several upstreams (CADRE_UPSTREAMS_FILE): each model goes to its upstream with that upstream's key and no
other, an exact name beats a prefix and the longest prefix wins; /v1/models merges every upstream and survives
one being down; an upstream's 429 keeps its Retry-After; a connection that fails before the request was sent is
retried once, a request the upstream may have read is not; a wrong file stops Cadre at start with a message."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import yaml
from pydantic import ValidationError

from app.config import Settings
from app.config.upstreams_file import read_routes
from app.upstream.client import sent_nothing
from app.upstream.http1 import ConnectFailed, Disconnected, InvalidResponse
from app.upstream.redact import REDACTED
from tests.support import UPSTREAM_KEY, ServerThread
from tests.support.cli import cadre, no_traceback
from tests.support.fake_upstream import REPLY_TEXT, FakeUpstream
from tests.support.gateway import CapturedLogs, Served, call, closed_port_url, shared_cadre, start
from tests.support.resilience import frame_and_key, start_cadre
from tests.support.tcp_servers import DroppingRelay, HangingUp, certificate

LOCAL_KEY = "sk-local-SECRET-never-leak"  # "local" reads it from LOCAL_KEY_ENV
CLOUD_KEY = "sk-cloud-SECRET-never-leak"  # "cloud" has it in the file (api_key)
LOCAL_KEY_ENV = "CADRE_TEST_LOCAL_KEY"
FAKE_429 = {"error": {"message": "slow down", "type": "rate_limit", "param": None, "code": "rate_limited"}}


def upstreams_file(folder: Path, local_url: str, cloud_url: str, **local: Any) -> Path:
    """The file of these tests: "local" (its key from a variable) and "cloud" (its key in the file)."""
    entries = [
        {"name": "local", "base_url": local_url, "api_key_env": LOCAL_KEY_ENV,
         "models": ["llama*", "mistral", "judge-model"], **local},
        {"name": "cloud", "base_url": cloud_url, "api_key": CLOUD_KEY, "models": ["llama3-70b", "llama3.1*"]},
    ]
    path = folder / "upstreams.yaml"
    path.write_text(yaml.safe_dump({"upstreams": entries}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_server() -> Iterator[tuple[FakeUpstream, str]]:
    """A second fake upstream (a local Ollama, say), beside conftest's (OpenAI, the default upstream)."""
    fake = FakeUpstream()
    server = ServerThread(fake).start()
    yield fake, server.url + "/v1"
    server.stop()


@pytest.fixture
def local(local_server: tuple[FakeUpstream, str]) -> FakeUpstream:
    local_server[0].reset()
    return local_server[0]


@pytest.fixture(scope="module")
def key_variable() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(LOCAL_KEY_ENV, LOCAL_KEY)
        yield


@pytest.fixture(scope="module")
def routed(tmp_path_factory, upstream_server, local_server, key_variable) -> Iterator[Served]:
    """Cadre with the default upstream (conftest's fake), "local" (the second fake) and "cloud" (conftest's fake
    again, told apart by its key)."""
    path = upstreams_file(tmp_path_factory.mktemp("upstreams"), local_server[1], upstream_server[1])
    with shared_cadre(tmp_path_factory, upstream_server[1], upstreams_file=path) as served:
        yield served


def _all_headers(*fakes: FakeUpstream) -> str:
    return repr([r.headers for fake in fakes for r in [*fake.requests, *fake.judge_requests]])


# ------------------------------------------------------------------------------------------- routing
@pytest.mark.parametrize(("model", "where", "key"), [
    ("gpt-4o", "default", UPSTREAM_KEY),  # no entry names it
    ("mistral", "local", LOCAL_KEY),  # exact name
    ("mistral-large", "default", UPSTREAM_KEY),  # "mistral" is exact, not a prefix
    ("llama2", "local", LOCAL_KEY),  # prefix llama*
    ("llama3-70b", "cloud", CLOUD_KEY),  # an exact name beats the prefix llama*
    ("llama3.1-8b", "cloud", CLOUD_KEY),  # the longest prefix wins: llama3.1* over llama*
])
def test_each_model_goes_to_its_upstream_with_that_upstreams_key_only(routed, upstream, local, model, where, key):
    with routed.client() as client:
        answer = call(client, "chat", model=model)
    assert answer.choices[0].message.content == REPLY_TEXT
    chosen, other = (local, upstream) if where == "local" else (upstream, local)
    assert [r.path for r in chosen.requests] == ["/v1/chat/completions"] and other.requests == []
    received = chosen.requests[0]
    assert received.headers["authorization"] == f"Bearer {key}"
    assert received.body["model"] == model
    assert routed.key not in _all_headers(upstream, local)  # the client's key never goes upstream


def test_a_stream_and_embeddings_are_routed_by_their_model(routed, upstream, local):
    with routed.client() as client:
        text = "".join(c.choices[0].delta.content or "" for c in call(client, "chat", stream=True, model="llama2")
                       if c.choices)
        embedding = client.embeddings.create(model="llama3-70b", input="Réparer")
    assert text.startswith("tok0 ")
    assert [(r.path, r.headers["authorization"]) for r in local.requests] == [
        ("/v1/chat/completions", f"Bearer {LOCAL_KEY}")]
    assert [(r.path, r.headers["authorization"]) for r in upstream.requests] == [
        ("/v1/embeddings", f"Bearer {CLOUD_KEY}")]
    assert embedding.data[0].embedding == [0.1, 0.2, 0.3]


# ----------------------------------------------------------------------------------------- /v1/models
def _listed(served: Served) -> tuple[str, list[str]]:
    with served.client() as client:
        page = client.models.with_raw_response.list()
        return page.headers["x-cadre-upstream"], [m.id for m in page.parse()]


def test_models_merges_every_upstream_each_id_once_from_the_upstream_serving_it(routed, upstream, local):
    upstream.models = ("gpt-4o", "llama3-70b", "llama2")  # the default and "cloud" (same fake, two keys)
    local.models = ("llama2", "mistral", "qwen2")
    # gpt-4o: the default's; llama3-70b: cloud's; llama2 and mistral: local's; qwen2 is routed to the default
    # upstream, which does not list it: a client choosing it would not reach the upstream that listed it.
    assert _listed(routed) == ("ok", ["gpt-4o", "llama2", "mistral", "llama3-70b", "cadre-preview"])
    keys = sorted(r.headers["authorization"] for r in [*upstream.requests, *local.requests])
    assert keys == sorted(f"Bearer {k}" for k in (UPSTREAM_KEY, LOCAL_KEY, CLOUD_KEY))


def test_models_survives_an_upstream_that_is_down(serve, upstream, key_variable, tmp_path):
    path = upstreams_file(tmp_path, closed_port_url(), closed_port_url())
    served = start(serve, upstreams_file=path)
    assert _listed(served) == ("local=unavailable, cloud=unavailable", ["fake-model", "cadre-preview"])
    with served.client() as client, pytest.raises(openai.APIStatusError) as caught:
        call(client, "chat", model="mistral")
    assert (caught.value.status_code, caught.value.code) == (502, "upstream_unavailable")


def test_without_an_openai_key_the_files_upstreams_still_serve(serve, upstream, local, local_server, key_variable,
                                                              tmp_path):
    path = upstreams_file(tmp_path, local_server[1], local_server[1])
    served = start(serve, upstreams_file=path, upstream_base_url="https://api.openai.com/v1", upstream_api_key=None)
    local.models = ("llama2", "gpt-4o")
    assert _listed(served) == ("ok", ["llama2", "cadre-preview"])  # OpenAI (no key) is not asked
    with httpx.Client(base_url=served.url, timeout=10) as http:
        assert http.get("/readyz").json()["checks"]["upstream"] == "configured"
    assert upstream.requests == []


# ------------------------------------------------------------------------------------ upstream errors
def test_a_429_of_the_second_upstream_keeps_its_status_body_and_retry_after(routed, upstream, local):
    local.mode = "error429"
    with routed.client() as client, pytest.raises(openai.RateLimitError) as caught:
        call(client, "chat", model="mistral")
    assert caught.value.response.json() == FAKE_429
    assert caught.value.response.headers["retry-after"] == "7"
    assert len(local.requests) == 1 and upstream.requests == []  # no retry of an answer, even a 429


def test_an_upstream_quoting_its_key_in_an_error_has_it_hidden(routed, upstream, local):
    local.mode = "error401"
    with routed.client() as client, pytest.raises(openai.AuthenticationError) as caught:
        call(client, "chat", model="mistral")
    body = caught.value.response.text
    assert LOCAL_KEY not in body and REDACTED.decode() in body


def test_the_judge_calls_the_upstream_that_serves_its_model(serve, upstream, local, local_server, key_variable,
                                                            tmp_path):
    path = upstreams_file(tmp_path, local_server[1], local_server[1])
    served = start(serve, upstreams_file=path, judge_model="judge-model", judge_timeout=5.0)
    with served.admin() as c:
        assert c.put(f"/api/frames/{served.slug}/policy", json={"policy": "refuse"}).status_code == 200
    with served.client() as client:
        call(client, "chat", messages=[{"role": "user", "content": "Rédige un post sur la révision des freins."}])
    assert len(local.judge_requests) == 1 and upstream.judge_requests == []
    assert local.judge_requests[0].headers["authorization"] == f"Bearer {LOCAL_KEY}"
    assert [r.path for r in upstream.requests] == ["/v1/chat/completions"]  # the generation: the default's


# --------------------------------------------------------------------------------------------- retry
def _retries(logs: CapturedLogs) -> int:
    return logs.text.count("before the request was sent; sending it once more")


def test_a_refused_connection_is_tried_once_more_then_502(serve, upstream):
    served = start(serve, upstream_base_url=closed_port_url())
    with CapturedLogs() as logs, served.client() as client, pytest.raises(openai.APIStatusError) as caught:
        call(client, "chat")
    assert (caught.value.status_code, caught.value.code) == (502, "upstream_unavailable")
    assert _retries(logs) == 1


def test_a_request_the_upstream_read_then_hung_up_on_is_not_sent_again(serve, upstream):
    hanging = HangingUp().start()
    try:
        served = start(serve, upstream_base_url=f"http://127.0.0.1:{hanging.port}/v1")
        with CapturedLogs() as logs, served.client() as client, pytest.raises(openai.APIStatusError) as caught:
            call(client, "chat")
        assert (caught.value.status_code, caught.value.code) == (502, "upstream_unavailable")
        assert (hanging.requests, hanging.connections) == (1, 1)  # a POST may have been acted on: never twice
        assert _retries(logs) == 0
    finally:
        hanging.stop()


def test_a_connection_dropped_before_the_request_was_sent_is_retried_and_answered(tmp_path, monkeypatch):
    """Over TLS, a connection closed at once fails during the handshake, before any byte of the request: the
    upstream here drops the first connection, and the client still gets its answer, the upstream one request.
    (``cadre serve`` in a process of its own, told to trust the test certificate through SSL_CERT_FILE.)"""
    cert, key = certificate(tmp_path)
    fake = FakeUpstream()
    tls = ServerThread(fake, ssl_certfile=str(cert), ssl_keyfile=str(key)).start()
    relay = DroppingRelay(tls.port, drop=1).start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    process = start_cadre(tmp_path, f"sqlite:///{tmp_path}/cadre.db", f"https://127.0.0.1:{relay.port}/v1")
    try:
        secret, _ = frame_and_key(process.url)
        with openai.OpenAI(base_url=process.url + "/v1", api_key=secret, max_retries=0, timeout=10) as client:
            answer = call(client, "chat")
        assert answer.choices[0].message.content == REPLY_TEXT
        assert (relay.connections, len(fake.requests)) == (2, 1)
        assert fake.requests[0].headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
    finally:
        process.stop()
        relay.stop()
        tls.stop()


def test_what_counts_as_nothing_sent():
    """The client's failures, as Upstream sorts them: only a connection that could not be opened left nothing
    sent (an idle connection seen closing is never written to), and a refused certificate is not tried again."""
    assert sent_nothing(ConnectFailed(ConnectionRefusedError(111, "refused")))
    assert sent_nothing(ConnectFailed(ssl.SSLError(1, "handshake failure")))
    assert not sent_nothing(ConnectFailed(ssl.SSLCertVerificationError(1, "certificate verify failed")))
    assert not sent_nothing(Disconnected("closed before the whole answer arrived"))
    assert not sent_nothing(InvalidResponse("not HTTP"))
    assert not sent_nothing(TimeoutError())


# ----------------------------------------------------------------------------------------- the file
BAD_FILES: list[tuple[str, str, tuple[str, str]]] = [
    ("bad-yaml", "upstreams: [\n  - name: local\n", ("YAML invalide", "invalid YAML")),
    ("no-list", "models: [llama3]\n", ("clé « upstreams »", "“upstreams” key")),
    ("no-base-url", "upstreams:\n  - {name: local, models: [llama3]}\n",
     ("« base_url » manque", "“base_url” is missing")),
    ("unknown-field", "upstreams:\n  - {name: local, base_url: 'http://h/v1', models: [a], key: x}\n",
     ("champ inconnu « key »", "unknown field “key”")),
    ("same-name", "upstreams:\n  - {name: local, base_url: 'http://h/v1', models: [a]}\n"
     "  - {name: local, base_url: 'http://g/v1', models: [b]}\n",
     ("« local » est déjà pris", "“local” is already taken")),
    ("same-model", "upstreams:\n  - {name: a, base_url: 'http://h/v1', models: ['llama*']}\n"
     "  - {name: b, base_url: 'http://g/v1', models: ['llama*']}\n",
     ("« llama* » est déjà routé vers « a »", "“llama*” is already routed to “a”")),
    ("star-alone", "upstreams:\n  - {name: a, base_url: 'http://h/v1', models: ['*']}\n",
     ("une étoile seulement, à la fin d'un préfixe", "one star only, at the end of a prefix")),
    ("missing-variable", "upstreams:\n  - {name: a, base_url: 'http://h/v1', api_key_env: CADRE_TEST_UNSET_KEY, "
     "models: [m]}\n", ("CADRE_TEST_UNSET_KEY (api_key_env) n'est pas définie", "is not set")),
    ("two-keys", "upstreams:\n  - {name: a, base_url: 'http://h/v1', api_key: sk-in-file-SECRET, "
     "api_key_env: X, models: [m]}\n", ("pas les deux", "not both")),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in BAD_FILES], ids=[i for i, _, _ in BAD_FILES])
def test_a_wrong_file_is_refused_with_a_message_in_both_languages(tmp_path, text, expected):
    path = tmp_path / "upstreams.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        Settings(upstreams_file=path)
    message = str(caught.value)
    assert f"{path} : fichier des amonts invalide. / {path}: invalid upstreams file." in message
    assert expected[0] in message and expected[1] in message
    assert "sk-in-file-SECRET" not in message


def test_cadre_serve_refuses_to_start_on_a_wrong_file(tmp_path):
    path = tmp_path / "upstreams.yaml"
    path.write_text("upstreams:\n  - {name: local, models: [llama3]}\n", encoding="utf-8")
    result = cadre("serve", "--port", "1", database_url=f"sqlite:///{tmp_path}/cadre.db",
                   env={"CADRE_UPSTREAMS_FILE": str(path)})
    assert result.returncode != 0
    no_traceback(result)
    assert "CADRE_UPSTREAMS_FILE" in result.stderr
    assert "« base_url » manque ou n'est pas une URL http(s). / entry 1 (local): “base_url” is missing" in result.stderr


@pytest.mark.parametrize("variable", ["CADRE_UPSTREAM_CONNECT_TIMEOUT", "CADRE_UPSTREAM_READ_TIMEOUT"])
def test_cadre_serve_refuses_a_timeout_that_is_not_positive(tmp_path, variable):
    """A zero read timeout would fail every upstream call at once: Cadre refuses to start and names the setting."""
    result = cadre("serve", "--port", "1", database_url=f"sqlite:///{tmp_path}/cadre.db", env={variable: "0"})
    assert result.returncode != 0
    no_traceback(result)
    assert "configuration invalide / invalid configuration" in result.stderr
    assert f"{variable}: Input should be greater than 0" in result.stderr


def test_a_route_never_shows_its_key(tmp_path):
    path = upstreams_file(tmp_path, "http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1")
    routes = read_routes(path, {LOCAL_KEY_ENV: LOCAL_KEY})
    assert [(r.name, r.api_key) for r in routes] == [("local", LOCAL_KEY), ("cloud", CLOUD_KEY)]
    assert LOCAL_KEY not in repr(routes) and CLOUD_KEY not in repr(routes)

