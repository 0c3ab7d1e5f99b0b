"""The note text with evidence and context (negated, uncertain, history) marked.

A line-API scroll view: wrapping is done here, by :func:`wrap_offsets`, so the
row of any character offset is known exactly and the evidence of the selected
suggestion can be scrolled into view.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

# Drawing order: later kinds paint over earlier ones, evidence over everything.
MARK_KINDS = ("history", "family", "uncertain", "negated", "evidence")


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text`` to ``width`` cells, as (start, end) offsets per row.

    Every character except the newlines belongs to exactly one row, so a
    character offset maps to one row.
    """
    width = max(1, width)
    rows: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        start, end_of_line = pos, pos + len(line)
        if start == end_of_line:
            rows.append((start, start))
        while start < end_of_line:
            if end_of_line - start <= width:
                rows.append((start, end_of_line))
                break
            cut = text.rfind(" ", start, start + width + 1)
            if cut <= start:
                cut = start + width          # one long word: hard break
                rows.append((start, cut))
                start = cut
            else:
                rows.append((start, cut))
                start = cut + 1              # the space that broke the line is dropped
        pos = end_of_line + 1
    return rows


def row_of(rows: list[tuple[int, int]], offset: int) -> int:
    """The row holding character ``offset`` (the nearest row before it for a dropped space)."""
    lo, hi = 0, len(rows) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if rows[mid][0] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return max(lo, 0)


class NoteView(ScrollView, can_focus=True):
    """Read-only note text; ``show_evidence`` highlights spans and scrolls to the first."""

    COMPONENT_CLASSES = {
        "note-view--evidence",
        "note-view--negated",
        "note-view--uncertain",
        "note-view--history",
        "note-view--family",
    }
    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = ""
        self._marks: dict[str, list[tuple[int, int]]] = {k: [] for k in MARK_KINDS}
        self._rows: list[tuple[int, int]] = []
        self._wrap_width = 0

    @property
    def text(self) -> str:
        return self._text

    def set_note(self, text: str, context_spans: list[tuple[str, int, int]] = ()) -> None:
        """Show ``text``; ``context_spans`` are (kind, start, end) from clinical-text analysis."""
        self._text = text.replace("\t", " ").replace("\r", " ")
        self._marks = {k: [] for k in MARK_KINDS}
        for kind, start, end in context_spans:
            if kind in self._marks:
                self._marks[kind].append((start, end))
        self._rewrap(force=True)
        self.scroll_to(y=0, animate=False)

    def show_evidence(self, spans: list[tuple[int, int]]) -> None:
        """Highlight ``spans`` and scroll the first into view (a third from the top)."""
        self._marks["evidence"] = [(s, e) for s, e in spans if 0 <= s < e <= len(self._text)]
        self.refresh()
        if self._marks["evidence"] and self._rows:
            row = row_of(self._rows, self._marks["evidence"][0][0])
            top, height = self.scroll_offset.y, max(1, self.scrollable_content_region.height)
            if not top <= row < top + height:
                self.scroll_to(y=max(0, row - height // 3), animate=False)

    def evidence_row(self) -> int | None:
        """Row of the first highlighted evidence span, or None."""
        if not self._marks["evidence"] or not self._rows:
            return None
        return row_of(self._rows, self._marks["evidence"][0][0])

    def on_resize(self) -> None:
        self._rewrap()

    def _rewrap(self, force: bool = False) -> None:
        # Always leave room for the vertical scrollbar: it appears only after wrapping
        # decides the height, and then no new Resize arrives.
        inner = self.size.width - self.styles.gutter.width
        width = max(1, (inner if inner > 0 else 80) - 1)
        if force or width != self._wrap_width:
            self._wrap_width = width
            self._rows = wrap_offsets(self._text, width)
            self.virtual_size = Size(width, len(self._rows))
            self.refresh()

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if row >= len(self._rows):
            return Strip.blank(width, base)
        start, end = self._rows[row]
        kinds: list[str | None] = [None] * (end - start)
        for kind in MARK_KINDS:
            for s, e in self._marks[kind]:
                if s < end and e > start:
                    for i in range(max(s, start), min(e, end)):
                        kinds[i - start] = kind
        segments: list[Segment] = []
        styles: dict[str | None, Style] = {None: base}
        run_start = 0
        for i in range(1, len(kinds) + 1):
            if i == len(kinds) or kinds[i] != kinds[run_start]:
                kind = kinds[run_start]
                if kind not in styles:
                    styles[kind] = base + self.get_component_rich_style(f"note-view--{kind}")
                segments.append(Segment(self._text[start + run_start:start + i], styles[kind]))
                run_start = i
        return Strip(segments).extend_cell_length(width, base).crop(0, width)
