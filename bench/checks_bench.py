"""Time the request check (issue 5: under 1 ms at p50): p50/p99 over the eval requests and over 2 kB texts.

    .venv/bin/python bench/checks_bench.py [--rounds 200]

Each checker is compiled once (as on publication); each timed call is one ``Checker.check(text)``. The
compile time per frame is printed too. The eval requests are timed together and split by their label (fits
requests mostly take the checker's fast path; off-frame ones always get the full reading).
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


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200, help="calls per text")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
