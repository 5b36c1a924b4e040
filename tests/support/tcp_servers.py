"""Raw TCP servers on 127.0.0.1 for the upstream retry tests, each in a thread with its own event loop: a relay
that drops its first connections at once (before a TLS handshake could happen) and relays the others, and an
upstream that reads a whole request and hangs up without answering. Plus a throwaway certificate for TLS."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class TcpServer:
    """``handle(reader, writer)`` for each connection, on a free port of 127.0.0.1, in a thread of its own."""

    def __init__(self) -> None:
        self.port = 0
        self.connections = 0
        self.closed = 0  # connections this server closed (their socket is closed once counted)
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def _counted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            await self.handle(reader, writer)
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        self.closed += 1

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        server = await asyncio.start_server(self._counted, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()

    def start(self) -> TcpServer:
        self._thread.start()
        assert self._ready.wait(10), "the TCP server did not start"
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)


class DroppingRelay(TcpServer):
    """Closes its first ``drop`` connections as soon as they are accepted, relays the next ones to ``target``."""

    def __init__(self, target: int, drop: int = 1) -> None:
        super().__init__()
        self.target, self.drop = target, drop

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.connections <= self.drop:
            return  # closed by _counted: the client had no time to send anything but its TLS hello
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            up_writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


class HangingUp(TcpServer):
    """Reads each request whole (head and Content-Length body), counts it, and closes without answering."""

    def __init__(self) -> None:
        super().__init__()
        self.requests = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        await reader.readexactly(length)
        self.requests += 1


def certificate(folder: Path, name: str | None = None) -> tuple[Path, Path]:
    """(certificate, key) of a self-signed certificate for 127.0.0.1 (and the host ``name``, if given), made with
    the openssl command."""
    if shutil.which("openssl") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but there is no openssl command (.ci/run installs it)")
        pytest.skip("no openssl command to make a test certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1" + (f",DNS:{name}" if name else ""),
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=30)
    return cert, key
