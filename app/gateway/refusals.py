"""The decision: forward, or refuse with a message that says what to clarify and where. Pure."""

from __future__ import annotations

from app.errors import FrameRefusal
from app.frames.links import console_url
from app.frames.records import Published
from app.messages import text


def decide(slug: str, published: Published | None, public_url: str) -> FrameRefusal | None:
    """None to forward; otherwise the refusal (frame_missing or frame_unclear)."""
    if published is not None and not published.problems:
        return None
    url = console_url(public_url, slug)
    if published is None:
        message = (f"{text('refusal.frame_missing', 'fr', slug=slug, url=url)}\n\n"
                   f"{text('refusal.frame_missing', 'en', slug=slug, url=url)}")
        return FrameRefusal(message, code="frame_missing")
    lang = published.language
    # Each finding is a sentence; the template ends the list with its own full stop.
    problems = " ".join(f"({i}) {f.message}" for i, f in enumerate(published.problems, 1)).rstrip(".")
    message = text("refusal.frame_unclear", lang, slug=slug, version=published.version.version,
                   problems=problems, url=url)
    return FrameRefusal(message, code="frame_unclear")
