"""Make a published version ready for the request path: its prompt rendered, its findings linted, its request
check compiled (once per version, kept across cache reloads: a version never changes)."""

from __future__ import annotations

import datetime as dt

import jinja2

from app.frames.prompts import render_frame
from app.frames.records import Published, Version
from app.frames.rules import errors, lint
from app.revelateur.checker import Checker, compile_checker
from app.revelateur.priorities import PriorityWords, compile_priorities

MAX_CHECKERS = 1_000  # compiled checkers kept across invalidations (a compilation takes ~20 ms)


class Preparer:
    """``Preparer(prompts)(version, policy)``: the ``Published`` the cache holds for a version."""

    def __init__(self, prompts: jinja2.Environment) -> None:
        self.prompts = prompts
        self._checkers: dict[tuple[str, int], tuple[Checker, PriorityWords]] = {}  # versions never change

    def __call__(self, version: Version, policy: str = "flag") -> Published:
        """Render, lint and compile the check of a published version (the lint again the next day)."""
        today = dt.date.today()
        prompt = render_frame(self.prompts, version.frame, version.slug, version.version)
        problems = tuple(errors(lint(version.frame, today)))
        other = () if not problems else tuple(errors(lint(version.frame, today, "en" if version.frame.language == "fr"
                                                            else "fr")))
        header = f"{version.slug}@{version.version}".encode()
        checker, priority_words = self.compiled(version)
        return Published(version, prompt, problems, header, today, policy, checker, other, priority_words)

    def checker(self, version: Version) -> Checker:
        """The compiled check of ``version``, kept across cache reloads."""
        return self.compiled(version)[0]

    def compiled(self, version: Version) -> tuple[Checker, PriorityWords]:
        """The compiled check and priority words of ``version``, kept across cache reloads."""
        key = (version.slug, version.version)
        found = self._checkers.get(key)
        if found is None:
            if len(self._checkers) >= MAX_CHECKERS:
                self._checkers.clear()
            found = self._checkers[key] = (compile_checker(version.frame), compile_priorities(version.frame))
        return found
