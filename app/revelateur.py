"""The révélateur on the request path (issue 5): the request and answer checks under the frame's policy, and
the priority a request says it serves. Pure: takes values, fills the decision, returns what to do.

Policies: ``off`` checks nothing; ``flag`` checks, records, forwards; ``refuse`` refuses an off-frame request
(400 ``off_frame``) and replaces a non-streamed answer that breaks the frame. The checker was compiled once
per published version (``cache.Directory``); a request costs one ``Checker.check`` (its fast path for most).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from app import payloads
from app.cache import Published
from app.checks import Hit
from app.errors import FrameRefusal
from app.i18n import FINDING_ITEMS, REFUSAL
from app.payloads import Endpoint
from app.refusals import console_url
from app.store import Decision

EXCERPT = 200
MAX_STREAM_TEXT = 1024 * 1024  # bytes of a streamed answer kept for its check; the rest is not checked
PRIORITY_FIELD = "cadre_priority"  # in the request's ``metadata``; taken out before forwarding


@dataclass(slots=True)
class Review:
    """One checked request: what the answer check needs later, and the refusal when the request is refused."""

    endpoint: Endpoint
    published: Published
    text: str
    public_url: str
    excerpts: str  # none | refused | all
    refusal: FrameRefusal | None = None


def review(endpoint: Endpoint, payload: dict[str, Any], published: Published, decision: Decision,
           public_url: str, excerpts: str) -> Review | None:
    """Check the request under the frame's policy and record what was found; None when the policy is off."""
    if published.policy == "off":
        return None
    text = payloads.request_text(endpoint, payload)
    hits = published.checker.check(text)
    seen = Review(endpoint, published, text, public_url, excerpts)
    _record(decision, hits, "request")
    if hits and published.policy == "refuse":
        seen.refusal = refusal(published, hits, public_url, "off_frame")
    if excerpts == "all" or (excerpts == "refused" and seen.refusal is not None):
        decision.excerpt = hits[0].excerpt if hits else _excerpt(text)
    return seen


def check_answer(seen: Review, body: Any, decision: Decision) -> FrameRefusal | None:
    """Check a non-streamed answer (parsed JSON); under ``refuse``, the refusal that replaces a breaking one."""
    hits = seen.published.checker.check(payloads.answer_text(seen.endpoint, body))
    if not hits:
        return None
    _record(decision, hits, "answer")
    if seen.published.policy != "refuse":
        return None
    if seen.excerpts != "none" and decision.excerpt is None:
        decision.excerpt = _excerpt(seen.text)
    return refusal(seen.published, hits, seen.public_url, "off_frame_answer")


def check_stream(seen: Review, data: bytes, decision: Decision) -> None:
    """Check a streamed answer once it was relayed (its events as received): recorded, never replaced."""
    _record(decision, seen.published.checker.check(payloads.stream_text(seen.endpoint, data)), "answer")


def refusal(published: Published, hits: list[Hit], public_url: str, template: str) -> FrameRefusal:
    """The 400 ``off_frame`` refusal naming what was hit, in the frame's language, with the console link."""
    lang = published.language
    names = dict.fromkeys(FINDING_ITEMS[h.kind][lang].format(item=h.item) for h in hits)  # once each, in order
    message = REFUSAL[template][lang].format(slug=published.slug, version=published.version.version,
                                             items=", ".join(names), url=console_url(public_url, published.slug))
    return FrameRefusal(message, code="off_frame", status=400)


def findings(hits: list[Hit], source: str) -> list[dict[str, str]]:
    """Hits as the decision log records them (no excerpt: what is kept of the text is ``excerpt``)."""
    return [{"item": h.item, "kind": h.kind, "field": h.field, "source": source} for h in hits]


def _record(decision: Decision, hits: list[Hit], source: str) -> None:
    if not hits:
        if decision.check_outcome is None:
            decision.check_outcome = "fits"
        return
    found = findings(hits, source)
    if decision.findings:
        found = [*orjson.loads(decision.findings), *found]
    decision.check_outcome, decision.findings = "off_frame", orjson.dumps(found).decode()


def _excerpt(text: str) -> str:
    return " ".join(text[:EXCERPT * 2].split())[:EXCERPT]


# ------------------------------------------------------------------------------------------- priority
def attribute_priority(decision: Decision, header: str | None, payload: dict[str, Any], published: Published) -> None:
    """The priority the request says it serves: ``x-cadre-priority``, else ``metadata.cadre_priority``.

    ``cadre_priority`` is taken out of ``metadata`` (and an emptied ``metadata`` with it) before forwarding:
    it is for Cadre, and an upstream may refuse a key it does not know or metadata on an endpoint without
    any. A value that is not a rank of the frame's priorities (1 to their number) is ignored, not an error:
    attribution observes, it never stops a generation.
    """
    rank, source = _rank(header, published), "header"
    metadata = payload.get("metadata")
    if isinstance(metadata, dict) and PRIORITY_FIELD in metadata:
        declared = metadata.pop(PRIORITY_FIELD)
        if not metadata:
            del payload["metadata"]
        if rank is None:
            rank, source = _rank(declared, published), "metadata"
    if rank is not None:
        decision.priority, decision.priority_source = rank, source


def _rank(value: Any, published: Published) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is int and 1 <= value <= min(3, len(published.version.frame.priorities)):
        return value
    return None
