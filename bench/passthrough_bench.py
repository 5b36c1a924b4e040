"""Time what exact pass-through costs on the request path: reading a /v1 body and writing it back injected.

    .venv/bin/python bench/passthrough_bench.py [--rounds 20000]

Three bodies: a short chat request (one question), a 14 kB chat with tools and a long history, and the same
short request holding one integer past 64 bits (the slow path: read again by the standard library). For each,
``orjson.loads`` alone (Cadre before this change), ``payloads.loads`` (orjson plus the search for long digit runs,
and the second reading when one is found), and the whole parse + inject + ``orjson.dumps`` as the gateway does it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.frames.prompts import inject_chat  # noqa: E402
from app.gateway import payloads  # noqa: E402

FRAME = "Cadre de l'atelier: " + "offre, public, promesse, priorités, refus. " * 40  # ~2 kB, as rendered


def short_body(extra: dict[str, Any] | None = None) -> bytes:
    return orjson.dumps({"model": "gpt-4o-mini", "messages": [
        {"role": "user", "content": "Écris un post LinkedIn sur notre atelier de réparation de vélos."}],
        "temperature": 0.7, "stream": False, **(extra or {})})


def long_body() -> bytes:
    tool = {"type": "function", "function": {"name": "book_repair", "description": "Book a repair slot " * 5,
            "parameters": {"type": "object", "properties": {f"field_{i}": {"type": "string", "description": "x" * 40}
                                                           for i in range(10)}}}}
    history = [{"role": "user" if i % 2 == 0 else "assistant", "content": "Une phrase de conversation. " * 12}
               for i in range(30)]
    return orjson.dumps({"model": "gpt-4o-mini", "messages": history, "tools": [tool] * 3, "temperature": 1.0e-7,
                         "seed": 123456789, "logit_bias": {"50256": -100}})


def time_us(fn: Callable[[], object], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - start) / 1000)
    return out


def line(name: str, values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100)
    return f"  {name:34} p50 {statistics.median(values):7.2f} us   p99 {cuts[98]:7.2f} us"


def whole(raw: bytes) -> bytes:
    payload = payloads.parse(raw, payloads.CHAT)
    return orjson.dumps(inject_chat(payload, FRAME))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20_000, help="calls per measurement")
    args = parser.parse_args()
    bodies = {"short chat": short_body(), "14 kB chat with tools": long_body(),
              "short chat, one 2**70 integer": short_body({"seed": orjson.Fragment(str(2**70))})}
    for name, raw in bodies.items():
        print(f"{name} ({len(raw):,} bytes)")
        for label, fn in (("orjson.loads (before)", lambda raw=raw: orjson.loads(raw)),
                          ("payloads.loads (now)", lambda raw=raw: payloads.loads(raw)),
                          ("parse + inject + dumps (now)", lambda raw=raw: whole(raw))):
            time_us(fn, 500)  # warm-up
            print(line(label, time_us(fn, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
