"""The decision: forward, or refuse with a message that says what to clarify and where. Pure."""

from __future__ import annotations

from app.errors import FrameRefusal
from app.messages.catalogue import REFUSAL
from app.storage.cache import Published


def console_url(public_url: str, slug: str) -> str:
    """The console page where the owner fixes this frame."""
    return f"{public_url.rstrip('/')}/admin/frames/{slug}"


def decide(slug: str, published: Published | None, public_url: str) -> FrameRefusal | None:
    """None to forward; otherwise the refusal (frame_missing or frame_unclear)."""
    if published is not None and not published.problems:
        return None
    url = console_url(public_url, slug)
    if published is None:
        text = REFUSAL["frame_missing"]
        message = f"{text['fr'].format(slug=slug, url=url)}\n\n{text['en'].format(slug=slug, url=url)}"
        return FrameRefusal(message, code="frame_missing")
    lang = published.language
    # Each finding is a sentence; the template ends the list with its own full stop.
    problems = " ".join(f"({i}) {f.message}" for i, f in enumerate(published.problems, 1)).rstrip(".")
    message = REFUSAL["frame_unclear"][lang].format(
        slug=slug, version=published.version.version, problems=problems, url=url)
    return FrameRefusal(message, code="frame_unclear")
