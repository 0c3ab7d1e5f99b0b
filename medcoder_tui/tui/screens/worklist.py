"""The worklist: every note under PATH with its case status, codes, gold marker, setting, date and coder.

Case details come from the store's compact case index (one read however many
cases there are), and the rows are drawn on demand, so 10,000 notes paint
and filter as fast as twenty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

from medcoder_tui.tui.keys import WORKLIST_BINDINGS, AppFooter
from medcoder_tui.tui.widgets.status_bar import StatusBar
from medcoder_tui.tui.widgets.worklist_table import WorklistTable, printable

STATUS_LABEL = {None: "new", "in_progress": "in progress", "completed": "completed", "skipped": "skipped"}
CHANGED_LABEL = "note changed"   # a completed case whose note was edited afterwards
SETTING_LABEL = {"outpatient": "outpt", "inpatient": "inpt", "ed": "ED"}
COLUMNS = [("Note", None), ("Status", 12), ("Codes", 5), ("Gold", 4), ("Set", 5), ("Date", 10), ("Coder", 8)]


def _row_cells(name: str, entry: dict[str, Any] | None, gold: bool) -> tuple[tuple[str, ...], bool]:
    """The cells of one note's row, and whether it counts as completed."""
    from medcoder_tui.store.index import note_changed_since

    if entry is None:
        return (name, STATUS_LABEL[None], "", "✓" if gold else "", "", "", ""), False
    status = entry["status"]
    label = STATUS_LABEL.get(status, status)
    if status == "completed" and note_changed_since(entry):
        label = CHANGED_LABEL
    date = str(entry.get("completed_at") or entry.get("updated_at") or "")[:10]
    return (name, label, str(entry.get("final", "")), "✓" if gold else "",
            SETTING_LABEL.get(entry.get("setting", ""), entry.get("setting", "")), date,
            str(entry.get("coder") or "")), status == "completed"


class WorklistScreen(Screen):
    """Pick a note. Enter opens it; ``/`` filters by name (Enter there opens the top match)."""

    BINDINGS = WORKLIST_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self._filter = ""
        self._rows: list[tuple[str, tuple[str, ...], str]] = []   # key, cells, lower-case name
        self._done = 0
        self._resolved: list[str] | None = None
        self._names: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="worklist-title")
        yield Input(placeholder="filter notes by name (/)", id="worklist-filter")
        yield WorklistTable(id="worklist-table")
        yield Static("", id="worklist-empty")
        yield StatusBar(id="status-bar")
        yield AppFooter()

    def on_mount(self) -> None:
        table = self.query_one(WorklistTable)
        table.set_columns(COLUMNS)
        self.refresh_rows()
        table.focus()
        self.call_after_refresh(self.app.first_paint_done)

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    def _index_by_path(self) -> dict[str, dict[str, Any]]:
        """The store's case records by note path; a damaged case file is named, never hides the notes."""
        store = self.app.services.store
        try:
            entries = store.case_index()
        except Exception as exc:
            self.notify(f"store: {exc}", severity="error")
            return {}
        for exc in getattr(store, "skipped", [])[:3]:
            self.notify(f"store: {printable(str(exc))}", severity="error", timeout=10)
        return {e["note_path"]: e for e in entries.values()}

    def refresh_rows(self) -> None:
        """Re-read the case index and rebuild the rows, keeping the cursor on the same note."""
        services = self.app.services
        notes: list[Path] = services.notes
        if self._resolved is None or len(self._resolved) != len(notes):
            root = self.app.notes_root
            self._resolved = [str(n.resolve()) for n in notes]
            self._names = [str(n.relative_to(root)) if root and n.is_relative_to(root) else n.name for n in notes]
        by_path = self._index_by_path()
        rows = []
        done = 0
        for index, note in enumerate(notes):
            cells, completed = _row_cells(self._names[index], by_path.get(self._resolved[index]),
                                          services.gold_path(note).exists())
            done += completed
            rows.append((str(index), cells, self._names[index].lower()))
        self._rows, self._done = rows, done
        self._show(keep=True)

    def _show(self, *, keep: bool) -> None:
        """Apply the filter to the rows (no disk access: this runs on every keystroke)."""
        table = self.query_one(WorklistTable)
        current = table.key_at(table.cursor_row) if keep else None
        needle = self._filter.lower()
        shown = [(key, cells) for key, cells, low in self._rows if needle in low] if needle else \
            [(key, cells) for key, cells, _ in self._rows]
        cursor = 0
        if current is not None:
            cursor = next((i for i, (key, _) in enumerate(shown) if key == current), table.cursor_row)
        table.set_rows(shown, cursor=cursor)
        total = len(self._rows)
        matching = f" · {len(shown)} match “{printable(self._filter)}”" if self._filter else ""
        self.query_one("#worklist-title", Static).update(
            f"Notes in {printable(self.app.notes_label)} — {total} note{'s' if total != 1 else ''}, "
            f"{self._done} completed{matching} · Enter opens")
        empty = self.query_one("#worklist-empty", Static)
        empty.display = not shown
        empty.update("No notes match the filter." if total else
                     f"No notes (.txt, .note, .md) found under {printable(self.app.notes_label)}.")
        self.query_one(StatusBar).progress = f"{self._done}/{total} completed"

    def selected_index(self) -> int | None:
        table = self.query_one(WorklistTable)
        key = table.key_at(table.cursor_row)
        return int(key) if key is not None else None

    def action_open(self) -> None:
        index = self.selected_index()
        if index is not None:
            self.app.open_note(index)

    @on(WorklistTable.RowSelected)
    def _row_selected(self, event: WorklistTable.RowSelected) -> None:
        event.stop()
        self.app.open_note(int(event.key))

    async def action_quit_app(self) -> None:
        await self.app.action_quit()

    def on_key(self, event: events.Key) -> None:
        """Type to filter: a character no binding wants goes to the filter box."""
        box = self.query_one("#worklist-filter", Input)
        char = event.character
        if self.focused is box or not char or not event.is_printable or char in "q/?E ":
            return
        box.focus()
        box.insert_text_at_cursor(char)
        event.stop()

    def action_filter(self) -> None:
        self.query_one("#worklist-filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#worklist-filter", Input)
        box.value = ""
        self.query_one(WorklistTable).focus()

    def action_refresh(self) -> None:
        self.refresh_rows()

    @on(Input.Changed, "#worklist-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value.strip()
        self._show(keep=False)

    @on(Input.Submitted, "#worklist-filter")
    def _filter_done(self) -> None:
        """Enter in the filter opens the top match (the list keeps the filter for coming back)."""
        table = self.query_one(WorklistTable)
        table.focus()
        if table.row_count:
            table.move_cursor(0)
            self.action_open()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return self.selected_index() is not None or None
        if action == "quit_app":
            # q types into the filter box; it only quits from the list
            return not isinstance(self.focused, Input)
        return True
