"""Waiting in tests: on a condition, with a deadline, never for a fixed time when the condition can be seen."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T], timeout: float = 5.0, interval: float = 0.02) -> T:
    """Poll ``condition`` until it returns something truthy or ``timeout`` seconds passed; return its last value
    (assert on it: a falsy value means the deadline passed)."""
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(interval)


def away_from_a_minute_end(margin: float = 10.0) -> None:
    """Wait for the next minute if fewer than ``margin`` seconds are left of this one: rate limits are per minute
    of the wall clock (in the server's process, where no clock can be injected), and right after a minute ends the
    estimate of the last 60 s starts to fall (app/ops/ratelimit.py)."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.5)  # the wait is the clock reaching the next minute, computed, not guessed
