"""The worklist: every note under PATH with its case status, codes, gold marker, setting, date and coder.

Case details come from the store's compact case index (one read however many
cases there are), and the rows are drawn on demand, so 10,000 notes paint
and filter as fast as twenty.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

from medcoder_tui.store.index import change_signature, gc_paused, note_changed_since
from medcoder_tui.tui.keys import WORKLIST_BINDINGS, AppFooter
from medcoder_tui.tui.widgets.status_bar import StatusBar
from medcoder_tui.tui.widgets.worklist_filter import MatchCache
from medcoder_tui.tui.widgets.worklist_table import Row, WorklistTable, printable

STATUS_LABEL = {None: "new", "in_progress": "in review", "completed": "completed", "skipped": "skipped"}
CHANGED_LABEL = "note changed"   # a completed case whose note was edited afterwards
SETTING_LABEL = {"outpatient": "outpt", "inpatient": "inpt", "ed": "ED"}
# Above this many notes the first paint shows the names at once and the statuses follow from a
# thread (reading the index of 10,000 cases takes a few tenths of a second).
DEFER_ABOVE = 1000
VIEWS = ("all", "mine", "unassigned")
COLUMNS = [("Note", None), ("Status", 12), ("Codes", 5), ("Gold", 4), ("Set", 5), ("Date", 10), ("Coder", 8)]


def _row_cells(name: str, entry: dict[str, Any] | None, gold: bool,
               claim: Any = None) -> tuple[tuple[str, ...], bool]:
    """The cells of one note's row, and whether it counts as completed; another coder's claim
    (team store) shows as "being coded by NAME since HH:MM" after the name."""
    if claim is not None and entry is not None:
        cells, completed = _row_cells(f"{name} · {claim.describe()}", entry, gold)
        return (cells[0], "claimed", *cells[2:]), completed
    if entry is None:
        return (name, STATUS_LABEL[None], "", "✓" if gold else "", "", "", ""), False
    status = entry["status"]
    label = entry.get("review") or STATUS_LABEL.get(status, status)   # new, pre-coded, in review, ...
    if status == "completed" and note_changed_since(entry):
        label = CHANGED_LABEL
    date = str(entry.get("completed_at") or entry.get("updated_at") or "")[:10]
    return (name, label, str(entry.get("final", "")), "✓" if gold else "",
            SETTING_LABEL.get(entry.get("setting", ""), entry.get("setting", "")), date,
            str(entry.get("coder") or "")), status == "completed"


def _set_text(widget: Static, text: str) -> None:
    """Show ``text`` in a one-line-or-more Static, laying the screen out again only when its
    height may change: a keystroke in the filter then redraws two lines, not the whole screen."""
    old = str(widget.content)
    if text == old:
        return
    width = widget.content_region.width
    widget.update(text, layout=not (widget.display and 0 < max(cell_len(old), cell_len(text)) <= width))


class WorklistScreen(Screen):
    """Pick a note. Enter opens it; ``/`` filters by name (Enter there opens the top match)."""

    BINDINGS = WORKLIST_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self._filter = ""
        self._rows: list[Row] = []    # (key, cells) of every note, in order
        self._lows: list[str] = []    # each row's lower-case name, for the filter
        self._matches = MatchCache()
        self._done = 0
        self._resolved: list[str] | None = None
        self._names: list[str] = []
        self._lower_names: list[str] = []
        self._sidecars: list[tuple[str, str]] = []   # each note's folder and gold sidecar name
        self._just_mounted = False
        self._loading = False
        self._seen_sig: tuple = ()
        self._view = "all"
        self._assignee: dict[str, str] = {}   # row key -> coder the note is assigned to

    def compose(self) -> ComposeResult:
        yield Static(id="worklist-title", markup=False)   # a folder name such as "notes [2026]" is no markup
        yield Input(placeholder="filter notes by name (/)", id="worklist-filter")
        yield WorklistTable(id="worklist-table")
        yield Static("", id="worklist-empty", markup=False)
        yield StatusBar(id="status-bar")
        yield AppFooter()

    def on_mount(self) -> None:
        table = self.query_one(WorklistTable)
        table.set_columns(COLUMNS)
        notes = self.app.services.notes
        if len(notes) > DEFER_ABOVE:
            self._placeholder_rows(notes)
            self._loading = True
            self.run_worker(self._load_in_thread, thread=True, exclusive=True, group="worklist-index")
        else:
            self.refresh_rows()
        self._just_mounted = True
        self._seen_sig = self._store_sig()
        self.set_interval(1.0, self._poll_store)
        table.focus()
        self.call_after_refresh(self.app.first_paint_done)

    def on_screen_resume(self) -> None:
        self.app.release_claims()   # back at the list: this session has no case open
        if self._just_mounted:   # the first resume follows the mount, which has just read everything
            self._just_mounted = False
            return
        self.refresh_rows()

    def _placeholder_rows(self, notes: list[Path]) -> None:
        """The names at once, statuses marked as still loading."""
        root = self.app.notes_root
        prefix = (str(root).rstrip(os.sep) + os.sep) if root else None
        rows, lows = [], []
        for index, note in enumerate(notes):
            text = str(note)
            name = text[len(prefix):] if prefix and text.startswith(prefix) else os.path.basename(text)
            rows.append((str(index), (name, "…", "", "", "", "", "")))
            lows.append(name.lower())
        self._set_rows(rows, lows, 0)
        self._show(keep=False, loading=True)

    def _load_in_thread(self) -> None:
        built = self._build_rows()
        self.app.call_from_thread(self._apply_rows, *built)

    def _set_rows(self, rows: list[Row], lows: list[str], done: int) -> None:
        self._rows, self._lows, self._done = rows, lows, done
        self._matches.clear()

    def _apply_rows(self, rows: list[Row], lows: list[str], done: int, problems: list[str]) -> None:
        self._loading = False
        for message in problems:
            self.notify(message, severity="error", timeout=10)
        self._set_rows(rows, lows, done)
        self._show(keep=True)

    def _index_by_path(self, problems: list[str]) -> dict[str, dict[str, Any]]:
        """The store's case records by note path; a damaged case file is named (in ``problems``),
        never hides the notes."""
        store = self.app.services.store
        try:
            entries = store.case_index()
        except Exception as exc:
            problems.append(f"store: {printable(str(exc))}")
            return {}
        problems.extend(f"store: {printable(str(exc))}" for exc in getattr(store, "skipped", [])[:3])
        return {e["note_path"]: e for e in entries.values()}

    def _paths(self, notes: list[Path]) -> None:
        """Each note's resolved path (how the store keys cases) and its name under the notes root.

        String operations and one realpath per folder: pathlib would cost more than the store read.
        """
        root = self.app.notes_root
        prefix = (str(root).rstrip(os.sep) + os.sep) if root else None
        folders: dict[str, str] = {}
        self._resolved, self._names, self._sidecars = [], [], []
        for note in notes:
            text = str(note)
            folder, base = os.path.split(text)
            # the sidecar rule of Services.gold_path: NAME.gold.json beside the note
            self._sidecars.append((folder or ".", os.path.splitext(base)[0] + ".gold.json"))
            if os.path.islink(text):
                resolved = os.path.realpath(text)
            else:
                real = folders.get(folder)
                if real is None:
                    real = folders[folder] = os.path.realpath(folder or ".")
                resolved = os.path.join(real, base)
            self._resolved.append(resolved)
            self._names.append(text[len(prefix):] if prefix and text.startswith(prefix) else base)
        self._lower_names = [name.lower() for name in self._names]

    def _gold_names(self) -> list[bool]:
        """Whether each note has a gold sidecar, from one listing per folder instead of a stat each."""
        listings: dict[str, set[str]] = {}
        for folder in {folder for folder, _ in self._sidecars}:
            try:
                listings[folder] = set(os.listdir(folder))
            except OSError:
                listings[folder] = set()
        return [sidecar in listings[folder] for folder, sidecar in self._sidecars]

    def _build_rows(self) -> tuple[list[Row], list[str], int, list[str]]:
        """Every note's row from the case index, the lower-case names, the completed count, and
        problems to show."""
        with gc_paused():   # 10,000 rows are many objects and no cycles: nothing to collect
            return self._build_rows_now()

    def _build_rows_now(self) -> tuple[list[Row], list[str], int, list[str]]:
        notes: list[Path] = self.app.services.notes
        if self._resolved is None or len(self._resolved) != len(notes):
            self._paths(notes)
        resolved, names = self._resolved or [], self._names
        gold = self._gold_names()
        problems: list[str] = []
        by_path = self._index_by_path(problems)
        claims = self._others_claims()
        assigned = self._assigned()
        self._assignee = {str(i): assigned[p] for i, p in enumerate(resolved) if p in assigned}
        rows = []
        done = 0
        for index in range(len(notes)):
            entry = by_path.get(resolved[index])
            claim = claims.get(entry["id"]) if claims and entry is not None else None
            cells, completed = _row_cells(names[index], entry, gold[index], claim)
            done += completed
            rows.append((str(index), cells))
        return rows, self._lower_names, done, problems

    def _assigned(self) -> dict[str, str]:
        """note path -> coder it is assigned to (``medcoder assign``)."""
        try:
            records = self.app.services.store.assignments()
        except Exception:
            return {}
        return {r.get("note_path"): r.get("coder") for r in records.values()}

    def action_cycle_view(self) -> None:
        """All notes, then mine (assigned to this account), then unassigned ones."""
        self._view = VIEWS[(VIEWS.index(self._view) + 1) % len(VIEWS)]
        self._matches.clear()
        self._show(keep=True)

    def _in_view(self, key: str) -> bool:
        if self._view == "all":
            return True
        coder = self._assignee.get(key)
        return coder is None if self._view == "unassigned" else coder == self.app.services.store.user

    def _others_claims(self) -> dict[str, Any]:
        """Live claims of other sessions by case id (a team store; empty otherwise)."""
        store = self.app.services.store
        try:
            claims = store.claims() if getattr(store, "kind", "personal") == "team" else {}
        except Exception:
            return {}
        return {k: c for k, c in claims.items() if not store.mine(c)}

    def _store_sig(self) -> tuple:
        root = getattr(self.app.services.store, "path", None)
        return change_signature(root) if root is not None else ()

    def _poll_store(self) -> None:
        """Redraw when another session changed a case or a claim (checked every second)."""
        if not self.is_current or self._loading:
            return
        sig = self._store_sig()
        if sig != self._seen_sig:
            self._seen_sig = sig
            self.refresh_rows()

    def refresh_rows(self) -> None:
        """Re-read the case index and rebuild the rows, keeping the cursor on the same note."""
        if self._loading:
            return   # the first read is still running in its thread
        self._seen_sig = self._store_sig()
        self._apply_rows(*self._build_rows())

    def _show(self, *, keep: bool, loading: bool = False) -> None:
        """Apply the filter to the rows (no disk access: this runs on every keystroke)."""
        table = self.query_one(WorklistTable)
        current = table.key_at(table.cursor_row) if keep else None
        shown = self._matches.get(self._filter.lower(), self._rows, self._lows,
                                  None if self._view == "all" else self._in_view)
        cursor = 0
        if current is not None:
            cursor = next((i for i, (key, _) in enumerate(shown) if key == current), table.cursor_row)
        table.set_rows(shown, cursor=cursor)
        total = len(self._rows)
        matching = f" · {len(shown)} match “{printable(self._filter)}”" if self._filter else ""
        if self._view != "all":
            matching += f" · view: {self._view} ({len(shown)})"
        counted = "reading the case store…" if loading or self._loading else f"{self._done} completed"
        _set_text(self.query_one("#worklist-title", Static),
                  f"Notes in {printable(self.app.notes_label)} — {total} note{'s' if total != 1 else ''}, "
                  f"{counted}{matching} · Enter opens")
        empty = self.query_one("#worklist-empty", Static)
        empty.display = not shown
        _set_text(empty, "No notes match the filter." if total and self._filter else
                  f"No notes in the view “{self._view}” (F2 changes it)." if total else
                  f"No notes (.txt, .note, .md) found under {printable(self.app.notes_label)}.")
        self.query_one(StatusBar).progress = ("reading cases…" if loading or self._loading
                                              else f"{self._done}/{total} completed")

    def selected_index(self) -> int | None:
        table = self.query_one(WorklistTable)
        key = table.key_at(table.cursor_row)
        return int(key) if key is not None else None

    def action_open(self) -> None:
        index = self.selected_index()
        if index is not None:
            self.app.open_note(index)

    def action_audit(self) -> None:
        """Second-level review of the selected note's completed case (audit mode)."""
        from medcoder_tui.notes import NoteError, load_note
        from medcoder_tui.tui.screens.qa_audit import AuditScreen

        index = self.selected_index()
        if index is None:
            return
        path = self.app.services.notes[index]
        case = self.app.services.store.case_for_path(path)
        if case is None or case.status.value != "completed":
            self.notify("Only completed cases are audited.", severity="warning")
            return
        try:
            text = load_note(path)
        except NoteError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(AuditScreen(path, text, case))

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
