"""Addresses in the console that messages point people to. Pure."""

from __future__ import annotations


def console_url(public_url: str, slug: str) -> str:
    """The console page where the owner fixes this frame."""
    return f"{public_url.rstrip('/')}/admin/frames/{slug}"
