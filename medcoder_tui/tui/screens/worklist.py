"""The worklist: every note under PATH with its case status, code count and gold marker."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from medcoder_tui.notes import gold_sidecar
from medcoder_tui.store.precoded import review_state
from medcoder_tui.textsafe import printable
from medcoder_tui.tui.keys import WORKLIST_BINDINGS, AppFooter
from medcoder_tui.tui.widgets.status_bar import StatusBar



class WorklistScreen(Screen):
    """Pick a note. Enter opens it; ``/`` filters by name; status comes from the store."""

    BINDINGS = WORKLIST_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self._filter = ""

    def compose(self) -> ComposeResult:
        yield Static(id="worklist-title", markup=False)
        yield Input(placeholder="filter notes by name (/)", id="worklist-filter")
        yield DataTable(id="worklist-table", cursor_type="row")
        yield Static("", id="worklist-empty", markup=False)
        yield StatusBar(id="status-bar")
        yield AppFooter()

    def on_mount(self) -> None:
        table = self.query_one("#worklist-table", DataTable)
        table.add_column("Note", key="note")
        table.add_column("Status", key="status", width=12)
        table.add_column("Codes", key="codes", width=5)
        table.add_column("Gold", key="gold", width=4)
        self.refresh_rows()
        table.focus()
        self.call_after_refresh(self.app.first_paint_done)

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    def _cases_by_path(self) -> dict[str, object]:
        """The cases of the listed notes only: one small file each, however large the store is."""
        services = self.app.services
        found: dict[str, object] = {}
        for note in services.notes:
            try:
                case = services.store.case_for_path(note)
            except Exception as exc:  # a broken case file must not hide the notes
                self.notify(f"store: {exc}", severity="error")
                continue
            if case is not None:
                found[str(note.resolve())] = case
        return found

    def refresh_rows(self) -> None:
        """Rebuild the rows, keeping the cursor on the same note."""
        services = self.app.services
        table = self.query_one("#worklist-table", DataTable)
        keep = table.cursor_row
        cases = self._cases_by_path()
        table.clear()
        done = 0
        root = self.app.notes_root
        for index, note in enumerate(services.notes):
            name = str(note.relative_to(root)) if root and note.is_relative_to(root) else note.name
            if self._filter and self._filter.lower() not in name.lower():
                continue
            case = cases.get(str(note.resolve()))
            status = getattr(getattr(case, "status", None), "value", None)
            done += status == "completed"
            codes = len(case.final_codes) if case else 0
            gold = "✓" if gold_sidecar(note) is not None else ""
            # a Text cell is shown as it is: "jones [draft].txt" is a name, not markup
            table.add_row(Text(printable(name)), review_state(case), str(codes) if case else "", gold,
                          key=str(index))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        total = len(services.notes)
        self.query_one("#worklist-title", Static).update(
            f"Notes in {printable(self.app.notes_label)} — {total} note{'s' if total != 1 else ''}, {done} completed"
            " · Enter opens")
        empty = self.query_one("#worklist-empty", Static)
        empty.display = table.row_count == 0
        empty.update("No notes match the filter." if total else
                     f"No notes (.txt, .note, .md) found under {printable(self.app.notes_label)}.")
        self.query_one(StatusBar).progress = f"{done}/{total} completed"

    def selected_index(self) -> int | None:
        table = self.query_one("#worklist-table", DataTable)
        if not table.row_count:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_open(self) -> None:
        index = self.selected_index()
        if index is not None:
            self.app.open_note(index)

    @on(DataTable.RowSelected, "#worklist-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

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
        self.query_one("#worklist-table", DataTable).focus()

    def action_refresh(self) -> None:
        self.refresh_rows()

    @on(Input.Changed, "#worklist-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value.strip()
        self.refresh_rows()

    @on(Input.Submitted, "#worklist-filter")
    def _filter_done(self) -> None:
        self.query_one("#worklist-table", DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return self.selected_index() is not None or None
        if action == "quit_app":
            # q types into the filter box; it only quits from the list
            return not isinstance(self.focused, Input)
        return True
