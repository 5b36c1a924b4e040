"""Prometheus metrics of the gateway, kept in plain dicts (no lock: one event loop per process) and rendered
in the text exposition format on /metrics."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
                   60.0, 120.0)
MAX_MODELS = 50  # label values beyond this are folded into "other": clients choose model names


class Histogram:
    """A cumulative histogram with fixed buckets, per label set."""

    def __init__(self, name: str, help_text: str, labels: tuple[str, ...], buckets: tuple[float, ...]) -> None:
        self.name, self.help, self.labels, self.buckets = name, help_text, labels, buckets
        self.series: dict[tuple[str, ...], tuple[list[int], list[float]]] = {}

    def observe(self, label_values: tuple[str, ...], value: float) -> None:
        try:
            counts, total = self.series[label_values]
        except KeyError:
            counts, total = self.series[label_values] = ([0] * (len(self.buckets) + 1), [0.0])
        counts[bisect.bisect_left(self.buckets, value)] += 1
        total[0] += value

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        for values, (counts, total) in sorted(self.series.items()):
            labels = _labels(self.labels, values)
            running = 0
            for bound, count in zip(self.buckets, counts, strict=False):
                running += count
                yield f'{self.name}_bucket{{{labels}{"," if labels else ""}le="{bound}"}} {running}'
            running += counts[-1]
            yield f'{self.name}_bucket{{{labels}{"," if labels else ""}le="+Inf"}} {running}'
            yield f"{self.name}_sum{{{labels}}} {total[0]}"
            yield f"{self.name}_count{{{labels}}} {running}"


class Metrics:
    """What /metrics shows for this process."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, str, str], int] = {}
        self.models: set[str] = set()
        self.total = Histogram("cadre_request_duration_seconds", "Total time of a /v1 request, as seen by Cadre.",
                               ("endpoint",), LATENCY_BUCKETS)
        self.added = Histogram("cadre_added_duration_seconds",
                               "Cadre's own time on a /v1 request (total minus the upstream's).", ("endpoint",),
                               LATENCY_BUCKETS)
        self.upstream = Histogram("cadre_upstream_duration_seconds",
                                  "Upstream time: to the whole answer, or to the first byte of a stream.",
                                  ("endpoint",), LATENCY_BUCKETS)
        self.streams_open = 0
        self.gauges: dict[str, tuple[str, Callable[[], float]]] = {}

    def model_label(self, model: str | None) -> str:
        if not model:
            return ""
        if model in self.models:
            return model
        if len(self.models) < MAX_MODELS:
            self.models.add(model)
            return model
        return "other"

    def observe(self, endpoint: str, outcome: str, code: str | None, model: str | None, total_s: float,
                upstream_s: float | None) -> None:
        """Count one finished /v1 request."""
        key = (endpoint, outcome, code or "", self.model_label(model))
        self.requests[key] = self.requests.get(key, 0) + 1
        self.total.observe((endpoint,), total_s)
        if upstream_s is not None:
            self.upstream.observe((endpoint,), upstream_s)
            self.added.observe((endpoint,), max(total_s - upstream_s, 0.0))
        else:
            self.added.observe((endpoint,), total_s)

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """Register a value read at scrape time (buffer depth, dropped records ...)."""
        self.gauges[name] = (help_text, read)

    def render(self) -> str:
        lines = ["# HELP cadre_requests_total /v1 requests by endpoint, outcome, code and model.",
                 "# TYPE cadre_requests_total counter"]
        for (endpoint, outcome, code, model), count in sorted(self.requests.items()):
            labels = _labels(("endpoint", "outcome", "code", "model"), (endpoint, outcome, code, model))
            lines.append(f"cadre_requests_total{{{labels}}} {count}")
        lines += ["# HELP cadre_streams_open Streams being relayed now.", "# TYPE cadre_streams_open gauge",
                  f"cadre_streams_open {self.streams_open}"]
        for name, (help_text, read) in sorted(self.gauges.items()):
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {read()}"]
        for histogram in (self.total, self.added, self.upstream):
            lines.extend(histogram.render())
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: tuple[str, ...], values: tuple[str, ...]) -> str:
    return ",".join(f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True))
