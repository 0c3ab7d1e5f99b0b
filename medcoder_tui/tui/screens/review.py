"""Review one note: the note, the model's output as it streams, and the suggestions to decide."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from medcoder_tui.textsafe import printable
from medcoder_tui.engines.models import SuggestionResult
from medcoder_tui.store.precoded import describe as describe_precoded
from medcoder_tui.tui.keys import REVIEW_BINDINGS, AppFooter
from medcoder_tui.tui.review_state import (
    context_spans, detail_text, edited_final, evidence_spans, manual_codes, manual_key, progress_text, suggestion_status,
)
from medcoder_tui.tui.screens.review_decisions import ReviewDecisions
from medcoder_tui.tui.store_bridge import StoreError
from medcoder_tui.tui.widgets.note_view import NoteView
from medcoder_tui.tui.widgets.status_bar import StatusBar
from medcoder_tui.tui.widgets.stream_pane import StreamPane, TokenBuffer
from medcoder_tui.tui.widgets.suggestions_table import SYSTEM_SHORT, SuggestionsTable


class ReviewScreen(ReviewDecisions, Screen):
    """One note under review. Decisions go to the store first, then to the table."""

    BINDINGS = REVIEW_BINDINGS

    class RunStarted(Message):
        def __init__(self, run: int, engine: str, model: str | None, buffer: TokenBuffer) -> None:
            super().__init__()
            self.run, self.engine, self.model, self.buffer = run, engine, model, buffer

    class SuggestionArrived(Message):
        def __init__(self, run: int, suggestion: Any) -> None:
            super().__init__()
            self.run, self.suggestion = run, suggestion

    class RunFinished(Message):
        def __init__(self, run: int, result: SuggestionResult, case: Any, state: str, store_error: str = "") -> None:
            super().__init__()
            self.run, self.result, self.case, self.state, self.store_error = run, result, case, state, store_error

    def __init__(self, index: int, path: Path, text: str, case: Any, *, held_by: Any = None) -> None:
        super().__init__()
        self.index, self.path, self.text, self.case = index, path, text, case
        self.held_by = held_by   # another session's claim (team store): the case is read-only here
        self.suggestions: list[Any] = []
        self.engine_name: str | None = None
        self.model: str | None = None
        self.prompt_version = ""
        self.streaming = False
        self._run = 0
        self._unsaved = False
        self._position_timer = None

    # ---- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="review-title", markup=False)
        with Vertical(id="review-body"):
            yield NoteView(id="note-view")
            with Vertical(id="review-side"):
                yield StreamPane(self.app.services.clock, id="stream")
                yield Static("", id="run-error", markup=False)
                yield SuggestionsTable(id="suggestions")
                yield Static("", id="detail", markup=False)
        yield StatusBar(id="status-bar")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one(NoteView).set_note(self.text, context_spans(self.text))
        self.query_one("#run-error").display = False
        table = self.query_one(SuggestionsTable)
        table.setup(self._table_width())
        self._update_title()
        if self.case.note_changed:
            self.notify(self.case.note_change_summary(), severity="warning", timeout=6)
        if self.case.engine or self.case.status.value == "completed" or self.held_by is not None:
            self.suggestions = list(self.case.suggestions)
            self.engine_name, self.model = self.case.engine, self.case.model
            self.prompt_version = self.case.prompt_version or ""
            pane = self.query_one(StreamPane)
            when = getattr(self.case, "precoded_at", None)
            pane.show_stored(self.case.engine, self.case.model, len(self.suggestions),
                             precoded=describe_precoded(self.case), when=f"{when:%m-%d %H:%M}" if when else "")
            pane.collapsed = self.app.size.width < 110
            self._rebuild_table(position=self.case.position)
        else:
            self.start_run()
        table.focus()

    def _table_width(self) -> int:
        width = self.app.size.width
        return width - 1 if width < 110 else int(width * 0.60) - 1

    def on_suggestions_table_width_changed(self, message: SuggestionsTable.WidthChanged) -> None:
        """Give the description column whatever width the other columns leave."""
        table = self.query_one(SuggestionsTable)
        if table.description_width_for(message.width - 1) != table.descriptions_width:
            table.setup(message.width - 1)
            self._rebuild_table()

    def _update_title(self) -> None:
        services = self.app.services
        total = len(services.notes)
        changed = " · NOTE CHANGED" if self.case.note_changed else ""
        done = "COMPLETED, read-only · " if self.case.status.value == "completed" else ""
        if self.held_by is not None:
            done = f"READ-ONLY, {self.held_by.describe()} · "
        self.query_one("#review-title", Static).update(
            f"{done}{printable(self.path.name)} · note {self.index + 1}/{total} · {self.case.setting} · types: "
            f"{services.types_label}{changed}")
        self.query_one(StatusBar).progress = progress_text(self.suggestions, self.case)

    # ---- table --------------------------------------------------------------------------
    def _visible(self, s: Any) -> bool:
        return s.system in self.app.services.types

    def _row_for(self, s: Any) -> None:
        table = self.query_one(SuggestionsTable)
        status = suggestion_status(s, self.case)
        edited = edited_final(s, self.case)
        table.put_row(s.key, table.cells(s, status, edited.line if edited else None,
                                         edited.description if edited else None))

    def _rebuild_table(self, position: int | None = None) -> None:
        table = self.query_one(SuggestionsTable)
        keep = table.current_key() if position is None else None
        table.clear()
        for s in self.suggestions:
            if self._visible(s):
                self._row_for(s)
        self._manual_rows()
        if table.row_count:
            row = position if position is not None else (table.get_row_index(keep) if keep in table.rows else 0)
            table.move_cursor(row=max(0, min(row, table.row_count - 1)), animate=False)
        self._show_selected()
        self._update_title()

    def _manual_rows(self) -> None:
        from rich.text import Text
        table = self.query_one(SuggestionsTable)
        wanted = {manual_key(fc): fc for fc in manual_codes(self.case)}
        for key in [k.value for k in table.rows if k.value.startswith("manual:") and k.value not in wanted]:
            table.remove_row(key)
        for key, fc in wanted.items():
            if key not in table.rows:
                table.add_row(Text(printable(fc.code), style="bold"), Text(SYSTEM_SHORT[fc.system.value]),
                              Text(printable(fc.description), overflow="ellipsis", no_wrap=True), Text("—"),
                              Text("manual"), Text("+ added", style="bold green"), key=key)

    def _refresh_statuses(self) -> None:
        for s in self.suggestions:
            if self._visible(s):
                self._row_for(s)
        self._manual_rows()
        self._show_selected()
        self._update_title()

    def current_suggestion(self) -> Any | None:
        key = self.query_one(SuggestionsTable).current_key()
        return next((s for s in self.suggestions if s.key == key), None)

    def _show_selected(self) -> None:
        s = self.current_suggestion()
        note = self.query_one(NoteView)
        detail = self.query_one("#detail", Static)
        if s is None:
            note.show_evidence([])
            key = self.query_one(SuggestionsTable).current_key() or ""
            detail.update("Code added by hand. r removes it." if key.startswith("manual:") else
                          "No suggestion selected.")
            return
        note.show_evidence(evidence_spans(s))
        detail.update(printable(detail_text(s, edited_final(s, self.case))))

    @on(DataTable.RowHighlighted, "#suggestions")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected()
        if self._position_timer is not None:
            self._position_timer.stop()
        self._position_timer = self.set_timer(1.0, self.save_position)

    def save_position(self) -> None:
        """Persist the selected row so a reopened case lands on it."""
        table = self.query_one(SuggestionsTable)
        row = table.cursor_row if table.row_count else 0
        if row == self.case.position or self.held_by is not None:
            return
        try:
            self.case = self.app.services.store.set_position(self.case.id, row)
        except StoreError as exc:
            self.notify(str(exc), severity="error")

    def on_unmount(self) -> None:
        try:
            self.save_position()
        except Exception:  # the screen may already be gone at shutdown
            pass

    # ---- engine run ---------------------------------------------------------------------
    def start_run(self) -> None:
        """Start (or restart) the engine on this note; earlier decisions on the same codes are kept."""
        self._run += 1
        self.streaming = True
        self.suggestions = []
        self.query_one("#run-error").display = False
        self._rebuild_table()
        self.run_engine(self._run)
        self.refresh_bindings()

    @work(exclusive=True, group="engine", exit_on_error=False)
    async def run_engine(self, run: int) -> None:
        """Stream suggestions; persists the result (also a partial one) before reporting it."""
        services = self.app.services
        pane = self.query_one(StreamPane)
        if not services.codesets_loaded:
            pane.waiting("Loading code sets…")
        await services.wait_codesets()
        if not services.index_ready:
            pane.waiting("Building the search index (first start only takes a few seconds)…")
        await services.wait_index()
        if services.engine is None:
            pane.waiting("Choosing the engine (checking Ollama)…")
        engine = await services.wait_engine()
        buffer = TokenBuffer()
        self.post_message(self.RunStarted(run, engine.name, engine.model, buffer))
        collected: list[Any] = []
        result: SuggestionResult | None = None
        state = "done"
        try:
            async for event in engine.stream(self.text, types=set(services.types), setting=self.case.setting):
                if event.kind == "token":
                    buffer.append(event.text)
                elif event.kind == "suggestion":
                    collected.append(event.suggestion)
                    self.post_message(self.SuggestionArrived(run, event.suggestion))
                elif event.kind == "progress":
                    buffer.progress = event   # painted by the pane's timer, like the tokens
                else:
                    result = event.result
        except asyncio.CancelledError:
            result = SuggestionResult(engine=engine.name, model=engine.model, suggestions=collected,
                                      error="cancelled by the coder")
            case, _ = self._persist(result)
            if case is not None and run == self._run:
                self.case, self._unsaved = case, False
            raise
        except Exception as exc:  # engines report errors in the result; this is the last guard
            result = SuggestionResult(engine=engine.name, model=engine.model, suggestions=collected,
                                      error=f"{type(exc).__name__}: {exc}")
        if result is None:
            result = SuggestionResult(engine=engine.name, model=engine.model, suggestions=collected,
                                      error="the engine stopped without a result")
        case, store_error = self._persist(result)
        self.post_message(self.RunFinished(run, result, case, state, store_error))

    def _persist(self, result: SuggestionResult) -> tuple[Any, str]:
        try:
            return self.app.services.store.save_suggestions(self.case.id, result), ""
        except StoreError as exc:
            return None, str(exc)

    def on_review_screen_run_started(self, message: RunStarted) -> None:
        if message.run == self._run:
            pane = self.query_one(StreamPane)
            pane.start(message.engine, message.model)
            pane.buffer = message.buffer
            # The offline engine writes no raw text: keep its rows for suggestions.
            pane.collapsed = message.engine == "offline"
            self.engine_name, self.model = message.engine, message.model

    def on_review_screen_suggestion_arrived(self, message: SuggestionArrived) -> None:
        if message.run != self._run:
            return
        s = message.suggestion
        self.suggestions = [x for x in self.suggestions if x.key != s.key] + [s]
        self._unsaved = True
        if self._visible(s):
            table = self.query_one(SuggestionsTable)
            self._row_for(s)
            if table.row_count == 1:
                table.move_cursor(row=0)
                self._show_selected()
                self.refresh_bindings()   # accept, reject and edit now have a row to act on
        self.query_one(StatusBar).progress = progress_text(self.suggestions, self.case)

    def on_review_screen_run_finished(self, message: RunFinished) -> None:
        if message.run != self._run:
            return
        self.streaming = False
        result = message.result
        if message.case is not None:
            self.case = message.case
            self._unsaved = False
        self.suggestions = list(result.suggestions)
        self.prompt_version = result.prompt_version
        error = result.error
        if message.store_error:
            error = f"{error + ' · ' if error else ''}not saved: {message.store_error}"
        # Warnings explain, e.g., codes a preference took off the list; the fallback was already announced.
        notes = [w for w in result.warnings if not w.startswith("Ollama unreachable")]
        pane = self.query_one(StreamPane)
        pane.finish(error, notes=notes)
        if self.app.size.width < 110 and not error and not notes:
            pane.collapsed = True     # at 80x24 the rows to decide need the room; o shows the output

        banner = self.query_one("#run-error", Static)
        banner.display = bool(error)
        if error:
            banner.update(f"⚠ {error} — {len(result.suggestions)} suggestions kept. R re-runs.")
        self._rebuild_table()
        self.refresh_bindings()

    def _ensure_saved(self) -> None:
        """Suggestions shown mid-stream reach the store before a decision refers to them."""
        if self._unsaved:
            partial = SuggestionResult(engine=self.engine_name or "unknown", model=self.model,
                                       prompt_version=self.prompt_version, suggestions=list(self.suggestions))
            self.case = self.app.services.store.save_suggestions(self.case.id, partial)
            self._unsaved = False

    def action_rerun(self) -> None:
        if self._refuse_if_completed():
            return
        self.app.reprobe()
        self.start_run()

    def action_types(self) -> None:
        services = self.app.services
        services.types_index = (services.types_index + 1) % 4
        self._rebuild_table()
        self.notify(f"Showing {services.types_label} codes; R re-runs the engine for them.")

    def action_sequence(self) -> None:
        from medcoder_tui.tui.screens.sequence import SequenceScreen

        def back(case: Any) -> None:
            if case is not None:
                self.case = case
                self._rebuild_table()

        self.app.push_screen(SequenceScreen(self.case, self.text, self.suggestions), back)

    def action_audit(self) -> None:
        from medcoder_tui.tui.screens.audit import AuditScreen
        self.app.push_screen(AuditScreen(self.case, self.path.name))

    def action_next_note(self) -> None:
        self.app.open_note(self.index + 1)

    def action_prev_note(self) -> None:
        self.app.open_note(self.index - 1)

    def action_toggle_output(self) -> None:
        pane = self.query_one(StreamPane)
        pane.collapsed = not pane.collapsed

    def action_switch_pane(self) -> None:
        table, note = self.query_one(SuggestionsTable), self.query_one(NoteView)
        (note if table.has_focus else table).focus()

    def action_cancel(self) -> None:
        if self.streaming:
            self.workers.cancel_group(self, "engine")
            self.streaming = False
            self.query_one(StreamPane).finish(state="cancelled")
            self.notify("Run cancelled; the suggestions so far are kept.")
            self.refresh_bindings()

    def action_cancel_or_back(self) -> None:
        if self.streaming:
            self.action_cancel()
        else:
            self.save_position()
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept", "toggle", "edit"):
            return self.current_suggestion() is not None or None
        if action == "reject":
            return self.query_one(SuggestionsTable).current_key() is not None or None
        if action == "cancel":
            return self.streaming or None
        if action == "next_note":
            return self.index + 1 < len(self.app.services.notes) or None
        if action == "prev_note":
            return self.index > 0 or None
        return True
