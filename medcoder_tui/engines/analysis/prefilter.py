"""A literal first look before a regular expression reads a whole note.

A rule's pattern such as ``\\b(?:warfarin|apixaban|...)\\b`` costs a full scan of the note, and
Python's engine cannot skip ahead to a likely start when a pattern opens with ``\\b``. Most notes
name none of the words: :func:`may_match` asks first whether any literal text that every match
must start with occurs in the text (a plain substring search, many times faster), and only then
is the pattern run. The literals are read from the compiled pattern itself, so a rule keeps one
source of truth; a pattern whose start cannot be read this way is always run.
"""

from __future__ import annotations

import re
from functools import lru_cache

try:   # the standard library's own pattern parser (private, so any surprise means: no first look)
    from re import _constants as _c, _parser as _sre
except ImportError:  # pragma: no cover - a future Python without them
    _sre = None

_MAX_STARTS = 64   # more ways to start than this: the first look costs more than it saves


class _Unknown(Exception):
    """A pattern part whose literal start cannot be read."""


def _starts(items: list) -> set[str]:
    """The literal strings one of which every match of ``items`` starts with (never the empty string)."""
    i = 0
    while i < len(items) and items[i][0] in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        i += 1   # "\b", "^", look-arounds: zero width
    if i == len(items):
        raise _Unknown   # the rest can match the empty string
    op, av = items[i]
    if op is _c.LITERAL:
        run = []
        while i < len(items) and items[i][0] is _c.LITERAL:
            run.append(chr(items[i][1]))
            i += 1
        prefix = "".join(run)
        if i < len(items) and items[i][0] in (_c.BRANCH, _c.SUBPATTERN, _c.IN, _c.LITERAL):
            try:
                rest = _starts(items[i:])
            except _Unknown:
                return {prefix}
            if len(rest) <= _MAX_STARTS:
                return {prefix + s for s in rest}
        return {prefix}
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _Unknown   # "(?i:...)": the letters' case is no longer the literal's
        return _starts(list(sub) + items[i + 1:])
    if op is _c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            out |= _starts(list(alt) + items[i + 1:])
        return out
    if op is _c.IN and all(kind is _c.LITERAL for kind, _ in av) and len(av) <= 8:
        try:
            rest = _starts(items[i + 1:])
        except _Unknown:
            rest = {""}
        return {chr(ch) + s for _, ch in av for s in rest}
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, _high, sub = av
        first = _starts(list(sub))   # (not joined with what follows: "a+b" matches "aab")
        return first if low >= 1 else first | _starts(items[i + 1:])
    raise _Unknown


@lru_cache(maxsize=1024)
def literal_starts(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The literals every match of ``pattern`` starts with, or None when they cannot be read."""
    if _sre is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        starts = _starts(list(_sre.parse(pattern.pattern, pattern.flags)))
    except Exception:   # _Unknown, or anything unexpected: the pattern is simply always run
        return None
    if not starts or len(starts) > _MAX_STARTS or "" in starts:
        return None
    # a literal that holds another is implied by it: keep the shortest
    kept = sorted(starts, key=len)
    return tuple(s for n, s in enumerate(kept) if not any(t in s for t in kept[:n]))


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when ``pattern`` cannot match anywhere in ``text`` (no literal start of it occurs)."""
    starts = literal_starts(pattern)
    return starts is None or any(s in text for s in starts)
