"""Accessibility checks of console pages in a real browser: axe-core (from npm, injected by Playwright) and
focus never covered by a sticky element (checked by script, Tab after Tab)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import ROOT

AXE = ROOT / "tests" / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_SOURCE: list[str] = []


def axe_source() -> str:
    """axe-core's script (installed by .ci/run: ``npm install --prefix tests/.axe axe-core@4.10.2``)."""
    if not _SOURCE:
        if not Path(AXE).exists():
            pytest.fail(f"{AXE} is missing: npm install --prefix tests/.axe axe-core@4.10.2 (.ci/run does)")
        _SOURCE.append(AXE.read_text(encoding="utf-8"))
    return _SOURCE[0]


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it is now, one line each (rule, impact, first elements)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not apply to.
        page.evaluate(axe_source())
    found = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(r => r.violations.map(v => [v.id, v.impact, v.nodes.slice(0, 3)"
                          ".map(n => n.target.join(' '))]))", AXE_TAGS)
    return [f"{rule} ({impact}): {', '.join(nodes)}" for rule, impact, nodes in found]


# The focused element, unless an element positioned sticky or fixed (not one of its ancestors) covers any part of
# it: then a description of both.
COVERED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) { return null; }
  for (const other of document.querySelectorAll('body *')) {
    const position = getComputedStyle(other).position;
    if ((position !== 'sticky' && position !== 'fixed') || other.contains(el)) { continue; }
    const b = other.getBoundingClientRect();
    if (r.bottom > b.top && r.top < b.bottom && r.right > b.left && r.left < b.right) {
      return (el.id || el.name || el.tagName) + ' under ' + (other.id || other.className);
    }
  }
  return null;
}"""


def covered_focus(page: Any, stops: int = 400) -> tuple[int, list[str]]:
    """Tab through the page from its top: (controls reached, those a sticky element covered)."""
    page.evaluate("() => { window.scrollTo(0, 0); document.activeElement && document.activeElement.blur(); }")
    seen: list[str] = []
    covered: list[str] = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        where = page.evaluate("() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 200) + "
                              "'|' + Math.round(e.getBoundingClientRect().top + window.scrollY) : ''; }")
        if seen and where == seen[0]:
            break  # round the page once
        seen.append(where)
        hidden = page.evaluate(COVERED)
        if hidden:
            covered.append(hidden)
    return len(seen), covered
