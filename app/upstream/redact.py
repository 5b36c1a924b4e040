"""The upstream key never leaves Cadre: whatever an upstream sends (a body of any status, a streamed event, a
header value) is cleaned of the key before a client sees it, in every form an upstream may write it.

The search works on the decoded text: the body already uncompressed (``decoded``), JSON escapes of printable
ASCII undone (``\\u0073k-...`` is ``sk-...``), then the key replaced wherever it stands, plain or masked the way
OpenAI quotes a wrong key (its first characters, asterisks, its last four: ``sk-upstr****…1234``).

Cost on the request path, for what is almost always nothing to do: a search for the key (a long needle: fast),
and two single-byte scans (memchr) for an asterisk and a backslash; only when those are there, a search for the
key's last four characters, or for an escape of ASCII (measured: about 0.3 ns a byte, several times that on
bodies full of \u00e9). The rewriting only runs when something of the key may be there.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

from app.messages import both

REDACTED = both("error.upstream_key_hidden").encode()
MIN_SECRET = 12  # a shorter key ("ollama", "EMPTY", "sk-no-key") is a placeholder, not a secret to hunt for
MAX_DECODED = 256 * 1024 * 1024  # bytes an upstream's compressed answer may decode to (a bomb stops there)
PIECE = 1024 * 1024  # bytes decoded at a time from a compressed stream
# \u00XX escapes of printable ASCII (the key's characters), and an escaped slash; an escaped backslash is matched
# too, so that what follows it is read as text.
_ESCAPE = re.compile(rb"\\u00([2-7][0-9a-fA-F])|\\(/)|\\\\")
_ASCII_ESCAPED = re.compile(rb"\\(?:u00[2-7]|/)")  # is there any (the search alone, cheaper)
_KEEP_ESCAPED = frozenset({0x22, 0x5C, 0x7F})  # '"', '\' and DEL stay escaped: the JSON stays JSON


def _unescaped(match: re.Match[bytes]) -> bytes:
    code, slash = match.group(1), match.group(2)
    if slash:
        return slash
    if code is None:
        return match.group(0)
    value = int(code, 16)
    return match.group(0) if value in _KEEP_ESCAPED else bytes((value,))


class Redactor:
    """Finds one upstream key in what that upstream sends, and takes it out."""

    __slots__ = ("key", "masked", "tail")

    def __init__(self, key: str) -> None:
        self.key = key.encode()
        self.tail = key[-4:].encode()
        # OpenAI's way of quoting a wrong key: its first characters, asterisks, its last four.
        self.masked = re.compile(re.escape(key[:3].encode()) + rb"[^\s\"'<>]{0,64}?\*{3,}[^\s\"'<>]{0,200}?"
                                 + re.escape(self.tail))

    @classmethod
    def of(cls, key: str | None) -> Redactor | None:
        return cls(key) if key and len(key) >= MIN_SECRET else None

    def clean(self, data: bytes) -> bytes:
        """``data`` without the key in any form (the same object when there was nothing to take out)."""
        if (self.key not in data and (b"*" not in data or self.tail not in data)
                and (b"\\" not in data or _ASCII_ESCAPED.search(data) is None)):
            return data
        text = _ESCAPE.sub(_unescaped, data)
        if self.key not in text and self.tail not in text:
            return data  # escapes, but nothing of the key behind them: left as the upstream wrote it
        text = self.masked.sub(REDACTED, text.replace(self.key, REDACTED))
        return text

    def leaks(self, value: bytes) -> bool:
        """Whether a header value holds the key in any form."""
        return self.clean(value) is not value


class UnreadableEncoding(Exception):
    """An answer compressed in a way Cadre cannot undo, so cannot check for the key: not relayed."""


class Inflater:
    """Uncompresses a body (gzip, deflate, or deflate without its zlib header) as its chunks come, PIECE bytes at
    most at a time and MAX_DECODED in all."""

    __slots__ = ("inflate", "raw", "total")

    def __init__(self, encoding: bytes) -> None:
        if encoding.strip().lower() not in (b"gzip", b"x-gzip", b"deflate"):
            raise UnreadableEncoding(encoding.decode("latin-1")[:40])
        self.inflate = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, told apart by their header
        self.raw = False
        self.total = 0

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        data = chunk
        while data:
            try:
                out = self.inflate.decompress(data, PIECE)
            except zlib.error:
                if self.raw or self.total:
                    raise UnreadableEncoding("corrupt") from None
                self.raw, self.inflate = True, zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self.total += len(out)
            if self.total > MAX_DECODED:
                raise UnreadableEncoding("too large")
            if out:
                yield out
            data = self.inflate.unconsumed_tail


def decoded(body: bytes, encoding: bytes | None) -> bytes:
    """A whole body without its content-encoding."""
    if not encoding or encoding.strip().lower() == b"identity":
        return body
    return b"".join(Inflater(encoding).feed(body))
