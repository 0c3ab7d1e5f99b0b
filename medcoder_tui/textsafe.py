"""Text from files (note names, codes, descriptions) made safe to show on a terminal.

A file name or an imported description can hold an escape sequence that would
move the cursor, retitle the window or hide text; a right-to-left override can
make ``txt.exe`` read as ``exe.txt``. :func:`printable` writes such characters
as visible escapes (``\\x1b``, ``\\u202e``), leaving every other character,
accented letters included, as it is. The TUI also escapes Textual markup
(``jones [draft].txt`` is a name, not a style); the CLI passes its output
through :class:`PrintableStream` when it writes to a terminal.
"""

from __future__ import annotations

import re
from typing import TextIO

# C0 and C1 controls, DEL, and the bidirectional overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEP_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch) or (
        f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def printable(text: object, *, keep_lines: bool = False) -> str:
    """``text`` with control, escape and bidi-override characters written as visible escapes.

    ``keep_lines`` leaves newlines and tabs alone (multi-line output such as a table).
    """
    s = text if isinstance(text, str) else str(text)
    return (_UNSAFE_KEEP_LINES if keep_lines else _UNSAFE).sub(_escape, s)


class PrintableStream:
    """A text stream wrapper that passes everything written through :func:`printable` (lines kept)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text, keep_lines=True))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
