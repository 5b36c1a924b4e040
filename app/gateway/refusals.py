"""The decision: forward, or refuse with a message that says what to clarify and where. Pure.

Every refusal names the business, speaks the frame's language (the draft's for a frame never published) and
carries the other language in ``translations``; ``frame_missing`` lists what blocks the draft's publication.
An archived frame is refused with ``frame_missing`` too (its keys have no frame to serve), saying so.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import FrameRefusal
from app.frames.links import console_url
from app.frames.model import Finding
from app.frames.records import Published, Unpublished


def decide(slug: str, published: Published | None, public_url: str,
           unpublished: Unpublished | None = None) -> FrameRefusal | None:
    """None to forward; otherwise the refusal (frame_missing or frame_unclear). ``unpublished`` says what to
    tell about a frame with no version to serve."""
    if published is not None and not published.problems:
        return None
    url = console_url(public_url, slug)
    if published is None:
        return missing(unpublished or Unpublished.of(None, slug), url)
    lang = published.language
    problems = {lang: listed(published.problems), _other(lang): listed(published.problems_other or
                                                                        published.problems)}
    return FrameRefusal.speaking("refusal.frame_unclear", lang, code="frame_unclear", name=published.name,
                                 version=published.version.version, problems=problems, url=url)


def missing(frame: Unpublished, url: str) -> FrameRefusal:
    """``frame_missing``: archived, never published (what blocks the draft, or that it is ready), or unknown."""
    lang = frame.language
    if not frame.exists:
        return FrameRefusal.speaking("refusal.frame_missing_unknown", lang, code="frame_missing", slug=frame.slug,
                                     url=url)
    if frame.archived:
        return FrameRefusal.speaking("refusal.frame_archived", lang, code="frame_missing", name=frame.name,
                                     slug=frame.slug, url=url)
    if not frame.blocking:
        return FrameRefusal.speaking("refusal.frame_missing_ready", lang, code="frame_missing", name=frame.name,
                                     url=url)
    problems = {lang: listed(frame.blocking), _other(lang): listed(frame.blocking_other or frame.blocking)}
    return FrameRefusal.speaking("refusal.frame_missing", lang, code="frame_missing", name=frame.name,
                                 problems=problems, url=url)


def listed(findings: Sequence[Finding]) -> str:
    """"(1) … (2) …": each finding is a sentence; the template ends the list with its own full stop."""
    return " ".join(f"({i}) {f.message}" for i, f in enumerate(findings, 1)).rstrip(".")


def _other(lang: str) -> str:
    return "en" if lang == "fr" else "fr"
