"""Helpers of the resilience tests: ``cadre serve`` and the fake upstream as real processes on 127.0.0.1, a
frame and key set up through the management API, and SSE streams read with bounded waits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.support import ADMIN, ADMIN_TOKEN, PUBLIC_URL, ROOT, UPSTREAM_KEY, free_port, good_frame, put_frame
from tests.support.cli import COMMAND

SLUG = "rustine"
START_TIMEOUT = 30.0  # seconds a process gets to answer its first request


class Process:
    """A child process on 127.0.0.1:``port``, its output kept in a file (a pipe nobody reads would block it)."""

    def __init__(self, args: list[str], port: int, log: Path, env: dict[str, str] | None = None) -> None:
        self.port, self.log = port, log
        self._out = log.open("wb")
        self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text(errors="replace")

    def wait_ready(self, path: str) -> None:
        """Poll ``path`` until it answers (bounded); fail with the process's output otherwise."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"process exited with {self.popen.returncode}:\n{self.output()}")
            try:
                httpx.get(self.url + path, timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"process did not answer within {START_TIMEOUT} s:\n{self.output()}")

    def signal(self, number: int) -> None:
        self.popen.send_signal(number)

    def wait(self, timeout: float) -> int:
        return self.popen.wait(timeout=timeout)

    def stop(self) -> None:
        """Whatever happened: end the process (TERM, then KILL) and close its log."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self._out.close()

    def rss_kib(self) -> int:
        """Resident memory of the process (VmRSS, KiB)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS in /proc status")


def start_upstream(tmp: Path, *, chunks: int = 5, chunk_delay: float = 0.0) -> Process:
    """The fake upstream in a process of its own (``tests/support/fake_upstream_main.py``); its base URL is
    ``process.url + '/v1'``."""
    port = free_port()
    args = [sys.executable, "-m", "tests.support.fake_upstream_main", str(port), "--chunks", str(chunks),
            "--chunk-delay", str(chunk_delay)]
    process = Process(args, port, tmp / f"upstream-{port}.log")
    process.wait_ready("/v1/models")
    return process


def start_cadre(tmp: Path, database_url: str, upstream_url: str, *serve_args: str, **settings: Any) -> Process:
    """``cadre serve [serve_args]`` on a free port, configured through CADRE_* variables (``settings`` as
    keywords)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CADRE_") and k != "OPENAI_API_KEY"}
    values: dict[str, Any] = {
        "database_url": database_url, "admin_token": ADMIN_TOKEN, "public_url": PUBLIC_URL,
        "upstream_base_url": upstream_url, "upstream_api_key": UPSTREAM_KEY, "upstream_read_timeout": 10.0,
        "upstream_connect_timeout": 2.0, "decision_flush_interval": 0.1, "log_level": "warning",
        **settings,
    }
    env.update({f"CADRE_{name.upper()}": str(value) for name, value in values.items()})
    process = Process([*COMMAND, "serve", "--port", str(port), *serve_args], port, tmp / f"cadre-{port}.log", env)
    process.wait_ready("/healthz")
    return process


def frame_and_key(url: str, slug: str = SLUG) -> tuple[str, str]:
    """Save and publish a frame through the management API of ``url``, create a key: (secret, key id)."""
    with httpx.Client(base_url=url, headers=ADMIN, timeout=10.0) as c:
        put_frame(c, slug, good_frame())
        r = c.post("/api/keys", json={"frame": slug, "name": "resilience", "refusal_style": "error"})
        assert r.status_code == 201, r.text
        return r.json()["secret"], r.json()["id"]


def chat_body(stream: bool = True, model: str = "fake-model") -> dict[str, Any]:
    return {"model": model, "stream": stream, "messages": [{"role": "user", "content": "Écris un post."}]}


def read_stream(url: str, key: str, request_id: str, timeout: float = 10.0,
                on_line: Callable[[], None] | None = None) -> tuple[int, list[str]]:
    """One streamed chat request: (status, the lines received until the server closed the stream); ``on_line``
    is called at each line. Every read is bounded by ``timeout``: a stream left open raises, never hangs."""
    headers = {"authorization": f"Bearer {key}", "x-request-id": request_id}
    lines: list[str] = []
    with httpx.Client(timeout=httpx.Timeout(timeout, connect=5.0)) as c, c.stream(
            "POST", url + "/v1/chat/completions", json=chat_body(), headers=headers) as r:
        for line in r.iter_lines():
            if line:
                lines.append(line)
                if on_line is not None:
                    on_line()
        return r.status_code, lines


def data_lines(lines: list[str]) -> list[str]:
    return [line[6:] for line in lines if line.startswith("data: ")]
