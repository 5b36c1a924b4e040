"""What happens to a checked request after the lexical stage decided: the semantic stage, then the judge on
what it finds "to check". Pure but for the stages it is handed.

Under ``flag`` (``after_answer``), both run once the answer was sent and the decision is added to the log when
they are done (``add``): the semantic stage in its worker, sampled when full; the judge only on a request the
semantic stage found to check, or the lexical stage did (a place the owner watches, named alone), or, with no
semantic stage, on every request. Under ``refuse``
(``before_forwarding``), a request the lexical stage let through is scored on the request path only when a
judge can confirm it, bounded by ``CADRE_SEMANTIC_TIMEOUT``; a semantic hit alone never refuses: with no
judge, the semantic stage runs after the answer and the request is recorded to check.

A request the semantic stage finds close to a refusal stays "fits" when the lexical stage's cues say it talks
about one (explains it, declines it, says what we do not do).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.errors import CadreError
from app.frames.records import Decision
from app.revelateur import review
from app.revelateur.judge import Judge

if TYPE_CHECKING:  # the semantic stage is imported only when it is on (a local model brings numpy)
    from app.revelateur.semantic.stage import SemanticStage, Verdict

Add = Callable[[Decision], None]


def record_semantic(decision: Decision, found: Verdict | None, seen: review.Review) -> bool:
    """The semantic verdict in the decision: its priority when the request named none, and ``to_check`` with a
    ``semantic`` finding when only it finds the request close to a refusal. True when the request is to check."""
    if found is None:
        return False
    if decision.priority is None and found.score.priority >= 0:
        decision.priority, decision.priority_source = found.score.priority + 1, "semantic"
    if not found.against or decision.check_outcome != "fits" or seen.published.checker.talks(seen.text):
        return False
    finding: dict[str, Any] = {"item": found.refusal, "kind": "refusal", "field": f"refusals[{found.index}]",
                               "source": "semantic", "margin": round(found.score.margin, 3)}
    review.add_findings(decision, [finding])
    decision.check_outcome = "to_check"
    if review.keep_excerpt(seen.excerpts, flagged=True, refused=False) and decision.excerpt is None:
        decision.excerpt = review.excerpt(seen.text)
    return True


def after_answer(semantic: SemanticStage | None, judge: Judge | None, seen: review.Review, decision: Decision,
                 add: Add) -> None:
    """Under ``flag``: the semantic stage, then the judge on what is to check, then ``add`` the decision."""
    if semantic is None:
        assert judge is not None
        review.judge_later(judge, seen, decision, add)
        return

    def scored(found: Verdict | None) -> None:
        if (record_semantic(decision, found, seen) or decision.check_outcome == "to_check") and judge is not None:
            review.judge_later(judge, seen, decision, add)
        else:
            add(decision)

    semantic.later(seen.published, seen.text, scored)


async def before_forwarding(semantic: SemanticStage | None, judge: Judge, seen: review.Review,
                            decision: Decision, timeout: float) -> CadreError | None:
    """Under ``refuse`` with a judge: the semantic stage on the request path (bounded), the judge on what is to
    check (or on every request when there is no semantic stage); the refusal or error to answer with, or None."""
    if semantic is not None and decision.check_outcome != "to_check":  # the lexical stage's "to check" is judged
        found = await semantic.now(seen.published, seen.text, timeout)
        if not record_semantic(decision, found, seen):
            return None
    return await review.judge_first(judge, seen, decision)
