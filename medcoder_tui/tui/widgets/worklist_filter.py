"""The worklist filter's matches, worked out from the narrowest earlier answer.

A keystroke in the filter asks which of 10,000 names hold the typed text.
Typing one more letter can only narrow the answer, so it searches the
previous matches instead of every name, and backspace finds its answer
already here. The answers hold the rows' own tuples (no new object per row):
a keystroke allocates a list or two, so it gives the garbage collector no
reason to walk the whole heap while the coder types.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress

from medcoder_tui.tui.widgets.worklist_table import Row


class MatchCache:
    """needle -> (rows, lower-case names) of the rows in view whose name holds it."""

    LIMIT = 64   # answers kept; the answer for "" (every row in view) is never dropped

    def __init__(self) -> None:
        self._found: dict[str, tuple[list[Row], list[str]]] = {}

    def clear(self) -> None:
        """Forget every answer (the rows or the view changed)."""
        self._found.clear()

    def get(self, needle: str, rows: list[Row], lows: list[str],
            in_view: Callable[[str], bool] | None = None) -> list[Row]:
        """The rows whose lower-case name (``lows``, one per row) holds ``needle``, in order,
        among those ``in_view`` accepts by key (every row when None)."""
        found = self._found.get(needle)
        if found is not None:
            return found[0]
        if "" not in self._found:
            if in_view is None:
                self._found[""] = (rows, lows)
            else:
                mask = [in_view(key) for key, _ in rows]
                self._found[""] = (list(compress(rows, mask)), list(compress(lows, mask)))
            if not needle:
                return self._found[""][0]
        # the longest earlier needle inside this one: its matches hold every match of this one
        base = max((k for k in self._found if k in needle), key=len)
        base_rows, base_lows = self._found[base]
        mask = [needle in low for low in base_lows]
        answer = (list(compress(base_rows, mask)), list(compress(base_lows, mask)))
        if len(self._found) >= self.LIMIT:
            del self._found[next(k for k in self._found if k)]   # the oldest answer but ""
        self._found[needle] = answer
        return answer[0]
