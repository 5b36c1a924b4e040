"""The fake upstream as a process of its own, for the tests that kill it or keep it off the test's GIL:
``python -m tests.support.fake_upstream_main PORT [--chunks N] [--chunk-delay SECONDS]``."""

from __future__ import annotations

import argparse
from collections import deque

import uvicorn

from tests.support.fake_upstream import FakeUpstream


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("port", type=int)
    parser.add_argument("--chunks", type=int, default=5, help="content chunks of each streamed answer")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds between streamed chunks")
    args = parser.parse_args()
    fake = FakeUpstream(chunks=args.chunks, chunk_delay=args.chunk_delay)
    fake.requests = deque(maxlen=100)  # type: ignore[assignment]  # nobody reads them: keep memory flat
    uvicorn.run(fake, host="127.0.0.1", port=args.port, log_level="warning", lifespan="on", access_log=False)


if __name__ == "__main__":
    main()
