"""Which of the frame's priorities a request serves, with no header from the client: the frame's own priority
words, looked for in the request. Pure, compiled once per published version.

A simple lexical stage: each priority's content words (stop words dropped, crude stems, five-letter prefixes
so "réparer" meets "réparations"), minus the words several priorities share; the priority whose words the
request uses most wins, a tie attributes nothing. ``attribute`` is the one way in: a later stage (semantic,
the judge) refines behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.frames.model import Frame
from app.frames.records import Published
from app.frames.text import stems
from app.frames.wordlists import WORDLISTS

PREFIX = 5
MIN_WORD = 4
MAX_TEXT = 4000  # characters of the request read: a priority shows in what is asked, not in pasted pages


def _keys(text: str, ignore: frozenset[str]) -> set[str]:
    return {s[:PREFIX] for s in stems(text, ignore) if len(s) >= MIN_WORD}


@dataclass(frozen=True)
class PriorityWords:
    """Per declared priority (rank 1 first), the word keys that point to it."""

    keys: tuple[frozenset[str], ...]
    ignore: frozenset[str]

    def best(self, text: str) -> int | None:
        """The rank whose words ``text`` uses most (None: none, or a tie)."""
        if not any(self.keys):
            return None
        found = _keys(text[:MAX_TEXT], self.ignore)
        scores = [len(found & keys) for keys in self.keys]
        top = max(scores, default=0)
        if top == 0 or scores.count(top) > 1:
            return None
        return scores.index(top) + 1


def compile_priorities(frame: Frame) -> PriorityWords:
    """The word keys of each priority of ``frame``, those shared by two priorities set aside."""
    words = WORDLISTS[frame.language]
    ignore = words.stop | words.negations
    per = [_keys(p, ignore) for p in [p for p in frame.priorities if p.strip()][:3]]
    shared = {k for i, keys in enumerate(per) for k in keys if any(k in other for other in per[i + 1:])}
    return PriorityWords(tuple(frozenset(keys - shared) for keys in per), ignore)


def attribute(published: Published, text: str) -> int | None:
    """The priority (1 to 3) ``text`` serves by the frame's own words, or None (not attributed)."""
    matcher = published.priority_words
    return matcher.best(text) if isinstance(matcher, PriorityWords) else None
