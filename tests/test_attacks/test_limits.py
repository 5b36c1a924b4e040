"""Limits before work: what a client without any token could make Cadre hold (bodies, heads, connections, time),
against ``cadre serve`` on 127.0.0.1, its memory read from /proc."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx

from tests.support import ADMIN, good_frame
from tests.support.attacks import (
    ADMIN_BEARER,
    MIB,
    cadre_process,
    connect,
    drip_until_closed,
    head,
    in_threads,
    peak_growth,
    read_answer,
    read_until_closed,
    send_until_refused,
    status_of,
)
from tests.support.resilience import Process

MAX_GROWTH_KIB = 30 * 1024


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%b\r\n" % (len(data), data)


def _warm_up(cadre: Process) -> None:
    """A few ordinary requests of each kind, so that what is loaded on first use is loaded before measuring."""
    with httpx.Client(base_url=cadre.url, timeout=10) as c:
        for _ in range(3):
            c.get("/healthz")
            c.put("/api/frames/rustine/draft", json=good_frame(), headers=ADMIN)
            c.put("/api/frames/rustine/draft", json=good_frame())
            c.get("/admin/sign-in")
            c.post("/admin/sign-in", data={"token": "x"})
            c.post("/v1/chat/completions", json={"model": "m", "messages": []})


def test_four_unauthenticated_50_mib_bodies_leave_the_memory_flat(tmp_path: Path) -> None:
    cadre = cadre_process(tmp_path)
    try:
        _warm_up(cadre)

        def attack(i: int) -> int | None:
            sock = connect(cadre.port)
            if i % 2 == 0:  # a declared size, on the management API's largest route, without a token
                first = head("PUT", "/api/frames/rustine/draft", "content-type: application/json",
                             f"content-length: {50 * MIB}") + b'{"name": "'
                send_until_refused(sock, first, 50 * MIB, b"a" * MIB)
            else:  # no size declared (chunked), on the sign-in form anyone may post
                first = head("POST", "/admin/sign-in", "content-type: application/x-www-form-urlencoded",
                             "transfer-encoding: chunked") + _chunk(b"token=")
                send_until_refused(sock, first, 50 * MIB, _chunk(b"a" * MIB))
            answer = read_answer(sock, 5)
            sock.close()
            return status_of(answer)

        with peak_growth(cadre) as growth:
            statuses = in_threads(attack, 4)
        print(f"peak growth: {growth[0]} KiB")
        assert growth[0] < MAX_GROWTH_KIB, f"the server grew by {growth[0]} KiB"
        assert set(statuses) <= {413, None}, statuses  # None: the server closed before the client read its 413
        assert httpx.get(cadre.url + "/healthz", timeout=10).status_code == 200
    finally:
        cadre.stop()


def test_ten_unfinished_8_mib_heads_leave_the_memory_flat(tmp_path: Path) -> None:
    cadre = cadre_process(tmp_path)
    try:
        _warm_up(cadre)

        def attack(_: int) -> tuple[int | None, bool]:
            sock = connect(cadre.port)
            send_until_refused(sock, b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-padding: ", 8 * MIB,
                               b"a" * 65536)
            answer, closed = read_until_closed(sock, 5)
            sock.close()
            return status_of(answer), closed

        with peak_growth(cadre) as growth:
            results = in_threads(attack, 10)
        print(f"peak growth: {growth[0]} KiB")
        assert growth[0] < MAX_GROWTH_KIB, f"the server grew by {growth[0]} KiB"
        assert all(closed for _, closed in results), results
        assert {status for status, _ in results} <= {431, None}, results
        assert httpx.get(cadre.url + "/healthz", timeout=10).status_code == 200
    finally:
        cadre.stop()


def test_a_head_too_large_gets_431_and_an_ordinary_one_passes(tmp_path: Path) -> None:
    cadre = cadre_process(tmp_path, max_header_bytes=4096)
    try:
        with httpx.Client(base_url=cadre.url, timeout=10) as c:
            assert c.get("/healthz", headers={"x-padding": "a" * 3000}).status_code == 200
            assert c.get("/healthz", headers={"x-padding": "a" * 5000}).status_code == 431
            assert c.get("/healthz?" + "a" * 5000).status_code == 431  # the request line counts too
    finally:
        cadre.stop()


def test_heads_and_bodies_sent_too_slowly_are_cut_off(tmp_path: Path) -> None:
    cadre = cadre_process(tmp_path, header_timeout=1, body_timeout=1)
    try:
        silent = connect(cadre.port)  # connects and never sends a byte
        dripping = connect(cadre.port)  # a head, one byte every 0.2 s, never finished
        dripping.sendall(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ")
        stalled = connect(cadre.port)  # a whole head, then half its body, then nothing
        stalled.sendall(head("POST", "/api/lint", ADMIN_BEARER, "content-type: application/json",
                             "content-length: 1000") + b'{"name": ')
        assert drip_until_closed(dripping, b"a", every=0.2, limit=8), "a head sent byte by byte was never cut off"
        answer, closed = read_until_closed(silent, 8)
        assert closed and status_of(answer) in (408, None)
        answer, closed = read_until_closed(stalled, 8)
        assert closed and status_of(answer) == 408, answer
        assert httpx.get(cadre.url + "/healthz", timeout=10).status_code == 200
    finally:
        cadre.stop()


def test_connections_beyond_the_limit_are_answered_503(tmp_path: Path) -> None:
    cadre = cadre_process(tmp_path, max_connections=4)
    try:
        held = [connect(cadre.port) for _ in range(4)]
        with httpx.Client(base_url=cadre.url, timeout=10) as c:
            assert c.get("/healthz").status_code == 503
            for sock in held:
                sock.close()
            assert c.get("/healthz").status_code == 200
    finally:
        cadre.stop()


def test_bodies_over_the_limit_get_413_on_every_route_and_the_admin_token_is_checked_first(tmp_path: Path) -> None:
    cadre = cadre_process(tmp_path, max_admin_body_bytes=64 * 1024)
    try:
        big = json.dumps({**good_frame(), "proof": ["x" * 100] * 1000}).encode()
        assert len(big) > 64 * 1024
        with httpx.Client(base_url=cadre.url, timeout=10) as c:
            declared = c.put("/api/frames/rustine/draft", content=big, headers={**ADMIN, "content-type":
                                                                                "application/json"})
            assert declared.status_code == 413 and declared.json()["error"]["code"] == "body_too_large"
            chunked = c.post("/api/lint", content=iter([big[i:i + 4096] for i in range(0, len(big), 4096)]),
                             headers={**ADMIN, "content-type": "application/json"})
            assert chunked.status_code == 413 and chunked.json()["error"]["code"] == "body_too_large"
            sign_in = c.post("/admin/sign-in", content=iter([b"token=", b"a" * 70_000]),
                             headers={"content-type": "application/x-www-form-urlencoded"})
            assert sign_in.status_code == 413
            assert c.get("/healthz").status_code == 200
        # No token: refused before the body is read (here it is never sent at all).
        sock = connect(cadre.port)
        sock.sendall(head("PUT", "/api/frames/rustine/draft", "content-type: application/json",
                          "content-length: 1000"))
        answer = read_answer(sock, 5)
        sock.close()
        assert status_of(answer) == 401, answer
        assert b'"invalid_admin_token"' in answer
    finally:
        cadre.stop()


def test_a_refusal_sent_before_the_body_closes_the_connection(tmp_path: Path) -> None:
    cadre = cadre_process(tmp_path)
    try:
        sock = connect(cadre.port)
        sock.sendall(head("PUT", "/api/frames/rustine/draft", "content-type: application/json",
                          "content-length: 100000") + b"{")
        answer, closed = read_until_closed(sock, 5)
        assert status_of(answer) == 401 and closed
        with socket.create_connection(("127.0.0.1", cadre.port), timeout=5):
            pass
    finally:
        cadre.stop()
