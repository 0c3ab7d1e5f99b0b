"""Audit mode (second-level review): the coder's final codes against the note, one verdict each.

``g`` agrees with the selected code, ``c`` changes it (a validated code), ``x``
removes it, ``+`` adds a code the coder missed; everything but agreement asks
for a reason from the short list (:data:`medcoder_tui.store.qa.REASONS`).
Findings go into the case's audit trail through the store: the coder's codes
and decisions are never changed here. ``d`` marks the audit done.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, OptionList, Static

from medcoder_tui.store import StoreError
from medcoder_tui.store.qa import REASONS
from medcoder_tui.tui.keys import AppFooter
from medcoder_tui.tui.widgets.note_view import NoteView

QA_BINDINGS = [
    Binding("g", "verdict('agree')", "Agree", id="qa.agree"),
    Binding("c", "verdict('change')", "Change", id="qa.change"),
    Binding("x", "verdict('remove')", "Remove", id="qa.remove"),
    Binding("plus", "verdict('add')", "Add missed", id="qa.add"),
    Binding("d", "done", "Audit done", id="qa.done"),
    Binding("escape", "back", "Back", id="qa.back"),
]


class ReasonPick(ModalScreen[str | None]):
    """Pick a finding reason from the short list; None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="qa.reason.cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog message-dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(*REASONS, id="qa-reasons")
            yield Static("Enter picks · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(REASONS[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class AuditScreen(Screen):
    """Audit one completed case: verdicts on the coder's codes, written as findings."""

    BINDINGS = QA_BINDINGS

    def __init__(self, path: Path, text: str, case: Any) -> None:
        super().__init__()
        self.path, self.text, self.case = path, text, case
        self.verdicts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="qa-title", markup=False)
        with Horizontal(id="qa-body"):
            yield NoteView(id="qa-note")
            yield DataTable(id="qa-codes", cursor_type="row")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one(NoteView).set_note(self.text)
        table = self.query_one(DataTable)
        table.add_columns("#", "Code", "System", "Description", "Audit")
        for n, fc in enumerate(self.case.final_codes, start=1):
            table.add_row(str(n), fc.code, fc.system.label, fc.description, "", key=fc.code)
        self._title()
        table.focus()

    def _title(self) -> None:
        coder = self.case.completed_by or self.case.user
        self.query_one("#qa-title", Static).update(
            f"AUDIT · {self.path.name} · coded by {coder} · {len(self.verdicts)}/{len(self.case.final_codes)} "
            "codes judged · g agree · c change · x remove · + add · d done")

    def _selected(self) -> Any:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((fc for fc in self.case.final_codes if fc.code == key), None)

    def _record(self, verdict: str, fc: Any, *, new: tuple[str, Any, str] | None = None, reason: str = "") -> None:
        store = self.app.services.store
        try:
            store.add_finding(self.case.id, verdict, fc.code if fc is not None else None,
                              new_code=new[0] if new else None, system=new[1].value if new else None,
                              reason=reason)
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return
        table = self.query_one(DataTable)
        label = verdict if new is None else f"{verdict} → {new[0]}"
        if fc is not None:
            self.verdicts[fc.code] = label
            table.update_cell(fc.code, table.ordered_columns[-1].key, f"{label} ({reason})" if reason else label)
        else:
            table.add_row("+", new[0], new[1].label, new[2], f"missed ({reason})", key=f"+{new[0]}")
        self.notify(f"Finding recorded: {label}.")
        self._title()

    def action_verdict(self, verdict: str) -> None:
        fc = self._selected() if verdict != "add" else None
        if verdict != "add" and fc is None:
            self.app.bell()
            return
        if verdict == "agree":
            self._record("agree", fc)
            return

        def with_reason(new: tuple[str, Any, str] | None) -> None:
            if verdict in ("change", "add") and not new:
                return
            self.app.push_screen(ReasonPick(f"Why {verdict} {fc.code if fc else new[0]}?"),
                                 lambda reason: reason and self._record(verdict, fc, new=new, reason=reason))

        if verdict == "remove":
            with_reason(None)
        elif verdict == "change":
            from medcoder_tui.tui.screens.edit import EditScreen
            self.app.push_screen(EditScreen(fc, self.app.services.codesets), with_reason)
        else:
            from medcoder_tui.tui.screens.lookup import LookupScreen
            self.app.push_screen(LookupScreen(self.app.services.codesets, self.app.services.types), with_reason)

    def action_done(self) -> None:
        try:
            self.app.services.store.finish_audit(self.case.id)
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.notify("Audit done.")
        self.app.pop_screen()

    def action_back(self) -> None:
        self.app.pop_screen()
