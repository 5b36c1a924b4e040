"""Helpers of the attack tests: ``cadre serve`` as a real process (its memory read from /proc), and raw sockets
for what an HTTP client library would refuse to send."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.support import ADMIN_TOKEN
from tests.support.resilience import Process, start_cadre

MIB = 1024 * 1024
IO_TIMEOUT = 10.0  # every socket operation of these tests is bounded by this


def status_kib(pid: int, field: str) -> int:
    """A memory figure of /proc/PID/status (VmRSS, VmHWM ...), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def reset_peak(pid: int) -> None:
    """Reset the process's peak resident memory (VmHWM) to its resident memory now (Linux: clear_refs 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


@contextlib.contextmanager
def peak_growth(process: Process) -> Iterator[list[int]]:
    """Measure how far the resident memory of ``process`` rose above where it was, at its peak, while the block
    ran: the figure (KiB) is in the yielded list afterwards."""
    reset_peak(process.pid)
    before = status_kib(process.pid, "VmRSS")
    found: list[int] = []
    yield found
    found.append(status_kib(process.pid, "VmHWM") - before)


def cadre_process(tmp: Path, upstream_url: str = "http://127.0.0.1:9/v1", **settings: Any) -> Process:
    """``cadre serve`` over a new SQLite file in ``tmp``, with Cadre's own limits."""
    return start_cadre(tmp, f"sqlite:///{tmp}/cadre.db", upstream_url, **settings)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def head(method: str, path: str, *headers: str) -> bytes:
    """A request head (request line, host, ``headers``, blank line)."""
    return "\r\n".join([f"{method} {path} HTTP/1.1", "host: 127.0.0.1", *headers, "", ""]).encode()


def read_answer(sock: socket.socket, timeout: float = IO_TIMEOUT) -> bytes:
    """What the server sends until it closes the connection or stays silent for ``timeout`` seconds."""
    return read_until_closed(sock, timeout)[0]


def read_until_closed(sock: socket.socket, timeout: float = IO_TIMEOUT) -> tuple[bytes, bool]:
    """(what the server sent, whether it closed the connection) within ``timeout`` seconds of silence (a reset
    counts as a close)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        return data, False
    except OSError:
        return data, True
    return data, True


def drip_until_closed(sock: socket.socket, piece: bytes, every: float, limit: float) -> bool:
    """Send ``piece`` every ``every`` seconds, as a slow client would, until the server closes the connection
    (True) or ``limit`` seconds passed (False)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            sock.sendall(piece)
        except OSError:
            return True
        sock.settimeout(every)
        try:
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


def status_of(answer: bytes) -> int | None:
    """The status code of a raw HTTP answer (None when there is none)."""
    if not answer.startswith(b"HTTP/1."):
        return None
    return int(answer.split(b" ", 2)[1])


def send_until_refused(sock: socket.socket, first: bytes, total: int, piece: bytes) -> int:
    """Send ``first`` then ``piece`` again and again until ``total`` bytes went or the server stops reading or
    closes; return how many bytes went."""
    sent = 0
    with contextlib.suppress(OSError):
        sock.sendall(first)
        sent = len(first)
        while sent < total:
            sock.sendall(piece)
            sent += len(piece)
    return sent


def in_threads(work: Callable[[int], Any], count: int, timeout: float = 120.0) -> list[Any]:
    """``work(i)`` for i in range(count), each in a thread of its own, all at once; their results."""
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "a client thread did not finish in time"
    return results


ADMIN_BEARER = f"authorization: Bearer {ADMIN_TOKEN}"
