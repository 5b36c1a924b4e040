"""/metrics read as the tests need it: every sample by its name and labels, and the sums that say what a
process did (requests answered, decision records written) so a test can wait on them instead of sleeping."""

from __future__ import annotations

import re

import httpx

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def scrape(base_url: str) -> dict[str, float]:
    """Every sample of ``base_url``/metrics by its name and labels, e.g. ``cadre_requests_total{endpoint="chat",...}``;
    the text must parse as the Prometheus exposition format."""
    r = httpx.get(base_url + "/metrics", timeout=10.0)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples: dict[str, float] = {}
    for line in r.text.splitlines():
        if not line or line.startswith("#"):
            assert line.startswith(("# HELP ", "# TYPE ")) or not line, line
            continue
        match = SAMPLE.match(line)
        assert match, f"not an exposition line: {line!r}"
        samples[match[1] + (match[2] or "")] = float(match[3])
    return samples


def answered(samples: dict[str, float]) -> int:
    """Gateway requests answered so far (each leaves one decision record, buffered at once)."""
    return int(sum(value for name, value in samples.items() if name.startswith("cadre_requests_total{")))
