"""A row list that draws only the rows on screen, so 10,000 notes cost what 20 do.

Textual's DataTable measures and stores every row it is given (about 3 s for
10,000 rows, and again on every filter keystroke). This widget keeps the rows
as plain tuples and renders each visible line on demand (the Line API), with
a sticky header line, a row cursor and the usual movement keys.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Row = tuple[str, tuple[str, ...]]   # (key, cells)


def printable(text: str) -> str:
    """Text from file names, shown literally: control characters become visible escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                   for c in text)


class WorklistTable(ScrollView, can_focus=True):
    """Columns of fixed width plus one flexible column (width None) that takes the rest."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]
    COMPONENT_CLASSES = {"worklist-table--header", "worklist-table--cursor"}
    DEFAULT_CSS = """
    WorklistTable { background: $surface; }
    WorklistTable > .worklist-table--header { text-style: bold; background: $panel; }
    WorklistTable > .worklist-table--cursor { background: $block-cursor-blurred-background; }
    WorklistTable:focus > .worklist-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class RowSelected(Message):
        """A row was double-clicked."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: list[tuple[str, int | None]] = []
        self.rows: list[Row] = []
        self._frame: tuple | None = None   # width, column widths, top row and styles of this frame
        self._bar_virtual_size = Size(0, 0)   # the virtual size the scrollbar was last drawn for

    # ---- data ---------------------------------------------------------------------------
    def set_columns(self, columns: list[tuple[str, int | None]]) -> None:
        self.columns = list(columns)
        self.refresh()

    def set_rows(self, rows: list[Row], *, cursor: int | None = None) -> None:
        """Show ``rows``; the cursor stays at its index (clamped) unless ``cursor`` is given."""
        self.rows = rows
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.cursor_row = max(0, min(self.cursor_row if cursor is None else cursor, len(rows) - 1))
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def key_at(self, row: int) -> str | None:
        return self.rows[row][0] if 0 <= row < len(self.rows) else None

    def get_row_at(self, row: int) -> list[str]:
        return list(self.rows[row][1])

    # ---- cursor -------------------------------------------------------------------------
    def watch_cursor_row(self) -> None:
        page = max(1, self.size.height - 1)
        top = round(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + page:
            self.scroll_to(y=self.cursor_row - page + 1, animate=False)
        self.refresh()

    def move_cursor(self, row: int) -> None:
        if self.rows:
            self.cursor_row = max(0, min(row, len(self.rows) - 1))

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        self.move_cursor(where if where >= 0 else len(self.rows) - 1)

    def on_click(self, event: events.Click) -> None:
        row = round(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= row < len(self.rows):
            self.move_cursor(row)
            if event.chain >= 2:
                self.post_message(self.RowSelected(self.rows[row][0]))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # Textual's ScrollView compares the size the layout gives it (the region on screen) with
        # its virtual size (every row), which always differ here, so it redrew the scrollbar at
        # every layout of the screen: each filter keystroke (the Input lays the screen out as
        # it grows), a third of the keystroke's cost at 10,000 rows. Let it redraw the
        # scrollbar only when the rows' height changed since it last did.
        if self.virtual_size != self._bar_virtual_size:
            self._bar_virtual_size = self.virtual_size
        else:
            virtual_size = self.virtual_size
        return super()._size_updated(size, virtual_size, container_size, layout)

    # ---- drawing ------------------------------------------------------------------------
    def _widths(self, width: int) -> list[int]:
        fixed = sum(w for _, w in self.columns if w is not None) + len(self.columns)
        flexible = max(8, width - fixed)
        return [w if w is not None else flexible for _, w in self.columns]

    def _line(self, cells: tuple[str, ...] | list[str], widths: list[int]) -> str:
        return " " + " ".join(set_cell_size(printable(c), w) for c, w in zip(cells, widths))

    def _frame_now(self) -> tuple:
        width = self.size.width
        return (width, self._widths(width), round(self.scroll_offset.y), self.rich_style,
                self.get_component_rich_style("worklist-table--cursor"))

    def render_lines(self, crop: Region) -> list[Strip]:
        # what every line of this frame shares, worked out once instead of for each line
        self._frame = self._frame_now()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        frame = self._frame or self._frame_now()   # also drawn line by line outside a frame
        width, widths, top, plain, cursor = frame
        if y == 0:
            text = self._line([label for label, _ in self.columns], widths)
            style = self.get_component_rich_style("worklist-table--header")
        else:
            row = top + y - 1
            if row >= len(self.rows):
                return Strip.blank(width, plain)
            text = self._line(self.rows[row][1], widths)
            style = cursor if row == self.cursor_row else plain
        text = set_cell_size(text, width) if cell_len(text) != width else text
        return Strip([Segment(text, style)], width)
