"""Counters and histograms of the gateway, exposed at /metrics in the Prometheus text format (version 0.0.4).

Hand-written rather than ``prometheus_client``: the request path only adds to dicts and lists it owns (one
event loop, no locks), and the text is composed when Prometheus asks. Each process counts its own requests;
with several workers or replicas, Prometheus scrapes each one (docs/deployment.md).

The ``model`` label comes from clients: after ``MAX_MODELS`` distinct names, new ones count as ``other``,
so a client cannot grow the series without bound.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable

from app.frames.records import Decision

MAX_MODELS = 100
# Seconds. Cadre's own time is a few hundred microseconds; a generation takes seconds.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
                   60.0, 120.0)
ADDED_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


class Histogram:
    """Observations in cumulative buckets, per label value (an endpoint)."""

    __slots__ = ("bounds", "series")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.series: dict[str, list[float]] = {}  # label -> [count per bucket ..., +Inf count, sum]

    def observe(self, label: str, value: float) -> None:
        counts = self.series.get(label)
        if counts is None:
            counts = self.series[label] = [0.0] * (len(self.bounds) + 2)
        counts[bisect.bisect_left(self.bounds, value)] += 1
        counts[-1] += value

    def lines(self, name: str, label: str) -> Iterable[str]:
        for value, counts in sorted(self.series.items()):
            running = 0.0
            for bound, count in zip((*self.bounds, float("inf")), counts, strict=False):
                running += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                yield f'{name}_bucket{{{label}="{_escape(value)}",le="{le}"}} {running:.0f}'
            yield f'{name}_count{{{label}="{_escape(value)}"}} {running:.0f}'
            yield f'{name}_sum{{{label}="{_escape(value)}"}} {counts[-1]!r}'


class Metrics:
    """What one process has done since it started."""

    def __init__(self) -> None:
        self.started = time.time()
        self.requests: dict[tuple[str, str, str, str], int] = {}  # (endpoint, outcome, code, model) -> count
        self.latency = Histogram(LATENCY_BUCKETS)
        self.added = Histogram(ADDED_BUCKETS)
        self.upstream = Histogram(LATENCY_BUCKETS)
        self.streams_open = 0
        self.checks: dict[str, int] = {}  # check outcome (fits | off_frame | to_check) -> requests
        self._models: set[str] = set()

    def observe(self, decision: Decision) -> None:
        """Count one answered gateway request (called once per request, with its decision)."""
        model = decision.model or ""
        if model not in self._models:
            if len(self._models) >= MAX_MODELS:
                model = "other"
            else:
                self._models.add(model)
        labels = (decision.endpoint, decision.outcome, decision.code or "", model)
        self.requests[labels] = self.requests.get(labels, 0) + 1
        total = decision.latency_ms / 1000
        self.latency.observe(decision.endpoint, total)
        upstream = decision.upstream_ms
        if upstream is not None:
            self.upstream.observe(decision.endpoint, upstream / 1000)
            self.added.observe(decision.endpoint, max(total - upstream / 1000, 0.0))
        else:
            self.added.observe(decision.endpoint, total)

    def checked(self, decision: Decision) -> None:
        """Count a decision's check outcome, once every stage is done with it."""
        outcome = decision.check_outcome
        if outcome is not None:
            self.checks[outcome] = self.checks.get(outcome, 0) + 1

    def render(self, gauges: Iterable[tuple[str, str, str, float]]) -> str:
        """The exposition text; ``gauges``: (name, type, help, value) read from the services at scrape time."""
        out = [
            "# HELP cadre_requests_total Gateway requests answered, by endpoint, outcome, code and model.",
            "# TYPE cadre_requests_total counter",
        ]
        for (endpoint, outcome, code, model), count in sorted(self.requests.items()):
            out.append(f'cadre_requests_total{{endpoint="{_escape(endpoint)}",outcome="{outcome}",'
                       f'code="{_escape(code)}",model="{_escape(model)}"}} {count}')
        for name, help_text, histogram in (
            ("cadre_request_duration_seconds", "Time from the request's arrival to its last byte.", self.latency),
            ("cadre_added_duration_seconds", "Cadre's own time: the request's duration minus the upstream's.",
             self.added),
            ("cadre_upstream_duration_seconds", "Time from sending upstream to the upstream's last byte.",
             self.upstream),
        ):
            out += [f"# HELP {name} {help_text}", f"# TYPE {name} histogram", *histogram.lines(name, "endpoint")]
        out += ["# HELP cadre_checks_total Requests checked by the révélateur, by outcome (fits, off_frame: against "
                "the frame, to_check: only the semantic stage found it close to a refusal).",
                "# TYPE cadre_checks_total counter",
                *(f'cadre_checks_total{{outcome="{_escape(k)}"}} {v}' for k, v in sorted(self.checks.items()))]
        out += ["# HELP cadre_streams_open Streamed answers being relayed now.", "# TYPE cadre_streams_open gauge",
                f"cadre_streams_open {self.streams_open}"]
        for name, kind, help_text, value in gauges:
            out += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", f"{name} {value:g}"]
        out += ["# HELP cadre_start_time_seconds When this process started (Unix time).",
                "# TYPE cadre_start_time_seconds gauge", f"cadre_start_time_seconds {self.started:.3f}"]
        return "\n".join(out) + "\n"


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n"})


def _escape(value: str) -> str:
    return value.translate(_ESCAPES)

