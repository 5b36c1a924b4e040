"""The révélateur on the request path (issue 5): the request and answer checks under the frame's policy, and
the priority a request says it serves. Pure: takes values, fills the decision, returns what to do.

Policies: ``off`` checks nothing; ``flag`` checks, records, forwards; ``refuse`` refuses an off-frame request
(400 ``off_frame``) and replaces a non-streamed answer that breaks the frame. The checker was compiled once
per published version (``cache.Directory``); a request costs one ``Checker.check`` (its fast path for most).

The judge (``app/judge.py``, when ``CADRE_JUDGE_MODEL`` is set) comes after the local check: under ``refuse``
before forwarding (``judge_first``, bounded by its timeout, failing open or closed), under ``flag`` after the
answer was sent (``judge_later``: the decision is added to the log when the judge answered or gave up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from app.errors import CadreError, FrameRefusal, JudgeUnavailable
from app.frames.links import console_url
from app.frames.records import Decision, Hit, Published, priority_rank
from app.frames.text import printable
from app.messages import LANGUAGES, both, text
from app.revelateur import priorities
from app.revelateur.judge import Judge, NoAnswer, Verdict

EXCERPT = 200
MAX_STREAM_TEXT = 1024 * 1024  # bytes of a streamed answer kept for its check; the rest is not checked
PRIORITY_FIELD = "cadre_priority"  # in the request's ``metadata``; taken out before forwarding


@dataclass(slots=True)
class Review:
    """One checked request: what the answer check needs later, and the refusal when the request is refused."""

    published: Published
    text: str
    public_url: str
    excerpts: str  # none | refused | flagged | all
    refusal: FrameRefusal | None = None


def review(text: str, published: Published, decision: Decision, public_url: str, excerpts: str) -> Review | None:
    """Check the request's ``text`` under the frame's policy and record what was found; None when the policy
    is off."""
    if published.policy == "off":
        return None
    hits = published.checker.check(text)
    seen = Review(published, text, public_url, excerpts)
    _record(decision, hits, "request")
    sure = sure_hits(hits)
    if sure and published.policy == "refuse":
        seen.refusal = refusal(published, sure, public_url, "off_frame")
    if keep_excerpt(excerpts, flagged=bool(hits), refused=seen.refusal is not None):
        decision.excerpt = hits[0].excerpt if hits else excerpt(text)
    return seen


def check_answer(seen: Review, answer: str, decision: Decision) -> FrameRefusal | None:
    """Check a non-streamed answer's text; under ``refuse``, the refusal that replaces a breaking one (a place
    named alone, "to check", never replaces an answer)."""
    hits = sure_hits(seen.published.checker.check(answer, answer=True))
    if not hits:
        return None
    _record(decision, hits, "answer")
    refused = seen.published.policy == "refuse"
    if keep_excerpt(seen.excerpts, flagged=True, refused=refused) and decision.excerpt is None:
        decision.excerpt = excerpt(seen.text)
    return refusal(seen.published, hits, seen.public_url, "off_frame_answer") if refused else None


def check_stream(seen: Review, answer: str, decision: Decision) -> None:
    """Check a streamed answer's text once it was relayed: recorded, never replaced."""
    hits = sure_hits(seen.published.checker.check(answer, answer=True))
    _record(decision, hits, "answer")
    if hits and keep_excerpt(seen.excerpts, flagged=True, refused=False) and decision.excerpt is None:
        decision.excerpt = excerpt(seen.text)


def keep_excerpt(setting: str, *, flagged: bool, refused: bool) -> bool:
    """Whether CADRE_STORE_EXCERPTS keeps the request's excerpt: ``none`` never, ``refused`` for refused
    requests, ``flagged`` (the default) for flagged or refused ones, ``all`` for every checked request."""
    return setting == "all" or (setting == "flagged" and (flagged or refused)) or (setting == "refused" and refused)


def refusal(published: Published, hits: list[Hit], public_url: str, template: str) -> FrameRefusal:
    """The 400 ``off_frame`` refusal naming what was hit, in the frame's language, with the console link."""
    items = {lang: ", ".join(dict.fromkeys(text(f"finding.{h.kind}", lang, item=h.item) for h in hits))
             for lang in LANGUAGES}  # each item once, in order
    return FrameRefusal.speaking(f"refusal.{template}", published.language, code="off_frame", status=400,
                                 name=published.name, version=published.version.version, items=items,
                                 url=console_url(public_url, published.slug))


def findings(hits: list[Hit], source: str) -> list[dict[str, Any]]:
    """Hits as the decision log records them (no excerpt: what is kept of the text is ``excerpt``); a hit that
    is only to check says so."""
    return [{"item": h.item, "kind": h.kind, "field": h.field, "source": source} | ({} if h.sure else {"sure": False})
            for h in hits]


Outcome = Literal["fits", "off_frame", "to_check"]


def sure_hits(hits: list[Hit]) -> list[Hit]:
    """The hits that are against the frame, without those only to check (a watched place named alone, one common
    word alone, a refusal found in a long request: ``app.revelateur.checker``)."""
    return [h for h in hits if h.sure]


def outcome(hits: list[Hit]) -> Outcome:
    """``off_frame`` when a hit is sure, ``to_check`` when the only hits are to check, else ``fits``."""
    return "off_frame" if any(h.sure for h in hits) else "to_check" if hits else "fits"


def _record(decision: Decision, hits: list[Hit], source: str) -> None:
    if not hits:
        if decision.check_outcome is None:
            decision.check_outcome = "fits"
        return
    found = findings(hits, source)
    if decision.findings:
        found = [*orjson.loads(decision.findings), *found]
    said = outcome(hits)
    if decision.check_outcome != "off_frame" or said == "off_frame":
        decision.check_outcome = said
    decision.findings = orjson.dumps(found).decode()


# ---------------------------------------------------------------------------------------------- judge
async def judge_first(judge: Judge, seen: Review, decision: Decision) -> CadreError | None:
    """Under ``refuse``, before forwarding: the refusal (400 ``off_frame``) when the judge says the request
    goes against the frame; when it gives no answer, the 503 ``judge_unavailable`` (fail closed) or None
    (fail open: forwarded, ``code`` ``judge_unavailable``). Its priority is recorded either way."""
    try:
        verdict = await judge.verdict(seen.published, seen.text)
    except NoAnswer as exc:
        record_no_answer(decision, exc.reason)
        if judge.fail == "closed":
            if keep_excerpt(seen.excerpts, flagged=False, refused=True) and decision.excerpt is None:
                decision.excerpt = excerpt(seen.text)
            return JudgeUnavailable(both("judge.judge_unavailable", reason=exc.reason, slug=seen.published.slug))
        decision.code = "judge_unavailable"
        return None
    record_verdict(decision, verdict, seen, refused=not verdict.fits)
    return None if verdict.fits else judged_refusal(seen.published, verdict, seen.public_url)


def judge_later(judge: Judge, seen: Review, decision: Decision, add: Callable[[Decision], None]) -> None:
    """Under ``flag``, once the answer was sent: judge in the background, record, then ``add`` the decision
    (held until then, at most the judge's timeout; added at once when too many are in flight)."""
    def finish(outcome: Verdict | NoAnswer) -> None:
        if isinstance(outcome, Verdict):
            record_verdict(decision, outcome, seen, refused=False)
        else:
            record_no_answer(decision, outcome.reason)
        add(decision)

    judge.later(seen.published, seen.text, finish)


def record_verdict(decision: Decision, verdict: Verdict, seen: Review, refused: bool) -> None:
    """The judge's answer in the decision: its priority when the request gave none, a ``judge`` finding when
    it does not fit (with the judge's sentence when excerpts are kept for this request)."""
    if verdict.priority is not None and (decision.priority is None or decision.priority_source == "words"):
        decision.priority, decision.priority_source = verdict.priority, "judge"
    if verdict.fits:
        if decision.check_outcome == "to_check":  # the judge says what the semantic stage found fits after all
            decision.check_outcome = "fits"
        return
    keep = keep_excerpt(seen.excerpts, flagged=True, refused=refused)
    finding: dict[str, Any] = {"item": verdict.refusal, "kind": "refusal", "field": f"refusals[{verdict.index}]",
                               "source": "judge"}
    if keep:
        if verdict.why:
            finding["why"] = verdict.why
        if decision.excerpt is None:
            decision.excerpt = excerpt(seen.text)
    add_findings(decision, [finding])
    decision.check_outcome = "off_frame"


def record_no_answer(decision: Decision, reason: str) -> None:
    """A ``judge_unavailable`` finding (no item): the local check's outcome stands."""
    add_findings(decision, [{"item": None, "kind": "judge_unavailable", "field": None, "source": "judge",
                              "reason": reason}])


def judged_refusal(published: Published, verdict: Verdict, public_url: str) -> FrameRefusal:
    """The 400 ``off_frame`` refusal for the judge's answer: the refusal item and the judge's sentence."""
    why = {lang: verdict.why or text("judge.no_explanation", lang) for lang in LANGUAGES}
    why = {lang: said if said[-1] in ".!?" else said + "." for lang, said in why.items()}
    return FrameRefusal.speaking("refusal.off_frame_judge", published.language, code="off_frame", status=400,
                                 name=published.name, version=published.version.version, why=why,
                                 items={lang: text("finding.refusal", lang, item=verdict.refusal)
                                        for lang in LANGUAGES},
                                 url=console_url(public_url, published.slug))


def add_findings(decision: Decision, found: list[dict[str, Any]]) -> None:
    """Append ``found`` to the decision's findings (JSON)."""
    if decision.findings:
        found = [*orjson.loads(decision.findings), *found]
    decision.findings = orjson.dumps(found).decode()


def excerpt(text: str) -> str:
    """The start of the request, as the decision log keeps it: one line, printable, EXCERPT characters at most."""
    return " ".join(printable(text[:EXCERPT * 2]).split())[:EXCERPT]


# ------------------------------------------------------------------------------------------- priority
def attribute_priority(decision: Decision, header: str | None, payload: dict[str, Any], published: Published,
                       text: str = "") -> None:
    """The priority the request serves: ``x-cadre-priority``, else ``metadata.cadre_priority``, else the frame's
    own priority words found in ``text`` (``priority_source: words``; the judge, when on, may refine it).

    ``cadre_priority`` is taken out of ``metadata`` (and an emptied ``metadata`` with it) before forwarding:
    it is for Cadre, and an upstream may refuse a key it does not know or metadata on an endpoint without
    any. A value that is not a rank of the frame's priorities (1 to their number) is ignored, not an error:
    attribution observes, it never stops a generation.
    """
    rank, source = priority_rank(header, published.version.frame), "header"
    metadata = payload.get("metadata")
    if isinstance(metadata, dict) and PRIORITY_FIELD in metadata:
        declared = metadata.pop(PRIORITY_FIELD)
        if not metadata:
            del payload["metadata"]
        if rank is None:
            rank, source = priority_rank(declared, published.version.frame), "metadata"
    if rank is None and text:
        rank, source = priorities.attribute(published, text), "words"
    if rank is not None:
        decision.priority, decision.priority_source = rank, source
